"""The daily digest planner: one message per digest-mode leader with their team's new reports.

Runs on working days from DIGEST_TIME (WIB); the text is written in notices.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import I18n
from bot.services import workdays
from bot.services.reports.evidence import evidence_counts
from bot.services.reports.notices import (
    DIGEST_KIND,
    NOTICE_KIND,
    DigestItem,
    digest_key,
    digest_text,
    notice_key,
)
from bot.services.reports.reportable import with_progress
from bot.services.targets.vocabulary import REPORT_ACTIVE
from models import Employee, OutboxMessage, ProgressReport, Target
from models.db import SessionFactory

# A first digest (no earlier one) looks back this far; later ones start at the previous one.
FIRST_DIGEST_LOOKBACK = timedelta(days=7)


def digest_due(settings: Settings, as_of: datetime) -> bool:
    """Digests go out on working days, from DIGEST_TIME (WIB) onwards."""
    local = as_of.astimezone(settings.tz)
    return workdays.is_working_day(local.date()) and local.time() >= settings.digest_time


async def _unseen_by_leader(
    session: AsyncSession, as_of: datetime
) -> dict[int, tuple[Employee, list[DigestItem]]]:
    """Collect, per digest-mode leader, the reports their direct subordinates made unseen."""
    leader = aliased(Employee)
    author = aliased(Employee)
    earliest = as_of - FIRST_DIGEST_LOOKBACK
    rows = (
        await session.exec(
            select(ProgressReport, author, leader)
            .join(author, col(ProgressReport.employee_id) == author.id)
            .join(leader, col(author.supervisor_id) == leader.id)
            .where(
                leader.notice_mode == "digest",
                col(leader.active).is_(True),
                col(leader.telegram_user_id).is_not(None),
                ProgressReport.status == REPORT_ACTIVE,
                col(ProgressReport.created_at) > earliest,
                col(ProgressReport.created_at) <= as_of,
            )
            .order_by(col(ProgressReport.created_at), col(ProgressReport.id))
        )
    ).all()
    if not rows:
        return {}
    # The previous digest of each leader marks what they have already seen.
    last_digest = dict(
        (
            await session.exec(
                select(OutboxMessage.employee_id, func.max(OutboxMessage.created_at))
                .where(OutboxMessage.kind == DIGEST_KIND, col(OutboxMessage.created_at) <= as_of)
                .group_by(col(OutboxMessage.employee_id))
            )
        ).all()
    )
    # Reports a leader already heard about instantly (before switching to digest) are seen too.
    noticed = set(
        (
            await session.exec(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.kind == NOTICE_KIND, col(OutboxMessage.created_at) > earliest
                )
            )
        ).all()
    )
    found: dict[int, tuple[Employee, list[DigestItem]]] = {}
    for report, employee, boss in rows:
        assert boss.id is not None
        assert report.id is not None
        since = last_digest.get(boss.id)
        if since is not None and report.created_at <= since:
            continue
        if notice_key(report.id) in noticed:
            continue
        found.setdefault(boss.id, (boss, []))[1].append(DigestItem(employee, report))
    return found


async def plan_report_digests(
    db: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
) -> int:
    """Queue one digest per digest-mode leader with unseen reports; return rows added.

    Runs only on working days at or after DIGEST_TIME (WIB). The dedupe key holds the leader
    and the WIB date, so running again the same day (or on a second replica) adds nothing.
    """
    if not digest_due(settings, as_of):
        return 0
    day = as_of.astimezone(settings.tz)
    added = 0
    async with db() as session:
        unseen = await _unseen_by_leader(session, as_of)
        if not unseen:
            return 0
        all_reports = [item.report for _, items in unseen.values() for item in items]
        target_ids = sorted({r.target_id for r in all_reports})
        targets = (await session.exec(select(Target).where(col(Target.id).in_(target_ids)))).all()
        progress = {p.id: p for p in await with_progress(session, list(targets))}
        evidence = await evidence_counts(session, [r.id for r in all_reports if r.id])
        for leader_id, (leader, items) in sorted(unseen.items()):
            assert leader.telegram_user_id is not None
            t = i18n.for_language(leader.language)
            added += await outbox_queue.enqueue(
                session,
                dedupe_key=digest_key(leader_id, day.date().isoformat()),
                kind=DIGEST_KIND,
                chat_id=leader.telegram_user_id,
                employee_id=leader_id,
                text=digest_text(t, day, items, progress, evidence),
                priority=outbox_queue.PRIORITY_REMINDER,
                now=as_of,
            )
        await session.commit()
    return added
