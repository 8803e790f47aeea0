"""Reading numbers the Indonesian way, and clear reasons for unreadable ones."""

from datetime import date
from decimal import Decimal

import pytest

from bot.services.numbers import AmountError, parse_amount

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal(12)),
        ("12,5", Decimal("12.5")),
        ("1.250", Decimal(1250)),
        ("2.5", Decimal("2.5")),
        ("1.250.000", Decimal(1250000)),
        ("1.250,75", Decimal("1250.75")),
        ("1,250,000", Decimal(1250000)),
        (" 95 %", Decimal(95)),
        ("95%", Decimal(95)),
        ("\u00a012,5\u00a0", Decimal("12.5")),
        ("+7", Decimal(7)),
    ],
)
def test_amounts_are_read_the_indonesian_way(raw: str, expected: Decimal) -> None:
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("-3", "negative"),
        ("0", "more than 0"),
        ("1e9", "number only"),
        ("dua belas", "number only"),
        ("", "type a number"),
        (None, "type a number"),
        ("99999999999", "too large"),
        ("1,2,3", "number only"),
        ("12.", "number only"),
        ("1.2.3", "number only"),
        ("5 5", "space inside the number"),
        ("1 250", "space inside the number"),
        ("1\u00a0250", "space inside the number"),
        ("12 ,5", "space inside the number"),
        ("+ 7", "space inside the number"),
    ],
)
def test_bad_amounts_get_a_reason(raw: str | None, reason_part: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(raw)
    assert reason_part in caught.value.reason


def test_zero_can_be_allowed() -> None:
    assert parse_amount("0", allow_zero=True) == 0
