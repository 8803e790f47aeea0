"""The numbers of questions: how long each text may be, and how many questions a day.

The daily limit (DAILY_LIMIT questions per employee, named and anonymous together) is counted
without any row that ties an anonymous question to a person; see AnonymousTally.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Question
from models.db import SessionFactory

DAILY_LIMIT = 5
MIN_QUESTION = 10
MAX_QUESTION = 2000
MAX_ANSWER = 3000
MIN_REASON = 3
MAX_REASON = 500
QUOTE_CHARS = 600  # how much of the question an answer (notice or screen) repeats


class AnonymousTally:
    """How many anonymous questions each employee asked today, in this process's memory only.

    Why not a table: a count the bot can find again from an employee's id can be found by
    whoever holds the same inputs. A row per person (even under an HMAC of the id and the day
    with a secret derived from the bot token) names who asked anonymously today to anyone with
    the token and the database, and its insertion order (ids, or the rows' physical order)
    matches the order of the questions, which names the question. A counter that lives only
    here leaves nothing behind. Named questions need no counter: they are counted by their
    asker_id. Past days are dropped as soon as a new day is counted.

    The price, accepted: a restart (a deploy, a crash, or the standby taking over) forgets
    today's anonymous counts, so after one an employee may ask up to DAILY_LIMIT more
    anonymous questions that day. Restarts are rare and the limit only guards against floods.
    """

    def __init__(self) -> None:
        self._day: date | None = None
        self._counts: dict[int, int] = {}

    def _move_to(self, day: date) -> None:
        """A later day starts empty: the earlier day's counts are dropped, not kept."""
        if self._day is None or day > self._day:
            self._day, self._counts = day, {}

    def count(self, employee_id: int, day: date) -> int:
        """Anonymous questions this employee asked on `day` (0 for a day already dropped)."""
        self._move_to(day)
        return self._counts.get(employee_id, 0) if day == self._day else 0

    def add(self, employee_id: int, day: date) -> None:
        self._move_to(day)
        if day == self._day:
            self._counts[employee_id] = self._counts.get(employee_id, 0) + 1

    def __len__(self) -> int:
        """Employees counted today."""
        return len(self._counts)


def start_of_day(now: datetime) -> datetime:
    """Midnight of `now`'s own day, in `now`'s time zone (the bot's: WIB)."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


async def named_today(session: AsyncSession, employee_id: int, now: datetime) -> int:
    """Questions this employee asked with their name since midnight (bot time)."""
    query = (
        select(func.count())
        .select_from(Question)
        .where(
            col(Question.asker_id) == employee_id,
            col(Question.created_at) >= start_of_day(now),
        )
    )
    return int((await session.exec(query)).one())


async def left_today(
    session: AsyncSession, tally: AnonymousTally, employee_id: int, now: datetime
) -> int:
    """How many more questions this employee may ask today, in the caller's session."""
    asked = await named_today(session, employee_id, now) + tally.count(employee_id, now.date())
    return max(0, DAILY_LIMIT - asked)


async def questions_left(
    db: SessionFactory, tally: AnonymousTally, employee_id: int, now: datetime
) -> int:
    """How many more questions this employee may ask today (`now` in bot time: WIB)."""
    async with db() as session:
        return await left_today(session, tally, employee_id, now)
