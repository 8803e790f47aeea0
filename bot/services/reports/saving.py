"""Submitting a report: saved once with its evidence, and the leader's notice queued with it.

The target may have been returned, archived or edited while the employee was typing, so
ownership, approval, semester and version are checked again here; the draft itself is left
untouched on refusal so the employee can carry on.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services.reports import values
from bot.services.reports.drafts import MAX_EVIDENCE_FILES, ReportDraft
from bot.services.reports.evidence import evidence_counts
from bot.services.reports.notices import notify_supervisor
from bot.services.reports.reportable import TargetProgress, find_reportable, with_progress
from bot.services.targets.achievement import indicators_of, is_far_above
from bot.services.targets.vocabulary import REPORT_ACTIVE
from models import ProgressReport, ReportEvidence, Target
from models.db import SessionFactory


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


async def submit_report(
    db: SessionFactory,
    i18n: I18n,
    *,
    employee_id: int,
    draft: ReportDraft,
    period: str,
    now: datetime,
) -> SaveOutcome:
    """Save a report with its evidence and queue its leader's notice, in one transaction.

    A draft already saved (its Send handled a second time, e.g. by the process that took over
    after a crash) adds nothing and returns the saved report; the unique key on (employee,
    draft nonce) backs this check.
    """
    async with db() as session:
        outcome = await _save(
            session, employee_id=employee_id, draft=draft, period=period, now=now
        )
        if outcome.result is SaveResult.SAVED:
            assert outcome.report is not None
            assert outcome.progress is not None
            await notify_supervisor(
                session, i18n, outcome.report, outcome.progress, outcome.evidence, now
            )
            await session.commit()
    return outcome


async def _save(
    session: AsyncSession, employee_id: int, draft: ReportDraft, period: str, now: datetime
) -> SaveOutcome:
    saved = await _report_of_draft(session, employee_id, draft)
    if saved is not None:
        return saved
    progress = await find_reportable(session, employee_id, draft.target_id, period)
    if progress is None:
        return SaveOutcome(SaveResult.TARGET_UNAVAILABLE)
    target = progress.target
    if draft.target_version and target.version != draft.target_version:
        return SaveOutcome(SaveResult.TARGET_CHANGED, progress=progress)
    first = await values.first_indicator(session, target)
    if draft.values:
        given = await _checked_values(session, target, draft.values)
        if given is None:
            return SaveOutcome(SaveResult.INCOMPLETE, progress=progress)
        mine = next((v for v in given if v.indicator_id == first.id), None)
        amount = mine.amount if mine is not None and not progress.qualitative else None
    elif progress.qualitative:
        if not draft.note.strip():
            return SaveOutcome(SaveResult.INCOMPLETE, progress=progress)
        amount = None
    else:
        if draft.amount is None or draft.amount <= 0:
            return SaveOutcome(SaveResult.INCOMPLETE, progress=progress)
        amount = draft.amount
    if (
        amount is not None
        and not draft.confirmed_large
        and is_far_above(target, progress.achieved, amount)
    ):
        return SaveOutcome(SaveResult.NEEDS_CONFIRMATION, progress=progress)
    report = ProgressReport(
        target_id=progress.id,
        employee_id=employee_id,
        amount=amount,
        note=draft.note.strip(),
        status=REPORT_ACTIVE,
        created_at=now,
        updated_at=now,
        request_key=draft.nonce,
    )
    session.add(report)
    await session.flush()  # the report id, for its evidence rows
    _add_evidence(session, report, draft)
    values.write_values(
        session, report, draft.values or [values.first_value(first, amount, draft.note)]
    )
    await session.flush()
    [after] = await with_progress(session, [target])
    evidence = min(len(draft.evidence), MAX_EVIDENCE_FILES)
    return SaveOutcome(SaveResult.SAVED, report=report, progress=after, evidence=evidence)


async def _checked_values(
    session: AsyncSession, target: Target, given: list[values.IkiValue]
) -> list[values.IkiValue] | None:
    """The draft's per-IKI values when each names one of the target's IKIs and can count."""
    [rows] = (await indicators_of(session, [target])).values()
    by_id = {row.id: row for row in rows if row.id is not None}
    seen = {v.indicator_id for v in given}
    if len(seen) != len(given):
        return None
    for v in given:
        row = by_id.get(v.indicator_id)
        if row is None or values.check_value(row, v) is not None:
            return None
    return given


def _add_evidence(session: AsyncSession, report: ProgressReport, draft: ReportDraft) -> None:
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


async def _report_of_draft(
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
    [progress] = await with_progress(session, [target])
    evidence = await evidence_counts(session, [report.id])
    return SaveOutcome(SaveResult.ALREADY_SAVED, report, progress, evidence[report.id])
