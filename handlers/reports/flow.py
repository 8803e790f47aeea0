"""/lapor steps up to the evidence: start, pick a target, the amount (or description), the note.

Also the flow's way out: Cancel, and buttons of an earlier step.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services.numbers import AmountError
from bot.services.reports import drafts as report_drafts
from bot.services.reports.drafts import DraftError, ReportDraft
from bot.text import parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply
from handlers.reports.prompts import (
    ask_amount,
    ask_confirm_big,
    ask_evidence,
    ask_note,
    show_summary,
    show_targets,
    target_gone,
)
from handlers.reports.state import (
    AMOUNT,
    CONFIRM_BIG,
    END,
    EVIDENCE,
    NOTE,
    THEN_KEY,
    draft_of,
    forget,
    keep,
    load_progress,
    lost,
)
from handlers.reports.texts import L_SKIP, cancel_row, draft_error_text

# --- 1. choosing a target ---


async def start_report(update: Update, context: BotContext) -> int | None:
    """Start a report: list the speaker's approved targets of this semester."""
    await answer(update)
    if context.speaker is None:
        return await lost(update, context)
    forget(context)
    return await show_targets(update, context, context.speaker, edit=False)


async def pick_target(update: Update, context: BotContext) -> int | None:
    """Take the chosen target (checked again: the button may be old or crafted)."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None:
        return await lost(update, context)
    parsed = parse_callback(
        update.callback_query.data if update.callback_query else None, "rp:t", 1
    )
    progress = await load_progress(context, speaker, parsed[0]) if parsed else None
    if progress is None:
        await answer(
            update,
            _("This target cannot take reports now. Please choose one from the list."),
            alert=True,
        )
        return None
    await answer(update)
    # Choosing another target after a refusal keeps the note and files already given.
    draft = draft_of(context) or ReportDraft(target_id=progress.id)
    if draft.qualitative or progress.qualitative:
        draft.note = ""  # a description and a quality note are different things
    draft.target_id = progress.id
    draft.target_version = progress.target.version
    draft.qualitative = progress.qualitative
    draft.amount = None
    draft.confirmed_large = False
    keep(context, draft)
    await ask_amount(update, context, progress, edit=True)
    return AMOUNT


# --- 2. the amount (or the description of a qualitative target) ---


async def receive_amount(update: Update, context: BotContext) -> int | None:
    """Check the typed amount (or description) and move on; explain and stay when it is wrong."""
    t = context.t
    _ = t._
    draft, speaker = draft_of(context), context.speaker
    message = update.effective_message
    if draft is None or speaker is None or message is None:
        return await lost(update, context)
    if draft.qualitative:
        try:
            draft.note = report_drafts.check_narrative(message.text)
        except DraftError as error:
            text = draft_error_text(context, error)
            await reply(update, context, text, keyboard([cancel_row(context)]))
            return None
        keep(context, draft)
        await ask_evidence(update, context, draft)
        return EVIDENCE
    try:
        amount = report_drafts.parse_report_amount(message.text)
    except AmountError as error:
        await reply(update, context, _(error.reason), keyboard([cancel_row(context)]))
        return None
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=False)
    draft.amount = amount
    draft.confirmed_large = False
    draft.target_version = progress.target.version
    keep(context, draft)
    if report_drafts.is_far_above(progress.target, progress.achieved, amount):
        await ask_confirm_big(update, context, progress, amount, edit=False)
        return CONFIRM_BIG
    await ask_note(update, context, draft)
    return NOTE


async def amount_not_text(update: Update, context: BotContext) -> None:
    """Ask for text when a sticker, photo or voice message arrives instead of the amount."""
    _ = context.t._
    draft = draft_of(context)
    if draft is not None and draft.qualitative:
        text = _("Please type your description as a text message.")
    else:
        text = _("Please type the amount as a number, for example 3 or 2,5.")
    await reply(update, context, text, keyboard([cancel_row(context)]))


async def confirm_big(update: Update, context: BotContext) -> int | None:
    """Accept the large amount (then continue), or ask for the amount again."""
    draft, speaker = draft_of(context), context.speaker
    if draft is None or speaker is None:
        return await lost(update, context)
    await answer(update)
    data = update.callback_query.data if update.callback_query else ""
    then = (context.user_data or {}).pop(THEN_KEY, None)
    if data != "rp:big:yes":
        progress = await load_progress(context, speaker, draft.target_id)
        if progress is None:
            return await target_gone(update, context, edit=True)
        await ask_amount(update, context, progress, edit=True)
        return AMOUNT
    draft.confirmed_large = True
    keep(context, draft)
    if then == "summary":
        return await show_summary(update, context, edit=True)
    await ask_note(update, context, draft, edit=True)
    return NOTE


# --- 3. the quality note ---


async def receive_note(update: Update, context: BotContext) -> int | None:
    """Take the note, refusing empty or over-long text with the limit stated."""
    draft = draft_of(context)
    message = update.effective_message
    if draft is None or message is None:
        return await lost(update, context)
    try:
        draft.note = report_drafts.check_note(message.text)
    except DraftError as error:
        await reply(
            update,
            context,
            draft_error_text(context, error),
            keyboard([[(context.t._(L_SKIP), "rp:skip")], cancel_row(context)]),
        )
        return None
    keep(context, draft)
    await ask_evidence(update, context, draft)
    return EVIDENCE


async def skip_note(update: Update, context: BotContext) -> int:
    """Go on without a (new) note."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    await answer(update)
    await ask_evidence(update, context, draft, edit=True)
    return EVIDENCE


async def note_not_text(update: Update, context: BotContext) -> None:
    """Ask for the note as text."""
    _ = context.t._
    await reply(
        update,
        context,
        _("Please type the note as a text message, or press Skip."),
        keyboard([[(_(L_SKIP), "rp:skip")], cancel_row(context)]),
    )


# --- leaving the flow ---


async def cancel(update: Update, context: BotContext) -> int:
    """Stop the report (or correction) flow; nothing is saved."""
    _ = context.t._
    forget(context)
    await answer(update)
    text = _("All right, nothing was sent. You can report any time with /lapor.")
    await (edit_or_reply if update.callback_query else reply)(update, context, text)
    return END


async def earlier_step(update: Update, context: BotContext) -> None:
    """A button of an earlier step of this flow: nothing happens."""
    _ = context.t._
    await answer(update, _("This button belongs to an earlier step."), alert=True)
