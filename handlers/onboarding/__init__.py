"""Onboarding: /start with an invite code, or by NIP with the supervisor's (or HR's) approval.

The steps are in steps.py, the screens in texts.py; every rule (the single-use codes, the
guessing brake, the caps and routing of NIP requests, deciding once) is in
bot.services.onboarding.
"""

from __future__ import annotations

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
from handlers.onboarding.steps import (
    ASK_NIP,
    CANCEL_DATA,
    STEPS,
    decide,
    not_text,
    receive_nip,
    start,
)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The /start conversation, and the approvers' decision buttons."""
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={
            ASK_NIP: [
                CallbackQueryHandler(STEPS.cancel, pattern=f"^{CANCEL_DATA}$"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, receive_nip),
                MessageHandler(~filters.COMMAND, not_text),
            ]
        },
        fallbacks=STEPS.fallbacks(),
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, CallbackQueryHandler(decide, pattern=r"^onb:(ok|no):")]
