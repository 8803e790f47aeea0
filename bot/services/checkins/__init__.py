"""Weekly check-in reminders: the planner, "remind me tomorrow" and pauses for leave (cuti).

The check-in is due on settings.checkin_weekday at settings.checkin_time (WIB); when that day
is a weekend, a public holiday or cuti bersama it moves to the next working day. The planner
is a pure, idempotent function of (database, as_of): every row carries the dedupe key
``checkin:<ISO year>-W<ISO week>:emp:<id>`` of the week the check-in nominally belongs to.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import N_, I18n, Translator
from bot.services import workdays
from bot.services.periods import period_of
from bot.text import esc
from models import CheckinPause, Employee, OutboxMessage, ProgressReport, Target
from models.db import SessionFactory

KIND_CHECKIN = "checkin"
KIND_LATER = "checkin-later"
REPORT_START = "rp:start"  # the report flow's entry button (owned by the report feature)
LATER = "ci:later"
LEAVE = "ci:leave"
RESUME = "ci:resume"
QUIET_DAYS = 7  # someone who reported within this many days is not reminded
MAX_PAUSE_MONTHS = 6
# A due moment can move by a long holiday (Lebaran + cuti bersama); look this many weeks back.
_WEEKS_BACK = 3
_TYPED_DATE = re.compile(r"^\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})\s*$")

GREETING_MORNING = N_("Good morning, {name}!")
GREETING_MIDDAY = N_("Good day, {name}!")
GREETING_AFTERNOON = N_("Good afternoon, {name}!")
LABEL_REPORT_NOW = N_("Report now")
LABEL_LATER = N_("Remind me tomorrow")
LABEL_LEAVE = N_("I am on leave until …")


@dataclass(frozen=True)
class CheckinWeek:
    """One weekly check-in: the day it nominally falls on and the moment it is really due."""

    nominal: date
    due: datetime

    @property
    def week_code(self) -> str:
        """ISO week of the nominal day, e.g. '2026-W48' (stable when the due day moves)."""
        iso = self.nominal.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    def dedupe_key(self, employee_id: int) -> str:
        """Return the outbox dedupe key of this check-in for one employee."""
        return f"checkin:{self.week_code}:emp:{employee_id}"


def checkin_of_week(monday: date, settings: Settings) -> CheckinWeek:
    """Return the check-in of the ISO week starting on `monday`, moved off non-working days."""
    nominal = monday + timedelta(days=settings.checkin_weekday)
    day = workdays.next_working_day(nominal)
    return CheckinWeek(nominal, datetime.combine(day, settings.checkin_time, tzinfo=settings.tz))


def due_checkin(as_of: datetime, settings: Settings) -> CheckinWeek | None:
    """Return the check-in that is due at `as_of` in its week, or None before it is due.

    Normally that is this week's check-in once its moment has passed. A check-in of an
    earlier week counts too when a holiday moved its due moment into this week.
    """
    local = as_of.astimezone(settings.tz)
    monday = local.date() - timedelta(days=local.weekday())
    due: CheckinWeek | None = None
    for weeks_back in range(_WEEKS_BACK + 1):
        week = checkin_of_week(monday - timedelta(weeks=weeks_back), settings)
        if week.due.date() < monday or week.due > local:
            continue
        if due is None or week.due > due.due:
            due = week
    return due


def greeting(t: Translator, moment: datetime) -> str:
    """Pick a greeting for the hour the message is meant to arrive (WIB)."""
    hour = moment.astimezone(t.tz).hour
    if hour < 11:
        return t._(GREETING_MORNING)
    if hour < 15:
        return t._(GREETING_MIDDAY)
    return t._(GREETING_AFTERNOON)


def checkin_keyboard(t: Translator) -> dict[str, Any]:
    """Return the reminder's buttons: report now, remind me tomorrow, I am on leave."""
    return outbox_queue.inline_keyboard(
        [
            [(t._(LABEL_REPORT_NOW), REPORT_START)],
            [(t._(LABEL_LATER), LATER)],
            [(t._(LABEL_LEAVE), LEAVE)],
        ]
    )


def checkin_template(t: Translator, moment: datetime) -> str:
    """Return the reminder text with a `{name}` placeholder left for the recipient's name."""
    _ = t._
    body = _(
        "Has there been any progress on your targets this week? Even a small step is worth "
        "reporting: it helps you and your leader see how far you have come.\n\n"
        "Tap <b>Report now</b> whenever you are ready. On leave? Let me know and I will pause "
        "these reminders."
    )
    # The greeting keeps its own {name}; the body is literal text, so escape its braces.
    return greeting(t, moment) + "\n\n" + body.replace("{", "{{").replace("}", "}}")


def checkin_message(t: Translator, name: str, moment: datetime) -> tuple[str, dict[str, Any]]:
    """Return (HTML text, reply markup) of a check-in reminder for one person."""
    return checkin_template(t, moment).format(name=esc(name)), checkin_keyboard(t)


async def _recipients(
    session: AsyncSession, period_code: str, since: datetime, today: date
) -> list[tuple[int, str, int, str | None]]:
    """Return (id, name, chat id, language) of everyone the check-in should reach.

    Active, linked, not blocked; with an approved target this semester; no active report
    since `since`; not paused for leave. One set-based query, however large the city.
    """
    # Uncorrelated IN / NOT IN subqueries: each runs once (SQLite builds one temporary index),
    # where correlated EXISTS let SQLite's planner probe `target` by status per employee
    # (25,000 x 25,000 rows: half a minute instead of a fraction of a second).
    with_target = select(Target.employee_id).where(
        Target.period == period_code, Target.status == "approved"
    )
    reported = select(ProgressReport.employee_id).where(
        ProgressReport.status == "active", col(ProgressReport.created_at) >= since
    )
    paused = select(CheckinPause.employee_id).where(col(CheckinPause.until) >= today)
    query = (
        select(Employee.id, Employee.name, Employee.telegram_user_id, Employee.language)
        .where(
            col(Employee.active).is_(True),
            col(Employee.telegram_user_id).is_not(None),
            col(Employee.blocked_at).is_(None),
            col(Employee.id).in_(with_target),
            col(Employee.id).not_in(reported),
            col(Employee.id).not_in(paused),
        )
        .order_by(col(Employee.id))
    )
    rows = (await session.exec(query)).all()
    return [(int(i), name, int(chat), lang) for i, name, chat, lang in rows if i and chat]


async def plan_checkins(
    sessions: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
) -> int:
    """Queue this week's check-in reminders as of `as_of`; return how many rows were added.

    Idempotent: reruns, a second replica or a restart add nothing (dedupe keys). Rows wait
    for working hours in the drainer, so a late run never wakes anyone at night.
    """
    if as_of.tzinfo is None:
        raise ValueError("plan_checkins needs an aware as_of")
    week = due_checkin(as_of, settings)
    if week is None:
        return 0
    today = as_of.astimezone(settings.tz).date()
    not_before = max(as_of, week.due).astimezone(UTC)
    now = as_of.astimezone(UTC)
    async with sessions() as session:
        people = await _recipients(
            session, period_of(today).code, now - timedelta(days=QUIET_DAYS), today
        )
        templates: dict[str | None, tuple[str, dict[str, Any]]] = {}

        def rows() -> Iterator[dict[str, Any]]:
            # Rendered a chunk at a time as enqueue_many inserts them: a whole city's texts
            # at once would be a few hundred megabytes.
            for employee_id, name, chat_id, lang in people:
                if lang not in templates:
                    t = i18n.for_language(lang)
                    templates[lang] = (checkin_template(t, not_before), checkin_keyboard(t))
                template, markup = templates[lang]
                yield outbox_queue.outbox_row(
                    dedupe_key=week.dedupe_key(employee_id),
                    kind=KIND_CHECKIN,
                    chat_id=chat_id,
                    text=template.format(name=esc(name)),
                    now=now,
                    employee_id=employee_id,
                    priority=outbox_queue.PRIORITY_REMINDER,
                    reply_markup=markup,
                    not_before=not_before,
                    working_hours_only=True,
                )

        added = await outbox_queue.enqueue_many(session, rows())
        await session.commit()
    return added


async def remind_later(
    session: AsyncSession, t: Translator, employee: Employee, now: datetime, settings: Settings
) -> datetime:
    """Queue one more check-in for the next working day at check-in time; return that moment.

    Pressing the button twice the same day queues nothing new (dedupe key per day).
    """
    if employee.id is None or employee.telegram_user_id is None:
        raise ValueError("remind_later needs a linked employee")
    day = workdays.next_working_day(now.astimezone(settings.tz).date(), include_today=False)
    moment = datetime.combine(day, settings.checkin_time, tzinfo=settings.tz)
    text, markup = checkin_message(t, employee.name, moment)
    await outbox_queue.enqueue(
        session,
        dedupe_key=f"checkin-later:{employee.id}:{day.isoformat()}",
        kind=KIND_LATER,
        chat_id=employee.telegram_user_id,
        text=text,
        now=now.astimezone(UTC),
        employee_id=employee.id,
        priority=outbox_queue.PRIORITY_REMINDER,
        reply_markup=markup,
        not_before=moment.astimezone(UTC),
        working_hours_only=True,
    )
    return moment


# --- pauses for leave ---------------------------------------------------------------------


class QuickPause(StrEnum):
    """The pause lengths offered as buttons."""

    ONE_WEEK = "w1"
    TWO_WEEKS = "w2"
    MONTH_END = "eom"


class DateProblem(StrEnum):
    """Why a typed pause date was refused."""

    UNREADABLE = "unreadable"
    NOT_FUTURE = "not_future"
    TOO_FAR = "too_far"


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_pause(today: date) -> date:
    """The furthest date reminders can be paused until."""
    return add_months(today, MAX_PAUSE_MONTHS)


def quick_pause_until(choice: str, today: date) -> date | None:
    """Return the last paused day for a button choice, or None for unknown data."""
    if choice == QuickPause.ONE_WEEK:
        return today + timedelta(days=7)
    if choice == QuickPause.TWO_WEEKS:
        return today + timedelta(days=14)
    if choice == QuickPause.MONTH_END:
        return date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    return None


def parse_pause_date(text: str, today: date) -> date | DateProblem:
    """Read a typed date such as 15-12-2026 or 15/12/2026 (day first), checking its range."""
    match = _TYPED_DATE.match(text[:40])
    if match is None:
        return DateProblem.UNREADABLE
    day, month, year = (int(g) for g in match.groups())
    try:
        until = date(year, month, day)
    except ValueError:
        return DateProblem.UNREADABLE
    if until <= today:
        return DateProblem.NOT_FUTURE
    if until > latest_pause(today):
        return DateProblem.TOO_FAR
    return until


def date_example(today: date) -> str:
    """A typing example two weeks ahead, in the day-month-year form we read."""
    return (today + timedelta(days=14)).strftime("%d-%m-%Y")


async def pause_reminders(
    session: AsyncSession, employee_id: int, until: date, now: datetime
) -> None:
    """Pause check-in reminders through `until` (inclusive) and drop reminders still queued."""
    pause = (
        await session.exec(select(CheckinPause).where(CheckinPause.employee_id == employee_id))
    ).first()
    if pause is None:
        session.add(CheckinPause(employee_id=employee_id, until=until, created_at=now))
    else:
        pause.until = until
        pause.created_at = now
        session.add(pause)
    await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.employee_id) == employee_id,
            col(OutboxMessage.status) == "pending",
            col(OutboxMessage.kind).in_([KIND_CHECKIN, KIND_LATER]),
        )
        .values(status="cancelled")
    )


async def resume_reminders(session: AsyncSession, employee_id: int, today: date) -> bool:
    """Switch reminders back on; return False when they were not paused (any more)."""
    pause = (
        await session.exec(select(CheckinPause).where(CheckinPause.employee_id == employee_id))
    ).first()
    if pause is None:
        return False
    await session.delete(pause)
    return pause.until >= today


async def paused_until(session: AsyncSession, employee_id: int, today: date) -> date | None:
    """Return the last paused day when reminders are paused today, else None."""
    pause = (
        await session.exec(
            select(CheckinPause).where(
                CheckinPause.employee_id == employee_id, col(CheckinPause.until) >= today
            )
        )
    ).first()
    return pause.until if pause is not None else None
