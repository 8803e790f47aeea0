"""Measure how the bot rides out a Bot API outage and a PostgreSQL restart (in-process).

    .venv/bin/python bench/faults.py telegram [--users 20] [--rows 300] [--outage 10]
    .venv/bin/python bench/faults.py postgres [--users 10] [--outage 3]

telegram: the real Application (tests/support/harness.py) with its outbox drainer running, `--rows`
queued notices to distinct employees, and `--users` people sending /bantuan every 0.5 s.
Telegram answers 502 to every call for `--outage` seconds. Printed: what the users got
during and after the outage (their reply, or the honest "my reply may be missing" note),
how long after Telegram's return the last queued row and the last note went out, rows
given up ("failed"), and duplicates.

postgres: the bot's engine goes through tests/support/tcp_proxy.py; `--users` people send /kinerja
every 0.2 s while the proxy drops every connection and refuses new ones for `--outage`
seconds. Printed: replies by kind (normal, "database briefly unavailable", generic error),
how fast users heard back during the outage, and how long after the server's return the
first normal reply came (reconnection, no restart).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.delivery import outbox_queue  # noqa: E402
from models import Employee, OutboxMessage  # noqa: E402
from models.db import create_session_factory  # noqa: E402
from tests.support.db import fresh_database, postgres_engine, postgres_url  # noqa: E402
from tests.support.factories import nip  # noqa: E402
from tests.support.fault_setup import linked_org  # noqa: E402
from tests.support.harness import Harness, running_bot  # noqa: E402
from tests.support.tcp_proxy import TcpProxy  # noqa: E402

CHAT_BASE = 800_000
HELP = ("What you can do here", "Yang dapat Anda lakukan di sini")
NOTE = "reply may be missing"
UNAVAILABLE = "briefly unavailable"
GENERIC = "something went wrong"


async def add_people(sessions: object, count: int) -> list[int]:
    """Link `count` more employees (English speakers) and return their Telegram ids."""
    async with sessions() as session:  # type: ignore[operator]
        opd_id = (await session.exec(select(Employee.opd_id))).first()
        session.add_all(
            Employee(
                nip=nip(),
                name=f"Pegawai {i}",
                opd_id=opd_id,
                position="Staf",
                telegram_user_id=CHAT_BASE + i,
                language="en",
            )
            for i in range(count)
        )
        await session.commit()
    return [CHAT_BASE + i for i in range(count)]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- Telegram outage ------------------------------------------------------------------------


async def telegram_outage(users: int, rows: int, outage: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with fresh_database("sqlite", Path(folder)) as (url, engine):
            sessions = create_session_factory(engine)
            await linked_org(sessions)
            people = await add_people(sessions, max(users, rows))
            async with running_bot(url, engine) as bot:
                for tg in people:
                    bot.fake.user(tg, language_code="en")
                    bot.fake.known_chats.add(tg)
                async with sessions() as session:
                    now = bot.deps.clock.utcnow()
                    await outbox_queue.enqueue_many(
                        session,
                        [
                            outbox_queue.outbox_row(
                                dedupe_key=f"bench:{tg}",
                                kind="bench",
                                chat_id=tg,
                                text=f"Pengumuman {tg}",
                                now=now,
                            )
                            for tg in people[:rows]
                        ],
                    )
                    await session.commit()
                await run_telegram_outage(bot, people, users, rows, outage)


async def run_telegram_outage(
    bot: Harness, people: list[int], user_count: int, rows: int, outage: float
) -> None:
    users = people[:user_count]
    drainer = bot.deps.drainer
    assert drainer is not None
    loop = asyncio.get_running_loop()
    start = loop.time()
    fault = bot.fake.faults.add(status=502, count=None)
    drainer.start()
    outcomes: Counter[str] = Counter()
    back_at: float | None = None

    async def person(tg: int) -> None:
        while loop.time() - start < outage + 3:
            before = len(bot.fake.sent(tg))
            during = back_at is None
            await bot.send(tg, "/bantuan")
            new = [m.text or "" for m in bot.fake.sent(tg)[before:]]
            if any(h in t for t in new for h in HELP):
                outcomes["reply " + ("during" if during else "after")] += 1
            elif any(NOTE in t for t in new):
                outcomes["note at once " + ("during" if during else "after")] += 1
            else:
                outcomes["nothing yet " + ("during" if during else "after")] += 1
            await asyncio.sleep(0.5)

    async def end_outage() -> None:
        nonlocal back_at
        await asyncio.sleep(outage)
        bot.fake.faults.remove(fault)
        back_at = loop.time()

    await asyncio.gather(end_outage(), *(person(tg) for tg in users))
    assert back_at is not None
    sessions = bot.deps.sessions
    last_sent = None
    while loop.time() - back_at < 300:
        async with sessions() as session:
            statuses = Counter((await session.exec(select(OutboxMessage.status))).all())
        if statuses["pending"] == 0:
            last_sent = loop.time()
            break
        await asyncio.sleep(0.2)
    await drainer.stop()

    delivered = Counter(m.text for tg in people for m in bot.fake.sent(tg))
    duplicates = sum(n - 1 for text, n in delivered.items() if text and text.startswith("Peng"))
    notes = sum(n for text, n in delivered.items() if text and NOTE in text)
    print(f"telegram outage: {outage:g} s of 502 on every call, {len(users)} users, {rows} rows")
    print(f"  calls refused during the outage: {len(bot.fake.faults.hit)}")
    for key in sorted(outcomes):
        print(f"  /bantuan -> {key}: {outcomes[key]}")
    print(f"  honest notes delivered in the end (queued ones included): {notes}")
    print(f"  outbox after: {dict(statuses)}")
    if last_sent is not None:
        print(f"  every queued row sent {last_sent - back_at:.1f} s after Telegram came back")
    else:
        print("  rows still pending 300 s after Telegram came back")
    print(f"  duplicate bulk messages: {duplicates}")


# --- PostgreSQL restart ---------------------------------------------------------------------


async def postgres_restart(users: int, outage: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with fresh_database("postgres", Path(folder)) as (_url, engine):
            sessions = create_session_factory(engine)
            await linked_org(sessions)
            people = await add_people(sessions, users)
            target = make_url(postgres_url())
            async with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
                url = target.set(host=proxy.host, port=proxy.port)
                text_url = url.render_as_string(hide_password=False)
                proxied = postgres_engine(text_url)
                try:
                    async with running_bot(text_url, proxied) as bot:
                        for tg in people:
                            bot.fake.user(tg, language_code="en")
                            bot.fake.known_chats.add(tg)
                        await run_postgres_restart(bot, proxy, people, outage)
                finally:
                    await proxied.dispose()


async def run_postgres_restart(
    bot: Harness, proxy: TcpProxy, people: list[int], outage: float
) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    down_at = start + 2.0
    up_at = down_at + outage
    end = up_at + 3.0
    kinds: Counter[str] = Counter()
    latency: dict[str, list[float]] = {"during": [], "normal": []}
    first_normal_after: list[float] = []

    async def person(tg: int) -> None:
        while loop.time() < end:
            before = len(bot.fake.sent(tg))
            sent_at = loop.time()
            await bot.send(tg, "/kinerja")
            took = loop.time() - sent_at
            new = [m.text or "" for m in bot.fake.sent(tg)[before:]]
            if any(UNAVAILABLE in t for t in new):
                kinds["database briefly unavailable"] += 1
                latency["during"].append(took)
            elif any(GENERIC in t for t in new):
                kinds["generic error (a bug)"] += 1
            elif new:
                kinds["normal reply"] += 1
                latency["normal"].append(took)
                if sent_at >= up_at:
                    first_normal_after.append(loop.time() - up_at)
            else:
                kinds["no answer"] += 1
            await asyncio.sleep(0.2)

    async def restart() -> None:
        await asyncio.sleep(down_at - loop.time())
        proxy.go_down()
        await asyncio.sleep(up_at - loop.time())
        await proxy.come_back()

    await asyncio.gather(restart(), *(person(tg) for tg in people))
    print(f"postgres restart: {outage:g} s without the server, {len(people)} users")
    print(f"  connections cut: {proxy.dropped}, opened in total: {proxy.accepted}")
    for kind, count in sorted(kinds.items()):
        print(f"  /kinerja -> {kind}: {count}")
    during = latency["during"]
    print(
        f"  apology latency during the outage: p50 {pct(during, 0.5) * 1000:.0f} ms, "
        f"p95 {pct(during, 0.95) * 1000:.0f} ms"
    )
    normal = latency["normal"]
    print(f"  normal reply latency: p50 {statistics.median(normal) * 1000:.0f} ms")
    if first_normal_after:
        print(f"  first normal reply {min(first_normal_after) * 1000:.0f} ms after the return")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="scenario", required=True)
    tg = sub.add_parser("telegram")
    tg.add_argument("--users", type=int, default=20)
    tg.add_argument("--rows", type=int, default=300)
    tg.add_argument("--outage", type=float, default=10.0)
    pg = sub.add_parser("postgres")
    pg.add_argument("--users", type=int, default=10)
    pg.add_argument("--outage", type=float, default=3.0)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the bot logs every refused call; we print numbers
    warnings.filterwarnings("ignore", module="telegram")
    warnings.filterwarnings("ignore", message=".*per_message.*")
    started = time.perf_counter()
    if args.scenario == "telegram":
        asyncio.run(telegram_outage(args.users, args.rows, args.outage))
    else:
        asyncio.run(postgres_restart(args.users, args.outage))
    print(f"  (bench wall time {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
