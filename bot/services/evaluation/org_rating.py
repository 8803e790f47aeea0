"""An OPD's organisation rating for a semester (SE MenPANRB 3/2023), set by HR in scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import audit
from bot.services.access import Speaker
from bot.services.evaluation.curve import ORG_RATINGS
from bot.services.evaluation.lookups import hr_opd
from bot.services.evaluation.problems import Problem
from models import Opd, OrgRating
from models.db import SessionFactory


@dataclass(frozen=True)
class OrgRatingView:
    """The OPD whose rating HR is about to set and its current rating, or why not."""

    problem: Problem | None
    opd: Opd | None = None
    current: str | None = None


async def org_rating_view(
    db: SessionFactory, speaker: Speaker, period: str, *, opd_id: int | None = None, code: str = ""
) -> OrgRatingView:
    """Return an OPD's current rating for HR in scope (the OPD by id, else by typed code)."""
    async with db() as session:
        problem, opd = await hr_opd(session, speaker, opd_id, code)
        if opd is None or opd.id is None:
            return OrgRatingView(problem)
        return OrgRatingView(None, opd, await org_rating_of(session, opd.id, period))


async def set_org_rating(
    db: SessionFactory, speaker: Speaker, opd_id: int, period: str, rating: str, now: datetime
) -> Problem | None:
    """Set (or change) an OPD's organisation rating for a semester; HR in scope only."""
    if not speaker.hr_covers(opd_id):
        return Problem.NOT_HR
    if rating not in ORG_RATINGS:
        return Problem.BAD_RATING
    async with db() as session:
        row = (
            await session.exec(
                select(OrgRating).where(OrgRating.opd_id == opd_id, OrgRating.period == period)
            )
        ).first()
        before = row.rating if row is not None else ""
        if row is None:
            row = OrgRating(
                period=period, opd_id=opd_id, rating=rating, set_by_id=speaker.id, at=now
            )
        else:
            row.rating, row.set_by_id, row.at = rating, speaker.id, now
        session.add(row)
        audit.record(
            session, action="evaluation.org_rating", at=now, actor_id=speaker.id,
            opd_id=opd_id, period=period, before=before, after=rating,
        )  # fmt: skip
        await session.commit()
    return None


async def org_rating_of(session: AsyncSession, opd_id: int, period: str) -> str | None:
    """Return an OPD's organisation rating for a semester, if HR set one."""
    query = select(OrgRating.rating).where(OrgRating.opd_id == opd_id, OrgRating.period == period)
    return (await session.exec(query)).first()
