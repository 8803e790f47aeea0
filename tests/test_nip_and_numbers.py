"""NIP validation and Indonesian number reading."""

from datetime import date
from decimal import Decimal

import pytest

from bot.services.nip import NipError, parse_nip
from bot.services.numbers import AmountError, parse_amount

TODAY = date(2026, 11, 28)


def test_valid_pns_nip_is_decoded() -> None:
    info = parse_nip("19850312 201001 2 003", today=TODAY)
    assert info.birth_date == date(1985, 3, 12)
    assert (info.appointment_year, info.appointment_month) == (2010, 1)
    assert (info.gender, info.kind) == ("P", "pns")


def test_pppk_number_has_no_appointment_month() -> None:
    info = parse_nip("199001012022211001", today=TODAY)
    assert info.kind == "pppk"
    assert info.appointment_month is None


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("19850312201001100", "exactly 18"),
        ("1985031220100110011", "exactly 18"),
        ("19850312abc0011001", "digits only"),
        ("199013012010011001", "birth date"),
        ("199002302010011001", "birth date"),
        ("198503122010013001", "gender"),
        ("198503122010011000", "serial"),
        ("203001012010011001", "plausible"),
        ("198503121990011001", "appointment year"),
    ],
)
def test_bad_nips_are_refused_with_a_reason(raw: str, reason_part: str) -> None:
    with pytest.raises(NipError) as caught:
        parse_nip(raw, today=TODAY)
    assert reason_part in caught.value.reason


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
