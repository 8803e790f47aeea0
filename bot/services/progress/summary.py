"""Personal progress (/kinerja), as data: achievement per approved target, overall, days left.

Overall achievement follows achievement.overall (each ratio capped at 100 %). A target's
ratio is its RHK's: a single IKI as measured, several IKIs rolled up (achievement_rules). A
qualitative target the leader has not assessed yet has no ratio; it shows how many reports
were made and when the last one was. The
screen is written in handlers/progress/texts.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.checkins import paused_until
from bot.services.periods import Period, period_of
from bot.services.targets import achievement
from bot.services.targets.achievement_rules import Measure, SemesterResult, semester_achievement
from bot.services.targets.vocabulary import (
    JENIS_UTAMA,
    KIND_QUANT,
    STATUS_APPROVED,
    STATUS_PENDING,
    STATUS_RETURNED,
)
from models import Employee, Target
from models.db import SessionFactory

WAITING_STATUSES = (STATUS_PENDING, STATUS_RETURNED)


@dataclass(frozen=True)
class TargetLine:
    """One approved target with how far it has come."""

    target_id: int
    title: str
    unit: str
    target_amount: Decimal | None
    achieved: Decimal
    ratio: float | None  # None for qualitative targets
    reports: int
    last_report: datetime | None
    # The RHK's indicators and roll-up (ratio is the roll-up's when it has several IKIs).
    rhk: achievement.RhkProgress | None = None


@dataclass(frozen=True)
class Contribution:
    """How much of a leader's target this employee's reports make up (same unit only)."""

    achieved: Decimal
    unit: str
    leader_name: str
    parent_title: str
    parent_amount: Decimal

    @property
    def share(self) -> float:
        return float(self.achieved / self.parent_amount)


@dataclass(frozen=True)
class WaitingTarget:
    """A proposed target that is not approved yet (pending, or returned for changes)."""

    title: str
    status: str


@dataclass(frozen=True)
class ProgressSummary:
    """Everything /kinerja shows for one employee and semester."""

    period: Period
    today: date
    lines: list[TargetLine]
    waiting: list[WaitingTarget]
    contributions: list[Contribution]
    last_report: datetime | None
    paused_until: date | None

    @property
    def quantitative(self) -> list[TargetLine]:
        return [line for line in self.lines if line.ratio is not None]

    @property
    def overall(self) -> float | None:
        """Mean of the quantitative ratios, each capped at 1; None without such targets."""
        return achievement.overall(line.ratio for line in self.lines)

    @property
    def semester(self) -> SemesterResult:
        """The semester roll-up: utama and tambahan RHKs apart (achievement_rules)."""
        return semester_achievement(
            [
                (line.rhk.result, line.rhk.target.jenis == JENIS_UTAMA)
                for line in self.lines
                if line.rhk
            ]
        )

    @property
    def days_left(self) -> int:
        return self.period.days_left(self.today)


def period_label(period: Period) -> str:
    """'Semester II 2026' (the same in Indonesian and English; the team screens use it too)."""
    return f"Semester {'I' if period.half == 1 else 'II'} {period.year}"


async def _contributions(
    session: AsyncSession, targets: Sequence[Target], achieved: dict[int, Decimal]
) -> list[Contribution]:
    """Contributions to linked leaders' targets, when both count the same unit."""
    linked = [t for t in targets if t.parent_target_id is not None and t.kind == KIND_QUANT]
    if not linked:
        return []
    parent_ids = {t.parent_target_id for t in linked if t.parent_target_id is not None}
    parents = {
        p.id: p
        for p in (await session.exec(select(Target).where(col(Target.id).in_(parent_ids)))).all()
    }
    owner_ids = {p.employee_id for p in parents.values()}
    names = dict(
        (
            await session.exec(
                select(Employee.id, Employee.name).where(col(Employee.id).in_(owner_ids))
            )
        ).all()
    )
    found: list[Contribution] = []
    for target in linked:
        parent = parents.get(target.parent_target_id)
        if (
            parent is None
            or target.id is None
            or parent.kind != KIND_QUANT
            or not parent.target_amount
            or not achievement.same_unit(parent.unit, target.unit)
        ):
            continue
        found.append(
            Contribution(
                achieved=achieved.get(target.id, Decimal(0)),
                unit=target.unit.strip(),
                leader_name=names.get(parent.employee_id, ""),
                parent_title=parent.title,
                parent_amount=parent.target_amount,
            )
        )
    return found


async def load_summary(db: SessionFactory, employee_id: int, today: date) -> ProgressSummary:
    """Collect the employee's progress in the semester containing `today`."""
    async with db() as session:
        return await progress_of(session, employee_id, today)


LATEST_VALUE = frozenset({Measure.LEVEL, Measure.LOWER})


def shown_amount(rhk: achievement.RhkProgress, total: Decimal) -> Decimal:
    """The amount a target line shows: the running total, or for an RHK whose one IKI is a
    level or lower-is-better, the newest value (its reports are not added up)."""
    iki = rhk.ikis[0] if rhk.single else None
    if iki is not None and iki.measure in LATEST_VALUE and iki.result.measured is not None:
        return iki.result.measured
    return total


async def progress_of(session: AsyncSession, employee_id: int, today: date) -> ProgressSummary:
    """In the caller's session: the employee's progress in the semester containing `today`."""
    period = period_of(today)
    targets = list(
        (
            await session.exec(
                select(Target)
                .where(
                    Target.employee_id == employee_id,
                    Target.period == period.code,
                    col(Target.status).in_((STATUS_APPROVED, *WAITING_STATUSES)),
                )
                .order_by(col(Target.jenis).desc(), col(Target.id))  # utama before tambahan
            )
        ).all()
    )
    approved = [t for t in targets if t.status == STATUS_APPROVED and t.id is not None]
    ids = [t.id for t in approved if t.id is not None]
    achieved = await achievement.achieved_by_target(session, ids)
    progress = await achievement.rhk_progress(session, approved, today)
    lines = [
        TargetLine(
            target_id=t.id,
            title=t.title,
            unit=t.unit.strip(),
            target_amount=t.target_amount,
            achieved=shown_amount(progress[t.id], achieved[t.id]),
            ratio=progress[t.id].ratio,
            reports=progress[t.id].reports,
            last_report=progress[t.id].last_report,
            rhk=progress[t.id],
        )
        for t in approved
        if t.id is not None
    ]
    return ProgressSummary(
        period=period,
        today=today,
        lines=lines,
        waiting=[WaitingTarget(t.title, t.status) for t in targets if t.status != STATUS_APPROVED],
        contributions=await _contributions(session, approved, achieved),
        last_report=await achievement.last_report_at(session, employee_id),
        paused_until=await paused_until(session, employee_id, today),
    )


def chart_bars(summary: ProgressSummary) -> list[tuple[str, float]]:
    """Return (title, ratio) of the quantitative targets, for the progress chart."""
    return [(line.title, line.ratio) for line in summary.lines if line.ratio is not None]
