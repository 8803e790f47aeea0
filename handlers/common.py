"""Small helpers every handler uses: replying safely, keyboards, the speaker check, and the
latest prompt of the running conversation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextvars import ContextVar

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from bot.i18n import Translator
from bot.services.access import Speaker
from bot.text import (
    MAX_ALERT_CHARS,
    MAX_MESSAGE_CHARS,
    parse_callback,
    shorten,
    split_message,
    visible_length,
)

log = logging.getLogger(__name__)
# Plain acknowledgements in flight (a reference keeps a running task from being collected).
_ACKS: set[asyncio.Task[None]] = set()
# The conversation whose callback is running (set by handlers.conversation): the prompts it sends
# are
# remembered, so a step can show them again when it gets something it cannot use.
RUNNING_FLOW: ContextVar[str | None] = ContextVar("running_flow", default=None)
# chat_data is kept in memory only (never persisted), so no draft text is copied anywhere new.
PROMPT_KEY = "flow_prompt"
BUTTON_LABEL_CHARS = 40  # fits a phone screen's width


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Build an inline keyboard from (label, callback_data) rows."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def webapp_page(url: str, page: str = "") -> str:
    """The Mini App address of one page ('' = my performance, 'team', 'hr')."""
    return url.rstrip("/") + "/" + page


def with_webapp(
    context: BotContext, markup: InlineKeyboardMarkup | None, page: str = ""
) -> InlineKeyboardMarkup | None:
    """Add an "open the dashboard" Mini App button under a screen's keyboard, when WEBAPP_URL
    is set (otherwise the keyboard stays as it is)."""
    url = context.deps.settings.webapp_url
    if not url:
        return markup
    button = InlineKeyboardButton(
        "📊 " + context.t._("Open the dashboard"), web_app=WebAppInfo(webapp_page(url, page))
    )
    rows = list(markup.inline_keyboard) if markup is not None else []
    return InlineKeyboardMarkup([*rows, [button]])


def button_label(text: str, limit: int = BUTTON_LABEL_CHARS) -> str:
    """Put a name or title on a button: one line, shortened with "…" (labels are plain text)."""
    return shorten(" ".join(text.split()), limit)


def paging_row(
    t: Translator, page: int, pages: int, data: Callable[[int], str]
) -> list[tuple[str, str]]:
    """‹ Previous / Next › for the 0-based `page` of `pages` (empty on a single page);
    `data(n)` is the callback data that shows page n."""
    row = []
    if page > 0:
        row.append(("‹ " + t._("Previous"), data(page - 1)))
    if page < pages - 1:
        row.append((t._("Next") + " ›", data(page + 1)))
    return row


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
    remember_prompt(context, text, markup)
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
    remember_prompt(context, text, markup)
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
    try:
        await query.answer(text=shorten(text, MAX_ALERT_CHARS) if text else None, show_alert=alert)
    except BadRequest as exc:
        # Telegram takes one answer per button press, within seconds. A press handled again
        # after a failover was answered before; an apology for this would only alarm the user.
        if "query" not in str(exc).lower():
            raise
        log.info("could not answer callback query %s: %s", query.id, exc)


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner; if that fails (too old, network) it simply times out."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("could not answer callback query %s: %s", query.id, exc)


def remember_prompt(context: BotContext, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Keep the latest question with buttons that the running conversation asked."""
    flow = RUNNING_FLOW.get()
    if flow is not None and markup is not None and context.chat_data is not None:
        context.chat_data[PROMPT_KEY] = (flow, text, markup)


def recall_prompt(context: BotContext, flow: str) -> tuple[str, InlineKeyboardMarkup] | None:
    """The latest prompt of this conversation in this chat, if this process still has it."""
    kept = (context.chat_data or {}).get(PROMPT_KEY)
    if isinstance(kept, tuple) and kept[0] == flow:
        return kept[1], kept[2]
    return None


def forget_prompt(context: BotContext, flow: str) -> None:
    """Drop the remembered prompt once its conversation has ended."""
    if context.chat_data is not None and recall_prompt(context, flow) is not None:
        context.chat_data.pop(PROMPT_KEY, None)


def callback_int(update: Update, prefix: str) -> int | None:
    """Parse 'prefix:<int>' from the pressed button; None for anything malformed."""
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, prefix, 1)
    return parsed[0] if parsed else None


def callback_tail(update: Update, prefix: str) -> str:
    """Return what follows 'prefix:' in the pressed button's data ('' when absent)."""
    data = (update.callback_query.data if update.callback_query else None) or ""
    return data[len(prefix) + 1 :] if data.startswith(prefix + ":") else ""


def require_speaker(context: BotContext) -> Speaker:
    """Return the linked speaker; the identify gate guarantees one for non-onboarding handlers."""
    if context.speaker is None:
        raise PermissionError("handler reached by an unlinked user")
    return context.speaker
