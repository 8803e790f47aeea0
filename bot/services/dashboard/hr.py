"""HR in scope: what /statistik shows (bot.services.stats, grouped in SQL), plus compliance by
unit. City-wide HR sees every OPD, OPD HR their own; asking for an OPD outside the scope is
refused like in the chat (stats.resolve_scope)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import stats
from bot.services.access import Speaker
from bot.services.dashboard.viewer import NOT_ALLOWED, Refused
from bot.services.periods import Period, month_start_utc, period_of
from bot.services.stats.scope import Scope, in_scope
from models import Employee, Opd, ProgressReport, Target, Unit
from models.db import SessionFactory

MAX_UNITS = 200  # rows of the unit table: the least compliant first


@dataclass(frozen=True)
class UnitCompliance:
    unit_id: int
    unit: str
    opd_code: str
    eligible: int
    month: int

    @property
    def month_share(self) -> float:
        return self.month / self.eligible if self.eligible else 0.0


@dataclass(frozen=True)
class HrPage:
    computed_at: datetime
    period: Period
    city_wide: bool
    opd_id: int | None  # the one OPD asked for, else None
    opds: list[stats.ScopeOpd]
    compliance: list[stats.OpdCompliance]
    units: list[UnitCompliance]
    predikat_period: Period
    predikat: list[stats.OpdPredikat]
    broadcasts: list[stats.BroadcastStats]
    struggling: stats.UnitsNeedingSupport


async def _unit_compliance(
    session: AsyncSession, scope: Scope, period: Period, since: datetime
) -> list[UnitCompliance]:
    """Staff with approved targets per unit, and how many of them reported since `since`."""
    approved = select(Target.employee_id).where(
        Target.period == period.code, Target.status == "approved"
    )
    reporters = (
        select(ProgressReport.employee_id)
        .where(ProgressReport.status == "active", col(ProgressReport.created_at) >= since)
        .distinct()
        .subquery()
    )
    columns: list[Any] = [
        col(Unit.id),
        Unit.name,
        Opd.code,
        func.count(),
        func.count(reporters.c.employee_id),
    ]
    # SQLAlchemy's select: sqlmodel's typed overloads stop at four columns.
    query = (
        sa_select(*columns)
        .select_from(Employee)
        .join(Unit, col(Unit.id) == Employee.unit_id)
        .join(Opd, col(Opd.id) == Employee.opd_id)
        .outerjoin(reporters, reporters.c.employee_id == Employee.id)
        .where(
            col(Employee.active).is_(True),
            col(Employee.id).in_(approved),
            in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Unit.id), Unit.name, Opd.code)
    )
    rows = [
        UnitCompliance(int(uid), name, code, int(n), int(m))
        for uid, name, code, n, m in (await session.exec(query)).all()  # type: ignore[call-overload]
        if uid is not None
    ]
    rows.sort(key=lambda u: (u.month_share, u.opd_code, u.unit))
    return rows[:MAX_UNITS]


def hr_key(speaker: Speaker, opd_id: int | None) -> tuple[Scope, int | None]:
    """What an HR page depends on: the speaker's scope and the OPD asked for. Refused when the
    speaker is not HR or the OPD is outside their scope (stats.resolve_scope)."""
    try:
        stats.resolve_scope(speaker, opd_id)
        return stats.resolve_scope(speaker), opd_id
    except stats.OutOfScope as exc:
        raise Refused(NOT_ALLOWED) from exc


async def hr_page(
    db: SessionFactory, key: tuple[Scope, int | None], *, now: datetime, tz: tzinfo
) -> HrPage:
    """Everything the HR page shows for a scope (or one OPD of it), from hr_key."""
    whole, opd_id = key
    scope: Scope = frozenset({opd_id}) if opd_id else whole
    period = period_of(now.astimezone(tz).date())

    async def units() -> list[UnitCompliance]:
        async with db() as session:
            return await _unit_compliance(session, scope, period, month_start_utc(now, tz))

    async def predikat() -> tuple[Period, list[stats.OpdPredikat]]:
        rows = await stats.predikat_spread(db, scope, period)
        if rows:
            return period, rows
        return period.previous(), await stats.predikat_spread(db, scope, period.previous())

    # Each part is a few grouped queries in a session of its own; the database runs them side
    # by side, so the page takes about as long as its slowest part.
    (
        compliance,
        unit_rows,
        (predikat_period, predikat_rows),
        broadcasts,
        struggling,
        opds,
    ) = await asyncio.gather(
        stats.compliance(db, scope, period, now, tz),
        units(),
        predikat(),
        stats.broadcast_stats(db, scope),
        stats.units_needing_support(db, scope, period),
        stats.opds_of(db, whole),
    )
    return HrPage(
        computed_at=now,
        period=period,
        city_wide=scope is None,
        opd_id=opd_id,
        opds=opds,
        compliance=compliance,
        units=unit_rows,
        predikat_period=predikat_period,
        predikat=predikat_rows,
        broadcasts=broadcasts,
        struggling=struggling,
    )
