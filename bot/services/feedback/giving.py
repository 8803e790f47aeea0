"""Giving feedback: the checks, the saved row, and the notice queued for the employee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import reports
from bot.services.feedback.eligibility import target_of, team_member
from bot.services.feedback.notices import tell_employee
from bot.services.feedback.values import KINDS, MAX_TEXT, MIN_TEXT, value_of
from bot.services.text_rules import TextProblem, check_text
from models import Employee, Feedback, ProgressReport, Target
from models.db import SessionFactory


class SendResult(Enum):
    SENT = "sent"
    NOT_ALLOWED = "not_allowed"  # not a direct subordinate (nor Plt-assigned)
    BAD_KIND = "bad_kind"
    BAD_VALUE = "bad_value"
    BAD_TEXT = "bad_text"
    BAD_REPORT = "bad_report"  # not this employee's report
    BAD_TARGET = "bad_target"  # not this employee's target
    ALREADY_SENT = "already_sent"  # this preview was sent before (the same Send, again)


@dataclass
class SendOutcome:
    result: SendResult
    feedback: Feedback | None = None
    problem: TextProblem | None = None
    delivered: bool = False  # False when the employee has not linked Telegram yet


@dataclass(frozen=True)
class _Subject:
    """What the feedback is about: the target (if any) and the target id to store."""

    target: Target | None
    target_id: int | None


async def send_feedback(
    db: SessionFactory,
    i18n: I18n,
    *,
    leader_id: int,
    employee_id: int,
    kind: str,
    text: str,
    period: str,
    now: datetime,
    value: str = "",
    report_id: int | None = None,
    target_id: int | None = None,
    request_key: str | None = None,
) -> SendOutcome:
    """Save feedback and queue it for the employee.

    Only the atasan langsung, or the Plt assigned for the period, may send; a report or
    target named must belong to that employee. `request_key` names the preview being sent:
    the same Send handled again (by the process that took over after a crash) returns the
    feedback saved the first time and queues nothing new.
    """
    async with db() as session:
        if request_key:
            sent = await _feedback_of_request(session, leader_id, request_key)
            if sent is not None:
                return sent
        employee = await team_member(session, leader_id, employee_id, period)
        leader = await session.get(Employee, leader_id)
        if employee is None or leader is None:
            return SendOutcome(SendResult.NOT_ALLOWED)
        if kind not in KINDS:
            return SendOutcome(SendResult.BAD_KIND)
        if value and value_of(value) is None:
            return SendOutcome(SendResult.BAD_VALUE)
        problem = check_text(text, minimum=MIN_TEXT, limit=MAX_TEXT)
        if problem is not None:
            return SendOutcome(SendResult.BAD_TEXT, problem=problem)
        subject = await _subject(session, employee_id, report_id, target_id)
        if subject is None:
            return SendOutcome(
                SendResult.BAD_REPORT if report_id is not None else SendResult.BAD_TARGET
            )
        feedback = Feedback(
            leader_id=leader_id,
            employee_id=employee_id,
            report_id=report_id,
            target_id=subject.target_id,
            kind=kind,
            value=value,
            text=text.strip(),
            created_at=now,
            request_key=request_key or None,
        )
        session.add(feedback)
        await session.flush()
        delivered = await tell_employee(
            session, i18n, leader=leader, employee=employee, feedback=feedback,
            subject=subject.target, now=now,
        )  # fmt: skip
        await session.commit()
    return SendOutcome(SendResult.SENT, feedback, delivered=delivered)


async def _subject(
    session: AsyncSession, employee_id: int, report_id: int | None, target_id: int | None
) -> _Subject | None:
    """The report's or target's subject when it is the employee's own; None when not."""
    if report_id is not None:
        report = await session.get(ProgressReport, report_id)
        if report is None or report.employee_id != employee_id or report.status != reports.ACTIVE:
            return None
        # Feedback on a report is also about its target.
        return _Subject(await session.get(Target, report.target_id), report.target_id)
    if target_id is not None:
        target = await target_of(session, employee_id, target_id)
        return _Subject(target, target_id) if target is not None else None
    return _Subject(None, None)


async def _feedback_of_request(
    session: AsyncSession, leader_id: int, request_key: str
) -> SendOutcome | None:
    """The feedback this leader already sent from this preview, else None."""
    feedback = (
        await session.exec(
            select(Feedback).where(
                Feedback.leader_id == leader_id, Feedback.request_key == request_key
            )
        )
    ).first()
    if feedback is None:
        return None
    employee = await session.get(Employee, feedback.employee_id)
    linked = employee is not None and employee.telegram_user_id is not None
    return SendOutcome(SendResult.ALREADY_SENT, feedback, delivered=linked)
