"""Achievement: each employee's capped mean over approved targets (their cumulative IKIs and
the leader's assessments of qualitative ones), and how many fall in each bucket. Computed in
the database: a city has a quarter of a million targets and over a million reports, far too
many rows to ship to Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, func, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.periods import Period
from bot.services.stats.scope import Scope, in_scope
from bot.services.targets.achievement_rules import QUALITATIVE_PERCENT, Expectation
from models import Employee, Indicator, IndicatorAssessment, ProgressReport, ReportValue, Target
from models.db import SessionFactory

# Achievement buckets of the capped mean per employee: [0, .25), [.25, .5), [.5, .75),
# [.75, 1) and exactly 1 (every numeric target reached; the mean is capped at 100 %).
BUCKET_EDGES = (0.25, 0.5, 0.75, 1.0)
BUCKET_LABELS = ("0-25%", "25-50%", "50-75%", "75-100%", ">=100%")
LOW_ACHIEVEMENT = 0.5  # "units that struggle": members below half of their targets
# Capped means are compared and bucketed rounded to this many digits, so that rounding errors
# of floating-point sums never move a mean that is exactly on an edge (0.5) below it.
MEAN_DIGITS = 9


def capped_means(scope: Scope, period: Period) -> Any:
    """A subquery of (employee_id, mean): each active employee's capped mean achievement.

    Per approved target of the period, its cumulative IKIs' active reported sums over their
    targets and its assessed qualitative IKIs (_judged), each capped at 1 and averaged (the
    RHK roll-up; IKIs measured otherwise are left to the per-person screens); then averaged
    per employee. A target without indicator rows
    is its one IKI (its own amount and its reports' amounts). Done in the database: a city has
    a quarter of a million targets and over a million reports, far too many rows to ship to
    Python.
    """
    shared = (
        Target.period == period.code,
        Target.status == "approved",
        col(Employee.active).is_(True),
        in_scope(Employee.opd_id, scope),
    )
    # * 1.0: SQLite would divide two integers as integers.
    counted = case((col(ProgressReport.id).is_not(None), ReportValue.amount), else_=0)
    done = func.coalesce(func.sum(counted), 0) * 1.0 / col(Indicator.target_amount)
    per_iki = (
        select(
            Target.employee_id,
            col(Target.id).label("target_id"),
            case((done > 1, 1.0), else_=done).label("ratio"),
        )
        .join(Target, col(Target.id) == Indicator.target_id)
        .join(Employee, col(Employee.id) == Target.employee_id)
        .outerjoin(ReportValue, col(ReportValue.indicator_id) == Indicator.id)
        .outerjoin(
            ProgressReport,
            and_(
                col(ProgressReport.id) == ReportValue.report_id,
                col(ProgressReport.status) == "active",
            ),
        )
        .where(*shared, Indicator.measure == "cumulative", col(Indicator.target_amount) > 0)
        .group_by(col(Indicator.id), col(Target.id), col(Target.employee_id))
        .subquery("per_iki")
    )
    measured = union_all(
        select(per_iki.c.employee_id, per_iki.c.target_id, per_iki.c.ratio), _judged(shared)
    ).subquery()
    per_rhk = select(measured.c.employee_id, func.avg(measured.c.ratio).label("ratio")).group_by(
        measured.c.target_id, measured.c.employee_id
    )
    legacy_done = (
        func.coalesce(func.sum(ProgressReport.amount), 0) * 1.0 / col(Target.target_amount)
    )
    without_rows = (
        select(Target.employee_id, case((legacy_done > 1, 1.0), else_=legacy_done))
        .join(Employee, col(Employee.id) == Target.employee_id)
        .outerjoin(
            ProgressReport,
            and_(
                col(ProgressReport.target_id) == Target.id,
                col(ProgressReport.status) == "active",
            ),
        )
        .where(
            *shared,
            Target.kind == "kuantitatif",
            col(Target.target_amount) > 0,
            ~exists().where(col(Indicator.target_id) == Target.id),
        )
        .group_by(col(Target.id), col(Target.employee_id), col(Target.target_amount))
    )
    per_target = union_all(per_rhk, without_rows).subquery()
    return (
        select(per_target.c.employee_id, func.avg(per_target.c.ratio).label("mean"))
        .group_by(per_target.c.employee_id)
        .subquery()
    )


def _judged(shared: tuple[Any, ...]) -> Any:
    """SQL: (employee_id, target_id, ratio) of each qualitative IKI the leader has assessed:
    the newest assessment, as achievement_rules counts it (below: QUALITATIVE_PERCENT), capped
    at 1. Driven by the assessments, which are few next to the report values. IKIs measured
    as a level, lower is better or a deadline are left to the per-person screens: counting
    them here (windows over every report value) made the city's statistics five times slower."""
    judged = (
        select(
            Target.employee_id,
            col(Target.id).label("target_id"),
            col(IndicatorAssessment.expectation).label("expectation"),
            func.row_number()
            .over(
                partition_by=col(Indicator.id),
                order_by=(
                    col(IndicatorAssessment.created_at).desc(),
                    col(IndicatorAssessment.id).desc(),
                ),
            )
            .label("rank"),
        )
        .select_from(IndicatorAssessment)
        .join(Indicator, col(Indicator.id) == IndicatorAssessment.indicator_id)
        .join(Target, col(Target.id) == Indicator.target_id)
        .join(Employee, col(Employee.id) == Target.employee_id)
        .where(*shared, Indicator.measure == "qualitative")
        .subquery("judged")
    )
    j = judged.c
    below = float(QUALITATIVE_PERCENT[Expectation.BELOW] / 100)
    return select(
        j.employee_id, j.target_id, case((j.expectation == "below", below), else_=1.0)
    ).where(j.rank == 1)


async def achievement_by_employee(
    session: AsyncSession, scope: Scope, period: Period
) -> dict[int, float]:
    """Return the capped mean achievement of approved numeric targets per active employee."""
    means = capped_means(scope, period)
    rows = (await session.exec(select(means.c.employee_id, means.c.mean))).all()
    return {int(emp): round(float(mean), MEAN_DIGITS) for emp, mean in rows}


def mean_below(mean: Any, edge: float) -> Any:
    """SQL: a capped mean under `edge`, where a mean within rounding error of it is not.

    A mean of 1, 2/3, 1/3 and 0 is exactly 0.5, but as floats added in one order it comes out
    as 0.49999999999999994; the database may add in any order.
    """
    return mean < edge - 10**-MEAN_DIGITS


def bucket_of(mean: float) -> int:
    """Return the index of the achievement bucket of a capped mean."""
    for i, edge in enumerate(BUCKET_EDGES):
        if mean < edge:
            return i
    return len(BUCKET_EDGES)


@dataclass(frozen=True)
class AchievementSpread:
    """How many employees fall in each achievement bucket (with numeric targets only)."""

    buckets: tuple[int, ...]
    measured: int
    mean: float | None


async def achievement_spread(
    db: SessionFactory, scope: Scope, period: Period
) -> AchievementSpread:
    """Count employees per achievement bucket in the scope."""
    async with db() as session:
        means = await achievement_by_employee(session, scope, period)
    buckets = [0] * len(BUCKET_LABELS)
    for value in means.values():
        buckets[bucket_of(value)] += 1
    mean = sum(means.values()) / len(means) if means else None
    return AchievementSpread(tuple(buckets), len(means), mean)
