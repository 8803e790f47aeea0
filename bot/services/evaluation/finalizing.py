"""The evaluator's decision: check the chosen ratings, write the final evaluation, tell the
employee, and look at the OPD's predikat spread for a gentle note.

Rules: only the evaluator (direct supervisor, or the Plt assigned by HR) evaluates, only
from the day the window opens (late evaluations are accepted and marked, see window); an
employee is evaluated once; a screen built on data that changed since (targets, reports, or
an evaluation saved meanwhile) is refused as stale. Final evaluations never change here; HR
corrects them (correction).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.i18n import I18n
from bot.services import audit
from bot.services.access import Speaker
from bot.services.evaluation.notices import notify_employee
from bot.services.evaluation.predikat import BERAKHLAK, RATINGS, predikat
from bot.services.evaluation.problems import MAX_COMMENT, MAX_NOTE, Problem
from bot.services.evaluation.spread import Spread, count_spread
from bot.services.evaluation.summary import fingerprint
from bot.services.evaluation.window import LATE, check_may_evaluate
from models import Evaluation, Opd
from models.db import SessionFactory


@dataclass
class Draft:
    """What the evaluator chose on the screen (lives in user_data as plain values)."""

    employee_id: int
    period: str
    fingerprint: str
    hasil_kerja: str
    perilaku_kerja: str
    suggested: str = ""
    notes: dict[str, str] = field(default_factory=dict)
    comment: str = ""


@dataclass(frozen=True)
class Saved:
    """The outcome of finalize: the evaluation and the OPD's spread so far, or the problem."""

    problem: Problem | None
    evaluation: Evaluation | None = None
    late: bool = False
    opens_at: datetime | None = None
    spread: Spread | None = None


def validate_draft(draft: Draft) -> Problem | None:
    """Check ratings, BerAKHLAK keys and lengths of a draft."""
    if draft.hasil_kerja not in RATINGS or draft.perilaku_kerja not in RATINGS:
        return Problem.BAD_RATING
    if any(k not in BERAKHLAK for k in draft.notes):
        return Problem.BAD_RATING
    if len(draft.comment) > MAX_COMMENT or any(len(v) > MAX_NOTE for v in draft.notes.values()):
        return Problem.TOO_LONG
    return None


def _evaluation_of(draft: Draft, speaker: Speaker, now: datetime) -> Evaluation:
    """The final evaluation the evaluator's (valid) draft becomes."""
    return Evaluation(
        period=draft.period,
        employee_id=draft.employee_id,
        evaluator_id=speaker.id,
        hasil_kerja=draft.hasil_kerja,
        perilaku_kerja=draft.perilaku_kerja,
        predikat=predikat(draft.hasil_kerja, draft.perilaku_kerja),
        suggested_hasil_kerja=draft.suggested if draft.suggested in RATINGS else "",
        behaviour_notes=json.dumps(draft.notes, ensure_ascii=False, sort_keys=True),
        comment=draft.comment.strip(),
        finalized_at=now,
    )


async def finalize(
    db: SessionFactory,
    i18n: I18n,
    speaker: Speaker,
    draft: Draft,
    now: datetime,
    settings: Settings,
) -> Saved:
    """Write the final, immutable evaluation (+ audit) and tell the employee via the outbox.

    Once saved, the spread of the employee's OPD is counted with it, for the curve note.
    """
    problem = validate_draft(draft)
    if problem is not None:
        return Saved(problem)
    async with db() as session:
        allowed = await check_may_evaluate(session, speaker, draft.employee_id, now, settings)
        if allowed.problem is not None:
            return Saved(allowed.problem, opens_at=allowed.opens_at)
        assert allowed.period is not None
        assert allowed.employee is not None
        if allowed.period.code != draft.period:
            return Saved(Problem.STALE)
        if await fingerprint(session, draft.employee_id, draft.period) != draft.fingerprint:
            return Saved(Problem.STALE)
        evaluation = _evaluation_of(draft, speaker, now)
        late = allowed.state == LATE
        session.add(evaluation)
        try:
            await session.flush()
        except IntegrityError:  # another evaluator's save won the race
            await session.rollback()
            return Saved(Problem.ALREADY)
        assert evaluation.id is not None
        audit.record(
            session,
            action="evaluation.finalize",
            at=now,
            actor_id=speaker.id,
            subject_id=draft.employee_id,
            evaluation_id=evaluation.id,
            period=draft.period,
            hasil_kerja=draft.hasil_kerja,
            perilaku_kerja=draft.perilaku_kerja,
            predikat=evaluation.predikat,
            suggested=evaluation.suggested_hasil_kerja,
            late=late,
        )
        await notify_employee(session, i18n, allowed.employee, evaluation, speaker.employee, now)
        await session.commit()
        opd = await session.get(Opd, allowed.employee.opd_id)
        spread = await count_spread(session, opd, draft.period) if opd is not None else None
    return Saved(None, evaluation, late, spread=spread)
