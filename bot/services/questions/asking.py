"""Asking HR a question, with the asker's name or anonymously.

Anonymous means the database keeps no link to the asker: the Question row has asker_id NULL,
no audit row names the asker, and the outbox notices to HR carry neither their name nor their
ids. Only the routing OPD is kept, and only when the asker chose "HR of my OPD". Every HR
officer covering the question is notified, the asker included when they are one: leaving them
out would name them to whoever reads the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services.access import ROLE_HR, hr_officers_for, hr_scope_of
from bot.services.questions.limits import MAX_QUESTION, MIN_QUESTION, AnonymousTally, left_today
from bot.services.questions.notices import tell_hr
from bot.services.questions.queries import opd_name
from bot.services.text_rules import TextProblem, check_text
from models import Employee, Question
from models.db import SessionFactory


class AskResult(Enum):
    ASKED = "asked"
    LIMIT = "limit"
    BAD_TEXT = "bad_text"


@dataclass
class AskOutcome:
    result: AskResult
    question: Question | None = None
    problem: TextProblem | None = None
    notified: int = 0  # HR officers who will receive the notice


async def city_hr_officers(session: AsyncSession) -> list[Employee]:
    """Linked, active city-wide HR officers (BKPSDM or scope 'kota')."""
    query = select(Employee).where(
        col(Employee.roles).contains(ROLE_HR),
        col(Employee.telegram_user_id).is_not(None),
        col(Employee.active).is_(True),
    )
    officers: list[Employee] = []
    for officer in (await session.exec(query)).all():
        if ROLE_HR in officer.role_set and await hr_scope_of(session, officer) is None:
            officers.append(officer)
    return officers


async def officers_for(session: AsyncSession, opd_id: int | None) -> list[Employee]:
    """HR officers who should hear about a question routed to this OPD (None = city-wide)."""
    if opd_id is None:
        return await city_hr_officers(session)
    return await hr_officers_for(session, opd_id)


async def ask(
    db: SessionFactory,
    i18n: I18n,
    *,
    tally: AnonymousTally,
    asker: Employee,
    text: str,
    anonymous: bool,
    to_own_opd: bool,
    now: datetime,
) -> AskOutcome:
    """Save a question (counted against today's limit) and queue a notice for the right HR.

    `now` is in the bot's time zone: its date is the day the limit counts.
    """
    assert asker.id is not None
    text = text.strip()
    problem = check_text(text, minimum=MIN_QUESTION, limit=MAX_QUESTION)
    if problem is not None:
        return AskOutcome(AskResult.BAD_TEXT, problem=problem)
    async with db() as session:
        if await left_today(session, tally, asker.id, now) <= 0:
            return AskOutcome(AskResult.LIMIT)
        question = await _save(session, asker, text, anonymous, to_own_opd, now)
        if anonymous:
            tally.add(asker.id, now.date())
        notified = await tell_hr(
            session,
            i18n,
            question,
            asker=None if anonymous else asker,
            officers=await officers_for(session, question.opd_id),
            opd=await opd_name(session, question.opd_id),
            asker_opd="" if anonymous else await opd_name(session, asker.opd_id),
            now=now,
        )
        await session.commit()
    return AskOutcome(AskResult.ASKED, question=question, notified=notified)


async def _save(
    session: AsyncSession,
    asker: Employee,
    text: str,
    anonymous: bool,
    to_own_opd: bool,
    now: datetime,
) -> Question:
    """Add the question; an anonymous one keeps no asker, and its OPD only when chosen."""
    if anonymous:
        question = Question(
            asker_id=None,
            opd_id=asker.opd_id if to_own_opd else None,
            anonymous=True,
            text=text,
            created_at=now,
        )
    else:
        question = Question(
            asker_id=asker.id, opd_id=asker.opd_id, anonymous=False, text=text, created_at=now
        )
    session.add(question)
    await session.flush()
    assert question.id is not None
    return question
