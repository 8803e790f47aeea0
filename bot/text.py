"""Safe outgoing text: HTML escaping, Telegram length limits, callback-data limits."""

from __future__ import annotations

import html

MAX_MESSAGE_CHARS = 4096
MAX_CALLBACK_BYTES = 64


def esc(value: object) -> str:
    """Escape user-supplied text for parse_mode=HTML."""
    return html.escape(str(value), quote=False)


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split text into chunks of at most `limit` characters, on line breaks where possible.

    Chunks break only between lines, so HTML tags that open and close on one line stay whole.
    A single line longer than the limit is cut hard (callers escape user text first, so a cut
    can only fall inside plain text or an entity we wrote on that line).
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            chunks.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


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
