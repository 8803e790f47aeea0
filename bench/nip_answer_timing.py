"""Time the answer to a typed NIP, per hidden outcome: can the delay tell them apart?

    .venv/bin/python bench/nip_answer_timing.py [--runs 200] [--database-url URL]

Every well-formed NIP gets the same words back (bot.services.onboarding.ANSWERED_ALIKE), no
sooner than handlers.onboarding.steps.ANSWER_NOT_BEFORE after it arrived; this measures whether
the time to that answer gives away what the words do not. (Without the floor, on a busy 2-core
machine: unknown p50 33 ms, no approver 44 ms, to supervisor 49 ms, linked 46 ms.) The real
Application (tests/support/harness.running_bot, fake Bot API in-process) handles "/start" and then
the NIP from a fresh Telegram account each run, so no brake or cap interferes. Timed: the NIP
update only, from process_update to the reply. Outcomes:

- unknown: a well-formed NIP that nobody has;
- no approver: an employee whose supervisor and HR do not use the bot;
- to supervisor: an unlinked employee, request sent to the linked supervisor;
- linked (to HR): an employee already linked, request sent to HR with a heads-up to the
  current account.
Between runs the pending requests are closed directly in the database (not timed), so the
per-employee and per-approver caps never apply. Printed: p50 / p90 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlmodel import col, update  # noqa: E402

from models import LinkRequest  # noqa: E402
from models.db import SessionFactory, create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head_async  # noqa: E402
from tests.support.factories import make_org  # noqa: E402
from tests.support.harness import Harness, running_bot  # noqa: E402
from tests.test_onboarding_rules import link  # noqa: E402

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


async def close_pending(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await session.exec(
            update(LinkRequest)
            .where(col(LinkRequest.status) == "pending")
            .values(status="rejected", decided_at=NOW)
        )
        await session.commit()


async def timed_nip(bot: Harness, tg: int, nip: str) -> float:
    await bot.send(tg, "/start")
    started = time.perf_counter()
    await bot.send(tg, nip)
    return (time.perf_counter() - started) * 1000


async def main(runs: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'nip.db'}"
        await upgrade_to_head_async(url)
        engine = create_engine(url)
        sessions = create_session_factory(engine)
        async with sessions() as session:
            org = await make_org(session)
        await link(sessions, org.leader, 1)
        await link(sessions, org.hr, 2)
        await link(sessions, org.staff, 3)
        outcomes: dict[str, Callable[[], str]] = {
            "unknown": lambda: "199001012015031999",
            "no approver": lambda: org.other_opd_staff.nip,
            "to supervisor": lambda: org.staff2.nip,
            "linked (to HR)": lambda: org.staff.nip,
        }
        samples: dict[str, list[float]] = {label: [] for label in outcomes}
        tg = 10_000
        async with running_bot(url, engine, now=NOW) as bot:
            for run in range(runs + 5):
                for label, nip in outcomes.items():  # interleaved, so drift hits all alike
                    tg += 1
                    elapsed = await timed_nip(bot, tg, nip())
                    if run >= 5:  # warm-up
                        samples[label].append(elapsed)
                    await close_pending(sessions)
        await engine.dispose()
    print(f"NIP answer time over {runs} runs each ({url.split(':')[0]}):")
    for label, values in samples.items():
        ordered = sorted(values)
        p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
        print(
            f"  {label:<15} p50={statistics.median(ordered):6.1f} ms  p90={p90:6.1f} ms  "
            f"max={ordered[-1]:6.1f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.database_url))
