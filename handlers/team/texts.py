"""The /tim screens: the team page, the team by unit, one member, the report-notice menu, the
chart's words. Each screen is (HTML text, keyboard); names and titles are escaped."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.services import team
from bot.services.periods import Period, semester_name
from bot.services.reports import notices as report_notices
from bot.services.targets.describing import own_status_lines
from bot.services.team import MemberDetail, MemberRow, TeamView, UnitsView
from bot.text import callback_data, esc
from handlers.common import button_label, keyboard, paging_row, require_speaker
from handlers.team.callbacks import NOTICE_MENU, View, member_data, mode_data, units_data

Screen = tuple[str, InlineKeyboardMarkup]

NOTE_PREVIEW_CHARS = 120
FLAG_STALE = "⏰"
FLAG_PENDING = "📝"
FLAG_LEADER = "👥"
LABEL_BY_UNIT = N_("By unit")
LABEL_CHART = N_("Team chart")
LABEL_NOTICES = N_("Report notices")
LABEL_FEEDBACK = N_("Give feedback")
LABEL_THEIR_TEAM = N_("See their team")
LABEL_BACK = N_("‹ Back to the team")
LABEL_MY_TEAM = N_("My team")
LABEL_EVERYONE = N_("Everyone")
LABEL_INSTANT = N_("At once, for every report")
LABEL_DIGEST = N_("One summary a day at {time}")
LABEL_OFF = N_("Off")
LABEL_WITHOUT_UNIT = N_("Without a unit")
MODE_LABELS = {"instant": LABEL_INSTANT, "digest": LABEL_DIGEST, "off": LABEL_OFF}
NOT_YOUR_TEAM = N_("Sorry, this is not part of your team, so it cannot be shown.")
NO_NUMERIC_TARGETS = N_("There are no numeric targets to draw yet.")
SAVED = N_("Saved.")
NOT_A_LEADER = N_(
    "The team overview is for leaders: it shows the people who report to you. "
    "No one reports to you directly in the roster at the moment. You can follow "
    "your own progress with /kinerja. If this is not right, please contact your "
    "OPD's HR officer."
)


# --- the team page ---


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


def _head_lines(view: TeamView, t: Translator) -> list[str]:
    """The page's title, its unit, and how many members it covers."""
    _ = t._
    period = semester_name(view.period, t)
    if view.own:
        head = _("<b>Your team, {period}</b>").format(period=period)
    else:
        head = _("<b>Team of {name}, {period}</b>").format(
            name=esc(view.leader.name), period=period
        )
    out = [head]
    if view.unit_id is not None:
        unit = esc(view.unit_name) if view.unit_id != team.NO_UNIT else _(LABEL_WITHOUT_UNIT)
        out.append(_("Unit: {unit}").format(unit=unit))
    return out


def _rollup_lines(view: TeamView, t: Translator) -> list[str]:
    """What the staff's linked targets add up to, per target of the leader."""
    _ = t._
    if not view.rollups:
        return []
    title = (
        _("<b>Team contribution to your targets</b>")
        if view.own
        else _("<b>Team contribution to the leader's targets</b>")
    )
    out = ["", title]
    for roll in view.rollups:
        if roll.ratio is not None and roll.achieved is not None and roll.target_amount:
            out.append(
                _("• {title}: {done} of {target} {unit} ({percent}) from {count} staff").format(
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
    return out


def _legend(view: TeamView, t: Translator) -> list[str]:
    """Explain the flags shown on this page."""
    _ = t._
    legend: list[str] = []
    if view.stale:
        legend.append(
            _("{flag} no report for {days} days ({count})").format(
                flag=FLAG_STALE, days=team.STALE_DAYS, count=t.number(view.stale)
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
    return ["", *legend] if legend else []


def render_team(view: TeamView, t: Translator) -> str:
    """Render a team page: header, roll-up of the leader's targets, members, legend."""
    _ = t._
    out = _head_lines(view, t)
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
    out += _rollup_lines(view, t)
    out.append("")
    out += [member_line(row, t) for row in view.members]
    out += _legend(view, t)
    out += ["", _("Tap a name to see their targets and reports.")]
    return "\n".join(out)


def team_keyboard(view: TeamView, context: BotContext) -> InlineKeyboardMarkup:
    """A button per member, paging, by unit, chart, notices (own team) or back."""
    _ = context.t._
    t = context.t
    leader_id = view.leader.id or 0
    rows: list[list[tuple[str, str]]] = []
    for member in view.members:
        percent = t.percent(member.achievement) if member.achievement is not None else "–"
        rows.append(
            [(f"{button_label(member.name)} · {percent}", member_data(member.employee_id))]
        )
    paging = paging_row(
        t, view.page, view.pages, lambda n: View(leader_id, view.unit_id, n).data()
    )
    if paging:
        rows.append(paging)
    here = View(leader_id, view.unit_id, view.page)
    tools = [(_(LABEL_BY_UNIT), units_data(leader_id))]
    if any(m.achievement is not None for m in view.members):
        tools.append((_(LABEL_CHART), here.data("c")))
    rows.append(tools)
    if view.unit_id is not None:
        rows.append([(_(LABEL_EVERYONE), View(leader_id, None, 0).data())])
    if view.own:
        rows.append([(_(LABEL_NOTICES), NOTICE_MENU)])
    else:
        rows.append([(_(LABEL_MY_TEAM), View(require_speaker(context).id, None, 0).data())])
    return keyboard(rows)


def team_screen(context: BotContext, view: TeamView) -> Screen:
    """A team page with its buttons."""
    return render_team(view, context.t), team_keyboard(view, context)


# --- the team by unit ---


def render_units(view: UnitsView, t: Translator) -> str:
    """Render the team grouped by unit."""
    _ = t._
    out = [_("<b>Your team by unit, {period}</b>").format(period=semester_name(view.period, t))]
    if not view.groups:
        out += ["", _("No one reports to you directly yet.")]
        return "\n".join(out)
    for group in view.groups:
        name = esc(group.name) if group.unit_id != team.NO_UNIT else _(LABEL_WITHOUT_UNIT)
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


def units_screen(context: BotContext, view: UnitsView) -> Screen:
    """The team by unit: a button per unit, and back to everyone."""
    _ = context.t._
    leader_id = view.leader.id or 0
    rows = []
    for group in view.groups:
        name = group.name if group.unit_id != team.NO_UNIT else _(LABEL_WITHOUT_UNIT)
        label = f"{button_label(name)} ({context.t.number(group.members)})"
        rows.append([(label, View(leader_id, group.unit_id, 0).data())])
    rows.append([(_(LABEL_EVERYONE), View(leader_id, None, 0).data())])
    return render_units(view, context.t), keyboard(rows)


# --- one member ---


def _target_lines(detail: MemberDetail, t: Translator) -> list[str]:
    """Each approved target with its progress, then the targets waiting for approval."""
    _ = t._
    summary = detail.summary
    out: list[str] = []
    if not summary.lines:
        out += ["", _("No approved targets for this semester yet.")]
    for number, line in enumerate(summary.lines, 1):
        if (own := own_status_lines(t, line.rhk)) is not None:
            several = line.rhk is not None and not line.rhk.single
            head = [t.percent(line.ratio)] if several and line.ratio is not None else []
            state = "\n   ".join(head + own)
        elif line.ratio is not None:
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
    return out


def render_detail(detail: MemberDetail, t: Translator) -> str:
    """Render a subordinate's targets with %, waiting targets and recent reports."""
    _ = t._
    summary = detail.summary
    out = [
        _("<b>{name}</b>, {period}").format(
            name=esc(detail.employee.name), period=semester_name(summary.period, t)
        )
    ]
    if detail.employee.position:
        out.append(esc(detail.employee.position))
    if summary.overall is not None:
        out.append(_("Overall achievement: {percent}").format(percent=t.percent(summary.overall)))
    out += _target_lines(detail, t)
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


def detail_screen(context: BotContext, detail: MemberDetail) -> Screen:
    """One member, with feedback (direct subordinates), their own team (sub-leaders), back."""
    _ = context.t._
    employee_id = detail.employee.id or 0
    rows: list[list[tuple[str, str]]] = []
    if detail.is_direct:
        rows.append([(_(LABEL_FEEDBACK), callback_data("fb", "emp", employee_id))])
    if detail.leads:
        rows.append([(_(LABEL_THEIR_TEAM), View(employee_id, None, 0).data())])
    back_to = detail.employee.supervisor_id or require_speaker(context).id
    rows.append([(_(LABEL_BACK), View(back_to, None, 0).data())])
    return render_detail(detail, context.t), keyboard(rows)


# --- the chart ---


def chart_title(t: Translator, period: Period) -> str:
    """The chart's title, also its caption."""
    return t._("Team achievement, {period}").format(period=semester_name(period, t))


def chart_caption(t: Translator, view: TeamView) -> str:
    """The title, with the page when the team has several."""
    caption = chart_title(t, view.period)
    if view.pages > 1:
        caption += "\n" + t._("page {page} of {pages}").format(
            page=view.page + 1, pages=view.pages
        )
    return caption


# --- report notices ---


def _digest_time(context: BotContext) -> str:
    return context.deps.settings.digest_time.strftime("%H:%M")


def notice_menu_keyboard(context: BotContext, current: str) -> InlineKeyboardMarkup:
    """One button per mode (the current one ticked), and back to the team."""
    _ = context.t._
    rows = []
    for mode in team.NOTICE_MODES:
        label = _(MODE_LABELS[mode]).format(time=_digest_time(context))
        if mode == current:
            label = "✓ " + label
        rows.append([(label, mode_data(mode))])
    rows.append([(_(LABEL_BACK), View(require_speaker(context).id, None, 0).data())])
    return keyboard(rows)


def notice_menu(context: BotContext, current: str) -> Screen:
    """Explain the report-notice modes and offer them."""
    text = context.t._(
        "<b>Report notices</b>\n"
        "How would you like to hear about your team's progress reports?\n\n"
        "• At once: a message for every report, right after it is sent.\n"
        "• One summary a day: all new reports together at {time} WIB on working days.\n"
        "• Off: no messages; you can still look at /tim any time."
    ).format(time=_digest_time(context))
    return text, notice_menu_keyboard(context, current)


def mode_saved(context: BotContext, mode: str) -> Screen:
    """Confirm the chosen mode, with the menu again."""
    _ = context.t._
    confirmations = {
        "instant": _("Saved. You will get a message for every report from your team."),
        "digest": _(
            "Saved. You will get one summary of your team's reports at {time} WIB on working days."
        ).format(time=_digest_time(context)),
        "off": _(
            "Saved. You will not get report messages. You can look at /tim any time, and "
            "turn notices back on here."
        ),
    }
    return confirmations[mode], notice_menu_keyboard(context, mode)
