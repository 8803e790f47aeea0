"""/lapor (/report): report progress on a target, with evidence; correct or withdraw in 24 h.

The flow, all by buttons: pick a target -> type the amount (or a description for a
qualitative target) -> a short note or Skip -> photos/documents, then Done or Skip ->
summary -> Send / Change / Cancel. Rules live in bot.services.reports and report_notices.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.i18n import N_
from bot.services import report_notices, reports
from bot.services.access import Speaker
from bot.services.numbers import AmountError
from bot.services.reports import (
    ChangeOutcome,
    ChangeResult,
    DraftError,
    Evidence,
    ReportDraft,
    SaveResult,
    TargetProgress,
)
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply

log = logging.getLogger(__name__)

PICK, AMOUNT, CONFIRM_BIG, NOTE, EVIDENCE, SUMMARY, FIX_FIELD, FIX_VALUE, FIX_CONFIRM = range(
    1, 10
)
END = ConversationHandler.END

DRAFT_KEY = "report_draft"
FIX_KEY = "report_fix"
ACK_KEY = "report_ack"  # the "file received" message an album's later photos update
THEN_KEY = "report_then"  # where a confirmed large amount continues: note step or summary

CANCEL = "rp:cancel"
BAR_CELLS = 10
TITLE_IN_BUTTON = 40

L_CANCEL = N_("Cancel")
L_SKIP = N_("Skip")
L_DONE = N_("Done")
L_SEND = N_("Send")
L_CHANGE = N_("Change")
L_CORRECT = N_("Correct")
L_WITHDRAW = N_("Withdraw")

# --- small helpers ---


def progress_bar(ratio: float | None) -> str:
    """A ten-cell text bar such as '▓▓▓▓░░░░░░' (full beyond 100 %)."""
    filled = max(0, min(BAR_CELLS, round((ratio or 0) * BAR_CELLS)))
    return "▓" * filled + "░" * (BAR_CELLS - filled)


def standing(context: BotContext, progress: TargetProgress) -> str:
    """'▓▓▓▓░░░░░░ 40%\n16 of 40 dokumen', or the report count of a qualitative target."""
    t = context.t
    _ = t._
    target = progress.target
    if progress.qualitative or not target.target_amount:
        return _("Reports on this target so far: {count}").format(count=progress.reports)
    ratio = progress.ratio or 0
    return f"{progress_bar(ratio)} {t.percent(ratio)}\n" + _(
        "{achieved} of {target} {unit}"
    ).format(
        achieved=t.number(progress.achieved),
        target=t.number(target.target_amount),
        unit=esc(target.unit),
    )


def cancel_row(context: BotContext) -> list[tuple[str, str]]:
    return [(context.t._(L_CANCEL), CANCEL)]


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


def draft_error_text(context: BotContext, error: DraftError) -> str:
    """Translate a DraftError, formatting its numbers the user's way."""
    params = {
        k: context.t.number(v) if isinstance(v, int | float | Decimal) else v
        for k, v in error.params.items()
    }
    return context.t._(error.reason).format(**params)


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


# --- 1. choosing a target ---


async def start_report(update: Update, context: BotContext) -> int | None:
    """Start a report: list the speaker's approved targets of this semester."""
    await answer(update)
    if context.speaker is None:
        return await lost(update, context)
    forget(context)
    return await show_targets(update, context, context.speaker, edit=False)


async def show_targets(
    update: Update, context: BotContext, speaker: Speaker, *, edit: bool
) -> int:
    """Offer the targets as buttons with their current achievement; explain when there are none."""
    t = context.t
    _ = t._
    async with context.deps.sessions() as session:
        targets = await reports.reportable_targets(session, speaker.id, period(context))
    if not targets:
        forget(context)
        text = _(
            "You have no approved targets for this semester yet, so there is nothing to "
            "report on. Add your targets with /target; once your supervisor approves them, "
            "you can report progress here. Thank you for your diligence!"
        )
        await (edit_or_reply if edit else reply)(update, context, text)
        return END
    rows: list[list[tuple[str, str]]] = []
    for item in targets:
        title = item.target.title
        short = title if len(title) <= TITLE_IN_BUTTON else title[: TITLE_IN_BUTTON - 1] + "…"
        if item.qualitative or item.ratio is None:
            label = _("{title} · {count} reports").format(title=short, count=item.reports)
        else:
            label = f"{short} · {t.percent(item.ratio)}"
        rows.append([(label, f"rp:t:{item.id}")])
    rows.append(cancel_row(context))
    text = _("<b>Progress report</b>\nWhich target is this report for?")
    await (edit_or_reply if edit else reply)(update, context, text, keyboard(rows))
    return PICK


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


async def ask_amount(
    update: Update, context: BotContext, progress: TargetProgress, *, edit: bool
) -> None:
    """Ask for the increment achieved, or for a description of a qualitative target."""
    t = context.t
    _ = t._
    target = progress.target
    head = _("<b>{title}</b>").format(title=esc(target.title))
    if progress.qualitative:
        body = _(
            "This target is qualitative. Please describe in a few sentences what you have "
            "achieved (at most {limit} characters)."
        ).format(limit=t.number(reports.NARRATIVE_MAX_CHARS))
    else:
        body = (
            _("So far:")
            + " "
            + standing(context, progress)
            + "\n\n"
            + _(
                "How much have you achieved since your last report? Type a number in "
                "{unit}, for example 3 or 2,5."
            ).format(unit=esc(target.unit or "-"))
        )
    markup = keyboard([cancel_row(context)])
    await (edit_or_reply if edit else reply)(update, context, f"{head}\n{body}", markup)


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
            draft.note = reports.check_narrative(message.text)
        except DraftError as error:
            text = draft_error_text(context, error)
            await reply(update, context, text, keyboard([cancel_row(context)]))
            return None
        keep(context, draft)
        await ask_evidence(update, context, draft)
        return EVIDENCE
    try:
        amount = reports.parse_report_amount(message.text)
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
    if reports.is_far_above(progress.target, progress.achieved, amount):
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


async def ask_confirm_big(
    update: Update,
    context: BotContext,
    progress: TargetProgress,
    amount: Decimal,
    *,
    edit: bool,
) -> None:
    """Ask whether an amount far above the target is really meant."""
    t = context.t
    _ = t._
    target = progress.target
    text = _(
        "You typed <b>{amount} {unit}</b>. Together with what you reported before, that makes "
        "{total} of {target} {unit} ({percent}), far above the target.\n\nIs this amount "
        "correct?"
    ).format(
        amount=t.number(amount),
        unit=esc(target.unit),
        total=t.number(progress.achieved + amount),
        target=t.number(target.target_amount or 0),
        percent=t.percent(progress.ratio_with(amount) or 0),
    )
    markup = keyboard(
        [
            [(_("Yes, it is correct"), "rp:big:yes"), (_("Type it again"), "rp:big:no")],
            cancel_row(context),
        ]
    )
    await (edit_or_reply if edit else reply)(update, context, text, markup)


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


async def ask_note(
    update: Update, context: BotContext, draft: ReportDraft, *, edit: bool = False
) -> None:
    """Ask for a short note on quality, which may be skipped."""
    t = context.t
    _ = t._
    text = _(
        'Add a short note on the quality of the work, for example "checked and signed by the '
        'head of section" (at most {limit} characters). Or press Skip.'
    ).format(limit=t.number(reports.NOTE_MAX_CHARS))
    if draft.note:
        text += "\n\n" + _("Your current note: {note}\nPress Skip to keep it.").format(
            note=esc(draft.note)
        )
    markup = keyboard([[(_(L_SKIP), "rp:skip")], cancel_row(context)])
    await (edit_or_reply if edit else reply)(update, context, text, markup)


async def receive_note(update: Update, context: BotContext) -> int | None:
    """Take the note, refusing empty or over-long text with the limit stated."""
    draft = draft_of(context)
    message = update.effective_message
    if draft is None or message is None:
        return await lost(update, context)
    try:
        draft.note = reports.check_note(message.text)
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


# --- 4. evidence ---


def evidence_markup(context: BotContext, draft: ReportDraft) -> InlineKeyboardMarkup:
    _ = context.t._
    first = [(_(L_DONE), "rp:done")] if draft.evidence else [(_(L_SKIP), "rp:skip")]
    return keyboard([first, cancel_row(context)])


async def ask_evidence(
    update: Update, context: BotContext, draft: ReportDraft, *, edit: bool = False
) -> None:
    """Ask for photos or documents as evidence (optional)."""
    t = context.t
    _ = t._
    if context.user_data is not None:
        context.user_data.pop(ACK_KEY, None)
    text = _(
        "Now send your evidence: one or more photos or documents ({types}; at most {size} MB "
        "each, up to {count} files). Press Done when you are finished, or Skip if you have none."
    ).format(
        types=reports.ALLOWED_TYPES_LABEL,
        size=t.number(reports.megabytes(context.deps.settings.evidence_max_bytes)),
        count=reports.MAX_EVIDENCE_FILES,
    )
    if draft.evidence:
        text += "\n\n" + _("Files attached so far: {count}. Press Skip to keep them.").format(
            count=len(draft.evidence)
        )
        markup = keyboard([[(_(L_DONE), "rp:done"), (_(L_SKIP), "rp:skip")], cancel_row(context)])
    else:
        markup = evidence_markup(context, draft)
    await (edit_or_reply if edit else reply)(update, context, text, markup)


def evidence_of(message: Message) -> Evidence | None:
    """Describe the photo (largest size) or document of a message; None for anything else."""
    if message.photo:
        photo = message.photo[-1]
        return Evidence(
            kind="photo",
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            mime_type="image/jpeg",
            file_size=photo.file_size,
        )
    if message.document is not None:
        document = message.document
        return Evidence(
            kind="document",
            file_id=document.file_id,
            file_unique_id=document.file_unique_id,
            file_name=document.file_name or "",
            mime_type=document.mime_type or "",
            file_size=document.file_size,
        )
    return None


async def receive_file(update: Update, context: BotContext) -> int | None:
    """Attach a photo or document; an album's photos update one acknowledgement."""
    _ = context.t._
    draft = draft_of(context)
    message = update.effective_message
    if draft is None or message is None:
        return await lost(update, context)
    item = evidence_of(message)
    if item is None:
        await file_expected(update, context)
        return None
    try:
        added = reports.add_evidence(
            draft, item, max_bytes=context.deps.settings.evidence_max_bytes
        )
    except DraftError as error:
        await reply(
            update,
            context,
            draft_error_text(context, error),
            evidence_markup(context, draft),
        )
        return None
    if not added:
        await reply(
            update,
            context,
            _("This file is already attached."),
            evidence_markup(context, draft),
        )
        return None
    keep(context, draft)
    text = _("File received ({count} of at most {limit}). Send more, or press Done.").format(
        count=len(draft.evidence), limit=reports.MAX_EVIDENCE_FILES
    )
    await acknowledge(update, context, message, text, evidence_markup(context, draft))
    return None


async def acknowledge(
    update: Update,
    context: BotContext,
    message: Message,
    text: str,
    markup: InlineKeyboardMarkup,
) -> None:
    """Confirm a received file; photos of one album update the same message, not flood the chat."""
    ack = (context.user_data or {}).get(ACK_KEY)
    group = message.media_group_id
    if group and isinstance(ack, dict) and ack.get("group") == group:
        try:
            await context.bot.edit_message_text(
                text,
                chat_id=message.chat_id,
                message_id=int(ack["message_id"]),
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    sent = await reply(update, context, text, markup)
    if context.user_data is not None and sent is not None:
        context.user_data[ACK_KEY] = {"group": group or "", "message_id": sent.message_id}


async def file_expected(update: Update, context: BotContext) -> None:
    """Explain what counts as evidence when a sticker, voice note or text arrives."""
    t = context.t
    _ = t._
    draft = draft_of(context)
    text = _(
        "Please send a photo or a document ({types}) as evidence. Stickers, voice messages, "
        "videos and text cannot be attached. When you are finished, press Done; if you have "
        "no evidence, press Skip."
    ).format(types=reports.ALLOWED_TYPES_LABEL)
    markup = evidence_markup(context, draft) if draft else keyboard([cancel_row(context)])
    await reply(update, context, text, markup)


async def evidence_finished(update: Update, context: BotContext) -> int:
    """Done or Skip: go to the summary."""
    await answer(update)
    return await show_summary(update, context, edit=True)


# --- 5. summary and sending ---


async def show_summary(update: Update, context: BotContext, *, edit: bool) -> int:
    """Show everything once more with Send / Change / Cancel."""
    t = context.t
    _ = t._
    draft, speaker = draft_of(context), context.speaker
    if draft is None or speaker is None:
        return await lost(update, context)
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=edit)
    target = progress.target
    lines = [
        _("<b>Please check your report</b>"),
        _("Target: {title}").format(title=esc(target.title)),
    ]
    if progress.qualitative:
        lines.append(_("Description: {text}").format(text=esc(draft.note)))
    else:
        amount = draft.amount or Decimal(0)
        lines.append(
            _("Amount: +{amount} {unit}").format(amount=t.number(amount), unit=esc(target.unit))
        )
        after = reports.TargetProgress(target, progress.achieved + amount, progress.reports + 1)
        lines.append(_("After this report:") + " " + standing(context, after))
        lines.append(_("Note: {note}").format(note=esc(draft.note) if draft.note else "-"))
    lines.append(_("Evidence files: {count}").format(count=len(draft.evidence)))
    markup = keyboard(
        [
            [(_(L_SEND), f"rp:send:{draft.nonce}")],
            [(_(L_CHANGE), "rp:edit"), (_(L_CANCEL), CANCEL)],
        ]
    )
    await (edit_or_reply if edit else reply)(update, context, "\n".join(lines), markup)
    return SUMMARY


async def send_report(update: Update, context: BotContext) -> int | None:
    """Save the report (once) and tell the leader; refuse politely if the target changed."""
    t = context.t
    _ = t._
    draft, speaker = draft_of(context), context.speaker
    query = update.callback_query
    if draft is None or speaker is None or query is None:
        return await lost(update, context)
    if query.data != f"rp:send:{draft.nonce}":
        await answer(update, _("This button belongs to an earlier summary."), alert=True)
        return None
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await report_notices.submit_report(
            session,
            deps.i18n,
            employee_id=speaker.id,
            draft=draft,
            period=period(context),
            now=now(context),
        )
        if outcome.result is SaveResult.SAVED:
            await session.commit()
    if outcome.result is SaveResult.TARGET_UNAVAILABLE:
        await answer(update)
        return await target_gone(update, context, edit=True)
    if outcome.result is SaveResult.TARGET_CHANGED:
        await answer(update)
        await edit_or_reply(
            update,
            context,
            _(
                "Your supervisor changed this target after you started. Please check the "
                "amount again; your note and files are kept."
            ),
            keyboard([[(_(L_CHANGE), "rp:edit")], cancel_row(context)]),
        )
        return SUMMARY
    if outcome.result is SaveResult.NEEDS_CONFIRMATION and outcome.progress and draft.amount:
        await answer(update)
        if context.user_data is not None:
            context.user_data[THEN_KEY] = "summary"
        await ask_confirm_big(update, context, outcome.progress, draft.amount, edit=True)
        return CONFIRM_BIG
    if outcome.result is not SaveResult.SAVED or outcome.report is None:
        await answer(update)
        progress = outcome.progress or await load_progress(context, speaker, draft.target_id)
        if progress is None:
            return await target_gone(update, context, edit=True)
        await ask_amount(update, context, progress, edit=True)
        return AMOUNT
    context.wake_outbox()
    forget(context)
    await answer(update, _("Report sent. Thank you!"))
    await edit_or_reply(update, context, *thanks(context, outcome))
    return END


def thanks(context: BotContext, outcome: reports.SaveOutcome) -> tuple[str, InlineKeyboardMarkup]:
    """The warm thank-you with the new standing and 24-hour Correct / Withdraw buttons."""
    t = context.t
    _ = t._
    report, progress = outcome.report, outcome.progress
    assert report is not None
    assert progress is not None
    deadline = reports.change_deadline(report)
    lines = [
        _("<b>Thank you, your report has been saved!</b>"),
        esc(progress.target.title),
        standing(context, progress),
        "",
    ]
    ratio = progress.ratio
    if ratio is not None and ratio >= 1:
        lines.append(_("You have reached this target. Excellent work!"))
    else:
        lines.append(_("Every step counts. Keep up the good work!"))
    lines.append(
        _("You can correct or withdraw this report until {day}, {time}.").format(
            day=t.date(deadline), time=t.time(deadline)
        )
    )
    markup = keyboard(
        [[(_(L_CORRECT), f"rp:fix:{report.id}"), (_(L_WITHDRAW), f"rp:del:{report.id}")]]
    )
    return "\n".join(lines), markup


async def target_gone(update: Update, context: BotContext, *, edit: bool) -> int:
    """The target can no longer take reports: keep the draft and offer another target."""
    _ = context.t._
    text = _(
        "Sorry, this target cannot take reports any more: your supervisor may have returned "
        "it for revision, or it belongs to an earlier semester. Your note and files are kept. "
        "You can choose another target."
    )
    markup = keyboard([[(_("Choose another target"), "rp:retarget")], cancel_row(context)])
    await (edit_or_reply if edit else reply)(update, context, text, markup)
    return SUMMARY


async def change_report(update: Update, context: BotContext) -> int:
    """Change: go back to the amount (the note and files are offered again afterwards)."""
    draft, speaker = draft_of(context), context.speaker
    if draft is None or speaker is None:
        return await lost(update, context)
    await answer(update)
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=True)
    await ask_amount(update, context, progress, edit=True)
    return AMOUNT


async def retarget(update: Update, context: BotContext) -> int:
    """Choose another target, keeping what was already written."""
    if context.speaker is None:
        return await lost(update, context)
    await answer(update)
    return await show_targets(update, context, context.speaker, edit=True)


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


# --- corrections and withdrawals (24 hours) ---

CHANGE_REFUSALS = {
    ChangeResult.NOT_FOUND: N_("This report cannot be changed from your account."),
    ChangeResult.WITHDRAWN: N_("This report has already been withdrawn."),
    ChangeResult.TOO_LATE: N_(
        "Reports can be corrected or withdrawn only within 24 hours of sending. If something "
        "needs fixing, please tell your supervisor, or send a new report."
    ),
    ChangeResult.INVALID: N_("That change cannot be made to this report."),
}


def report_id_of(update: Update, prefix: str) -> int | None:
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, prefix, 1)
    return parsed[0] if parsed else None


async def check_change(
    update: Update, context: BotContext, report_id: int | None
) -> ChangeOutcome | None:
    """Return the report if this speaker may still change it; otherwise refuse and return None."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None or report_id is None:
        await answer(update, _(CHANGE_REFUSALS[ChangeResult.NOT_FOUND]), alert=True)
        return None
    async with context.deps.sessions() as session:
        outcome = await reports.changeable_report(session, speaker.id, report_id, now(context))
    if outcome.result is not ChangeResult.OK:
        await answer(update, _(CHANGE_REFUSALS[outcome.result]), alert=True)
        return None
    return outcome


async def start_fix(update: Update, context: BotContext) -> int | None:
    """Correct: for a number target choose amount or note; a qualitative one takes new text."""
    t = context.t
    _ = t._
    report_id = report_id_of(update, "rp:fix")
    outcome = await check_change(update, context, report_id)
    if outcome is None or outcome.report is None or outcome.progress is None:
        return None  # refused: any flow in progress stays where it was
    await answer(update)
    report, progress = outcome.report, outcome.progress
    field = "narrative" if progress.qualitative else "note"
    if context.user_data is not None:
        context.user_data[FIX_KEY] = {"report_id": report_id, "field": field}
    if progress.qualitative:
        await ask_fix_value(update, context, "narrative")
        return FIX_VALUE
    lines = [
        _("<b>Correct your report</b>"),
        _("Target: {title}").format(title=esc(progress.target.title)),
        _("Amount: +{amount} {unit}").format(
            amount=t.number(report.amount or 0), unit=esc(progress.target.unit)
        ),
        _("Note: {note}").format(note=esc(report.note) if report.note else "-"),
        "",
        _("What would you like to correct?"),
    ]
    markup = keyboard([[(_("Amount"), "rp:fx:a"), (_("Note"), "rp:fx:n")], cancel_row(context)])
    await reply(update, context, "\n".join(lines), markup)
    return FIX_FIELD


def fix_state(context: BotContext) -> dict[str, Any] | None:
    state = (context.user_data or {}).get(FIX_KEY)
    return state if isinstance(state, dict) and "report_id" in state else None


async def ask_fix_value(update: Update, context: BotContext, field: str) -> None:
    """Ask for the corrected amount, note or description."""
    t = context.t
    _ = t._
    if field == "amount":
        text = _("Please type the correct amount, for example 3 or 2,5.")
    elif field == "narrative":
        text = _("Please type the corrected description (at most {limit} characters).").format(
            limit=t.number(reports.NARRATIVE_MAX_CHARS)
        )
    else:
        text = _("Please type the corrected note (at most {limit} characters).").format(
            limit=t.number(reports.NOTE_MAX_CHARS)
        )
    await edit_or_reply(update, context, text, keyboard([cancel_row(context)]))


async def fix_field(update: Update, context: BotContext) -> int:
    """Remember which part of the report is corrected."""
    state = fix_state(context)
    if state is None:
        return await lost(update, context)
    await answer(update)
    data = update.callback_query.data if update.callback_query else ""
    state["field"] = "amount" if data == "rp:fx:a" else "note"
    await ask_fix_value(update, context, str(state["field"]))
    return FIX_VALUE


async def fix_value(update: Update, context: BotContext) -> int | None:
    """Check the corrected value, then apply it (asking first when far above the target)."""
    state, speaker = fix_state(context), context.speaker
    message = update.effective_message
    if state is None or speaker is None or message is None:
        return await lost(update, context)
    _ = context.t._
    try:
        if state.get("field") == "amount":
            state["value"] = str(reports.parse_report_amount(message.text))
        elif state.get("field") == "narrative":
            state["value"] = reports.check_narrative(message.text)
        else:
            state["value"] = reports.check_note(message.text)
    except AmountError as error:
        await reply(update, context, _(error.reason), keyboard([cancel_row(context)]))
        return None
    except DraftError as error:
        text = draft_error_text(context, error)
        await reply(update, context, text, keyboard([cancel_row(context)]))
        return None
    return await apply_fix(update, context, speaker, state, confirmed=False)


async def fix_confirm(update: Update, context: BotContext) -> int | None:
    """Apply a confirmed large correction, or ask for the amount again."""
    state, speaker = fix_state(context), context.speaker
    if state is None or speaker is None or "value" not in state:
        return await lost(update, context)
    await answer(update)
    if (update.callback_query.data if update.callback_query else "") != "rp:fx:ok":
        await ask_fix_value(update, context, "amount")
        return FIX_VALUE
    return await apply_fix(update, context, speaker, state, confirmed=True)


async def apply_fix(
    update: Update,
    context: BotContext,
    speaker: Speaker,
    state: dict[str, Any],
    *,
    confirmed: bool,
) -> int | None:
    """Save the correction (the service re-checks owner and the 24-hour window)."""
    t = context.t
    _ = t._
    is_amount = state.get("field") == "amount"
    value = str(state["value"])
    async with context.deps.sessions() as session:
        outcome = await reports.correct_report(
            session,
            employee_id=speaker.id,
            report_id=int(state["report_id"]),
            now=now(context),
            amount=Decimal(value) if is_amount else None,
            note=None if is_amount else value,
            confirmed=confirmed,
        )
        if outcome.result is ChangeResult.OK:
            await session.commit()
    if outcome.result is ChangeResult.NEEDS_CONFIRMATION and outcome.progress:
        progress, amount = outcome.progress, Decimal(value)
        previous = outcome.report.amount if outcome.report else None
        others = progress.achieved - (previous or 0)
        base = reports.TargetProgress(progress.target, others, progress.reports)
        text = _(
            "With <b>{amount} {unit}</b> this target would stand at {total} of {target} {unit} "
            "({percent}), far above the target. Is this amount correct?"
        ).format(
            amount=t.number(amount),
            unit=esc(progress.target.unit),
            total=t.number(others + amount),
            target=t.number(progress.target.target_amount or 0),
            percent=t.percent(base.ratio_with(amount) or 0),
        )
        markup = keyboard(
            [
                [(_("Yes, it is correct"), "rp:fx:ok"), (_("Type it again"), "rp:fx:no")],
                cancel_row(context),
            ]
        )
        await (edit_or_reply if update.callback_query else reply)(update, context, text, markup)
        return FIX_CONFIRM
    forget(context)
    if outcome.result is not ChangeResult.OK or outcome.progress is None:
        text = _(CHANGE_REFUSALS.get(outcome.result, CHANGE_REFUSALS[ChangeResult.INVALID]))
    else:
        text = (
            _("<b>Your report has been corrected.</b>")
            + "\n"
            + esc(outcome.progress.target.title)
            + "\n"
            + standing(context, outcome.progress)
        )
    await (edit_or_reply if update.callback_query else reply)(update, context, text)
    return END


async def fix_not_text(update: Update, context: BotContext) -> None:
    """Ask for the correction as text."""
    _ = context.t._
    await reply(
        update,
        context,
        _("Please type the correction as a text message."),
        keyboard([cancel_row(context)]),
    )


async def ask_withdraw(update: Update, context: BotContext) -> None:
    """Withdraw: ask once more before the report stops counting."""
    t = context.t
    _ = t._
    report_id = report_id_of(update, "rp:del")
    outcome = await check_change(update, context, report_id)
    if outcome is None or outcome.report is None or outcome.progress is None:
        return
    await answer(update)
    report, target = outcome.report, outcome.progress.target
    what = (
        _("+{amount} {unit}").format(amount=t.number(report.amount), unit=esc(target.unit))
        if report.amount is not None
        else esc(report.note[:200])
    )
    text = _(
        "Withdraw this report?\n<b>{title}</b>: {what}\nIt will no longer count toward your "
        "target. This cannot be undone."
    ).format(title=esc(target.title), what=what)
    markup = keyboard(
        [[(_("Yes, withdraw it"), f"rp:delok:{report_id}"), (_("No, keep it"), "rp:keep")]]
    )
    await reply(update, context, text, markup)


async def do_withdraw(update: Update, context: BotContext) -> None:
    """Withdraw the report if its owner may still do so."""
    _ = context.t._
    speaker = context.speaker
    report_id = report_id_of(update, "rp:delok")
    if speaker is None or report_id is None:
        await answer(update, _(CHANGE_REFUSALS[ChangeResult.NOT_FOUND]), alert=True)
        return
    async with context.deps.sessions() as session:
        outcome = await reports.withdraw_report(
            session, employee_id=speaker.id, report_id=report_id, now=now(context)
        )
        if outcome.result is ChangeResult.OK:
            await session.commit()
    if outcome.result is not ChangeResult.OK or outcome.progress is None:
        await answer(update, _(CHANGE_REFUSALS[outcome.result]), alert=True)
        return
    await answer(update)
    text = (
        _("The report has been withdrawn.")
        + "\n"
        + esc(outcome.progress.target.title)
        + "\n"
        + standing(context, outcome.progress)
    )
    await edit_or_reply(update, context, text)


async def keep_report(update: Update, context: BotContext) -> None:
    """Leave the report as it is."""
    _ = context.t._
    await answer(update)
    await edit_or_reply(update, context, _("All right, the report stays as it is."))


# --- evidence for leaders ---


async def view_evidence(update: Update, context: BotContext) -> None:
    """Send a report's files to its author, their leaders or HR in scope, by file_id."""
    _ = context.t._
    speaker = context.speaker
    report_id = report_id_of(update, "rp:ev")
    files = None
    if speaker is not None and report_id is not None:
        async with context.deps.sessions() as session:
            files = await reports.evidence_for_viewer(session, speaker, report_id)
    if files is None:
        await answer(update, _("You cannot view the evidence of this report."), alert=True)
        return
    if not files:
        await answer(update, _("This report has no evidence files."), alert=True)
        return
    await answer(update)
    chat = update.effective_chat
    assert chat is not None
    failed = 0
    for item in files:
        try:
            if item.kind == "photo":
                await context.bot.send_photo(chat.id, item.file_id)
            else:
                await context.bot.send_document(chat.id, item.file_id)
        except BadRequest as exc:
            # A file_id can expire on Telegram's side; say so instead of failing silently.
            log.warning("evidence %s of report %s could not be sent: %s", item.id, report_id, exc)
            failed += 1
    if failed:
        await reply(
            update,
            context,
            _("{count} file(s) could not be sent because Telegram no longer has them.").format(
                count=failed
            ),
        )


# --- wiring ---


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
