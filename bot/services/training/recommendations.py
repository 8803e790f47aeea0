"""The planner's training recommendations as HR reads them, and their suggested topics."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from bot.i18n import N_, Translator
from bot.services.access import Speaker
from models import Employee, Opd, TrainingRecommendation, Unit
from models.db import SessionFactory

# Suggested topics, stored by key in TrainingRecommendation.topic and translated when shown.
TOPIC_BERAKHLAK = "berakhlak"
TOPIC_SKP = "skp"
TOPICS = {
    TOPIC_BERAKHLAK: N_("BerAKHLAK core values coaching"),
    TOPIC_SKP: N_("Target setting and performance planning (SKP) and time management"),
}


def topic_label(t: Translator, topic: str) -> str:
    """Translate a stored topic key; free text typed by HR is returned unchanged."""
    msgid = TOPICS.get(topic)
    return t._(msgid) if msgid else topic


@dataclass(frozen=True)
class RecommendationRow:
    """A recommendation with the names HR needs to read it."""

    reco: TrainingRecommendation
    unit_name: str
    opd_name: str


async def recommendations_for(db: SessionFactory, speaker: Speaker) -> list[RecommendationRow]:
    """Return the recommendations of the latest period in the speaker's scope, worst first."""
    if not speaker.is_hr:
        return []
    async with db() as session:
        latest = (await session.exec(select(func.max(TrainingRecommendation.period)))).one()
        if latest is None:
            return []
        query = (
            select(TrainingRecommendation, Unit.name, Opd.name)
            .join(Unit, col(Unit.id) == TrainingRecommendation.unit_id)
            .join(Opd, col(Opd.id) == TrainingRecommendation.opd_id)
            .where(TrainingRecommendation.period == latest)
            .order_by(col(TrainingRecommendation.score).desc(), col(Unit.name))
        )
        rows = (await session.exec(query)).all()
    return [
        RecommendationRow(reco, unit_name, opd_name)
        for reco, unit_name, opd_name in rows
        if speaker.hr_covers(reco.opd_id)
    ]


async def recommendation_for(
    db: SessionFactory, speaker: Speaker, reco_id: int
) -> RecommendationRow | None:
    """Return one recommendation if it is in the speaker's scope (ids come from buttons)."""
    async with db() as session:
        reco = await session.get(TrainingRecommendation, reco_id)
        if reco is None or not speaker.hr_covers(reco.opd_id):
            return None
        unit = await session.get(Unit, reco.unit_id)
        opd = await session.get(Opd, reco.opd_id)
    return RecommendationRow(reco, unit.name if unit else "", opd.name if opd else "")


async def recommended_staff(db: SessionFactory, speaker: Speaker, reco_id: int) -> list[int]:
    """The active staff of a recommended unit, by name ([] outside the speaker's scope)."""
    async with db() as session:
        reco = await session.get(TrainingRecommendation, reco_id)
        if reco is None or not speaker.hr_covers(reco.opd_id):
            return []
        query = (
            select(Employee.id)
            .where(Employee.unit_id == reco.unit_id, col(Employee.active).is_(True))
            .order_by(col(Employee.name), col(Employee.id))
        )
        return [i for i in (await session.exec(query)).all() if i is not None]
