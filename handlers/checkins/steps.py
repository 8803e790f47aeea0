"""The check-in reminder's buttons: remind me tomorrow, I am on leave (pause), resume.

Every button acts on the speaker only: the callback data names no employee, so a crafted
one cannot touch anybody else's reminders.
"""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import BotContext
from bot.services import checkins
from bot.services.checkins import DateProblem
from handlers.checkins import texts
from handlers.checkins.state import ASK_DATE, CHOOSE, FLOW
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker
from handlers.conversation import END


async def remind_later(update: Update, context: BotContext) -> None:
    """Queue one more check-in for the next working day, and say when it will come."""
    speaker = require_speaker(context)
    deps = context.deps
    moment = await checkins.remind_later(
        deps.sessions, context.t, speaker.employee, deps.clock.now(), deps.settings
    )
    await answer(update)
    await reply(update, context, texts.reminded_later(context.t, moment))


async def ask_leave(update: Update, context: BotContext) -> int:
    """Ask until when the reminders should pause."""
    await answer(update)
    text, rows = texts.leave_question(context.t)
    await reply(update, context, text, keyboard([*rows, FLOW.cancel_row(context)]))
    return CHOOSE


async def quick_pause(update: Update, context: BotContext) -> int:
    """Pause for a button choice: one week, two weeks or to the end of the month."""
    query = update.callback_query
    choice = (query.data or "").removeprefix(texts.PAUSE_PREFIX) if query else ""
    today = context.deps.clock.now().date()
    until = checkins.quick_pause_until(choice, today)
    await answer(update)
    if until is None:  # the pattern admits only known choices; belt and braces
        return END
    return await save_pause(update, context, until)


async def ask_date(update: Update, context: BotContext) -> int:
    """Ask for the last day of leave, day first."""
    today = context.deps.clock.now().date()
    await answer(update)
    text = texts.date_question(context.t, today)
    await edit_or_reply(update, context, text, FLOW.cancel_only(context))
    return ASK_DATE


async def typed_date(update: Update, context: BotContext) -> int | None:
    """Read the typed date; explain kindly and ask again when it cannot be used."""
    message = update.effective_message
    text = message.text if message and message.text else ""
    today = context.deps.clock.now().date()
    parsed = checkins.parse_pause_date(text, today)
    if isinstance(parsed, DateProblem):
        problem = texts.date_problem(context.t, parsed, today)
        await reply(update, context, problem, FLOW.cancel_only(context))
        return None
    return await save_pause(update, context, parsed)


async def not_a_date(update: Update, context: BotContext) -> None:
    """Answer a sticker, photo or file where a typed date is expected."""
    today = context.deps.clock.now().date()
    text = texts.not_a_date(context.t, today)
    await reply(update, context, text, FLOW.cancel_only(context))


async def save_pause(update: Update, context: BotContext, until: date) -> int:
    """Store the pause for the speaker and confirm it."""
    speaker = require_speaker(context)
    deps = context.deps
    await checkins.pause_reminders(deps.sessions, speaker.id, until, deps.clock.utcnow())
    await reply(update, context, texts.paused(context.t, until))
    return END


async def resume(update: Update, context: BotContext) -> None:
    """Switch paused reminders back on."""
    speaker = require_speaker(context)
    deps = context.deps
    today = deps.clock.now().date()
    was_paused = await checkins.resume_reminders(deps.sessions, speaker.id, today)
    await answer(update)
    await reply(update, context, texts.resumed(context.t, was_paused))
