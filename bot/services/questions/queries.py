"""Who handles which question, and the lists HR and askers read: the inbox, the answered and
closed questions, and an employee's own questions.

Anonymous questions carry no asker: what HR sees of one is its routing OPD, if the asker
chose to reveal it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker
from models import Employee, FaqEntry, Opd, Question
from models.db import SessionFactory

STATUS_OPEN = "open"
STATUS_ANSWERED = "answered"
STATUS_CLOSED = "closed"

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list newest first; `number` is the page shown (from 0)."""

    rows: list[T]
    total: int
    number: int
    size: int

    @property
    def count(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, (self.total + self.size - 1) // self.size)


async def paged(
    fetch: Callable[[int, int], Awaitable[tuple[list[T], int]]], number: int, size: int
) -> Page[T]:
    """Fetch page `number` (by offset and limit); a page past the end shows the first one."""
    number = max(0, number)
    rows, total = await fetch(number * size, size)
    if not rows and number > 0:
        number = 0
        rows, total = await fetch(0, size)
    return Page(rows, total, number, size)


@dataclass(frozen=True)
class Asker:
    """Who asked, as HR may see it."""

    anonymous: bool
    name: str | None = None  # a named asker's name; None once they are no longer on record
    opd: str = ""  # an anonymous question's OPD; '' when it went to BKPSDM


@dataclass(frozen=True)
class Listed:
    """A question with what HR may know of its asker."""

    question: Question
    asker: Asker

    @property
    def id(self) -> int:
        assert self.question.id is not None  # listed questions are saved ones
        return self.question.id


@dataclass(frozen=True)
class Settled:
    """A question opened from HR's list: who asked, who answered, whether it is in /faq."""

    question: Question
    asker: Asker
    officer: str | None  # who answered or closed it; None once no longer on record
    published: bool


# --- who handles which question ---


def may_handle(speaker: Speaker, question: Question) -> bool:
    """HR covering the question's OPD; questions for BKPSDM (opd_id NULL) need city-wide HR."""
    if question.opd_id is None:
        return speaker.is_city_wide_hr
    return speaker.hr_covers(question.opd_id)


def in_scope(speaker: Speaker) -> list[ColumnElement[bool]]:
    """WHERE conditions limiting questions to the speaker's HR scope."""
    if speaker.is_city_wide_hr:
        return []
    return [col(Question.opd_id).in_(sorted(speaker.scoped_opd_ids))]


async def question_for_hr(
    session: AsyncSession, speaker: Speaker, question_id: int
) -> Question | None:
    """The question when this speaker is HR in its scope, else None (crafted ids included)."""
    question = await session.get(Question, question_id)
    if question is None or not speaker.is_hr or not may_handle(speaker, question):
        return None
    return question


async def asker_of(session: AsyncSession, question: Question) -> Employee | None:
    """The named asker (None for anonymous questions)."""
    if question.anonymous or question.asker_id is None:
        return None
    return await session.get(Employee, question.asker_id)


async def opd_name(session: AsyncSession, opd_id: int | None) -> str:
    """The OPD's name, or '' when unknown."""
    opd = await session.get(Opd, opd_id) if opd_id is not None else None
    return opd.name if opd is not None else ""


async def visible_entry_of(session: AsyncSession, question_id: int) -> FaqEntry | None:
    """The question's visible FAQ entry, if it has one."""
    query = select(FaqEntry).where(
        FaqEntry.question_id == question_id, col(FaqEntry.hidden).is_(False)
    )
    return (await session.exec(query)).first()


async def _asker(session: AsyncSession, question: Question) -> Asker:
    """What HR may see of the asker: a name, or an anonymous question's OPD."""
    if question.anonymous:
        return Asker(anonymous=True, opd=await opd_name(session, question.opd_id))
    asker = await asker_of(session, question)
    return Asker(anonymous=False, name=asker.name if asker is not None else None)


async def _listed(session: AsyncSession, questions: list[Question]) -> list[Listed]:
    return [Listed(question, await _asker(session, question)) for question in questions]


async def _newest_first(
    session: AsyncSession,
    conditions: list[ColumnElement[bool]],
    offset: int,
    limit: int,
    newest: Any = Question.created_at,
) -> tuple[list[Question], int]:
    """One page of the questions matching `conditions`, newest first by `newest`, and how many
    there are in all."""
    total = (
        await session.exec(select(func.count()).select_from(Question).where(*conditions))
    ).one()
    rows = await session.exec(
        select(Question)
        .where(*conditions)
        .order_by(col(newest).desc(), col(Question.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all()), int(total)


# --- HR's lists ---


async def inbox_page(db: SessionFactory, speaker: Speaker, number: int, size: int) -> Page[Listed]:
    """Open questions in the speaker's HR scope, newest first."""
    open_in_scope = [col(Question.status) == STATUS_OPEN, *in_scope(speaker)]
    return await _hr_page(db, speaker, open_in_scope, number, size, Question.created_at)


async def settled_page(
    db: SessionFactory, speaker: Speaker, number: int, size: int
) -> Page[Listed]:
    """Answered or closed questions in the speaker's HR scope, newest answer first."""
    settled_in_scope = [
        col(Question.status).in_([STATUS_ANSWERED, STATUS_CLOSED]),
        *in_scope(speaker),
    ]
    return await _hr_page(db, speaker, settled_in_scope, number, size, Question.answered_at)


async def _hr_page(
    db: SessionFactory,
    speaker: Speaker,
    conditions: list[ColumnElement[bool]],
    number: int,
    size: int,
    newest: Any,
) -> Page[Listed]:
    """A page of HR's questions with their askers; nobody else sees any."""
    async with db() as session:

        async def fetch(offset: int, limit: int) -> tuple[list[Question], int]:
            if not speaker.is_hr:
                return [], 0
            return await _newest_first(session, conditions, offset, limit, newest)

        page = await paged(fetch, number, size)
        return Page(await _listed(session, page.rows), page.total, page.number, size)


async def to_handle(db: SessionFactory, speaker: Speaker, question_id: int) -> Listed | None:
    """A question this HR officer may answer, close or publish, with its asker; else None."""
    async with db() as session:
        question = await question_for_hr(session, speaker, question_id)
        if question is None or question.id is None:
            return None
        return Listed(question, await _asker(session, question))


async def settled_question(
    db: SessionFactory, speaker: Speaker, question_id: int
) -> Settled | None:
    """A question opened from HR's lists: asker, who answered, and whether it is in /faq."""
    async with db() as session:
        question = await question_for_hr(session, speaker, question_id)
        if question is None or question.id is None:
            return None
        officer = (
            await session.get(Employee, question.answered_by_id)
            if question.answered_by_id is not None
            else None
        )
        return Settled(
            question=question,
            asker=await _asker(session, question),
            officer=officer.name if officer is not None else None,
            published=await visible_entry_of(session, question.id) is not None,
        )


# --- an employee's own questions ---


async def own_questions_page(
    db: SessionFactory, speaker: Speaker, number: int, size: int
) -> Page[Question]:
    """The speaker's named questions, newest first (anonymous ones have no link to anyone)."""
    mine: list[ColumnElement[bool]] = [
        col(Question.asker_id) == speaker.id,
        col(Question.anonymous).is_(False),
    ]
    async with db() as session:
        return await paged(
            lambda offset, limit: _newest_first(session, mine, offset, limit), number, size
        )


async def own_question(db: SessionFactory, speaker: Speaker, question_id: int) -> Question | None:
    """The question when the speaker asked it with their name, else None (crafted ids included)."""
    async with db() as session:
        question = await session.get(Question, question_id)
    if question is None or question.anonymous or question.asker_id != speaker.id:
        return None
    return question
