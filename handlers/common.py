"""Small helpers every handler uses: replying safely, keyboards, the speaker check."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from bot.services.access import Speaker
from bot.text import MAX_ALERT_CHARS, MAX_MESSAGE_CHARS, shorten, split_message, visible_length

log = logging.getLogger(__name__)
# Plain acknowledgements in flight (a reference keeps a running task from being collected).
_ACKS: set[asyncio.Task[None]] = set()


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Build an inline keyboard from (label, callback_data) rows."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def reply(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send HTML text to the chat of this update, split when longer than Telegram allows."""
    chat = update.effective_chat
    if chat is None:
        return None
    chunks = split_message(text)
    sent: Message | None = None
    for i, chunk in enumerate(chunks):
        sent = await context.bot.send_message(
            chat.id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if i == len(chunks) - 1 else None,
        )
    return sent


async def edit_or_reply(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the pressed button's message; fall back to a new message if it cannot be edited."""
    query = update.callback_query
    if (
        query is not None
        and query.message is not None
        and visible_length(text) <= MAX_MESSAGE_CHARS
    ):
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await reply(update, context, text, markup)


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    """Answer a callback query (Telegram shows a spinner until we do).

    A plain acknowledgement (no text) is sent beside the handler's own work instead of
    before it: awaiting it first cost a full Bot API round trip on every button press. A
    text or alert is awaited, as the user must see it.
    """
    query = update.callback_query
    if query is None:
        return
    if not text and not alert:
        task = asyncio.create_task(acknowledge(query))
        _ACKS.add(task)
        task.add_done_callback(_ACKS.discard)
        return
    await query.answer(text=shorten(text, MAX_ALERT_CHARS) if text else None, show_alert=alert)


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner; if that fails (too old, network) it simply times out."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("could not answer callback query %s: %s", query.id, exc)


def require_speaker(context: BotContext) -> Speaker:
    """Return the linked speaker; the identify gate guarantees one for non-onboarding handlers."""
    if context.speaker is None:
        raise PermissionError("handler reached by an unlinked user")
    return context.speaker
