"""My team: a leader's whole team (one table, sorted and filtered in the browser), one member,
and the cascade of the leader's targets. Built on bot.services.team and targets.overviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access, team
from bot.services.access import Speaker
from bot.services.dashboard.viewer import NOT_ALLOWED, Refused
from bot.services.periods import Period, period_of
from bot.services.targets import overviews as target_views
from bot.services.targets.vocabulary import STATUS_APPROVED
from bot.services.team.members import MemberRow, mean_capped, members_of
from models import Employee, Unit
from models.db import SessionFactory


@dataclass(frozen=True)
class Branch:
    """One subordinate's target under a leader's target."""

    employee_id: int
    employee: str
    title: str
    achieved: float
    share: float | None  # of the leader's target, when the units match


@dataclass(frozen=True)
class CascadeNode:
    """One of the leader's approved targets with the targets that contribute to it."""

    title: str
    unit: str
    target_amount: float | None
    achieved: float | None
    ratio: float | None
    children: list[Branch]


@dataclass(frozen=True)
class TeamPage:
    leader_id: int
    leader: str
    own: bool
    period: Period
    members: list[MemberRow]
    units: dict[int, str]
    achievement: float | None
    stale: int
    pending: int
    cascade: list[CascadeNode]


@dataclass(frozen=True)
class MemberPage:
    detail: team.MemberDetail


async def _cascade(session: AsyncSession, leader_id: int, period: Period) -> list[CascadeNode]:
    """The leader's approved targets that staff targets feed, with each contribution."""
    nodes: list[CascadeNode] = []
    for target in await target_views.list_targets(session, leader_id, period):
        if target.status != STATUS_APPROVED or target.id is None:
            continue
        cascade = await target_views.cascade_of(session, target)
        if not cascade.children:
            continue
        nodes.append(
            CascadeNode(
                title=target.title,
                unit=target.unit.strip(),
                target_amount=float(target.target_amount) if target.target_amount else None,
                achieved=float(cascade.summed_achieved)
                if cascade.summed_achieved is not None
                else None,
                ratio=cascade.ratio,
                children=[
                    Branch(
                        c.target.employee_id,
                        c.employee_name,
                        c.target.title,
                        float(c.achieved),
                        c.share,
                    )
                    for c in cascade.children
                ],
            )
        )
    return nodes


async def team_page(
    db: SessionFactory, speaker: Speaker, leader_id: int | None, *, now: datetime, tz: tzinfo
) -> TeamPage:
    """The whole team of the speaker (or of a leader in their tree or HR scope)."""
    leader_id = leader_id or speaker.id
    async with db() as session:
        if leader_id == speaker.id:
            if not (speaker.is_leader or speaker.is_hr):
                raise Refused(NOT_ALLOWED)
            leader = speaker.employee
        else:
            other = await session.get(Employee, leader_id)
            if other is None or not other.active:
                raise Refused(NOT_ALLOWED)
            if not await access.can_view(session, speaker, other):
                raise Refused(NOT_ALLOWED)
            leader = other
        period = period_of(now.astimezone(tz).date())
        rows = await members_of(session, leader_id, period, now, tz)
        unit_ids = sorted({r.unit_id for r in rows if r.unit_id is not None})
        units: dict[int, str] = {}
        if unit_ids:
            found = await session.exec(
                select(Unit.id, Unit.name).where(col(Unit.id).in_(unit_ids))
            )
            units = {uid: name for uid, name in found.all() if uid is not None}
        cascade = await _cascade(session, leader_id, period)
    return TeamPage(
        leader_id=leader_id,
        leader=leader.name,
        own=leader_id == speaker.id,
        period=period,
        members=rows,
        units=units,
        achievement=mean_capped([r.achievement for r in rows if r.achievement is not None]),
        stale=sum(1 for r in rows if r.stale),
        pending=sum(1 for r in rows if r.pending),
        cascade=cascade,
    )


async def member_page(
    db: SessionFactory, speaker: Speaker, employee_id: int, *, now: datetime, tz: tzinfo
) -> MemberPage:
    """One person in the speaker's tree (or HR scope): targets, progress, recent reports."""
    detail = await team.member_detail(db, speaker, employee_id, now=now, tz=tz)
    if detail is None:
        raise Refused(NOT_ALLOWED)
    return MemberPage(detail)
