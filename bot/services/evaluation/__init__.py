"""Semester evaluation by the evaluator: summary, save/finalize, acknowledgement, objection.

Rules: only the evaluator (direct supervisor, or the Plt assigned by HR) evaluates, only
from the day the window opens (late evaluations are accepted and marked, see
evaluation_window); an employee is evaluated once; a screen built on data that changed
since (targets, reports, or an evaluation saved meanwhile) is refused as stale. Final
evaluations never change here; HR corrects them in evaluation_admin.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services import access, audit
from bot.services.access import Speaker
from bot.services.evaluation import predikat as scoring
from bot.services.evaluation.predikat import Suggestion, TargetAchievement
from bot.services.evaluation.window import (
    CLOSED,
    LATE,
    NOT_YET,
    EvaluationPeriod,
    current_evaluation_period,
    evaluator_for,
    window_state,
)
from bot.services.periods import Period, parse_period
from bot.services.targets import achievement
from bot.text import callback_data, esc, fit_fields
from models import Employee, Evaluation, ProgressReport, Target

MAX_COMMENT = 2000
MAX_NOTE = 500
MAX_OBJECTION = 2000
MAX_REASON = 1000


class Problem(StrEnum):
    """Why an evaluation action was refused (the handler words it politely)."""

    NOT_FOUND = "not_found"
    NOT_EVALUATOR = "not_evaluator"
    NOT_YET = "not_yet"
    CLOSED = "closed"
    ALREADY = "already"
    STALE = "stale"
    BAD_RATING = "bad_rating"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    NOT_OWNER = "not_owner"
    NOT_HR = "not_hr"


@dataclass(frozen=True)
class SummaryLine:
    """One approved target with its achievement."""

    title: str
    jenis: str
    unit: str
    target_amount: float | None
    achieved: float
    ratio: float | None
    reports: int


@dataclass(frozen=True)
class SemesterSummary:
    """What the evaluator sees before rating: targets, reports, feedback, the suggestion."""

    employee: Employee
    period: Period
    lines: list[SummaryLine]
    reports: int
    feedback: dict[str, int]
    suggestion: Suggestion
    fingerprint: str


async def fingerprint(session: AsyncSession, employee_id: int, period: str) -> str:
    """Return a digest of everything the evaluation screen is built on (stale detection)."""
    targets = (
        await session.exec(
            select(Target.id, Target.version, Target.status)
            .where(Target.employee_id == employee_id, Target.period == period)
            .order_by(col(Target.id))
        )
    ).all()
    ids = [t[0] for t in targets]
    reports: tuple[int, datetime | None] = (0, None)
    if ids:
        count, latest = (
            await session.exec(
                select(func.count(), func.max(ProgressReport.updated_at)).where(
                    col(ProgressReport.target_id).in_(ids)
                )
            )
        ).one()
        reports = (int(count), latest)
    exists = (
        await session.exec(
            select(Evaluation.id, Evaluation.version).where(
                Evaluation.employee_id == employee_id, Evaluation.period == period
            )
        )
    ).first()
    raw = json.dumps([list(map(list, targets)), list(reports), list(exists or [])], default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


async def _feedback_counts(
    session: AsyncSession, employee_id: int, period: Period
) -> dict[str, int]:
    """Feedback received in the semester; zeros when the feedback feature is not there."""
    try:
        from bot.services.feedback import feedback_counts  # another feature; may be absent
    except ImportError:
        return {}
    counts = await feedback_counts(session, [employee_id], period)
    return dict(counts.get(employee_id, {}))


async def semester_summary(
    session: AsyncSession, employee: Employee, period: Period
) -> SemesterSummary:
    """Collect the semester summary and the suggested hasil-kerja rating."""
    assert employee.id is not None
    targets = list(
        (
            await session.exec(
                select(Target)
                .where(
                    Target.employee_id == employee.id,
                    Target.period == period.code,
                    Target.status == "approved",
                )
                .order_by(col(Target.jenis).desc(), col(Target.id))
            )
        ).all()
    )
    ids = [t.id for t in targets if t.id is not None]
    achieved = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    lines = []
    for t in targets:
        assert t.id is not None
        lines.append(
            SummaryLine(
                title=t.title,
                jenis=t.jenis,
                unit=t.unit.strip(),
                target_amount=float(t.target_amount) if t.target_amount is not None else None,
                achieved=float(achieved[t.id]),
                ratio=achievement.ratio(achieved[t.id], t),
                reports=counts[t.id],
            )
        )
    suggestion = scoring.suggest_hasil_kerja(
        [TargetAchievement(li.jenis, li.ratio) for li in lines]
    )
    return SemesterSummary(
        employee=employee,
        period=period,
        lines=lines,
        reports=sum(counts.values()),
        feedback=await _feedback_counts(session, employee.id, period),
        suggestion=suggestion,
        fingerprint=await fingerprint(session, employee.id, period.code),
    )


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
    """The outcome of finalize: the evaluation, or the problem."""

    problem: Problem | None
    evaluation: Evaluation | None = None
    late: bool = False
    opens_at: datetime | None = None


def validate_draft(draft: Draft) -> Problem | None:
    """Check ratings, BerAKHLAK keys and lengths of a draft."""
    if draft.hasil_kerja not in scoring.RATINGS or draft.perilaku_kerja not in scoring.RATINGS:
        return Problem.BAD_RATING
    if any(k not in scoring.BERAKHLAK for k in draft.notes):
        return Problem.BAD_RATING
    if len(draft.comment) > MAX_COMMENT or any(len(v) > MAX_NOTE for v in draft.notes.values()):
        return Problem.TOO_LONG
    return None


async def finalize(
    session: AsyncSession,
    i18n: I18n,
    speaker: Speaker,
    draft: Draft,
    now: datetime,
    settings: Settings,
) -> Saved:
    """Write the final, immutable evaluation (+ audit) and tell the employee via the outbox."""
    problem = validate_draft(draft)
    if problem is not None:
        return Saved(problem)
    allowed = await check_may_evaluate(session, speaker, draft.employee_id, now, settings)
    if allowed.problem is not None:
        return Saved(allowed.problem, opens_at=allowed.opens_at)
    assert allowed.period is not None
    assert allowed.employee is not None
    if allowed.period.code != draft.period:
        return Saved(Problem.STALE)
    if await fingerprint(session, draft.employee_id, draft.period) != draft.fingerprint:
        return Saved(Problem.STALE)
    result = scoring.predikat(draft.hasil_kerja, draft.perilaku_kerja)
    late = allowed.state == LATE
    evaluation = Evaluation(
        period=draft.period,
        employee_id=draft.employee_id,
        evaluator_id=speaker.id,
        hasil_kerja=draft.hasil_kerja,
        perilaku_kerja=draft.perilaku_kerja,
        predikat=result,
        suggested_hasil_kerja=draft.suggested if draft.suggested in scoring.RATINGS else "",
        behaviour_notes=json.dumps(draft.notes, ensure_ascii=False, sort_keys=True),
        comment=draft.comment.strip(),
        finalized_at=now,
    )
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
        predikat=result,
        suggested=evaluation.suggested_hasil_kerja,
        late=late,
    )
    await notify_employee(session, i18n, allowed.employee, evaluation, speaker.employee, now)
    return Saved(None, evaluation, late)


def result_text(t: Translator, evaluation: Evaluation, evaluator: Employee) -> str:
    """The evaluation result an employee receives, with the evaluator's comment."""
    _ = t._
    period = parse_period(evaluation.period)

    def render(fields: Mapping[str, str]) -> str:
        lines = [
            _("<b>Your evaluation for {period}</b>").format(period=period_name(period)),
            _("Evaluated by: {name}").format(name=esc(fields["name"])),
            _("Work results: {rating}").format(
                rating=_(scoring.RATING_LABELS[evaluation.hasil_kerja])
            ),
            _("Work behaviour: {rating}").format(
                rating=_(scoring.RATING_LABELS[evaluation.perilaku_kerja])
            ),
            _("<b>Predikat: {predikat}</b>").format(
                predikat=_(scoring.PREDIKAT_LABELS[evaluation.predikat])
            ),
        ]
        if fields["comment"]:
            lines += ["", _("Comment: {comment}").format(comment=esc(fields["comment"]))]
        lines += [
            "",
            _(
                "Thank you for your work this semester. Please tap Accept, or Object if you "
                "disagree; HR will look at your objection."
            ),
        ]
        return "\n".join(lines)

    fields = {"name": evaluator.name, "comment": evaluation.comment or ""}
    return fit_fields(render, fields, note=_(outbox_queue.SHORTENED)).text


async def notify_employee(
    session: AsyncSession,
    i18n: I18n,
    employee: Employee,
    evaluation: Evaluation,
    evaluator: Employee,
    now: datetime,
) -> bool:
    """Queue the result for the employee with Terima / Ajukan keberatan buttons."""
    if employee.telegram_user_id is None:
        return False
    t = i18n.for_language(employee.language)
    _ = t._
    assert evaluation.id is not None
    return await outbox_queue.enqueue(
        session,
        dedupe_key=f"evaluation:{evaluation.id}:v{evaluation.version}",
        kind="evaluation-result",
        chat_id=employee.telegram_user_id,
        employee_id=employee.id,
        text=result_text(t, evaluation, evaluator),
        now=now,
        reply_markup=outbox_queue.inline_keyboard(
            [
                [
                    (_("Accept"), callback_data("ev", "ack", evaluation.id)),
                    (_("Object"), callback_data("ev", "obj", evaluation.id)),
                ]
            ]
        ),
    )


def period_name(period: Period) -> str:
    """'Semester II 2026' (the same in both languages)."""
    return f"Semester {'I' if period.half == 1 else 'II'} {period.year}"


async def own_evaluation(
    session: AsyncSession, speaker: Speaker, evaluation_id: int
) -> tuple[Problem | None, Evaluation | None]:
    """Return the speaker's own evaluation by id, or NOT_OWNER (crafted ids)."""
    evaluation = await session.get(Evaluation, evaluation_id)
    if evaluation is None or evaluation.employee_id != speaker.id:
        return Problem.NOT_OWNER, None
    return None, evaluation


async def acknowledge(
    session: AsyncSession, speaker: Speaker, evaluation_id: int, now: datetime
) -> tuple[Problem | None, Evaluation | None]:
    """Record that the employee accepted the result (idempotent)."""
    problem, evaluation = await own_evaluation(session, speaker, evaluation_id)
    if evaluation is None:
        return problem, None
    if evaluation.acknowledged_at is None:
        evaluation.acknowledged_at = now
        session.add(evaluation)
        audit.record(
            session, action="evaluation.acknowledge", at=now, actor_id=speaker.id,
            subject_id=speaker.id, evaluation_id=evaluation_id,
        )  # fmt: skip
    return None, evaluation


async def may_object(
    session: AsyncSession, speaker: Speaker, evaluation_id: int
) -> Problem | None:
    """Say whether the speaker may object to this evaluation (own, not objected before)."""
    problem, evaluation = await own_evaluation(session, speaker, evaluation_id)
    if evaluation is None:
        return problem
    if evaluation.objection_at is not None:
        return Problem.ALREADY
    return None


def objection_text(t: Translator, evaluation: Evaluation, employee: Employee) -> str:
    """The objection HR receives, with the employee's typed reasons."""
    _ = t._

    def render(fields: Mapping[str, str]) -> str:
        return "\n".join(
            [
                _("<b>Objection to an evaluation</b>"),
                _("{name} (NIP {nip}) objects to the evaluation for {period}.").format(
                    name=esc(fields["name"]),
                    nip=esc(employee.nip),
                    period=period_name(parse_period(evaluation.period)),
                ),
                _("Predikat: {predikat}").format(
                    predikat=_(scoring.PREDIKAT_LABELS[evaluation.predikat])
                ),
                "",
                esc(fields["objection"]),
                "",
                _("To correct the evaluation, use /nilai and choose Correct an evaluation."),
            ]
        )

    fields = {"name": employee.name, "objection": evaluation.objection or ""}
    return fit_fields(render, fields, note=_(outbox_queue.SHORTENED)).text


async def object_to(
    session: AsyncSession,
    i18n: I18n,
    speaker: Speaker,
    evaluation_id: int,
    text: str,
    now: datetime,
) -> tuple[Problem | None, int]:
    """Store the employee's objection and queue it for HR in scope; return (problem, HR told)."""
    text = text.strip()
    if not text:
        return Problem.EMPTY, 0
    if len(text) > MAX_OBJECTION:
        return Problem.TOO_LONG, 0
    problem = await may_object(session, speaker, evaluation_id)
    if problem is not None:
        return problem, 0
    evaluation = await session.get(Evaluation, evaluation_id)
    assert evaluation is not None
    evaluation.objection = text
    evaluation.objection_at = now
    session.add(evaluation)
    audit.record(
        session, action="evaluation.objection", at=now, actor_id=speaker.id,
        subject_id=speaker.id, evaluation_id=evaluation_id,
    )  # fmt: skip
    told = 0
    employee = speaker.employee
    for officer in await access.hr_officers_for(session, employee.opd_id):
        if officer.telegram_user_id is None:
            continue
        told += await outbox_queue.enqueue(
            session,
            dedupe_key=f"evaluation-objection:{evaluation_id}:hr:{officer.id}",
            kind="evaluation-objection",
            chat_id=officer.telegram_user_id,
            employee_id=officer.id,
            text=objection_text(i18n.for_language(officer.language), evaluation, employee),
            now=now,
        )
    return None, told


async def evaluator_overview(
    session: AsyncSession, speaker: Speaker, now: datetime, settings: Settings
) -> tuple[EvaluationPeriod, list[Employee], list[tuple[Employee, Evaluation]]]:
    """Return (current period info, pending evaluatees, done evaluatees with evaluation)."""
    from bot.services.evaluation.window import evaluatees, evaluations_by_employee

    current = current_evaluation_period(now, settings)
    people = await evaluatees(session, speaker.id, current.period.code)
    done = await evaluations_by_employee(
        session, [e.id for e in people if e.id], current.period.code
    )
    pending = [e for e in people if e.id not in done]
    finished = [(e, done[e.id]) for e in people if e.id in done]
    return current, pending, finished


def period_state(period: Period, now: datetime, settings: Settings) -> str:
    """Expose the window state of a semester (for the handlers)."""
    return window_state(period, now, settings)


async def evaluations_for(
    session: AsyncSession, employee_ids: list[int], period: str
) -> dict[int, Evaluation]:
    """Return the final evaluations of these employees for a semester, by employee id."""
    from bot.services.evaluation.window import evaluations_by_employee

    return await evaluations_by_employee(session, employee_ids, period)


async def latest_evaluation(session: AsyncSession, employee_id: int) -> Evaluation | None:
    """Return the employee's most recent final evaluation (what HR corrects), if any."""
    query = (
        select(Evaluation)
        .where(Evaluation.employee_id == employee_id)
        .order_by(col(Evaluation.period).desc())
    )
    return (await session.exec(query)).first()
