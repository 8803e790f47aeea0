"""HR answers a question, or closes it with a reason; a named asker is told either way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import audit
from bot.services.access import Speaker
from bot.services.questions.limits import MAX_ANSWER, MAX_REASON, MIN_REASON
from bot.services.questions.notices import tell_asker
from bot.services.questions.queries import (
    STATUS_ANSWERED,
    STATUS_CLOSED,
    STATUS_OPEN,
    asker_of,
    question_for_hr,
)
from bot.services.text_rules import TextProblem, check_text
from models import FaqEntry, Question
from models.db import SessionFactory


class HrResult(Enum):
    DONE = "done"
    NOT_FOUND = "not_found"  # missing, or outside the speaker's scope
    ALREADY = "already"  # answered or closed before
    NOT_ANSWERED = "not_answered"  # publishing needs an answer
    BAD_TEXT = "bad_text"


@dataclass
class HrOutcome:
    result: HrResult
    question: Question | None = None
    problem: TextProblem | None = None
    delivered: bool = False  # the named asker will receive it
    faq: FaqEntry | None = None
    extra: dict[str, object] = field(default_factory=dict)


def settle(
    session: AsyncSession,
    question: Question,
    speaker: Speaker,
    *,
    text: str,
    status: str,
    now: datetime,
    **details: str,
) -> None:
    """Record HR's answer (or closing reason) on a question, with its audit row."""
    question.answer = text
    question.answered_by_id = speaker.id
    question.answered_at = now
    question.status = status
    session.add(question)
    action = "question.answer" if status == STATUS_ANSWERED else "question.close"
    audit.record(
        session,
        action=action,
        at=now,
        actor_id=speaker.id,
        subject_id=question.asker_id,
        question_id=question.id,
        **details,
    )


async def answer(
    db: SessionFactory,
    i18n: I18n,
    *,
    speaker: Speaker,
    question_id: int,
    text: str,
    now: datetime,
) -> HrOutcome:
    """Save HR's answer and, for a named asker, queue it for them."""
    return await _settle_open(
        db, i18n, speaker, question_id, text.strip(), reason=None, limits=(1, MAX_ANSWER), now=now
    )


async def close(
    db: SessionFactory,
    i18n: I18n,
    *,
    speaker: Speaker,
    question_id: int,
    reason: str,
    now: datetime,
) -> HrOutcome:
    """Close an open question without answering (e.g. spam), recording the reason."""
    reason = reason.strip()
    return await _settle_open(
        db,
        i18n,
        speaker,
        question_id,
        reason,
        reason=reason,
        limits=(MIN_REASON, MAX_REASON),
        now=now,
    )


async def _settle_open(
    db: SessionFactory,
    i18n: I18n,
    speaker: Speaker,
    question_id: int,
    text: str,
    *,
    reason: str | None,
    limits: tuple[int, int],
    now: datetime,
) -> HrOutcome:
    """Answer an open question in the speaker's scope (or, with `reason`, close it)."""
    async with db() as session:
        question = await question_for_hr(session, speaker, question_id)
        if question is None:
            return HrOutcome(HrResult.NOT_FOUND)
        if question.status != STATUS_OPEN:
            return HrOutcome(HrResult.ALREADY, question=question)
        problem = check_text(text, minimum=limits[0], limit=limits[1])
        if problem is not None:
            return HrOutcome(HrResult.BAD_TEXT, question=question, problem=problem)
        if reason is None:
            settle(session, question, speaker, text=text, status=STATUS_ANSWERED, now=now)
        else:
            # The model has no separate column: a closed question's `answer` holds the reason.
            settle(
                session, question, speaker, text=text, status=STATUS_CLOSED, now=now, reason=reason
            )
        asker = await asker_of(session, question)
        delivered = await tell_asker(session, i18n, question, asker, reason=reason, now=now)
        await session.commit()
    return HrOutcome(HrResult.DONE, question=question, delivered=delivered)
