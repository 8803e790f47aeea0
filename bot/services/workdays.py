"""Working days and hours of Medan's ASN: Mon-Fri, no public holidays, no cuti bersama.

Hours follow Perpres 21/2023 as practised in Pemko Medan: 07:30-16:00 Monday to Thursday and
07:30-16:30 on Friday (WIB). Holidays come from the `holidays` package (ID, categories public
and government, the latter holding the cuti bersama of the SKB 3 Menteri; 0.99 is the first
release with all eight cuti bersama of 2026). Names are given in the user's language.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WORK_START = time(7, 30)
WORK_END = time(16, 0)
FRIDAY_END = time(16, 30)
_MAX_SEARCH_DAYS = 60


# Our language codes to the `holidays` package's own (it has "id" and "en_US" for ID).
HOLIDAY_LANGUAGES = {"id": "id", "en": "en_US"}


@lru_cache(maxsize=32)
def _holidays_for(year: int, language: str = "id") -> holidays.HolidayBase:
    return holidays.country_holidays(
        "ID",
        years=year,
        categories=("public", "government"),
        language=HOLIDAY_LANGUAGES.get(language, "id"),
    )


def holiday_name(day: date, language: str = "id") -> str | None:
    """Return the holiday's name in `language` ("id" or "en"), or None on an ordinary day."""
    name = _holidays_for(day.year, language).get(day)
    return str(name) if name else None


def is_working_day(day: date) -> bool:
    """True on Monday-Friday that is neither a public holiday nor cuti bersama."""
    return day.weekday() < 5 and holiday_name(day) is None


def next_working_day(day: date, *, include_today: bool = True) -> date:
    """Return the first working day on or after `day` (strictly after when not included)."""
    current = day if include_today else day + timedelta(days=1)
    for _ in range(_MAX_SEARCH_DAYS):
        if is_working_day(current):
            return current
        current += timedelta(days=1)
    raise RuntimeError(f"no working day within {_MAX_SEARCH_DAYS} days of {day}")


def add_working_days(day: date, count: int) -> date:
    """Return the date `count` working days after `day`."""
    current = day
    for _ in range(count):
        current = next_working_day(current, include_today=False)
    return current


def working_hours(day: date) -> tuple[time, time]:
    return WORK_START, FRIDAY_END if day.weekday() == 4 else WORK_END


def in_working_hours(moment: datetime, tz: ZoneInfo) -> bool:
    """True when `moment` falls inside working hours of a working day, in the given zone."""
    local = moment.astimezone(tz)
    if not is_working_day(local.date()):
        return False
    start, end = working_hours(local.date())
    return start <= local.time() < end


def next_working_moment(moment: datetime, tz: ZoneInfo) -> datetime:
    """Return `moment` if it is inside working hours, else the next opening time."""
    local = moment.astimezone(tz)
    if in_working_hours(local, tz):
        return local
    day = local.date()
    if is_working_day(day) and local.time() < WORK_START:
        return datetime.combine(day, WORK_START, tzinfo=tz)
    return datetime.combine(next_working_day(day, include_today=False), WORK_START, tzinfo=tz)
