"""Units that may need support: the largest shares of below-expectation results and of low
achievement. A starting point for coaching or training, not a judgement of anyone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.evaluation.predikat import DI_BAWAH
from bot.services.periods import Period
from bot.services.stats.achievement import LOW_ACHIEVEMENT, capped_means, mean_below
from bot.services.stats.scope import Scope, in_scope
from models import Employee, Evaluation, Opd, Unit
from models.db import SessionFactory


@dataclass(frozen=True)
class UnitStruggle:
    """A unit's share of below-expectation results and of low achievers."""

    unit_id: int
    unit: str
    opd_code: str
    evaluated: int
    below: int  # hasil kerja di_bawah
    measured: int
    low: int  # capped mean achievement under LOW_ACHIEVEMENT

    @property
    def below_share(self) -> float:
        return self.below / self.evaluated if self.evaluated else 0.0

    @property
    def low_share(self) -> float:
        return self.low / self.measured if self.measured else 0.0


async def _struggling_units(
    session: AsyncSession, scope: Scope, period: Period, limit: int = 10
) -> list[UnitStruggle]:
    """Rank units by their share of di_bawah results, then of low achievement (worst first)."""
    eval_query = (
        select(
            Employee.unit_id,
            func.count(),
            func.sum(case((col(Evaluation.hasil_kerja) == DI_BAWAH, 1), else_=0)),
        )
        .join(Employee, col(Employee.id) == Evaluation.employee_id)
        .where(
            Evaluation.period == period.code,
            col(Employee.unit_id).is_not(None),
            in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Employee.unit_id))
    )
    evaluated = {
        u: (int(n), int(b or 0))
        for u, n, b in (await session.exec(eval_query)).all()
        if u is not None
    }
    means = capped_means(scope, period)
    measured_query = (
        select(
            Employee.unit_id,
            func.count(),
            func.sum(case((mean_below(means.c.mean, LOW_ACHIEVEMENT), 1), else_=0)),
        )
        .join(means, means.c.employee_id == Employee.id)
        .where(col(Employee.unit_id).is_not(None))
        .group_by(col(Employee.unit_id))
    )
    measured = {
        u: (int(n), int(low or 0))
        for u, n, low in (await session.exec(measured_query)).all()
        if u is not None
    }
    unit_ids = set(evaluated) | set(measured)
    if not unit_ids:
        return []
    units_query = (
        select(col(Unit.id), Unit.name, Opd.code)
        .join(Opd, col(Opd.id) == Unit.opd_id)
        .where(col(Unit.id).in_(sorted(unit_ids)))
    )
    out = []
    for unit_id, name, code in (await session.exec(units_query)).all():
        if unit_id is None:
            continue
        n_eval, n_below = evaluated.get(unit_id, (0, 0))
        n_measured, low = measured.get(unit_id, (0, 0))
        out.append(UnitStruggle(unit_id, name, code, n_eval, n_below, n_measured, low))
    out = [u for u in out if u.below or u.low]
    out.sort(key=lambda u: (-u.below_share, -u.low_share, u.opd_code, u.unit))
    return out[:limit]


@dataclass(frozen=True)
class UnitsNeedingSupport:
    """The semester the ranking is for, and its units (worst first)."""

    period: Period
    units: list[UnitStruggle]


async def units_needing_support(
    db: SessionFactory, scope: Scope, current: Period, limit: int = 10
) -> UnitsNeedingSupport:
    """Rank the units of the current semester; of the previous one while it has none yet."""
    async with db() as session:
        units = await _struggling_units(session, scope, current, limit)
        if units:
            return UnitsNeedingSupport(current, units)
        previous = current.previous()
        return UnitsNeedingSupport(
            previous, await _struggling_units(session, scope, previous, limit)
        )
