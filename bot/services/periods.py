"""Semesters: Semester I = 1 Jan-30 Jun, Semester II = 1 Jul-31 Dec (Asia/Jakarta), and how a
semester is written for people; and the week and month that "this week" and "this month"
figures count from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.i18n import Translator

_CODE = re.compile(r"^(\d{4})-([12])$")


@dataclass(frozen=True, order=True)
class Period:
    """One semester, written '2026-2' for Semester II 2026."""

    year: int
    half: int

    @property
    def code(self) -> str:
        return f"{self.year}-{self.half}"

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def days_left(self, today: date) -> int:
        """Days remaining including today; 0 once the semester is over."""
        return max(0, (self.end - today).days + 1)

    def next(self) -> Period:
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def end_instant(self, tz: ZoneInfo) -> datetime:
        """The first instant after the semester, in the given zone."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz)


def semester_name(period: Period, t: Translator) -> str:
    """Write a semester for people: 'Semester II 2026', the one form on every screen and notice."""
    return t._("Semester {half} {year}").format(
        half="I" if period.half == 1 else "II", year=str(period.year)
    )


def period_of(day: date) -> Period:
    """Return the semester containing a date."""
    return Period(day.year, 1 if day.month <= 6 else 2)


def parse_period(code: str) -> Period:
    """Parse '2026-2'; raise ValueError for anything else."""
    match = _CODE.match(code.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(f"not a period code (YYYY-1 or YYYY-2): {code!r}")
    return Period(int(match.group(1)), int(match.group(2)))


def week_start_utc(now: datetime, tz: tzinfo) -> datetime:
    """The first instant of the current week (Monday 00:00 local time), in UTC."""
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=tz).astimezone(UTC)


def month_start_utc(now: datetime, tz: tzinfo) -> datetime:
    """The first instant of the current calendar month in local time, in UTC."""
    local = now.astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz).astimezone(UTC)
