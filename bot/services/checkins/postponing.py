"""Postponing check-in reminders: "remind me tomorrow", and pauses for leave (cuti).

Each entry point acts on one employee, opens its own session and commits.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import Translator
from bot.services import workdays
from bot.services.checkins.notices import KIND_CHECKIN, KIND_LATER, checkin_message
from models import CheckinPause, Employee, OutboxMessage
from models.db import SessionFactory

MAX_PAUSE_MONTHS = 6
_TYPED_DATE = re.compile(r"^\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})\s*$")


async def remind_later(
    db: SessionFactory, t: Translator, employee: Employee, now: datetime, settings: Settings
) -> datetime:
    """Queue one more check-in for the next working day at check-in time; return that moment.

    Pressing the button twice the same day queues nothing new (dedupe key per day).
    """
    if employee.id is None or employee.telegram_user_id is None:
        raise ValueError("remind_later needs a linked employee")
    day = workdays.next_working_day(now.astimezone(settings.tz).date(), include_today=False)
    moment = datetime.combine(day, settings.checkin_time, tzinfo=settings.tz)
    text, markup = checkin_message(t, employee.name, moment)
    async with db() as session:
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
        await session.commit()
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


async def _pause_of(session: AsyncSession, employee_id: int) -> CheckinPause | None:
    query = select(CheckinPause).where(CheckinPause.employee_id == employee_id)
    return (await session.exec(query)).first()


async def pause_reminders(
    db: SessionFactory, employee_id: int, until: date, now: datetime
) -> None:
    """Pause check-in reminders through `until` (inclusive) and drop reminders still queued."""
    async with db() as session:
        pause = await _pause_of(session, employee_id)
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
        await session.commit()


async def resume_reminders(db: SessionFactory, employee_id: int, today: date) -> bool:
    """Switch reminders back on; return False when they were not paused (any more)."""
    async with db() as session:
        pause = await _pause_of(session, employee_id)
        if pause is None:
            return False
        await session.delete(pause)
        await session.commit()
    return pause.until >= today


async def paused_until(session: AsyncSession, employee_id: int, today: date) -> date | None:
    """In the caller's session: the last paused day when reminders are paused today, else None."""
    pause = (
        await session.exec(
            select(CheckinPause).where(
                CheckinPause.employee_id == employee_id, col(CheckinPause.until) >= today
            )
        )
    ).first()
    return pause.until if pause is not None else None
