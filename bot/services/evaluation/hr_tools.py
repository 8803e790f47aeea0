"""HR side of the evaluation: org ratings, Plt assignments, corrections, the OPD's spread.

Every action is limited to HR covering the OPD concerned (access.Speaker.hr_covers) and is
recorded in the audit trail.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services import audit
from bot.services.access import Speaker
from bot.services.evaluation import MAX_REASON, Problem, period_name
from bot.services.evaluation import curve as distribution
from bot.services.evaluation import predikat as scoring
from bot.services.evaluation.curve import Deviation
from bot.services.nip import normalize_nip
from bot.services.periods import parse_period
from bot.text import esc, fit_fields
from models import ActingEvaluator, Employee, Evaluation, EvaluationCorrection, Opd, OrgRating


async def opd_by_code(session: AsyncSession, code: str) -> Opd | None:
    """Find an OPD by its code (case-insensitive)."""
    code = code.strip().upper()
    if not code or len(code) > 32:
        return None
    return (await session.exec(select(Opd).where(Opd.code == code))).first()


async def employee_by_nip(session: AsyncSession, typed: str) -> Employee | None:
    """Find an active employee by a typed NIP (spaces and dots ignored)."""
    nip = normalize_nip(typed)
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        return None
    query = select(Employee).where(Employee.nip == nip, col(Employee.active).is_(True))
    return (await session.exec(query)).first()


async def set_org_rating(
    session: AsyncSession, speaker: Speaker, opd_id: int, period: str, rating: str, now: datetime
) -> Problem | None:
    """Set (or change) an OPD's organisation rating for a semester; HR in scope only."""
    if not speaker.hr_covers(opd_id):
        return Problem.NOT_HR
    if rating not in distribution.ORG_RATINGS:
        return Problem.BAD_RATING
    row = (
        await session.exec(
            select(OrgRating).where(OrgRating.opd_id == opd_id, OrgRating.period == period)
        )
    ).first()
    before = row.rating if row is not None else ""
    if row is None:
        row = OrgRating(period=period, opd_id=opd_id, rating=rating, set_by_id=speaker.id, at=now)
    else:
        row.rating, row.set_by_id, row.at = rating, speaker.id, now
    session.add(row)
    audit.record(
        session, action="evaluation.org_rating", at=now, actor_id=speaker.id,
        opd_id=opd_id, period=period, before=before, after=rating,
    )  # fmt: skip
    return None


async def org_rating_of(session: AsyncSession, opd_id: int, period: str) -> str | None:
    """Return an OPD's organisation rating for a semester, if HR set one."""
    query = select(OrgRating.rating).where(OrgRating.opd_id == opd_id, OrgRating.period == period)
    return (await session.exec(query)).first()


@dataclass(frozen=True)
class Spread:
    """An OPD's predikat counts for a semester, its org rating and the curve deviations."""

    opd: Opd
    counts: dict[str, int]
    org_rating: str | None
    deviations: list[Deviation]

    @property
    def total(self) -> int:
        """Return how many final evaluations were counted."""
        return sum(self.counts.values())


async def opd_spread(session: AsyncSession, opd: Opd, period: str) -> Spread:
    """Count final predikats of the OPD's staff and check them against the curve."""
    query = (
        select(Evaluation.predikat)
        .join(Employee, col(Employee.id) == col(Evaluation.employee_id))
        .where(Evaluation.period == period, Employee.opd_id == opd.id)
    )
    tally = Counter((await session.exec(query)).all())
    counts = {p: tally.get(p, 0) for p in scoring.PREDIKATS}
    assert opd.id is not None
    rating = await org_rating_of(session, opd.id, period)
    deviations = distribution.check_distribution(rating, counts) if rating else []
    return Spread(opd, counts, rating, deviations)


async def assign_acting(
    session: AsyncSession,
    speaker: Speaker,
    employee: Employee,
    evaluator: Employee,
    period: str,
    reason: str,
    now: datetime,
) -> Problem | None:
    """Assign a Plt evaluator for one employee and semester, with a reason (audited)."""
    reason = reason.strip()
    if not speaker.hr_covers(employee.opd_id):
        return Problem.NOT_HR
    if not reason:
        return Problem.EMPTY
    if len(reason) > MAX_REASON:
        return Problem.TOO_LONG
    if evaluator.id == employee.id or not evaluator.active:
        return Problem.NOT_EVALUATOR
    row = (
        await session.exec(
            select(ActingEvaluator).where(
                ActingEvaluator.employee_id == employee.id, ActingEvaluator.period == period
            )
        )
    ).first()
    assert employee.id is not None
    assert evaluator.id is not None
    if row is None:
        row = ActingEvaluator(
            period=period,
            employee_id=employee.id,
            evaluator_id=evaluator.id,
            assigned_by_id=speaker.id,
            reason=reason,
            at=now,
        )
    else:
        row.evaluator_id, row.assigned_by_id, row.reason, row.at = (
            evaluator.id, speaker.id, reason, now,
        )  # fmt: skip
    session.add(row)
    audit.record(
        session, action="evaluation.acting", at=now, actor_id=speaker.id,
        subject_id=employee.id, evaluator_id=evaluator.id, period=period, reason=reason,
    )  # fmt: skip
    return None


def _snapshot(evaluation: Evaluation) -> dict[str, str]:
    """Return the fields a correction changes, for before/after."""
    return {
        "hasil_kerja": evaluation.hasil_kerja,
        "perilaku_kerja": evaluation.perilaku_kerja,
        "predikat": evaluation.predikat,
    }


def correction_text(
    t: Translator, evaluation: Evaluation, employee: Employee, before: str, reason: str
) -> str:
    """Tell the employee and the evaluator that HR corrected an evaluation, and why."""
    _ = t._

    def render(fields: Mapping[str, str]) -> str:
        return "\n".join(
            [
                _("<b>An evaluation was corrected by HR</b>"),
                _("Employee: {name}, {period}").format(
                    name=esc(fields["name"]), period=period_name(parse_period(evaluation.period))
                ),
                _("Predikat before: {before}").format(before=_(scoring.PREDIKAT_LABELS[before])),
                _("Predikat now: {after}").format(
                    after=_(scoring.PREDIKAT_LABELS[evaluation.predikat])
                ),
                _("Reason: {reason}").format(reason=esc(fields["reason"])),
            ]
        )

    fields = {"name": employee.name, "reason": reason}
    return fit_fields(render, fields, note=_(outbox_queue.SHORTENED)).text


async def correct(
    session: AsyncSession,
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
    evaluation = await session.get(Evaluation, evaluation_id)
    if evaluation is None:
        return Problem.NOT_FOUND, None
    employee = await session.get(Employee, evaluation.employee_id)
    if employee is None or not speaker.hr_covers(employee.opd_id):
        return Problem.NOT_HR, None
    if hasil_kerja not in scoring.RATINGS or perilaku_kerja not in scoring.RATINGS:
        return Problem.BAD_RATING, None
    if not reason:
        return Problem.EMPTY, None
    if len(reason) > MAX_REASON:
        return Problem.TOO_LONG, None
    before = _snapshot(evaluation)
    evaluation.hasil_kerja = hasil_kerja
    evaluation.perilaku_kerja = perilaku_kerja
    evaluation.predikat = scoring.predikat(hasil_kerja, perilaku_kerja)
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
    evaluator = await session.get(Employee, evaluation.evaluator_id)
    for person in (employee, evaluator):
        if person is None or person.telegram_user_id is None:
            continue
        t = i18n.for_language(person.language)
        await outbox_queue.enqueue(
            session,
            dedupe_key=f"evaluation-correct:{evaluation.id}:v{evaluation.version}:{person.id}",
            kind="evaluation-correction",
            chat_id=person.telegram_user_id,
            employee_id=person.id,
            text=correction_text(t, evaluation, employee, before["predikat"], reason),
            now=now,
        )
    return None, evaluation
