"""The one check for typed text: long enough to be clear, short enough to fit."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_

TOO_SHORT = N_("Please write at least {limit} characters, so your message is clear.")
TOO_LONG = N_(
    "Your text has {length} characters, but at most {limit} fit. Please shorten it and send it "
    "again."
)


@dataclass(frozen=True)
class TextProblem:
    """Why a typed text cannot be used: a msgid with its numbers."""

    reason: str
    length: int
    limit: int


def check_text(text: str, *, minimum: int, limit: int) -> TextProblem | None:
    """Refuse text shorter than `minimum` or longer than `limit` characters (stripped)."""
    length = len(text.strip())
    if length < minimum:
        return TextProblem(TOO_SHORT, length, minimum)
    if length > limit:
        return TextProblem(TOO_LONG, length, limit)
    return None
