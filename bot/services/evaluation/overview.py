"""What /nilai opens with: whom the speaker still has to evaluate, whom they have, their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.services.access import Speaker
from bot.services.evaluation.window import (
    EvaluationPeriod,
    current_evaluation_period,
    evaluatees,
    evaluations_by_employee,
)
from models import Employee, Evaluation
from models.db import SessionFactory


@dataclass(frozen=True)
class Overview:
    """The semester being evaluated, the speaker's evaluatees, and the speaker's own result."""

    current: EvaluationPeriod
    pending: list[Employee]
    done: list[tuple[Employee, Evaluation]]
    own: Evaluation | None

    @property
    def evaluates_nobody(self) -> bool:
        """True when nobody waits for the speaker's evaluation this semester."""
        return not self.pending and not self.done


async def evaluator_overview(
    db: SessionFactory, speaker: Speaker, now: datetime, settings: Settings
) -> Overview:
    """Return the current semester, pending and done evaluatees, and the speaker's own result."""
    current = current_evaluation_period(now, settings)
    code = current.period.code
    async with db() as session:
        people = await evaluatees(session, speaker.id, code)
        done = await evaluations_by_employee(session, [e.id for e in people if e.id], code)
        own = (await evaluations_by_employee(session, [speaker.id], code)).get(speaker.id)
    pending = [e for e in people if e.id not in done]
    finished = [(e, done[e.id]) for e in people if e.id in done]
    return Overview(current, pending, finished, own)
