"""Time the weekly check-in: plan it for a whole city, then drain it against a fake Telegram.

    .venv/bin/python bench/checkins.py [--employees 25000] [--rate 28] [--plan-only]
        [--api-latency 80,150] [--users 5]

A fresh SQLite database (or --database-url, which must be empty) is migrated, filled with a
synthetic roster (every employee linked to Telegram, one approved target each), and
plan_checkins runs as of Friday 27 November 2026 09:00 WIB (target: < 5 s for 25,000).
Then every queued row is sent by the real OutboxDrainer through a real PTB ExtBot (with the
bot's SharedRateLimiter) over HTTP to the fake Bot API server with Telegram's flood limits on,
and the achieved rate is compared with OUTBOX_RATE (target >= 95 %, and no 429 violations)
and with Telegram's 30/s. --api-latency gives every call a round trip (bench/telegram_net.py).
Meanwhile --users people get a reply every 1-3 s through the same bot and budget (sent as
handlers send them, ahead of the bulk), and the time each reply takes is printed.
The full 25,000 take about 15 minutes at 28/s; --employees 2000 is a quick run.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import func, insert, select, update  # noqa: E402
from telegram.ext import ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bench.telegram_net import Chatter, add_network_arguments, report  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.delivery.drainer import OutboxDrainer, SharedRateLimiter  # noqa: E402
from bot.demo_org import generate_roster, write_roster_csv  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.services.checkins import plan_checkins  # noqa: E402
from bot.services.roster import import_roster  # noqa: E402
from models import Employee, OutboxMessage, Target  # noqa: E402
from models.db import SessionFactory, create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402
from tests.support.fakegram import FakeTelegram  # noqa: E402
from tests.support.fakegram.server import FakeBotApiServer  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
AS_OF = datetime(2026, 11, 27, 9, 0, tzinfo=WIB)  # a Friday, 09:00 WIB: inside working hours
TOKEN = "123456:BENCH-TOKEN"
CHAT_BASE = 700_000_000
REPORT_EVERY = 10.0


def peak_rss_mib() -> float:
    """Peak resident memory of this process, fake server thread included (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def populate(sessions: SessionFactory, folder: Path, employees: int) -> int:
    """Import a synthetic roster, link everyone, give each one approved target."""
    rows = generate_roster(employees, seed=7)
    path = folder / "roster.csv"
    write_roster_csv(rows, path)
    now = AS_OF.astimezone(UTC)
    summary = await import_roster(sessions, path, dry_run=False, now=now)
    if summary.errors:
        raise SystemExit(f"roster import failed: {summary.errors[:3]}")
    async with sessions() as session:
        await session.exec(  # type: ignore[call-overload]
            update(Employee).values(telegram_user_id=Employee.id + CHAT_BASE, linked_at=now)
        )
        ids = (await session.exec(select(Employee.id))).all()  # type: ignore[call-overload]
        conn = await session.connection()
        targets = [
            {
                "employee_id": employee_id,
                "period": "2026-2",
                "title": "Laporan kegiatan bulanan",
                "indicator": "Jumlah laporan",
                "kind": "kuantitatif",
                "target_amount": Decimal(12),
                "unit": "dokumen",
                "expectation": "",
                "quality_standard": "",
                "jenis": "utama",
                "status": "approved",
                "return_note": "",
                "source": "import",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for (employee_id,) in ids
        ]
        for start in range(0, len(targets), 2000):
            await conn.execute(insert(Target), targets[start : start + 2000])
        await session.commit()
    return len(ids)


async def plan(sessions: SessionFactory, settings: Settings) -> tuple[int, float]:
    i18n = I18n(settings.bot_default_language, settings.tz)
    started = time.perf_counter()
    added = await plan_checkins(sessions, i18n, settings, AS_OF)
    return added, time.perf_counter() - started


async def drain(sessions: SessionFactory, args: argparse.Namespace) -> int:
    """Send every pending row through the fake Bot API server; print the numbers."""
    rate = args.rate
    fake = FakeTelegram(token=TOKEN, flood_limits=True, latency=args.api_latency)
    async with sessions() as session:
        chats = (await session.exec(select(OutboxMessage.chat_id))).all()  # type: ignore[call-overload]
    fake.known_chats.update(int(c) for (c,) in chats)  # everyone has started the bot
    server = FakeBotApiServer(fake).start_in_thread()
    bot = ExtBot(
        TOKEN,
        base_url=server.base_url,
        request=HTTPXRequest(connection_pool_size=64),
        rate_limiter=SharedRateLimiter(reserve=1),  # as bot/app.py builds it
    )
    clock = Clock(WIB, start=AS_OF)  # runs forward from Friday 09:00, so working hours hold
    drainer = OutboxDrainer(sessions, bot, clock, rate)
    total = len(chats)

    async def reply(user: int) -> bool:
        await bot.send_message(user, "Balasan untuk Bapak/Ibu")
        return True

    chatter = Chatter([int(c) for (c,) in chats[: args.users]], reply)
    try:
        await bot.initialize()
        chatting = asyncio.create_task(chatter.run())
        started = last = time.perf_counter()
        drainer.start()
        while drainer.stats.sent + drainer.stats.failed + drainer.stats.blocked < total:
            await asyncio.sleep(1.0)
            now = time.perf_counter()
            if now - last >= REPORT_EVERY:
                last = now
                done = drainer.stats.sent
                print(
                    f"  {done:,}/{total:,} sent, {done / (now - started):.2f}/s",
                    file=sys.stderr,
                    flush=True,
                )
        elapsed = time.perf_counter() - started
        await drainer.stop()
        chatter.stop.set()
        latencies = await chatting
    finally:
        await drainer.stop()
        await bot.shutdown()
        server.stop_thread()
    stats = drainer.stats
    achieved = stats.sent / elapsed if elapsed else 0.0
    bulk = [m for chat in fake._sent.values() for m in chat if "Balasan" not in m.content]
    per_chat = Counter(m.chat_id for m in bulk)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    async with sessions() as session:
        pending = (
            await session.exec(  # type: ignore[call-overload]
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != "sent")
            )
        ).one()[0]
    print(
        f"drain    sent={stats.sent:,}  seconds={elapsed:.1f}  rate={achieved:.2f}/s  "
        f"OUTBOX_RATE={rate:g}  achieved={achieved / rate:.1%}  "
        f"duplicates={duplicates}  not_sent={pending}  peak_rss={peak_rss_mib():.0f} MiB"
    )
    numbers = report(
        fake,
        sent=stats.sent,
        seconds=elapsed,
        rate=rate,
        latency=args.api_latency,
        latencies=latencies,
    )
    ok = not numbers["violations"] and numbers["rate_limited"] <= 2
    return 0 if ok and not duplicates and not pending else 1


async def bench(url: str, folder: Path, args: argparse.Namespace) -> int:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, outbox_rate=args.rate, bot_default_language="id"
    )
    try:
        started = time.perf_counter()
        people = await populate(sessions, folder, args.employees)
        print(
            f"setup    employees={people:,} linked, 1 approved target each, "
            f"{time.perf_counter() - started:.1f}s"
        )
        added, seconds = await plan(sessions, settings)
        print(
            f"plan     added={added:,}  seconds={seconds:.2f}  (target < 5 s for 25,000)  "
            f"peak_rss={peak_rss_mib():.0f} MiB"
        )
        again, again_s = await plan(sessions, settings)
        print(f"replan   added={again}  seconds={again_s:.2f}  (idempotent: expect 0)")
        if added != people or again:
            print("unexpected planner result", file=sys.stderr)
            return 1
        if args.plan_only:
            return 0
        return await drain(sessions, args)
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument(
        "--rate",
        type=float,
        default=Settings.model_fields["outbox_rate"].default,
        help="OUTBOX_RATE (messages/s)",
    )
    parser.add_argument("--users", type=int, default=5, help="people chatting meanwhile")
    add_network_arguments(parser)
    parser.add_argument("--database-url", default=None, help="an empty database to use")
    parser.add_argument("--plan-only", action="store_true", help="skip the drain")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-checkins-") as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        upgrade_to_head(url)
        return asyncio.run(bench(url, folder, args))


if __name__ == "__main__":
    raise SystemExit(main())
