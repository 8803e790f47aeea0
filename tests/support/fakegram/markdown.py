"""Telegram's MarkdownV2 and legacy Markdown parse modes (a strict subset of TDLib's rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakegram.html import TextBuilder, entity_error, sort_entities

RESERVED_V2 = frozenset("_*[]()~`>#+-=|{}.!")
_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_CLOSERS = {"bold": "*", "strikethrough": "~", "spoiler": "||", "underline": "__", "code": "`"}
_OPENERS = (("__", "underline"), ("||", "spoiler"), ("![", "custom_emoji"), ("```", "pre"))
_SINGLE_OPENERS = {"*": "bold", "_": "italic", "~": "strikethrough", "[": "text_link", "`": "code"}
_EMOJI_URL = re.compile(r"tg://emoji\?id=(\d+)")


@dataclass
class _Open:
    """An entity whose closing marker has not been seen yet."""

    kind: str
    start: int
    byte_offset: int
    chars: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _byte(text: str, index: int) -> int:
    """UTF-8 byte offset of a character index."""
    return len(text[:index].encode("utf-8"))


def _reserved(char: str) -> Exception:
    """The error for an unescaped reserved MarkdownV2 character."""
    return entity_error(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _read_url(text: str, i: int) -> tuple[str, int]:
    """Read '(url)' starting at text[i] == '(' with backslash escapes; return (url, next index)."""
    url: list[str] = []
    j = i + 1
    while j < len(text) and text[j] != ")":
        if text[j] == "\\" and j + 1 < len(text):
            j += 1
        url.append(text[j])
        j += 1
    if j >= len(text):
        raise entity_error(f"Can't find end of a url at byte offset {_byte(text, i)}")
    return "".join(url), j + 1


def _finish(top: _Open, out: TextBuilder, entities: list[dict[str, Any]], url: str) -> None:
    """Emit the entity for a closed marker if it covers any text."""
    if out.pos == top.start:
        return
    entity: dict[str, Any] = {"type": top.kind, "offset": top.start, "length": out.pos - top.start}
    if top.kind == "text_link":
        entity["url"] = url
    elif top.kind == "custom_emoji":
        match = _EMOJI_URL.fullmatch(url)
        if not match:
            raise entity_error("Custom emoji entity must contain a tg://emoji URL")
        entity["custom_emoji_id"] = match.group(1)
    entity.update(top.extra)
    entities.append(entity)


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 into (plain text, entities); unescaped reserved characters are errors."""
    out = TextBuilder()
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    quote: _Open | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        top = stack[-1] if stack else None
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if top and top.kind in ("code", "pre"):
            closer = "```" if top.kind == "pre" else "`"
            if text.startswith(closer, i):
                _finish(stack.pop(), out, entities, "")
                i += len(closer)
            else:
                out.add(char)
                i += 1
            continue
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            quote = quote or _Open("blockquote", out.pos, _byte(text, i))
            i += 1
            continue
        if char == "\n" and quote and not text.startswith(">", i + 1):
            _finish(quote, out, entities, "")
            quote = None
        if char not in RESERVED_V2:
            out.add(char)
            i += 1
            continue
        if top and top.kind in ("text_link", "custom_emoji") and char == "]":
            url, i = _read_url(text, i + 1) if text.startswith("(", i + 1) else ("", i + 1)
            _finish(stack.pop(), out, entities, url or out.text()[top.chars :])
            continue
        closer = _CLOSERS.get(top.kind, "") if top else ""
        if top and top.kind == "italic" and char == "_" and not text.startswith("__", i):
            closer = "_"
        if closer and text.startswith(closer, i):
            _finish(stack.pop(), out, entities, "")
            i += len(closer)
            continue
        opener = next(((m, k) for m, k in _OPENERS if text.startswith(m, i)), None)
        if opener is None and char in _SINGLE_OPENERS:
            opener = (char, _SINGLE_OPENERS[char])
        if opener is None:
            raise _reserved(char)
        entity = _Open(opener[1], out.pos, _byte(text, i), out.chars)
        i += len(opener[0])
        if entity.kind == "pre":
            match = re.match(r"([^\s`]+)(?=\n)", text[i:])
            if match:
                entity.extra["language"] = match.group(1)
                i += match.end()
            if text.startswith("\n", i):
                i += 1
        stack.append(entity)
    if stack:
        name = _NAMES[stack[-1].kind]
        raise entity_error(
            f"Can't find end of {name} entity at byte offset {stack[-1].byte_offset}"
        )
    if quote:
        _finish(quote, out, entities, "")
    return out.text(), sort_entities(entities)


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse legacy Markdown (*bold*, _italic_, `code`, ```pre```, [text](url))."""
    out = TextBuilder()
    entities: list[dict[str, Any]] = []
    kinds = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in kinds:
            out.add(char)
            i += 1
            continue
        begin, start = i, out.pos
        end = "]" if char == "[" else char
        kind = kinds[char]
        if text.startswith("```", i):
            kind, end = "pre", "```"
        i += len(end) if kind == "pre" else 1
        close = text.find(end, i)
        if close < 0:
            off = _byte(text, begin)
            raise entity_error(f"Can't find end of the entity starting at byte offset {off}")
        out.add(text[i:close])
        i = close + len(end)
        entity: dict[str, Any] = {"type": kind, "offset": start, "length": out.pos - start}
        if kind == "text_link":
            url, i = (
                _read_url(text, i) if text.startswith("(", i) else (text[begin + 1 : close], i)
            )
            entity["url"] = url
        if entity["length"]:
            entities.append(entity)
    return out.text(), sort_entities(entities)
