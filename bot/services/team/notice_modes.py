"""How a leader hears about the team's progress reports: at once, a daily digest, or not."""

from __future__ import annotations

from sqlmodel import select

from bot.services.access import Speaker
from models import Employee
from models.db import SessionFactory

NOTICE_MODES = ("instant", "digest", "off")


async def set_notice_mode(db: SessionFactory, speaker: Speaker, mode: str) -> bool:
    """Store how report notices reach this leader; False (nothing changed) for unknown modes."""
    if mode not in NOTICE_MODES:
        return False
    async with db() as session:
        employee = await session.get(Employee, speaker.id)
        if employee is None:
            return False
        employee.notice_mode = mode
        session.add(employee)
        await session.commit()
    return True


async def notice_mode_of(db: SessionFactory, speaker: Speaker) -> str:
    """Return the leader's current notice mode (read fresh, not from the cached speaker)."""
    async with db() as session:
        query = select(Employee.notice_mode).where(Employee.id == speaker.id)
        mode = (await session.exec(query)).first()
    return mode or "instant"
