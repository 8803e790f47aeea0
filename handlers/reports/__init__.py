"""/lapor (/report): report progress on a target, with evidence; correct or withdraw in 24 h.

The flow, all by buttons: pick a target -> type the amount (or a description for a
qualitative target; for an RHK with several IKIs, each IKI in turn) -> a short note or Skip
-> photos/documents, then Done or Skip -> summary -> Send / Change / Cancel. Rules live in
bot.services.reports. This module only wires the steps together:

- state.py: states, the typed drafts, the flow's shared steps   - texts.py: every screen
- prompts.py: the question each step shows                      - steps_report.py: the steps
- steps_evidence.py: files and "Lihat bukti"                    - steps_change.py: corrections
- steps_iki.py: one question per IKI of an RHK with several
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
from handlers.reports.state import (
    AMOUNT,
    CONFIRM_BIG,
    EVIDENCE,
    FIX_CONFIRM,
    FIX_FIELD,
    FIX_VALUE,
    FLOW,
    IKI,
    NOTE,
    PICK,
    SUMMARY,
)
from handlers.reports.steps_change import (
    ask_withdraw,
    do_withdraw,
    fix_confirm,
    fix_field,
    fix_not_text,
    fix_value,
    keep_report,
    start_fix,
)
from handlers.reports.steps_evidence import (
    evidence_finished,
    file_expected,
    receive_file,
    view_evidence,
)
from handlers.reports.steps_iki import iki_button, iki_not_text, receive_iki_text
from handlers.reports.steps_report import (
    amount_not_text,
    change_report,
    confirm_big,
    note_not_text,
    pick_target,
    receive_amount,
    receive_note,
    retarget,
    send_report,
    skip_note,
    start_report,
)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The report conversation, then the stateless withdraw and evidence buttons."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["lapor", "report"], start_report),
            CallbackQueryHandler(start_report, pattern=r"^rp:start$"),
            CallbackQueryHandler(start_fix, pattern=r"^rp:fix:"),
        ],
        states={
            PICK: [
                CallbackQueryHandler(pick_target, pattern=r"^rp:t:"),
            ],
            AMOUNT: [
                MessageHandler(text, receive_amount),
                MessageHandler(other, amount_not_text),
            ],
            IKI: [
                CallbackQueryHandler(iki_button, pattern=r"^rp:iv:(skip|done|ontime|late)$"),
                MessageHandler(text, receive_iki_text),
                MessageHandler(other, iki_not_text),
            ],
            CONFIRM_BIG: [CallbackQueryHandler(confirm_big, pattern=r"^rp:big:(yes|no)$")],
            NOTE: [
                CallbackQueryHandler(skip_note, pattern=r"^rp:skip$"),
                MessageHandler(text, receive_note),
                MessageHandler(other, note_not_text),
            ],
            EVIDENCE: [
                CallbackQueryHandler(evidence_finished, pattern=r"^rp:(done|skip)$"),
                MessageHandler(filters.PHOTO | filters.Document.ALL, receive_file),
                MessageHandler(other, file_expected),
            ],
            SUMMARY: [
                CallbackQueryHandler(send_report, pattern=r"^rp:send:"),
                CallbackQueryHandler(change_report, pattern=r"^rp:edit$"),
                CallbackQueryHandler(retarget, pattern=r"^rp:retarget$"),
            ],
            FIX_FIELD: [CallbackQueryHandler(fix_field, pattern=r"^rp:fx:(a|n)$")],
            FIX_VALUE: [
                MessageHandler(text, fix_value),
                MessageHandler(other, fix_not_text),
            ],
            FIX_CONFIRM: [CallbackQueryHandler(fix_confirm, pattern=r"^rp:fx:(ok|no)$")],
        },
        fallbacks=FLOW.fallbacks(earlier=r"^rp:(t|big|skip|done|send|edit|retarget|fx|iv)(:|$)"),
        name="reports",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CallbackQueryHandler(ask_withdraw, pattern=r"^rp:del:"),
        CallbackQueryHandler(do_withdraw, pattern=r"^rp:delok:"),
        CallbackQueryHandler(keep_report, pattern=r"^rp:keep$"),
        CallbackQueryHandler(view_evidence, pattern=r"^rp:ev:"),
    ]
