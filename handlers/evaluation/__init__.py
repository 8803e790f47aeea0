"""/nilai (/evaluate): the leader's semester evaluation, HR's tools, the employee's answer.

The draft lives in user_data["ev"] (plain values only). Every button is re-checked in the
services: a crafted "ev:pick:<id>" for someone else's staff, or "ev:ack:<id>" for someone
else's evaluation, is politely refused and nothing changes.

Modules: common (states, refusals, keyboards), leader (the rating screens), employee
(Accept / objection), hr (org rating, correction, Plt, spread).
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
from handlers.evaluation.common import (
    CANCEL,
    COMMENT,
    CONFIRM,
    HASIL,
    LIST,
    NOTE,
    OBJECTION,
    PERILAKU,
    cancel,
    not_text,
)
from handlers.evaluation.employee import acknowledge, ask_objection, typed_objection
from handlers.evaluation.hr import hr_build_states, hr_entry_points
from handlers.evaluation.leader import (
    ask_note,
    back_to_perilaku,
    confirm,
    notes_menu,
    pick,
    rate_hasil,
    rate_perilaku,
    skip_comment,
    start,
    typed_comment,
    typed_note,
)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the evaluation conversation and the employee's Accept button."""
    text = filters.TEXT & ~filters.COMMAND
    cancel_button: BaseHandler[Update, BotContext, Any] = CallbackQueryHandler(
        cancel, pattern=f"^{CANCEL}$"
    )
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["nilai", "evaluate"], start),
            CallbackQueryHandler(start, pattern="^ev:start$"),  # the planners' prompt button
            CallbackQueryHandler(pick, pattern=r"^ev:pick:\d+$"),
            CallbackQueryHandler(ask_objection, pattern=r"^ev:obj:\d+$"),
            *hr_entry_points(),
        ],
        states={
            LIST: [CallbackQueryHandler(pick, pattern=r"^ev:pick:\d+$")],
            HASIL: [CallbackQueryHandler(rate_hasil, pattern=r"^ev:h:\d+$")],
            PERILAKU: [
                CallbackQueryHandler(rate_perilaku, pattern=r"^ev:p:\d+$"),
                CallbackQueryHandler(notes_menu, pattern="^ev:notes$"),
                CallbackQueryHandler(ask_note, pattern=r"^ev:note:\d+$"),
                CallbackQueryHandler(back_to_perilaku, pattern="^ev:back$"),
            ],
            NOTE: [
                MessageHandler(text, typed_note),
                CallbackQueryHandler(back_to_perilaku, pattern="^ev:back$"),
                MessageHandler(~filters.COMMAND, not_text),
            ],
            COMMENT: [
                MessageHandler(text, typed_comment),
                CallbackQueryHandler(skip_comment, pattern="^ev:skip$"),
                MessageHandler(~filters.COMMAND, not_text),
            ],
            CONFIRM: [CallbackQueryHandler(confirm, pattern="^ev:ok$")],
            OBJECTION: [
                MessageHandler(text, typed_objection),
                MessageHandler(~filters.COMMAND, not_text),
            ],
            **hr_build_states(text, not_text),
        },
        fallbacks=[CommandHandler(["batal", "cancel"], cancel), cancel_button],
        name="evaluation",
        persistent=True,
        allow_reentry=True,
    )
    accept: BaseHandler[Update, BotContext, Any] = CallbackQueryHandler(
        acknowledge, pattern=r"^ev:ack:\d+$"
    )
    return [conversation, accept]
