"""Training sessions for HR: who may manage one, creating it with its invitations, the list,
one session with its invitees, and cancelling before the start.

HR (OPD HR for its own OPD, city-wide HR and admins everywhere) creates a session, possibly
from a recommendation, and invites staff (the recommended unit, or typed NIPs inside its
scope) up to the capacity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n
from bot.services import audit
from bot.services.access import Speaker
from bot.services.training.notices import (
    KIND_CANCELLED,
    KIND_INVITE,
    cancelled_text,
    invite_text,
    invitee_notice,
    rsvp_keyboard,
)
from models import (
    Employee,
    OutboxMessage,
    TrainingInvite,
    TrainingRecommendation,
    TrainingSession,
)
from models.db import SessionFactory

PLANNED = "planned"
CANCELLED = "cancelled"
DONE = "done"  # attendance has been recorded
RSVP_YES = "hadir"
RSVP_NO = "tidak"
MAX_NIPS = 200  # NIPs in one typed invitee list
LISTED = 20  # sessions in HR's list


def covers_session(speaker: Speaker, training: TrainingSession) -> bool:
    """True when this HR officer may manage the session (city-wide sessions: city HR only)."""
    if not speaker.is_hr:
        return False
    if training.opd_id is None:
        return speaker.is_city_wide_hr
    return speaker.hr_covers(training.opd_id)


def organiser_opd(speaker: Speaker) -> int | None:
    """The OPD a new session belongs to: the officer's own OPD, None for city-wide HR."""
    if speaker.is_city_wide_hr:
        return None
    return speaker.employee.opd_id


# --- inviting and creating ---


@dataclass
class Invitees:
    """Who a typed NIP list names: found in scope, unknown and outside the officer's scope."""

    found: list[Employee] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


async def invitees_from_nips(db: SessionFactory, speaker: Speaker, raw: str) -> Invitees:
    """Resolve typed NIPs (any separators) to active employees the officer covers."""
    nips = list(dict.fromkeys(re.findall(r"\d+", raw)))[:MAX_NIPS]
    result = Invitees()
    if not nips:
        return result
    query = select(Employee).where(col(Employee.nip).in_(nips), col(Employee.active).is_(True))
    async with db() as session:
        by_nip = {e.nip: e for e in (await session.exec(query)).all()}
    for nip in nips:
        employee = by_nip.get(nip)
        if employee is None:
            result.unknown.append(nip)
        elif not speaker.hr_covers(employee.opd_id):
            result.outside.append(nip)
        else:
            result.found.append(employee)
    return result


@dataclass(frozen=True)
class Draft:
    """Everything a session needs, as checked by the handler's steps."""

    title: str
    topic: str
    starts_at: datetime
    place: str
    capacity: int
    jp: Decimal
    recommendation_id: int | None
    employee_ids: list[int]
    request_key: str = ""  # the draft's nonce: saving the same draft twice saves one session


@dataclass(frozen=True)
class Created:
    """The saved session, how many were invited and how many did not fit."""

    training: TrainingSession
    invited: int
    left_out: int


async def create_session(
    db: SessionFactory, speaker: Speaker, i18n: I18n, draft: Draft, now: datetime
) -> Created | None:
    """Save the session, invite up to capacity (in scope only) and queue the invitations.

    The same draft saved again (its Save handled twice, e.g. after a failover) returns the
    session saved the first time and invites nobody a second time.
    """
    if not speaker.is_hr:
        return None
    async with db() as session:
        if draft.request_key:
            saved = await _session_of_draft(session, speaker.id, draft.request_key)
            if saved is not None:
                return saved
        if draft.recommendation_id is not None:
            reco = await session.get(TrainingRecommendation, draft.recommendation_id)
            if reco is None or not speaker.hr_covers(reco.opd_id):
                return None
            opd_id: int | None = reco.opd_id
        else:
            opd_id = organiser_opd(speaker)
        created = await _save(session, speaker, i18n, draft, now, opd_id)
        await session.commit()
    return created


async def _save(
    session: AsyncSession,
    speaker: Speaker,
    i18n: I18n,
    draft: Draft,
    now: datetime,
    opd_id: int | None,
) -> Created:
    """Add the session, its invitations (in scope, up to capacity) and their notices."""
    training = TrainingSession(
        title=draft.title.strip(),
        topic=draft.topic.strip(),
        starts_at=draft.starts_at.astimezone(UTC),
        place=draft.place.strip(),
        capacity=draft.capacity,
        jp=draft.jp,
        opd_id=opd_id,
        recommendation_id=draft.recommendation_id,
        created_by_id=speaker.id,
        created_at=now,
        request_key=draft.request_key or None,
    )
    session.add(training)
    await session.flush()
    assert training.id is not None
    wanted = list(dict.fromkeys(draft.employee_ids))
    people = (
        (await session.exec(select(Employee).where(col(Employee.id).in_(wanted)))).all()
        if wanted
        else []
    )
    by_id = {e.id: e for e in people if e.active and speaker.hr_covers(e.opd_id)}
    chosen = [by_id[i] for i in wanted if i in by_id]
    invited = chosen[: draft.capacity]
    invites = [TrainingInvite(session_id=training.id, employee_id=e.id or 0) for e in invited]
    session.add_all(invites)
    await session.flush()
    rows = [
        invitee_notice(
            i18n,
            employee,
            now,
            kind=KIND_INVITE,
            dedupe_key=f"training-invite:{training.id}:{invite.id}",
            text=partial(invite_text, training=training, name=employee.name),
            keyboard=partial(rsvp_keyboard, invite_id=invite.id or 0),
        )
        for invite, employee in zip(invites, invited, strict=True)
    ]
    await outbox_queue.enqueue_many(session, [row for row in rows if row is not None])
    audit.record(
        session,
        action="training.create",
        at=now,
        actor_id=speaker.id,
        training_id=training.id,
        invited=len(invited),
        left_out=len(chosen) - len(invited),
    )
    return Created(training, len(invited), len(chosen) - len(invited))


async def _session_of_draft(
    session: AsyncSession, organiser_id: int, request_key: str
) -> Created | None:
    """The session this organiser already saved from this draft, with its invitations."""
    training = (
        await session.exec(
            select(TrainingSession).where(
                TrainingSession.created_by_id == organiser_id,
                TrainingSession.request_key == request_key,
            )
        )
    ).first()
    if training is None:
        return None
    invited = await session.exec(
        select(func.count()).where(TrainingInvite.session_id == training.id)
    )
    return Created(training, int(invited.one()), 0)


# --- the sessions HR manages ---


@dataclass(frozen=True)
class InviteRow:
    """One invitee of a session, for HR."""

    invite: TrainingInvite
    employee: Employee


@dataclass(frozen=True)
class SessionSheet:
    """A session with its invitees, by name."""

    training: TrainingSession
    invitees: list[InviteRow]


async def session_for_hr(
    db: SessionFactory, speaker: Speaker, session_id: int
) -> SessionSheet | None:
    """Return a session in the officer's scope with its invitees, or None."""
    async with db() as session:
        return await sheet_of(session, speaker, session_id)


async def sheet_of(
    session: AsyncSession, speaker: Speaker, session_id: int
) -> SessionSheet | None:
    """`session_for_hr` inside the caller's session (attendance reads it after a change)."""
    training = await session.get(TrainingSession, session_id)
    if training is None or not covers_session(speaker, training):
        return None
    query = (
        select(TrainingInvite, Employee)
        .join(Employee, col(Employee.id) == TrainingInvite.employee_id)
        .where(TrainingInvite.session_id == session_id)
        .order_by(col(Employee.name), col(Employee.id))
    )
    rows = [InviteRow(i, e) for i, e in (await session.exec(query)).all()]
    return SessionSheet(training, rows)


async def sessions_for_hr(db: SessionFactory, speaker: Speaker) -> list[TrainingSession]:
    """The officer's sessions (in scope), newest start first, at most LISTED."""
    if not speaker.is_hr:
        return []
    query = select(TrainingSession).order_by(col(TrainingSession.starts_at).desc()).limit(200)
    async with db() as session:
        found = [s for s in (await session.exec(query)).all() if covers_session(speaker, s)]
    return found[:LISTED]


CANCEL_OK = "ok"
CANCEL_REFUSED = "refused"
CANCEL_TOO_LATE = "too_late"


@dataclass(frozen=True)
class Cancelled:
    """What cancelling did: CANCEL_*, the session (None when refused), how many were told."""

    outcome: str
    training: TrainingSession | None
    told: int = 0


async def cancel_session(
    db: SessionFactory, speaker: Speaker, i18n: I18n, session_id: int, now: datetime
) -> Cancelled:
    """Cancel a planned session before it starts; tell invitees who had not declined.

    Invitations still waiting in the outbox are withdrawn, and the reminder planner skips
    cancelled sessions.
    """
    async with db() as session:
        training = await session.get(TrainingSession, session_id)
        if training is None or not covers_session(speaker, training):
            return Cancelled(CANCEL_REFUSED, None)
        if training.status != PLANNED or training.starts_at <= now:
            return Cancelled(CANCEL_TOO_LATE, training)
        training.status = CANCELLED
        session.add(training)
        told = await _withdraw_and_tell(session, i18n, training, now)
        audit.record(
            session, action="training.cancel", at=now, actor_id=speaker.id, training_id=training.id
        )
        await session.commit()
    return Cancelled(CANCEL_OK, training, told)


async def _withdraw_and_tell(
    session: AsyncSession, i18n: I18n, training: TrainingSession, now: datetime
) -> int:
    """Withdraw the invitations not sent yet; queue the notice for those who had not declined."""
    # The prefix ends in ":" so session 1 is not 12.
    await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.dedupe_key).startswith(f"training-invite:{training.id}:"),
            col(OutboxMessage.status) == "pending",
        )
        .values(status="cancelled", last_error="training cancelled")
    )
    query = (
        select(TrainingInvite, Employee)
        .join(Employee, col(Employee.id) == TrainingInvite.employee_id)
        .where(TrainingInvite.session_id == training.id, TrainingInvite.rsvp != RSVP_NO)
    )
    found = [
        invitee_notice(
            i18n,
            employee,
            now,
            kind=KIND_CANCELLED,
            dedupe_key=f"training-cancelled:{training.id}:{invite.id}",
            text=partial(cancelled_text, training=training, name=employee.name),
        )
        for invite, employee in (await session.exec(query)).all()
    ]
    rows = [row for row in found if row is not None]
    await outbox_queue.enqueue_many(session, rows)
    return len(rows)
