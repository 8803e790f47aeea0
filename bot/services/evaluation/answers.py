"""The employee's answer to their final evaluation: Accept, or one objection for HR."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import audit
from bot.services.access import Speaker
from bot.services.evaluation.notices import notify_hr_of_objection
from bot.services.evaluation.problems import MAX_OBJECTION, Problem, typed_text_problem
from models import Evaluation
from models.db import SessionFactory


async def _own_evaluation(
    session: AsyncSession, speaker: Speaker, evaluation_id: int
) -> tuple[Problem | None, Evaluation | None]:
    """Return the speaker's own evaluation by id, or NOT_OWNER (crafted ids)."""
    evaluation = await session.get(Evaluation, evaluation_id)
    if evaluation is None or evaluation.employee_id != speaker.id:
        return Problem.NOT_OWNER, None
    return None, evaluation


async def _objectable(
    session: AsyncSession, speaker: Speaker, evaluation_id: int
) -> tuple[Problem | None, Evaluation | None]:
    """Return the speaker's own evaluation if not objected to before, else the problem."""
    problem, evaluation = await _own_evaluation(session, speaker, evaluation_id)
    if evaluation is not None and evaluation.objection_at is not None:
        return Problem.ALREADY, None
    return problem, evaluation


async def acknowledge(
    db: SessionFactory, speaker: Speaker, evaluation_id: int, now: datetime
) -> Problem | None:
    """Record that the employee accepted the result (idempotent)."""
    async with db() as session:
        problem, evaluation = await _own_evaluation(session, speaker, evaluation_id)
        if evaluation is None:
            return problem
        if evaluation.acknowledged_at is None:
            evaluation.acknowledged_at = now
            session.add(evaluation)
            audit.record(
                session, action="evaluation.acknowledge", at=now, actor_id=speaker.id,
                subject_id=speaker.id, evaluation_id=evaluation_id,
            )  # fmt: skip
            await session.commit()
    return None


async def may_object(db: SessionFactory, speaker: Speaker, evaluation_id: int) -> Problem | None:
    """Say whether the speaker may object to this evaluation (own, not objected before)."""
    async with db() as session:
        problem, _evaluation = await _objectable(session, speaker, evaluation_id)
    return problem


async def object_to(
    db: SessionFactory,
    i18n: I18n,
    speaker: Speaker,
    evaluation_id: int,
    text: str,
    now: datetime,
) -> tuple[Problem | None, int]:
    """Store the employee's objection and queue it for HR in scope; return (problem, HR told)."""
    text = text.strip()
    problem = typed_text_problem(text, MAX_OBJECTION)
    if problem is not None:
        return problem, 0
    async with db() as session:
        problem, evaluation = await _objectable(session, speaker, evaluation_id)
        if evaluation is None:
            return problem, 0
        evaluation.objection = text
        evaluation.objection_at = now
        session.add(evaluation)
        audit.record(
            session, action="evaluation.objection", at=now, actor_id=speaker.id,
            subject_id=speaker.id, evaluation_id=evaluation_id,
        )  # fmt: skip
        told = await notify_hr_of_objection(session, i18n, evaluation, speaker.employee, now)
        await session.commit()
    return None, told
