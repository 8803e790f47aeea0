"""Continuous feedback (umpan balik berkelanjutan): from a leader to a direct team member.

Feedback is there to help people grow. A leader (the atasan langsung, or the Plt that HR
assigned for the semester) writes an appreciation or a suggestion, optionally on one report
or target and tagged with a BerAKHLAK value; the employee hears through the outbox and may
thank the leader and reply once; the leader hears about both through the outbox too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import N_, I18n, Translator
from bot.services import reports
from bot.services.periods import Period, parse_period
from bot.services.text_rules import TextProblem, check_text
from bot.text import esc, fit_fields, shorten
from models import ActingEvaluator, Employee, Feedback, ProgressReport, Target

KIND_APPRECIATION = "apresiasi"
KIND_SUGGESTION = "saran"
KINDS = (KIND_APPRECIATION, KIND_SUGGESTION)
MIN_TEXT = 5
MAX_TEXT = 2000
MAX_REPLY = 1000
NOTICE_KIND = "feedback"
ACK_KIND = "feedback_ack"
REPLY_KIND = "feedback_reply"
RECENT_REPORTS = 5
SUBJECT_TARGETS = 8
PREVIEW_CHARS = 300
SUBJECT_CHARS = 200  # the target's title in a feedback notice
WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Value:
    """One BerAKHLAK core value: its key, Indonesian name and a short behaviour guide (msgid)."""

    key: str
    name: str  # the official Indonesian name, shown as is in every language
    guide: str  # msgid, translated at call time


# SE MenPANRB 20/2021; the names are official and stay Indonesian in English too.
VALUES: tuple[Value, ...] = (
    Value(
        "berorientasi_pelayanan",
        "Berorientasi Pelayanan",
        N_("understands and meets people's needs; friendly, quick and helpful; keeps improving"),
    ),
    Value(
        "akuntabel",
        "Akuntabel",
        N_("honest, responsible, careful and disciplined; uses public resources wisely"),
    ),
    Value(
        "kompeten",
        "Kompeten",
        N_("keeps learning; helps others learn; does the work to the best quality"),
    ),
    Value(
        "harmonis",
        "Harmonis",
        N_("respects everyone whatever their background; helpful; builds a good workplace"),
    ),
    Value(
        "loyal",
        "Loyal",
        N_("devoted to Pancasila and the state; protects the good name of colleagues and office"),
    ),
    Value(
        "adaptif",
        "Adaptif",
        N_("adjusts quickly to change; keeps innovating; acts proactively"),
    ),
    Value(
        "kolaboratif",
        "Kolaboratif",
        N_("gives others room to contribute; works together openly to add value"),
    ),
)
VALUE_BY_KEY = {v.key: v for v in VALUES}

KIND_LABELS = {
    KIND_APPRECIATION: N_("Appreciation"),
    KIND_SUGGESTION: N_("Suggestion for improvement"),
}


def value_of(key: str) -> Value | None:
    """Return the BerAKHLAK value with this key, or None."""
    return VALUE_BY_KEY.get(key)


def kind_label(t: Translator, kind: str) -> str:
    """'Appreciation' / 'Suggestion for improvement' in the reader's language."""
    return t._(KIND_LABELS.get(kind, KIND_LABELS[KIND_SUGGESTION]))


def writing_tip(t: Translator, kind: str) -> str:
    """A one-line tip for kind, specific, actionable wording."""
    _ = t._
    if kind == KIND_APPRECIATION:
        return _(
            "Tip: name the specific thing they did and why it mattered. Specific thanks "
            "encourages more than general praise."
        )
    return _(
        "Tip: describe the situation and the behaviour, not the person, and suggest one "
        "concrete next step. Kind and specific words help people grow."
    )


def template_text(t: Translator, kind: str) -> str:
    """The constructive template (situation, behaviour, impact, next step) to copy and fill."""
    _ = t._
    if kind == KIND_APPRECIATION:
        return "\n".join(
            [
                _("Situation: When ... (when and where)"),
                _("Behaviour: you ... (what exactly you did)"),
                _("Impact: This helped ... (the effect on the team or the public)"),
                _("Next step: Please keep ... / share this with ..."),
            ]
        )
    return "\n".join(
        [
            _("Situation: When ... (when and where)"),
            _("Behaviour: I noticed that ... (what happened, without judging)"),
            _("Impact: As a result ... (the effect on the work or the public)"),
            _("Next step: Next time, could you ... ? I am happy to help with ..."),
        ]
    )


# --- who may give feedback to whom ---


async def _acting_for(session: AsyncSession, leader_id: int, period: str) -> list[int]:
    """Employees for whom this leader is the Plt (acting evaluator) in the period."""
    rows = await session.exec(
        select(ActingEvaluator.employee_id).where(
            ActingEvaluator.evaluator_id == leader_id, ActingEvaluator.period == period
        )
    )
    return list(rows.all())


async def may_give(session: AsyncSession, leader_id: int, employee: Employee, period: str) -> bool:
    """True when the leader is the employee's atasan langsung or their Plt for the period."""
    if not employee.active or employee.id is None or employee.id == leader_id:
        return False
    if employee.supervisor_id == leader_id:
        return True
    return employee.id in await _acting_for(session, leader_id, period)


async def team_of(session: AsyncSession, leader_id: int, period: str) -> list[Employee]:
    """Active direct subordinates plus employees this leader acts for (Plt), by name."""
    acting = await _acting_for(session, leader_id, period)
    condition = or_(col(Employee.supervisor_id) == leader_id, col(Employee.id).in_(acting))
    rows = await session.exec(
        select(Employee)
        .where(condition, col(Employee.active).is_(True), Employee.id != leader_id)
        .order_by(col(Employee.name), col(Employee.id))
    )
    return list(rows.all())


async def team_member(
    session: AsyncSession, leader_id: int, employee_id: int, period: str
) -> Employee | None:
    """Return the employee when this leader may give them feedback, else None."""
    employee = await session.get(Employee, employee_id)
    if employee is None or not await may_give(session, leader_id, employee, period):
        return None
    return employee


@dataclass
class Subjects:
    """What feedback can be about: recent reports (with their target) and targets."""

    reports: list[tuple[ProgressReport, Target]]
    targets: list[Target]


async def subjects_of(session: AsyncSession, employee_id: int, period: str) -> Subjects:
    """The employee's recent active reports and approved targets of the period."""
    report_rows = await session.exec(
        select(ProgressReport, Target)
        .join(Target, col(ProgressReport.target_id) == Target.id)
        .where(
            ProgressReport.employee_id == employee_id,
            ProgressReport.status == reports.ACTIVE,
            Target.period == period,
        )
        .order_by(col(ProgressReport.created_at).desc(), col(ProgressReport.id).desc())
        .limit(RECENT_REPORTS)
    )
    target_rows = await session.exec(
        select(Target)
        .where(
            Target.employee_id == employee_id,
            Target.period == period,
            Target.status == reports.APPROVED,
        )
        .order_by(col(Target.jenis), col(Target.id))
        .limit(SUBJECT_TARGETS)
    )
    return Subjects(
        reports=[(r, t) for r, t in report_rows.all()], targets=list(target_rows.all())
    )


@dataclass
class ReportSubject:
    """A report a leader may give feedback on, with its author and target."""

    report: ProgressReport
    employee: Employee
    target: Target


async def report_for_feedback(
    session: AsyncSession, leader_id: int, report_id: int, period: str
) -> ReportSubject | None:
    """The report when its author is on this leader's team (else None: crafted or foreign)."""
    report = await session.get(ProgressReport, report_id)
    if report is None or report.status != reports.ACTIVE:
        return None
    employee = await team_member(session, leader_id, report.employee_id, period)
    target = await session.get(Target, report.target_id)
    if employee is None or target is None:
        return None
    return ReportSubject(report, employee, target)


async def target_of(session: AsyncSession, employee_id: int, target_id: int) -> Target | None:
    """The target when it belongs to the employee (and is not archived), else None."""
    target = await session.get(Target, target_id)
    if target is None or target.employee_id != employee_id or target.status == "archived":
        return None
    return target


# --- text checks ---


# --- sending ---


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


def subject_line(t: Translator, title: str | None, on_report: bool) -> str:
    """'On your report on: X' / 'On your target: X' / 'General feedback' (title: plain)."""
    _ = t._
    if title is None:
        return _("General feedback")
    if on_report:
        return _("On your report for: {title}").format(title=esc(title))
    return _("On your target: {title}").format(title=esc(title))


def feedback_text(
    t: Translator, leader: Employee, feedback: Feedback, subject: Target | None
) -> str:
    """The message an employee receives with a new piece of feedback."""
    _ = t._
    value = value_of(feedback.value)

    def render(fields: Mapping[str, str]) -> str:
        lines = [
            _("<b>Feedback from {name}</b>").format(name=esc(fields["name"])),
            _("Kind: {kind}").format(kind=kind_label(t, feedback.kind)),
            subject_line(t, fields["title"] if subject else None, feedback.report_id is not None),
        ]
        if value is not None:
            lines.append(_("BerAKHLAK value: {value}").format(value=value.name))
        lines += ["", esc(fields["text"]), ""]
        lines.append(
            _(
                "Feedback is meant to help you grow. You can thank your leader or reply with "
                "the buttons below."
            )
        )
        return "\n".join(lines)

    # The target is only context: its title gives way before the feedback itself does.
    fields = {
        "name": leader.name,
        "title": shorten(subject.title, SUBJECT_CHARS) if subject else "",
        "text": feedback.text,
    }
    return fit_fields(render, fields, note=_(outbox_queue.SHORTENED)).text


async def send_feedback(
    session: AsyncSession,
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
    """Save feedback and queue it for the employee (in the caller's transaction).

    Only the atasan langsung, or the Plt assigned for the period, may send; a report or
    target named must belong to that employee. The caller commits. `request_key` names the
    preview being sent: the same Send handled again (by the process that took over after a
    crash) returns the feedback saved the first time and queues nothing new.
    """
    if request_key:
        sent = await feedback_of_request(session, leader_id, request_key)
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
    subject: Target | None = None
    if report_id is not None:
        report = await session.get(ProgressReport, report_id)
        if report is None or report.employee_id != employee_id or report.status != reports.ACTIVE:
            return SendOutcome(SendResult.BAD_REPORT)
        subject = await session.get(Target, report.target_id)
        target_id = report.target_id  # feedback on a report is also about its target
    elif target_id is not None:
        subject = await target_of(session, employee_id, target_id)
        if subject is None:
            return SendOutcome(SendResult.BAD_TARGET)
    feedback = Feedback(
        leader_id=leader_id,
        employee_id=employee_id,
        report_id=report_id,
        target_id=target_id,
        kind=kind,
        value=value,
        text=text.strip(),
        created_at=now,
        request_key=request_key or None,
    )
    session.add(feedback)
    await session.flush()
    assert feedback.id is not None
    delivered = False
    if employee.telegram_user_id is not None:
        t = i18n.for_language(employee.language)
        delivered = await outbox_queue.enqueue(
            session,
            dedupe_key=f"feedback:{feedback.id}",
            kind=NOTICE_KIND,
            chat_id=employee.telegram_user_id,
            employee_id=employee_id,
            text=feedback_text(t, leader, feedback, subject),
            reply_markup=outbox_queue.inline_keyboard(
                [
                    [
                        (t._("Thank you"), f"fb:ack:{feedback.id}"),
                        (t._("Reply"), f"fb:reply:{feedback.id}"),
                    ]
                ]
            ),
            priority=outbox_queue.PRIORITY_DIRECT,
            now=now,
        )
    return SendOutcome(SendResult.SENT, feedback, delivered=delivered)


async def feedback_of_request(
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


# --- the employee's answer ---


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


async def own_feedback(
    session: AsyncSession, employee_id: int, feedback_id: int
) -> Feedback | None:
    """The feedback when it was given to this employee, else None (crafted ids included)."""
    feedback = await session.get(Feedback, feedback_id)
    if feedback is None or feedback.employee_id != employee_id:
        return None
    return feedback


async def _tell_leader(
    session: AsyncSession,
    i18n: I18n,
    feedback: Feedback,
    *,
    what: str,
    now: datetime,
) -> bool:
    """Queue the acknowledgement ("ack") or reply ("reply") notice for the leader."""
    leader = await session.get(Employee, feedback.leader_id)
    employee = await session.get(Employee, feedback.employee_id)
    if leader is None or employee is None or leader.telegram_user_id is None:
        return False
    return await outbox_queue.enqueue(
        session,
        dedupe_key=f"feedback:{feedback.id}:{what}",
        kind=ACK_KIND if what == "ack" else REPLY_KIND,
        chat_id=leader.telegram_user_id,
        employee_id=leader.id,
        text=leader_notice_text(i18n.for_language(leader.language), feedback, employee, what),
        priority=outbox_queue.PRIORITY_DIRECT,
        now=now,
    )


def leader_notice_text(t: Translator, feedback: Feedback, employee: Employee, what: str) -> str:
    """The acknowledgement ("ack") or reply ("reply") a leader receives, quoting the feedback."""
    _ = t._
    if what == "ack":
        head = _("<b>{name} thanked you for your feedback</b>")
    else:
        head = _("<b>{name} replied to your feedback</b>")

    def render(fields: Mapping[str, str]) -> str:
        lines = [
            head.format(name=esc(fields["name"])),
            _("Your feedback: {text}").format(text=esc(fields["quote"])),
        ]
        if what != "ack":
            lines += ["", esc(fields["reply"])]
        return "\n".join(lines)

    # The quote is one short line; the full feedback stays in the database.
    quote = shorten(" ".join(feedback.text.split()), PREVIEW_CHARS)
    fields = {"name": employee.name, "quote": quote, "reply": feedback.reply or ""}
    return fit_fields(render, fields).text


async def acknowledge(
    session: AsyncSession, i18n: I18n, *, employee_id: int, feedback_id: int, now: datetime
) -> AnswerOutcome:
    """Mark feedback as read and appreciated ("Terima kasih"), once; tell the leader."""
    feedback = await own_feedback(session, employee_id, feedback_id)
    if feedback is None:
        return AnswerOutcome(AnswerResult.NOT_FOUND)
    if feedback.acknowledged_at is not None:
        return AnswerOutcome(AnswerResult.ALREADY, feedback)
    feedback.acknowledged_at = now
    session.add(feedback)
    await _tell_leader(session, i18n, feedback, what="ack", now=now)
    return AnswerOutcome(AnswerResult.DONE, feedback)


async def may_reply(session: AsyncSession, employee_id: int, feedback_id: int) -> AnswerOutcome:
    """Say whether the employee may still reply to this feedback (checked before asking)."""
    feedback = await own_feedback(session, employee_id, feedback_id)
    if feedback is None:
        return AnswerOutcome(AnswerResult.NOT_FOUND)
    if feedback.replied_at is not None:
        return AnswerOutcome(AnswerResult.ALREADY, feedback)
    return AnswerOutcome(AnswerResult.DONE, feedback)


async def reply_to(
    session: AsyncSession,
    i18n: I18n,
    *,
    employee_id: int,
    feedback_id: int,
    text: str,
    now: datetime,
) -> AnswerOutcome:
    """Save the employee's one reply (at most MAX_REPLY characters); tell the leader."""
    outcome = await may_reply(session, employee_id, feedback_id)
    if outcome.result is not AnswerResult.DONE or outcome.feedback is None:
        return outcome
    problem = check_text(text, minimum=1, limit=MAX_REPLY)
    if problem is not None:
        return AnswerOutcome(AnswerResult.BAD_TEXT, outcome.feedback, problem)
    feedback = outcome.feedback
    feedback.reply = text.strip()
    feedback.replied_at = now
    session.add(feedback)
    await _tell_leader(session, i18n, feedback, what="reply", now=now)
    return AnswerOutcome(AnswerResult.DONE, feedback)


# --- for the evaluation screen ---


async def feedback_counts(
    session: AsyncSession,
    employee_ids: list[int],
    period: str | Period,
    tz: ZoneInfo = WIB,
) -> dict[int, dict[str, int]]:
    """Return {employee_id: {"apresiasi": n, "saran": m}} of feedback received in the period.

    Every requested id is present (zeros when none). The period is the semester's dates in
    `tz` (WIB by default), since feedback rows carry a timestamp, not a period code.
    """
    found: dict[int, dict[str, int]] = {i: {k: 0 for k in KINDS} for i in employee_ids}
    if not employee_ids:
        return found
    semester = parse_period(period) if isinstance(period, str) else period
    start = datetime.combine(semester.start, time(0), tzinfo=tz)
    end = datetime.combine(semester.end + timedelta(days=1), time(0), tzinfo=tz)
    rows = await session.exec(
        select(Feedback.employee_id, Feedback.kind, func.count())
        .where(
            col(Feedback.employee_id).in_(employee_ids),
            col(Feedback.created_at) >= start,
            col(Feedback.created_at) < end,
        )
        .group_by(col(Feedback.employee_id), col(Feedback.kind))
    )
    for employee_id, kind, count in rows.all():
        if kind in KINDS:
            found[employee_id][kind] = int(count)
    return found
