"""Reading numbers the way Indonesian users type them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.i18n import N_

MAX_AMOUNT = Decimal("1000000000")  # one billion of anything is a typo, not a target
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


class AmountError(ValueError):
    """An unreadable amount; `reason` is an untranslated msgid."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_amount(raw: str | None, *, allow_zero: bool = False) -> Decimal:
    """Parse '12', '12,5', '1.250', '1.250,5' or '2.5' into a Decimal.

    A dot followed by exactly three digits (once or more) is a thousands separator, so
    '1.250' is 1250 while '2.5' stays 2.5. A comma is the decimal mark, except in the
    English '1,250,000' pattern. Scientific notation, signs and words are refused.
    Space around the number and before a trailing '%' is ignored, but a space inside it
    ('5 5', '1 250', also a non-breaking one) is refused: it is more likely a typo than a
    thousands separator, and guessing 55 would record the wrong amount.
    """
    text = (raw or "").strip()
    if text.endswith("%"):
        text = text[:-1].rstrip()
    if not text:
        raise AmountError(N_("Please type a number, for example 12 or 12,5."))
    compact = "".join(text.split())
    if compact.startswith("-"):
        raise AmountError(N_("The amount cannot be negative."))
    if not re.fullmatch(r"\+?[\d.,]+", compact):
        raise AmountError(N_("Please type a number only, for example 12 or 12,5."))
    if compact != text:
        raise AmountError(
            N_(
                "There is a space inside the number. Please type it without spaces, for "
                "example 1250 or 1.250 (and 12,5 for twelve and a half)."
            )
        )
    text = text.lstrip("+")
    if _THOUSANDS_DOT.match(text):
        normal = text.replace(".", "")
    elif _THOUSANDS_COMMA.match(text) and text.count(",") > 1:
        normal = text.replace(",", "")
    elif "," in text and "." in text:
        integer, _, fraction = text.rpartition(",")
        if not _THOUSANDS_DOT.match(integer) or "." in fraction:
            raise AmountError(N_("Please type a number only, for example 12 or 12,5."))
        normal = integer.replace(".", "") + "." + fraction
    elif text.count(",") == 1:
        normal = text.replace(",", ".")
    elif text.count(".") <= 1:
        normal = text
    else:
        raise AmountError(N_("Please type a number only, for example 12 or 12,5."))
    if normal.startswith(".") or normal.endswith("."):
        raise AmountError(N_("Please type a number only, for example 12 or 12,5."))
    try:
        value = Decimal(normal)
    except InvalidOperation as exc:
        raise AmountError(N_("Please type a number only, for example 12 or 12,5.")) from exc
    if value > MAX_AMOUNT:
        raise AmountError(N_("That number is too large. Please check it."))
    if value == 0 and not allow_zero:
        raise AmountError(N_("The amount must be more than 0."))
    return value
