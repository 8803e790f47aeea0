"""/tim (/team): a leader's team overview, drill-downs, team chart and report-notice choice.

Callback data (all untrusted; the service checks every leader, unit and employee id):
  tm:l:<leader>:<unit>:<page>   a team page; unit is "a" (everyone) or a unit id (0 = none)
  tm:c:<leader>:<unit>:<page>   the chart of that page
  tm:units:<leader>             the team grouped by unit
  tm:e:<employee>               one subordinate's targets and reports
  tm:n  /  tm:n:<mode>          the report-notice menu / choosing instant | digest | off
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.i18n import N_
from bot.services import charts, progress, team
from bot.services.team import MemberDetail, TeamView, UnitsView
from bot.text import callback_data
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker

PREFIX = "tm"
ALL_UNITS = "a"
NOTICE_MENU = "tm:n"
LABEL_PREVIOUS = N_("‹ Previous")
LABEL_NEXT = N_("Next ›")
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
MAX_BUTTON_NAME = 40


@dataclass(frozen=True)
class View:
    """Which team page a button names."""

    leader_id: int
    unit_id: int | None  # None = everyone
    page: int

    def data(self, action: str = "l") -> str:
        unit = ALL_UNITS if self.unit_id is None else str(self.unit_id)
        return callback_data(PREFIX, action, self.leader_id, unit, self.page)


def parse_view(data: str | None, action: str) -> View | None:
    """Parse 'tm:<action>:<leader>:<unit>:<page>'; None for anything malformed."""
    parts = (data or "").split(":")
    if len(parts) != 5 or parts[0] != PREFIX or parts[1] != action:
        return None
    leader, unit, page = parts[2], parts[3], parts[4]
    if not (leader.isdigit() and page.isdigit()) or len(leader) > 12 or len(page) > 6:
        return None
    if unit != ALL_UNITS and not (unit.isdigit() and len(unit) <= 12):
        return None
    return View(int(leader), None if unit == ALL_UNITS else int(unit), int(page))


def parse_id(data: str | None, action: str) -> int | None:
    """Parse 'tm:<action>:<id>'; None for anything malformed."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[:2] != [PREFIX, action]:
        return None
    value = parts[2]
    return int(value) if value.isdigit() and len(value) <= 12 else None


def short(name: str) -> str:
    """Keep button labels short enough for a phone screen."""
    return name if len(name) <= MAX_BUTTON_NAME else name[: MAX_BUTTON_NAME - 1] + "…"


async def refuse(update: Update, context: BotContext) -> None:
    """Politely refuse a view the speaker may not open; show nothing else."""
    _ = context.t._
    await answer(
        update,
        _("Sorry, this is not part of your team, so it cannot be shown."),
        alert=True,
    )


def team_keyboard(view: TeamView, context: BotContext) -> InlineKeyboardMarkup:
    """A button per member, paging, by unit, chart, notices (own team) or back."""
    _ = context.t._
    t = context.t
    leader_id = view.leader.id or 0
    rows: list[list[tuple[str, str]]] = []
    for member in view.members:
        percent = t.percent(member.achievement) if member.achievement is not None else "–"
        rows.append(
            [(f"{short(member.name)} · {percent}", callback_data(PREFIX, "e", member.employee_id))]
        )
    paging: list[tuple[str, str]] = []
    if view.page > 0:
        paging.append((_(LABEL_PREVIOUS), View(leader_id, view.unit_id, view.page - 1).data()))
    if view.page + 1 < view.pages:
        paging.append((_(LABEL_NEXT), View(leader_id, view.unit_id, view.page + 1).data()))
    if paging:
        rows.append(paging)
    here = View(leader_id, view.unit_id, view.page)
    tools = [(_(LABEL_BY_UNIT), callback_data(PREFIX, "units", leader_id))]
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


def units_keyboard(view: UnitsView, context: BotContext) -> InlineKeyboardMarkup:
    """A button per unit, and back to everyone."""
    _ = context.t._
    leader_id = view.leader.id or 0
    rows = [
        [
            (
                f"{short(group.name if group.unit_id != team.NO_UNIT else _(LABEL_WITHOUT_UNIT))}"
                f" ({context.t.number(group.members)})",
                View(leader_id, group.unit_id, 0).data(),
            )
        ]
        for group in view.groups
    ]
    rows.append([(_(LABEL_EVERYONE), View(leader_id, None, 0).data())])
    return keyboard(rows)


def detail_keyboard(detail: MemberDetail, context: BotContext) -> InlineKeyboardMarkup:
    """Feedback (direct subordinates), their own team (sub-leaders), back to the list."""
    _ = context.t._
    employee_id = detail.employee.id or 0
    rows: list[list[tuple[str, str]]] = []
    if detail.is_direct:
        rows.append([(_(LABEL_FEEDBACK), callback_data("fb", "emp", employee_id))])
    if detail.leads:
        rows.append([(_(LABEL_THEIR_TEAM), View(employee_id, None, 0).data())])
    back_to = detail.employee.supervisor_id or require_speaker(context).id
    rows.append([(_(LABEL_BACK), View(back_to, None, 0).data())])
    return keyboard(rows)


async def load_team(context: BotContext, view: View) -> TeamView | None:
    """Load a team page the speaker may see."""
    deps = context.deps
    async with deps.sessions() as session:
        return await team.team_view(
            session,
            require_speaker(context),
            view.leader_id,
            now=deps.clock.now(),
            tz=deps.settings.tz,
            page=view.page,
            unit_id=view.unit_id,
        )


async def show_team_command(update: Update, context: BotContext) -> None:
    """Answer /tim: the leader's own team, first page; a kind note for non-leaders."""
    _ = context.t._
    speaker = require_speaker(context)
    if not speaker.is_leader:
        await reply(
            update,
            context,
            _(
                "The team overview is for leaders: it shows the people who report to you. "
                "No one reports to you directly in the roster at the moment. You can follow "
                "your own progress with /kinerja. If this is not right, please contact your "
                "OPD's HR officer."
            ),
        )
        return
    loaded = await load_team(context, View(speaker.id, None, 0))
    assert loaded is not None  # one's own team is always viewable
    await reply(
        update, context, team.render_team(loaded, context.t), team_keyboard(loaded, context)
    )


async def show_team_page(update: Update, context: BotContext) -> None:
    """Show a team page named by a button (paging, a unit, a sub-leader's team)."""
    view = parse_view(update.callback_query.data if update.callback_query else None, "l")
    loaded = await load_team(context, view) if view is not None else None
    if loaded is None:
        await refuse(update, context)
        return
    await answer(update)
    await edit_or_reply(
        update, context, team.render_team(loaded, context.t), team_keyboard(loaded, context)
    )


async def show_units(update: Update, context: BotContext) -> None:
    """Show the team grouped by unit."""
    leader_id = parse_id(update.callback_query.data if update.callback_query else None, "units")
    loaded = None
    if leader_id is not None:
        deps = context.deps
        async with deps.sessions() as session:
            loaded = await team.units_view(
                session,
                require_speaker(context),
                leader_id,
                now=deps.clock.now(),
                tz=deps.settings.tz,
            )
    if loaded is None:
        await refuse(update, context)
        return
    await answer(update)
    await edit_or_reply(
        update, context, team.render_units(loaded, context.t), units_keyboard(loaded, context)
    )


async def show_member(update: Update, context: BotContext) -> None:
    """Show one subordinate's targets, progress and latest reports."""
    employee_id = parse_id(update.callback_query.data if update.callback_query else None, "e")
    detail = None
    if employee_id is not None:
        deps = context.deps
        async with deps.sessions() as session:
            detail = await team.member_detail(
                session,
                require_speaker(context),
                employee_id,
                now=deps.clock.now(),
                tz=deps.settings.tz,
            )
    if detail is None:
        await refuse(update, context)
        return
    await answer(update)
    await edit_or_reply(
        update, context, team.render_detail(detail, context.t), detail_keyboard(detail, context)
    )


async def send_chart(update: Update, context: BotContext) -> None:
    """Draw the achievement of the people on this page in a worker thread; send a PNG."""
    _ = context.t._
    t = context.t
    view = parse_view(update.callback_query.data if update.callback_query else None, "c")
    found = None
    if view is not None:
        deps = context.deps
        async with deps.sessions() as session:
            found = await team.chart_bars(
                session,
                require_speaker(context),
                view.leader_id,
                now=deps.clock.now(),
                tz=deps.settings.tz,
                page=view.page,
                unit_id=view.unit_id,
            )
    if found is None:
        await refuse(update, context)
        return
    loaded, bars = found
    chat = update.effective_chat
    if not bars or chat is None:
        await answer(update, _("There are no numeric targets to draw yet."), alert=True)
        return
    await answer(update)
    period = progress.period_label(loaded.period)
    title = _("Team achievement, {period}").format(period=period)
    png = await asyncio.to_thread(
        charts.render_progress_chart,
        bars,
        title=title,
        target_label=_("Target"),
        formatter=t.percent,
    )
    caption = title
    if loaded.pages > 1:
        caption += "\n" + _("page {page} of {pages}").format(
            page=loaded.page + 1, pages=loaded.pages
        )
    await context.bot.send_photo(chat.id, photo=png, caption=caption)


def notice_menu_keyboard(context: BotContext, current: str) -> InlineKeyboardMarkup:
    """One button per mode (the current one ticked), and back to the team."""
    _ = context.t._
    at = context.deps.settings.digest_time.strftime("%H:%M")
    rows = []
    for mode in team.NOTICE_MODES:
        label = _(MODE_LABELS[mode]).format(time=at)
        if mode == current:
            label = "✓ " + label
        rows.append([(label, callback_data(PREFIX, "n", mode))])
    rows.append([(_(LABEL_BACK), View(require_speaker(context).id, None, 0).data())])
    return keyboard(rows)


async def show_notice_menu(update: Update, context: BotContext) -> None:
    """Explain the report-notice modes and offer them."""
    _ = context.t._
    speaker = require_speaker(context)
    if not speaker.is_leader:
        await refuse(update, context)
        return
    async with context.deps.sessions() as session:
        current = await team.notice_mode_of(session, speaker)
    await answer(update)
    at = context.deps.settings.digest_time.strftime("%H:%M")
    text = _(
        "<b>Report notices</b>\n"
        "How would you like to hear about your team's progress reports?\n\n"
        "• At once: a message for every report, right after it is sent.\n"
        "• One summary a day: all new reports together at {time} WIB on working days.\n"
        "• Off: no messages; you can still look at /tim any time."
    ).format(time=at)
    await edit_or_reply(update, context, text, notice_menu_keyboard(context, current))


async def choose_notice_mode(update: Update, context: BotContext) -> None:
    """Store the chosen notice mode and confirm it."""
    _ = context.t._
    speaker = require_speaker(context)
    data = update.callback_query.data if update.callback_query else ""
    mode = (data or "").removeprefix(NOTICE_MENU + ":")
    saved = False
    if speaker.is_leader and mode in team.NOTICE_MODES:
        async with context.deps.sessions() as session:
            saved = await team.set_notice_mode(session, speaker, mode)
    if not saved:
        await refuse(update, context)
        return
    await answer(update, _("Saved."))
    at = context.deps.settings.digest_time.strftime("%H:%M")
    confirmations = {
        "instant": _("Saved. You will get a message for every report from your team."),
        "digest": _(
            "Saved. You will get one summary of your team's reports at {time} WIB on working days."
        ).format(time=at),
        "off": _(
            "Saved. You will not get report messages. You can look at /tim any time, and "
            "turn notices back on here."
        ),
    }
    await edit_or_reply(update, context, confirmations[mode], notice_menu_keyboard(context, mode))


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /tim handlers."""
    return [
        CommandHandler(["tim", "team"], show_team_command),
        CallbackQueryHandler(show_team_page, pattern=r"^tm:l:"),
        CallbackQueryHandler(send_chart, pattern=r"^tm:c:"),
        CallbackQueryHandler(show_units, pattern=r"^tm:units:"),
        CallbackQueryHandler(show_member, pattern=r"^tm:e:"),
        CallbackQueryHandler(show_notice_menu, pattern=r"^tm:n$"),
        CallbackQueryHandler(choose_notice_mode, pattern=r"^tm:n:"),
        # Anything else in our namespace is malformed or stale: refuse, show nothing.
        CallbackQueryHandler(refuse, pattern=r"^tm:"),
    ]
