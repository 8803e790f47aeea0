"""The leader's assessment of a qualitative IKI: below, meets or above expectation.

A qualitative IKI is measured by its leader's judgement (achievement_rules.qualitative_
achievement): the newest assessment counts, the earlier ones stay as its history. The direct
supervisor assesses, as they approve the target. Recording the same judgement again (a
button pressed twice, an update handled again after a failover) changes nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access, audit
from bot.services.access import Speaker
from bot.services.targets.achievement_rules import Expectation, Measure
from bot.services.targets.vocabulary import MAX_NOTE, STATUS_APPROVED
from models import Employee, Indicator, IndicatorAssessment, ProgressReport, Target
from models.db import SessionFactory


class AssessResult(enum.Enum):
    SAVED = "saved"
    UNCHANGED = "unchanged"  # the newest assessment already says this
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"  # not the owner's direct supervisor
    NOT_QUALITATIVE = "not_qualitative"  # measured by numbers or dates, not judged
    NOT_APPROVED = "not_approved"  # the target is not (or no longer) approved
    INVALID = "invalid"  # the note is too long, or the report is not on this target


@dataclass(frozen=True)
class AssessOutcome:
    result: AssessResult
    assessment: IndicatorAssessment | None = None  # the newest (after saving: the new one)
    target: Target | None = None
    indicator: Indicator | None = None
    owner: Employee | None = None


async def check(db: SessionFactory, speaker: Speaker, indicator_id: int) -> AssessOutcome:
    """Say whether the speaker may assess this IKI now, with it and its newest assessment."""
    async with db() as session:
        found = await _may_assess(session, speaker, indicator_id)
        if found.result is not AssessResult.SAVED:
            return found
        newest = await latest(session, indicator_id)
    return AssessOutcome(
        AssessResult.UNCHANGED, newest, found.target, found.indicator, found.owner
    )


async def _may_assess(session: AsyncSession, speaker: Speaker, indicator_id: int) -> AssessOutcome:
    """SAVED (as "may") with the IKI, its target and owner, or why the speaker may not."""
    row = await session.get(Indicator, indicator_id)
    target = await session.get(Target, row.target_id) if row is not None else None
    owner = await session.get(Employee, target.employee_id) if target is not None else None
    if row is None or target is None or owner is None:
        return AssessOutcome(AssessResult.NOT_FOUND)
    if not access.is_direct_supervisor(speaker, owner):
        return AssessOutcome(AssessResult.FORBIDDEN)
    if Measure(row.measure) is not Measure.QUALITATIVE:
        return AssessOutcome(AssessResult.NOT_QUALITATIVE, target=target)
    if target.status != STATUS_APPROVED:
        return AssessOutcome(AssessResult.NOT_APPROVED, target=target)
    return AssessOutcome(AssessResult.SAVED, target=target, indicator=row, owner=owner)


async def assess(
    db: SessionFactory,
    speaker: Speaker,
    indicator_id: int,
    expectation: Expectation,
    *,
    now: datetime,
    note: str = "",
    report_id: int | None = None,
) -> AssessOutcome:
    """Record the leader's judgement of a qualitative IKI (audited); idempotent."""
    async with db() as session:
        outcome = await _assess(
            session, speaker, indicator_id, expectation, now, note.strip(), report_id
        )
        if outcome.result is AssessResult.SAVED:
            await session.commit()
    return outcome


async def _assess(
    session: AsyncSession,
    speaker: Speaker,
    indicator_id: int,
    expectation: Expectation,
    now: datetime,
    note: str,
    report_id: int | None,
) -> AssessOutcome:
    allowed = await _may_assess(session, speaker, indicator_id)
    target, row, owner = allowed.target, allowed.indicator, allowed.owner
    if allowed.result is not AssessResult.SAVED or target is None or owner is None or not row:
        return allowed
    if len(note) > MAX_NOTE or not await _report_fits(session, report_id, target):
        return AssessOutcome(AssessResult.INVALID, target=target)
    newest = await latest(session, indicator_id)
    if newest is not None and (newest.expectation, newest.note, newest.report_id) == (
        expectation.value,
        note,
        report_id,
    ):
        return AssessOutcome(AssessResult.UNCHANGED, newest, target, row, owner)
    assessment = IndicatorAssessment(
        indicator_id=indicator_id,
        assessor_id=speaker.id,
        expectation=expectation.value,
        note=note,
        report_id=report_id,
        created_at=now,
    )
    session.add(assessment)
    audit.record(
        session,
        action="indicator_assess",
        at=now,
        actor_id=speaker.id,
        subject_id=owner.id,
        target_id=target.id,
        indicator_id=indicator_id,
        expectation=expectation.value,
        before=newest.expectation if newest is not None else None,
    )
    await session.flush()
    return AssessOutcome(AssessResult.SAVED, assessment, target, row, owner)


async def _report_fits(session: AsyncSession, report_id: int | None, target: Target) -> bool:
    if report_id is None:
        return True
    report = await session.get(ProgressReport, report_id)
    return report is not None and report.target_id == target.id


async def latest(session: AsyncSession, indicator_id: int) -> IndicatorAssessment | None:
    """In the caller's session: the newest assessment of an IKI, if any."""
    query = (
        select(IndicatorAssessment)
        .where(IndicatorAssessment.indicator_id == indicator_id)
        .order_by(col(IndicatorAssessment.created_at).desc(), col(IndicatorAssessment.id).desc())
    )
    return (await session.exec(query)).first()
