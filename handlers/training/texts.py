"""The /pelatihan screens: home, recommendations, the creation prompts and preview, sessions,
attendance and JP. A screen is (HTML text, keyboard)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translator
from bot.services import training as tr
from bot.text import esc, shorten
from handlers.common import keyboard
from models import Opd, TrainingSession

PAGE_SIZE = 10
LABEL_CHARS = 32
TITLE_LABEL_CHARS = 24
NAME_LABEL_CHARS = 20
RSVP_LABELS = {
    "": N_("not answered yet"),
    tr.RSVP_YES: N_("will attend"),
    tr.RSVP_NO: N_("will not attend"),
}
NOT_HR = N_("Sorry, only HR officers can manage training sessions, within their scope.")
START_AGAIN = N_("Please start again with /pelatihan.")
NOTHING_SAVED = N_("Cancelled. Nothing was saved.")
RECO_OUTSIDE = N_("Sorry, this recommendation is not in your scope.")
TEXT_EXPECTED = N_("Please type your answer as text.")
CANNOT_CREATE = N_("Sorry, you cannot create this session.")
TOO_EARLY = N_("Attendance can be recorded once the session has started.")
SAVED = N_("Saved.")
NOT_YOURS = N_("Sorry, this invitation is not yours.")
CLOSED = N_("This session has already started or was cancelled.")
OPD_OUTSIDE = N_("Sorry, that OPD is outside your HR scope, so its figures cannot be shown.")

Screen = tuple[str, InlineKeyboardMarkup | None]
Row = list[tuple[str, str]]


def label(text: str, limit: int = LABEL_CHARS) -> str:
    """A button label: the text on one line, shortened to `limit` characters."""
    return shorten(" ".join(text.split()), limit)


def when_text(t: Translator, moment: datetime) -> str:
    """'Jumat, 15 Januari 2027, 09.00 WIB'."""
    return t._("{day}, {time} WIB").format(day=t.date(moment), time=t.time(moment))


def pages_of(count: int) -> int:
    """How many pages of PAGE_SIZE lines `count` lines take (at least one)."""
    return max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE)


def page_buttons(rows: list[Row], page: int, pages: int, data: Callable[[int], str]) -> None:
    """Add ‹ and › to the rows when there is an earlier or a later page."""
    nav = []
    if page > 0:
        nav.append(("‹", data(page - 1)))
    if page < pages - 1:
        nav.append(("›", data(page + 1)))
    if nav:
        rows.append(nav)


# --- home and the invitee's answer ---


def home(t: Translator, mine: tr.MyTraining, *, now: datetime, year: int, is_hr: bool) -> Screen:
    """The speaker's invitations (answer buttons for upcoming ones) and JP this year."""
    _ = t._
    lines = [_("<b>Training</b>")]
    rows: list[Row] = []
    if mine.invitations:
        lines.append(_("Your invitations:"))
    else:
        lines.append(_("You have no training invitations at the moment."))
    for invite, training in mine.invitations:
        status = (
            _("attended") if invite.attended else _(RSVP_LABELS.get(invite.rsvp, RSVP_LABELS[""]))
        )
        when = when_text(t, training.starts_at)
        lines.append(f"• <b>{esc(training.title)}</b>\n  {when}\n  {esc(training.place)}")
        lines.append(f"  {status}")
        if training.starts_at > now and training.status != tr.CANCELLED:
            rows.append(
                [
                    ("✅ " + label(training.title, TITLE_LABEL_CHARS), f"pl:rsvp:{invite.id}:y"),
                    ("❌ " + _("Not attending"), f"pl:rsvp:{invite.id}:n"),
                ]
            )
    lines.append("")
    lines.append(
        _("Training hours (JP) earned in {year}: <b>{jp} JP</b>").format(
            year=year, jp=t.number(mine.jp)
        )
    )
    if is_hr:
        rows.append([(_("Recommendations"), "pl:reco"), (_("Sessions"), "pl:list")])
        rows.append([(_("New session"), "pl:new"), (_("JP this year"), "pl:jp:0")])
    return "\n".join(lines), keyboard(rows) if rows else None


def rsvp_thanks(t: Translator, attend: bool, training: TrainingSession) -> str:
    """Thank the invitee for their answer."""
    if attend:
        text = t._("Thank you! You will attend <b>{title}</b> on {when}. See you there.")
    else:
        text = t._(
            "Thank you for letting us know that you cannot attend <b>{title}</b> on {when}. "
            "You can change your answer before it starts."
        )
    return text.format(title=esc(training.title), when=when_text(t, training.starts_at))


# --- recommendations ---


def recommendations(t: Translator, found: list[tr.RecommendationRow]) -> Screen:
    """The last semester's recommendations, each with a button to create a session."""
    _ = t._
    if not found:
        text = _(
            "There are no training recommendations in your scope at the moment. They appear "
            "after a semester's evaluation window has closed."
        )
        return text, keyboard([[(_("New session"), "pl:new")]])
    lines = [_("<b>Training recommendations</b>")]
    rows: list[Row] = []
    for row in found[:PAGE_SIZE]:
        reco = row.reco
        lines.append(
            _(
                "• <b>{unit}</b> ({opd}), {staff} staff: below expectations {below}, low "
                "achievement {low}. Suggested: {topic}"
            ).format(
                unit=esc(row.unit_name),
                opd=esc(row.opd_name),
                staff=reco.staff,
                below=t.percent(reco.below_share),
                low=t.percent(reco.low_achievement_share),
                topic=esc(tr.topic_label(t, reco.topic)),
            )
        )
        unit = label(row.unit_name, TITLE_LABEL_CHARS)
        rows.append([(_("Create session: {unit}").format(unit=unit), f"pl:new:{reco.id}")])
    if len(found) > PAGE_SIZE:
        lines.append(_("… and {count} more.").format(count=len(found) - PAGE_SIZE))
    return "\n".join(lines), keyboard(rows)


# --- creating a session ---


def ask_title(t: Translator) -> str:
    """The first question of a session started from scratch."""
    return t._(
        "<b>New training session</b>\nWhat is the title? (at most {limit} characters)"
    ).format(limit=tr.MAX_TITLE)


def new_for_unit(t: Translator, unit_name: str, title: str) -> str:
    """A session started from a recommendation: its unit and title, then the start time."""
    head = t._("New session for <b>{unit}</b>: {title}").format(
        unit=esc(unit_name), title=esc(title)
    )
    return head + "\n\n" + ask_when(t)


def ask_topic(t: Translator) -> str:
    """Ask the topic."""
    return t._("What is the topic? (at most {limit} characters)").format(limit=tr.MAX_TOPIC)


def ask_when(t: Translator) -> str:
    """Ask the start time."""
    return t._(
        "When does it start? Type the date and time (WIB) as dd-mm-yyyy hh:mm, for example "
        "15-01-2027 09:00."
    )


def passed_ask_again(t: Translator) -> str:
    """The start time passed while the draft waited: ask it again."""
    return (
        t._("That moment has already passed. Please choose a future time.") + "\n\n" + ask_when(t)
    )


def start_noted(t: Translator, parsed: tr.StartParse) -> str:
    """The start time as understood (warned when not a working day), then ask the place."""
    _ = t._
    assert parsed.starts_at is not None
    text = _("Start: {when}").format(when=when_text(t, parsed.starts_at))
    if parsed.not_working_day:
        text += "\n⚠️ " + _(
            "Note: that day is not a working day ({reason}). If this is intended, continue; "
            "otherwise type another date."
        ).format(reason=esc(parsed.holiday) if parsed.holiday else _("weekend"))
    text += "\n\n" + _(
        "Where is it? Type the place or the meeting link (at most {limit} characters)."
    ).format(limit=tr.MAX_PLACE)
    return text


def ask_capacity(t: Translator) -> str:
    """Ask the seats."""
    return t._("How many seats are there? (1 to {limit})").format(limit=tr.MAX_CAPACITY)


def ask_jp(t: Translator) -> str:
    """Ask the JP."""
    return t._("How many JP (jam pelajaran, 45 minutes each) is it worth? For example 2 or 1,5.")


def ask_invitees(t: Translator, cancel: Row, unit_name: str | None) -> Screen:
    """Ask for NIPs; offer the recommended unit's staff when there is one."""
    _ = t._
    rows: list[Row] = []
    text = _("Who is invited? Type their NIPs (18 digits each, separated by spaces or lines).")
    if unit_name is not None:
        unit = label(unit_name)
        rows.append([(_("Invite the staff of {unit}").format(unit=unit), "pl:unit")])
        text += "\n" + _("Or invite the staff of the recommended unit with the button.")
    rows.append(cancel)
    return text, keyboard(rows)


def nips_notes(t: Translator, found: tr.Invitees) -> list[str]:
    """Which typed NIPs were not found, or are outside the officer's scope."""
    notes = []
    if found.unknown:
        notes.append(t._("Not found: {nips}").format(nips=esc(", ".join(found.unknown[:20]))))
    if found.outside:
        notes.append(
            t._("Outside your scope, not invited: {nips}").format(
                nips=esc(", ".join(found.outside[:20]))
            )
        )
    return notes


def nobody_to_invite(t: Translator, notes: list[str]) -> str:
    """No typed NIP can be invited."""
    return "\n".join([*notes, t._("Nobody to invite yet. Please type at least one NIP.")])


def preview(t: Translator, cancel: Row, plan: tr.Draft, notes: list[str]) -> Screen:
    """The whole session before saving."""
    _ = t._
    count = len(plan.employee_ids)
    lines = [
        _("<b>Preview</b>"),
        "<b>" + esc(plan.title) + "</b>",
        _("Topic: {topic}").format(topic=esc(tr.topic_label(t, plan.topic))),
        _("When: {when}").format(when=when_text(t, plan.starts_at)),
        _("Where: {place}").format(place=esc(plan.place)),
        _("Seats: {capacity}, worth {jp} JP").format(capacity=plan.capacity, jp=t.number(plan.jp)),
        _("Invitees: {count}").format(count=min(count, plan.capacity)),
    ]
    if count > plan.capacity:
        lines.append(
            _("{count} people do not fit within the capacity and will not be invited.").format(
                count=count - plan.capacity
            )
        )
    lines += notes
    return "\n".join(lines), keyboard([[(_("Save and invite"), "pl:save"), *cancel]])


def saved(t: Translator, created: tr.Created) -> Screen:
    """The session is saved; its invitations are on their way."""
    _ = t._
    text = _("Saved. {count} invitations are on their way.").format(count=created.invited)
    if created.left_out:
        text += "\n" + _("{count} people were left out because the session is full.").format(
            count=created.left_out
        )
    return text, keyboard([[(_("Open session"), f"pl:s:{created.training.id}")]])


# --- sessions, RSVP list, attendance ---


def sessions_list(t: Translator, found: list[TrainingSession]) -> Screen:
    """The officer's sessions, each a button."""
    _ = t._
    if not found:
        return _("No sessions yet."), keyboard([[(_("New session"), "pl:new")]])
    rows = [
        [(f"{label(s.title, TITLE_LABEL_CHARS)} · {t.date(s.starts_at, 'short')}", f"pl:s:{s.id}")]
        for s in found
    ]
    return _("<b>Training sessions</b>"), keyboard(rows)


def session_detail(t: Translator, sheet: tr.SessionSheet, now: datetime) -> Screen:
    """One session with its RSVP list; attendance after the start, cancelling before."""
    _ = t._
    training, invitees = sheet.training, sheet.invitees
    yes = sum(1 for r in invitees if r.invite.rsvp == tr.RSVP_YES)
    no = sum(1 for r in invitees if r.invite.rsvp == tr.RSVP_NO)
    lines = [
        "<b>" + esc(training.title) + "</b>",
        when_text(t, training.starts_at),
        esc(training.place),
    ]
    if training.status == tr.CANCELLED:
        lines.append(_("This session has been cancelled."))
    lines += [
        _("Invited {count}: {yes} will attend, {no} will not, {open} not answered yet.").format(
            count=len(invitees), yes=yes, no=no, open=len(invitees) - yes - no
        ),
        "",
    ]
    for row in invitees:
        mark = {tr.RSVP_YES: "✅", tr.RSVP_NO: "❌"}.get(row.invite.rsvp, "•")
        if row.invite.attended is not None:
            mark += " " + (_("present") if row.invite.attended else _("absent"))
        lines.append(f"{mark} {esc(row.employee.name)}")
    rows: list[Row] = []
    if training.starts_at <= now:
        if training.status != tr.CANCELLED:
            rows.append([(_("Record attendance"), f"pl:att:{training.id}:0")])
    elif training.status == tr.PLANNED:
        rows.append([(_("Cancel this session"), f"pl:cx:{training.id}")])
    return "\n".join(lines), keyboard(rows) if rows else None


def confirm_cancel(t: Translator, sheet: tr.SessionSheet) -> Screen:
    """Ask before cancelling a session."""
    _ = t._
    training = sheet.training
    told = sum(1 for row in sheet.invitees if row.invite.rsvp != tr.RSVP_NO)
    text = _(
        "Cancel <b>{title}</b> ({when})? {count} invitee(s) who have not declined will be told "
        "politely, and no reminders will be sent."
    ).format(title=esc(training.title), when=when_text(t, training.starts_at), count=told)
    rows = [
        [(_("Yes, cancel the session"), f"pl:cxy:{training.id}")],
        [(_("No, keep it"), f"pl:s:{training.id}")],
    ]
    return text, keyboard(rows)


def cancelled(t: Translator, done: tr.Cancelled) -> Screen:
    """The session is cancelled (or could no longer be)."""
    _ = t._
    assert done.training is not None
    if done.outcome == tr.CANCEL_TOO_LATE:
        text = _("This session can no longer be cancelled: it has started or was cancelled.")
    else:
        text = _("<b>{title}</b> is cancelled. {count} invitee(s) will be told.").format(
            title=esc(done.training.title), count=done.told
        )
    return text, keyboard([[(_("‹ Back"), "pl:list")]])


def page_of(sheet: tr.SessionSheet, invite_id: int) -> int:
    """The attendance page that shows this invitation."""
    index = next((i for i, r in enumerate(sheet.invitees) if r.invite.id == invite_id), 0)
    return index // PAGE_SIZE


def attendance_page(t: Translator, sheet: tr.SessionSheet, page: int) -> Screen:
    """One page of the attendance sheet: Present / Absent per invitee."""
    _ = t._
    training, invitees = sheet.training, sheet.invitees
    pages = pages_of(len(invitees))
    page = max(0, min(page, pages - 1))
    rows: list[Row] = []
    for row in invitees[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        state = {True: "✅", False: "❌", None: "•"}[row.invite.attended]
        name = label(row.employee.name, NAME_LABEL_CHARS)
        rows.append(
            [
                (f"{state} {name}: " + _("Present"), f"pl:a:{row.invite.id}:y"),
                (_("Absent"), f"pl:a:{row.invite.id}:n"),
            ]
        )
    page_buttons(rows, page, pages, lambda to: f"pl:att:{training.id}:{to}")
    text = _("<b>Attendance: {title}</b>\nPress Present or Absent for each invitee.").format(
        title=esc(training.title)
    )
    return text, keyboard(rows)


# --- JP per OPD and unit ---


def jp_line(t: Translator, group: tr.JpGroup) -> str:
    """'12 staff, 3 with JP, 7.5 JP in total, 0.63 JP per staff' in the user's locale."""
    number = t.number
    return t._(
        "{staff} staff, {trained} with JP, {total} JP in total, {average} JP per staff"
    ).format(
        staff=number(group.staff),
        trained=number(group.trained),
        total=number(group.total),
        average=number(group.average),
    )


def jp_opds(t: Translator, year: int, groups: list[tr.JpGroup], page: int) -> Screen:
    """JP this year per OPD in the officer's scope, largest total first, paged."""
    _ = t._
    pages = pages_of(len(groups))
    page = min(page, pages - 1)
    lines = [
        _("<b>Training hours (JP) in {year}</b>").format(year=year),
        _("All OPDs in your scope: {figures}").format(figures=jp_line(t, tr.jp_summary(groups))),
        "",
    ]
    rows: list[Row] = []
    for rank, group in enumerate(groups[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]):
        number = page * PAGE_SIZE + rank + 1
        lines.append(f"{number}. <b>{esc(group.name)}</b>: {jp_line(t, group)}")
        rows.append([(f"{number}. {label(group.name)}", f"pl:jpo:{group.id}:{page}")])
    if pages > 1:
        lines += ["", _("Page {page} of {pages}").format(page=page + 1, pages=pages)]
    page_buttons(rows, page, pages, lambda to: f"pl:jp:{to}")
    lines.append(_("Choose an OPD to see its units."))
    rows.append([(_("‹ Back"), "pl:home")])
    return "\n".join(lines), keyboard(rows)


def jp_units(
    t: Translator, year: int, opd: Opd, groups: list[tr.JpGroup], back_page: int
) -> Screen:
    """JP this year per unit of one OPD."""
    _ = t._
    lines = [
        _("<b>Training hours (JP) in {year}: {opd}</b>").format(year=year, opd=esc(opd.name)),
        _("The whole OPD: {figures}").format(figures=jp_line(t, tr.jp_summary(groups))),
        "",
    ]
    for group in groups:
        name = esc(group.name) if group.id else _("Without a unit")
        lines.append(f"• <b>{name}</b>: {jp_line(t, group)}")
    if not groups:
        lines.append(_("No active staff are recorded in this OPD yet."))
    return "\n".join(lines), keyboard([[(_("‹ Back"), f"pl:jp:{back_page}")]])
