"""When a semester is evaluated, and by whom: the window, the evaluator (Plt first), who waits,
and whether a speaker may evaluate an employee now.

Window: it opens `evaluation_opens_days` before the semester ends and is due
`evaluation_due_days` after the end (both in WIB). Decision on lateness: after the due date
an evaluation is still accepted for LATE_GRACE_DAYS more days and marked late in the audit,
because every employee must end up with a predikat and refusing would only leave gaps.
After that the semester is closed in the bot (HR corrects through e-Kinerja/HR channels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.services.access import Speaker
from bot.services.evaluation.problems import Problem
from bot.services.periods import Period, period_of
from models import ActingEvaluator, Employee, Evaluation

LATE_GRACE_DAYS = 60

OPEN = "open"  # inside the window
LATE = "late"  # after the due date, within the grace period
NOT_YET = "not_yet"  # before the window opens
CLOSED = "closed"  # after the grace period


def evaluation_window(period: Period, settings: Settings) -> tuple[datetime, datetime]:
    """Return (opens_at, due_at) for a semester as aware WIB datetimes."""
    end = period.end_instant(settings.tz)  # the first instant after the semester
    return (
        end - timedelta(days=settings.evaluation_opens_days),
        end + timedelta(days=settings.evaluation_due_days),
    )


def window_state(period: Period, now: datetime, settings: Settings) -> str:
    """Say whether a semester may be evaluated at `now`: open, late, not_yet or closed."""
    opens_at, due_at = evaluation_window(period, settings)
    if now < opens_at:
        return NOT_YET
    if now < due_at:
        return OPEN
    if now < due_at + timedelta(days=LATE_GRACE_DAYS):
        return LATE
    return CLOSED


@dataclass(frozen=True)
class EvaluationPeriod:
    """The semester the evaluation screen is about at some moment, and its state."""

    period: Period
    state: str
    opens_at: datetime
    due_at: datetime


def current_evaluation_period(now: datetime, settings: Settings) -> EvaluationPeriod:
    """Return the semester being evaluated now: this one once its window opened, else the last.

    When the last one is closed as well, the answer is this semester, NOT_YET.
    """
    local = now.astimezone(settings.tz)
    this = period_of(local.date())
    state = window_state(this, now, settings)
    if state == NOT_YET:
        last = this.previous()
        last_state = window_state(last, now, settings)
        if last_state in (OPEN, LATE):
            this, state = last, last_state
    opens_at, due_at = evaluation_window(this, settings)
    return EvaluationPeriod(this, state, opens_at, due_at)


async def acting_for(
    session: AsyncSession, employee_id: int, period: str
) -> ActingEvaluator | None:
    """Return the Plt assignment for an employee and semester, if any."""
    query = select(ActingEvaluator).where(
        ActingEvaluator.employee_id == employee_id, ActingEvaluator.period == period
    )
    return (await session.exec(query)).first()


async def evaluator_for(session: AsyncSession, employee: Employee, period: str) -> Employee | None:
    """Return who evaluates this employee: the Plt if assigned, else the direct supervisor."""
    assert employee.id is not None
    acting = await acting_for(session, employee.id, period)
    evaluator_id = acting.evaluator_id if acting is not None else employee.supervisor_id
    if evaluator_id is None:
        return None
    evaluator = await session.get(Employee, evaluator_id)
    if evaluator is None or not evaluator.active:
        return None
    return evaluator


async def evaluatees(session: AsyncSession, evaluator_id: int, period: str) -> list[Employee]:
    """Return everyone this person evaluates in a semester (Plt assignments included)."""
    acting_rows = (
        await session.exec(select(ActingEvaluator).where(ActingEvaluator.period == period))
    ).all()
    moved_away = {a.employee_id for a in acting_rows if a.evaluator_id != evaluator_id}
    acting_ids = {a.employee_id for a in acting_rows if a.evaluator_id == evaluator_id}
    query = select(Employee).where(
        col(Employee.active).is_(True),
        or_(col(Employee.supervisor_id) == evaluator_id, col(Employee.id).in_(acting_ids)),
    )
    found = [
        e
        for e in (await session.exec(query)).all()
        if e.id not in moved_away or e.id in acting_ids
    ]
    return sorted(found, key=lambda e: (e.name.casefold(), e.id or 0))


async def evaluations_by_employee(
    session: AsyncSession, employee_ids: list[int], period: str
) -> dict[int, Evaluation]:
    """Return the evaluations of these employees in a semester, by employee id."""
    if not employee_ids:
        return {}
    query = select(Evaluation).where(
        Evaluation.period == period, col(Evaluation.employee_id).in_(employee_ids)
    )
    return {e.employee_id: e for e in (await session.exec(query)).all()}


async def pending_evaluations(
    session: AsyncSession, evaluator_id: int, period: str
) -> list[Employee]:
    """Return this evaluator's evaluatees who have no final evaluation for the semester yet."""
    people = await evaluatees(session, evaluator_id, period)
    done = await evaluations_by_employee(session, [e.id for e in people if e.id], period)
    return [e for e in people if e.id not in done]


@dataclass(frozen=True)
class Access:
    """May this speaker evaluate this employee now? With the reason when not."""

    problem: Problem | None
    employee: Employee | None = None
    period: Period | None = None
    state: str = ""
    opens_at: datetime | None = None


async def check_may_evaluate(
    session: AsyncSession, speaker: Speaker, employee_id: int, now: datetime, settings: Settings
) -> Access:
    """Refuse unless the speaker is the evaluator, the window allows it and none exists yet."""
    current = current_evaluation_period(now, settings)
    employee = await session.get(Employee, employee_id)
    if employee is None or not employee.active:
        return Access(Problem.NOT_FOUND)
    evaluator = await evaluator_for(session, employee, current.period.code)
    if evaluator is None or evaluator.id != speaker.id:
        return Access(Problem.NOT_EVALUATOR, employee)
    if current.state == NOT_YET:
        return Access(Problem.NOT_YET, employee, current.period, current.state, current.opens_at)
    if current.state == CLOSED:
        return Access(Problem.CLOSED, employee, current.period, current.state)
    done = (
        await session.exec(
            select(Evaluation.id).where(
                Evaluation.employee_id == employee_id, Evaluation.period == current.period.code
            )
        )
    ).first()
    if done is not None:
        return Access(Problem.ALREADY, employee, current.period, current.state)
    return Access(None, employee, current.period, current.state, current.opens_at)
