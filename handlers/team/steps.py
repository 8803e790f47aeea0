"""One short callback per /tim command and button: the team, a page, by unit, one member, the
chart, the report-notice menu. Anything the speaker may not see is refused, showing nothing."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import team
from bot.services.team import TeamView
from handlers.common import answer, edit_or_reply, reply, require_speaker, with_webapp
from handlers.conversation import refuse
from handlers.team import texts
from handlers.team.callbacks import NOTICE_MENU, View, parse_id, parse_view, pressed
from handlers.team.texts import Screen


async def refuse_view(update: Update, context: BotContext) -> None:
    """Politely refuse a view the speaker may not open (or a malformed button); show nothing."""
    await refuse(update, context, texts.NOT_YOUR_TEAM)


async def show_or_refuse(update: Update, context: BotContext, screen: Screen | None) -> None:
    """Replace the pressed button's message with the screen; refuse when there is none."""
    if screen is None:
        await refuse_view(update, context)
        return
    await answer(update)
    await edit_or_reply(update, context, *screen)


async def load_team(context: BotContext, view: View) -> TeamView | None:
    """Load a team page the speaker may see."""
    deps = context.deps
    return await team.team_view(
        deps.sessions, require_speaker(context), view.leader_id, now=deps.clock.now(),
        tz=deps.settings.tz, page=view.page, unit_id=view.unit_id,
    )  # fmt: skip


async def show_team_command(update: Update, context: BotContext) -> None:
    """Answer /tim: the leader's own team, first page; a kind note for non-leaders."""
    speaker = require_speaker(context)
    if not speaker.is_leader:
        await reply(update, context, context.t._(texts.NOT_A_LEADER))
        return
    loaded = await load_team(context, View(speaker.id, None, 0))
    assert loaded is not None  # one's own team is always viewable
    text, markup = texts.team_screen(context, loaded)
    await reply(update, context, text, with_webapp(context, markup, "team"))


async def show_team_page(update: Update, context: BotContext) -> None:
    """Show a team page named by a button (paging, a unit, a sub-leader's team)."""
    view = parse_view(pressed(update), "l")
    loaded = await load_team(context, view) if view is not None else None
    screen = texts.team_screen(context, loaded) if loaded is not None else None
    await show_or_refuse(update, context, screen)


async def show_units(update: Update, context: BotContext) -> None:
    """Show the team grouped by unit."""
    leader_id = parse_id(pressed(update), "units")
    deps = context.deps
    loaded = None
    if leader_id is not None:
        loaded = await team.units_view(
            deps.sessions, require_speaker(context), leader_id, now=deps.clock.now(),
            tz=deps.settings.tz,
        )  # fmt: skip
    screen = texts.units_screen(context, loaded) if loaded is not None else None
    await show_or_refuse(update, context, screen)


async def show_member(update: Update, context: BotContext) -> None:
    """Show one subordinate's targets, progress and latest reports."""
    employee_id = parse_id(pressed(update), "e")
    deps = context.deps
    detail = None
    if employee_id is not None:
        detail = await team.member_detail(
            deps.sessions, require_speaker(context), employee_id, now=deps.clock.now(),
            tz=deps.settings.tz,
        )  # fmt: skip
    screen = texts.detail_screen(context, detail) if detail is not None else None
    await show_or_refuse(update, context, screen)


async def send_chart(update: Update, context: BotContext) -> None:
    """Draw the achievement of the people on this page in a worker thread; send a PNG."""
    t = context.t
    view = parse_view(pressed(update), "c")
    loaded = await load_team(context, view) if view is not None else None
    if loaded is None:
        await refuse_view(update, context)
        return
    chat = update.effective_chat
    if not loaded.chart_bars or chat is None:
        await refuse(update, context, texts.NO_NUMERIC_TARGETS)
        return
    await answer(update)
    png = await team.draw_chart(
        loaded.chart_bars, title=texts.chart_title(t, loaded.period), target_label=t._("Target"),
        formatter=t.percent,
    )  # fmt: skip
    await context.bot.send_photo(chat.id, photo=png, caption=texts.chart_caption(t, loaded))


async def show_notice_menu(update: Update, context: BotContext) -> None:
    """Explain the report-notice modes and offer them."""
    speaker = require_speaker(context)
    if not speaker.is_leader:
        await refuse_view(update, context)
        return
    current = await team.notice_mode_of(context.deps.sessions, speaker)
    await answer(update)
    await edit_or_reply(update, context, *texts.notice_menu(context, current))


async def choose_notice_mode(update: Update, context: BotContext) -> None:
    """Store the chosen notice mode and confirm it."""
    speaker = require_speaker(context)
    mode = (pressed(update) or "").removeprefix(NOTICE_MENU + ":")
    saved = False
    if speaker.is_leader and mode in team.NOTICE_MODES:
        saved = await team.set_notice_mode(context.deps.sessions, speaker, mode)
    if not saved:
        await refuse_view(update, context)
        return
    await answer(update, context.t._(texts.SAVED))
    await edit_or_reply(update, context, *texts.mode_saved(context, mode))
