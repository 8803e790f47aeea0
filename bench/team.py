"""Time /tim for a leader of 100 in a database of 25,000 employees (target p95 < 150 ms,
issue 10; bench/scale.py measures it at 100,000 with 3 IKIs per RHK).

    .venv/bin/python bench/team.py [--employees 25000] [--team 100] [--runs 200]
                                   [--database-url URL]

A fresh SQLite database (or the empty database you name; it is migrated to head first) is
filled with the synthetic roster (bot.demo_org + roster.import_roster). Every
employee gets two approved targets of the current semester and three reports, so the target
and report tables are city-sized too. One leader then gets --team direct subordinates
(moved under them), a target of their own that the subordinates' targets contribute to, and
a Telegram account.

Timed, each over --runs runs after a few warm-up runs:
1. service: team.team_view (first page, roll-up included, one session) + the screen's text
   (handlers.team.texts.render_team);
2. handler: the whole update path in-process: the real Application (gate, handler, reply to
   tests/support/fakegram) processing "/tim" from the leader, via
   tests/support/harness.running_bot;
3. page: pressing "Next ›" / "‹ Previous" on the list (a callback: answer + edit).
Printed: p50 / p95 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import func, insert, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402
from sqlmodel.ext.asyncio.session import AsyncSession  # noqa: E402

from bot.demo_org import generate_roster  # noqa: E402
from bot.services import access, team  # noqa: E402
from bot.services.periods import period_of  # noqa: E402
from bot.services.roster import import_roster, read_roster  # noqa: E402
from models import Employee, ProgressReport, Target  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
LEADER_TG = 777_000_001
CHUNK = 5000


def percentiles(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{label:<8} runs={len(ordered)}  p50={statistics.median(ordered):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={ordered[-1]:7.1f} ms"
    )


async def make_team(
    session: AsyncSession, team_size: int, period: str
) -> tuple[int, list[int], int]:
    """Give the busiest leader exactly `team_size` direct subordinates, Telegram and a target.

    The leader (an employee with the most direct subordinates) keeps their own people first;
    others from anywhere (never the leader's own chain) are moved under them, extras go one
    level down. The leader gets LEADER_TG and an approved target of `period` for the team's
    targets to contribute to. Returns (leader id, member ids, the leader's target id).
    """
    ids = list((await session.exec(select(Employee.id).order_by(col(Employee.id)))).all())
    leader_id = (
        await session.exec(
            select(Employee.supervisor_id)
            .where(col(Employee.supervisor_id).is_not(None))
            .group_by(col(Employee.supervisor_id))
            .order_by(func.count().desc())
        )
    ).first()
    assert leader_id is not None
    leader = await session.get(Employee, leader_id)
    assert leader is not None
    current = list(
        (await session.exec(select(Employee.id).where(Employee.supervisor_id == leader_id))).all()
    )
    chain: set[int] = set()
    cursor: int | None = leader_id
    while cursor is not None:
        chain.add(cursor)
        cursor = (
            await session.exec(select(Employee.supervisor_id).where(Employee.id == cursor))
        ).first()
    others = [i for i in ids if i not in chain and i not in current]
    members = current[:team_size] + others[: max(0, team_size - len(current))]
    extra = [i for i in current if i not in members]
    if extra:  # keep the team at exactly team_size people
        await session.exec(
            update(Employee)  # type: ignore[call-overload]
            .where(col(Employee.id).in_(extra))
            .values(supervisor_id=members[0])
        )
    await session.exec(
        update(Employee)  # type: ignore[call-overload]
        .where(col(Employee.id).in_(members))
        .values(supervisor_id=leader_id, opd_id=leader.opd_id)
    )
    await session.exec(
        update(Employee)  # type: ignore[call-overload]
        .where(col(Employee.id) == leader_id)
        .values(telegram_user_id=LEADER_TG, language="en")
    )
    own = Target(
        employee_id=leader_id,
        period=period,
        title="Dokumen bidang",
        target_amount=Decimal(team_size * 20),
        unit="dokumen",
        status="approved",
    )
    session.add(own)
    await session.flush()
    assert own.id is not None
    return leader_id, members, own.id


async def seed(url: str, employees: int, team_size: int, folder: Path) -> int:
    """Import the roster, add targets and reports for everyone, build the leader's team."""
    from bot.demo_org import write_roster_csv

    engine = create_engine(url)
    sessions = create_session_factory(engine)
    period = period_of(NOW.astimezone(WIB).date()).code
    started = time.perf_counter()
    path = folder / "roster.csv"
    write_roster_csv(generate_roster(employees, seed=7), path)
    rows, errors = read_roster(path)
    assert not errors, errors[:3]
    summary = await import_roster(sessions, rows, dry_run=False, now=NOW)
    print(f"roster: {summary.created:,} employees in {time.perf_counter() - started:.1f}s")
    async with sessions() as session:
        ids = list((await session.exec(select(Employee.id).order_by(col(Employee.id)))).all())
        leader_id, members, own_id = await make_team(session, team_size, period)
        member_set = set(members)
        target_rows = []
        for emp in ids:
            for n in range(2):
                target_rows.append(
                    {
                        "employee_id": emp,
                        "period": period,
                        "title": f"Target {n + 1}",
                        "indicator": "",
                        "kind": "kuantitatif",
                        "target_amount": Decimal(20),
                        "unit": "dokumen",
                        "expectation": "",
                        "quality_standard": "",
                        "jenis": "utama",
                        "parent_target_id": own_id if n == 0 and emp in member_set else None,
                        "status": "approved",
                        "return_note": "",
                        "source": "import",
                        "version": 1,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
        conn = await session.connection()  # executemany: batched by SQLAlchemy on both DBs
        for start in range(0, len(target_rows), CHUNK):
            await conn.execute(insert(Target), target_rows[start : start + CHUNK])
        targets = (await session.exec(select(Target.id, Target.employee_id))).all()
        report_rows = []
        for i, (tid, emp) in enumerate(targets):
            if emp == leader_id:
                continue
            for k in range(1 + i % 2):  # 1 or 2 reports per target: 3 per employee
                report_rows.append(
                    {
                        "target_id": tid,
                        "employee_id": emp,
                        "amount": Decimal(1 + (i + k) % 5),
                        "note": "",
                        "status": "active",
                        "corrections": 0,
                        "created_at": NOW - timedelta(days=(i * 7 + k * 3) % 40),
                        "updated_at": NOW,
                    }
                )
        for start in range(0, len(report_rows), CHUNK):
            await conn.execute(insert(ProgressReport), report_rows[start : start + CHUNK])
        await session.commit()
    print(
        f"seeded: {len(ids):,} employees, {len(targets):,} targets, {len(report_rows):,} "
        f"reports; leader {leader_id} with {len(members)} direct subordinates "
        f"in {time.perf_counter() - started:.1f}s"
    )
    await engine.dispose()
    return leader_id


async def timed(runs: int, step: Callable[[], Awaitable[None]], warm: int = 5) -> list[float]:
    for _ in range(warm):
        await step()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await step()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def measure(
    url: str, leader_id: int, runs: int, team_size: int, now: datetime = NOW
) -> dict[str, list[float]]:
    """Print and return the service, handler and page timings (milliseconds) of /tim."""
    from bot.i18n import I18n
    from handlers.team.texts import render_team
    from tests.support.harness import running_bot

    samples: dict[str, list[float]] = {}
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    t = I18n("en", WIB).for_language("en")
    async with sessions() as session:
        leader = await session.get(Employee, leader_id)
        assert leader is not None
        speaker = await access.speaker_for(session, leader)

    async def service() -> None:
        view = await team.team_view(sessions, speaker, leader_id, now=now, tz=WIB)
        assert view is not None
        assert view.total == team_size
        render_team(view, t)

    samples["service"] = await timed(runs, service)
    print(percentiles("service", samples["service"]))

    async with running_bot(url, engine, now=now) as bot:
        bot.fake.user(LEADER_TG, language_code="en")
        bot.fake.known_chats.add(LEADER_TG)

        async def handler() -> None:
            await bot.send(LEADER_TG, "/tim")

        samples["handler"] = await timed(runs, handler)
        print(percentiles("handler", samples["handler"]))
        assert f"Direct team members: {team_size}" in bot.last_text(LEADER_TG)
        message = bot.fake.last(LEADER_TG)

        async def page() -> None:
            # Back and forth between pages 1 and 2 (an edit each time).
            current = bot.fake.sent(LEADER_TG)[-1]
            label = "Previous" if "page 2 of" in (current.text or "") else "Next"
            await bot.press(LEADER_TG, message.message_id, current.button(label))

        samples["page"] = await timed(runs, page)
        print(percentiles("page", samples["page"]))
    await engine.dispose()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument("--team", type=int, default=100)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-team-") as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        upgrade_to_head(url)
        leader_id = asyncio.run(seed(url, args.employees, args.team, folder))
        asyncio.run(measure(url, leader_id, args.runs, args.team))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
