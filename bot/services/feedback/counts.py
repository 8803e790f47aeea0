"""Feedback received per employee in a semester, for the evaluation screen."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.feedback.values import KINDS
from bot.services.periods import Period, parse_period
from models import Feedback

WIB = ZoneInfo("Asia/Jakarta")


async def feedback_counts(
    session: AsyncSession,
    employee_ids: list[int],
    period: str | Period,
    tz: ZoneInfo = WIB,
) -> dict[int, dict[str, int]]:
    """Return {employee_id: {"apresiasi": n, "saran": m}} of feedback received in the period.

    In the caller's session (the evaluation screen reads it with its own rows). Every
    requested id is present (zeros when none). The period is the semester's dates in `tz`
    (WIB by default), since feedback rows carry a timestamp, not a period code.
    """
    found: dict[int, dict[str, int]] = {i: {k: 0 for k in KINDS} for i in employee_ids}
    if not employee_ids:
        return found
    semester = parse_period(period) if isinstance(period, str) else period
    start = datetime.combine(semester.start, time(0), tzinfo=tz)
    end = datetime.combine(semester.end + timedelta(days=1), time(0), tzinfo=tz)
    rows = await session.exec(
        select(Feedback.employee_id, Feedback.kind, func.count())
        .where(
            col(Feedback.employee_id).in_(employee_ids),
            col(Feedback.created_at) >= start,
            col(Feedback.created_at) < end,
        )
        .group_by(col(Feedback.employee_id), col(Feedback.kind))
    )
    for employee_id, kind, count in rows.all():
        if kind in KINDS:
            found[employee_id][kind] = int(count)
    return found
