"""The cascade on a team page: the leader's approved targets with what their staff's
contributing targets add up to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.periods import Period
from bot.services.targets import overviews as target_views
from bot.services.targets.vocabulary import STATUS_APPROVED
from models import Target


@dataclass(frozen=True)
class RollUp:
    """One of the leader's own targets with what their staff's linked targets add up to."""

    title: str
    unit: str
    target_amount: float | None
    achieved: float | None
    ratio: float | None
    contributors: int


async def rollups_of(session: AsyncSession, leader_id: int, period: Period) -> list[RollUp]:
    """Return the leader's approved targets that staff targets contribute to (the cascade)."""
    own = [
        t
        for t in await target_views.list_targets(session, leader_id, period)
        if t.status == STATUS_APPROVED and t.id is not None
    ]
    if not own:
        return []
    # Ask once which of them have contributing targets, so cascade_of runs only for those.
    with_children = set(
        (
            await session.exec(
                select(Target.parent_target_id)
                .where(col(Target.parent_target_id).in_([t.id for t in own]))
                .distinct()
            )
        ).all()
    )
    own = [t for t in own if t.id in with_children]
    found: list[RollUp] = []
    for target in own:  # a leader has a handful of targets, not hundreds
        cascade = await target_views.cascade_of(session, target)
        if not cascade.children:
            continue
        found.append(
            RollUp(
                title=target.title,
                unit=target.unit.strip(),
                target_amount=float(target.target_amount) if target.target_amount else None,
                achieved=(
                    float(cascade.summed_achieved) if cascade.summed_achieved is not None else None
                ),
                ratio=cascade.ratio,
                contributors=len({c.target.employee_id for c in cascade.children}),
            )
        )
    return found
