"""Who may give feedback to whom, and on what.

A leader gives feedback to a direct team member: someone whose atasan langsung they are, or
someone HR assigned them to as Plt for the semester. Feedback may be about one of that
person's recent reports or approved targets, or general. Every id comes from a button, so it
is checked here again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import reports
from models import ActingEvaluator, Employee, ProgressReport, Target
from models.db import SessionFactory

RECENT_REPORTS = 5
SUBJECT_TARGETS = 8


@dataclass(frozen=True)
class Member:
    """A team member the leader may give feedback to."""

    id: int
    name: str


@dataclass(frozen=True)
class ReportSubject:
    """A recent report feedback can be about, named by its target."""

    report_id: int
    title: str
    created_at: datetime


@dataclass(frozen=True)
class TargetSubject:
    """An approved target feedback can be about."""

    target_id: int
    title: str


@dataclass(frozen=True)
class Recipient:
    """A team member with what feedback to them can be about."""

    employee_id: int
    name: str
    reports: list[ReportSubject]
    targets: list[TargetSubject]


@dataclass(frozen=True)
class ReportChoice:
    """A report a leader may give feedback on: its author and its target's title."""

    report_id: int
    employee_id: int
    employee_name: str
    title: str


# --- in the caller's session ---


async def _acting_for(session: AsyncSession, leader_id: int, period: str) -> list[int]:
    """Employees for whom this leader is the Plt (acting evaluator) in the period."""
    rows = await session.exec(
        select(ActingEvaluator.employee_id).where(
            ActingEvaluator.evaluator_id == leader_id, ActingEvaluator.period == period
        )
    )
    return list(rows.all())


async def may_give(session: AsyncSession, leader_id: int, employee: Employee, period: str) -> bool:
    """True when the leader is the employee's atasan langsung or their Plt for the period."""
    if not employee.active or employee.id is None or employee.id == leader_id:
        return False
    if employee.supervisor_id == leader_id:
        return True
    return employee.id in await _acting_for(session, leader_id, period)


async def team_member(
    session: AsyncSession, leader_id: int, employee_id: int, period: str
) -> Employee | None:
    """Return the employee when this leader may give them feedback, else None."""
    employee = await session.get(Employee, employee_id)
    if employee is None or not await may_give(session, leader_id, employee, period):
        return None
    return employee


async def target_of(session: AsyncSession, employee_id: int, target_id: int) -> Target | None:
    """The target when it belongs to the employee (and is not archived), else None."""
    target = await session.get(Target, target_id)
    if target is None or target.employee_id != employee_id or target.status == "archived":
        return None
    return target


async def _subjects_of(
    session: AsyncSession, employee_id: int, period: str
) -> tuple[list[ReportSubject], list[TargetSubject]]:
    """The employee's recent active reports and approved targets of the period."""
    report_rows = await session.exec(
        select(ProgressReport, Target)
        .join(Target, col(ProgressReport.target_id) == Target.id)
        .where(
            ProgressReport.employee_id == employee_id,
            ProgressReport.status == reports.ACTIVE,
            Target.period == period,
        )
        .order_by(col(ProgressReport.created_at).desc(), col(ProgressReport.id).desc())
        .limit(RECENT_REPORTS)
    )
    target_rows = await session.exec(
        select(Target)
        .where(
            Target.employee_id == employee_id,
            Target.period == period,
            Target.status == reports.APPROVED,
        )
        .order_by(col(Target.jenis), col(Target.id))
        .limit(SUBJECT_TARGETS)
    )
    return (
        [ReportSubject(r.id or 0, t.title, r.created_at) for r, t in report_rows.all()],
        [TargetSubject(t.id or 0, t.title) for t in target_rows.all()],
    )


# --- entry points ---


async def team_of(db: SessionFactory, leader_id: int, period: str) -> list[Member]:
    """Active direct subordinates plus employees this leader acts for (Plt), by name."""
    async with db() as session:
        acting = await _acting_for(session, leader_id, period)
        condition = or_(col(Employee.supervisor_id) == leader_id, col(Employee.id).in_(acting))
        rows = await session.exec(
            select(Employee.id, Employee.name)
            .where(condition, col(Employee.active).is_(True), Employee.id != leader_id)
            .order_by(col(Employee.name), col(Employee.id))
        )
        return [Member(employee_id, name) for employee_id, name in rows.all() if employee_id]


async def recipient(
    db: SessionFactory, leader_id: int, employee_id: int, period: str
) -> Recipient | None:
    """The team member with their recent reports and targets; None when not on the team."""
    async with db() as session:
        employee = await team_member(session, leader_id, employee_id, period)
        if employee is None or employee.id is None:
            return None
        found_reports, found_targets = await _subjects_of(session, employee.id, period)
        return Recipient(employee.id, employee.name, found_reports, found_targets)


async def report_choice(
    db: SessionFactory, leader_id: int, report_id: int, period: str
) -> ReportChoice | None:
    """The report when its author is on this leader's team (else None: crafted or foreign)."""
    async with db() as session:
        report = await session.get(ProgressReport, report_id)
        if report is None or report.status != reports.ACTIVE:
            return None
        employee = await team_member(session, leader_id, report.employee_id, period)
        target = await session.get(Target, report.target_id)
        if employee is None or employee.id is None or target is None:
            return None
        return ReportChoice(report_id, employee.id, employee.name, target.title)


async def target_title(db: SessionFactory, employee_id: int, target_id: int) -> str | None:
    """The title of the employee's own target, else None (crafted, foreign or archived)."""
    async with db() as session:
        target = await target_of(session, employee_id, target_id)
        return target.title if target is not None else None
