"""The queued notices of questions: a new question for HR, and HR's answer (or closing reason)
for a named asker. A notice of an anonymous question names nobody."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services.questions.limits import QUOTE_CHARS
from bot.text import esc, fit_fields, shorten
from models import Employee, Question

NOTICE_KIND = "question"
ANSWER_KIND = "question_answer"


def hr_notice_text(
    t: Translator, question: Question, asker: Employee | None, opd: str, asker_opd: str
) -> str:
    """The notice an HR officer receives; for an anonymous question it names nobody."""
    _ = t._
    if question.anonymous:
        head = _("<b>New anonymous question</b>")
        where = (
            _("From an employee of: {opd}").format(opd=esc(opd))
            if opd
            else _("Sent to BKPSDM (the asker's OPD is not shown)")
        )
        lines = [head, where]
    else:
        lines = [
            _("<b>New question from {name}</b>").format(name=esc(asker.name if asker else "")),
            _("OPD: {opd}").format(opd=esc(asker_opd)),
        ]
    tail = ["", _("Press <b>Answer</b> to reply, or open /tanya.")]
    return fit_fields(
        lambda shown: "\n".join([*lines, "", esc(shown["question"]), *tail]),
        {"question": question.text},
        note=_("The whole question is shown when you press Answer."),
    ).text


def answer_text(t: Translator, question: Question) -> str:
    """The message a named asker receives with HR's answer."""
    _ = t._
    return fit_fields(
        lambda shown: "\n".join(
            [
                _("<b>HR has answered your question</b>"),
                "",
                _("<b>Your question:</b>"),
                esc(shown["question"]),
                "",
                _("<b>Answer:</b>"),
                esc(shown["answer"]),
                "",
                _("Thank you for asking. You can ask again at any time with /tanya."),
            ]
        ),
        # The question is quoted short; the answer only loses its end when even that would
        # not fit one Telegram message (the outbox sends exactly one).
        {"question": shorten(question.text, QUOTE_CHARS), "answer": question.answer},
        note=_("The whole answer is in /tanya, under “My questions”."),
    ).text


def closed_text(t: Translator, question: Question, reason: str) -> str:
    """The message a named asker receives when HR closes their question without an answer."""
    _ = t._
    return fit_fields(
        lambda shown: "\n".join(
            [
                _("<b>About your question to HR</b>"),
                "",
                esc(shown["question"]),
                "",
                _("HR has closed this question without a written answer. Reason: {reason}").format(
                    reason=esc(shown["reason"])
                ),
                "",
                _("If you still need help, you are welcome to ask again with /tanya."),
            ]
        ),
        {"question": shorten(question.text, QUOTE_CHARS), "reason": reason},
    ).text


async def tell_hr(
    session: AsyncSession,
    i18n: I18n,
    question: Question,
    *,
    asker: Employee | None,
    officers: list[Employee],
    opd: str,
    asker_opd: str,
    now: datetime,
) -> int:
    """Queue the new question for each officer (`asker` None for an anonymous one); return
    how many notices were queued."""
    notified = 0
    for officer in officers:
        if officer.id is None or officer.telegram_user_id is None:
            continue
        t = i18n.for_language(officer.language)
        added = await outbox_queue.enqueue(
            session,
            dedupe_key=f"question:{question.id}:hr:{officer.id}",
            kind=NOTICE_KIND,
            chat_id=officer.telegram_user_id,
            employee_id=officer.id,
            text=hr_notice_text(t, question, asker, opd, asker_opd),
            now=now,
            reply_markup=outbox_queue.inline_keyboard(
                [[(t._("Answer"), f"qa:ans:{question.id}")]]
            ),
        )
        notified += int(added)
    return notified


async def tell_asker(
    session: AsyncSession,
    i18n: I18n,
    question: Question,
    asker: Employee | None,
    *,
    reason: str | None,
    now: datetime,
) -> bool:
    """Queue HR's answer (or, with `reason`, the closing) for a named asker still reachable;
    return whether it was queued."""
    if asker is None or asker.telegram_user_id is None or not asker.active:
        return False
    t = i18n.for_language(asker.language)
    closed = reason is not None
    return await outbox_queue.enqueue(
        session,
        dedupe_key=f"question:{question.id}:{'closed' if closed else 'answer'}",
        kind=ANSWER_KIND,
        chat_id=asker.telegram_user_id,
        employee_id=asker.id,
        text=closed_text(t, question, reason) if reason is not None else answer_text(t, question),
        now=now,
    )
