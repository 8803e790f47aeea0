"""What HR types when creating a session: the start time, the seats and the JP, and the
limits of each typed field. A problem comes back as a TextProblem (a msgid with numbers)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.i18n import N_
from bot.services import workdays
from bot.services.numbers import AmountError, parse_amount
from bot.services.text_rules import TextProblem

WIB = ZoneInfo("Asia/Jakarta")
MAX_TITLE = 200  # TrainingSession.title column
MAX_TOPIC = 200  # TrainingSession.topic column
MAX_PLACE = 500  # an address or a meeting link; longer is a paste mistake
MAX_CAPACITY = 500  # the largest hall in Balai Kota holds fewer
MAX_JP = Decimal(100)  # a JP is 45 minutes; 100 JP is already a multi-week course

_DATE_TIME = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s+(\d{1,2})[:.](\d{2})$")


def _problem(msgid: str, limit: int = 0) -> TextProblem:
    """A problem whose message mentions no length (and at most a limit)."""
    return TextProblem(msgid, length=0, limit=limit)


@dataclass(frozen=True)
class StartParse:
    """A parsed start time, or the problem; `holiday` warns about a non-working day."""

    starts_at: datetime | None = None
    problem: TextProblem | None = None
    not_working_day: bool = False
    holiday: str = ""


def parse_start(
    raw: str, now: datetime, tz: ZoneInfo = WIB, *, language: str = "id"
) -> StartParse:
    """Read 'dd-mm-yyyy hh:mm' (WIB) in the future; warn when it is not a working day.

    A holiday is named in `language`, the language of the person typing.
    """
    match = _DATE_TIME.match(" ".join(raw.split()))
    if match is None:
        return StartParse(
            problem=_problem(
                N_(
                    "Please type the date and time as dd-mm-yyyy hh:mm, for example "
                    "15-01-2027 09:00."
                )
            )
        )
    day, month, year, hour, minute = (int(g) for g in match.groups())
    try:
        starts_at = datetime.combine(date(year, month, day), time(hour, minute), tzinfo=tz)
    except ValueError:
        return StartParse(
            problem=_problem(
                N_(
                    "That date or time does not exist. Please check the day, month and hour, "
                    "for example 15-01-2027 09:00."
                )
            )
        )
    if starts_at <= now:
        return StartParse(
            problem=_problem(N_("That moment has already passed. Please choose a future time."))
        )
    if starts_at - now > timedelta(days=366):
        return StartParse(
            problem=_problem(N_("Please choose a time within the next twelve months."))
        )
    local_day = starts_at.date()
    working = workdays.is_working_day(local_day)
    return StartParse(
        starts_at=starts_at,
        not_working_day=not working,
        holiday=(workdays.holiday_name(local_day, language) or "") if not working else "",
    )


def parse_capacity(raw: str) -> int | TextProblem:
    """Read a whole number of seats between 1 and MAX_CAPACITY."""
    try:
        value = parse_amount(raw)
    except AmountError as exc:
        return _problem(exc.reason)
    if value != value.to_integral_value() or value < 1 or value > MAX_CAPACITY:
        return _problem(N_("Please type a whole number of seats from 1 to {limit}."), MAX_CAPACITY)
    return int(value)


def parse_jp(raw: str) -> Decimal | TextProblem:
    """Read the JP (jam pelajaran) the session is worth: more than 0, at most MAX_JP."""
    try:
        value = parse_amount(raw)
    except AmountError as exc:
        return _problem(exc.reason)
    if value <= 0 or value > MAX_JP or value != value.quantize(Decimal("0.01")):
        msgid = N_("Please type the JP as a number above 0 and at most {limit}.")
        return _problem(msgid, int(MAX_JP))
    return value
