"""Progress reports: the targets that take them, the atomic save, and changes within 24 hours.

A report is an increment toward an approved target of the current semester (or, for a
qualitative target, a narrative). Evidence files stay on Telegram's servers; only their
file_id is kept. The draft and its step-by-step checks are in bot.services.reports.drafts.
Nothing here knows about Telegram: handlers pass plain values in.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access, audit, periods
from bot.services.reports.drafts import MAX_EVIDENCE_FILES, QUALITATIVE, ReportDraft, is_far_above
from bot.services.targets import achievement
from models import Employee, ProgressReport, ReportEvidence, Target

CHANGE_WINDOW = timedelta(hours=24)
APPROVED = "approved"
ACTIVE = "active"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class TargetProgress:
    """A target with what has been reported on it so far."""

    target: Target
    achieved: Decimal
    reports: int

    @property
    def id(self) -> int:
        assert self.target.id is not None
        return self.target.id

    @property
    def qualitative(self) -> bool:
        return self.target.kind == QUALITATIVE

    @property
    def ratio(self) -> float | None:
        return achievement.ratio(self.achieved, self.target)

    def ratio_with(self, amount: Decimal) -> float | None:
        """The achievement ratio once `amount` more is reported."""
        return achievement.ratio(self.achieved + amount, self.target)


def current_period(today: date) -> str:
    """Return the code of the semester reports go to today, e.g. '2026-2'."""
    return periods.period_of(today).code


# --- targets that can take reports ---


async def _with_progress(session: AsyncSession, targets: Sequence[Target]) -> list[TargetProgress]:
    ids = [t.id for t in targets if t.id is not None]
    sums = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    return [
        TargetProgress(t, sums.get(t.id or 0, Decimal(0)), counts.get(t.id or 0, 0))
        for t in targets
    ]


async def reportable_targets(
    session: AsyncSession, employee_id: int, period: str
) -> list[TargetProgress]:
    """Return the employee's approved targets of the period, with their progress."""
    query = (
        select(Target)
        .where(
            Target.employee_id == employee_id,
            Target.period == period,
            Target.status == APPROVED,
        )
        .order_by(col(Target.jenis), col(Target.id))
    )
    return await _with_progress(session, list((await session.exec(query)).all()))


async def reportable_target(
    session: AsyncSession, employee_id: int, target_id: int, period: str
) -> TargetProgress | None:
    """Return one target if this employee may report on it now, else None."""
    target = await session.get(Target, target_id)
    if (
        target is None
        or target.employee_id != employee_id
        or target.status != APPROVED
        or target.period != period
    ):
        return None
    [progress] = await _with_progress(session, [target])
    return progress


async def evidence_counts(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, int]:
    """Return how many files each report carries."""
    if not report_ids:
        return {}
    query = (
        select(ReportEvidence.report_id, func.count())
        .where(col(ReportEvidence.report_id).in_(report_ids))
        .group_by(col(ReportEvidence.report_id))
    )
    counts = dict((await session.exec(query)).all())
    return {rid: int(counts.get(rid, 0)) for rid in report_ids}


# --- saving ---


class SaveResult(enum.Enum):
    SAVED = "saved"
    TARGET_UNAVAILABLE = "target_unavailable"  # gone, not approved any more, not theirs
    TARGET_CHANGED = "target_changed"  # edited since the draft was started
    NEEDS_CONFIRMATION = "needs_confirmation"  # far above the target and not confirmed
    INCOMPLETE = "incomplete"  # no amount / no narrative
    ALREADY_SAVED = "already_saved"  # this draft was saved before (the same Send, again)


@dataclass
class SaveOutcome:
    result: SaveResult
    report: ProgressReport | None = None
    progress: TargetProgress | None = None  # after the save when SAVED
    evidence: int = 0


async def save_report(
    session: AsyncSession, *, employee_id: int, draft: ReportDraft, period: str, now: datetime
) -> SaveOutcome:
    """Add the report and its evidence in the caller's transaction, after re-checking the target.

    The target may have been returned, archived or edited while the employee was typing, so
    ownership, approval, semester and version are checked again here; the draft itself is
    left untouched on refusal so the employee can carry on. A draft already saved (its Send
    handled a second time, e.g. by the process that took over after a crash) adds nothing and
    returns the saved report; the unique key on (employee, draft nonce) backs this check.
    """
    saved = await report_of_draft(session, employee_id, draft)
    if saved is not None:
        return saved
    progress = await reportable_target(session, employee_id, draft.target_id, period)
    if progress is None:
        return SaveOutcome(SaveResult.TARGET_UNAVAILABLE)
    target = progress.target
    if draft.target_version and target.version != draft.target_version:
        return SaveOutcome(SaveResult.TARGET_CHANGED, progress=progress)
    if progress.qualitative:
        if not draft.note.strip():
            return SaveOutcome(SaveResult.INCOMPLETE, progress=progress)
        amount = None
    else:
        if draft.amount is None or draft.amount <= 0:
            return SaveOutcome(SaveResult.INCOMPLETE, progress=progress)
        amount = draft.amount
        if not draft.confirmed_large and is_far_above(target, progress.achieved, amount):
            return SaveOutcome(SaveResult.NEEDS_CONFIRMATION, progress=progress)
    report = ProgressReport(
        target_id=progress.id,
        employee_id=employee_id,
        amount=amount,
        note=draft.note.strip(),
        status=ACTIVE,
        created_at=now,
        updated_at=now,
        request_key=draft.nonce,
    )
    session.add(report)
    await session.flush()  # the report id, for its evidence rows
    assert report.id is not None
    for item in draft.evidence[:MAX_EVIDENCE_FILES]:
        session.add(
            ReportEvidence(
                report_id=report.id,
                kind=item.kind,
                file_id=item.file_id,
                file_unique_id=item.file_unique_id,
                file_name=item.file_name[:255],
                mime_type=item.mime_type[:100],
                file_size=item.file_size,
            )
        )
    await session.flush()
    after = TargetProgress(target, progress.achieved + (amount or 0), progress.reports + 1)
    return SaveOutcome(
        SaveResult.SAVED,
        report=report,
        progress=after,
        evidence=min(len(draft.evidence), MAX_EVIDENCE_FILES),
    )


async def report_of_draft(
    session: AsyncSession, employee_id: int, draft: ReportDraft
) -> SaveOutcome | None:
    """The report already saved from this draft, with the standing it brought, else None."""
    report = (
        await session.exec(
            select(ProgressReport).where(
                ProgressReport.employee_id == employee_id,
                ProgressReport.request_key == draft.nonce,
            )
        )
    ).first()
    target = await session.get(Target, report.target_id) if report is not None else None
    if report is None or report.id is None or target is None:
        return None
    [progress] = await _with_progress(session, [target])
    evidence = await evidence_counts(session, [report.id])
    return SaveOutcome(SaveResult.ALREADY_SAVED, report, progress, evidence[report.id])


# --- correcting and withdrawing within 24 hours ---


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


async def changeable_report(
    session: AsyncSession, employee_id: int, report_id: int, now: datetime
) -> ChangeOutcome:
    """Check that this employee may still correct or withdraw this report."""
    report = await session.get(ProgressReport, report_id)
    if report is None or report.employee_id != employee_id:
        return ChangeOutcome(ChangeResult.NOT_FOUND)
    target = await session.get(Target, report.target_id)
    if target is None:
        return ChangeOutcome(ChangeResult.NOT_FOUND)
    [progress] = await _with_progress(session, [target])
    if report.status != ACTIVE:
        return ChangeOutcome(ChangeResult.WITHDRAWN, report, progress)
    if now >= change_deadline(report):
        return ChangeOutcome(ChangeResult.TOO_LATE, report, progress)
    return ChangeOutcome(ChangeResult.OK, report, progress)


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "amount": str(report.amount) if report.amount is not None else None,
        "note": report.note,
        "status": report.status,
    }


async def correct_report(
    session: AsyncSession,
    *,
    employee_id: int,
    report_id: int,
    now: datetime,
    amount: Decimal | None = None,
    note: str | None = None,
    confirmed: bool = False,
) -> ChangeOutcome:
    """Change a report's amount or note (owner, within 24 hours), audited before/after."""
    check = await changeable_report(session, employee_id, report_id, now)
    if check.result is not ChangeResult.OK:
        return check
    report, progress = check.report, check.progress
    assert report is not None
    assert progress is not None
    target = progress.target
    if amount is not None and (target.kind == QUALITATIVE or amount <= 0):
        return ChangeOutcome(ChangeResult.INVALID, report, progress)
    if note is not None and target.kind == QUALITATIVE and not note.strip():
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
    audit.record(
        session,
        action="report.correct",
        at=now,
        actor_id=employee_id,
        subject_id=employee_id,
        report_id=report.id,
        target_id=report.target_id,
        before=before,
        after=_snapshot(report),
    )
    await session.flush()
    achieved = others + (report.amount or 0)
    return ChangeOutcome(
        ChangeResult.OK, report, TargetProgress(target, achieved, progress.reports)
    )


async def withdraw_report(
    session: AsyncSession, *, employee_id: int, report_id: int, now: datetime
) -> ChangeOutcome:
    """Withdraw a report (owner, within 24 hours): it stops counting; audited."""
    check = await changeable_report(session, employee_id, report_id, now)
    if check.result is not ChangeResult.OK:
        return check
    report, progress = check.report, check.progress
    assert report is not None
    assert progress is not None
    before = _snapshot(report)
    report.status = WITHDRAWN
    report.updated_at = now
    session.add(report)
    audit.record(
        session,
        action="report.withdraw",
        at=now,
        actor_id=employee_id,
        subject_id=employee_id,
        report_id=report.id,
        target_id=report.target_id,
        before=before,
        after=_snapshot(report),
    )
    await session.flush()
    achieved = progress.achieved - (report.amount or 0)
    return ChangeOutcome(
        ChangeResult.OK,
        report,
        TargetProgress(progress.target, achieved, max(0, progress.reports - 1)),
    )


# --- evidence for the people allowed to see it ---


async def evidence_for_viewer(
    session: AsyncSession, speaker: access.Speaker, report_id: int
) -> list[ReportEvidence] | None:
    """Return a report's files for its author, their leaders or HR in scope; None otherwise."""
    report = await session.get(ProgressReport, report_id)
    if report is None or report.status != ACTIVE:
        return None
    author = await session.get(Employee, report.employee_id)
    if author is None or not await access.can_view(session, speaker, author):
        return None
    query = (
        select(ReportEvidence)
        .where(ReportEvidence.report_id == report_id)
        .order_by(col(ReportEvidence.id))
    )
    return list((await session.exec(query)).all())
