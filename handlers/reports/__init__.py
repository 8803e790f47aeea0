"""/lapor (/report): report progress on a target, with evidence; correct or withdraw in 24 h.

The flow, all by buttons: pick a target -> type the amount (or a description for a
qualitative target) -> a short note or Skip -> photos/documents, then Done or Skip ->
summary -> Send / Change / Cancel. Rules live in bot.services.reports, report_drafts and
report_notices. This module only wires the steps together:

- state.py: states, user_data keys, shared lookups     - texts.py: labels and rendering
- prompts.py: the question each step shows             - flow.py: target, amount, note, cancel
- evidence.py: files and "Lihat bukti"                 - sending.py: Send / Change on the summary
- changes.py: correcting and withdrawing within 24 hours
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
from handlers.reports.changes import (
    ask_withdraw,
    do_withdraw,
    fix_confirm,
    fix_field,
    fix_not_text,
    fix_value,
    keep_report,
    start_fix,
)
from handlers.reports.evidence import evidence_finished, file_expected, receive_file, view_evidence
from handlers.reports.flow import (
    amount_not_text,
    cancel,
    confirm_big,
    earlier_step,
    note_not_text,
    pick_target,
    receive_amount,
    receive_note,
    skip_note,
    start_report,
)
from handlers.reports.sending import change_report, retarget, send_report
from handlers.reports.state import (
    AMOUNT,
    CONFIRM_BIG,
    EVIDENCE,
    FIX_CONFIRM,
    FIX_FIELD,
    FIX_VALUE,
    NOTE,
    PICK,
    SUMMARY,
)
from handlers.reports.texts import CANCEL


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
        fallbacks=[
            CommandHandler(["batal", "cancel"], cancel),
            CallbackQueryHandler(cancel, pattern=f"^{CANCEL}$"),
            # Buttons of other steps of this flow: answered here, never acted upon.
            CallbackQueryHandler(
                earlier_step, pattern=r"^rp:(t|big|skip|done|send|edit|retarget|fx)(:|$)"
            ),
        ],
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
