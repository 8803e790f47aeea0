"""The check-in reminder's buttons: remind me tomorrow, I am on leave (pause), resume.

- state.py: the pause conversation's states and shared steps   - texts.py: the screens
- steps.py: one callback per button and step
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.services import checkins
from handlers.checkins.state import ASK_DATE, CHOOSE, FLOW
from handlers.checkins.steps import (
    ask_date,
    ask_leave,
    not_a_date,
    quick_pause,
    remind_later,
    resume,
    typed_date,
)
from handlers.checkins.texts import PAUSE_PREFIX, TYPE_DATE

QUICK_PATTERN = rf"^{PAUSE_PREFIX}({'|'.join(c.value for c in checkins.QuickPause)})$"


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
        fallbacks=FLOW.fallbacks(),
        name="checkin_pause",
        persistent=True,
        allow_reentry=True,
    )
    return [
        CallbackQueryHandler(remind_later, pattern=f"^{checkins.LATER}$"),
        CallbackQueryHandler(resume, pattern=f"^{checkins.RESUME}$"),
        pause,
    ]
