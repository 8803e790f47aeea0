"""Time the evaluation planners for a whole city: prompts at window opening, escalations after due.

    .venv/bin/python bench/evaluation_planner.py [--employees 25000] [--database-url URL]

A fresh SQLite database (or --database-url, which must be empty) is migrated and filled with
a synthetic roster; about 90 % of the employees are linked to Telegram, a few are blocked, a
few hundred already have a Semester II 2026 evaluation and some have an acting evaluator
(Plt). plan_evaluations runs as of Friday 18 December 2026 09:00 WIB (the window opens),
then again (idempotent: 0) and on the first follow-up day; plan_escalations runs as of Friday
15 January 2027 09:00 WIB (the day after the due date), then again. Target: < 5 s each.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import func, insert, select, update  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.demo_org import generate_roster, write_roster_csv  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.services.evaluation.planners import plan_escalations, plan_evaluations  # noqa: E402
from bot.services.roster import import_roster  # noqa: E402
from models import ActingEvaluator, Employee, Evaluation, OutboxMessage  # noqa: E402
from models.db import SessionFactory, create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
OPENING = datetime(2026, 12, 18, 9, 0, tzinfo=WIB)
FOLLOW_UP = datetime(2026, 12, 22, 9, 0, tzinfo=WIB)
AFTER_DUE = datetime(2027, 1, 15, 9, 0, tzinfo=WIB)
CHAT_BASE = 700_000_000
PERIOD = "2026-2"


def peak_rss_mib() -> float:
    """Peak resident memory of this process (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def populate(sessions: SessionFactory, folder: Path, employees: int) -> dict[str, int]:
    """Import a roster; link ~90 %, block a few, add evaluations and Plt assignments."""
    rows = generate_roster(employees, seed=11)
    path = folder / "roster.csv"
    write_roster_csv(rows, path)
    now = OPENING.astimezone(UTC)
    summary = await import_roster(sessions, path, dry_run=False, now=now)
    if summary.errors:
        raise SystemExit(f"roster import failed: {summary.errors[:3]}")
    rng = random.Random(3)
    async with sessions() as session:
        people = (await session.exec(select(Employee.id, Employee.supervisor_id))).all()  # type: ignore[call-overload]
        ids = [int(i) for i, _ in people]
        linked = [i for i in ids if rng.random() < 0.9]
        blocked = rng.sample(linked, len(linked) // 100)
        with_boss = [(int(i), int(s)) for i, s in people if s is not None]
        evaluated = rng.sample(with_boss, min(400, len(with_boss)))
        done = {i for i, _ in evaluated}
        acting = rng.sample([p for p in with_boss if p[0] not in done], min(150, len(with_boss)))
        conn = await session.connection()
        for start in range(0, len(linked), 5000):
            chunk = linked[start : start + 5000]
            await conn.execute(
                update(Employee)
                .where(Employee.id.in_(chunk))  # type: ignore[union-attr]
                .values(telegram_user_id=Employee.id + CHAT_BASE, linked_at=now)
            )
        await conn.execute(
            update(Employee).where(Employee.id.in_(blocked)).values(blocked_at=now)  # type: ignore[union-attr]
        )
        await conn.execute(
            insert(Evaluation),
            [
                {
                    "period": PERIOD,
                    "employee_id": employee,
                    "evaluator_id": boss,
                    "hasil_kerja": "sesuai",
                    "perilaku_kerja": "sesuai",
                    "predikat": "baik",
                    "suggested_hasil_kerja": "sesuai",
                    "behaviour_notes": "{}",
                    "comment": "",
                    "status": "final",
                    "finalized_at": now,
                    "objection": "",
                    "version": 1,
                }
                for employee, boss in evaluated
            ],
        )
        await conn.execute(
            insert(ActingEvaluator),
            [
                {
                    "period": PERIOD,
                    "employee_id": employee,
                    "evaluator_id": rng.choice(linked),
                    "assigned_by_id": ids[0],
                    "reason": "Plt (bench)",
                    "at": now,
                }
                for employee, _ in acting
            ],
        )
        await session.commit()
    return {
        "employees": len(ids),
        "linked": len(linked),
        "blocked": len(blocked),
        "evaluated": len(evaluated),
        "acting": len(acting),
    }


async def outbox_count(sessions: SessionFactory) -> int:
    """Print the outbox rows by kind; return the total."""
    async with sessions() as session:
        query = select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)
        kinds = dict((await session.exec(query)).all())  # type: ignore[call-overload]
    print("kinds    " + "  ".join(f"{k}={n:,}" for k, n in sorted(kinds.items())))
    return sum(kinds.values())


async def timed(name: str, planner: object, sessions: SessionFactory, as_of: datetime) -> int:
    settings = Settings(
        _env_file=None, database_url="sqlite+aiosqlite://", bot_default_language="id"
    )  # type: ignore[call-arg]
    i18n = I18n(settings.bot_default_language, settings.tz)
    started = time.perf_counter()
    added: int = await planner(sessions, i18n, settings, as_of)  # type: ignore[operator]
    seconds = time.perf_counter() - started
    flag = "" if seconds < 5 else "  SLOW (target < 5 s)"
    print(f"{name:<22} as_of={as_of.isoformat()}  added={added:,}  seconds={seconds:.2f}{flag}")
    return added


async def bench(url: str, folder: Path, employees: int) -> int:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        started = time.perf_counter()
        counts = await populate(sessions, folder, employees)
        setup = ", ".join(f"{k}={v:,}" for k, v in counts.items())
        print(f"setup    {setup}  ({time.perf_counter() - started:.1f}s)")
        opened = await timed("plan_evaluations open", plan_evaluations, sessions, OPENING)
        again = await timed("plan_evaluations again", plan_evaluations, sessions, OPENING)
        follow = await timed("plan_evaluations follow", plan_evaluations, sessions, FOLLOW_UP)
        escalated = await timed("plan_escalations", plan_escalations, sessions, AFTER_DUE)
        esc_again = await timed("plan_escalations again", plan_escalations, sessions, AFTER_DUE)
        total = await outbox_count(sessions)
        print(f"outbox   rows={total:,}  peak_rss={peak_rss_mib():.0f} MiB")
        ok = opened > 0 and follow > 0 and escalated > 0 and again == 0 and esc_again == 0
        ok = ok and total == opened + follow + escalated
        if not ok:
            print("unexpected planner result", file=sys.stderr)
            return 1
        return 0
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument("--database-url", default=None, help="an empty database to use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-evaluations-") as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        upgrade_to_head(url)
        return asyncio.run(bench(url, folder, args.employees))


if __name__ == "__main__":
    raise SystemExit(main())
