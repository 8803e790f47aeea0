"""Messages about one evaluation to other people, queued in the outbox in their language: the
result to the employee, an objection to HR, a correction to the employee and the evaluator.

The prompts, follow-ups and escalations of the evaluation window are in planner_notices.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services import access
from bot.services.evaluation.predikat import PREDIKAT_LABELS, RATING_LABELS
from bot.services.periods import parse_period, semester_name
from bot.text import callback_data, esc, fit_fields
from models import Employee, Evaluation


def result_text(t: Translator, evaluation: Evaluation, evaluator: Employee) -> str:
    """The evaluation result an employee receives, with the evaluator's comment."""
    _ = t._
    period = parse_period(evaluation.period)

    def render(fields: Mapping[str, str]) -> str:
        lines = [
            _("<b>Your evaluation for {period}</b>").format(period=semester_name(period, t)),
            _("Evaluated by: {name}").format(name=esc(fields["name"])),
            _("Work results: {rating}").format(rating=_(RATING_LABELS[evaluation.hasil_kerja])),
            _("Work behaviour: {rating}").format(
                rating=_(RATING_LABELS[evaluation.perilaku_kerja])
            ),
            _("<b>Predikat: {predikat}</b>").format(
                predikat=_(PREDIKAT_LABELS[evaluation.predikat])
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
                    period=semester_name(parse_period(evaluation.period), t),
                ),
                _("Predikat: {predikat}").format(predikat=_(PREDIKAT_LABELS[evaluation.predikat])),
                "",
                esc(fields["objection"]),
                "",
                _("To correct the evaluation, use /nilai and choose Correct an evaluation."),
            ]
        )

    fields = {"name": employee.name, "objection": evaluation.objection or ""}
    return fit_fields(render, fields, note=_(outbox_queue.SHORTENED)).text


async def notify_hr_of_objection(
    session: AsyncSession, i18n: I18n, evaluation: Evaluation, employee: Employee, now: datetime
) -> int:
    """Queue the objection for the HR officers covering the employee; return how many."""
    told = 0
    for officer in await access.hr_officers_for(session, employee.opd_id):
        if officer.telegram_user_id is None:
            continue
        told += await outbox_queue.enqueue(
            session,
            dedupe_key=f"evaluation-objection:{evaluation.id}:hr:{officer.id}",
            kind="evaluation-objection",
            chat_id=officer.telegram_user_id,
            employee_id=officer.id,
            text=objection_text(i18n.for_language(officer.language), evaluation, employee),
            now=now,
        )
    return told


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
                    name=esc(fields["name"]),
                    period=semester_name(parse_period(evaluation.period), t),
                ),
                _("Predikat before: {before}").format(before=_(PREDIKAT_LABELS[before])),
                _("Predikat now: {after}").format(after=_(PREDIKAT_LABELS[evaluation.predikat])),
                _("Reason: {reason}").format(reason=esc(fields["reason"])),
            ]
        )

    fields = {"name": employee.name, "reason": reason}
    return fit_fields(render, fields, note=_(outbox_queue.SHORTENED)).text


async def notify_correction(
    session: AsyncSession,
    i18n: I18n,
    evaluation: Evaluation,
    employee: Employee,
    before: str,
    reason: str,
    now: datetime,
) -> None:
    """Queue the correction for the employee and the evaluator."""
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
            text=correction_text(t, evaluation, employee, before, reason),
            now=now,
        )
