"""The screens of HR's side of questions: the inbox, answered and closed questions, answering,
closing and publishing to the FAQ."""

from __future__ import annotations

from bot.context import BotContext
from bot.i18n import N_
from bot.services import questions as qs
from bot.services.questions import Asker, HrOutcome, HrResult, Listed, Page, Settled
from bot.text import esc
from handlers.common import keyboard
from handlers.questions.flow import STEPS, HrDraft
from handlers.questions.texts import (
    L_BACK,
    L_OPEN,
    NOT_IN_SCOPE,
    SETTLED_ALREADY,
    Rows,
    Screen,
    nav_row,
    one_line,
    page_of,
    preview,
    settled_lines,
    status_text,
)
from models import Question

SNIPPET_CHARS = 300
L_ANSWER = N_("Answer")
TYPE_ANSWER = N_("Please type your answer (at most {limit} characters).")
ONLY_ANSWERED = N_("Only answered questions can be published.")


def who(context: BotContext, asker: Asker) -> str:
    """The asker's name, or "Anonymous (OPD)", for HR's eyes (plain; escape to send)."""
    _ = context.t._
    if asker.anonymous:
        return (
            _("Anonymous ({opd})").format(opd=asker.opd) if asker.opd else _("Anonymous (BKPSDM)")
        )
    return asker.name if asker.name is not None else _("(former employee)")


def heading(context: BotContext, question: Question, asker: Asker) -> str:
    """ "Question #12 · who asked", at the top of a question HR opens."""
    return context.t._("<b>Question #{id}</b> · {who}").format(
        id=question.id, who=esc(who(context, asker))
    )


def answer_button(context: BotContext, question_id: int | None) -> list[tuple[str, str]]:
    return [(f"{context.t._(L_ANSWER)} #{question_id}", f"qa:ans:{question_id}")]


def inbox(context: BotContext, page: Page[Listed]) -> Screen:
    """A page of open questions in the HR officer's scope, newest first."""
    _ = context.t._
    lines = [_("<b>Questions for HR</b>")]
    rows: Rows = []
    if not page.rows:
        lines.append(_("There are no open questions in your scope. Well done!"))
    else:
        total = context.t.number(page.total)
        lines.append(_("{count} open question(s), newest first.").format(count=total))
        for listed in page.rows:
            question = listed.question
            when = context.t.date(question.created_at, "short")
            lines += [
                "",
                f"<b>#{question.id}</b> · {esc(who(context, listed.asker))} · {when}",
                esc(one_line(question.text, SNIPPET_CHARS)),
            ]
            rows.append(answer_button(context, question.id))
        if page.count > 1:
            lines += ["", page_of(context, page)]
    rows += nav_row(context, "qa:pg", page)
    rows.append([(_("Answered and closed"), "qa:done:0")])
    rows.append([(_("Ask a question"), "qa:new")])
    return "\n".join(lines), keyboard(rows)


def settled_list(context: BotContext, page: Page[Listed]) -> Screen:
    """A page of answered and closed questions in the HR officer's scope."""
    _ = context.t._
    lines = [_("<b>Answered and closed questions</b>")]
    rows: Rows = []
    if not page.rows:
        lines.append(_("No question in your scope has been answered or closed yet."))
    else:
        lines.append(
            _("{count} question(s), newest first. Open one to read the answer.").format(
                count=context.t.number(page.total)
            )
        )
        for listed in page.rows:
            question = listed.question
            settled_at = question.answered_at or question.created_at
            lines += [
                "",
                f"<b>#{question.id}</b> · {esc(who(context, listed.asker))}"
                f" · {context.t.date(settled_at, 'short')}"
                f" · {esc(status_text(context, question))}",
                esc(one_line(question.text, SNIPPET_CHARS)),
            ]
            rows.append([(f"{_(L_OPEN)} #{question.id}", f"qa:dq:{question.id}")])
        if page.count > 1:
            lines += ["", page_of(context, page)]
    rows += nav_row(context, "qa:done", page)
    rows.append([(_("Open questions"), "qa:pg:0")])
    return "\n".join(lines), keyboard(rows)


def settled_question(context: BotContext, view: Settled) -> Screen:
    """One question for HR: the question, its outcome, who answered and when."""
    _ = context.t._
    question = view.question
    lines = [heading(context, question, view.asker), *settled_lines(context, question)]
    if question.answered_at is not None:
        name = view.officer if view.officer is not None else _("(former employee)")
        when = context.t.date_time(question.answered_at)
        lines += ["", _("By {name} on {date}").format(name=esc(name), date=when)]
    rows: Rows = []
    if question.status == qs.STATUS_OPEN:
        rows.append(answer_button(context, question.id))
    elif question.status == qs.STATUS_ANSWERED and view.published:
        lines += ["", _("This answer is published in /faq.")]
    elif question.status == qs.STATUS_ANSWERED:
        rows.append([(_("Publish to FAQ"), f"qa:pub:{question.id}")])
    rows.append([(_(L_BACK), "qa:done:0")])
    return "\n".join(lines), keyboard(rows)


# --- answering and closing ---


def answer_prompt(context: BotContext, listed: Listed) -> Screen:
    """The question in full, and the request for HR's answer."""
    _ = context.t._
    question = listed.question
    lines = [heading(context, question, listed.asker), "", esc(question.text), ""]
    if question.anonymous:
        lines.append(
            _(
                "This question is anonymous: the asker cannot be told personally. Consider "
                "publishing the answer to /faq afterwards."
            )
        )
    lines.append(type_answer(context))
    rows = [
        [(_("Close without answering"), f"qa:close:{question.id}")],
        STEPS.cancel_row(context),
    ]
    return "\n".join(lines), keyboard(rows)


def type_answer(context: BotContext) -> str:
    return context.t._(TYPE_ANSWER).format(limit=context.t.number(qs.MAX_ANSWER))


def answer_preview(context: BotContext, draft: HrDraft) -> Screen:
    """HR's answer as it will be sent."""
    head = [
        context.t._("<b>Preview of your answer to question #{id}</b>").format(id=draft.question_id)
    ]
    return preview(context, head, draft.text, f"qa:asend:{draft.nonce}", "qa:aedit")


def answered(context: BotContext, outcome: HrOutcome) -> Screen:
    """The answer is saved: whether the asker hears of it, and Publish to FAQ."""
    _ = context.t._
    question = outcome.question
    assert question is not None
    if question.anonymous:
        text = _(
            "Your answer is saved. The question was anonymous, so the asker cannot be told "
            "personally; publishing it to the FAQ lets them (and others) read it."
        )
    elif outcome.delivered:
        text = _("Thank you! Your answer has been sent to the asker.")
    else:
        text = _(
            "Your answer is saved, but the asker is no longer reachable in Telegram, so it could "
            "not be delivered in a chat."
        )
    return text, keyboard([[(_("Publish to FAQ"), f"qa:pub:{question.id}")]])


def close_prompt(context: BotContext, question_id: int | None) -> str:
    """Ask for the reason to close a question without an answer."""
    return context.t._(
        "Please type the reason for closing question #{id} without an answer ({minimum} "
        "to {limit} characters). A named asker will see this reason."
    ).format(
        id=question_id,
        minimum=context.t.number(qs.MIN_REASON),
        limit=context.t.number(qs.MAX_REASON),
    )


def closed(context: BotContext, result: HrResult, question_id: int) -> str:
    """What became of closing a question."""
    _ = context.t._
    if result is HrResult.NOT_FOUND:
        return _(NOT_IN_SCOPE)
    if result is HrResult.ALREADY:
        return _(SETTLED_ALREADY)
    return _("Question #{id} is closed.").format(id=question_id)


# --- publishing to the FAQ ---


def publish_preview(context: BotContext, draft: HrDraft, answer_text: str) -> Screen:
    """The FAQ entry as readers will see it, with Publish / Reword / Cancel."""
    _ = context.t._
    lines = [
        _("<b>FAQ entry preview</b>"),
        "",
        _("<b>Question:</b>"),
        esc(draft.text),
        "",
        _("<b>Answer:</b>"),
        esc(answer_text),
        "",
        _(
            "Please make sure the question names no person. To change its wording, press "
            "<b>Reword</b> or simply type the new wording."
        ),
    ]
    rows = [
        [(_("Publish"), f"qa:pubok:{draft.nonce}"), (_("Reword"), "qa:pubedit")],
        STEPS.cancel_row(context),
    ]
    return "\n".join(lines), keyboard(rows)


def reword_prompt(context: BotContext) -> str:
    """Ask for the question's wording in the FAQ."""
    return context.t._(
        "Please type the question as it should appear in the FAQ ({minimum} to {limit} "
        "characters), without personal details."
    ).format(minimum=context.t.number(qs.MIN_QUESTION), limit=context.t.number(qs.MAX_QUESTION))


def published(context: BotContext, result: HrResult) -> str:
    """What became of publishing."""
    _ = context.t._
    if result is HrResult.ALREADY:
        return _("This question is already in the FAQ.")
    if result is HrResult.NOT_ANSWERED:
        return _(ONLY_ANSWERED)
    return _("Published. Everyone can now read it with /faq.")
