"""Small facts about employees: language choice, blocked bots, lookups for display."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import SUPPORTED_LANGUAGES
from bot.services.access import Speaker, load_speaker, speaker_for
from bot.services.nip import normalize_nip
from models import Employee, Opd, Unit
from models.db import SessionFactory


async def set_language(
    session: AsyncSession, employee: Employee, lang: str, now: datetime
) -> bool:
    """Store the user's language choice; return False for an unsupported language."""
    if lang not in SUPPORTED_LANGUAGES:
        return False
    employee.language = lang
    employee.updated_at = now
    session.add(employee)
    return True


async def mark_blocked(session: AsyncSession, chat_id: int, now: datetime) -> int:
    """Mark the employee behind a private chat as having blocked the bot; return rows changed."""
    result = await session.exec(
        update(Employee)
        .where(col(Employee.telegram_user_id) == chat_id, col(Employee.blocked_at).is_(None))
        .values(blocked_at=now)
    )
    return int(result.rowcount)


async def mark_reachable(session: AsyncSession, employee: Employee) -> None:
    """Clear the blocked flag once the user talks to the bot again."""
    if employee.blocked_at is not None:
        employee.blocked_at = None
        session.add(employee)


async def record_blocked(db: SessionFactory, chat_id: int, now: datetime) -> None:
    """Remember that the person behind a private chat blocked the bot."""
    async with db() as session:
        await mark_blocked(session, chat_id, now)
        await session.commit()


async def record_chat_status(
    db: SessionFactory, chat_id: int, *, blocked: bool, now: datetime
) -> None:
    """Record a private chat's membership change: blocked, or reachable again."""
    async with db() as session:
        if blocked:
            await mark_blocked(session, chat_id, now)
        else:
            speaker = await load_speaker(session, chat_id)
            if speaker is not None:
                await mark_reachable(session, speaker.employee)
        await session.commit()


async def choose_language(
    db: SessionFactory, employee_id: int, lang: str, now: datetime
) -> Speaker | None:
    """Store an employee's language choice; return them as a speaker (None when unknown)."""
    async with db() as session:
        employee = await session.get(Employee, employee_id)
        if employee is None or not await set_language(session, employee, lang, now):
            return None
        await session.commit()
        return await speaker_for(session, employee)


async def describe(session: AsyncSession, employee: Employee) -> tuple[str, str]:
    """Return (OPD name, unit name) for display."""
    opd = await session.get(Opd, employee.opd_id)
    unit = await session.get(Unit, employee.unit_id) if employee.unit_id else None
    return (opd.name if opd else "", unit.name if unit else "")


async def by_nips(session: AsyncSession, nips: list[str]) -> list[Employee]:
    """Return employees for the given NIPs, in the given order, skipping unknown ones."""
    rows = (await session.exec(select(Employee).where(col(Employee.nip).in_(nips)))).all()
    found = {e.nip: e for e in rows}
    return [found[n] for n in nips if n in found]


async def for_invites(
    session: AsyncSession, *, nips: list[str] | None, opd_code: str | None, everyone: bool
) -> tuple[list[Employee], list[str]]:
    """Return active employees selected by NIPs, OPD code or all, plus NIPs not found."""
    query = select(Employee).where(col(Employee.active).is_(True))
    if nips:
        wanted = [normalize_nip(n) for n in nips]
        rows = (await session.exec(query.where(col(Employee.nip).in_(wanted)))).all()
        found = {e.nip: e for e in rows}
        return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]
    if opd_code:
        opd = (
            await session.exec(select(Opd).where(func.upper(Opd.code) == opd_code.strip().upper()))
        ).first()
        if opd is None:
            return [], [opd_code]
        query = query.where(Employee.opd_id == opd.id)
    elif not everyone:
        return [], []
    rows = (await session.exec(query.order_by(col(Employee.nip)))).all()
    return list(rows), []
