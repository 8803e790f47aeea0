"""The one error handler: log with context, apologise politely, remember blocked users."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import BotContext
from bot.services import employees
from handlers.common import answer

log = logging.getLogger("kinerja.errors")


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure; tell the user something went wrong; mark users who blocked the bot."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_chat:
        log.info("chat %s blocked the bot", update.effective_chat.id)
        deps = context.deps
        async with deps.sessions() as session:
            await employees.mark_blocked(session, update.effective_chat.id, deps.clock.utcnow())
            await session.commit()
        return
    log.error("error while handling update %s", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    _ = context.t._
    text = _(
        "Sorry, something went wrong on our side and your last step was not completed. "
        "Please try again in a moment. If it keeps happening, tell the HR officer of your OPD."
    )
    try:
        if update.callback_query is not None:
            await answer(update, text, alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)
