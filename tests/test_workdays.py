"""The WIB working-day calendar: weekends, holidays, cuti bersama, working hours."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.workdays import (
    add_working_days,
    holiday_name,
    in_working_hours,
    is_working_day,
    next_working_day,
    next_working_moment,
)

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 27), True),  # Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 12, 24), False),  # cuti bersama Natal
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 3, 20), False),  # cuti bersama Idul Fitri
        (date(2026, 3, 25), True),
        (date(2026, 8, 17), False),  # Independence Day
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_moving_to_the_next_working_day() -> None:
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert next_working_day(date(2026, 11, 27), include_today=False) == date(2026, 11, 30)
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)


def test_working_hours_in_wib() -> None:
    assert in_working_hours(datetime(2026, 11, 27, 9, 0, tzinfo=WIB), WIB)
    assert in_working_hours(datetime(2026, 11, 27, 16, 15, tzinfo=WIB), WIB)  # Friday to 16:30
    assert not in_working_hours(datetime(2026, 11, 26, 16, 15, tzinfo=WIB), WIB)
    assert not in_working_hours(datetime(2026, 11, 27, 7, 0, tzinfo=WIB), WIB)
    late = datetime(2026, 12, 23, 17, 0, tzinfo=WIB)
    assert next_working_moment(late, WIB) == datetime(2026, 12, 28, 7, 30, tzinfo=WIB)
    early = datetime(2026, 11, 30, 6, 0, tzinfo=WIB)
    assert next_working_moment(early, WIB) == datetime(2026, 11, 30, 7, 30, tzinfo=WIB)


# The eight cuti bersama of 2026 (SKB 3 Menteri); `holidays` has them all from 0.99 on.
CUTI_BERSAMA_2026 = [
    date(2026, 2, 16),
    date(2026, 3, 18),
    date(2026, 3, 20),
    date(2026, 3, 23),
    date(2026, 3, 24),
    date(2026, 5, 15),
    date(2026, 5, 28),
    date(2026, 12, 24),
]


@pytest.mark.parametrize("day", CUTI_BERSAMA_2026)
def test_every_cuti_bersama_of_2026_is_a_day_off(day: date) -> None:
    assert not is_working_day(day)
    assert holiday_name(day) is not None


def test_holiday_names_follow_the_users_language() -> None:
    assert holiday_name(date(2026, 3, 20), "id") == "Cuti Bersama Hari Raya Idul Fitri"
    assert holiday_name(date(2026, 3, 20), "en") == "Eid al-Fitr Joint Holiday"
    assert holiday_name(date(2026, 8, 17)) == holiday_name(date(2026, 8, 17), "id")
    assert holiday_name(date(2026, 11, 27), "en") is None
