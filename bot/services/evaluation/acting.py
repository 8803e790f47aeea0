"""The acting evaluator (Plt) HR assigns for one employee and semester, with a reason."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.services import audit
from bot.services.access import Speaker
from bot.services.evaluation.problems import MAX_REASON, Problem, typed_text_problem
from models import ActingEvaluator, Employee
from models.db import SessionFactory


async def assign_acting(
    db: SessionFactory,
    speaker: Speaker,
    employee_id: int,
    evaluator_id: int,
    period: str,
    reason: str,
    now: datetime,
) -> Problem | None:
    """Assign a Plt evaluator for one employee and semester, with a reason (audited)."""
    reason = reason.strip()
    async with db() as session:
        employee = await session.get(Employee, employee_id)
        evaluator = await session.get(Employee, evaluator_id)
        if employee is None or evaluator is None:
            return Problem.NOT_FOUND
        if not speaker.hr_covers(employee.opd_id):
            return Problem.NOT_HR
        problem = typed_text_problem(reason, MAX_REASON)
        if problem is not None:
            return problem
        if evaluator.id == employee.id or not evaluator.active:
            return Problem.NOT_EVALUATOR
        row = (
            await session.exec(
                select(ActingEvaluator).where(
                    ActingEvaluator.employee_id == employee_id, ActingEvaluator.period == period
                )
            )
        ).first()
        if row is None:
            row = ActingEvaluator(
                period=period,
                employee_id=employee_id,
                evaluator_id=evaluator_id,
                assigned_by_id=speaker.id,
                reason=reason,
                at=now,
            )
        else:
            row.evaluator_id, row.assigned_by_id, row.reason, row.at = (
                evaluator_id, speaker.id, reason, now,
            )  # fmt: skip
        session.add(row)
        audit.record(
            session, action="evaluation.acting", at=now, actor_id=speaker.id,
            subject_id=employee_id, evaluator_id=evaluator_id, period=period, reason=reason,
        )  # fmt: skip
        await session.commit()
    return None
