"""Semantic checks Telegram applies beyond the schema: keyboards, commands, language codes."""

from __future__ import annotations

import re
from typing import Any

from tests.support.fakegram.errors import bad_request

MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
MAX_COMMANDS = 100
_INLINE_CONTENT_FIELDS = frozenset({"text", "icon_custom_emoji_id", "style"})
_BUTTON_STYLES = frozenset({"danger", "success", "primary"})
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_URL_RE = re.compile(r"(https?://[^\s/?#]+\.[^\s/?#]+([/?#]\S*)?|tg://\S+)", re.I)


def _button_error(detail: str) -> Exception:
    """The error for a malformed inline keyboard button."""
    return bad_request(f"can't parse inline keyboard button: {detail}")


def check_inline_button(button: dict[str, Any]) -> None:
    """One inline button: a non-empty text and exactly one action, with valid data/URL."""
    if not button.get("text", "").strip():
        raise _button_error("Text must be non-empty")
    actions = [key for key in button if key not in _INLINE_CONTENT_FIELDS]
    if not actions:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _button_error(f"exactly one action field must be used, got {', '.join(actions)}")
    if "style" in button and button["style"] not in _BUTTON_STYLES:
        raise _button_error(f'unsupported button style "{button["style"]}"')
    if "callback_data" in button:
        size = len(button["callback_data"].encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "web_app" in button:
        check_web_app(button["web_app"], "inline keyboard button")
    if "url" in button and not _URL_RE.fullmatch(button["url"]):
        raise bad_request(
            f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
        )


def check_web_app(info: dict[str, Any], where: str) -> None:
    """A WebAppInfo: Telegram opens Mini Apps over HTTPS only."""
    url = info.get("url", "")
    if not url.lower().startswith("https://") or not _URL_RE.fullmatch(url):
        raise bad_request(f"{where} Web App URL '{url}' is invalid: Only HTTPS links are allowed")


def check_reply_markup(markup: dict[str, Any] | None, *, inline_only: bool = False) -> None:
    """Validate a decoded reply_markup the way Telegram does after schema parsing."""
    if markup is None:
        return
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if sum(len(row) for row in rows) > MAX_BUTTONS:
            raise bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                check_inline_button(button)
        return
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not rows or not any(rows):
            raise bad_request("keyboard must be non-empty")
        for row in rows:
            for button in row:
                if not button.get("text"):
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
    if "remove_keyboard" in markup and markup["remove_keyboard"] is not True:
        raise bad_request("can't parse reply keyboard markup: remove_keyboard must be true")
    if "force_reply" in markup and markup["force_reply"] is not True:
        raise bad_request("can't parse reply keyboard markup: force_reply must be true")


def check_language_code(code: str) -> None:
    """A bot-settings language code: empty or two lowercase ISO 639-1 letters."""
    if code and not _LANGUAGE_RE.fullmatch(code):
        raise bad_request("invalid language code specified")


def check_commands(commands: list[dict[str, Any]]) -> None:
    """setMyCommands: at most 100 commands of [a-z0-9_]{1,32} with 1-256 char descriptions."""
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for item in commands:
        if not _COMMAND_RE.fullmatch(item["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(item["description"].strip()) <= 256 or len(item["description"]) > 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
