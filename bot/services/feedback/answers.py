"""The employee's answer to feedback: "Thank you" once, and one reply; the leader hears both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services.feedback.notices import tell_leader
from bot.services.feedback.values import MAX_REPLY
from bot.services.text_rules import TextProblem, check_text
from models import Feedback
from models.db import SessionFactory


class AnswerResult(Enum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no such feedback, or it is someone else's
    ALREADY = "already"
    BAD_TEXT = "bad_text"


@dataclass
class AnswerOutcome:
    result: AnswerResult
    feedback: Feedback | None = None
    problem: TextProblem | None = None


async def _own_feedback(
    session: AsyncSession, employee_id: int, feedback_id: int
) -> Feedback | None:
    """The feedback when it was given to this employee, else None (crafted ids included)."""
    feedback = await session.get(Feedback, feedback_id)
    if feedback is None or feedback.employee_id != employee_id:
        return None
    return feedback


async def _may_reply(session: AsyncSession, employee_id: int, feedback_id: int) -> AnswerOutcome:
    feedback = await _own_feedback(session, employee_id, feedback_id)
    if feedback is None:
        return AnswerOutcome(AnswerResult.NOT_FOUND)
    if feedback.replied_at is not None:
        return AnswerOutcome(AnswerResult.ALREADY, feedback)
    return AnswerOutcome(AnswerResult.DONE, feedback)


async def acknowledge(
    db: SessionFactory, i18n: I18n, *, employee_id: int, feedback_id: int, now: datetime
) -> AnswerOutcome:
    """Mark feedback as read and appreciated ("Terima kasih"), once; tell the leader."""
    async with db() as session:
        feedback = await _own_feedback(session, employee_id, feedback_id)
        if feedback is None:
            return AnswerOutcome(AnswerResult.NOT_FOUND)
        if feedback.acknowledged_at is not None:
            return AnswerOutcome(AnswerResult.ALREADY, feedback)
        feedback.acknowledged_at = now
        session.add(feedback)
        await tell_leader(session, i18n, feedback, what="ack", now=now)
        await session.commit()
    return AnswerOutcome(AnswerResult.DONE, feedback)


async def may_reply(db: SessionFactory, employee_id: int, feedback_id: int) -> AnswerOutcome:
    """Say whether the employee may still reply to this feedback (checked before asking)."""
    async with db() as session:
        return await _may_reply(session, employee_id, feedback_id)


async def reply_to(
    db: SessionFactory,
    i18n: I18n,
    *,
    employee_id: int,
    feedback_id: int,
    text: str,
    now: datetime,
) -> AnswerOutcome:
    """Save the employee's one reply (at most MAX_REPLY characters); tell the leader."""
    async with db() as session:
        outcome = await _may_reply(session, employee_id, feedback_id)
        if outcome.result is not AnswerResult.DONE or outcome.feedback is None:
            return outcome
        problem = check_text(text, minimum=1, limit=MAX_REPLY)
        if problem is not None:
            return AnswerOutcome(AnswerResult.BAD_TEXT, outcome.feedback, problem)
        feedback = outcome.feedback
        feedback.reply = text.strip()
        feedback.replied_at = now
        session.add(feedback)
        await tell_leader(session, i18n, feedback, what="reply", now=now)
        await session.commit()
    return AnswerOutcome(AnswerResult.DONE, feedback)
