"""What one recipient of a broadcast gets: the Bot API calls, within Telegram's limits.

A text is sent as one message; a photo or document carries the text as its caption, or, when
the caption would be over Telegram's 1,024 characters, the media alone and then the text.
"""

from __future__ import annotations

from typing import Any

from bot.delivery import outbox_queue
from bot.text import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS, visible_length

TEXT_LIMIT = MAX_MESSAGE_CHARS
CAPTION_LIMIT = MAX_CAPTION_CHARS
KIND_MAIN = "broadcast"  # the row that counts for progress (one per recipient)
KIND_PART2 = "broadcast_part2"  # the text after a photo whose caption was too long
MEDIA_KINDS = ("", "photo", "document")


def render(
    text_html: str,
    media_kind: str,
    media_file_id: str,
    ack: tuple[str, str] | None,
) -> list[dict[str, Any]]:
    """Return the Bot API calls ({"method", "params"}) one recipient gets, in order.

    `ack` is (label, callback_data) of the acknowledgement button, on the last message. A
    caption over 1024 characters is sent as the media alone, then the text as a message.
    """
    markup = outbox_queue.inline_keyboard([[ack]]) if ack else None
    text_params: dict[str, Any] = {
        "text": text_html,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if not media_kind:
        return [{"method": "sendMessage", "params": _with(text_params, markup)}]
    method = "sendPhoto" if media_kind == "photo" else "sendDocument"
    media: dict[str, Any] = {media_kind: media_file_id}
    if not text_html:
        return [{"method": method, "params": _with(media, markup)}]
    if visible_length(text_html) <= CAPTION_LIMIT:
        caption = dict(media, caption=text_html, parse_mode="HTML")
        return [{"method": method, "params": _with(caption, markup)}]
    return [
        {"method": method, "params": media},
        {"method": "sendMessage", "params": _with(text_params, markup)},
    ]


def _with(params: dict[str, Any], markup: dict[str, Any] | None) -> dict[str, Any]:
    """Add reply_markup when there is one."""
    return dict(params, reply_markup=markup) if markup else dict(params)


def length_telegram_refuses(text_html: str, media_kind: str) -> int | None:
    """Return the visible length of a text Telegram would not send, else None.

    Telegram refuses a text over 4,096 characters, and an empty one without a photo or
    document.
    """
    length = visible_length(text_html)
    if length > TEXT_LIMIT or (not media_kind and length == 0):
        return length
    return None
