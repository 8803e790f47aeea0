"""JP (jam pelajaran) earned by attending training: one employee's total, and per OPD and
unit for HR, always within one WIB year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker
from bot.services.training.inputs import WIB
from models import Employee, Opd, TrainingInvite, TrainingSession, Unit
from models.db import SessionFactory


def year_bounds(year: int, tz: ZoneInfo = WIB) -> tuple[datetime, datetime]:
    """The first instant of a WIB year and of the next one."""
    return (
        datetime(year, 1, 1, tzinfo=tz).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=tz).astimezone(UTC),
    )


async def jp_total(session: AsyncSession, employee_id: int, year: int) -> Decimal:
    """JP earned by attending sessions that started in this WIB year."""
    start, end = year_bounds(year)
    query = (
        select(func.coalesce(func.sum(TrainingInvite.jp_awarded), 0))
        .join(TrainingSession, col(TrainingSession.id) == TrainingInvite.session_id)
        .where(
            TrainingInvite.employee_id == employee_id,
            col(TrainingInvite.attended).is_(True),
            TrainingSession.starts_at >= start,
            TrainingSession.starts_at < end,
        )
    )
    return Decimal(str((await session.exec(query)).one()))


@dataclass(frozen=True)
class JpGroup:
    """JP of one OPD or unit in a WIB year: staff, staff with JP, total and average."""

    id: int  # OPD or unit id; 0 for staff without a unit
    name: str
    staff: int
    trained: int
    total: Decimal

    @property
    def average(self) -> Decimal:
        """JP per staff member, to 0.01."""
        if not self.staff:
            return Decimal(0)
        return (self.total / self.staff).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def jp_summary(groups: list[JpGroup], name: str = "") -> JpGroup:
    """The figures of several groups together."""
    return JpGroup(
        id=0,
        name=name,
        staff=sum(g.staff for g in groups),
        trained=sum(g.trained for g in groups),
        total=sum((g.total for g in groups), Decimal(0)),
    )


def jp_scope(speaker: Speaker) -> frozenset[int] | None:
    """The OPD ids whose JP an HR officer may see: None for city-wide HR and admins."""
    if speaker.is_city_wide_hr:
        return None
    return speaker.hr_opd_ids


def _jp_per_employee(year: int) -> Any:
    """A subquery: (employee_id, jp) of everyone who earned JP in sessions of this WIB year."""
    start, end = year_bounds(year)
    jp = func.sum(TrainingInvite.jp_awarded)
    return (
        select(col(TrainingInvite.employee_id).label("employee_id"), jp.label("jp"))
        .join(TrainingSession, col(TrainingSession.id) == TrainingInvite.session_id)
        .where(
            col(TrainingInvite.attended).is_(True),
            TrainingSession.starts_at >= start,
            TrainingSession.starts_at < end,
        )
        .group_by(col(TrainingInvite.employee_id))
        .having(jp > 0)
        .subquery("earned")
    )


def _jp_groups(rows: Any) -> list[JpGroup]:
    """Rows (id, name, staff, trained, total) as groups, largest total first."""
    groups = [
        JpGroup(
            id=group_id or 0,
            name=name or "",
            staff=int(staff or 0),
            trained=int(trained or 0),
            total=Decimal(str(total or 0)).quantize(Decimal("0.01")),
        )
        for group_id, name, staff, trained, total in rows
    ]
    return sorted(groups, key=lambda g: (-g.total, -g.staff, g.name.casefold(), g.id))


async def jp_by_opd(db: SessionFactory, speaker: Speaker, year: int) -> list[JpGroup]:
    """JP of active staff per OPD in the officer's scope (one grouped query), largest first."""
    if not speaker.is_hr:
        return []
    earned = _jp_per_employee(year)
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            col(Opd.id),
            col(Opd.name),
            func.count(col(Employee.id)),
            func.count(earned.c.employee_id),
            func.coalesce(func.sum(earned.c.jp), 0),
        )
        .select_from(Opd)
        .outerjoin(Employee, (col(Employee.opd_id) == Opd.id) & col(Employee.active).is_(True))
        .outerjoin(earned, earned.c.employee_id == Employee.id)
        .group_by(col(Opd.id), col(Opd.name))
    )
    scope = jp_scope(speaker)
    if scope is not None:
        query = query.where(col(Opd.id).in_(sorted(scope)))
    async with db() as session:
        return _jp_groups((await session.exec(query)).all())


async def jp_by_unit(
    db: SessionFactory, speaker: Speaker, opd_id: int, year: int
) -> tuple[Opd, list[JpGroup]] | None:
    """The OPD and the JP of its active staff per unit, or None outside the officer's scope."""
    if not (speaker.is_hr and speaker.hr_covers(opd_id)):
        return None
    earned = _jp_per_employee(year)
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            col(Employee.unit_id),
            col(Unit.name),
            func.count(col(Employee.id)),
            func.count(earned.c.employee_id),
            func.coalesce(func.sum(earned.c.jp), 0),
        )
        .select_from(Employee)
        .outerjoin(Unit, col(Unit.id) == Employee.unit_id)
        .outerjoin(earned, earned.c.employee_id == Employee.id)
        .where(col(Employee.opd_id) == opd_id, col(Employee.active).is_(True))
        .group_by(col(Employee.unit_id), col(Unit.name))
    )
    async with db() as session:
        opd = await session.get(Opd, opd_id)
        if opd is None:
            return None
        return opd, _jp_groups((await session.exec(query)).all())
