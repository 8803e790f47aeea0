"""The check-in reminder's buttons: remind me tomorrow, I am on leave (pause), resume.

Every button acts on the speaker only: the callback data names no employee, so a crafted
one cannot touch anybody else's reminders.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.services import checkins
from bot.services.checkins import DateProblem
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker

CHOOSE, ASK_DATE = range(2)
PAUSE_PREFIX = "ci:pause:"
TYPE_DATE = "ci:pause:type"
CANCEL = "ci:pause:cancel"
QUICK_PATTERN = rf"^{PAUSE_PREFIX}({'|'.join(c.value for c in checkins.QuickPause)})$"


async def remind_later(update: Update, context: BotContext) -> None:
    """Queue one more check-in for the next working day, and say when it will come."""
    _ = context.t._
    t = context.t
    speaker = require_speaker(context)
    deps = context.deps
    async with deps.sessions() as session:
        moment = await checkins.remind_later(
            session, t, speaker.employee, deps.clock.now(), deps.settings
        )
        await session.commit()
    await answer(update)
    await reply(
        update,
        context,
        _(
            "All right! I will remind you again on {date} at {time}. "
            "Have a good day, and take it one step at a time."
        ).format(date=t.date(moment), time=t.time(moment)),
    )


async def ask_leave(update: Update, context: BotContext) -> int:
    """Ask until when the reminders should pause."""
    _ = context.t._
    await answer(update)
    await reply(
        update,
        context,
        _(
            "Enjoy your leave! Until when should I pause the check-in reminders? "
            "Choose below, or type a date."
        ),
        keyboard(
            [
                [
                    (_("1 week"), PAUSE_PREFIX + checkins.QuickPause.ONE_WEEK),
                    (_("2 weeks"), PAUSE_PREFIX + checkins.QuickPause.TWO_WEEKS),
                ],
                [(_("End of this month"), PAUSE_PREFIX + checkins.QuickPause.MONTH_END)],
                [(_("Type a date"), TYPE_DATE)],
                [(_("Cancel"), CANCEL)],
            ]
        ),
    )
    return CHOOSE


async def quick_pause(update: Update, context: BotContext) -> int:
    """Pause for a button choice: one week, two weeks or to the end of the month."""
    query = update.callback_query
    choice = (query.data or "").removeprefix(PAUSE_PREFIX) if query else ""
    today = context.deps.clock.now().date()
    until = checkins.quick_pause_until(choice, today)
    if until is None:  # the pattern admits only known choices; belt and braces
        await answer(update)
        return ConversationHandler.END
    await answer(update)
    return await save_pause(update, context, until)


async def ask_date(update: Update, context: BotContext) -> int:
    """Ask for the last day of leave, day first."""
    _ = context.t._
    today = context.deps.clock.now().date()
    await answer(update)
    await edit_or_reply(
        update,
        context,
        _(
            "Please type the last day of your leave as day-month-year, for example {example}. "
            "Reminders can be paused for up to 6 months."
        ).format(example=checkins.date_example(today)),
        keyboard([[(_("Cancel"), CANCEL)]]),
    )
    return ASK_DATE


async def typed_date(update: Update, context: BotContext) -> int | None:
    """Read the typed date; explain kindly and ask again when it cannot be used."""
    _ = context.t._
    t = context.t
    message = update.effective_message
    text = message.text if message and message.text else ""
    today = context.deps.clock.now().date()
    parsed = checkins.parse_pause_date(text, today)
    if isinstance(parsed, DateProblem):
        example = checkins.date_example(today)
        problems = {
            DateProblem.UNREADABLE: _(
                "Sorry, I could not read that date. Please type it as day-month-year, "
                "for example {example}."
            ).format(example=example),
            DateProblem.NOT_FUTURE: _(
                "That date is not in the future. Please type the last day of your leave, "
                "for example {example}."
            ).format(example=example),
            DateProblem.TOO_FAR: _(
                "Reminders can be paused for up to 6 months, that is until {date}. "
                "Please type an earlier date."
            ).format(date=t.date(checkins.latest_pause(today))),
        }
        await reply(update, context, problems[parsed], keyboard([[(_("Cancel"), CANCEL)]]))
        return None
    return await save_pause(update, context, parsed)


async def not_a_date(update: Update, context: BotContext) -> None:
    """Answer a sticker, photo or file where a typed date is expected."""
    _ = context.t._
    today = context.deps.clock.now().date()
    await reply(
        update,
        context,
        _("Please type the date as text, for example {example}.").format(
            example=checkins.date_example(today)
        ),
        keyboard([[(_("Cancel"), CANCEL)]]),
    )


async def save_pause(update: Update, context: BotContext, until: date) -> int:
    """Store the pause for the speaker and confirm it."""
    _ = context.t._
    speaker = require_speaker(context)
    deps = context.deps
    async with deps.sessions() as session:
        await checkins.pause_reminders(session, speaker.id, until, deps.clock.utcnow())
        await session.commit()
    await reply(
        update,
        context,
        _(
            "Done. Check-in reminders are paused until {date}. Have a good rest! "
            "You can switch them back on any time in /kinerja."
        ).format(date=context.t.date(until)),
    )
    return ConversationHandler.END


async def cancel_pause(update: Update, context: BotContext) -> int:
    """Leave the reminders as they are."""
    _ = context.t._
    await answer(update)
    await reply(update, context, _("All right, the check-in reminders stay as they are."))
    return ConversationHandler.END


async def resume(update: Update, context: BotContext) -> None:
    """Switch paused reminders back on."""
    _ = context.t._
    speaker = require_speaker(context)
    deps = context.deps
    async with deps.sessions() as session:
        was_paused = await checkins.resume_reminders(session, speaker.id, deps.clock.now().date())
        await session.commit()
    await answer(update)
    text = (
        _("Welcome back! Check-in reminders are on again.")
        if was_paused
        else _("Check-in reminders are already on.")
    )
    await reply(update, context, text)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the check-in button handlers and the pause conversation."""
    quick: BaseHandler[Update, BotContext, Any] = CallbackQueryHandler(
        quick_pause, pattern=QUICK_PATTERN
    )
    typed: BaseHandler[Update, BotContext, Any] = CallbackQueryHandler(
        ask_date, pattern=f"^{TYPE_DATE}$"
    )
    pause: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[CallbackQueryHandler(ask_leave, pattern=f"^{checkins.LEAVE}$")],
        states={
            CHOOSE: [quick, typed],
            ASK_DATE: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, typed_date),
                quick,
                typed,
                MessageHandler(~filters.COMMAND, not_a_date),
            ],
        },
        fallbacks=[
            CommandHandler(["batal", "cancel"], cancel_pause),
            CallbackQueryHandler(cancel_pause, pattern=f"^{CANCEL}$"),
        ],
        name="checkin_pause",
        persistent=True,
        allow_reentry=True,
    )
    return [
        CallbackQueryHandler(remind_later, pattern=f"^{checkins.LATER}$"),
        CallbackQueryHandler(resume, pattern=f"^{checkins.RESUME}$"),
        pause,
    ]
