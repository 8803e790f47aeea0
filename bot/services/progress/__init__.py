"""Personal progress (/kinerja): achievement per approved target, overall, days left.

Overall achievement is the mean of the quantitative targets' ratios, each capped at 100 %,
so one over-achieved target cannot hide another that has not started. Qualitative targets
have no ratio; they show how many reports were made and when the last one was.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Translator
from bot.services import checkins
from bot.services.periods import Period, period_of
from bot.services.targets import achievement
from bot.text import esc
from models import Employee, ProgressReport, Target

BAR_CELLS = 10
FILLED = "▓"
EMPTY = "░"
WAITING_STATUSES = ("pending", "returned")


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
        ratios = [min(line.ratio, 1.0) for line in self.lines if line.ratio is not None]
        return sum(ratios) / len(ratios) if ratios else None

    @property
    def days_left(self) -> int:
        return self.period.days_left(self.today)


def period_label(period: Period) -> str:
    """'Semester II 2026' (the same in Indonesian and English)."""
    return f"Semester {'I' if period.half == 1 else 'II'} {period.year}"


def progress_bar(ratio: float) -> str:
    """Ten cells, e.g. ▓▓▓▓░░░░░░ for 40 %; full from 100 % on (the text shows the real %)."""
    filled = math.floor(min(max(ratio, 0.0), 1.0) * BAR_CELLS + 1e-9)
    return FILLED * filled + EMPTY * (BAR_CELLS - filled)


def _same_unit(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


async def _last_report_by_target(
    session: AsyncSession, target_ids: Sequence[int]
) -> dict[int, datetime]:
    if not target_ids:
        return {}
    query = (
        select(ProgressReport.target_id, func.max(ProgressReport.created_at))
        .where(col(ProgressReport.target_id).in_(target_ids), ProgressReport.status == "active")
        .group_by(col(ProgressReport.target_id))
    )
    return {tid: when for tid, when in (await session.exec(query)).all() if when is not None}


async def _contributions(
    session: AsyncSession, targets: Sequence[Target], achieved: dict[int, Decimal]
) -> list[Contribution]:
    """Contributions to linked leaders' targets, when both count the same unit."""
    linked = [t for t in targets if t.parent_target_id is not None and t.kind == "kuantitatif"]
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
            or parent.kind != "kuantitatif"
            or not parent.target_amount
            or not _same_unit(parent.unit, target.unit)
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


async def progress_of(session: AsyncSession, employee_id: int, today: date) -> ProgressSummary:
    """Collect the employee's progress in the semester containing `today`."""
    period = period_of(today)
    targets = list(
        (
            await session.exec(
                select(Target)
                .where(
                    Target.employee_id == employee_id,
                    Target.period == period.code,
                    col(Target.status).in_(("approved", *WAITING_STATUSES)),
                )
                .order_by(col(Target.jenis).desc(), col(Target.id))  # utama before tambahan
            )
        ).all()
    )
    approved = [t for t in targets if t.status == "approved" and t.id is not None]
    ids = [t.id for t in approved if t.id is not None]
    achieved = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    last_by_target = await _last_report_by_target(session, ids)
    lines = [
        TargetLine(
            target_id=t.id,
            title=t.title,
            unit=t.unit.strip(),
            target_amount=t.target_amount,
            achieved=achieved[t.id],
            ratio=achievement.ratio(achieved[t.id], t),
            reports=counts[t.id],
            last_report=last_by_target.get(t.id),
        )
        for t in approved
        if t.id is not None
    ]
    return ProgressSummary(
        period=period,
        today=today,
        lines=lines,
        waiting=[WaitingTarget(t.title, t.status) for t in targets if t.status != "approved"],
        contributions=await _contributions(session, approved, achieved),
        last_report=await achievement.last_report_at(session, employee_id),
        paused_until=await checkins.paused_until(session, employee_id, today),
    )


def chart_bars(summary: ProgressSummary) -> list[tuple[str, float]]:
    """Return (title, ratio) of the quantitative targets, for the progress chart."""
    return [(line.title, line.ratio) for line in summary.lines if line.ratio is not None]


def _target_lines(line: TargetLine, t: Translator) -> list[str]:
    _ = t._
    if line.ratio is None:
        if line.reports and line.last_report is not None:
            return [
                _("Reports: {count}, the last on {date}").format(
                    count=t.number(line.reports), date=t.date(line.last_report)
                )
            ]
        return [_("No reports yet. Tap Report now when you have something to share.")]
    text = [
        f"{progress_bar(line.ratio)} {t.percent(line.ratio)}",
        _("{done} of {target} {unit}").format(
            done=t.number(line.achieved),
            target=t.number(line.target_amount or 0),
            unit=esc(line.unit),
        ),
    ]
    if line.ratio >= 1:
        text.append(_("Target reached. Well done!"))
    return text


def render_summary(summary: ProgressSummary, t: Translator) -> str:
    """Render /kinerja as HTML in the user's language (user text escaped)."""
    _ = t._
    out = [
        _("<b>Your performance, {period}</b>").format(period=period_label(summary.period)),
        _("Days left in this semester: {days}").format(days=t.number(summary.days_left)),
    ]
    if summary.last_report is not None:
        out.append(_("Your last report: {date}").format(date=t.date(summary.last_report)))
    elif summary.lines:
        out.append(_("No reports yet this semester. Every small step counts!"))
    if not summary.lines:
        out += [
            "",
            _(
                "You have no approved targets for this semester yet. Once your leader approves "
                "your targets, your progress will appear here."
            ),
        ]
    for number, line in enumerate(summary.lines, 1):
        out += ["", f"<b>{number}. {esc(line.title)}</b>", *_target_lines(line, t)]
    if summary.contributions:
        out += ["", _("<b>Your contribution to your leader's targets</b>")]
        for c in summary.contributions:
            out.append(
                _(
                    "Your {done} {unit} make up {share} of {leader}'s {total} {unit} ({title})"
                ).format(
                    done=t.number(c.achieved),
                    unit=esc(c.unit),
                    share=t.percent(c.share),
                    leader=esc(c.leader_name),
                    total=t.number(c.parent_amount),
                    title=esc(c.parent_title),
                )
            )
    overall = summary.overall
    if overall is not None:
        out += [
            "",
            _("<b>Overall achievement: {percent}</b>").format(percent=t.percent(overall)),
            _(
                "(the average of your numeric targets, each counted up to 100%, so a target "
                "you exceeded does not hide one that still needs work)"
            ),
        ]
    if summary.waiting:
        out += ["", _("<b>Waiting for approval</b>")]
        for waiting in summary.waiting:
            item = f"• {esc(waiting.title)}"
            if waiting.status == "returned":
                item += " " + _("(returned to you for changes)")
            out.append(item)
    if summary.paused_until is not None:
        out += [
            "",
            _("Check-in reminders are paused until {date}.").format(
                date=t.date(summary.paused_until)
            ),
        ]
    return "\n".join(out)
