"""The check-in buttons' screens: remind tomorrow, the leave pause and its dates, resuming."""

from __future__ import annotations

from datetime import date, datetime

from bot.i18n import N_, Translator
from bot.services import checkins
from bot.services.checkins import DateProblem, QuickPause

Rows = list[list[tuple[str, str]]]

PAUSE_PREFIX = "ci:pause:"
TYPE_DATE = "ci:pause:type"
KEPT = N_("All right, the check-in reminders stay as they are.")


def reminded_later(t: Translator, moment: datetime) -> str:
    """When the next reminder comes, kindly."""
    return t._(
        "All right! I will remind you again on {date} at {time}. "
        "Have a good day, and take it one step at a time."
    ).format(date=t.date(moment), time=t.time(moment))


def leave_question(t: Translator) -> tuple[str, Rows]:
    """Ask until when the reminders should pause: quick choices, or a typed date."""
    _ = t._
    text = _(
        "Enjoy your leave! Until when should I pause the check-in reminders? "
        "Choose below, or type a date."
    )
    rows = [
        [
            (_("1 week"), PAUSE_PREFIX + QuickPause.ONE_WEEK),
            (_("2 weeks"), PAUSE_PREFIX + QuickPause.TWO_WEEKS),
        ],
        [(_("End of this month"), PAUSE_PREFIX + QuickPause.MONTH_END)],
        [(_("Type a date"), TYPE_DATE)],
    ]
    return text, rows


def date_question(t: Translator, today: date) -> str:
    """Ask for the last day of leave, day first."""
    return t._(
        "Please type the last day of your leave as day-month-year, for example {example}. "
        "Reminders can be paused for up to 6 months."
    ).format(example=checkins.date_example(today))


def date_problem(t: Translator, problem: DateProblem, today: date) -> str:
    """Why a typed date cannot be used, with an example that can."""
    _ = t._
    example = checkins.date_example(today)
    if problem is DateProblem.NOT_FUTURE:
        return _(
            "That date is not in the future. Please type the last day of your leave, "
            "for example {example}."
        ).format(example=example)
    if problem is DateProblem.TOO_FAR:
        return _(
            "Reminders can be paused for up to 6 months, that is until {date}. "
            "Please type an earlier date."
        ).format(date=t.date(checkins.latest_pause(today)))
    return _(
        "Sorry, I could not read that date. Please type it as day-month-year, "
        "for example {example}."
    ).format(example=example)


def not_a_date(t: Translator, today: date) -> str:
    """Ask for the date as text."""
    return t._("Please type the date as text, for example {example}.").format(
        example=checkins.date_example(today)
    )


def paused(t: Translator, until: date) -> str:
    """Confirm the pause, and how to end it early."""
    return t._(
        "Done. Check-in reminders are paused until {date}. Have a good rest! "
        "You can switch them back on any time in /kinerja."
    ).format(date=t.date(until))


def resumed(t: Translator, was_paused: bool) -> str:
    """Reminders are on (again)."""
    if was_paused:
        return t._("Welcome back! Check-in reminders are on again.")
    return t._("Check-in reminders are already on.")
