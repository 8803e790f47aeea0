"""What /tim shows: a page of a leader's team (and its chart), the team by unit, one member.

Every view names a leader (or a member) and checks that the speaker may see them: themself,
someone in their reporting tree, or HR in scope. Paging and grouping by unit happen in memory
on the rows of bot.services.team.members.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access, charts, progress, reports
from bot.services.access import Speaker
from bot.services.periods import Period, period_of
from bot.services.team.members import MemberRow, mean_capped, members_of
from bot.services.team.rollups import RollUp, rollups_of
from models import Employee, ProgressReport, Target, Unit
from models.db import SessionFactory

PAGE_SIZE = 10
RECENT_REPORTS = 3
NO_UNIT = 0  # the unit filter for members without a unit (unit ids start at 1)


@dataclass
class TeamView:
    """A page of a leader's team, optionally one unit only."""

    leader: Employee
    period: Period
    members: list[MemberRow]  # this page
    total: int  # members matching the unit filter
    page: int
    pages: int
    unit_id: int | None  # None = everyone; NO_UNIT = members without a unit
    unit_name: str
    team_achievement: float | None  # over everyone shown by the filter
    stale: int
    pending: int
    rollups: list[RollUp] = field(default_factory=list)
    own: bool = True  # the speaker's own team (not a drill-down into a sub-leader's)

    @property
    def chart_bars(self) -> list[tuple[str, float]]:
        """A (name, achievement) bar per member on this page with numeric targets."""
        return [(m.name, m.achievement) for m in self.members if m.achievement is not None]


@dataclass(frozen=True)
class UnitGroup:
    """Direct subordinates of one unit, summed up."""

    unit_id: int  # NO_UNIT for members without a unit
    name: str
    members: int
    achievement: float | None
    stale: int
    pending: int


@dataclass
class UnitsView:
    """A leader's team grouped by unit."""

    leader: Employee
    period: Period
    groups: list[UnitGroup]


@dataclass(frozen=True)
class RecentReport:
    """A recent report shown on a member's detail screen."""

    created_at: datetime
    title: str
    amount: float | None
    unit: str
    note: str


@dataclass
class MemberDetail:
    """One subordinate's targets, progress and recent reports, for their leader."""

    employee: Employee
    summary: progress.ProgressSummary
    recent: list[RecentReport]
    leads: int
    is_direct: bool


# --- in the caller's session ---


async def _viewable_leader(
    session: AsyncSession, speaker: Speaker, leader_id: int
) -> Employee | None:
    """Return the leader whose team is asked for when the speaker may see it, else None."""
    if leader_id == speaker.id:
        return speaker.employee
    leader = await session.get(Employee, leader_id)
    if leader is None or not leader.active:
        return None
    return leader if await access.can_view(session, speaker, leader) else None


def _unit_filter(rows: list[MemberRow], unit_id: int | None) -> list[MemberRow]:
    if unit_id is None:
        return rows
    if unit_id == NO_UNIT:
        return [r for r in rows if r.unit_id is None]
    return [r for r in rows if r.unit_id == unit_id]


async def _unit_in_scope(
    session: AsyncSession, leader: Employee, unit_id: int, members: Sequence[MemberRow]
) -> Unit | None:
    """The unit when it is in the leader's OPD or one of the team works in it, else None.

    A unit id comes from callback data, so a crafted one from another OPD must not be named;
    it gets the same answer as a unit that does not exist."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        return None
    if unit.opd_id == leader.opd_id or any(m.unit_id == unit_id for m in members):
        return unit
    return None


async def _team_view(
    session: AsyncSession,
    speaker: Speaker,
    leader_id: int,
    *,
    now: datetime,
    tz: tzinfo,
    page: int,
    unit_id: int | None,
) -> TeamView | None:
    leader = await _viewable_leader(session, speaker, leader_id)
    if leader is None:
        return None
    period = period_of(now.astimezone(tz).date())
    everyone = await members_of(session, leader_id, period, now, tz)
    unit_name = ""
    if unit_id is not None and unit_id != NO_UNIT:
        unit = await _unit_in_scope(session, leader, unit_id, everyone)
        if unit is None:
            return None
        unit_name = unit.name
    rows = _unit_filter(everyone, unit_id)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    first_overall = page == 0 and unit_id is None
    return TeamView(
        leader=leader,
        period=period,
        members=rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE],
        total=len(rows),
        page=page,
        pages=pages,
        unit_id=unit_id,
        unit_name=unit_name,
        team_achievement=mean_capped([r.achievement for r in rows if r.achievement is not None]),
        stale=sum(1 for r in rows if r.stale),
        pending=sum(1 for r in rows if r.pending),
        rollups=await rollups_of(session, leader_id, period) if first_overall else [],
        own=leader_id == speaker.id,
    )


def _unit_groups(rows: list[MemberRow], names: dict[int, str]) -> list[UnitGroup]:
    """Sum the rows up per unit: named units alphabetically, people without a unit last."""
    grouped: dict[int, list[MemberRow]] = {}
    for row in rows:
        grouped.setdefault(row.unit_id or NO_UNIT, []).append(row)
    groups = [
        UnitGroup(
            unit_id=uid,
            name=names.get(uid, ""),
            members=len(members),
            achievement=mean_capped([m.achievement for m in members if m.achievement is not None]),
            stale=sum(1 for m in members if m.stale),
            pending=sum(1 for m in members if m.pending),
        )
        for uid, members in grouped.items()
    ]
    groups.sort(key=lambda g: (g.unit_id == NO_UNIT, g.name.casefold()))
    return groups


# --- entry points ---


async def team_view(
    db: SessionFactory,
    speaker: Speaker,
    leader_id: int,
    *,
    now: datetime,
    tz: tzinfo,
    page: int = 0,
    unit_id: int | None = None,
) -> TeamView | None:
    """Return one page of a leader's team (optionally one unit); None when not allowed."""
    async with db() as session:
        return await _team_view(
            session, speaker, leader_id, now=now, tz=tz, page=page, unit_id=unit_id
        )


async def units_view(
    db: SessionFactory, speaker: Speaker, leader_id: int, *, now: datetime, tz: tzinfo
) -> UnitsView | None:
    """Return a leader's direct subordinates grouped by unit; None when not allowed."""
    async with db() as session:
        leader = await _viewable_leader(session, speaker, leader_id)
        if leader is None:
            return None
        period = period_of(now.astimezone(tz).date())
        rows = await members_of(session, leader_id, period, now, tz)
        unit_ids = {r.unit_id for r in rows if r.unit_id is not None}
        names: dict[int, str] = {}
        if unit_ids:
            query = select(Unit.id, Unit.name).where(col(Unit.id).in_(unit_ids))
            rows_of_units = (await session.exec(query)).all()
            names = {uid: name for uid, name in rows_of_units if uid is not None}
    return UnitsView(leader=leader, period=period, groups=_unit_groups(rows, names))


async def member_detail(
    db: SessionFactory, speaker: Speaker, employee_id: int, *, now: datetime, tz: tzinfo
) -> MemberDetail | None:
    """Return a subordinate's targets and recent reports; None unless in the speaker's tree."""
    async with db() as session:
        employee = await session.get(Employee, employee_id)
        if employee is None or employee.id == speaker.id or not employee.active:
            return None
        if not await access.can_view(session, speaker, employee):
            return None
        summary = await progress.progress_of(session, employee_id, now.astimezone(tz).date())
        recent_rows = (
            await session.exec(
                select(ProgressReport, Target)
                .join(Target, col(Target.id) == ProgressReport.target_id)
                .where(
                    ProgressReport.employee_id == employee_id,
                    ProgressReport.status == reports.ACTIVE,
                )
                .order_by(col(ProgressReport.created_at).desc(), col(ProgressReport.id).desc())
                .limit(RECENT_REPORTS)
            )
        ).all()
        leads = (
            await session.exec(
                select(func.count())
                .select_from(Employee)
                .where(Employee.supervisor_id == employee_id, col(Employee.active).is_(True))
            )
        ).one()
    return MemberDetail(
        employee=employee,
        summary=summary,
        recent=[
            RecentReport(
                created_at=r.created_at,
                title=t.title,
                amount=float(r.amount) if r.amount is not None else None,
                unit=t.unit.strip(),
                note=r.note,
            )
            for r, t in recent_rows
        ],
        leads=int(leads),
        is_direct=access.is_direct_supervisor(speaker, employee),
    )


async def draw_chart(
    bars: list[tuple[str, float]],
    *,
    title: str,
    target_label: str,
    formatter: Callable[[float], str],
) -> bytes:
    """Draw the team chart as a PNG in a worker thread (the event loop stays free)."""
    return await asyncio.to_thread(
        charts.render_progress_chart,
        bars,
        title=title,
        target_label=target_label,
        formatter=formatter,
    )
