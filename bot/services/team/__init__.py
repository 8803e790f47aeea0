"""A leader's team overview (/tim): achievement, reports and flags per direct subordinate.

Everything for a whole team is read with a handful of set-based queries (members, their
targets, report sums, report dates and counts, who leads someone), never one query per
person, so a kepala dinas with 100+ staff gets an answer quickly. Paging and grouping by unit
happen in memory on those rows. Every view names a leader and checks that the speaker may
see that leader's team (themself, or someone in their reporting tree, or HR in scope).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Translator
from bot.services import access, progress, reports
from bot.services.access import Speaker
from bot.services.periods import Period, period_of
from bot.services.reports import notices as report_notices
from bot.services.targets import achievement
from bot.services.targets import overviews as target_views
from bot.services.targets.vocabulary import STATUS_APPROVED, STATUS_PENDING
from bot.text import esc
from models import Employee, ProgressReport, Target, Unit

PAGE_SIZE = 10
STALE_DAYS = 14
RECENT_REPORTS = 3
NOTE_PREVIEW_CHARS = 120
NO_UNIT = 0  # the unit filter for members without a unit (unit ids start at 1)
NOTICE_MODES = ("instant", "digest", "off")
FLAG_STALE = "⏰"
FLAG_PENDING = "📝"
FLAG_LEADER = "👥"


@dataclass(frozen=True)
class MemberRow:
    """One direct subordinate on the team list."""

    employee_id: int
    name: str
    unit_id: int | None
    achievement: float | None  # mean of capped ratios of approved quantitative targets
    approved: int  # approved targets this semester
    pending: int  # targets awaiting the leader's approval
    last_report: datetime | None
    reports_this_month: int
    stale: bool  # has approved targets but no report for STALE_DAYS days
    leads: int  # this member's own direct subordinates


@dataclass(frozen=True)
class RollUp:
    """One of the leader's own targets with what their staff's linked targets add up to."""

    title: str
    unit: str
    target_amount: float | None
    achieved: float | None
    ratio: float | None
    contributors: int


@dataclass
class TeamView:
    """A page of a leader's team, optionally one unit only."""

    leader: Employee
    period: Period
    members: list[MemberRow]  # this page
    total: int  # members matching the unit filter
    page: int
    pages: int
    unit_id: int | None  # None = everyone; NO_UNIT = members without a unit
    unit_name: str
    team_achievement: float | None  # over everyone shown by the filter
    stale: int
    pending: int
    rollups: list[RollUp] = field(default_factory=list)
    own: bool = True  # the speaker's own team (not a drill-down into a sub-leader's)


@dataclass(frozen=True)
class UnitGroup:
    """Direct subordinates of one unit, summed up."""

    unit_id: int  # NO_UNIT for members without a unit
    name: str
    members: int
    achievement: float | None
    stale: int
    pending: int


@dataclass
class UnitsView:
    """A leader's team grouped by unit."""

    leader: Employee
    period: Period
    groups: list[UnitGroup]


@dataclass(frozen=True)
class RecentReport:
    """A recent report shown on a member's detail screen."""

    created_at: datetime
    title: str
    amount: float | None
    unit: str
    note: str


@dataclass
class MemberDetail:
    """One subordinate's targets, progress and recent reports, for their leader."""

    employee: Employee
    summary: progress.ProgressSummary
    recent: list[RecentReport]
    leads: int
    is_direct: bool


def mean_capped(ratios: Sequence[float]) -> float | None:
    """Average ratios each capped at 100 %, as /kinerja's overall achievement does."""
    return sum(min(r, 1.0) for r in ratios) / len(ratios) if ratios else None


def month_start_utc(now: datetime, tz: tzinfo) -> datetime:
    """The first instant of the current calendar month in the bot's time zone, in UTC."""
    local = now.astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz).astimezone(UTC)


async def viewable_leader(
    session: AsyncSession, speaker: Speaker, leader_id: int
) -> Employee | None:
    """Return the leader whose team is asked for when the speaker may see it, else None."""
    if leader_id == speaker.id:
        return speaker.employee
    leader = await session.get(Employee, leader_id)
    if leader is None or not leader.active:
        return None
    return leader if await access.can_view(session, speaker, leader) else None


async def members_of(
    session: AsyncSession, leader_id: int, period: Period, now: datetime, tz: tzinfo
) -> list[MemberRow]:
    """Return every active direct subordinate with achievement, reports and flags (set-based)."""
    people = (
        await session.exec(
            select(Employee.id, Employee.name, Employee.unit_id)
            .where(Employee.supervisor_id == leader_id, col(Employee.active).is_(True))
            .order_by(col(Employee.name), col(Employee.id))
        )
    ).all()
    if not people:
        return []
    team = (
        select(Employee.id)
        .where(Employee.supervisor_id == leader_id, col(Employee.active).is_(True))
        .scalar_subquery()
    )
    # On SQLite without ANALYZE statistics, an equality on the unselective period or status
    # index makes the planner walk that index across the whole city instead of using the
    # employee_id index. Wrapping the column in an expression (period || '') keeps the filter
    # but takes that index out of the planner's choice; status is checked in Python.
    targets = [
        t
        for t in (
            await session.exec(
                select(Target).where(
                    col(Target.employee_id).in_(team),
                    (col(Target.period) + "") == period.code,
                )
            )
        ).all()
        if t.status in (STATUS_APPROVED, STATUS_PENDING)
    ]
    target_ids = [t.id for t in targets if t.status == STATUS_APPROVED and t.id is not None]
    active = col(ProgressReport.status) == reports.ACTIVE
    # The sums achievement.achieved_by_target adds up, reached through the employee_id index
    # (the status test sits inside the aggregate for the index reason above).
    sums = {
        target_id: Decimal(str(total or 0))
        for target_id, total in (
            await session.exec(
                select(
                    ProgressReport.target_id,
                    func.sum(case((active, ProgressReport.amount), else_=0)),
                )
                .where(
                    col(ProgressReport.employee_id).in_(team),
                    col(ProgressReport.target_id).in_(target_ids),
                )
                .group_by(col(ProgressReport.target_id))
            )
        ).all()
    }
    month = month_start_utc(now, tz)
    # Last report and this month's count per member, over every semester.
    report_rows = (
        await session.exec(
            select(
                ProgressReport.employee_id,
                func.max(case((active, ProgressReport.created_at), else_=None)),
                func.sum(
                    case((and_(active, col(ProgressReport.created_at) >= month), 1), else_=0)
                ),
            )
            .where(col(ProgressReport.employee_id).in_(team))
            .group_by(col(ProgressReport.employee_id))
        )
    ).all()
    last = {emp: when for emp, when, _n in report_rows if when is not None}
    monthly = {emp: int(n or 0) for emp, _when, n in report_rows}
    ratios: dict[int, list[float]] = {}
    approved_count: dict[int, int] = {}
    pending: dict[int, int] = {}
    for target in targets:
        if target.status == STATUS_PENDING:
            pending[target.employee_id] = pending.get(target.employee_id, 0) + 1
            continue
        approved_count[target.employee_id] = approved_count.get(target.employee_id, 0) + 1
        ratio = achievement.ratio(sums.get(target.id or 0, Decimal(0)), target)
        if ratio is not None:
            ratios.setdefault(target.employee_id, []).append(ratio)
    leads = dict(
        (
            await session.exec(
                select(Employee.supervisor_id, func.count())
                .where(col(Employee.supervisor_id).in_(team), col(Employee.active).is_(True))
                .group_by(col(Employee.supervisor_id))
            )
        ).all()
    )
    stale_before = now.astimezone(UTC) - timedelta(days=STALE_DAYS)
    rows: list[MemberRow] = []
    for emp_id, name, unit_id in people:
        assert emp_id is not None
        when = last.get(emp_id)
        has_targets = approved_count.get(emp_id, 0) > 0
        rows.append(
            MemberRow(
                employee_id=emp_id,
                name=name,
                unit_id=unit_id,
                achievement=mean_capped(ratios.get(emp_id, [])),
                approved=approved_count.get(emp_id, 0),
                pending=pending.get(emp_id, 0),
                last_report=when,
                reports_this_month=monthly.get(emp_id, 0),
                stale=has_targets and (when is None or when < stale_before),
                leads=int(leads.get(emp_id, 0)),
            )
        )
    return rows


async def rollups_of(session: AsyncSession, leader_id: int, period: Period) -> list[RollUp]:
    """Return the leader's approved targets that staff targets contribute to (the cascade)."""
    own = [
        t
        for t in await target_views.list_targets(session, leader_id, period)
        if t.status == STATUS_APPROVED and t.id is not None
    ]
    if not own:
        return []
    # Ask once which of them have contributing targets, so cascade_of runs only for those.
    with_children = set(
        (
            await session.exec(
                select(Target.parent_target_id)
                .where(col(Target.parent_target_id).in_([t.id for t in own]))
                .distinct()
            )
        ).all()
    )
    own = [t for t in own if t.id in with_children]
    found: list[RollUp] = []
    for target in own:  # a leader has a handful of targets, not hundreds
        cascade = await target_views.cascade_of(session, target)
        if not cascade.children:
            continue
        found.append(
            RollUp(
                title=target.title,
                unit=target.unit.strip(),
                target_amount=float(target.target_amount) if target.target_amount else None,
                achieved=(
                    float(cascade.summed_achieved) if cascade.summed_achieved is not None else None
                ),
                ratio=cascade.ratio,
                contributors=len({c.target.employee_id for c in cascade.children}),
            )
        )
    return found


def _unit_filter(rows: list[MemberRow], unit_id: int | None) -> list[MemberRow]:
    if unit_id is None:
        return rows
    if unit_id == NO_UNIT:
        return [r for r in rows if r.unit_id is None]
    return [r for r in rows if r.unit_id == unit_id]


async def unit_in_scope(
    session: AsyncSession, leader: Employee, unit_id: int, members: Sequence[MemberRow]
) -> Unit | None:
    """The unit when it is in the leader's OPD or one of the team works in it, else None.

    A unit id comes from callback data, so a crafted one from another OPD must not be named;
    it gets the same answer as a unit that does not exist."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        return None
    if unit.opd_id == leader.opd_id or any(m.unit_id == unit_id for m in members):
        return unit
    return None


async def team_view(
    session: AsyncSession,
    speaker: Speaker,
    leader_id: int,
    *,
    now: datetime,
    tz: tzinfo,
    page: int = 0,
    unit_id: int | None = None,
) -> TeamView | None:
    """Return one page of a leader's team (optionally one unit); None when not allowed."""
    leader = await viewable_leader(session, speaker, leader_id)
    if leader is None:
        return None
    period = period_of(now.astimezone(tz).date())
    everyone = await members_of(session, leader_id, period, now, tz)
    unit_name = ""
    if unit_id is not None and unit_id != NO_UNIT:
        unit = await unit_in_scope(session, leader, unit_id, everyone)
        if unit is None:
            return None
        unit_name = unit.name
    rows = _unit_filter(everyone, unit_id)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    first_overall = page == 0 and unit_id is None
    return TeamView(
        leader=leader,
        period=period,
        members=rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE],
        total=len(rows),
        page=page,
        pages=pages,
        unit_id=unit_id,
        unit_name=unit_name,
        team_achievement=mean_capped([r.achievement for r in rows if r.achievement is not None]),
        stale=sum(1 for r in rows if r.stale),
        pending=sum(1 for r in rows if r.pending),
        rollups=await rollups_of(session, leader_id, period) if first_overall else [],
        own=leader_id == speaker.id,
    )


async def units_view(
    session: AsyncSession, speaker: Speaker, leader_id: int, *, now: datetime, tz: tzinfo
) -> UnitsView | None:
    """Return a leader's direct subordinates grouped by unit; None when not allowed."""
    leader = await viewable_leader(session, speaker, leader_id)
    if leader is None:
        return None
    period = period_of(now.astimezone(tz).date())
    rows = await members_of(session, leader_id, period, now, tz)
    unit_ids = {r.unit_id for r in rows if r.unit_id is not None}
    names: dict[int, str] = {}
    if unit_ids:
        names = {
            uid: name
            for uid, name in (
                await session.exec(select(Unit.id, Unit.name).where(col(Unit.id).in_(unit_ids)))
            ).all()
            if uid is not None
        }
    grouped: dict[int, list[MemberRow]] = {}
    for row in rows:
        grouped.setdefault(row.unit_id or NO_UNIT, []).append(row)
    groups = [
        UnitGroup(
            unit_id=uid,
            name=names.get(uid, ""),
            members=len(members),
            achievement=mean_capped([m.achievement for m in members if m.achievement is not None]),
            stale=sum(1 for m in members if m.stale),
            pending=sum(1 for m in members if m.pending),
        )
        for uid, members in grouped.items()
    ]
    # Named units alphabetically; people without a unit last.
    groups.sort(key=lambda g: (g.unit_id == NO_UNIT, g.name.casefold()))
    return UnitsView(leader=leader, period=period, groups=groups)


async def member_detail(
    session: AsyncSession, speaker: Speaker, employee_id: int, *, now: datetime, tz: tzinfo
) -> MemberDetail | None:
    """Return a subordinate's targets and recent reports; None unless in the speaker's tree."""
    employee = await session.get(Employee, employee_id)
    if employee is None or employee.id == speaker.id or not employee.active:
        return None
    if not await access.can_view(session, speaker, employee):
        return None
    summary = await progress.progress_of(session, employee_id, now.astimezone(tz).date())
    recent_rows = (
        await session.exec(
            select(ProgressReport, Target)
            .join(Target, col(Target.id) == ProgressReport.target_id)
            .where(
                ProgressReport.employee_id == employee_id, ProgressReport.status == reports.ACTIVE
            )
            .order_by(col(ProgressReport.created_at).desc(), col(ProgressReport.id).desc())
            .limit(RECENT_REPORTS)
        )
    ).all()
    leads = (
        await session.exec(
            select(func.count())
            .select_from(Employee)
            .where(Employee.supervisor_id == employee_id, col(Employee.active).is_(True))
        )
    ).one()
    return MemberDetail(
        employee=employee,
        summary=summary,
        recent=[
            RecentReport(
                created_at=r.created_at,
                title=t.title,
                amount=float(r.amount) if r.amount is not None else None,
                unit=t.unit.strip(),
                note=r.note,
            )
            for r, t in recent_rows
        ],
        leads=int(leads),
        is_direct=access.is_direct_supervisor(speaker, employee),
    )


async def chart_bars(
    session: AsyncSession,
    speaker: Speaker,
    leader_id: int,
    *,
    now: datetime,
    tz: tzinfo,
    page: int = 0,
    unit_id: int | None = None,
) -> tuple[TeamView, list[tuple[str, float]]] | None:
    """Return the page shown and (name, achievement) bars for its members with numeric targets."""
    view = await team_view(session, speaker, leader_id, now=now, tz=tz, page=page, unit_id=unit_id)
    if view is None:
        return None
    bars = [(m.name, m.achievement) for m in view.members if m.achievement is not None]
    return view, bars


async def set_notice_mode(session: AsyncSession, speaker: Speaker, mode: str) -> bool:
    """Store how report notices reach this leader; False (nothing changed) for unknown modes."""
    if mode not in NOTICE_MODES:
        return False
    employee = await session.get(Employee, speaker.id)
    if employee is None:
        return False
    employee.notice_mode = mode
    session.add(employee)
    await session.commit()
    return True


async def notice_mode_of(session: AsyncSession, speaker: Speaker) -> str:
    """Return the leader's current notice mode (read fresh, not from the cached speaker)."""
    mode = (
        await session.exec(select(Employee.notice_mode).where(Employee.id == speaker.id))
    ).first()
    return mode or "instant"


# --- rendering (HTML, user text escaped) ---


def _last_report_text(row: MemberRow, t: Translator) -> str:
    _ = t._
    if row.last_report is None:
        return _("no reports yet")
    return _("last report {date}").format(date=t.date(row.last_report, "medium"))


def member_line(row: MemberRow, t: Translator) -> str:
    """One compact line (or two) per member for the list."""
    _ = t._
    flags = ""
    if row.stale:
        flags += " " + FLAG_STALE
    if row.pending:
        flags += " " + FLAG_PENDING
    lead = f" {FLAG_LEADER}" if row.leads else ""
    percent = t.percent(row.achievement) if row.achievement is not None else "–"
    month = _("reports this month: {count}").format(count=t.number(row.reports_this_month))
    return (
        f"• <b>{esc(row.name)}</b>{lead}: {percent}{flags}\n"
        f"   {_last_report_text(row, t)} · {month}"
    )


def render_team(view: TeamView, t: Translator) -> str:
    """Render a team page: header, roll-up of the leader's targets, members, legend."""
    _ = t._
    period = progress.period_label(view.period)
    if view.own:
        head = _("<b>Your team, {period}</b>").format(period=period)
    else:
        head = _("<b>Team of {name}, {period}</b>").format(
            name=esc(view.leader.name), period=period
        )
    out = [head]
    if view.unit_id is not None:
        unit = esc(view.unit_name) if view.unit_id != NO_UNIT else _("Without a unit")
        out.append(_("Unit: {unit}").format(unit=unit))
    if view.total == 0:
        out += ["", _("There is no one in this list yet.")]
        return "\n".join(out)
    out.append(
        _("Direct team members: {count}").format(count=t.number(view.total))
        + (
            " · " + _("page {page} of {pages}").format(page=view.page + 1, pages=view.pages)
            if view.pages > 1
            else ""
        )
    )
    if view.team_achievement is not None:
        out.append(
            _("Team achievement: {percent}").format(percent=t.percent(view.team_achievement))
        )
    if view.rollups:
        title = (
            _("<b>Team contribution to your targets</b>")
            if view.own
            else _("<b>Team contribution to the leader's targets</b>")
        )
        out += ["", title]
        for roll in view.rollups:
            if roll.ratio is not None and roll.achieved is not None and roll.target_amount:
                out.append(
                    _(
                        "• {title}: {done} of {target} {unit} ({percent}) from {count} staff"
                    ).format(
                        title=esc(roll.title),
                        done=t.number(roll.achieved),
                        target=t.number(roll.target_amount),
                        unit=esc(roll.unit),
                        percent=t.percent(roll.ratio),
                        count=t.number(roll.contributors),
                    )
                )
            else:
                out.append(
                    _("• {title}: supported by {count} staff").format(
                        title=esc(roll.title), count=t.number(roll.contributors)
                    )
                )
    out.append("")
    out += [member_line(row, t) for row in view.members]
    legend: list[str] = []
    if view.stale:
        legend.append(
            _("{flag} no report for {days} days ({count})").format(
                flag=FLAG_STALE, days=STALE_DAYS, count=t.number(view.stale)
            )
        )
    if view.pending:
        legend.append(
            _("{flag} targets waiting for your approval ({count})").format(
                flag=FLAG_PENDING, count=t.number(view.pending)
            )
        )
    if any(row.leads for row in view.members):
        legend.append(_("{flag} leads a team too").format(flag=FLAG_LEADER))
    if legend:
        out += ["", *legend]
    out += ["", _("Tap a name to see their targets and reports.")]
    return "\n".join(out)


def render_units(view: UnitsView, t: Translator) -> str:
    """Render the team grouped by unit."""
    _ = t._
    out = [
        _("<b>Your team by unit, {period}</b>").format(period=progress.period_label(view.period))
    ]
    if not view.groups:
        out += ["", _("No one reports to you directly yet.")]
        return "\n".join(out)
    for group in view.groups:
        name = esc(group.name) if group.unit_id != NO_UNIT else _("Without a unit")
        percent = t.percent(group.achievement) if group.achievement is not None else "–"
        flags = ""
        if group.stale:
            flags += f" · {FLAG_STALE} {t.number(group.stale)}"
        if group.pending:
            flags += f" · {FLAG_PENDING} {t.number(group.pending)}"
        out.append(
            _("• <b>{unit}</b>: {count} people, {percent}").format(
                unit=name, count=t.number(group.members), percent=percent
            )
            + flags
        )
    out += ["", _("Tap a unit to see its people.")]
    return "\n".join(out)


def render_detail(detail: MemberDetail, t: Translator) -> str:
    """Render a subordinate's targets with %, waiting targets and recent reports."""
    _ = t._
    summary = detail.summary
    out = [
        _("<b>{name}</b>, {period}").format(
            name=esc(detail.employee.name), period=progress.period_label(summary.period)
        )
    ]
    if detail.employee.position:
        out.append(esc(detail.employee.position))
    if summary.overall is not None:
        out.append(_("Overall achievement: {percent}").format(percent=t.percent(summary.overall)))
    if not summary.lines:
        out += ["", _("No approved targets for this semester yet.")]
    for number, line in enumerate(summary.lines, 1):
        if line.ratio is not None:
            state = _("{done} of {target} {unit} ({percent})").format(
                done=t.number(line.achieved),
                target=t.number(line.target_amount or 0),
                unit=esc(line.unit),
                percent=t.percent(line.ratio),
            )
        else:
            state = _("Reports: {count}").format(count=t.number(line.reports))
        out.append(f"{number}. {esc(line.title)}\n   {state}")
    if summary.waiting:
        out += ["", _("<b>Waiting for approval</b>")]
        out += [f"• {esc(w.title)}" for w in summary.waiting]
    out += ["", _("<b>Latest reports</b>")]
    if not detail.recent:
        out.append(_("No reports yet."))
    for report in detail.recent:
        amount = (
            f" +{t.number(report.amount)} {esc(report.unit)}" if report.amount is not None else ""
        )
        item = f"• {t.date(report.created_at, 'medium')}: {esc(report.title)}{amount}"
        if report.note:
            item += "\n   " + esc(report_notices.preview(report.note, NOTE_PREVIEW_CHARS))
        out.append(item)
    return "\n".join(out)
