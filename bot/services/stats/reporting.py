"""Reporting compliance per OPD: who of the staff with approved targets reported this week
and this month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.periods import Period, month_start_utc, week_start_utc
from bot.services.stats.scope import Scope, in_scope, opds_in_scope
from models import Employee, ProgressReport, Target
from models.db import SessionFactory


@dataclass(frozen=True)
class OpdCompliance:
    """How many staff with approved targets reported this week and this month, per OPD."""

    opd_id: int
    code: str
    name: str
    eligible: int
    week: int
    month: int

    @property
    def week_share(self) -> float:
        return self.week / self.eligible if self.eligible else 0.0

    @property
    def month_share(self) -> float:
        return self.month / self.eligible if self.eligible else 0.0


def _with_approved_targets(period: Period) -> Any:
    """Employee ids with at least one approved target in the period (for IN)."""
    return select(Target.employee_id).where(
        Target.period == period.code, Target.status == "approved"
    )


async def _reporters_by_opd(
    session: AsyncSession, scope: Scope, period: Period, since: datetime
) -> dict[int, int]:
    """Count eligible employees with an active report since `since`, per OPD."""
    # The reports are narrowed first (created_at range, one row per employee) and then
    # joined: a per-employee probe into progressreport degrades badly on PostgreSQL when
    # its statistics are stale after a bulk import (minutes instead of milliseconds).
    reporters = (
        select(ProgressReport.employee_id)
        .where(ProgressReport.status == "active", col(ProgressReport.created_at) >= since)
        .distinct()
        .subquery()
    )
    query = (
        select(Employee.opd_id, func.count())
        .join(reporters, reporters.c.employee_id == Employee.id)
        .where(
            col(Employee.active).is_(True),
            col(Employee.id).in_(_with_approved_targets(period)),
            in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Employee.opd_id))
    )
    return {opd: int(n) for opd, n in (await session.exec(query)).all()}


async def compliance(
    db: SessionFactory, scope: Scope, period: Period, now: datetime, tz: tzinfo
) -> list[OpdCompliance]:
    """Return reporting compliance per OPD (OPDs without eligible staff are left out)."""
    async with db() as session:
        eligible_query = (
            select(Employee.opd_id, func.count())
            .where(
                col(Employee.active).is_(True),
                col(Employee.id).in_(_with_approved_targets(period)),
                in_scope(Employee.opd_id, scope),
            )
            .group_by(col(Employee.opd_id))
        )
        eligible = {opd: int(n) for opd, n in (await session.exec(eligible_query)).all()}
        week = await _reporters_by_opd(session, scope, period, week_start_utc(now, tz))
        month = await _reporters_by_opd(session, scope, period, month_start_utc(now, tz))
        return [
            OpdCompliance(
                opd.id,
                opd.code,
                opd.name,
                eligible[opd.id],
                week.get(opd.id, 0),
                month.get(opd.id, 0),
            )
            for opd in await opds_in_scope(session, scope)
            if opd.id is not None and opd.id in eligible
        ]


def total_compliance(rows: Sequence[OpdCompliance]) -> OpdCompliance:
    """Sum the per-OPD rows into one line for the whole scope."""
    return OpdCompliance(
        0,
        "",
        "",
        sum(r.eligible for r in rows),
        sum(r.week for r in rows),
        sum(r.month for r in rows),
    )
