"""The targets that take reports now, with what has been reported on them so far.

A report is an increment toward an approved target of the current semester (or, for a
qualitative target, a narrative). The entry points open their own session; find_reportable
and with_progress work in the caller's session (saving uses them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import periods
from bot.services.targets import achievement
from bot.services.targets.vocabulary import KIND_QUAL, STATUS_APPROVED
from models import Target
from models.db import SessionFactory


@dataclass(frozen=True)
class TargetProgress:
    """A target with what has been reported on it so far."""

    target: Target
    achieved: Decimal  # the first IKI's reported sum
    reports: int
    # The RHK's indicators and roll-up (ratio is the roll-up's when it has several IKIs).
    rhk: achievement.RhkProgress | None = None

    @property
    def id(self) -> int:
        assert self.target.id is not None
        return self.target.id

    @property
    def qualitative(self) -> bool:
        return self.target.kind == KIND_QUAL

    @property
    def ratio(self) -> float | None:
        if self.rhk is not None:
            return self.rhk.ratio
        return achievement.ratio(self.achieved, self.target)

    def ratio_with(self, amount: Decimal) -> float | None:
        """The achievement ratio once `amount` more is reported."""
        return achievement.ratio(self.achieved + amount, self.target)


def current_period(today: date) -> str:
    """Return the code of the semester reports go to today, e.g. '2026-2'."""
    return periods.period_of(today).code


async def with_progress(session: AsyncSession, targets: Sequence[Target]) -> list[TargetProgress]:
    """In the caller's session: each target with its active reports and achievement.

    A deadline is judged as of the semester's last day (overdue only once it has ended).
    """
    ids = [t.id for t in targets if t.id is not None]
    sums = await achievement.achieved_by_target(session, ids)
    by_period: dict[str, list[Target]] = {}
    for t in targets:
        by_period.setdefault(t.period, []).append(t)
    rhks: dict[int, achievement.RhkProgress] = {}
    for code, group in by_period.items():
        rhks |= await achievement.rhk_progress(session, group, periods.parse_period(code).end)
    return [
        TargetProgress(
            t,
            sums.get(t.id or 0, Decimal(0)),
            rhks[t.id].reports if t.id in rhks else 0,
            rhks.get(t.id or 0),
        )
        for t in targets
    ]


async def find_reportable(
    session: AsyncSession, employee_id: int, target_id: int, period: str
) -> TargetProgress | None:
    """In the caller's session: the target if this employee may report on it now, else None."""
    target = await session.get(Target, target_id)
    if (
        target is None
        or target.employee_id != employee_id
        or target.status != STATUS_APPROVED
        or target.period != period
    ):
        return None
    [progress] = await with_progress(session, [target])
    return progress


async def reportable_target(
    db: SessionFactory, employee_id: int, target_id: int, period: str
) -> TargetProgress | None:
    """Return one target if this employee may report on it now, else None."""
    async with db() as session:
        return await find_reportable(session, employee_id, target_id, period)


async def reportable_targets(
    db: SessionFactory, employee_id: int, period: str
) -> list[TargetProgress]:
    """Return the employee's approved targets of the period, with their progress."""
    query = (
        select(Target)
        .where(
            Target.employee_id == employee_id,
            Target.period == period,
            Target.status == STATUS_APPROVED,
        )
        .order_by(col(Target.jenis), col(Target.id))
    )
    async with db() as session:
        return await with_progress(session, list((await session.exec(query)).all()))
