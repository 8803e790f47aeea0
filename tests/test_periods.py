"""Semesters: Semester I and II in WIB."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.services.periods import Period, parse_period, period_of

WIB = ZoneInfo("Asia/Jakarta")


def test_semesters() -> None:
    assert period_of(date(2026, 6, 30)) == Period(2026, 1)
    assert period_of(date(2026, 7, 1)).code == "2026-2"
    assert parse_period("2026-2").end == date(2026, 12, 31)
    assert Period(2026, 2).next() == Period(2027, 1)
    assert Period(2026, 2).days_left(date(2026, 12, 31)) == 1
    assert Period(2026, 2).days_left(date(2027, 1, 1)) == 0
    for bad in ["2026-3", "2026/2", "26-1", "", "1999-1"]:
        with pytest.raises(ValueError, match="period"):
            parse_period(bad)
