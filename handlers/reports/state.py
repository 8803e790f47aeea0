"""The report conversation's states, what it keeps in user_data, and lookups every step shares.

State numbers and user_data keys are persisted: changing them would break conversations
and drafts in progress across an upgrade.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.services import reports
from bot.services.access import Speaker
from bot.services.reports import TargetProgress
from bot.services.reports.drafts import ReportDraft
from bot.text import parse_callback
from handlers.common import answer, reply

PICK, AMOUNT, CONFIRM_BIG, NOTE, EVIDENCE, SUMMARY, FIX_FIELD, FIX_VALUE, FIX_CONFIRM = range(
    1, 10
)
END = ConversationHandler.END
DRAFT_KEY = "report_draft"
FIX_KEY = "report_fix"
ACK_KEY = "report_ack"  # the "file received" message an album's later photos update
THEN_KEY = "report_then"  # where a confirmed large amount continues: note step or summary


def draft_of(context: BotContext) -> ReportDraft | None:
    return ReportDraft.from_data((context.user_data or {}).get(DRAFT_KEY))


def keep(context: BotContext, draft: ReportDraft) -> None:
    """Store the draft in user_data (persisted, so it survives a restart)."""
    if context.user_data is not None:
        context.user_data[DRAFT_KEY] = draft.to_data()


def forget(context: BotContext) -> None:
    if context.user_data is not None:
        for key in (DRAFT_KEY, FIX_KEY, ACK_KEY, THEN_KEY):
            context.user_data.pop(key, None)


def now(context: BotContext) -> datetime:
    return context.deps.clock.utcnow()


def period(context: BotContext) -> str:
    return reports.current_period(context.deps.clock.now().date())


async def lost(update: Update, context: BotContext) -> int:
    """The draft is gone (or the account unlinked): say so kindly and end."""
    _ = context.t._
    forget(context)
    await answer(update)
    await reply(
        update,
        context,
        _("Sorry, this report draft is no longer available. Please start again with /lapor."),
    )
    return END


async def load_progress(
    context: BotContext, speaker: Speaker, target_id: int
) -> TargetProgress | None:
    async with context.deps.sessions() as session:
        return await reports.reportable_target(session, speaker.id, target_id, period(context))


def report_id_of(update: Update, prefix: str) -> int | None:
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, prefix, 1)
    return parsed[0] if parsed else None
