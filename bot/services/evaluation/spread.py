"""An OPD's predikat spread for a semester, judged against the curve of its organisation
rating counting everyone still to be evaluated (a guide for HR and a gentle note for
evaluators; nothing is ever blocked by it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker
from bot.services.evaluation.curve_outlook import CurveOutlook, curve_outlook
from bot.services.evaluation.lookups import hr_opd
from bot.services.evaluation.org_rating import org_rating_of
from bot.services.evaluation.predikat import PREDIKATS
from bot.services.evaluation.problems import Problem
from bot.services.evaluation.workload import still_open_by_opd
from models import Employee, Evaluation, Opd
from models.db import SessionFactory


@dataclass(frozen=True)
class Spread:
    """An OPD's final predikat counts for a semester, how many are still to be evaluated, its
    org rating and what the curve says (None without an org rating)."""

    opd: Opd
    counts: dict[str, int]
    still_open: int
    org_rating: str | None
    outlook: CurveOutlook | None

    @property
    def total(self) -> int:
        """Return how many final evaluations were counted."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class SpreadView:
    """The spread HR asked for, or why not."""

    problem: Problem | None
    spread: Spread | None = None


async def spread_for_hr(
    db: SessionFactory, speaker: Speaker, period: str, *, opd_id: int | None = None, code: str = ""
) -> SpreadView:
    """Return an OPD's spread for HR in scope (the OPD by id, else by typed code)."""
    async with db() as session:
        problem, opd = await hr_opd(session, speaker, opd_id, code)
        if opd is None:
            return SpreadView(problem)
        return SpreadView(None, await count_spread(session, opd, period))


async def count_spread(session: AsyncSession, opd: Opd, period: str) -> Spread:
    """Count final predikats of the OPD's staff and judge them against the curve.

    In the caller's session.
    """
    query = (
        select(Evaluation.predikat)
        .join(Employee, col(Employee.id) == col(Evaluation.employee_id))
        .where(Evaluation.period == period, Employee.opd_id == opd.id)
    )
    tally = Counter((await session.exec(query)).all())
    counts = {p: tally.get(p, 0) for p in PREDIKATS}
    assert opd.id is not None
    still_open = (await still_open_by_opd(session, period, [opd.id])).get(opd.id, 0)
    rating = await org_rating_of(session, opd.id, period)
    outlook = curve_outlook(rating, counts, still_open) if rating else None
    return Spread(opd, counts, still_open, rating, outlook)
