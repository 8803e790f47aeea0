"""NIP validation: PNS and PPPK layouts, and clear reasons for bad numbers."""

from datetime import date

import pytest

from bot.services.nip import NipError, parse_nip

TODAY = date(2026, 11, 28)


def test_valid_pns_nip_is_decoded() -> None:
    info = parse_nip("19850312 201001 2 003", today=TODAY)
    assert info.birth_date == date(1985, 3, 12)
    assert (info.appointment_year, info.appointment_month) == (2010, 1)
    assert (info.gender, info.kind) == ("P", "pns")


def test_appointment_at_eighteen_is_accepted() -> None:
    # Born March 1985: March 2003 is the 18th birthday's month; a PPPK at 18 in 2023 too.
    assert parse_nip("198503122003031001", today=TODAY).appointment_year == 2003
    assert parse_nip("200501012023211001", today=TODAY).kind == "pppk"


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
        ("198503122030011001", "appointment year"),
        # Appointed at 17 years and 10 months (January 2003, born March 1985).
        ("198503122003011001", "age of 18"),
        ("198503121990011001", "age of 18"),
        # A PPPK number from before PPPK existed.
        ("199001012018211001", "2019"),
        # A PPPK number at 17.
        ("200501012022211001", "age of 18"),
    ],
)
def test_bad_nips_are_refused_with_a_reason(raw: str, reason_part: str) -> None:
    with pytest.raises(NipError) as caught:
        parse_nip(raw, today=TODAY)
    assert reason_part in caught.value.reason
