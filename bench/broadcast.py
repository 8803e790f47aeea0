"""Time a city-wide HR broadcast sent by the real bot process against a fake Telegram.

    .venv/bin/python bench/broadcast.py [--recipients 20000] [--rate 28] [--users 5]
        [--api-latency 80,150]
    .venv/bin/python bench/broadcast.py --crash [--recipients 2000] [--kills 5]
    (add --timeline to print broadcast and other sends per second, as the fake saw them)

A fresh SQLite database is migrated and filled with a synthetic roster (bot.demo_org
+ roster import); everyone is linked to Telegram, one employee becomes city-wide HR, and a
broadcast to the whole city is created with bot.services.broadcasts.create (its outbox rows
included), exactly as "Kirim" does. Then `python -m bot run` (the real process) is started
against tests/support/fakegram's HTTP server with Telegram's flood limits on (counted when a
call arrives; --api-latency gives every call a round trip, see bench/telegram_net.py), while
--users linked employees send /bantuan every 1-3 s. Printed:

- completion time (first to last send, from the outbox rows) vs the ideal recipients / rate
  (target: within 5 %), the drain rate against Telegram's 30/s, and the wall time;
- 429 answers and flood violations seen by the fake (target: 0 violations, at most 2 429s);
- p50/p95/max latency of /bantuan during the broadcast (target p95 < 400 ms);
- the bot process's peak memory (VmHWM).

--crash: SIGKILL the bot at --kills random moments while it sends, restart it each time,
then count per recipient how many copies arrived: nobody may get 0, and at most --kills
recipients may get more than one (the messages in flight at each kill).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import col, select, update  # noqa: E402

from bench.telegram_net import Chatter, add_network_arguments, help_asker, report  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.demo_org import generate_roster, write_roster_csv  # noqa: E402
from bot.services.access import load_speaker  # noqa: E402
from bot.services.broadcasts import sending as bc  # noqa: E402
from bot.services.roster import import_roster  # noqa: E402
from models import Employee, OutboxMessage  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head_async  # noqa: E402
from tests.support.fakegram import FakeTelegram  # noqa: E402
from tests.support.fakegram.server import FakeBotApiServer  # noqa: E402

TOKEN = "123456:BENCH-TOKEN"
CHAT_BASE = 700_000_000
TEXT = "<b>Sosialisasi</b> penilaian kinerja semester II &amp; jadwal apel 😀"
PLAIN = "Sosialisasi penilaian kinerja semester II & jadwal apel 😀"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


async def prepare(url: str, folder: Path, recipients: int) -> tuple[int, int, list[int]]:
    """Migrate, import, link everyone, make a city-wide HR and create the broadcast.

    Returns (broadcast id, recipient count, Telegram ids of everyone linked).
    """
    await upgrade_to_head_async(url)
    path = folder / "roster.csv"
    write_roster_csv(generate_roster(recipients, seed=7), path)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        summary = await import_roster(sessions, path, dry_run=False, now=NOW)
        if summary.errors:
            raise SystemExit(f"roster import failed: {summary.errors[:3]}")
        async with sessions() as session:
            await session.exec(
                update(Employee).values(
                    telegram_user_id=col(Employee.id) + CHAT_BASE, linked_at=NOW, language="id"
                )
            )
            hr_id = (await session.exec(select(func.min(Employee.id)))).one()
            assert hr_id is not None
            await session.exec(
                update(Employee)
                .where(col(Employee.id) == hr_id)
                .values(roles="pegawai;hr", hr_scope="kota")
            )
            await session.commit()
            chats = [
                tg
                for tg in (await session.exec(select(Employee.telegram_user_id))).all()
                if tg is not None
            ]
        async with sessions() as session:
            speaker = await load_speaker(session, hr_id + CHAT_BASE)
            assert speaker is not None
            started = time.perf_counter()
            created = await bc.create(
                session,
                speaker,
                bc.Draft({"kind": "city"}, TEXT, nonce="bench"),
                now=NOW,
                ack_label=lambda _lang: "Saya sudah membaca",
            )
            took = time.perf_counter() - started
        assert created.broadcast is not None
        assert created.broadcast.id is not None
        print(
            f"broadcast #{created.broadcast.id}: {created.recipients:,} recipients, "
            f"outbox rows written in {took:.2f} s",
            flush=True,
        )
        return created.broadcast.id, created.recipients, sorted(chats)
    finally:
        await engine.dispose()


class BotProcess:
    """`python -m bot run` as a child process, logging to a file."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self._log: IO[bytes] | None = None

    async def start(self) -> None:
        self.starts += 1
        self._log = (self.folder / f"bot-{self.starts}.log").open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=REPO_ROOT,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
        )

    def vm_hwm_kib(self) -> int:
        if self.process is None:
            return 0
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()
        self._close()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def bot_env(server: FakeBotApiServer, url: str, rate: float) -> dict[str, str]:
    """The child's environment (nothing from a developer's .env leaks in)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_", "DATABASE_URL", "PERSISTENCE_", "OUTBOX_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        TELEGRAM_FILE_BASE_URL=server.base_file_url,
        DATABASE_URL=url,
        OUTBOX_RATE=str(rate),
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


async def remaining(url: str, broadcast_id: int) -> int:
    """Outbox rows of the broadcast not yet sent (pending or sending)."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            query = select(func.count()).where(
                OutboxMessage.broadcast_id == broadcast_id,
                col(OutboxMessage.status).in_(("pending", "sending")),
            )
            return int((await session.exec(query)).one())
    finally:
        await engine.dispose()


async def send_span(url: str, broadcast_id: int) -> tuple[float, Counter[str]]:
    """Seconds from the first to the last send, and the rows by status."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            rows = (
                await session.exec(
                    select(OutboxMessage.status, OutboxMessage.sent_at).where(
                        OutboxMessage.broadcast_id == broadcast_id
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    times = [t for _s, t in rows if t is not None]
    span = (max(times) - min(times)).total_seconds() if times else 0.0
    return span, Counter(s for s, _t in rows)


class Timeline:
    """Arrival times of message-sending calls at the fake, split into broadcast and other."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.bulk: list[float] = []
        self.other: list[float] = []
        handle = fake.handle

        def recording(method: str, params: Any, files: Any = None) -> Any:
            if method.lower().startswith(("send", "edit", "copy", "forward")):
                broadcast = TEXT in str(params.get("text", ""))
                (self.bulk if broadcast else self.other).append(time.monotonic())
            return handle(method, params, files)

        fake.handle = recording  # type: ignore[method-assign]

    def report(self) -> None:
        """Print sends per second in about 20 slices of the broadcast and the busiest 1 s."""
        if not self.bulk:
            return
        start = self.bulk[0]
        end = max(self.bulk[-1], self.other[-1] if self.other else 0.0)
        step = max(10.0, round((end - start) / 20, -1))
        print("timeline (per second, from the first broadcast send): slice  broadcast  other")
        t = start
        while t < end:
            b = sum(1 for x in self.bulk if t <= x < t + step) / step
            o = sum(1 for x in self.other if t <= x < t + step) / step
            print(f"  {t - start:6.0f} s  {b:6.1f}  {o:6.1f}")
            t += step
        both = sorted(self.bulk + self.other)
        busiest, j = 0, 0
        for i, x in enumerate(both):
            while both[j] <= x - 1.0:
                j += 1
            busiest = max(busiest, i - j + 1)
        print(f"busiest 1 s window at the fake: {busiest} messages")


async def bench(args: argparse.Namespace, folder: Path) -> int:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    broadcast_id, recipients, chats = await prepare(url, folder, args.recipients)
    fake = FakeTelegram(token=TOKEN, flood_limits=True, latency=args.api_latency)
    timeline = Timeline(fake) if args.timeline else None
    for chat in chats:
        fake.user(chat, language_code="id")
        fake.known_chats.add(chat)
    server = FakeBotApiServer(fake)
    await server.start()
    bot = BotProcess(bot_env(server, url, args.rate), folder)
    chatter = Chatter(chats[1 : 1 + args.users], help_asker(fake, lambda text: PLAIN in text))
    started = time.monotonic()
    await bot.start()
    peak = 0
    latency_task = asyncio.create_task(chatter.run()) if args.users else None
    # Each kill falls a random 1-8 s after the (re)started bot has been seen sending, so every
    # SIGKILL hits a drainer in the middle of its work (not a process still starting up).
    chance = random.Random(5)
    kills_left = args.kills if args.crash else 0
    kill_at: float | None = None
    left_at_start: int | None = None
    timeout = recipients / args.rate * 1.5 + 120
    ok = True
    try:
        while True:
            await asyncio.sleep(1.0)
            peak = max(peak, bot.vm_hwm_kib())
            elapsed = time.monotonic() - started
            left = await remaining(url, broadcast_id)
            if kills_left:
                if left_at_start is None:
                    left_at_start = left
                elif kill_at is None and left < left_at_start:
                    kill_at = elapsed + chance.uniform(1, 8)
                elif kill_at is not None and elapsed >= kill_at and left > 0:
                    kills_left -= 1
                    kill_at, left_at_start = None, None
                    await bot.kill()
                    print(f"  SIGKILL at {elapsed:.1f} s ({left:,} rows left); restarting")
                    await bot.start()
                    continue
            if int(elapsed) % 10 == 0:
                print(f"  {elapsed:6.0f} s: {left:,} rows left", flush=True)
            if left == 0:
                break
            if elapsed > timeout:
                print("  TIMEOUT", flush=True)
                ok = False
                break
    finally:
        wall = time.monotonic() - started
        chatter.stop.set()
        latencies = await latency_task if latency_task else []
        await bot.stop()
        await server.stop()
    span, statuses = await send_span(url, broadcast_id)
    ideal = recipients / args.rate
    slower = (span + 1 / args.rate) / ideal - 1 if ideal else 0.0
    print(f"recipients: {recipients:,}; rows by status: {dict(statuses)}")
    print(
        f"completion: {span:.1f} s first-to-last send (ideal {ideal:.1f} s at {args.rate}/s, "
        f"{slower:+.1%}); wall time from bot start {wall:.1f} s"
    )
    numbers = report(
        fake,
        sent=statuses["sent"],
        seconds=span,
        rate=args.rate,
        latency=args.api_latency,
        latencies=latencies,
    )
    print(f"bot peak memory (VmHWM, last process): {peak / 1024:.1f} MiB")
    if timeline is not None:
        timeline.report()
    if args.crash:
        copies = Counter(
            {chat: sum(1 for m in fake.sent(chat) if PLAIN in m.content) for chat in chats}
        )
        zero = [c for c, n in copies.items() if n == 0]
        extra = [c for c, n in copies.items() if n > 1]
        print(
            f"crash test: {bot.starts - 1} kills; recipients with 0 messages: {len(zero)} "
            f"(must be 0); with more than one: {len(extra)} (must be <= {args.kills})"
        )
        ok = ok and not zero and len(extra) <= args.kills
    else:
        ok = ok and not numbers["violations"] and numbers["rate_limited"] <= 2
        ok = ok and slower <= 0.05 and numbers["p95"] < 0.4
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=None)
    parser.add_argument("--rate", type=float, default=Settings.model_fields["outbox_rate"].default)
    parser.add_argument("--users", type=int, default=5, help="users sending /bantuan every 1-3 s")
    add_network_arguments(parser)
    parser.add_argument("--crash", action="store_true", help="SIGKILL and restart the bot")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument(
        "--timeline", action="store_true", help="print send rates per 10 s at the fake"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.recipients is None:
        args.recipients = 2000 if args.crash else 20000
    folder = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    print(f"working folder: {folder}", flush=True)
    try:
        return asyncio.run(bench(args, folder))
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
