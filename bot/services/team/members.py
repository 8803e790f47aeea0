"""The rows of a leader's team: every active direct subordinate with achievement, reports and
flags, read with a handful of set-based queries (never one query per person), so a kepala
dinas with 100+ staff gets an answer quickly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import reports
from bot.services.periods import Period, month_start_utc
from bot.services.targets import achievement
from bot.services.targets.vocabulary import STATUS_APPROVED, STATUS_PENDING
from models import Employee, ProgressReport, Target

STALE_DAYS = 14


@dataclass(frozen=True)
class MemberRow:
    """One direct subordinate on the team list."""

    employee_id: int
    name: str
    unit_id: int | None
    achievement: float | None  # mean of capped RHK ratios of approved targets
    approved: int  # approved targets this semester
    pending: int  # targets awaiting the leader's approval
    last_report: datetime | None
    reports_this_month: int
    stale: bool  # has approved targets but no report for STALE_DAYS days
    leads: int  # this member's own direct subordinates


def mean_capped(ratios: Sequence[float]) -> float | None:
    """Average ratios each capped at 100 %, as /kinerja's overall achievement does."""
    return sum(min(r, 1.0) for r in ratios) / len(ratios) if ratios else None


async def members_of(
    session: AsyncSession, leader_id: int, period: Period, now: datetime, tz: tzinfo
) -> list[MemberRow]:
    """Return every active direct subordinate with achievement, reports and flags (set-based)."""
    people = (
        await session.exec(
            select(Employee.id, Employee.name, Employee.unit_id)
            .where(Employee.supervisor_id == leader_id, col(Employee.active).is_(True))
            .order_by(col(Employee.name), col(Employee.id))
        )
    ).all()
    if not people:
        return []
    team = (
        select(Employee.id)
        .where(Employee.supervisor_id == leader_id, col(Employee.active).is_(True))
        .scalar_subquery()
    )
    # On SQLite without ANALYZE statistics, an equality on the unselective period or status
    # index makes the planner walk that index across the whole city instead of using the
    # employee_id index. Wrapping the column in an expression (period || '') keeps the filter
    # but takes that index out of the planner's choice; status is checked in Python.
    targets = [
        t
        for t in (
            await session.exec(
                select(Target).where(
                    col(Target.employee_id).in_(team),
                    (col(Target.period) + "") == period.code,
                )
            )
        ).all()
        if t.status in (STATUS_APPROVED, STATUS_PENDING)
    ]
    # Per IKI, then per RHK (achievement_rules), as /kinerja computes it.
    progress = await achievement.rhk_progress(
        session,
        [t for t in targets if t.status == STATUS_APPROVED],
        min(now.astimezone(tz).date(), period.end),
    )
    active = col(ProgressReport.status) == reports.ACTIVE
    month = month_start_utc(now, tz)
    # Last report and this month's count per member, over every semester.
    report_rows = (
        await session.exec(
            select(
                ProgressReport.employee_id,
                func.max(case((active, ProgressReport.created_at), else_=None)),
                func.sum(
                    case((and_(active, col(ProgressReport.created_at) >= month), 1), else_=0)
                ),
            )
            .where(col(ProgressReport.employee_id).in_(team))
            .group_by(col(ProgressReport.employee_id))
        )
    ).all()
    last = {emp: when for emp, when, _n in report_rows if when is not None}
    monthly = {emp: int(n or 0) for emp, _when, n in report_rows}
    ratios: dict[int, list[float]] = {}
    approved_count: dict[int, int] = {}
    pending: dict[int, int] = {}
    for target in targets:
        if target.status == STATUS_PENDING:
            pending[target.employee_id] = pending.get(target.employee_id, 0) + 1
            continue
        approved_count[target.employee_id] = approved_count.get(target.employee_id, 0) + 1
        rhk = progress.get(target.id or 0)
        ratio = rhk.ratio if rhk is not None else None
        if ratio is not None:
            ratios.setdefault(target.employee_id, []).append(ratio)
    leads = dict(
        (
            await session.exec(
                select(Employee.supervisor_id, func.count())
                .where(col(Employee.supervisor_id).in_(team), col(Employee.active).is_(True))
                .group_by(col(Employee.supervisor_id))
            )
        ).all()
    )
    stale_before = now.astimezone(UTC) - timedelta(days=STALE_DAYS)
    rows: list[MemberRow] = []
    for emp_id, name, unit_id in people:
        assert emp_id is not None
        when = last.get(emp_id)
        has_targets = approved_count.get(emp_id, 0) > 0
        rows.append(
            MemberRow(
                employee_id=emp_id,
                name=name,
                unit_id=unit_id,
                achievement=mean_capped(ratios.get(emp_id, [])),
                approved=approved_count.get(emp_id, 0),
                pending=pending.get(emp_id, 0),
                last_report=when,
                reports_this_month=monthly.get(emp_id, 0),
                stale=has_targets and (when is None or when < stale_before),
                leads=int(leads.get(emp_id, 0)),
            )
        )
    return rows
