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

from sqlalchemy import ARRAY, Integer, any_, bindparam, case, func, or_
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
from bot.services.targets.indicators import implied_row
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
        row = implied_row(target)
        return cls(
            id=None,
            target_id=row.target_id,
            position=row.position,
            aspect=row.aspect,
            measure=row.measure,
            text=row.text,
            target_amount=row.target_amount,
            unit=row.unit,
            due_on=None,
            periods=None,
            expectation=row.expectation,
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


# An IKI measured so that adding up its reports would mislead.
OWN_VALUE_MEASURES = frozenset({Measure.LEVEL, Measure.LOWER, Measure.DEADLINE})


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
    def by_indicator(self) -> bool:
        """True when reports and screens go IKI by IKI: several IKIs, or one that is not a
        running total or words (a level, lower-is-better, a deadline)."""
        return not self.single or self.ikis[0].measure in OWN_VALUE_MEASURES

    @property
    def ratio(self) -> float | None:
        """A single IKI as measured (above 100 % shows); several: the capped roll-up."""
        percent = self.ikis[0].result.percent if self.single else self.result.percent
        return float(percent / HUNDRED) if percent is not None else None

    @property
    def capped(self) -> bool:
        """True when an exceeded IKI was counted at 100 % in the roll-up."""
        return not self.single and self.result.capped


@dataclass
class _Tally:
    """What the active reports say of one IKI, added up in the database."""

    reports: int = 0
    total: Decimal = Decimal(0)
    amounts: int = 0  # reports that gave a number
    on_time: int = 0  # periods delivered on time
    done_on: date | None = None  # the first delivery day
    newest: Decimal | None = None  # the newest number (a level, lower is better)

    def add(self, other: _Tally) -> None:
        self.reports += other.reports
        self.total += other.total
        self.amounts += other.amounts
        self.on_time += other.on_time
        if other.done_on is not None and (self.done_on is None or other.done_on < self.done_on):
            self.done_on = other.done_on

    def observations(self, today: date) -> list[Observation]:
        """Observations standing for the tally, as achievement_rules reads them: the sum (or
        the newest number), the first delivery day, and one per period on time or not."""
        if not self.reports:
            return []
        value = self.newest if self.newest is not None else None
        first = Observation(
            today,
            value if value is not None else (self.total if self.amounts else None),
            done_on=self.done_on,
            on_time=self.on_time > 0,
        )
        late = max(self.reports - max(self.on_time, 1), 0)
        return [
            first,
            *(Observation(today, on_time=True) for _ in range(max(self.on_time - 1, 0))),
            *(Observation(today, on_time=False) for _ in range(late)),
        ]


def id_in(conn: Any, column: Any, ids: Sequence[int]) -> Any:
    """SQL: column IN ids. On PostgreSQL one array parameter (= ANY): a team's few hundred ids
    as separate parameters cost more to render on every query than the query itself takes."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def _decimal(value: Any) -> Decimal:
    """A sum from the database as a Decimal (SQLite may give a float or an int)."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


async def indicators_of(
    session: AsyncSession, targets: Sequence[Target]
) -> dict[int, list[IndicatorView]]:
    """Each target's IKIs in order (the implied one for a target without rows)."""
    ids = [t.id for t in targets if t.id is not None]
    rows: dict[int, list[IndicatorView]] = {}
    if ids:
        c = IndicatorRow.__table__.c  # type: ignore[attr-defined]
        conn = await session.connection()
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
            .where(id_in(conn, c.target_id, ids))
            .order_by(c.target_id, c.position)
        )
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
    tallies, per_report = await _tallies(session, ids, indicators)
    by_target = {tid: (n, last) for tid, n, last in per_report}
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
            tally = tallies.get((target.id, row.id), _Tally())
            assessment = assessed.get(row.id) if row.id is not None else None
            seen = tally.observations(today)
            ikis.append(
                IkiProgress(
                    row,
                    iki_achievement(rule_indicator(row), seen, assessment, today),
                    tally.reports,
                    assessment,
                )
            )
        count, last = by_target.get(target.id, (0, None))
        result[target.id] = RhkProgress(
            target, tuple(ikis), rhk_achievement([i.result for i in ikis]), count, last
        )
    return result


async def _tallies(
    session: AsyncSession, ids: Sequence[int], indicators: dict[int, list[IndicatorView]]
) -> tuple[dict[tuple[int, int | None], _Tally], list[tuple[int, int, datetime | None]]]:
    """Per (target, IKI id) what the active reports say, and per target how many reports and
    the latest, aggregated in the database (a team's few hundred RHKs have thousands of
    report values). A report without value rows counts its amount for the first IKI; an
    implied IKI (id None) takes every report of its target.

    The status is compared as an expression: on SQLite without ANALYZE statistics, an equality
    on the unselective status index makes the planner walk it across the whole city instead of
    using the target_id index (see team.members).
    """
    report = ProgressReport.__table__  # type: ignore[attr-defined]
    value = ReportValue.__table__  # type: ignore[attr-defined]
    pr, rv = report.c, value.c
    conn = await session.connection()
    counted = (id_in(conn, pr.target_id, ids), (pr.status + "") == REPORT_ACTIVE)
    amount = case((rv.indicator_id.is_(None), pr.amount), else_=rv.amount)
    on_time = case((rv.on_time.is_(True), 1), else_=0)
    grouped = await conn.execute(
        sa_select(
            pr.target_id,
            rv.indicator_id,
            func.count(),
            func.sum(amount),
            func.count(amount),
            func.sum(on_time),
            func.min(rv.done_on),
        )
        .select_from(report.outerjoin(value, rv.report_id == pr.id))
        .where(*counted)
        .group_by(pr.target_id, rv.indicator_id)
    )
    first = {tid: rows[0].id for tid, rows in indicators.items()}
    tallies: dict[tuple[int, int | None], _Tally] = {}
    for target_id, iki, n, total, amounts, in_time, done_on in grouped.all():
        if iki is None:  # reports without value rows: the first IKI's (or the implied one's)
            if target_id not in first:
                continue
            iki = first[target_id]
        tally = _Tally(int(n), _decimal(total), int(amounts or 0), int(in_time or 0), done_on)
        tallies.setdefault((target_id, iki), _Tally()).add(tally)
    # The newest number of each level and lower-is-better IKI.
    newest_of = [
        row.id
        for rows in indicators.values()
        for row in rows
        if row.id is not None and row.measure in (Measure.LEVEL.value, Measure.LOWER.value)
    ]
    if newest_of:
        await _newest_numbers(conn, ids, newest_of, first, tallies)
    per_report = await conn.execute(
        sa_select(pr.target_id, func.count(), func.max(pr.created_at))
        .where(*counted)
        .group_by(pr.target_id)
    )
    return tallies, [(t, int(n), last) for t, n, last in per_report.all()]


async def _newest_numbers(
    conn: Any,
    ids: Sequence[int],
    indicator_ids: list[int],
    first: dict[int, int | None],
    tallies: dict[tuple[int, int | None], _Tally],
) -> None:
    """Set the newest reported number of these IKIs on their tallies (a window in SQL)."""
    report = ProgressReport.__table__  # type: ignore[attr-defined]
    value = ReportValue.__table__  # type: ignore[attr-defined]
    pr, rv = report.c, value.c
    amount = case((rv.indicator_id.is_(None), pr.amount), else_=rv.amount)
    rank = (
        func.row_number()
        .over(
            partition_by=(pr.target_id, rv.indicator_id),
            order_by=(pr.created_at.desc(), pr.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        sa_select(pr.target_id, rv.indicator_id, amount.label("amount"), pr.created_at, rank)
        .select_from(report.outerjoin(value, rv.report_id == pr.id))
        .where(
            id_in(conn, pr.target_id, ids),
            (pr.status + "") == REPORT_ACTIVE,
            amount.is_not(None),
            # Reports without value rows only matter when a first IKI is one of these.
            or_(id_in(conn, rv.indicator_id, indicator_ids), rv.indicator_id.is_(None))
            if set(first.values()) & set(indicator_ids)
            else id_in(conn, rv.indicator_id, indicator_ids),
        )
        .subquery()
    )
    found = await conn.execute(
        sa_select(
            ranked.c.target_id, ranked.c.indicator_id, ranked.c.amount, ranked.c.created_at
        ).where(ranked.c.rank == 1)
    )
    wanted = set(indicator_ids)
    when: dict[tuple[int, int | None], datetime] = {}
    for target_id, iki, number, created in found.all():
        if iki is None:
            iki = first.get(target_id)
        if iki not in wanted:
            continue
        key = (target_id, iki)
        if key not in when or created > when[key]:
            when[key] = created
            tallies.setdefault(key, _Tally()).newest = _decimal(number)
