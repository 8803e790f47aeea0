"""HR's correction of a final evaluation: only HR covering the employee's OPD, always with a
reason, recorded (before/after and audit), and told to the employee and the evaluator."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import audit
from bot.services.access import Speaker
from bot.services.evaluation.lookups import employee_by_nip
from bot.services.evaluation.notices import notify_correction
from bot.services.evaluation.predikat import RATINGS, predikat
from bot.services.evaluation.problems import MAX_REASON, Problem, typed_text_problem
from models import Employee, Evaluation, EvaluationCorrection
from models.db import SessionFactory


@dataclass(frozen=True)
class CorrectionCase:
    """The employee HR typed the NIP of and their latest final evaluation (None: none yet)."""

    problem: Problem | None
    employee: Employee | None = None
    evaluation: Evaluation | None = None


async def correction_case(db: SessionFactory, speaker: Speaker, typed_nip: str) -> CorrectionCase:
    """Find what HR would correct: NOT_FOUND for an unknown NIP, NOT_HR outside the scope."""
    async with db() as session:
        employee = await employee_by_nip(session, typed_nip)
        if employee is None or employee.id is None:
            return CorrectionCase(Problem.NOT_FOUND)
        if not speaker.hr_covers(employee.opd_id):
            return CorrectionCase(Problem.NOT_HR, employee)
        return CorrectionCase(None, employee, await _latest_evaluation(session, employee.id))


async def _latest_evaluation(session: AsyncSession, employee_id: int) -> Evaluation | None:
    """Return the employee's most recent final evaluation (what HR corrects), if any."""
    query = (
        select(Evaluation)
        .where(Evaluation.employee_id == employee_id)
        .order_by(col(Evaluation.period).desc())
    )
    return (await session.exec(query)).first()


def _snapshot(evaluation: Evaluation) -> dict[str, str]:
    """Return the fields a correction changes, for before/after."""
    return {
        "hasil_kerja": evaluation.hasil_kerja,
        "perilaku_kerja": evaluation.perilaku_kerja,
        "predikat": evaluation.predikat,
    }


async def correct(
    db: SessionFactory,
    i18n: I18n,
    speaker: Speaker,
    evaluation_id: int,
    hasil_kerja: str,
    perilaku_kerja: str,
    reason: str,
    now: datetime,
) -> tuple[Problem | None, Evaluation | None]:
    """Correct a final evaluation (HR in scope, with a reason); tell employee and evaluator."""
    reason = reason.strip()
    async with db() as session:
        evaluation = await session.get(Evaluation, evaluation_id)
        if evaluation is None:
            return Problem.NOT_FOUND, None
        employee = await session.get(Employee, evaluation.employee_id)
        if employee is None or not speaker.hr_covers(employee.opd_id):
            return Problem.NOT_HR, None
        if hasil_kerja not in RATINGS or perilaku_kerja not in RATINGS:
            return Problem.BAD_RATING, None
        problem = typed_text_problem(reason, MAX_REASON)
        if problem is not None:
            return problem, None
        before = _snapshot(evaluation)
        evaluation.hasil_kerja = hasil_kerja
        evaluation.perilaku_kerja = perilaku_kerja
        evaluation.predikat = predikat(hasil_kerja, perilaku_kerja)
        evaluation.version += 1
        after = _snapshot(evaluation)
        session.add(evaluation)
        assert evaluation.id is not None
        session.add(
            EvaluationCorrection(
                evaluation_id=evaluation.id,
                hr_id=speaker.id,
                reason=reason,
                before=json.dumps(before),
                after=json.dumps(after),
                at=now,
            )
        )
        audit.record(
            session, action="evaluation.correct", at=now, actor_id=speaker.id,
            subject_id=employee.id, evaluation_id=evaluation.id, before=before, after=after,
            reason=reason,
        )  # fmt: skip
        await notify_correction(
            session, i18n, evaluation, employee, before["predikat"], reason, now
        )
        await session.commit()
    return None, evaluation
