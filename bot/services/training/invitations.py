"""An employee's side of training: their invitations, their answer (Hadir / Tidak) and the
JP they earned this year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.training.jp import jp_total
from bot.services.training.sessions import CANCELLED, RSVP_NO, RSVP_YES
from models import TrainingInvite, TrainingSession
from models.db import SessionFactory

RSVP_OK = "ok"
RSVP_NOT_YOURS = "not_yours"
RSVP_CLOSED = "closed"
PAST_SHOWN = 5  # past invitations shown after the upcoming ones


@dataclass(frozen=True)
class Answered:
    """What answering an invitation did: RSVP_*, and the session (None when not yours)."""

    result: str
    training: TrainingSession | None


async def answer_invite(
    db: SessionFactory, employee_id: int, invite_id: int, attend: bool, now: datetime
) -> Answered:
    """Record the invitee's answer; refuse other people's invitations and past sessions."""
    async with db() as session:
        invite = await session.get(TrainingInvite, invite_id)
        if invite is None or invite.employee_id != employee_id:
            return Answered(RSVP_NOT_YOURS, None)
        training = await session.get(TrainingSession, invite.session_id)
        if training is None or training.status == CANCELLED or training.starts_at <= now:
            return Answered(RSVP_CLOSED, training)
        invite.rsvp = RSVP_YES if attend else RSVP_NO
        invite.rsvp_at = now
        session.add(invite)
        await session.commit()
    return Answered(RSVP_OK, training)


Invitation = tuple[TrainingInvite, TrainingSession]


@dataclass(frozen=True)
class MyTraining:
    """An employee's invitations (upcoming first, then the latest past) and JP this year."""

    invitations: list[Invitation]
    jp: Decimal


async def my_training(
    db: SessionFactory, employee_id: int, now: datetime, year: int
) -> MyTraining:
    """An employee's invitations and the JP they earned this WIB year."""
    async with db() as session:
        invitations = await _invitations_of(session, employee_id, now)
        return MyTraining(invitations, await jp_total(session, employee_id, year))


async def _invitations_of(
    session: AsyncSession, employee_id: int, now: datetime
) -> list[Invitation]:
    """The employee's invitations: upcoming first (soonest first), then the last 5 past."""
    query = (
        select(TrainingInvite, TrainingSession)
        .join(TrainingSession, col(TrainingSession.id) == TrainingInvite.session_id)
        .where(TrainingInvite.employee_id == employee_id)
        .order_by(col(TrainingSession.starts_at))
    )
    rows = [(i, s) for i, s in (await session.exec(query)).all()]
    upcoming = [r for r in rows if r[1].starts_at > now and r[1].status != CANCELLED]
    past = [r for r in rows if r[1].starts_at <= now][-PAST_SHOWN:]
    return upcoming + list(reversed(past))
