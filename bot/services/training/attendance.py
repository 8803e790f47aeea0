"""Attendance, recorded by HR after a session has started: attending earns its JP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.services.access import Speaker
from bot.services.training.sessions import DONE, PLANNED, SessionSheet, covers_session, sheet_of
from models import TrainingInvite, TrainingSession
from models.db import SessionFactory

ATTEND_OK = "ok"
ATTEND_REFUSED = "refused"
ATTEND_TOO_EARLY = "too_early"


@dataclass(frozen=True)
class Marked:
    """What recording did: ATTEND_*, and the session's sheet as it is now (when recorded)."""

    result: str
    sheet: SessionSheet | None = None


async def mark_attendance(
    db: SessionFactory, speaker: Speaker, invite_id: int, attended: bool, now: datetime
) -> Marked:
    """Record attendance after the start; attending earns the session's JP."""
    async with db() as session:
        invite = await session.get(TrainingInvite, invite_id)
        if invite is None:
            return Marked(ATTEND_REFUSED)
        training = await session.get(TrainingSession, invite.session_id)
        if training is None or not covers_session(speaker, training):
            return Marked(ATTEND_REFUSED)
        if training.starts_at > now:
            return Marked(ATTEND_TOO_EARLY)
        invite.attended = attended
        invite.jp_awarded = training.jp if attended else Decimal(0)
        session.add(invite)
        if training.status == PLANNED:
            training.status = DONE
            session.add(training)
        await session.commit()
        return Marked(ATTEND_OK, await sheet_of(session, speaker, invite.session_id))
