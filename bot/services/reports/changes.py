"""Correcting or withdrawing a sent report: by its owner, within 24 hours, audited.

Every entry point re-checks the owner and the time window, opens its own session and commits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import audit
from bot.services.reports import values
from bot.services.reports.reportable import TargetProgress, with_progress
from bot.services.targets.achievement import is_far_above
from bot.services.targets.vocabulary import KIND_QUAL, REPORT_ACTIVE, REPORT_WITHDRAWN
from models import ProgressReport, Target
from models.db import SessionFactory

CHANGE_WINDOW = timedelta(hours=24)


class ChangeResult(enum.Enum):
    OK = "ok"
    NOT_FOUND = "not_found"  # no such report, or someone else's (never say which)
    WITHDRAWN = "withdrawn"
    TOO_LATE = "too_late"
    NEEDS_CONFIRMATION = "needs_confirmation"
    INVALID = "invalid"


@dataclass
class ChangeOutcome:
    result: ChangeResult
    report: ProgressReport | None = None
    progress: TargetProgress | None = None


def change_deadline(report: ProgressReport) -> datetime:
    """The moment after which a report can no longer be corrected or withdrawn."""
    return report.created_at + CHANGE_WINDOW


async def _changeable(
    session: AsyncSession, employee_id: int, report_id: int, now: datetime
) -> ChangeOutcome:
    report = await session.get(ProgressReport, report_id)
    if report is None or report.employee_id != employee_id:
        return ChangeOutcome(ChangeResult.NOT_FOUND)
    target = await session.get(Target, report.target_id)
    if target is None:
        return ChangeOutcome(ChangeResult.NOT_FOUND)
    [progress] = await with_progress(session, [target])
    if report.status != REPORT_ACTIVE:
        return ChangeOutcome(ChangeResult.WITHDRAWN, report, progress)
    if now >= change_deadline(report):
        return ChangeOutcome(ChangeResult.TOO_LATE, report, progress)
    return ChangeOutcome(ChangeResult.OK, report, progress)


async def changeable_report(
    db: SessionFactory, employee_id: int, report_id: int, now: datetime
) -> ChangeOutcome:
    """Check that this employee may still correct or withdraw this report."""
    async with db() as session:
        return await _changeable(session, employee_id, report_id, now)


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "amount": str(report.amount) if report.amount is not None else None,
        "note": report.note,
        "status": report.status,
    }


async def correct_report(
    db: SessionFactory,
    *,
    employee_id: int,
    report_id: int,
    now: datetime,
    amount: Decimal | None = None,
    note: str | None = None,
    confirmed: bool = False,
) -> ChangeOutcome:
    """Change a report's amount or note (owner, within 24 hours), audited before/after."""
    async with db() as session:
        check = await _changeable(session, employee_id, report_id, now)
        if check.result is not ChangeResult.OK:
            return check
        outcome = await _correct(session, check, employee_id, now, amount, note, confirmed)
        await session.commit()
    return outcome


async def _correct(
    session: AsyncSession,
    check: ChangeOutcome,
    employee_id: int,
    now: datetime,
    amount: Decimal | None,
    note: str | None,
    confirmed: bool,
) -> ChangeOutcome:
    report, progress = check.report, check.progress
    assert report is not None
    assert progress is not None
    target = progress.target
    if amount is not None and (target.kind == KIND_QUAL or amount <= 0):
        return ChangeOutcome(ChangeResult.INVALID, report, progress)
    if note is not None and target.kind == KIND_QUAL and not note.strip():
        return ChangeOutcome(ChangeResult.INVALID, report, progress)
    others = progress.achieved - (report.amount or 0)
    if amount is not None and not confirmed and is_far_above(target, others, amount):
        return ChangeOutcome(ChangeResult.NEEDS_CONFIRMATION, report, progress)
    if (amount is None or amount == report.amount) and (
        note is None or note.strip() == report.note
    ):
        # Nothing changes (e.g. the same correction handled again after a failover): it is
        # neither counted nor audited a second time.
        return ChangeOutcome(ChangeResult.OK, report, progress)
    before = _snapshot(report)
    if amount is not None:
        report.amount = amount
    if note is not None:
        report.note = note.strip()
    report.corrections += 1
    report.updated_at = now
    session.add(report)
    _audit(session, "report.correct", report, before, employee_id, now)
    await session.flush()
    await values.sync_first_value(session, report, target)
    await session.flush()
    achieved = others + (report.amount or 0)
    return ChangeOutcome(
        ChangeResult.OK, report, TargetProgress(target, achieved, progress.reports)
    )


async def withdraw_report(
    db: SessionFactory, *, employee_id: int, report_id: int, now: datetime
) -> ChangeOutcome:
    """Withdraw a report (owner, within 24 hours): it stops counting; audited."""
    async with db() as session:
        check = await _changeable(session, employee_id, report_id, now)
        if check.result is not ChangeResult.OK:
            return check
        report, progress = check.report, check.progress
        assert report is not None
        assert progress is not None
        before = _snapshot(report)
        report.status = REPORT_WITHDRAWN
        report.updated_at = now
        session.add(report)
        _audit(session, "report.withdraw", report, before, employee_id, now)
        await session.commit()
    achieved = progress.achieved - (report.amount or 0)
    return ChangeOutcome(
        ChangeResult.OK,
        report,
        TargetProgress(progress.target, achieved, max(0, progress.reports - 1)),
    )


def _audit(
    session: AsyncSession,
    action: str,
    report: ProgressReport,
    before: dict[str, Any],
    employee_id: int,
    now: datetime,
) -> None:
    audit.record(
        session,
        action=action,
        at=now,
        actor_id=employee_id,
        subject_id=employee_id,
        report_id=report.id,
        target_id=report.target_id,
        before=before,
        after=_snapshot(report),
    )
