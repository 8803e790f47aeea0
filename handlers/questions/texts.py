"""The screens of asking HR a question, and of an employee's own questions; with the pieces
HR's and the FAQ's screens share (list lines, paging, previews, a question's outcome)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.context import BotContext
from bot.i18n import N_
from bot.runtime.private_drafts import CHOOSE_ANONYMOUS, ROUTE_PREFIX
from bot.services import questions as qs
from bot.services.questions import Page
from bot.text import esc, shorten
from handlers.common import keyboard
from handlers.questions.flow import STEPS, QuestionDraft
from models import Question

Screen = tuple[str, InlineKeyboardMarkup]
Rows = list[list[tuple[str, str]]]

PAGE_SIZE = 5
LABEL_CHARS = 40
MINE_QUESTION_CHARS = 200
MINE_ANSWER_CHARS = 400  # five questions with answers stay well under Telegram's 4,096
L_SEND = N_("Send")
L_CHANGE = N_("Change")
L_OPEN = N_("Open")
L_MY_QUESTIONS = N_("My questions")
L_BACK = N_("Back to the list")
NOT_IN_SCOPE = N_("Sorry, this question is not in your HR scope, or it is no longer available.")
SETTLED_ALREADY = N_("This question has already been answered or closed.")
EARLIER_PREVIEW = N_("This button belongs to an earlier preview.")
OWN_UNAVAILABLE = N_("Sorry, this question is not available.")
RESTARTED = N_(
    "Sorry, your question draft is no longer here. Question drafts are never saved, so that "
    "an anonymous question leaves no trace; a restart of the bot clears them."
)
TEXT_KEPT = N_(
    "Your text is kept: choose how to send it, and you will see it again before it is sent."
)


# --- shared pieces ---


def one_line(text: str, limit: int = LABEL_CHARS) -> str:
    """Text on one line, shortened for a button label or a list line (plain; escape to send)."""
    return shorten(" ".join(text.split()), limit)


def page_of(context: BotContext, page: Page[Any]) -> str:
    """ "Page 2 of 3" (for lists of more than one page)."""
    return context.t._("Page {page} of {pages}").format(page=page.number + 1, pages=page.count)


def nav_row(context: BotContext, prefix: str, page: Page[Any]) -> Rows:
    """The Previous / Next row of a paged list ('prefix:<page>'); no row on a single page."""
    _ = context.t._
    nav: list[tuple[str, str]] = []
    if page.number > 0:
        nav.append(("‹ " + _("Previous"), f"{prefix}:{page.number - 1}"))
    if page.number < page.count - 1:
        nav.append((_("Next") + " ›", f"{prefix}:{page.number + 1}"))
    return [nav] if nav else []


def status_text(context: BotContext, question: Question) -> str:
    """The question's status in words."""
    _ = context.t._
    if question.status == qs.STATUS_ANSWERED:
        return _("Answered")
    if question.status == qs.STATUS_CLOSED:
        return _("Closed without an answer")
    return _("Waiting for an answer")


def outcome_lines(context: BotContext, question: Question) -> list[str]:
    """The answer, or the closing reason, or that HR has not answered yet."""
    _ = context.t._
    if question.status == qs.STATUS_ANSWERED:
        return [_("<b>Answer:</b>"), esc(question.answer)]
    if question.status == qs.STATUS_CLOSED:
        return [_("<b>Closed without an answer. Reason:</b>"), esc(question.answer)]
    return [_("HR has not answered yet. Thank you for your patience.")]


def settled_lines(context: BotContext, question: Question) -> list[str]:
    """When it was asked, the question (quoted short), and its answer or closing reason."""
    return [
        context.t._("Asked on {date}").format(date=context.t.date(question.created_at)),
        "",
        esc(shorten(question.text, qs.QUOTE_CHARS)),
        "",
        *outcome_lines(context, question),
    ]


def preview(
    context: BotContext, head: list[str], text: str, send_data: str, change_data: str
) -> Screen:
    """Typed text (escaped) under its heading, with Send / Change / Cancel."""
    _ = context.t._
    lines = [*head, "", esc(text), "", _("Send it?")]
    rows = [[(_(L_SEND), send_data), (_(L_CHANGE), change_data)], STEPS.cancel_row(context)]
    return "\n".join(lines), keyboard(rows)


# --- asking ---


def intro(context: BotContext, left: int, notice: str = "") -> Screen:
    """Named and anonymous questions explained, with today's questions left."""
    _ = context.t._
    lines = [
        _("<b>Ask HR a question</b>"),
        _("You can ask with your name or anonymously."),
        "",
        _(
            "• <b>With my name</b>: HR sees who you are and will send the answer to you "
            "in this chat."
        ),
        _(
            "• <b>Anonymous</b>: your name is not saved with the question, so HR will not "
            "know who asked and cannot answer you personally. The answer may be published "
            "in /faq for everyone."
        ),
        "",
        _("You can ask {left} more question(s) today.").format(left=context.t.number(left)),
    ]
    if notice:
        lines[:0] = [notice, ""]
    rows = [
        [(_("With my name"), "qa:mode:named")],
        [(_("Anonymous"), CHOOSE_ANONYMOUS)],
        [(_(L_MY_QUESTIONS), "qa:mine:0")],
        STEPS.cancel_row(context),
    ]
    return "\n".join(lines), keyboard(rows)


def limit_text(context: BotContext) -> str:
    """The polite message when today's limit is reached, naming tomorrow's date."""
    tomorrow = context.deps.clock.now().date() + timedelta(days=1)
    return context.t._(
        "You have asked {limit} questions today, which is the daily limit. Thank you for your "
        "questions! You can ask again tomorrow, {date}. Meanwhile, /faq may already have "
        "the answer."
    ).format(limit=context.t.number(qs.DAILY_LIMIT), date=context.t.date(tomorrow))


def limit_reached(context: BotContext) -> Screen:
    """The daily limit, with the way to the asker's own questions."""
    return limit_text(context), keyboard([[(context.t._(L_MY_QUESTIONS), "qa:mine:0")]])


def restarted_notice(context: BotContext, text_kept: bool) -> str:
    """Why the draft is gone (a restart), and whether what was just typed is kept."""
    notice = context.t._(RESTARTED)
    return notice + " " + context.t._(TEXT_KEPT) if text_kept else notice


def route_choice(context: BotContext) -> Screen:
    """Where an anonymous question goes: the HR of the asker's OPD, or BKPSDM."""
    _ = context.t._
    text = "\n".join(
        [
            _("<b>Anonymous question</b>"),
            _("Who should answer it?"),
            "",
            _(
                "• <b>HR of my OPD</b>: HR will see which OPD the question comes from (not "
                "who you are)."
            ),
            _("• <b>BKPSDM</b>: the city-wide HR answers; your OPD is not shown either."),
        ]
    )
    rows = [
        [(_("HR of my OPD"), ROUTE_PREFIX + "opd")],
        [(_("BKPSDM (city-wide HR)"), ROUTE_PREFIX + "city")],
        STEPS.cancel_row(context),
    ]
    return text, keyboard(rows)


def mode_line(context: BotContext, draft: QuestionDraft) -> str:
    """Say how the question will be sent."""
    _ = context.t._
    if draft.anonymous is not True:
        return _("Sent with your name; the answer comes to this chat.")
    if draft.to_own_opd:
        return _("Anonymous, to the HR of your OPD (HR sees your OPD, not your name).")
    return _("Anonymous, to BKPSDM (HR sees neither your name nor your OPD).")


def ask_text(context: BotContext, draft: QuestionDraft) -> str:
    """Ask for the question text, stating the limits."""
    _ = context.t._
    text = "\n".join(
        [
            mode_line(context, draft),
            "",
            _("Please type your question ({minimum} to {limit} characters).").format(
                minimum=context.t.number(qs.MIN_QUESTION), limit=context.t.number(qs.MAX_QUESTION)
            ),
        ]
    )
    if draft.anonymous is True:
        text += "\n" + _(
            "To stay anonymous, please do not write your name or NIP in the question."
        )
    return text


def question_preview(context: BotContext, draft: QuestionDraft) -> Screen:
    """The question as it will be sent, with a Send button for this preview only."""
    head = [context.t._("<b>Preview of your question</b>"), mode_line(context, draft)]
    return preview(context, head, draft.text, f"qa:send:{draft.nonce}", "qa:edit")


def sent_text(context: BotContext, anonymous: bool) -> str:
    """Thanks, and where the answer will come."""
    _ = context.t._
    if anonymous:
        return _(
            "Thank you! Your anonymous question has been sent to HR. Because HR does not know "
            "who asked, you will not receive a personal answer; please check /faq, where HR "
            "may publish the answer."
        )
    return _(
        "Thank you! Your question has been sent to HR. You will receive the answer in this chat."
    )


# --- an employee's own questions ---


def own_questions(context: BotContext, page: Page[Question]) -> Screen:
    """A page of the employee's named questions with status and answer."""
    _ = context.t._
    lines = [_("<b>My questions</b>")]
    rows: Rows = []
    if not page.rows:
        lines.append(_("You have not asked a question with your name yet."))
    for question in page.rows:
        lines += ["", *own_question_lines(context, question)]
        rows.append([(f"{_(L_OPEN)} #{question.id}", f"qa:myq:{question.id}")])
    if page.count > 1:
        lines += ["", page_of(context, page)]
    lines += [
        "",
        _("Anonymous questions are not listed: they are saved without any link to you."),
    ]
    rows += nav_row(context, "qa:mine", page)
    rows.append([(_("Ask a question"), "qa:new")])
    return "\n".join(lines), keyboard(rows)


def own_question_lines(context: BotContext, question: Question) -> list[str]:
    """One own question in the list: date, status, text, and the answer or reason."""
    _ = context.t._
    lines = [
        f"<b>#{question.id}</b> · {context.t.date(question.created_at, 'short')}"
        f" · {esc(status_text(context, question))}",
        esc(one_line(question.text, MINE_QUESTION_CHARS)),
    ]
    if question.status != qs.STATUS_OPEN:
        label = (
            _("Answer: {text}") if question.status == qs.STATUS_ANSWERED else _("Reason: {text}")
        )
        lines.append(label.format(text=esc(one_line(question.answer, MINE_ANSWER_CHARS))))
    return lines


def own_question(context: BotContext, question: Question) -> Screen:
    """One of the employee's own named questions in full."""
    _ = context.t._
    lines = [
        _("<b>Your question #{id}</b> · {status}").format(
            id=question.id, status=esc(status_text(context, question))
        ),
        *settled_lines(context, question),
    ]
    return "\n".join(lines), keyboard([[(_(L_BACK), "qa:mine:0")]])
