"""HR analytics (/statistik): reporting compliance, achievement, predikat vs curve, broadcasts.

Every query is set-based (grouped in the database, never one query per employee) and limited
to the HR officer's scope: city-wide HR and admins see every OPD, OPD HR only their own.
Charts for these views live at the end of this module (matplotlib Agg, object API only, so
handlers can draw them in a worker thread).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, case, func, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker
from bot.services.charts import DPI, FONT_SIZE, WIDTH_INCHES, chart_text
from bot.services.evaluation.curve import Deviation, check_distribution
from bot.services.evaluation.predikat import DI_BAWAH, PREDIKATS
from bot.services.periods import Period
from models import (
    Broadcast,
    BroadcastAck,
    Employee,
    Evaluation,
    Opd,
    OrgRating,
    OutboxMessage,
    ProgressReport,
    Target,
    Unit,
)

# Achievement buckets of the capped mean per employee: [0, .25), [.25, .5), [.5, .75),
# [.75, 1) and exactly 1 (every numeric target reached; the mean is capped at 100 %).
BUCKET_EDGES = (0.25, 0.5, 0.75, 1.0)
BUCKET_LABELS = ("0-25%", "25-50%", "50-75%", "75-100%", ">=100%")
LOW_ACHIEVEMENT = 0.5  # "units that struggle": members below half of their targets
# Capped means are compared and bucketed rounded to this many digits, so that rounding errors
# of floating-point sums never move a mean that is exactly on an edge (0.5) below it.
MEAN_DIGITS = 9
RECENT_BROADCASTS = 10
OUTBOX_STATUSES = ("sent", "failed", "blocked", "cancelled", "pending")


class OutOfScope(Exception):
    """The speaker is not HR, or asked about an OPD outside their HR scope."""


Scope = frozenset[int] | None  # None = every OPD


def resolve_scope(speaker: Speaker, opd_id: int | None = None) -> Scope:
    """Return the OPD ids the speaker may analyse (optionally one OPD); OutOfScope otherwise."""
    if not speaker.is_hr:
        raise OutOfScope("not HR")
    if opd_id:
        if not speaker.hr_covers(opd_id):
            raise OutOfScope(f"OPD {opd_id} outside scope")
        return frozenset({opd_id})
    if speaker.is_admin:
        return None
    return speaker.hr_opd_ids


def _in_scope(column: Any, scope: Scope) -> Any:
    """A WHERE clause limiting an opd_id column to the scope (true when city-wide)."""
    return true() if scope is None else col(column).in_(sorted(scope))


async def opds_in_scope(session: AsyncSession, scope: Scope) -> list[Opd]:
    """Return the OPDs of a scope, ordered by code."""
    query = select(Opd).where(_in_scope(Opd.id, scope)).order_by(col(Opd.code))
    return list((await session.exec(query)).all())


def week_start_utc(now: datetime, tz: tzinfo) -> datetime:
    """The first instant of the current week (Monday 00:00 local time), in UTC."""
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=tz).astimezone(UTC)


def month_start_utc(now: datetime, tz: tzinfo) -> datetime:
    """The first instant of the current calendar month in local time, in UTC."""
    local = now.astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz).astimezone(UTC)


# --- reporting compliance -----------------------------------------------------------------


@dataclass(frozen=True)
class OpdCompliance:
    """How many staff with approved targets reported this week and this month, per OPD."""

    opd_id: int
    code: str
    name: str
    eligible: int
    week: int
    month: int

    @property
    def week_share(self) -> float:
        return self.week / self.eligible if self.eligible else 0.0

    @property
    def month_share(self) -> float:
        return self.month / self.eligible if self.eligible else 0.0


def _with_approved_targets(period: Period) -> Any:
    """Employee ids with at least one approved target in the period (for IN)."""
    return select(Target.employee_id).where(
        Target.period == period.code, Target.status == "approved"
    )


async def _reporters_by_opd(
    session: AsyncSession, scope: Scope, period: Period, since: datetime
) -> dict[int, int]:
    """Count eligible employees with an active report since `since`, per OPD."""
    # The reports are narrowed first (created_at range, one row per employee) and then
    # joined: a per-employee probe into progressreport degrades badly on PostgreSQL when
    # its statistics are stale after a bulk import (minutes instead of milliseconds).
    reporters = (
        select(ProgressReport.employee_id)
        .where(ProgressReport.status == "active", col(ProgressReport.created_at) >= since)
        .distinct()
        .subquery()
    )
    query = (
        select(Employee.opd_id, func.count())
        .join(reporters, reporters.c.employee_id == Employee.id)
        .where(
            col(Employee.active).is_(True),
            col(Employee.id).in_(_with_approved_targets(period)),
            _in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Employee.opd_id))
    )
    return {opd: int(n) for opd, n in (await session.exec(query)).all()}


async def compliance(
    session: AsyncSession, scope: Scope, period: Period, now: datetime, tz: tzinfo
) -> list[OpdCompliance]:
    """Return reporting compliance per OPD (OPDs without eligible staff are left out)."""
    eligible_query = (
        select(Employee.opd_id, func.count())
        .where(
            col(Employee.active).is_(True),
            col(Employee.id).in_(_with_approved_targets(period)),
            _in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Employee.opd_id))
    )
    eligible = {opd: int(n) for opd, n in (await session.exec(eligible_query)).all()}
    week = await _reporters_by_opd(session, scope, period, week_start_utc(now, tz))
    month = await _reporters_by_opd(session, scope, period, month_start_utc(now, tz))
    return [
        OpdCompliance(
            opd.id,
            opd.code,
            opd.name,
            eligible[opd.id],
            week.get(opd.id, 0),
            month.get(opd.id, 0),
        )
        for opd in await opds_in_scope(session, scope)
        if opd.id is not None and opd.id in eligible
    ]


def total_compliance(rows: Sequence[OpdCompliance]) -> OpdCompliance:
    """Sum the per-OPD rows into one line for the whole scope."""
    return OpdCompliance(
        0,
        "",
        "",
        sum(r.eligible for r in rows),
        sum(r.week for r in rows),
        sum(r.month for r in rows),
    )


# --- achievement ----------------------------------------------------------------------------


def capped_means(scope: Scope, period: Period) -> Any:
    """A subquery of (employee_id, mean): each active employee's capped mean achievement.

    Per approved numeric target of the period, the active reports' sum over the target amount,
    capped at 1; then averaged per employee. Done in the database: a city has a quarter of a
    million targets and over a million reports, far too many rows to ship to Python.
    """
    # * 1.0: SQLite would divide two integers as integers.
    done = func.coalesce(func.sum(ProgressReport.amount), 0) * 1.0 / col(Target.target_amount)
    per_target = (
        select(Target.employee_id, case((done > 1, 1.0), else_=done).label("ratio"))
        .join(Employee, col(Employee.id) == Target.employee_id)
        .outerjoin(
            ProgressReport,
            and_(
                col(ProgressReport.target_id) == Target.id,
                col(ProgressReport.status) == "active",
            ),
        )
        .where(
            Target.period == period.code,
            Target.status == "approved",
            Target.kind == "kuantitatif",
            col(Target.target_amount) > 0,
            col(Employee.active).is_(True),
            _in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Target.id), col(Target.employee_id), col(Target.target_amount))
        .subquery()
    )
    return (
        select(per_target.c.employee_id, func.avg(per_target.c.ratio).label("mean"))
        .group_by(per_target.c.employee_id)
        .subquery()
    )


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
    session: AsyncSession, scope: Scope, period: Period
) -> AchievementSpread:
    """Count employees per achievement bucket in the scope."""
    means = await achievement_by_employee(session, scope, period)
    buckets = [0] * len(BUCKET_LABELS)
    for value in means.values():
        buckets[bucket_of(value)] += 1
    mean = sum(means.values()) / len(means) if means else None
    return AchievementSpread(tuple(buckets), len(means), mean)


# --- predikat vs the curve ------------------------------------------------------------------


@dataclass(frozen=True)
class OpdPredikat:
    """An OPD's predikat counts for a period, its organisation rating and the deviations."""

    opd_id: int
    code: str
    name: str
    counts: dict[str, int]
    org_rating: str | None
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def predikat_spread(
    session: AsyncSession, scope: Scope, period: Period
) -> list[OpdPredikat]:
    """Return final evaluations per OPD and predikat, checked against the curve."""
    query = (
        select(Employee.opd_id, Evaluation.predikat, func.count())
        .join(Employee, col(Employee.id) == Evaluation.employee_id)
        .where(Evaluation.period == period.code, _in_scope(Employee.opd_id, scope))
        .group_by(col(Employee.opd_id), col(Evaluation.predikat))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for opd_id, name, n in (await session.exec(query)).all():
        counts[opd_id][name] = int(n)
    ratings_query = select(OrgRating.opd_id, OrgRating.rating).where(
        OrgRating.period == period.code, _in_scope(OrgRating.opd_id, scope)
    )
    ratings = dict((await session.exec(ratings_query)).all())
    out: list[OpdPredikat] = []
    for opd in await opds_in_scope(session, scope):
        if opd.id not in counts:
            continue
        opd_counts = {p: counts[opd.id].get(p, 0) for p in PREDIKATS}
        rating = ratings.get(opd.id)
        deviations = check_distribution(rating, opd_counts) if rating else []
        out.append(OpdPredikat(opd.id or 0, opd.code, opd.name, opd_counts, rating, deviations))
    return out


# --- broadcasts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BroadcastStats:
    """Delivery and acknowledgement of one broadcast, limited to the scope."""

    broadcast_id: int
    created_at: datetime
    status: str
    preview: str
    recipients: int
    statuses: dict[str, int]
    acknowledged: int
    by_opd: dict[str, tuple[int, int]]  # OPD code -> (recipients, acknowledged)

    @property
    def sent(self) -> int:
        return self.statuses.get("sent", 0)

    @property
    def ack_share(self) -> float:
        return self.acknowledged / self.recipients if self.recipients else 0.0


def preview_of(text_html: str, limit: int = 40) -> str:
    """A short plain-text preview of a broadcast's HTML (tags dropped)."""
    plain, inside = [], False
    for ch in text_html:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            plain.append(ch)
    text = " ".join("".join(plain).split())
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def broadcast_in_scope(session: AsyncSession, scope: Scope, broadcast_id: int) -> bool:
    """True when the broadcast exists and (for OPD HR) reached someone in the scope."""
    if await session.get(Broadcast, broadcast_id) is None:
        return False
    if scope is None:
        return True
    query = (
        select(OutboxMessage.id)
        .join(Employee, col(Employee.id) == OutboxMessage.employee_id)
        .where(OutboxMessage.broadcast_id == broadcast_id, _in_scope(Employee.opd_id, scope))
        .limit(1)
    )
    return (await session.exec(query)).first() is not None


async def broadcast_stats(
    session: AsyncSession, scope: Scope, limit: int = RECENT_BROADCASTS
) -> list[BroadcastStats]:
    """Return the most recent broadcasts with recipients in the scope, newest first."""
    rows_query = (
        select(OutboxMessage.broadcast_id, Employee.opd_id, OutboxMessage.status, func.count())
        .join(Employee, col(Employee.id) == OutboxMessage.employee_id)
        .where(col(OutboxMessage.broadcast_id).is_not(None), _in_scope(Employee.opd_id, scope))
        .group_by(col(OutboxMessage.broadcast_id), col(Employee.opd_id), col(OutboxMessage.status))
    )
    delivery = (await session.exec(rows_query)).all()
    ids = sorted({row[0] for row in delivery if row[0] is not None}, reverse=True)[:limit]
    if not ids:
        return []
    acks_query = (
        select(BroadcastAck.broadcast_id, Employee.opd_id, func.count())
        .join(Employee, col(Employee.id) == BroadcastAck.employee_id)
        .where(col(BroadcastAck.broadcast_id).in_(ids), _in_scope(Employee.opd_id, scope))
        .group_by(col(BroadcastAck.broadcast_id), col(Employee.opd_id))
    )
    acks: dict[int, dict[int, int]] = defaultdict(dict)
    for bid, opd_id, n in (await session.exec(acks_query)).all():
        acks[bid][opd_id] = int(n)
    codes = {o.id: o.code for o in await opds_in_scope(session, scope)}
    broadcasts = {
        b.id: b
        for b in (await session.exec(select(Broadcast).where(col(Broadcast.id).in_(ids)))).all()
    }
    out: list[BroadcastStats] = []
    for bid in ids:
        statuses: dict[str, int] = defaultdict(int)
        per_opd: dict[int, int] = defaultdict(int)
        for row_bid, opd_id, status, n in delivery:
            if row_bid == bid:
                # "sending" is a drainer's in-flight state: still pending for the report.
                statuses["pending" if status == "sending" else status] += int(n)
                per_opd[opd_id] += int(n)
        broadcast = broadcasts.get(bid)
        if broadcast is None:
            continue
        by_opd = {
            codes.get(opd_id, str(opd_id)): (n, acks[bid].get(opd_id, 0))
            for opd_id, n in sorted(per_opd.items(), key=lambda kv: codes.get(kv[0], ""))
        }
        out.append(
            BroadcastStats(
                bid,
                broadcast.created_at,
                broadcast.status,
                preview_of(broadcast.text_html),
                sum(per_opd.values()),
                dict(statuses),
                sum(acks[bid].values()),
                by_opd,
            )
        )
    return out


# --- units that struggle ------------------------------------------------------------------


@dataclass(frozen=True)
class UnitStruggle:
    """A unit's share of below-expectation results and of low achievers."""

    unit_id: int
    unit: str
    opd_code: str
    evaluated: int
    below: int  # hasil kerja di_bawah
    measured: int
    low: int  # capped mean achievement under LOW_ACHIEVEMENT

    @property
    def below_share(self) -> float:
        return self.below / self.evaluated if self.evaluated else 0.0

    @property
    def low_share(self) -> float:
        return self.low / self.measured if self.measured else 0.0


async def struggling_units(
    session: AsyncSession, scope: Scope, period: Period, limit: int = 10
) -> list[UnitStruggle]:
    """Rank units by their share of di_bawah results, then of low achievement (worst first)."""
    eval_query = (
        select(
            Employee.unit_id,
            func.count(),
            func.sum(case((col(Evaluation.hasil_kerja) == DI_BAWAH, 1), else_=0)),
        )
        .join(Employee, col(Employee.id) == Evaluation.employee_id)
        .where(
            Evaluation.period == period.code,
            col(Employee.unit_id).is_not(None),
            _in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Employee.unit_id))
    )
    evaluated = {
        u: (int(n), int(b or 0))
        for u, n, b in (await session.exec(eval_query)).all()
        if u is not None
    }
    means = capped_means(scope, period)
    measured_query = (
        select(
            Employee.unit_id,
            func.count(),
            func.sum(case((mean_below(means.c.mean, LOW_ACHIEVEMENT), 1), else_=0)),
        )
        .join(means, means.c.employee_id == Employee.id)
        .where(col(Employee.unit_id).is_not(None))
        .group_by(col(Employee.unit_id))
    )
    measured = {
        u: (int(n), int(low or 0))
        for u, n, low in (await session.exec(measured_query)).all()
        if u is not None
    }
    unit_ids = set(evaluated) | set(measured)
    if not unit_ids:
        return []
    units_query = (
        select(col(Unit.id), Unit.name, Opd.code)
        .join(Opd, col(Opd.id) == Unit.opd_id)
        .where(col(Unit.id).in_(sorted(unit_ids)))
    )
    out = []
    for unit_id, name, code in (await session.exec(units_query)).all():
        if unit_id is None:
            continue
        n_eval, n_below = evaluated.get(unit_id, (0, 0))
        n_measured, low = measured.get(unit_id, (0, 0))
        out.append(UnitStruggle(unit_id, name, code, n_eval, n_below, n_measured, low))
    out = [u for u in out if u.below or u.low]
    out.sort(key=lambda u: (-u.below_share, -u.low_share, u.opd_code, u.unit))
    return out[:limit]


# --- charts ---------------------------------------------------------------------------------

MAX_ROWS = 12
SERIES_COLORS = ("#1565c0", "#90caf9", "#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a")
PREDIKAT_COLORS = ("#2e7d32", "#66bb6a", "#f9a825", "#ef6c00", "#c62828")


def render_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    series: Sequence[str],
    title: str,
    value_label: Callable[[float], str],
    stacked: bool = False,
    limit: float | None = None,
    colors: Sequence[str] = SERIES_COLORS,
    note: str | None = None,
) -> bytes:
    """Draw horizontal bars (grouped, or stacked) per row and return PNG bytes.

    Values of grouped bars are labelled with `value_label`; stacked bars show each row's
    total. At most MAX_ROWS rows are drawn (callers mention the rest in `note`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = list(rows)[:MAX_ROWS]
    n_series = max(1, len(series))
    per_row = 0.75 if stacked or n_series == 1 else 0.45 * n_series + 0.3
    figure = Figure(figsize=(WIDTH_INCHES, 2.6 + per_row * max(1, len(shown))), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(shown)))
    height = 0.6 if stacked else 0.7 / n_series
    lefts = [0.0] * len(shown)
    peak = 0.0
    for s, name in enumerate(series):
        values = [float(values[s]) if s < len(values) else 0.0 for _, values in shown]
        color = colors[s % len(colors)]
        if stacked:
            axes.barh(positions, values, left=lefts, color=color, height=height, label=name)
            lefts = [a + b for a, b in zip(lefts, values, strict=True)]
            peak = max([peak, *lefts])
            continue
        offsets = [p - 0.35 + height * (s + 0.5) for p in positions]
        axes.barh(offsets, values, color=color, height=height, label=name)
        peak = max([peak, *values])
        for y, value in zip(offsets, values, strict=True):
            axes.text(
                value,
                y,
                " " + chart_text(value_label(value), 12),
                va="center",
                fontsize=FONT_SIZE - 3 if n_series > 1 else FONT_SIZE,
            )
    if stacked:
        for y, total in zip(positions, lefts, strict=True):
            axes.text(total, y, " " + chart_text(value_label(total), 12), va="center")
    axes.set_yticks(positions, labels=[chart_text(label) for label, _ in shown])
    axes.tick_params(axis="y", labelsize=FONT_SIZE - 1)
    axes.tick_params(axis="x", labelsize=FONT_SIZE - 4)
    axes.invert_yaxis()
    right = limit if limit is not None else max(peak, 1.0)
    axes.set_xlim(0, right * 1.25)
    if limit is not None:
        ticks = [0, limit / 2, limit]
        axes.set_xticks(ticks, labels=[chart_text(value_label(v), 12) for v in ticks])
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if len(series) > 1:
        axes.legend(
            fontsize=FONT_SIZE - 4,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.08),
            ncol=min(3, len(series)),
            frameon=False,
        )
    figure.suptitle(chart_text(title, 40), fontsize=FONT_SIZE + 1, fontweight="bold")
    if note:
        figure.text(0.5, 0.01, chart_text(note, 60), ha="center", fontsize=FONT_SIZE - 4)
    figure.tight_layout(rect=(0, 0.03 if note else 0, 1, 0.96))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
