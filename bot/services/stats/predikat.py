"""Predikat per OPD against the curve of its organisation rating, counting everyone still to
be evaluated (evaluation/curve_outlook)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from bot.services.evaluation.curve_outlook import CurveOutlook, curve_outlook
from bot.services.evaluation.predikat import PREDIKATS
from bot.services.evaluation.workload import still_open_by_opd
from bot.services.periods import Period
from bot.services.stats.scope import Scope, in_scope, opds_in_scope
from models import Employee, Evaluation, OrgRating
from models.db import SessionFactory


@dataclass(frozen=True)
class OpdPredikat:
    """An OPD's final predikat counts for a period, how many are still to be evaluated, its
    organisation rating and what the curve says (None without an organisation rating)."""

    opd_id: int
    code: str
    name: str
    counts: dict[str, int]
    still_open: int
    org_rating: str | None
    outlook: CurveOutlook | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def predikat_spread(db: SessionFactory, scope: Scope, period: Period) -> list[OpdPredikat]:
    """Return final evaluations per OPD and predikat, judged against the curve."""
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
        still_open = await still_open_by_opd(session, period.code, list(counts))
        out: list[OpdPredikat] = []
        for opd in await opds_in_scope(session, scope):
            if opd.id not in counts:
                continue
            opd_counts = {p: counts[opd.id].get(p, 0) for p in PREDIKATS}
            rating = ratings.get(opd.id)
            open_count = still_open.get(opd.id, 0)
            outlook = curve_outlook(rating, opd_counts, open_count) if rating else None
            out.append(
                OpdPredikat(
                    opd.id or 0, opd.code, opd.name, opd_counts, open_count, rating, outlook
                )
            )
        return out
