"""/lapor steps: pick a target, the amount (or description), the note, and the summary's
buttons (Send: saved once, the leader told; Change; another target)."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services import reports
from bot.services.access import Speaker
from bot.services.numbers import AmountError
from bot.services.reports import SaveOutcome, SaveResult
from bot.services.reports import drafts as report_drafts
from bot.services.reports.drafts import DraftError, ReportDraft
from bot.services.targets.achievement import is_far_above
from handlers.common import answer, callback_int, edit_or_reply, keyboard, reply
from handlers.conversation import refuse
from handlers.reports import texts
from handlers.reports.prompts import (
    ask_confirm_big,
    ask_evidence,
    ask_note,
    put,
    show_summary,
    show_targets,
    target_gone,
)
from handlers.reports.state import (
    CONFIRM_BIG,
    DRAFTS,
    END,
    EVIDENCE,
    FLOW,
    NOTE,
    SUMMARY,
    THEN_KEY,
    load_progress,
    now,
    period,
)
from handlers.reports.steps_iki import ask_values

NOT_REPORTABLE = N_("This target cannot take reports now. Please choose one from the list.")
EARLIER_SUMMARY = N_("This button belongs to an earlier summary.")

# --- 1. choosing a target ---


async def start_report(update: Update, context: BotContext) -> int | None:
    """Start a report: list the speaker's approved targets of this semester."""
    await answer(update)
    if context.speaker is None:
        return await FLOW.lost(update, context)
    DRAFTS.forget(context)
    return await show_targets(update, context, context.speaker, edit=False)


async def pick_target(update: Update, context: BotContext) -> int | None:
    """Take the chosen target (checked again: the button may be old or crafted)."""
    speaker = context.speaker
    if speaker is None:
        return await FLOW.lost(update, context)
    target_id = callback_int(update, "rp:t")
    progress = await load_progress(context, speaker, target_id) if target_id is not None else None
    if progress is None:
        await refuse(update, context, NOT_REPORTABLE)
        return None
    await answer(update)
    # Choosing another target after a refusal keeps the note and files already given.
    draft = DRAFTS.get(context) or ReportDraft(target_id=progress.id)
    if draft.qualitative or progress.qualitative:
        draft.note = ""  # a description and a quality note are different things
    draft.target_id = progress.id
    draft.target_version = progress.target.version
    draft.qualitative = progress.qualitative
    draft.amount = None
    draft.confirmed_large = False
    draft.values = []
    DRAFTS.keep(context, draft)
    return await ask_values(update, context, progress, draft, edit=True)


# --- 2. the amount (or the description of a qualitative target) ---


async def receive_amount(update: Update, context: BotContext) -> int | None:
    """Check the typed amount (or description) and move on; explain and stay when it is wrong."""
    draft, speaker = DRAFTS.get(context), context.speaker
    message = update.effective_message
    if draft is None or speaker is None or message is None:
        return await FLOW.lost(update, context)
    if draft.qualitative:
        return await receive_description(update, context, draft)
    try:
        amount = report_drafts.parse_report_amount(message.text)
    except AmountError as error:
        await reply(update, context, context.t._(error.reason), FLOW.cancel_only(context))
        return None
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=False)
    draft.amount = amount
    draft.confirmed_large = False
    draft.target_version = progress.target.version
    DRAFTS.keep(context, draft)
    if is_far_above(progress.target, progress.achieved, amount):
        await ask_confirm_big(update, context, progress, amount, edit=False)
        return CONFIRM_BIG
    await ask_note(update, context, draft)
    return NOTE


async def receive_description(
    update: Update, context: BotContext, draft: ReportDraft
) -> int | None:
    """Take the description of a qualitative target, then ask for evidence."""
    message = update.effective_message
    try:
        draft.note = report_drafts.check_narrative(message.text if message else None)
    except DraftError as error:
        text = texts.draft_error_text(context.t, error)
        await reply(update, context, text, FLOW.cancel_only(context))
        return None
    DRAFTS.keep(context, draft)
    await ask_evidence(update, context, draft)
    return EVIDENCE


async def amount_not_text(update: Update, context: BotContext) -> None:
    """Ask for text when a sticker, photo or voice message arrives instead of the amount."""
    _ = context.t._
    draft = DRAFTS.get(context)
    if draft is not None and draft.qualitative:
        text = _("Please type your description as a text message.")
    else:
        text = _("Please type the amount as a number, for example 3 or 2,5.")
    await reply(update, context, text, FLOW.cancel_only(context))


async def confirm_big(update: Update, context: BotContext) -> int | None:
    """Accept the large amount (then continue), or ask for the amount again."""
    draft, speaker = DRAFTS.get(context), context.speaker
    if draft is None or speaker is None:
        return await FLOW.lost(update, context)
    await answer(update)
    data = update.callback_query.data if update.callback_query else ""
    then = (context.user_data or {}).pop(THEN_KEY, None)
    if data != "rp:big:yes":
        progress = await load_progress(context, speaker, draft.target_id)
        if progress is None:
            return await target_gone(update, context, edit=True)
        return await ask_values(update, context, progress, draft, edit=True)
    draft.confirmed_large = True
    DRAFTS.keep(context, draft)
    if then == "summary":
        return await show_summary(update, context, edit=True)
    await ask_note(update, context, draft, edit=True)
    return NOTE


# --- 3. the quality note ---


async def receive_note(update: Update, context: BotContext) -> int | None:
    """Take the note, refusing empty or over-long text with the limit stated."""
    draft = DRAFTS.get(context)
    message = update.effective_message
    if draft is None or message is None:
        return await FLOW.lost(update, context)
    try:
        draft.note = report_drafts.check_note(message.text)
    except DraftError as error:
        text = texts.draft_error_text(context.t, error)
        await put(update, context, text, texts.skip_rows(context.t), edit=False)
        return None
    DRAFTS.keep(context, draft)
    await ask_evidence(update, context, draft)
    return EVIDENCE


async def skip_note(update: Update, context: BotContext) -> int:
    """Go on without a (new) note."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    await answer(update)
    await ask_evidence(update, context, draft, edit=True)
    return EVIDENCE


async def note_not_text(update: Update, context: BotContext) -> None:
    """Ask for the note as text."""
    t = context.t
    text = t._("Please type the note as a text message, or press Skip.")
    await put(update, context, text, texts.skip_rows(t), edit=False)


# --- 4. the summary's buttons ---


async def send_report(update: Update, context: BotContext) -> int | None:
    """Save the report (once) and tell the leader; refuse politely if the target changed.

    The same press handled again (a failover) finds the saved report and thanks once more.
    """
    draft, speaker = DRAFTS.get(context), context.speaker
    query = update.callback_query
    if draft is None or speaker is None or query is None:
        return await FLOW.lost(update, context)
    if query.data != f"rp:send:{draft.nonce}":
        await refuse(update, context, EARLIER_SUMMARY)
        return None
    deps = context.deps
    outcome = await reports.submit_report(
        deps.sessions,
        deps.i18n,
        employee_id=speaker.id,
        draft=draft,
        period=period(context),
        now=now(context),
    )
    saved = outcome.result in (SaveResult.SAVED, SaveResult.ALREADY_SAVED)
    if not saved or outcome.report is None:
        await answer(update)
        return await not_sent(update, context, speaker, draft, outcome)
    context.wake_outbox()
    DRAFTS.forget(context)
    await answer(update, context.t._("Report sent. Thank you!"))
    text, rows = texts.thanks(context.t, outcome)
    await edit_or_reply(update, context, text, keyboard(rows))
    return END


async def not_sent(
    update: Update, context: BotContext, speaker: Speaker, draft: ReportDraft, outcome: SaveOutcome
) -> int:
    """Lead back to what needs attention when the report could not be saved."""
    if outcome.result is SaveResult.TARGET_UNAVAILABLE:
        return await target_gone(update, context, edit=True)
    if outcome.result is SaveResult.TARGET_CHANGED:
        text, rows = texts.target_changed(context.t)
        await put(update, context, text, rows, edit=True)
        return SUMMARY
    if outcome.result is SaveResult.NEEDS_CONFIRMATION and outcome.progress and draft.amount:
        if context.user_data is not None:
            context.user_data[THEN_KEY] = "summary"
        await ask_confirm_big(update, context, outcome.progress, draft.amount, edit=True)
        return CONFIRM_BIG
    progress = outcome.progress or await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=True)
    return await ask_values(update, context, progress, draft, edit=True)


async def change_report(update: Update, context: BotContext) -> int:
    """Change: go back to the amount (the note and files are offered again afterwards)."""
    draft, speaker = DRAFTS.get(context), context.speaker
    if draft is None or speaker is None:
        return await FLOW.lost(update, context)
    await answer(update)
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=True)
    return await ask_values(update, context, progress, draft, edit=True)


async def retarget(update: Update, context: BotContext) -> int:
    """Choose another target, keeping what was already written."""
    if context.speaker is None:
        return await FLOW.lost(update, context)
    await answer(update)
    return await show_targets(update, context, context.speaker, edit=True)
