"""The queued notices of feedback: to the employee when it is given, to the leader when the
employee thanks or replies. Built in the recipient's language; user text is escaped."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services.feedback.values import kind_label, value_of
from bot.text import esc, fit_fields, shorten
from models import Employee, Feedback, Target

NOTICE_KIND = "feedback"
ACK_KIND = "feedback_ack"
REPLY_KIND = "feedback_reply"
PREVIEW_CHARS = 300
SUBJECT_CHARS = 200  # the target's title in a feedback notice


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


async def tell_employee(
    session: AsyncSession,
    i18n: I18n,
    *,
    leader: Employee,
    employee: Employee,
    feedback: Feedback,
    subject: Target | None,
    now: datetime,
) -> bool:
    """Queue new feedback for the employee, with Thank you / Reply; False when not linked."""
    if employee.telegram_user_id is None:
        return False
    t = i18n.for_language(employee.language)
    return await outbox_queue.enqueue(
        session,
        dedupe_key=f"feedback:{feedback.id}",
        kind=NOTICE_KIND,
        chat_id=employee.telegram_user_id,
        employee_id=employee.id,
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


async def tell_leader(
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
