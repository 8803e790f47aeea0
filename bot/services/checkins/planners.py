"""The weekly check-in planner: who is reminded, and when the check-in is due.

The check-in is due on settings.checkin_weekday at settings.checkin_time (WIB); when that day
is a weekend, a public holiday or cuti bersama it moves to the next working day. The planner
is a pure, idempotent function of (database, as_of): every row carries the dedupe key
``checkin:<ISO year>-W<ISO week>:emp:<id>`` of the week the check-in nominally belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import I18n
from bot.services import workdays
from bot.services.checkins.notices import KIND_CHECKIN, checkin_keyboard, checkin_template
from bot.services.periods import period_of
from bot.services.targets.vocabulary import REPORT_ACTIVE, STATUS_APPROVED
from bot.text import esc
from models import CheckinPause, Employee, ProgressReport, Target
from models.db import SessionFactory

QUIET_DAYS = 7  # someone who reported within this many days is not reminded
# A due moment can move by a long holiday (Lebaran + cuti bersama); look this many weeks back.
_WEEKS_BACK = 3


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
        Target.period == period_code, Target.status == STATUS_APPROVED
    )
    reported = select(ProgressReport.employee_id).where(
        ProgressReport.status == REPORT_ACTIVE, col(ProgressReport.created_at) >= since
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
    db: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
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
    async with db() as session:
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
