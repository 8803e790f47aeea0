"""What HR types to choose whom or which OPD to act on: an OPD code, an employee's NIP."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker
from bot.services.evaluation.problems import Problem
from bot.services.nip import normalize_nip
from models import Employee, Opd
from models.db import SessionFactory


@dataclass(frozen=True)
class Found:
    """The active employee HR typed the NIP of, or why not."""

    problem: Problem | None
    employee: Employee | None = None


async def find_employee(
    db: SessionFactory, speaker: Speaker, typed_nip: str, *, within_scope: bool = True
) -> Found:
    """Find an active employee by NIP; NOT_HR outside the speaker's HR scope when asked."""
    async with db() as session:
        employee = await employee_by_nip(session, typed_nip)
    if employee is None:
        return Found(Problem.NOT_FOUND)
    if within_scope and not speaker.hr_covers(employee.opd_id):
        return Found(Problem.NOT_HR, employee)
    return Found(None, employee)


async def employee_by_nip(session: AsyncSession, typed: str) -> Employee | None:
    """Find an active employee by a typed NIP (spaces and dots ignored)."""
    nip = normalize_nip(typed)
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        return None
    query = select(Employee).where(Employee.nip == nip, col(Employee.active).is_(True))
    return (await session.exec(query)).first()


async def opd_by_code(session: AsyncSession, code: str) -> Opd | None:
    """Find an OPD by its code (case-insensitive)."""
    code = code.strip().upper()
    if not code or len(code) > 32:
        return None
    return (await session.exec(select(Opd).where(Opd.code == code))).first()


async def hr_opd(
    session: AsyncSession, speaker: Speaker, opd_id: int | None, code: str
) -> tuple[Problem | None, Opd | None]:
    """The OPD HR chose (by id, else by typed code): NOT_FOUND, or NOT_HR outside the scope."""
    if opd_id is not None:
        opd = await session.get(Opd, opd_id)
    else:
        opd = await opd_by_code(session, code)
    if opd is None or opd.id is None:
        return Problem.NOT_FOUND, None
    if not speaker.hr_covers(opd.id):
        return Problem.NOT_HR, None
    return None, opd
