"""What the target screens show, as data: one employee's semester, the cascade, the team.

A leader's target and the approved targets of direct subordinates that support it form the
cascade; amounts are only added up when the units match (achievement.units_match). The
entry points (overview, team, full_target) open their own session; list_targets, cascade_of
and contribution_of work in the caller's session (the team screens use them too). The
screens themselves are written in handlers/targets/texts.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker, is_direct_supervisor
from bot.services.periods import Period
from bot.services.targets import achievement
from bot.services.targets.lifecycle import direct_subordinate
from bot.services.targets.vocabulary import (
    STATUS_APPROVED,
    STATUS_ARCHIVED,
    STATUS_PENDING,
)
from models import Employee, Target
from models.db import SessionFactory


async def list_targets(session: AsyncSession, employee_id: int, period: Period) -> list[Target]:
    """Return an employee's targets of a semester (not archived): utama first, oldest first."""
    query = (
        select(Target)
        .where(
            Target.employee_id == employee_id,
            Target.period == period.code,
            Target.status != STATUS_ARCHIVED,
        )
        .order_by(col(Target.jenis).desc(), col(Target.id))
    )
    return list((await session.exec(query)).all())


@dataclass
class ChildShare:
    """One subordinate's approved target that contributes to a leader's target."""

    target: Target
    employee_name: str
    achieved: Decimal
    reports: int
    same_unit: bool
    share: float | None  # child target / parent target, when the units match


@dataclass
class Cascade:
    """A leader's target with the approved targets that contribute to it."""

    parent: Target
    children: list[ChildShare]
    summed_target: Decimal | None  # children with the same unit only
    summed_achieved: Decimal | None
    ratio: float | None  # summed_achieved / the parent's amount
    other_units: int  # children in another unit: counted, never added


@dataclass
class Contribution:
    """How one target feeds its leader's target."""

    target: Target
    parent: Target
    parent_owner_name: str
    share: float | None
    cascade: Cascade


async def cascade_of(session: AsyncSession, parent: Target) -> Cascade:
    """Return the approved children of a target with their amounts and reported sums."""
    assert parent.id is not None
    rows = (
        await session.exec(
            select(Target, Employee.name)
            .join(Employee, col(Employee.id) == Target.employee_id)
            .where(Target.parent_target_id == parent.id, Target.status == STATUS_APPROVED)
            .order_by(col(Employee.name), col(Target.id))
        )
    ).all()
    ids = [t.id for t, _name in rows if t.id is not None]
    sums = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    children: list[ChildShare] = []
    summed_target = Decimal(0)
    summed_achieved = Decimal(0)
    matching = 0
    for child, name in rows:
        assert child.id is not None
        same = achievement.units_match(child, parent)
        children.append(
            ChildShare(
                child,
                name,
                sums[child.id],
                counts[child.id],
                same,
                achievement.share(child, parent),
            )
        )
        if same:
            assert child.target_amount is not None
            matching += 1
            summed_target += child.target_amount
            summed_achieved += sums[child.id]
    ratio = achievement.ratio(summed_achieved, parent) if matching else None
    return Cascade(
        parent=parent,
        children=children,
        summed_target=summed_target if matching else None,
        summed_achieved=summed_achieved if matching else None,
        ratio=ratio,
        other_units=len(children) - matching,
    )


async def contribution_of(session: AsyncSession, target: Target) -> Contribution | None:
    """Return how a target feeds its leader's target, or None when it names none."""
    if target.parent_target_id is None:
        return None
    parent = await session.get(Target, target.parent_target_id)
    if parent is None or parent.status == STATUS_ARCHIVED:
        return None
    owner = await session.get(Employee, parent.employee_id)
    return Contribution(
        target=target,
        parent=parent,
        parent_owner_name=owner.name if owner else "",
        share=achievement.share(target, parent),
        cascade=await cascade_of(session, parent),
    )


@dataclass
class TargetLine:
    """One target on a list screen, with progress and its place in the cascade."""

    target: Target
    achieved: Decimal
    reports: int
    contribution: Contribution | None
    cascade: Cascade | None  # only when approved children exist
    # The RHK's indicators and roll-up (approved targets only).
    rhk: achievement.RhkProgress | None = None

    @property
    def ratio(self) -> float | None:
        """How far the target has come; None when nothing can be measured yet."""
        if self.rhk is not None:
            return self.rhk.ratio
        return achievement.ratio(self.achieved, self.target)


@dataclass
class Overview:
    """An employee's targets of one semester, as the employee or their leader sees them."""

    employee: Employee
    period: Period
    lines: list[TargetLine]
    has_supervisor: bool
    pending: int


async def overview(
    db: SessionFactory, speaker: Speaker, employee_id: int, period: Period
) -> Overview | None:
    """Return the targets of oneself or a direct subordinate; None for anyone else."""
    async with db() as session:
        if employee_id == speaker.id:
            employee: Employee | None = speaker.employee
        else:
            employee = await direct_subordinate(session, speaker, employee_id)
        if employee is None:
            return None
        return await _overview(session, employee, period)


async def _overview(session: AsyncSession, employee: Employee, period: Period) -> Overview:
    assert employee.id is not None
    employee_id = employee.id
    targets = await list_targets(session, employee_id, period)
    ids = [t.id for t in targets if t.id is not None]
    sums = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    approved = [t for t in targets if t.status == STATUS_APPROVED]
    rhks = await achievement.rhk_progress(session, approved, period.end)
    lines: list[TargetLine] = []
    for target in targets:
        assert target.id is not None
        cascade = None
        if target.status == STATUS_APPROVED:
            cascade = await cascade_of(session, target)
            cascade = cascade if cascade.children else None
        lines.append(
            TargetLine(
                target=target,
                achieved=sums[target.id],
                reports=counts[target.id],
                contribution=await contribution_of(session, target),
                cascade=cascade,
                rhk=rhks.get(target.id),
            )
        )
    return Overview(
        employee=employee,
        period=period,
        lines=lines,
        has_supervisor=employee.supervisor_id is not None,
        pending=sum(1 for t in targets if t.status == STATUS_PENDING),
    )


@dataclass
class TeamMember:
    """A direct subordinate on the leader's team screen."""

    employee: Employee
    targets: int
    pending: int


async def team(db: SessionFactory, speaker: Speaker, period: Period) -> list[TeamMember]:
    """Return the speaker's active direct subordinates with their target counts."""
    async with db() as session:
        return await _team(session, speaker, period)


async def _team(session: AsyncSession, speaker: Speaker, period: Period) -> list[TeamMember]:
    people = (
        await session.exec(
            select(Employee)
            .where(Employee.supervisor_id == speaker.id, col(Employee.active).is_(True))
            .order_by(col(Employee.name))
        )
    ).all()
    ids = [p.id for p in people]
    counts = (
        await session.exec(
            select(Target.employee_id, Target.status, func.count())
            .where(
                col(Target.employee_id).in_(ids),
                Target.period == period.code,
                Target.status != STATUS_ARCHIVED,
            )
            .group_by(col(Target.employee_id), col(Target.status))
        )
    ).all()
    total: dict[int, int] = {}
    pending: dict[int, int] = {}
    for emp_id, status, n in counts:
        total[emp_id] = total.get(emp_id, 0) + int(n)
        if status == STATUS_PENDING:
            pending[emp_id] = int(n)
    return [TeamMember(p, total.get(p.id or 0, 0), pending.get(p.id or 0, 0)) for p in people]


@dataclass
class FullTarget:
    """One target with every field, for its owner or their direct supervisor."""

    target: Target
    owner: Employee
    parent: Target | None
    may_decide: bool  # the speaker is the direct supervisor and it awaits approval
    # Its IKIs in order (the target's own columns describe the first).
    indicators: list[achievement.IndicatorView] = field(default_factory=list)


async def full_target(db: SessionFactory, speaker: Speaker, target_id: int) -> FullTarget | None:
    """Return a target (and its leader's target) its owner or direct supervisor may read."""
    async with db() as session:
        return await _full_target(session, speaker, target_id)


async def _full_target(
    session: AsyncSession, speaker: Speaker, target_id: int
) -> FullTarget | None:
    target = await session.get(Target, target_id)
    if target is None or target.status == STATUS_ARCHIVED:
        return None
    owner = await session.get(Employee, target.employee_id)
    if owner is None:
        return None
    own = owner.id == speaker.id
    if not own and not is_direct_supervisor(speaker, owner):
        return None
    parent = (
        await session.get(Target, target.parent_target_id) if target.parent_target_id else None
    )
    indicators = await achievement.indicators_of(session, [target])
    return FullTarget(
        target,
        owner,
        parent,
        may_decide=not own and target.status == STATUS_PENDING,
        indicators=indicators.get(target_id, []),
    )
