"""Keep each broadcast's progress message up to date while the drainer sends it.

A job edits the sender's progress message every few seconds (the text comes from
bot/services/broadcasts/progress_message.py, in the sender's language) and a last time when
nothing is pending. The messages are found again from the database after a restart.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from bot.services.broadcasts import progress_message
from bot.services.broadcasts.progress_message import ProgressEdit, ProgressScreen

log = logging.getLogger(__name__)

EVERY = 5.0  # seconds between progress edits
# Telegram refuses an edit that changes nothing: the last text shown, per broadcast.
SHOWN_KEY = "broadcast_progress_texts"


def markup_of(screen: ProgressScreen) -> InlineKeyboardMarkup:
    """The screen's button rows as an inline keyboard."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in screen.rows]
    )  # fmt: skip


async def show(bot: Bot, shown: dict[int, str], edit: ProgressEdit) -> None:
    """Edit one progress message unless it already shows this text."""
    if shown.get(edit.broadcast_id) == edit.screen.text:
        return
    try:
        await bot.edit_message_text(
            edit.screen.text,
            chat_id=edit.chat_id,
            message_id=edit.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup_of(edit.screen),
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("progress of broadcast %s not edited: %s", edit.broadcast_id, exc)
    except TelegramError as exc:
        log.warning("progress of broadcast %s not edited: %s", edit.broadcast_id, exc)
        return
    shown[edit.broadcast_id] = edit.screen.text
    if edit.final:
        shown.pop(edit.broadcast_id, None)


def shown_texts(context: BotContext) -> dict[int, str]:
    """The last progress text shown per broadcast, kept for the life of the process."""
    shown: dict[int, str] = context.bot_data.setdefault(SHOWN_KEY, {})
    return shown


async def show_final(context: BotContext, broadcast_id: int) -> None:
    """Show a broadcast's progress as final now (after Hentikan)."""
    deps = context.deps
    edit = await progress_message.edit_for(
        deps.sessions, deps.i18n, broadcast_id, final=True, outbox_rate=deps.settings.outbox_rate
    )
    if edit is not None:
        await show(context.bot, shown_texts(context), edit)


async def edit_progress_job(context: BotContext) -> None:
    """Job: edit every sending broadcast's progress message; finish those that are done."""
    deps = context.deps
    edits = await progress_message.due_edits(
        deps.sessions, deps.i18n, deps.clock.utcnow(), outbox_rate=deps.settings.outbox_rate
    )
    for edit in edits:
        await show(context.bot, shown_texts(context), edit)
