"""The question each step of /lapor shows: targets, amount, confirmation, note, evidence, summary.

Kept apart from the steps that read the answers, because several steps lead to the same
question (for example the summary, or the amount again after Change).
"""

from __future__ import annotations

from decimal import Decimal

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.services import reports
from bot.services.access import Speaker
from bot.services.reports import TargetProgress
from bot.services.reports.drafts import ReportDraft
from handlers.common import edit_or_reply, keyboard, reply
from handlers.reports import texts
from handlers.reports.state import (
    ACK_KEY,
    DRAFTS,
    END,
    FLOW,
    PICK,
    SUMMARY,
    load_progress,
    period,
)


async def put(
    update: Update,
    context: BotContext,
    text: str,
    rows: texts.Rows,
    *,
    edit: bool,
    cancel: bool = True,
) -> None:
    """Show a step: replace the pressed message (`edit`) or send a new one, with Cancel."""
    markup: InlineKeyboardMarkup | None = None
    if rows or cancel:
        markup = keyboard([*rows, FLOW.cancel_row(context)] if cancel else rows)
    await (edit_or_reply if edit else reply)(update, context, text, markup)


async def show_targets(
    update: Update, context: BotContext, speaker: Speaker, *, edit: bool
) -> int:
    """Offer the targets as buttons with their current achievement; explain when there are none."""
    targets = await reports.reportable_targets(context.deps.sessions, speaker.id, period(context))
    if not targets:
        DRAFTS.forget(context)
        await put(update, context, texts.no_targets_text(context.t), [], edit=edit, cancel=False)
        return END
    text, rows = texts.targets_screen(context.t, targets)
    await put(update, context, text, rows, edit=edit)
    return PICK


async def ask_amount(
    update: Update, context: BotContext, progress: TargetProgress, *, edit: bool
) -> None:
    """Ask for the increment achieved, or for a description of a qualitative target."""
    await put(update, context, texts.amount_question(context.t, progress), [], edit=edit)


async def ask_confirm_big(
    update: Update,
    context: BotContext,
    progress: TargetProgress,
    amount: Decimal,
    *,
    edit: bool,
) -> None:
    """Ask whether an amount far above the target is really meant."""
    text, rows = texts.big_question(context.t, progress, amount)
    await put(update, context, text, rows, edit=edit)


async def ask_note(
    update: Update, context: BotContext, draft: ReportDraft, *, edit: bool = False
) -> None:
    """Ask for a short note on quality, which may be skipped."""
    text, rows = texts.note_question(context.t, draft)
    await put(update, context, text, rows, edit=edit)


async def ask_evidence(
    update: Update, context: BotContext, draft: ReportDraft, *, edit: bool = False
) -> None:
    """Ask for photos or documents as evidence (optional)."""
    if context.user_data is not None:
        context.user_data.pop(ACK_KEY, None)
    max_bytes = context.deps.settings.evidence_max_bytes
    text, rows = texts.evidence_question(context.t, draft, max_bytes)
    await put(update, context, text, rows, edit=edit)


async def show_summary(update: Update, context: BotContext, *, edit: bool) -> int:
    """Show everything once more with Send / Change / Cancel."""
    draft, speaker = DRAFTS.get(context), context.speaker
    if draft is None or speaker is None:
        return await FLOW.lost(update, context)
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=edit)
    text, rows = texts.summary(context.t, draft, progress)
    rows[-1] += FLOW.cancel_row(context)  # Change and Cancel side by side
    await put(update, context, text, rows, edit=edit, cancel=False)
    return SUMMARY


async def target_gone(update: Update, context: BotContext, *, edit: bool) -> int:
    """The target can no longer take reports: keep the draft and offer another target."""
    text, rows = texts.target_gone(context.t)
    await put(update, context, text, rows, edit=edit)
    return SUMMARY
