"""How far targets have come: the queries that turn reports into achievement, and the rules
that compare amounts across targets.

Every place that turns reports into achievement uses this module; the rest only shows the
numbers. An RHK (a `Target`) has one or more IKIs (`Indicator` rows); `rhk_progress` reads
them with their reported values and the leader's assessments and computes per IKI, then per
RHK, with achievement_rules. A target without indicator rows is a single-IKI RHK described
by its own columns, and a report without value rows counts its `amount` for the first IKI: the
target's and report's own columns always mirror the first IKI, so the sums below (and the
cascade, which adds amounts of the same unit) read the first IKI.

- a quantitative target's ratio is what was reported over its amount (qualitative: none);
- the overall figure is the mean of the ratios, each capped at 100 %, so one over-achieved
  target cannot hide another that has not started;
- amounts are only added up or compared across targets that count the same unit;
- a reported amount that takes the total beyond twice the target is most likely a typo.

The queries take the caller's session and count active reports only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.targets.achievement_rules import (
    HUNDRED,
    Aspect,
    Expectation,
    IkiResult,
    Indicator,
    Measure,
    Observation,
    RhkResult,
    iki_achievement,
    rhk_achievement,
)
from bot.services.targets.indicators import default_aspect, default_measure
from bot.services.targets.vocabulary import KIND_QUAL, KIND_QUANT, REPORT_ACTIVE
from models import Indicator as IndicatorRow
from models import IndicatorAssessment, ProgressReport, ReportValue, Target

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


# --- per IKI, per RHK (in the caller's session) ---


@dataclass(frozen=True)
class IndicatorView:
    """An IKI as the achievement queries read it: a stored row, or the one a target's own
    columns imply. Plain data (cheap to build for a whole team's targets)."""

    id: int | None
    target_id: int
    position: int
    aspect: str
    measure: str
    text: str
    target_amount: Decimal | None
    unit: str
    due_on: date | None
    periods: int | None
    expectation: str

    @classmethod
    def implied(cls, target: Target) -> IndicatorView:
        """The one IKI a target's own columns describe (kuantitatif: cumulative, else
        qualitative), for a target without indicator rows."""
        measure = default_measure(target.kind)
        return cls(
            id=None,
            target_id=target.id or 0,
            position=0,
            aspect=default_aspect(measure).value,
            measure=measure.value,
            text=target.indicator,
            target_amount=target.target_amount,
            unit=target.unit,
            due_on=None,
            periods=None,
            expectation=target.expectation,
        )


def implied_indicator(target: Target) -> IndicatorView:
    """The one IKI a target's own columns describe (kuantitatif: cumulative, else qualitative)."""
    return IndicatorView.implied(target)


def rule_indicator(row: IndicatorView) -> Indicator:
    """What achievement_rules needs of an indicator."""
    measure = Measure(row.measure)
    if measure is Measure.DEADLINE:
        periods = Decimal(row.periods) if row.periods is not None else None
        return Indicator(measure, periods, row.due_on)
    return Indicator(measure, row.target_amount)


@dataclass(frozen=True)
class IkiProgress:
    """One IKI with what was reported on it and its achievement as measured."""

    indicator: IndicatorView
    result: IkiResult
    reports: int
    assessment: Expectation | None

    @property
    def measure(self) -> Measure:
        return Measure(self.indicator.measure)

    @property
    def aspect(self) -> Aspect:
        return Aspect(self.indicator.aspect)


@dataclass(frozen=True)
class RhkProgress:
    """An RHK (target) with its IKIs' progress and the roll-up."""

    target: Target
    ikis: tuple[IkiProgress, ...]
    result: RhkResult
    reports: int
    last_report: datetime | None

    @property
    def single(self) -> bool:
        return len(self.ikis) == 1

    @property
    def ratio(self) -> float | None:
        """A single IKI as measured (above 100 % shows); several: the capped roll-up."""
        percent = self.ikis[0].result.percent if self.single else self.result.percent
        return float(percent / HUNDRED) if percent is not None else None

    @property
    def capped(self) -> bool:
        """True when an exceeded IKI was counted at 100 % in the roll-up."""
        return not self.single and self.result.capped


# A report joined with one of its values: (report id, target id, report amount, created_at,
# status, then the value's indicator id, amount, done_on, on_time; None without value rows).
ReportRow = tuple[
    int, int, Decimal | None, datetime, str, int | None, Decimal | None, date | None, bool | None
]


def _observations(
    rows: Sequence[ReportRow], first: dict[int, int]
) -> dict[int, list[Observation]]:
    """Observations per indicator id, oldest first, from active reports joined with values.

    `first` maps a target id to its first indicator's id: a report written without value rows
    gives its amount to that IKI.
    """
    found: dict[int, list[Observation]] = {}
    for _report, target_id, amount, created, _status, iki, value, done_on, on_time in rows:
        day = created.date()
        if iki is None:
            if target_id in first:
                found.setdefault(first[target_id], []).append(Observation(day, amount))
            continue
        found.setdefault(iki, []).append(Observation(day, value, done_on=done_on, on_time=on_time))
    return found


async def indicators_of(
    session: AsyncSession, targets: Sequence[Target]
) -> dict[int, list[IndicatorView]]:
    """Each target's IKIs in order (the implied one for a target without rows)."""
    ids = [t.id for t in targets if t.id is not None]
    rows: dict[int, list[IndicatorView]] = {}
    if ids:
        c = IndicatorRow.__table__.c  # type: ignore[attr-defined]
        query = (
            sa_select(
                c.id,
                c.target_id,
                c.position,
                c.aspect,
                c.measure,
                c.text,
                c.target_amount,
                c.unit,
                c.due_on,
                c.periods,
                c.expectation,
            )
            .where(c.target_id.in_(ids))
            .order_by(c.target_id, c.position)
        )
        conn = await session.connection()
        for found in (await conn.execute(query)).all():
            view = IndicatorView(*found)
            if view.target_amount is not None:
                view = replace(view, target_amount=Decimal(str(view.target_amount)))
            rows.setdefault(view.target_id, []).append(view)
    return {t.id: rows.get(t.id) or [implied_indicator(t)] for t in targets if t.id is not None}


async def latest_assessments(
    session: AsyncSession, indicator_ids: Sequence[int]
) -> dict[int, Expectation]:
    """The newest leader assessment per qualitative IKI."""
    if not indicator_ids:
        return {}
    query = (
        select(IndicatorAssessment.indicator_id, IndicatorAssessment.expectation)
        .where(col(IndicatorAssessment.indicator_id).in_(indicator_ids))
        .order_by(col(IndicatorAssessment.created_at), col(IndicatorAssessment.id))
    )
    return {iid: Expectation(e) for iid, e in (await session.exec(query)).all()}


async def rhk_progress(
    session: AsyncSession, targets: Sequence[Target], today: date
) -> dict[int, RhkProgress]:
    """Each target's progress per IKI and rolled up (active reports only)."""
    ids = [t.id for t in targets if t.id is not None]
    if not ids:
        return {}
    indicators = await indicators_of(session, targets)
    first = {tid: rows[0].id for tid, rows in indicators.items() if rows[0].id is not None}
    # One round trip for the reports and their values (a report with several IKIs comes back
    # once per value). The status is tested in Python: on SQLite without ANALYZE statistics,
    # an equality on the unselective status index makes the planner walk it across the whole
    # city instead of using the target_id index (see team.members).
    report = ProgressReport.__table__  # type: ignore[attr-defined]
    value = ReportValue.__table__  # type: ignore[attr-defined]
    pr, rv = report.c, value.c
    conn = await session.connection()
    joined = (
        await conn.execute(
            sa_select(
                pr.id,
                pr.target_id,
                pr.amount,
                pr.created_at,
                pr.status,
                rv.indicator_id,
                rv.amount,
                rv.done_on,
                rv.on_time,
            )
            .select_from(report.outerjoin(value, rv.report_id == pr.id))
            .where(pr.target_id.in_(ids))
            .order_by(pr.created_at, pr.id, rv.indicator_id)
        )
    ).all()
    active: list[ReportRow] = [tuple(r) for r in joined if r[4] == REPORT_ACTIVE]
    observed = _observations(active, first)
    by_target: dict[int, list[tuple[Decimal | None, datetime]]] = {}
    seen_reports: set[int] = set()
    for report_id, t, a, c, *_rest in active:
        if report_id not in seen_reports:
            seen_reports.add(report_id)
            by_target.setdefault(t, []).append((a, c))
    # Only qualitative IKIs are assessed: no query when the targets have none.
    qualitative = [
        row.id
        for rows in indicators.values()
        for row in rows
        if row.id is not None and row.measure == Measure.QUALITATIVE.value
    ]
    assessed = await latest_assessments(session, qualitative)
    result: dict[int, RhkProgress] = {}
    for target in targets:
        if target.id is None:
            continue
        ikis = []
        for row in indicators[target.id]:
            seen = observed.get(row.id, []) if row.id is not None else []
            if row.id is None:  # implied: every report of the target is its value
                seen = [Observation(c.date(), a) for a, c in by_target.get(target.id, [])]
            assessment = assessed.get(row.id) if row.id is not None else None
            ikis.append(
                IkiProgress(
                    row,
                    iki_achievement(rule_indicator(row), seen, assessment, today),
                    len(seen),
                    assessment,
                )
            )
        own = [c for _a, c in by_target.get(target.id, [])]
        result[target.id] = RhkProgress(
            target,
            tuple(ikis),
            rhk_achievement([i.result for i in ikis]),
            len(own),
            max(own) if own else None,
        )
    return result
