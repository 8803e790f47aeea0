"""/tanya (/ask): questions to HR, optionally anonymous; HR's inbox and answers; and /faq.

An employee asks with their name or anonymously (steps_asking); the draft lives in memory only
(flow.py), never in the persisted user_data. HR sees the inbox, answers, closes with a reason
and publishes to the FAQ (steps_hr). /faq lists published entries; HR hide entries and show
them again (steps_faq). Every rule, scope checks included, lives in bot.services.questions.
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
from handlers.questions.flow import (
    ANSWER,
    ANSWER_PREVIEW,
    CLOSE,
    MODE,
    PREVIEW,
    PUBLISH,
    STEPS,
    WRITE,
    text_expected,
)
from handlers.questions.steps_asking import (
    change_text,
    pick_mode,
    pick_route,
    receive_text,
    send,
    show_own_question,
    show_own_questions,
    start,
    start_from_button,
)
from handlers.questions.steps_faq import (
    faq,
    hide_faq_entry,
    show_faq_entry,
    show_hidden_entry,
    turn_faq_page,
    turn_hidden_page,
    unhide_faq_entry,
)
from handlers.questions.steps_hr import (
    change_answer,
    confirm_publish,
    receive_answer,
    receive_reason,
    receive_rewording,
    reword_prompt,
    send_answer,
    show_settled_question,
    start_answer,
    start_close,
    start_publish,
    turn_inbox_page,
    turn_settled_page,
)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The questions conversation, the inbox pages, and the stateless /faq handlers."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["tanya", "ask"], start),
            CallbackQueryHandler(start_from_button, pattern=r"^qa:new$"),
            CallbackQueryHandler(start_answer, pattern=r"^qa:ans:"),
            CallbackQueryHandler(start_close, pattern=r"^qa:close:"),
            CallbackQueryHandler(start_publish, pattern=r"^qa:pub:"),
            CallbackQueryHandler(show_own_questions, pattern=r"^qa:mine:"),
        ],
        states={
            MODE: [
                CallbackQueryHandler(pick_mode, pattern=r"^qa:mode:"),
                CallbackQueryHandler(pick_route, pattern=r"^qa:route:"),
            ],
            WRITE: [MessageHandler(text, receive_text), MessageHandler(other, text_expected)],
            PREVIEW: [
                CallbackQueryHandler(send, pattern=r"^qa:send:"),
                CallbackQueryHandler(change_text, pattern=r"^qa:edit$"),
                # Typing again on the preview replaces the text: nothing typed is ignored.
                MessageHandler(text, receive_text),
            ],
            ANSWER: [MessageHandler(text, receive_answer), MessageHandler(other, text_expected)],
            ANSWER_PREVIEW: [
                CallbackQueryHandler(send_answer, pattern=r"^qa:asend:"),
                CallbackQueryHandler(change_answer, pattern=r"^qa:aedit$"),
                MessageHandler(text, receive_answer),
            ],
            PUBLISH: [
                CallbackQueryHandler(confirm_publish, pattern=r"^qa:pubok:"),
                CallbackQueryHandler(reword_prompt, pattern=r"^qa:pubedit$"),
                MessageHandler(text, receive_rewording),
                MessageHandler(other, text_expected),
            ],
            CLOSE: [MessageHandler(text, receive_reason), MessageHandler(other, text_expected)],
        },
        fallbacks=STEPS.fallbacks(
            earlier=r"^qa:(mode|route|send|edit|asend|aedit|pubok|pubedit)(:|$)"
        ),
        name="questions",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CallbackQueryHandler(turn_inbox_page, pattern=r"^qa:pg:"),
        CallbackQueryHandler(turn_settled_page, pattern=r"^qa:done:"),
        CallbackQueryHandler(show_settled_question, pattern=r"^qa:dq:"),
        CallbackQueryHandler(show_own_question, pattern=r"^qa:myq:"),
        CommandHandler("faq", faq),
        CallbackQueryHandler(turn_faq_page, pattern=r"^faq:pg:"),
        CallbackQueryHandler(show_faq_entry, pattern=r"^faq:e:"),
        CallbackQueryHandler(hide_faq_entry, pattern=r"^faq:hide:"),
        CallbackQueryHandler(turn_hidden_page, pattern=r"^faq:hid:"),
        CallbackQueryHandler(show_hidden_entry, pattern=r"^faq:he:"),
        CallbackQueryHandler(unhide_faq_entry, pattern=r"^faq:show:"),
    ]
