"""Last resort answers: unknown commands, stray text, stale buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from handlers.common import answer, reply


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """Answer /batal when no flow is running."""
    _ = context.t._
    await reply(update, context, _("There is nothing to cancel right now."))


async def unknown_message(update: Update, context: BotContext) -> None:
    """Point the user to /bantuan (or to linking) when we do not understand."""
    _ = context.t._
    if context.speaker is None:
        text = _(
            "Your Telegram account is not linked yet. Send /start to link it: open the invite "
            "link from your OPD, or type your NIP."
        )
    else:
        text = _("Sorry, I did not understand that. Send /bantuan to see what you can do.")
    await reply(update, context, text)


async def stale_button(update: Update, context: BotContext) -> None:
    """Explain that a button belongs to a finished or unknown flow."""
    _ = context.t._
    await answer(
        update,
        _("This button is no longer active. Please start again from the menu."),
        alert=True,
    )


def build() -> list[BaseHandler[Update, Any, Any]]:
    return [
        CommandHandler(["batal", "cancel"], nothing_to_cancel),
        CallbackQueryHandler(stale_button),
        MessageHandler(filters.ALL, unknown_message),
    ]
