"""Safe outgoing text: HTML escaping, Telegram length limits, callback-data limits.

Telegram counts a message's length in UTF-16 code units of the text it shows: after the HTML
is parsed, so tags count nothing and "&amp;" counts one. Every length here is measured that
way, and a long message is split only between whole characters, entities and tags.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_MESSAGE_CHARS = 4096
MAX_CAPTION_CHARS = 1024
MAX_ALERT_CHARS = 200  # the text of a callback query's answer (toast or pop-up)
MAX_CALLBACK_BYTES = 64
ELLIPSIS = "…"
MIN_SPLIT_LIMIT = 8  # room for an emoji (2 units) and some text around it

# A tag Telegram's HTML knows (<b>, </i>, <a href="...">, <blockquote expandable>) or an entity.
_MARKUP = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>"
    r"|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z]{1,10});"
)


def esc(value: object) -> str:
    """Escape user-supplied text for parse_mode=HTML."""
    return html.escape(str(value), quote=False)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts (an emoji is usually 2)."""
    return len(text.encode("utf-16-le")) // 2


def plain_text(text_html: str) -> str:
    """Return what Telegram shows for this HTML: the text without tags, entities decoded."""
    return _MARKUP.sub(_shown, text_html)


def _shown(match: re.Match[str]) -> str:
    """What Telegram shows for one tag (nothing) or entity (its character)."""
    return "" if match.group("name") else html.unescape(match.group())


def visible_length(text_html: str) -> int:
    """Return the length Telegram checks against its limits (UTF-16 units of the shown text)."""
    return utf16_len(plain_text(text_html))


def shorten(text: str, limit: int) -> str:
    """Cut plain text to at most `limit` UTF-16 units, ending in "…" when anything was cut.

    For user text before it is escaped; never splits a character (an emoji stays whole).
    """
    if utf16_len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > room:
            break
        kept.append(char)
        used += width
    return "".join(kept).rstrip() + ELLIPSIS


@dataclass(frozen=True)
class _Token:
    """One indivisible piece of HTML: a character, an entity, or a tag."""

    raw: str
    width: int  # UTF-16 units Telegram counts for it (0 for a tag)
    tag: str = ""  # the tag's name, for tags
    closing: bool = False


def _tokens(text_html: str) -> list[_Token]:
    """Cut HTML into characters, entities and tags (the places a split may never fall)."""
    tokens: list[_Token] = []
    pos = 0
    for match in _MARKUP.finditer(text_html):
        tokens.extend(_Token(c, utf16_len(c)) for c in text_html[pos : match.start()])
        raw = match.group()
        if match.group("name"):
            tokens.append(_Token(raw, 0, match.group("name").lower(), bool(match.group("close"))))
        else:
            tokens.append(_Token(raw, utf16_len(html.unescape(raw))))
        pos = match.end()
    tokens.extend(_Token(c, utf16_len(c)) for c in text_html[pos:])
    return tokens


def _replay(stack: list[_Token], tokens: list[_Token]) -> list[_Token]:
    """Return the tags still open after `tokens`, starting from those open in `stack`."""
    opened = list(stack)
    for token in tokens:
        if not token.tag:
            continue
        if not token.closing:
            opened.append(token)
        elif opened:
            opened.pop()
    return opened


def _cut(tokens: list[_Token], start: int, limit: int) -> int:
    """Return where the chunk starting at `start` ends: a line break, a space, or a hard cut.

    A break in the first half of the chunk would waste the message, so it is only taken
    from the middle on; a hard cut never leaves an opening tag dangling at the end.
    """
    width = 0
    end = start
    line_break = space = -1
    while end < len(tokens) and width + tokens[end].width <= limit:
        token = tokens[end]
        width += token.width
        if width * 2 > limit:
            if token.raw == "\n":
                line_break = end
            elif token.raw.isspace():
                space = end
        end += 1
    if end == len(tokens):
        return end
    if line_break > start:
        return line_break
    if space > start:
        return space
    while end > start + 1 and tokens[end - 1].tag and not tokens[end - 1].closing:
        end -= 1
    return end


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split HTML into messages of at most `limit` visible UTF-16 units each.

    Cuts fall on a line break where possible, then on a space, and never inside a tag, an
    entity ("&amp;") or a character. Formatting open at a cut is closed at the end of the
    chunk and opened again at the start of the next, so every chunk is valid HTML on its
    own. The line break or space at a cut is dropped (Telegram would trim it anyway), and a
    chunk Telegram would show as empty is left out.
    """
    if limit < MIN_SPLIT_LIMIT:
        raise ValueError(f"limit must be at least {MIN_SPLIT_LIMIT}")
    if visible_length(text) <= limit:
        return [text]
    tokens = _tokens(text)
    chunks: list[str] = []
    opened: list[_Token] = []
    start = 0
    while start < len(tokens):
        end = _cut(tokens, start, limit)
        body = tokens[start:end]
        closes = _replay(opened, body)
        chunk = (
            "".join(t.raw for t in opened)
            + "".join(t.raw for t in body)
            + "".join(f"</{t.tag}>" for t in reversed(closes))
        )
        if plain_text(chunk).strip():
            chunks.append(chunk)
        opened = closes
        start = end
        if start < len(tokens) and tokens[start].raw.isspace():
            start += 1  # the break itself
    return chunks or [text]


def fit_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Return HTML that fits one message: unchanged when it fits, else cut and ended with "…".

    A last line of defence for texts that must stay one message (a queued notice with
    buttons); builders shorten long user fields themselves so this never has to cut.
    """
    if visible_length(text) <= limit:
        return text
    return split_message(text, limit - len(ELLIPSIS))[0] + ELLIPSIS


@dataclass(frozen=True)
class Fitted:
    """A message built by fit_fields, and whether any field had to be shortened for it."""

    text: str
    shortened: bool = False


def fit_fields(
    render: Callable[[Mapping[str, str]], str],
    fields: Mapping[str, str],
    *,
    limit: int = MAX_MESSAGE_CHARS,
    note: str = "",
) -> Fitted:
    """Render a message around user fields, shortening the longest ones just enough to fit.

    `render` receives the fields as plain text (it escapes them) and returns HTML. When the
    message is over `limit`, every field is cut to one common length, the largest that fits
    (short fields stay whole, the longest lose their ends, each marked "…"), and `note`
    (HTML: where to read everything) is added as a last paragraph.
    """
    text = render(fields)
    if visible_length(text) <= limit:
        return Fitted(text)
    tail = "\n\n" + note if note else ""
    room = limit - visible_length(tail)

    def capped(cap: int) -> str:
        return render({key: shorten(value, cap) for key, value in fields.items()})

    low, high, best = 1, max((utf16_len(v) for v in fields.values()), default=0), ""
    while low <= high:
        cap = (low + high) // 2
        candidate = capped(cap)
        if visible_length(candidate) <= room:
            best, low = candidate, cap + 1
        else:
            high = cap - 1
    return Fitted((best or fit_message(capped(1), room)) + tail, shortened=True)


def callback_data(*parts: object) -> str:
    """Join callback parts with ':' and refuse anything over Telegram's 64-byte limit."""
    data = ":".join(str(p) for p in parts)
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def parse_callback(data: str | None, prefix: str, n_ints: int) -> list[int] | None:
    """Parse 'prefix:1:2' into ints; None for anything malformed (callback data is untrusted)."""
    if not data or not data.startswith(prefix + ":"):
        return None
    parts = data[len(prefix) + 1 :].split(":")
    if len(parts) != n_ints:
        return None
    try:
        values = [int(p) for p in parts]
    except ValueError:
        return None
    if any(v < 0 or v > 2**62 for v in values):
        return None
    return values
