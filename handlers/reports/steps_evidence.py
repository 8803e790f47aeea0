"""Evidence: attaching photos and documents to a report draft, and "Lihat bukti" for viewers."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.context import BotContext
from bot.i18n import N_
from bot.services import reports
from bot.services.reports import drafts as report_drafts
from bot.services.reports.drafts import DraftError, Evidence, ReportDraft
from handlers.common import answer, callback_int, keyboard, reply
from handlers.conversation import refuse
from handlers.reports import texts
from handlers.reports.prompts import show_summary
from handlers.reports.state import ACK_KEY, DRAFTS, FLOW

log = logging.getLogger(__name__)


# --- 4. evidence ---


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
    t = context.t
    draft = DRAFTS.get(context)
    message = update.effective_message
    if draft is None or message is None:
        return await FLOW.lost(update, context)
    item = evidence_of(message)
    if item is None:
        await file_expected(update, context)
        return None
    max_bytes = context.deps.settings.evidence_max_bytes
    try:
        added = report_drafts.add_evidence(draft, item, max_bytes=max_bytes)
    except DraftError as error:
        text = texts.draft_error_text(t, error)
        await reply(update, context, text, evidence_markup(context, draft))
        return None
    if not added:
        text = t._("This file is already attached.")
        await reply(update, context, text, evidence_markup(context, draft))
        return None
    DRAFTS.keep(context, draft)
    text = texts.file_received(t, draft)
    await acknowledge(update, context, message, text, evidence_markup(context, draft))
    return None


def evidence_markup(context: BotContext, draft: ReportDraft) -> InlineKeyboardMarkup:
    """Done (or Skip) and Cancel, under what the evidence step says."""
    return keyboard([*texts.evidence_rows(context.t, draft), FLOW.cancel_row(context)])


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
    draft = DRAFTS.get(context)
    markup = evidence_markup(context, draft) if draft else FLOW.cancel_only(context)
    await reply(update, context, texts.file_expected(context.t), markup)


async def evidence_finished(update: Update, context: BotContext) -> int:
    """Done or Skip: go to the summary."""
    await answer(update)
    return await show_summary(update, context, edit=True)


# --- evidence for leaders ---


async def view_evidence(update: Update, context: BotContext) -> None:
    """Send a report's files to its author, their leaders or HR in scope, by file_id."""
    speaker = context.speaker
    report_id = callback_int(update, "rp:ev")
    files = None
    if speaker is not None and report_id is not None:
        files = await reports.evidence_for_viewer(context.deps.sessions, speaker, report_id)
    if files is None:
        await refuse(update, context, N_("You cannot view the evidence of this report."))
        return
    if not files:
        await refuse(update, context, N_("This report has no evidence files."))
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
        text = context.t._(
            "{count} file(s) could not be sent because Telegram no longer has them."
        ).format(count=failed)
        await reply(update, context, text)
