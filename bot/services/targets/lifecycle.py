"""A target's life: proposed, approved or returned by the direct leader, edited, withdrawn.

An employee proposes a target (pending) and their atasan langsung approves or returns it; a
leader may also assign a target to a direct subordinate (approved at once). Every screen
carries the target's `version`, so a button built from an older state is refused as stale.
Each entry point opens its own session and commits; the messages to the other person are
queued in the same transaction (notices.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import access, audit
from bot.services.access import Speaker
from bot.services.periods import Period, parse_period
from bot.services.targets import indicators
from bot.services.targets.drafts import Problem, TargetDraft, check_note, validate_draft
from bot.services.targets.notices import ask_leader, tell_assigned, tell_decision
from bot.services.targets.vocabulary import (
    SOURCE_CHAT,
    SOURCE_IMPORT,
    SOURCE_LEADER,
    STATUS_APPROVED,
    STATUS_ARCHIVED,
    STATUS_PENDING,
    STATUS_RETURNED,
)
from models import Employee, Target
from models.db import SessionFactory

# --------------------------------------------------------------------------- outcomes


class Outcome(StrEnum):
    OK = "ok"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    STALE = "stale"
    ALREADY_DECIDED = "already_decided"
    NOT_EDITABLE = "not_editable"
    NO_SUPERVISOR = "no_supervisor"


@dataclass
class TargetResult:
    """What a target operation did, with what the handler needs to answer."""

    outcome: Outcome
    target: Target | None = None
    owner: Employee | None = None
    problems: list[Problem] = field(default_factory=list)
    notified: bool = False  # a notice was queued for the other person


async def _load(session: AsyncSession, target_id: int) -> tuple[Target, Employee] | None:
    target = await session.get(Target, target_id)
    if target is None:
        return None
    owner = await session.get(Employee, target.employee_id)
    return (target, owner) if owner is not None else None


def is_editable(target: Target) -> bool:
    """Owners edit their own chat and leader targets; imported ones follow the official SKP."""
    return target.source != SOURCE_IMPORT and target.status in (
        STATUS_PENDING,
        STATUS_RETURNED,
        STATUS_APPROVED,
    )


def is_withdrawable(target: Target) -> bool:
    """Only a target that is not approved (pending or returned) can be withdrawn."""
    return target.status in (STATUS_PENDING, STATUS_RETURNED)


def _new_target(draft: TargetDraft, employee_id: int, period: Period, **values: Any) -> Target:
    """A Target holding the (normalized) draft's fields, plus the given status values."""
    d = draft.normalized()
    return Target(
        employee_id=employee_id,
        period=period.code,
        title=d.title,
        indicator=d.indicator,
        kind=d.kind,
        target_amount=d.amount,
        unit=d.unit,
        expectation=d.expectation,
        quality_standard=d.quality_standard,
        jenis=d.jenis,
        parent_target_id=d.parent_target_id,
        **values,
    )


# --------------------------------------------------------------------------- proposing


async def propose(
    db: SessionFactory,
    speaker: Speaker,
    draft: TargetDraft,
    *,
    period: Period,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Save the speaker's own target as pending and ask the direct leader to approve it."""
    employee = speaker.employee
    if employee.supervisor_id is None:
        return TargetResult(Outcome.NO_SUPERVISOR, owner=employee)
    async with db() as session:
        problems = await validate_draft(session, employee, period, draft)
        if problems:
            return TargetResult(Outcome.INVALID, owner=employee, problems=problems)
        target = _new_target(
            draft,
            speaker.id,
            period,
            status=STATUS_PENDING,
            source=SOURCE_CHAT,
            proposed_by_id=speaker.id,
            created_at=now,
            updated_at=now,
        )
        session.add(target)
        await session.flush()
        await indicators.sync_first(session, target)
        await indicators.add_extras(session, target, draft.extra_indicators)
        notified = await ask_leader(session, target, employee, now=now, i18n=i18n)
        await session.commit()
    return TargetResult(Outcome.OK, target=target, owner=employee, notified=notified)


async def direct_subordinate(
    session: AsyncSession, speaker: Speaker, employee_id: int
) -> Employee | None:
    """In the caller's session: the active employee if the speaker is their direct supervisor."""
    employee = await session.get(Employee, employee_id)
    if (
        employee is None
        or not employee.active
        or not access.is_direct_supervisor(speaker, employee)
    ):
        return None
    return employee


async def subordinate(db: SessionFactory, speaker: Speaker, employee_id: int) -> Employee | None:
    """Return the active employee if the speaker is their direct supervisor, else None."""
    async with db() as session:
        return await direct_subordinate(session, speaker, employee_id)


async def assign(
    db: SessionFactory,
    speaker: Speaker,
    employee_id: int,
    draft: TargetDraft,
    *,
    period: Period,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Create an approved target for a direct subordinate and tell them."""
    async with db() as session:
        employee = await direct_subordinate(session, speaker, employee_id)
        if employee is None:
            return TargetResult(Outcome.FORBIDDEN)
        problems = await validate_draft(session, employee, period, draft)
        if problems:
            return TargetResult(Outcome.INVALID, owner=employee, problems=problems)
        target = _new_target(
            draft,
            employee_id,
            period,
            status=STATUS_APPROVED,
            source=SOURCE_LEADER,
            proposed_by_id=speaker.id,
            approved_by_id=speaker.id,
            approved_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(target)
        await session.flush()
        await indicators.sync_first(session, target)
        await indicators.add_extras(session, target, draft.extra_indicators)
        audit.record(
            session,
            action="target_assign",
            at=now,
            actor_id=speaker.id,
            subject_id=employee_id,
            target_id=target.id,
            period=period.code,
            title=target.title,
        )
        notified = await tell_assigned(session, target, employee, speaker.employee, now, i18n)
        await session.commit()
    return TargetResult(Outcome.OK, target=target, owner=employee, notified=notified)


# --------------------------------------------------------------------------- deciding


async def _may_decide(
    session: AsyncSession, speaker: Speaker, target_id: int, version: int
) -> TargetResult:
    loaded = await _load(session, target_id)
    if loaded is None:
        return TargetResult(Outcome.NOT_FOUND)
    target, owner = loaded
    if not access.is_direct_supervisor(speaker, owner):
        return TargetResult(Outcome.FORBIDDEN)
    if target.status != STATUS_PENDING:
        return TargetResult(Outcome.ALREADY_DECIDED, target=target, owner=owner)
    if target.version != version:
        return TargetResult(Outcome.STALE, target=target, owner=owner)
    return TargetResult(Outcome.OK, target=target, owner=owner)


async def check_decision(
    db: SessionFactory, speaker: Speaker, target_id: int, version: int
) -> TargetResult:
    """Say whether the speaker may decide this target at this version now (nothing changes)."""
    async with db() as session:
        return await _may_decide(session, speaker, target_id, version)


async def decide(
    db: SessionFactory,
    speaker: Speaker,
    target_id: int,
    version: int,
    *,
    approve: bool,
    note: str = "",
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Approve, or return with a note, a pending target of a direct subordinate."""
    async with db() as session:
        result = await _may_decide(session, speaker, target_id, version)
        if result.outcome is not Outcome.OK:
            return result
        note = note.strip()
        if not approve and (problem := check_note(note)):
            return TargetResult(Outcome.INVALID, result.target, result.owner, [problem])
        result = await _decide(session, speaker, result, version, approve, note, now, i18n)
        await session.commit()
    return result


async def _decide(
    session: AsyncSession,
    speaker: Speaker,
    allowed: TargetResult,
    version: int,
    approve: bool,
    note: str,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    target, owner = allowed.target, allowed.owner
    assert target is not None
    assert owner is not None
    values: dict[str, Any] = {"updated_at": now}
    if approve:
        values |= {
            "status": STATUS_APPROVED,
            "approved_by_id": speaker.id,
            "approved_at": now,
            "return_note": "",
        }
    else:
        values |= {"status": STATUS_RETURNED, "return_note": note}
    # The WHERE repeats the checks, so two leaders' presses (or replicas) cannot both win.
    changed = await session.exec(
        update(Target)
        .where(
            col(Target.id) == target.id,
            col(Target.version) == version,
            col(Target.status) == STATUS_PENDING,
        )
        .values(**values)
    )
    if changed.rowcount != 1:
        return TargetResult(Outcome.STALE, target, owner)
    await session.refresh(target)
    audit.record(
        session,
        action="target_approve" if approve else "target_return",
        at=now,
        actor_id=speaker.id,
        subject_id=owner.id,
        target_id=target.id,
        version=version,
        title=target.title,
        **({} if approve else {"note": note}),
    )
    notified = await tell_decision(session, target, owner, speaker.employee, now, i18n)
    return TargetResult(Outcome.OK, target=target, owner=owner, notified=notified)


# --------------------------------------------------------------------------- editing


async def _may_edit(
    session: AsyncSession, speaker: Speaker, target_id: int, version: int
) -> TargetResult:
    loaded = await _load(session, target_id)
    if loaded is None:
        return TargetResult(Outcome.NOT_FOUND)
    target, owner = loaded
    if owner.id != speaker.id:
        return TargetResult(Outcome.FORBIDDEN)
    if not is_editable(target):
        return TargetResult(Outcome.NOT_EDITABLE, target=target, owner=owner)
    if target.version != version:
        return TargetResult(Outcome.STALE, target=target, owner=owner)
    return TargetResult(Outcome.OK, target=target, owner=owner)


async def check_edit(
    db: SessionFactory, speaker: Speaker, target_id: int, version: int
) -> TargetResult:
    """Say whether the speaker may start editing this target (their own, editable, current)."""
    async with db() as session:
        return await _may_edit(session, speaker, target_id, version)


async def edit(
    db: SessionFactory,
    speaker: Speaker,
    target_id: int,
    version: int,
    draft: TargetDraft,
    *,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Change the speaker's own target; it goes (back) to the leader for approval."""
    async with db() as session:
        result = await _may_edit(session, speaker, target_id, version)
        if result.outcome is not Outcome.OK:
            return result
        target, owner = result.target, result.owner
        assert target is not None
        assert owner is not None
        if owner.supervisor_id is None:
            return TargetResult(Outcome.NO_SUPERVISOR, target, owner)
        problems = await validate_draft(session, owner, parse_period(target.period), draft)
        if problems:
            return TargetResult(Outcome.INVALID, target, owner, problems)
        # A returned target sent back unchanged is a resubmission; otherwise no-op edits stay put.
        if draft.same_as(target) and target.status in (STATUS_PENDING, STATUS_APPROVED):
            return TargetResult(Outcome.UNCHANGED, target, owner)
        result = await _edit(session, speaker, target, owner, version, draft, now, i18n)
        await session.commit()
    return result


async def _edit(
    session: AsyncSession,
    speaker: Speaker,
    target: Target,
    owner: Employee,
    version: int,
    draft: TargetDraft,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    before = TargetDraft.of(target)
    was = target.status
    d = draft.normalized()
    changed = await session.exec(
        update(Target)
        .where(col(Target.id) == target.id, col(Target.version) == version)
        .values(
            title=d.title,
            indicator=d.indicator,
            kind=d.kind,
            target_amount=d.amount,
            unit=d.unit,
            expectation=d.expectation,
            quality_standard=d.quality_standard,
            jenis=d.jenis,
            parent_target_id=d.parent_target_id,
            status=STATUS_PENDING,
            return_note="",
            approved_by_id=None,
            approved_at=None,
            version=version + 1,
            updated_at=now,
        )
    )
    if changed.rowcount != 1:
        return TargetResult(Outcome.STALE, target, owner)
    await session.refresh(target)
    await indicators.sync_first(session, target)
    if was == STATUS_APPROVED:
        audit.record(
            session,
            action="target_edit",
            at=now,
            actor_id=speaker.id,
            subject_id=owner.id,
            target_id=target.id,
            version=target.version,
            before=_audit_fields(before),
            after=_audit_fields(d),
        )
    notified = await ask_leader(session, target, owner, now=now, i18n=i18n)
    return TargetResult(Outcome.OK, target, owner, notified=notified)


def _audit_fields(draft: TargetDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "indicator": draft.indicator,
        "kind": draft.kind,
        "amount": str(draft.amount) if draft.amount is not None else None,
        "unit": draft.unit,
        "expectation": draft.expectation,
        "quality_standard": draft.quality_standard,
        "jenis": draft.jenis,
        "parent_target_id": draft.parent_target_id,
    }


# --------------------------------------------------------------------------- withdrawing


async def withdraw(
    db: SessionFactory, speaker: Speaker, target_id: int, version: int, *, now: datetime
) -> TargetResult:
    """Archive the speaker's own pending or returned target."""
    async with db() as session:
        loaded = await _load(session, target_id)
        if loaded is None:
            return TargetResult(Outcome.NOT_FOUND)
        target, owner = loaded
        if owner.id != speaker.id:
            return TargetResult(Outcome.FORBIDDEN)
        if not is_withdrawable(target):
            return TargetResult(Outcome.NOT_EDITABLE, target, owner)
        changed = await session.exec(
            update(Target)
            .where(
                col(Target.id) == target_id,
                col(Target.version) == version,
                col(Target.status).in_([STATUS_PENDING, STATUS_RETURNED]),
            )
            .values(status=STATUS_ARCHIVED, version=version + 1, updated_at=now)
        )
        if changed.rowcount != 1:
            return TargetResult(Outcome.STALE, target, owner)
        await session.refresh(target)
        await session.commit()
    return TargetResult(Outcome.OK, target, owner)
