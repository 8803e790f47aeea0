"""How far targets have come: sums of active reports, ratios, last report dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import ProgressReport, Target


async def achieved_by_target(
    session: AsyncSession, target_ids: Sequence[int]
) -> dict[int, Decimal]:
    """Return the sum of active report amounts per target (0 when none)."""
    if not target_ids:
        return {}
    query = (
        select(ProgressReport.target_id, func.coalesce(func.sum(ProgressReport.amount), 0))
        .where(col(ProgressReport.target_id).in_(target_ids), ProgressReport.status == "active")
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
        .where(col(ProgressReport.target_id).in_(target_ids), ProgressReport.status == "active")
        .group_by(col(ProgressReport.target_id))
    )
    counts = dict((await session.exec(query)).all())
    return {tid: int(counts.get(tid, 0)) for tid in target_ids}


async def last_report_at(session: AsyncSession, employee_id: int) -> datetime | None:
    """Return when this employee last reported (active reports only)."""
    query = select(func.max(ProgressReport.created_at)).where(
        ProgressReport.employee_id == employee_id, ProgressReport.status == "active"
    )
    # func.max keeps the column type, so UTCDateTime re-attaches UTC on SQLite too.
    value: datetime | None = (await session.exec(query)).one()
    return value


def ratio(achieved: Decimal, target: Target) -> float | None:
    """Achievement as a fraction of the target amount; None for qualitative targets."""
    if target.kind != "kuantitatif" or not target.target_amount:
        return None
    return float(achieved / target.target_amount)
