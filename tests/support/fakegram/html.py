"""Telegram's HTML parse_mode (modelled on TDLib's parser) and message text/caption checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakegram.errors import ApiError, bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
PARSE_MODES = ("html", "markdownv2", "markdown")
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "tg-emoji", "blockquote", "tg-time"})
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]{1,10}));")
_TRIM = " \t\r\n\v\f"


def utf16_len(text: str) -> int:
    """Length of a string in UTF-16 code units, the unit Telegram counts offsets in."""
    return len(text.encode("utf-16-le")) // 2


def entity_error(detail: str) -> ApiError:
    """A 400 'can't parse entities' error, as Telegram words it."""
    return bad_request(f"can't parse entities: {detail}")


class TextBuilder:
    """Accumulates plain text while tracking its UTF-16 length."""

    def __init__(self) -> None:
        """Start with empty text."""
        self.parts: list[str] = []
        self.pos = 0
        self.chars = 0

    def add(self, chunk: str) -> None:
        """Append text and advance the UTF-16 position."""
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)
        self.chars += len(chunk)

    def text(self) -> str:
        """Return the text built so far."""
        return "".join(self.parts)


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    start: int
    byte_offset: int
    attrs: dict[str, str] = field(default_factory=dict)


def _decode_entity(text: str, i: int) -> tuple[str | None, int]:
    """Decode the HTML entity at text[i] ('&'); return (char or None, consumed length)."""
    match = _ENTITY_RE.match(text, i)
    if not match:
        return None, 0
    dec, hexa, name = match.groups()
    if name is not None:
        char = _NAMED.get(name)
        return (char, match.end() - i) if char else (None, 0)
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None, 0
    return chr(code), match.end() - i


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of a character index (Telegram reports byte offsets)."""
    return len(text[:index].encode("utf-8"))


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse attributes of a start tag from text[i]; return them and the index after '>'."""
    attrs: dict[str, str] = {}
    n = len(text)
    where = f'the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise entity_error(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[start:i].lower()
        if not name:
            raise entity_error(f"Empty attribute name in {where}")
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and name == "expandable":
                attrs[name] = ""
                continue
            raise entity_error(f"Expected equal sign in declaration of an attribute of {where}")
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise entity_error(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value: list[str] = []
            while i < n and text[i] != quote:
                char, used = _decode_entity(text, i) if text[i] == "&" else (None, 0)
                value.append(char if char is not None else text[i])
                i += used or 1
            i += 1
            attrs[name] = "".join(value)
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and not text[i].isspace() and text[i] != ">":
                off = _byte_offset(text, start)
                raise entity_error(f"Unexpected end of name token at byte offset {off}")
            attrs[name] = text[start:i].lower()


def _check_start_tag(tag: _OpenTag) -> None:
    """Reject start tags whose mandatory attributes are missing or wrong."""
    where = f"at byte offset {tag.byte_offset}"
    if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
        raise entity_error(f'Tag "span" must have class "tg-spoiler" {where}')
    if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id", "").isdigit():
        raise entity_error(f'Tag "tg-emoji" must have a numeric attribute "emoji-id" {where}')
    if tag.name == "tg-time" and not re.fullmatch(r"-?\d+", tag.attrs.get("unix", "")):
        raise entity_error(f'Tag "tg-time" must have an integer attribute "unix" {where}')


def _close_entity(tag: _OpenTag, length: int, inner: str, entities: list[dict[str, Any]]) -> None:
    """Append the entity produced by a closed tag (empty ranges produce nothing)."""
    if length == 0:
        return
    entity: dict[str, Any] = {"offset": tag.start, "length": length}
    if tag.name in _SIMPLE_TAGS:
        entity["type"] = _SIMPLE_TAGS[tag.name]
        language = tag.attrs.get("class", "")
        if tag.name == "code" and language.startswith("language-"):
            entity["language"] = language[len("language-") :]
        if tag.name == "pre" and entities:
            last = entities[-1]
            same = last["offset"] == tag.start and last["length"] == length
            if same and last["type"] == "code":
                entities.pop()
                if "language" in last:
                    entity["language"] = last["language"]
    elif tag.name == "a":
        url = tag.attrs.get("href") or inner
        if not re.match(r"^(https?://|tg://|mailto:)?[^\s/]+\.[^\s]+|^tg://\S+", url):
            return
        entity.update(type="text_link", url=url)
    elif tag.name == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=tag.attrs["emoji-id"])
    elif tag.name == "tg-time":
        entity.update(type="date_time", unix_time=int(tag.attrs["unix"]))
        if tag.attrs.get("format"):
            entity["date_time_format"] = tag.attrs["format"]
    else:  # blockquote
        expandable = "expandable" in tag.attrs
        entity["type"] = "expandable_blockquote" if expandable else "blockquote"
    entities.append(entity)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities) or raise 'can't parse entities'."""
    out = TextBuilder()
    stack: list[_OpenTag] = []
    starts: list[int] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded, used = _decode_entity(text, i)
            if decoded is None:
                off = _byte_offset(text, i)
                raise entity_error(f'Unescaped "&" at byte offset {off}; use "&amp;"')
            out.add(decoded)
            i += used
            continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        begin, offset = i, _byte_offset(text, i)
        if text.startswith("</", i):
            if not stack:
                raise entity_error(f"Unexpected end tag at byte offset {offset}")
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise entity_error(f"Unclosed end tag at byte offset {offset}")
            tag = stack.pop()
            inner_start = starts.pop()
            if end_name and end_name != tag.name:
                raise entity_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                    f'found "</{end_name}>"'
                )
            _close_entity(tag, out.pos - tag.start, out.text()[inner_start:], entities)
            i = j + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise entity_error(f"Unclosed start tag at byte offset {offset}")
        name = text[i + 1 : j].lower()
        if name not in SUPPORTED_TAGS:
            raise entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        attrs, i = _parse_attributes(text, j, name, begin)
        tag = _OpenTag(name, out.pos, offset, attrs)
        _check_start_tag(tag)
        stack.append(tag)
        starts.append(out.chars)
    if stack:
        raise entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.text(), sort_entities(entities)


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order entities the way Telegram returns them: by offset, longer first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = text.lstrip(_TRIM)
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip(_TRIM)
    size = utf16_len(stripped)
    fixed: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return stripped, fixed


def parse_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode (or explicit entities) and Telegram's trimming to a text or caption."""
    from tests.support.fakegram.markdown import parse_markdown, parse_markdown_v2

    mode = (parse_mode or "").lower()
    if mode and mode not in PARSE_MODES:
        raise bad_request("unsupported parse_mode")
    if mode == "html":
        plain, found = parse_html(text)
    elif mode == "markdownv2":
        plain, found = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = parse_markdown(text)
    else:
        plain, found = text, list(entities or [])
    return trim(plain, found)


def check_message_text(plain: str) -> None:
    """Enforce 1..4096 UTF-16 units of message text after entity parsing."""
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(plain: str) -> None:
    """Enforce at most 1024 UTF-16 units of caption after entity parsing."""
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
