"""HR's /pelatihan screens: recommendations, sessions with their RSVP list, cancelling,
attendance, and JP per OPD and unit. Every button is scope-checked by the service."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import training as tr
from handlers.common import answer, edit_or_reply, reply
from handlers.conversation import refuse
from handlers.training import texts
from handlers.training.steps import pressed, pressed_choice


async def recommendations(update: Update, context: BotContext) -> None:
    """pl:reco: show the last semester's recommendations in the officer's scope."""
    speaker = context.speaker
    if speaker is None or not speaker.is_hr:
        await refuse(update, context, texts.NOT_HR)
        return
    await answer(update)
    found = await tr.recommendations_for(context.deps.sessions, speaker)
    await reply(update, context, *texts.recommendations(context.t, found))


async def sessions_list(update: Update, context: BotContext) -> None:
    """pl:list: show the officer's sessions."""
    speaker = context.speaker
    if speaker is None or not speaker.is_hr:
        await refuse(update, context, texts.NOT_HR)
        return
    await answer(update)
    found = await tr.sessions_for_hr(context.deps.sessions, speaker)
    await reply(update, context, *texts.sessions_list(context.t, found))


async def sheet_from_button(
    update: Update, context: BotContext, prefix: str, count: int
) -> tuple[tr.SessionSheet, list[int]] | None:
    """Load the session a button names (its id first) for HR, or refuse and return None."""
    speaker = context.speaker
    numbers = pressed(update, prefix, count)
    sheet = None
    if speaker is not None and numbers is not None:
        sheet = await tr.session_for_hr(context.deps.sessions, speaker, numbers[0])
    if sheet is None or numbers is None:
        await refuse(update, context, texts.NOT_HR)
        return None
    await answer(update)
    return sheet, numbers


async def session_detail(update: Update, context: BotContext) -> None:
    """pl:s:<id>: show the session with its RSVP list."""
    loaded = await sheet_from_button(update, context, "pl:s", 1)
    if loaded is not None:
        now = context.deps.clock.utcnow()
        await reply(update, context, *texts.session_detail(context.t, loaded[0], now))


async def confirm_cancel(update: Update, context: BotContext) -> None:
    """pl:cx:<id>: ask before cancelling a session."""
    loaded = await sheet_from_button(update, context, "pl:cx", 1)
    if loaded is not None:
        await edit_or_reply(update, context, *texts.confirm_cancel(context.t, loaded[0]))


async def cancel_session(update: Update, context: BotContext) -> None:
    """pl:cxy:<id>: cancel the session and tell its invitees."""
    speaker = context.speaker
    numbers = pressed(update, "pl:cxy", 1)
    if speaker is None or numbers is None:
        await refuse(update, context, texts.NOT_HR)
        return
    deps = context.deps
    done = await tr.cancel_session(
        deps.sessions, speaker, deps.i18n, numbers[0], deps.clock.utcnow()
    )
    if done.outcome == tr.CANCEL_REFUSED or done.training is None:
        await refuse(update, context, texts.NOT_HR)
        return
    await answer(update)
    await edit_or_reply(update, context, *texts.cancelled(context.t, done))


async def attendance(update: Update, context: BotContext) -> None:
    """pl:att:<id>:<page>: show Present / Absent buttons per invitee, paged."""
    loaded = await sheet_from_button(update, context, "pl:att", 2)
    if loaded is not None:
        sheet, numbers = loaded
        await edit_or_reply(update, context, *texts.attendance_page(context.t, sheet, numbers[1]))


async def mark(update: Update, context: BotContext) -> None:
    """pl:a:<invite>:y|n: record one invitee's attendance (scope-checked)."""
    speaker = context.speaker
    choice = pressed_choice(update, "pl:a")
    if speaker is None or choice is None:
        await refuse(update, context, texts.NOT_HR)
        return
    invite_id, attended = choice
    marked = await tr.mark_attendance(
        context.deps.sessions, speaker, invite_id, attended, context.deps.clock.utcnow()
    )
    if marked.result == tr.ATTEND_REFUSED:
        await refuse(update, context, texts.NOT_HR)
        return
    if marked.result == tr.ATTEND_TOO_EARLY or marked.sheet is None:
        await refuse(update, context, texts.TOO_EARLY)
        return
    await answer(update, context.t._(texts.SAVED))
    page = texts.page_of(marked.sheet, invite_id)
    await edit_or_reply(update, context, *texts.attendance_page(context.t, marked.sheet, page))


async def jp_opds(update: Update, context: BotContext) -> None:
    """pl:jp:<page>: show JP this WIB year per OPD in the officer's scope, largest first."""
    speaker = context.speaker
    numbers = pressed(update, "pl:jp", 1)
    if speaker is None or not speaker.is_hr or numbers is None:
        await refuse(update, context, texts.NOT_HR)
        return
    await answer(update)
    year = context.deps.clock.now().year
    groups = await tr.jp_by_opd(context.deps.sessions, speaker, year)
    await edit_or_reply(update, context, *texts.jp_opds(context.t, year, groups, numbers[0]))


async def jp_units(update: Update, context: BotContext) -> None:
    """pl:jpo:<opd>:<page>: show JP this WIB year per unit of one OPD (scope-checked)."""
    speaker = context.speaker
    numbers = pressed(update, "pl:jpo", 2)
    if speaker is None or not speaker.is_hr or numbers is None:
        await refuse(update, context, texts.NOT_HR)
        return
    year = context.deps.clock.now().year
    found = await tr.jp_by_unit(context.deps.sessions, speaker, numbers[0], year)
    if found is None:
        await refuse(update, context, texts.OPD_OUTSIDE)
        return
    await answer(update)
    opd, groups = found
    screen = texts.jp_units(context.t, year, opd, groups, back_page=numbers[1])
    await edit_or_reply(update, context, *screen)
