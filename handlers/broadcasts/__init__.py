"""/siaran (/broadcast): HR sends socialization messages through the outbox.

Flow, all by buttons: choose the audience (whole city, OPDs, units, roles, leaders) -> send
the message (text, or a photo/document with caption; its formatting is kept) -> preview
exactly as recipients see it, with the exact count -> Kirim / Ubah / Batal. While it sends,
one progress message is edited every few seconds (bot/delivery/broadcast_progress.py) with a
"Hentikan" button; "Laporan" shows counts by OPD and offers a resend to those who have not
acknowledged. steps.py holds the conversation, steps_sent.py the buttons of a sent broadcast,
texts.py the screens; the rules live in bot.services.broadcasts.
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
from handlers.broadcasts import steps, steps_sent
from handlers.broadcasts.steps import AUDIENCE, PICK_OPDS, PREVIEW, STEPS, WRITE


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The broadcast conversation, then the stateless buttons (read, stop, report, resend)."""
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["siaran", "broadcast"], steps.start),
            CallbackQueryHandler(steps.start, pattern=r"^bc:menu$"),
        ],
        states={
            AUDIENCE: [
                CallbackQueryHandler(steps.new, pattern=r"^bc:new$"),
                CallbackQueryHandler(steps_sent.show_history, pattern=r"^bc:hist$"),
                CallbackQueryHandler(steps.pick_audience, pattern=r"^bc:au:"),
            ],
            PICK_OPDS: [
                CallbackQueryHandler(steps.toggle_opd, pattern=r"^bc:o:"),
                CallbackQueryHandler(steps.turn_page, pattern=r"^bc:op:"),
                CallbackQueryHandler(steps.opds_done, pattern=r"^bc:od$"),
            ],
            WRITE: [
                MessageHandler(content, steps.receive_message),
                MessageHandler(other, steps.receive_message),
            ],
            PREVIEW: [
                CallbackQueryHandler(steps.send, pattern=r"^bc:send:"),
                CallbackQueryHandler(steps.toggle_ack, pattern=r"^bc:ackt$"),
                CallbackQueryHandler(steps.change, pattern=r"^bc:edit$"),
                MessageHandler(content, steps.receive_message),
            ],
        },
        fallbacks=STEPS.fallbacks(earlier=r"^bc:(new|hist|au|o|op|od|send|ackt|edit)(:|$)"),
        name="broadcast",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CallbackQueryHandler(steps_sent.acknowledge, pattern=r"^bc:ack:"),
        CallbackQueryHandler(steps_sent.stop, pattern=r"^bc:stop:"),
        CallbackQueryHandler(steps_sent.show_report, pattern=r"^bc:rep:"),
        CallbackQueryHandler(steps_sent.resend, pattern=r"^bc:rs:"),
        CallbackQueryHandler(steps_sent.preview_button, pattern=r"^bc:pv$"),
        CallbackQueryHandler(steps_sent.show_history, pattern=r"^bc:hist$"),
    ]
