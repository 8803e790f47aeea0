"""Predikat per OPD against the curve of its organisation rating."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select

from bot.services.evaluation.curve import Deviation, check_distribution
from bot.services.evaluation.predikat import PREDIKATS
from bot.services.periods import Period
from bot.services.stats.scope import Scope, in_scope, opds_in_scope
from models import Employee, Evaluation, OrgRating
from models.db import SessionFactory


@dataclass(frozen=True)
class OpdPredikat:
    """An OPD's predikat counts for a period, its organisation rating and the deviations."""

    opd_id: int
    code: str
    name: str
    counts: dict[str, int]
    org_rating: str | None
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def predikat_spread(db: SessionFactory, scope: Scope, period: Period) -> list[OpdPredikat]:
    """Return final evaluations per OPD and predikat, checked against the curve."""
    async with db() as session:
        query = (
            select(Employee.opd_id, Evaluation.predikat, func.count())
            .join(Employee, col(Employee.id) == Evaluation.employee_id)
            .where(Evaluation.period == period.code, in_scope(Employee.opd_id, scope))
            .group_by(col(Employee.opd_id), col(Evaluation.predikat))
        )
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for opd_id, name, n in (await session.exec(query)).all():
            counts[opd_id][name] = int(n)
        ratings_query = select(OrgRating.opd_id, OrgRating.rating).where(
            OrgRating.period == period.code, in_scope(OrgRating.opd_id, scope)
        )
        ratings = dict((await session.exec(ratings_query)).all())
        out: list[OpdPredikat] = []
        for opd in await opds_in_scope(session, scope):
            if opd.id not in counts:
                continue
            opd_counts = {p: counts[opd.id].get(p, 0) for p in PREDIKATS}
            rating = ratings.get(opd.id)
            deviations = check_distribution(rating, opd_counts) if rating else []
            out.append(
                OpdPredikat(opd.id or 0, opd.code, opd.name, opd_counts, rating, deviations)
            )
        return out
