"""/umpanbalik (/feedback): a leader gives continuous feedback; the employee thanks or replies.

The leader's flow, all by buttons: pick a team member (paged) -> a recent report, a target or
"General" -> Appreciation / Suggestion -> a BerAKHLAK value or Skip -> type the text (or ask
for the template) -> preview -> Send / Change / Cancel. It also starts from the "Give
feedback" button of a report notice (fb:report:<id>) and from the team view (fb:emp:<id>).
The employee answers with "Thank you" (fb:ack:<id>) or "Reply" (fb:reply:<id>).

- drafts: the typed draft and the pending reply in user_data, the shared Batal/lost steps
- steps: one callback per step
- texts: the screens
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
from handlers.feedback.drafts import FLOW
from handlers.feedback.steps import (
    KIND,
    PICK_EMPLOYEE,
    PREVIEW,
    REPLY,
    SUBJECT,
    VALUE,
    WRITE,
    acknowledge,
    change_text,
    pick_employee,
    pick_kind,
    pick_subject,
    pick_value,
    receive_reply,
    receive_text,
    reply_expected,
    send,
    send_template,
    start,
    start_for_employee,
    start_from_report,
    start_reply,
    text_expected,
    turn_page,
)

__all__ = ["PREVIEW", "build"]


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The feedback conversation, then the stateless "Thank you" button."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["umpanbalik", "feedback"], start),
            CallbackQueryHandler(start_from_report, pattern=r"^fb:report:"),
            CallbackQueryHandler(start_for_employee, pattern=r"^fb:emp:"),
            CallbackQueryHandler(start_reply, pattern=r"^fb:reply:"),
        ],
        states={
            PICK_EMPLOYEE: [
                CallbackQueryHandler(pick_employee, pattern=r"^fb:e:"),
                CallbackQueryHandler(turn_page, pattern=r"^fb:pg:"),
            ],
            SUBJECT: [CallbackQueryHandler(pick_subject, pattern=r"^fb:(r:|t:|g$)")],
            KIND: [CallbackQueryHandler(pick_kind, pattern=r"^fb:k:")],
            VALUE: [CallbackQueryHandler(pick_value, pattern=r"^fb:v:")],
            WRITE: [
                CallbackQueryHandler(send_template, pattern=r"^fb:tpl$"),
                MessageHandler(text, receive_text),
                MessageHandler(other, text_expected),
            ],
            PREVIEW: [
                CallbackQueryHandler(send, pattern=r"^fb:send:"),
                CallbackQueryHandler(change_text, pattern=r"^fb:edit$"),
                # Typing again on the preview replaces the text: nothing typed is ignored.
                MessageHandler(text, receive_text),
            ],
            REPLY: [
                MessageHandler(text, receive_reply),
                MessageHandler(other, reply_expected),
            ],
        },
        fallbacks=FLOW.fallbacks(earlier=r"^fb:(e|pg|r|t|g|k|v|tpl|send|edit)(:|$)"),
        name="feedback",
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, CallbackQueryHandler(acknowledge, pattern=r"^fb:ack:")]
