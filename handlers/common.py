"""Small helpers every handler uses: replying safely, keyboards, the speaker check."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.context import BotContext
from bot.services.access import Speaker
from bot.text import split_message


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
    if query is not None and query.message is not None and len(text) <= 4096:
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await reply(update, context, text, markup)


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    """Answer a callback query (Telegram shows a spinner until we do)."""
    if update.callback_query is not None:
        await update.callback_query.answer(text=text[:200] if text else None, show_alert=alert)


def require_speaker(context: BotContext) -> Speaker:
    """Return the linked speaker; the identify gate guarantees one for non-onboarding handlers."""
    if context.speaker is None:
        raise PermissionError("handler reached by an unlinked user")
    return context.speaker
