"""How far targets have come: the rules, and the queries that add up the reports.

Every place that turns reports into achievement uses this module; the rest only shows the
numbers. The rules:

- a quantitative target's ratio is what was reported over its amount (qualitative: none);
- the overall figure is the mean of the ratios, each capped at 100 %, so one over-achieved
  target cannot hide another that has not started;
- amounts are only added up or compared across targets that count the same unit;
- a reported amount that takes the total beyond twice the target is most likely a typo.

The queries take the caller's session and count active reports only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.targets.vocabulary import KIND_QUAL, KIND_QUANT, REPORT_ACTIVE
from models import ProgressReport, Target

# A report that takes the total beyond twice the target is most likely a typo ("120" for "12").
FAR_ABOVE_FACTOR = Decimal(2)


# --- the rules ---


def ratio(achieved: Decimal, target: Target) -> float | None:
    """Achievement as a fraction of the target amount; None for qualitative targets."""
    if target.kind != KIND_QUANT or not target.target_amount:
        return None
    return float(achieved / target.target_amount)


def overall(ratios: Iterable[float | None]) -> float | None:
    """The mean of the ratios, each capped at 1; None when there is no ratio at all."""
    capped = [min(r, 1.0) for r in ratios if r is not None]
    return sum(capped) / len(capped) if capped else None


def same_unit(a: str, b: str) -> bool:
    """True when two units are the same word (case and surrounding spaces aside)."""
    return a.strip().casefold() == b.strip().casefold()


def units_match(a: Target, b: Target) -> bool:
    """True when both are quantitative with amounts in the same unit."""
    return (
        a.kind == KIND_QUANT
        and b.kind == KIND_QUANT
        and a.target_amount is not None
        and b.target_amount is not None
        and same_unit(a.unit, b.unit)
    )


def share(child: Target, parent: Target) -> float | None:
    """The child's amount as a fraction of its parent's, when both count the same unit."""
    if not units_match(child, parent) or not parent.target_amount:
        return None
    assert child.target_amount is not None
    return float(child.target_amount / parent.target_amount)


def is_far_above(target: Target, achieved: Decimal, amount: Decimal) -> bool:
    """True when this amount would take the total far beyond the target (likely a typo)."""
    if target.kind == KIND_QUAL or not target.target_amount:
        return False
    return achieved + amount > target.target_amount * FAR_ABOVE_FACTOR


# --- the queries (in the caller's session) ---


def _counted(target_ids: Sequence[int]) -> tuple[Any, Any]:
    """The WHERE of the reports that count toward these targets."""
    return col(ProgressReport.target_id).in_(target_ids), ProgressReport.status == REPORT_ACTIVE


async def achieved_by_target(
    session: AsyncSession, target_ids: Sequence[int]
) -> dict[int, Decimal]:
    """Return the sum of active report amounts per target (0 when none)."""
    if not target_ids:
        return {}
    query = (
        select(ProgressReport.target_id, func.coalesce(func.sum(ProgressReport.amount), 0))
        .where(
            col(ProgressReport.target_id).in_(target_ids), ProgressReport.status == REPORT_ACTIVE
        )
        .group_by(col(ProgressReport.target_id))
    )
    sums = {tid: Decimal(str(total)) for tid, total in (await session.exec(query)).all()}
    return {tid: sums.get(tid, Decimal(0)) for tid in target_ids}


async def report_counts(session: AsyncSession, target_ids: Sequence[int]) -> dict[int, int]:
    """Return the number of active reports per target."""
    if not target_ids:
        return {}
    query = (
        select(ProgressReport.target_id, func.count())
        .where(
            col(ProgressReport.target_id).in_(target_ids), ProgressReport.status == REPORT_ACTIVE
        )
        .group_by(col(ProgressReport.target_id))
    )
    counts = dict((await session.exec(query)).all())
    return {tid: int(counts.get(tid, 0)) for tid in target_ids}


async def last_report_by_target(
    session: AsyncSession, target_ids: Sequence[int]
) -> dict[int, datetime]:
    """Return when each target was last reported on (targets without reports are left out)."""
    if not target_ids:
        return {}
    query = (
        select(ProgressReport.target_id, func.max(ProgressReport.created_at))
        .where(
            col(ProgressReport.target_id).in_(target_ids), ProgressReport.status == REPORT_ACTIVE
        )
        .group_by(col(ProgressReport.target_id))
    )
    return {tid: when for tid, when in (await session.exec(query)).all() if when is not None}


async def last_report_at(session: AsyncSession, employee_id: int) -> datetime | None:
    """Return when this employee last reported (active reports only)."""
    query = select(func.max(ProgressReport.created_at)).where(
        ProgressReport.employee_id == employee_id, ProgressReport.status == REPORT_ACTIVE
    )
    # func.max keeps the column type, so UTCDateTime re-attaches UTC on SQLite too.
    value: datetime | None = (await session.exec(query)).one()
    return value
