"""/tanya (/ask): questions to HR, optionally anonymous; HR's inbox and answers; and /faq.

An employee: /tanya -> With my name / Anonymous (explained) -> for anonymous: HR of my OPD or
BKPSDM -> type the question -> preview -> Send / Change / Cancel. The asking draft lives in
memory only (bot/runtime/private_drafts.py), never in the persisted user_data, and choosing where
an
anonymous question goes is part of the same step as choosing the mode, so a persisted
conversation state never tells an anonymous asker from a named one. HR: /tanya shows the inbox
(open questions in scope, newest first, paged) with Answer buttons and "Ask a question"; an
answer is typed, previewed and sent; afterwards it can be published to the FAQ (optionally
reworded). HR can also close a question with a reason. From the inbox, "Answered and closed"
lists settled questions in scope (paged), each openable; an answered one not yet in the FAQ can
be published from there. An employee's "My questions" lists their named questions with status
and answer (anonymous ones have no link, so they cannot be listed). /faq lists published
entries as buttons; HR sees their hidden entries apart and can show them again. Every rule,
scope checks included, lives in bot.services.questions.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.i18n import N_
from bot.runtime.private_drafts import CHOOSE_ANONYMOUS, ROUTE_PREFIX, sender_of
from bot.services import questions as qs
from bot.services.questions import AskResult, HrResult, TextProblem
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply
from models import FaqEntry, Question

# ROUTE is no longer a state of its own (MODE takes the route too); it keeps its number so
# that stored states keep theirs.
MODE, ROUTE, WRITE, PREVIEW, ANSWER, ANSWER_PREVIEW, PUBLISH, CLOSE = range(1, 9)
END = ConversationHandler.END
HR_KEY = "question_hr"
CANCEL = "qa:cancel"
PAGE_SIZE = 5
FAQ_PAGE_SIZE = 8
LABEL_CHARS = 40
SNIPPET_CHARS = 300
L_CANCEL = N_("Cancel")
L_SEND = N_("Send")
L_CHANGE = N_("Change")
L_ANSWER = N_("Answer")
L_OPEN = N_("Open")
L_MY_QUESTIONS = N_("My questions")
L_BACK = N_("Back to the list")
RESTARTED = N_(
    "Sorry, your question draft is no longer here. Question drafts are never saved, so that "
    "an anonymous question leaves no trace; a restart of the bot clears them."
)
START_AGAIN = N_("Please start again with /tanya.")


# --- small helpers ---


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Shorten text for a button label or a list line."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def data_of(update: Update) -> str:
    """The pressed button's callback data ('' when none)."""
    return (update.callback_query.data if update.callback_query else None) or ""


def callback_int(update: Update, prefix: str) -> int | None:
    """Parse 'prefix:<int>' from the pressed button; None for anything malformed."""
    parsed = parse_callback(data_of(update), prefix, 1)
    return parsed[0] if parsed else None


def callback_tail(update: Update, prefix: str) -> str:
    """What follows 'prefix:' in the pressed button's data ('' when absent)."""
    data = data_of(update)
    return data[len(prefix) + 1 :] if data.startswith(prefix + ":") else ""


def stored(context: BotContext, key: str) -> dict[str, Any] | None:
    """An HR draft dict from user_data, or None."""
    value = (context.user_data or {}).get(key)
    return value if isinstance(value, dict) else None


def keep(context: BotContext, key: str, draft: dict[str, Any]) -> None:
    """Store an HR draft in user_data (persisted, JSON values only)."""
    if context.user_data is not None:
        context.user_data[key] = draft


def asking(update: Update, context: BotContext) -> dict[str, Any] | None:
    """The speaker's unfinished question (in memory only), or None."""
    return context.deps.question_drafts.get(sender_of(update))


def keep_asking(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Hold the speaker's unfinished question in memory, never in persisted user_data."""
    context.deps.question_drafts.keep(sender_of(update), draft)


def forget(update: Update, context: BotContext) -> None:
    """Drop every draft of this flow (the anonymous choice included)."""
    context.deps.question_drafts.forget(sender_of(update))
    if context.user_data is not None:
        context.user_data.pop(HR_KEY, None)


def cancel_row(context: BotContext) -> list[tuple[str, str]]:
    """The Batal / Cancel button row."""
    return [(context.t._(L_CANCEL), CANCEL)]


def cancel_only(context: BotContext) -> InlineKeyboardMarkup:
    """A keyboard with only the Batal / Cancel button."""
    return keyboard([cancel_row(context)])


def problem_text(context: BotContext, problem: TextProblem) -> str:
    """Translate a text problem, with numbers written the user's way."""
    return context.t._(problem.reason).format(
        length=context.t.number(problem.length), limit=context.t.number(problem.limit)
    )


async def refuse(update: Update, context: BotContext) -> None:
    """Politely refuse a button naming a question outside the speaker's HR scope."""
    await answer(
        update,
        context.t._("Sorry, this question is not in your HR scope, or it is no longer available."),
        alert=True,
    )


async def lost(update: Update, context: BotContext) -> int:
    """The draft is gone: say so kindly and end."""
    forget(update, context)
    await answer(update)
    await reply(
        update,
        context,
        context.t._("Sorry, this draft is no longer available. Please start again with /tanya."),
    )
    return END


async def question_lost(update: Update, context: BotContext) -> int:
    """A question's draft is gone (it is never saved, so a restart clears it): say why."""
    forget(update, context)
    await answer(update)
    await reply(update, context, context.t._(RESTARTED) + " " + context.t._(START_AGAIN))
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """Batal: drop the draft; nothing is sent."""
    await answer(update)
    forget(update, context)
    await reply(update, context, context.t._("Cancelled. Nothing was sent."))
    return END


async def earlier_step(update: Update, context: BotContext) -> int | None:
    """A button of another step of this flow: answered, never acted upon."""
    await answer(
        update,
        context.t._("This button belongs to another step. Please use the latest message."),
        alert=True,
    )
    return None


async def text_expected(update: Update, context: BotContext) -> int | None:
    """Stickers, photos and the like where text is expected."""
    await reply(
        update, context, context.t._("Please type your text as a message."), cancel_only(context)
    )
    return None


# --- /tanya: the entry ---


async def start(update: Update, context: BotContext) -> int:
    """/tanya: HR sees the inbox; everyone else starts a question."""
    speaker = context.speaker
    if speaker is None:
        return END
    forget(update, context)
    if speaker.is_hr:
        await show_inbox(update, context, 0, edit=False)
        return END
    return await begin_question(update, context, edit=False)


async def start_from_button(update: Update, context: BotContext) -> int:
    """HR's "Ask a question" button: start a question like anyone else."""
    await answer(update)
    forget(update, context)
    return await begin_question(update, context, edit=False)


async def begin_question(
    update: Update, context: BotContext, *, edit: bool, kept_text: str = "", notice: str = ""
) -> int:
    """Explain named and anonymous questions, unless today's limit is already reached.

    `kept_text` is a question the user already typed (after a restart cleared their draft);
    `notice` is said first.
    """
    _ = context.t._
    speaker = context.speaker
    if speaker is None:
        return END
    deps = context.deps
    async with deps.sessions() as session:
        left = await qs.questions_left(session, deps.anonymous_tally, speaker.id, deps.clock.now())
    if left <= 0:
        await reply(
            update, context, limit_text(context), keyboard([[(_(L_MY_QUESTIONS), "qa:mine:0")]])
        )
        return END
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
    markup = keyboard(
        [
            [(_("With my name"), "qa:mode:named")],
            [(_("Anonymous"), CHOOSE_ANONYMOUS)],
            [(_(L_MY_QUESTIONS), "qa:mine:0")],
            cancel_row(context),
        ]
    )
    # Kept before the reply: the user may press a button as soon as it shows.
    draft = {"anonymous": None, "to_own_opd": True, "text": kept_text, "nonce": ""}
    keep_asking(update, context, draft)
    if edit:
        await edit_or_reply(update, context, "\n".join(lines), markup)
    else:
        await reply(update, context, "\n".join(lines), markup)
    return MODE


def limit_text(context: BotContext) -> str:
    """The polite message when today's limit is reached, naming tomorrow's date."""
    tomorrow = context.deps.clock.now().date() + timedelta(days=1)
    return context.t._(
        "You have asked {limit} questions today, which is the daily limit. Thank you for your "
        "questions! You can ask again tomorrow, {date}. Meanwhile, /faq may already have "
        "the answer."
    ).format(limit=context.t.number(qs.DAILY_LIMIT), date=context.t.date(tomorrow))


async def pick_mode(update: Update, context: BotContext) -> int | None:
    """Take "With my name" or "Anonymous"; anonymous questions then choose where they go, in
    the same state, so that no stored state tells the two apart."""
    _ = context.t._
    draft = asking(update, context)
    if draft is None:
        return await question_lost(update, context)
    mode = callback_tail(update, "qa:mode")
    if mode not in ("named", "anon"):
        await earlier_step(update, context)
        return None
    await answer(update)
    draft["anonymous"] = mode == "anon"
    draft["to_own_opd"] = True
    if mode == "named":
        return await continue_to_text(update, context, draft)
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
    markup = keyboard(
        [
            [(_("HR of my OPD"), ROUTE_PREFIX + "opd")],
            [(_("BKPSDM (city-wide HR)"), ROUTE_PREFIX + "city")],
            cancel_row(context),
        ]
    )
    await edit_or_reply(update, context, text, markup)
    return MODE


async def pick_route(update: Update, context: BotContext) -> int | None:
    """Take the anonymous question's destination, then ask for the text."""
    draft = asking(update, context)
    if draft is None:
        return await question_lost(update, context)
    route = callback_tail(update, "qa:route")
    if route not in ("opd", "city") or draft.get("anonymous") is not True:
        await earlier_step(update, context)
        return None
    await answer(update)
    draft["to_own_opd"] = route == "opd"
    return await continue_to_text(update, context, draft)


async def continue_to_text(update: Update, context: BotContext, draft: dict[str, Any]) -> int:
    """Ask for the question text, or preview the text the user typed before a restart."""
    if not draft.get("text"):
        await ask_text(update, context, draft, edit=True)
        return WRITE
    await preview_question(update, context, draft)
    return PREVIEW


def mode_line(context: BotContext, draft: dict[str, Any]) -> str:
    """Say how the question will be sent."""
    _ = context.t._
    if draft.get("anonymous") is not True:
        return _("Sent with your name; the answer comes to this chat.")
    if draft.get("to_own_opd"):
        return _("Anonymous, to the HR of your OPD (HR sees your OPD, not your name).")
    return _("Anonymous, to BKPSDM (HR sees neither your name nor your OPD).")


async def ask_text(
    update: Update, context: BotContext, draft: dict[str, Any], *, edit: bool
) -> None:
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
    if draft.get("anonymous") is True:
        text += "\n" + _(
            "To stay anonymous, please do not write your name or NIP in the question."
        )
    if edit:
        await edit_or_reply(update, context, text, cancel_only(context))
    else:
        await reply(update, context, text, cancel_only(context))


async def receive_text(update: Update, context: BotContext) -> int | None:
    """Take the typed question; refuse too short or too long text, stating the limit."""
    message = update.effective_message
    if message is None:
        return await question_lost(update, context)
    text = (message.text or "").strip()
    problem = qs.check_text(text, minimum=qs.MIN_QUESTION, limit=qs.MAX_QUESTION)
    draft = asking(update, context)
    if draft is None or draft.get("anonymous") is None:
        # A restart cleared the draft (it is never saved): keep what was just typed.
        notice = context.t._(RESTARTED)
        if problem is None:
            notice += " " + context.t._(
                "Your text is kept: choose how to send it, and you will see it again before "
                "it is sent."
            )
        return await begin_question(
            update, context, edit=False, kept_text="" if problem else text, notice=notice
        )
    if problem is not None:
        await reply(update, context, problem_text(context, problem), cancel_only(context))
        return None
    draft["text"] = text
    await preview_question(update, context, draft)
    return PREVIEW


async def preview_question(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Show the question as it will be sent, with a Send button for this preview only."""
    draft["nonce"] = secrets.token_hex(4)
    head = [context.t._("<b>Preview of your question</b>"), mode_line(context, draft)]
    await show_preview(
        update, context, head, str(draft["text"]), f"qa:send:{draft['nonce']}", "qa:edit"
    )


async def show_preview(
    update: Update,
    context: BotContext,
    head: list[str],
    text: str,
    send_data: str,
    change_data: str,
) -> None:
    """Show typed text (escaped) under its heading with Send / Change / Cancel."""
    _ = context.t._
    lines = [*head, "", esc(text), "", _("Send it?")]
    markup = keyboard([[(_(L_SEND), send_data), (_(L_CHANGE), change_data)], cancel_row(context)])
    await reply(update, context, "\n".join(lines), markup)


async def change_text(update: Update, context: BotContext) -> int | None:
    """Ubah: type the question again."""
    draft = asking(update, context)
    if draft is None:
        return await question_lost(update, context)
    await answer(update)
    await ask_text(update, context, draft, edit=True)
    return WRITE


async def send(update: Update, context: BotContext) -> int | None:
    """Kirim: save the question (counted against today's limit) and notify HR."""
    _ = context.t._
    speaker = context.speaker
    draft = asking(update, context)
    if speaker is None or draft is None or not draft.get("text"):
        return await question_lost(update, context)
    if callback_tail(update, "qa:send") != draft.get("nonce"):
        await answer(update, _("This button belongs to an earlier preview."), alert=True)
        return None
    await answer(update)
    deps = context.deps
    anonymous = draft.get("anonymous") is True
    async with deps.sessions() as session:
        outcome = await qs.ask(
            session,
            deps.i18n,
            tally=deps.anonymous_tally,
            asker=speaker.employee,
            text=str(draft["text"]),
            anonymous=anonymous,
            to_own_opd=bool(draft.get("to_own_opd")),
            now=deps.clock.now(),
        )
        if outcome.result is AskResult.ASKED:
            await session.commit()
    if outcome.result is AskResult.BAD_TEXT and outcome.problem is not None:
        await edit_or_reply(update, context, problem_text(context, outcome.problem))
        return WRITE
    forget(update, context)
    if outcome.result is AskResult.LIMIT:
        await edit_or_reply(update, context, limit_text(context))
        return END
    context.wake_outbox()
    if anonymous:
        text = _(
            "Thank you! Your anonymous question has been sent to HR. Because HR does not know "
            "who asked, you will not receive a personal answer; please check /faq, where HR "
            "may publish the answer."
        )
    else:
        text = _(
            "Thank you! Your question has been sent to HR. You will receive the answer in this "
            "chat."
        )
    await edit_or_reply(update, context, text)
    return END


# --- HR: the inbox ---


async def show_inbox(update: Update, context: BotContext, page: int, *, edit: bool) -> None:
    """One page of open questions in the HR officer's scope, newest first."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None:
        return
    page = max(0, page)
    async with context.deps.sessions() as session:
        rows, total = await qs.inbox(session, speaker, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        if not rows and page > 0:
            page = 0
            rows, total = await qs.inbox(session, speaker, offset=0, limit=PAGE_SIZE)
        labels = [await who_line(session, context, q) for q in rows]
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    lines = [_("<b>Questions for HR</b>")]
    buttons: list[list[tuple[str, str]]] = []
    if not rows:
        lines.append(_("There are no open questions in your scope. Well done!"))
    else:
        lines.append(
            _("{count} open question(s), newest first.").format(count=context.t.number(total))
        )
        for question, who in zip(rows, labels, strict=True):
            when = context.t.date(
                question.created_at.astimezone(context.deps.settings.tz), "short"
            )
            lines += [
                "",
                f"<b>#{question.id}</b> · {esc(who)} · {when}",
                esc(short(question.text, SNIPPET_CHARS)),
            ]
            buttons.append([(f"{_(L_ANSWER)} #{question.id}", f"qa:ans:{question.id}")])
        if pages > 1:
            lines += ["", _("Page {page} of {pages}").format(page=page + 1, pages=pages)]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append(("‹ " + _("Previous"), f"qa:pg:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " ›", f"qa:pg:{page + 1}"))
    if nav:
        buttons.append(nav)
    buttons.append([(_("Answered and closed"), "qa:done:0")])
    buttons.append([(_("Ask a question"), "qa:new")])
    if edit:
        await edit_or_reply(update, context, "\n".join(lines), keyboard(buttons))
    else:
        await reply(update, context, "\n".join(lines), keyboard(buttons))


async def who_line(session: AsyncSession, context: BotContext, question: Question) -> str:
    """Return the asker's name, or "Anonymous (OPD)", for HR's eyes (plain; escape to send)."""
    _ = context.t._
    if question.anonymous:
        opd = await qs.opd_name(session, question.opd_id)
        return _("Anonymous ({opd})").format(opd=opd) if opd else _("Anonymous (BKPSDM)")
    asker = await qs.asker_of(session, question)
    return asker.name if asker is not None else _("(former employee)")


async def turn_inbox_page(update: Update, context: BotContext) -> None:
    """Show another page of the inbox (HR only)."""
    speaker = context.speaker
    page = callback_int(update, "qa:pg")
    if speaker is None or not speaker.is_hr or page is None:
        await refuse(update, context)
        return
    await answer(update)
    await show_inbox(update, context, page, edit=True)


# --- HR: answered and closed questions ---


def nav_row(context: BotContext, prefix: str, page: int, pages: int) -> list[tuple[str, str]]:
    """Previous / Next buttons for a paged list ('prefix:<page>')."""
    _ = context.t._
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append(("‹ " + _("Previous"), f"{prefix}:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " ›", f"{prefix}:{page + 1}"))
    return nav


def status_text(context: BotContext, question: Question) -> str:
    """The question's status in words."""
    _ = context.t._
    if question.status == qs.STATUS_ANSWERED:
        return _("Answered")
    if question.status == qs.STATUS_CLOSED:
        return _("Closed without an answer")
    return _("Waiting for an answer")


async def turn_settled_page(update: Update, context: BotContext) -> None:
    """Show a page of answered and closed questions (HR only)."""
    speaker = context.speaker
    page = callback_int(update, "qa:done")
    if speaker is None or not speaker.is_hr or page is None:
        await refuse(update, context)
        return
    await answer(update)
    _ = context.t._
    async with context.deps.sessions() as session:
        rows, total = await qs.settled(session, speaker, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        if not rows and page > 0:
            page = 0
            rows, total = await qs.settled(session, speaker, offset=0, limit=PAGE_SIZE)
        labels = [await who_line(session, context, q) for q in rows]
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    lines = [_("<b>Answered and closed questions</b>")]
    buttons: list[list[tuple[str, str]]] = []
    if not rows:
        lines.append(_("No question in your scope has been answered or closed yet."))
    else:
        lines.append(
            _("{count} question(s), newest first. Open one to read the answer.").format(
                count=context.t.number(total)
            )
        )
        for question, who in zip(rows, labels, strict=True):
            settled_at = question.answered_at or question.created_at
            lines += [
                "",
                f"<b>#{question.id}</b> · {esc(who)} · {context.t.date(settled_at, 'short')}"
                f" · {esc(status_text(context, question))}",
                esc(short(question.text, SNIPPET_CHARS)),
            ]
            buttons.append([(f"{_(L_OPEN)} #{question.id}", f"qa:dq:{question.id}")])
        if pages > 1:
            lines += ["", _("Page {page} of {pages}").format(page=page + 1, pages=pages)]
    nav = nav_row(context, "qa:done", page, pages)
    if nav:
        buttons.append(nav)
    buttons.append([(_("Open questions"), "qa:pg:0")])
    await edit_or_reply(update, context, "\n".join(lines), keyboard(buttons))


def outcome_lines(context: BotContext, question: Question) -> list[str]:
    """The answer, or the closing reason, or that HR has not answered yet."""
    _ = context.t._
    if question.status == qs.STATUS_ANSWERED:
        return [_("<b>Answer:</b>"), esc(question.answer)]
    if question.status == qs.STATUS_CLOSED:
        return [_("<b>Closed without an answer. Reason:</b>"), esc(question.answer)]
    return [_("HR has not answered yet. Thank you for your patience.")]


async def show_settled_question(update: Update, context: BotContext) -> None:
    """Open one question for HR: question, outcome, who answered and when."""
    _ = context.t._
    question = await question_from_button(update, context, "qa:dq")
    if question is None or question.id is None:
        return
    async with context.deps.sessions() as session:
        who = await who_line(session, context, question)
        officer = await qs.answered_by(session, question)
        published = await qs.visible_entry_of(session, question.id) is not None
    await answer(update)
    lines = [
        _("<b>Question #{id}</b> · {who}").format(id=question.id, who=esc(who)),
        _("Asked on {date}").format(date=context.t.date(question.created_at)),
        "",
        esc(qs.shorten(question.text, qs.QUOTE_CHARS)),
        "",
        *outcome_lines(context, question),
    ]
    if question.answered_at is not None:
        name = officer.name if officer is not None else _("(former employee)")
        lines += [
            "",
            _("By {name} on {date}").format(
                name=esc(name), date=context.t.date_time(question.answered_at)
            ),
        ]
    rows: list[list[tuple[str, str]]] = []
    if question.status == qs.STATUS_OPEN:
        rows.append([(f"{_(L_ANSWER)} #{question.id}", f"qa:ans:{question.id}")])
    elif question.status == qs.STATUS_ANSWERED and published:
        lines += ["", _("This answer is published in /faq.")]
    elif question.status == qs.STATUS_ANSWERED:
        rows.append([(_("Publish to FAQ"), f"qa:pub:{question.id}")])
    rows.append([(_(L_BACK), "qa:done:0")])
    await reply(update, context, "\n".join(lines), keyboard(rows))


# --- an employee's own questions ---

MINE_QUESTION_CHARS = 200
MINE_ANSWER_CHARS = 400  # five questions with answers stay well under Telegram's 4,096


async def show_own_questions(update: Update, context: BotContext) -> int:
    """My questions: a page of the employee's named questions with status and answer."""
    _ = context.t._
    speaker = context.speaker
    page = callback_int(update, "qa:mine")
    if speaker is None or page is None:
        await earlier_step(update, context)
        return END
    await answer(update)
    forget(update, context)
    async with context.deps.sessions() as session:
        rows, total = await qs.own_questions(
            session, speaker, offset=page * PAGE_SIZE, limit=PAGE_SIZE
        )
        if not rows and page > 0:
            page = 0
            rows, total = await qs.own_questions(session, speaker, offset=0, limit=PAGE_SIZE)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    lines = [_("<b>My questions</b>")]
    buttons: list[list[tuple[str, str]]] = []
    if not rows:
        lines.append(_("You have not asked a question with your name yet."))
    for question in rows:
        lines += [
            "",
            f"<b>#{question.id}</b> · {context.t.date(question.created_at, 'short')}"
            f" · {esc(status_text(context, question))}",
            esc(short(question.text, MINE_QUESTION_CHARS)),
        ]
        if question.status != qs.STATUS_OPEN:
            label = (
                _("Answer: {text}")
                if question.status == qs.STATUS_ANSWERED
                else _("Reason: {text}")
            )
            lines.append(label.format(text=esc(short(question.answer, MINE_ANSWER_CHARS))))
        buttons.append([(f"{_(L_OPEN)} #{question.id}", f"qa:myq:{question.id}")])
    if pages > 1:
        lines += ["", _("Page {page} of {pages}").format(page=page + 1, pages=pages)]
    lines += [
        "",
        _("Anonymous questions are not listed: they are saved without any link to you."),
    ]
    nav = nav_row(context, "qa:mine", page, pages)
    if nav:
        buttons.append(nav)
    buttons.append([(_("Ask a question"), "qa:new")])
    await edit_or_reply(update, context, "\n".join(lines), keyboard(buttons))
    return END


async def show_own_question(update: Update, context: BotContext) -> None:
    """Open one of the employee's own named questions in full."""
    _ = context.t._
    speaker = context.speaker
    question_id = callback_int(update, "qa:myq")
    question = None
    if speaker is not None and question_id is not None:
        async with context.deps.sessions() as session:
            question = await qs.own_question(session, speaker, question_id)
    if question is None:
        await answer(update, _("Sorry, this question is not available."), alert=True)
        return
    await answer(update)
    lines = [
        _("<b>Your question #{id}</b> · {status}").format(
            id=question.id, status=esc(status_text(context, question))
        ),
        _("Asked on {date}").format(date=context.t.date(question.created_at)),
        "",
        esc(qs.shorten(question.text, qs.QUOTE_CHARS)),
        "",
        *outcome_lines(context, question),
    ]
    await reply(update, context, "\n".join(lines), keyboard([[(_(L_BACK), "qa:mine:0")]]))


# --- HR: answering and closing ---


async def start_answer(update: Update, context: BotContext) -> int | None:
    """Jawab: show the question and ask HR for the answer."""
    _ = context.t._
    speaker = context.speaker
    question_id = callback_int(update, "qa:ans")
    if speaker is None or question_id is None:
        await refuse(update, context)
        return None
    async with context.deps.sessions() as session:
        question = await qs.question_for_hr(session, speaker, question_id)
        who = await who_line(session, context, question) if question is not None else ""
    if question is None or question.id is None:
        await refuse(update, context)
        return None
    if question.status != qs.STATUS_OPEN:
        await answer(update, _("This question has already been answered or closed."), alert=True)
        return None
    await answer(update)
    forget(update, context)
    keep(context, HR_KEY, {"question_id": question.id, "text": "", "nonce": ""})
    lines = [
        _("<b>Question #{id}</b> · {who}").format(id=question.id, who=esc(who)),
        "",
        esc(question.text),
        "",
    ]
    if question.anonymous:
        lines.append(
            _(
                "This question is anonymous: the asker cannot be told personally. Consider "
                "publishing the answer to /faq afterwards."
            )
        )
    lines.append(
        _("Please type your answer (at most {limit} characters).").format(
            limit=context.t.number(qs.MAX_ANSWER)
        )
    )
    markup = keyboard(
        [[(_("Close without answering"), f"qa:close:{question.id}")], cancel_row(context)]
    )
    await reply(update, context, "\n".join(lines), markup)
    return ANSWER


async def receive_answer(update: Update, context: BotContext) -> int | None:
    """Take HR's typed answer and show a preview."""
    _ = context.t._
    message = update.effective_message
    draft = stored(context, HR_KEY)
    if draft is None or message is None or not isinstance(draft.get("question_id"), int):
        return await lost(update, context)
    text = (message.text or "").strip()
    problem = qs.check_text(text, minimum=1, limit=qs.MAX_ANSWER)
    if problem is not None:
        await reply(update, context, problem_text(context, problem), cancel_only(context))
        return None
    draft["text"] = text
    draft["nonce"] = secrets.token_hex(4)
    keep(context, HR_KEY, draft)
    head = [_("<b>Preview of your answer to question #{id}</b>").format(id=draft["question_id"])]
    await show_preview(update, context, head, text, f"qa:asend:{draft['nonce']}", "qa:aedit")
    return ANSWER_PREVIEW


async def change_answer(update: Update, context: BotContext) -> int | None:
    """Ubah: type the answer again."""
    draft = stored(context, HR_KEY)
    if draft is None:
        return await lost(update, context)
    await answer(update)
    await edit_or_reply(
        update,
        context,
        context.t._("Please type your answer (at most {limit} characters).").format(
            limit=context.t.number(qs.MAX_ANSWER)
        ),
        cancel_only(context),
    )
    return ANSWER


async def send_answer(update: Update, context: BotContext) -> int | None:
    """Kirim: save the answer, queue it for a named asker, offer publishing to the FAQ."""
    _ = context.t._
    speaker = context.speaker
    draft = stored(context, HR_KEY)
    if speaker is None or draft is None or not isinstance(draft.get("question_id"), int):
        return await lost(update, context)
    if callback_tail(update, "qa:asend") != draft.get("nonce"):
        await answer(update, _("This button belongs to an earlier preview."), alert=True)
        return None
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await qs.answer(
            session,
            deps.i18n,
            speaker=speaker,
            question_id=draft["question_id"],
            text=str(draft["text"]),
            now=deps.clock.utcnow(),
        )
        if outcome.result is HrResult.DONE:
            await session.commit()
    if outcome.result is HrResult.NOT_FOUND:
        forget(update, context)
        await refuse(update, context)
        return END
    await answer(update)
    if outcome.result is HrResult.BAD_TEXT and outcome.problem is not None:
        await reply(update, context, problem_text(context, outcome.problem), cancel_only(context))
        return ANSWER
    forget(update, context)
    if outcome.result is HrResult.ALREADY:
        await edit_or_reply(
            update, context, _("This question has already been answered or closed.")
        )
        return END
    context.wake_outbox()
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
    markup = keyboard([[(_("Publish to FAQ"), f"qa:pub:{question.id}")]])
    await edit_or_reply(update, context, text, markup)
    return END


async def question_from_button(
    update: Update, context: BotContext, prefix: str
) -> Question | None:
    """Load the question a button names if this HR officer may handle it; else refuse."""
    speaker = context.speaker
    question_id = callback_int(update, prefix)
    question = None
    if speaker is not None and question_id is not None:
        async with context.deps.sessions() as session:
            question = await qs.question_for_hr(session, speaker, question_id)
    if question is None or question.id is None:
        await refuse(update, context)
        return None
    return question


async def start_close(update: Update, context: BotContext) -> int | None:
    """Close without answering: ask for the reason."""
    _ = context.t._
    question = await question_from_button(update, context, "qa:close")
    if question is None:
        return None
    if question.status != qs.STATUS_OPEN:
        await answer(update, _("This question has already been answered or closed."), alert=True)
        return None
    await answer(update)
    forget(update, context)
    keep(context, HR_KEY, {"question_id": question.id, "text": "", "nonce": ""})
    await reply(
        update,
        context,
        _(
            "Please type the reason for closing question #{id} without an answer ({minimum} "
            "to {limit} characters). A named asker will see this reason."
        ).format(
            id=question.id,
            minimum=context.t.number(qs.MIN_REASON),
            limit=context.t.number(qs.MAX_REASON),
        ),
        cancel_only(context),
    )
    return CLOSE


async def receive_reason(update: Update, context: BotContext) -> int | None:
    """Take the reason and close the question."""
    _ = context.t._
    speaker = context.speaker
    message = update.effective_message
    draft = stored(context, HR_KEY)
    if (
        speaker is None
        or message is None
        or draft is None
        or not isinstance(draft.get("question_id"), int)
    ):
        return await lost(update, context)
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await qs.close(
            session,
            deps.i18n,
            speaker=speaker,
            question_id=draft["question_id"],
            reason=message.text or "",
            now=deps.clock.utcnow(),
        )
        if outcome.result is HrResult.DONE:
            await session.commit()
    if outcome.result is HrResult.BAD_TEXT and outcome.problem is not None:
        await reply(update, context, problem_text(context, outcome.problem), cancel_only(context))
        return None
    forget(update, context)
    if outcome.result is HrResult.NOT_FOUND:
        await reply(
            update,
            context,
            _("Sorry, this question is not in your HR scope, or it is no longer available."),
        )
        return END
    if outcome.result is HrResult.ALREADY:
        await reply(update, context, _("This question has already been answered or closed."))
        return END
    context.wake_outbox()
    await reply(
        update,
        context,
        _("Question #{id} is closed.").format(id=draft["question_id"]),
    )
    return END


# --- HR: publishing to the FAQ ---


async def start_publish(update: Update, context: BotContext) -> int | None:
    """Terbitkan ke FAQ: show the entry as it will appear; publish as is or reword."""
    _ = context.t._
    question = await question_from_button(update, context, "qa:pub")
    if question is None:
        return None
    if question.status != qs.STATUS_ANSWERED:
        await answer(update, _("Only answered questions can be published."), alert=True)
        return None
    await answer(update)
    forget(update, context)
    draft = {"question_id": question.id, "text": question.text, "nonce": secrets.token_hex(4)}
    keep(context, HR_KEY, draft)
    await publish_preview(update, context, draft, question.answer)
    return PUBLISH


async def publish_preview(
    update: Update, context: BotContext, draft: dict[str, Any], answer_text: str
) -> None:
    """Show the FAQ entry as readers will see it, with Publish / Reword / Cancel."""
    _ = context.t._
    lines = [
        _("<b>FAQ entry preview</b>"),
        "",
        _("<b>Question:</b>"),
        esc(draft["text"]),
        "",
        _("<b>Answer:</b>"),
        esc(answer_text),
        "",
        _(
            "Please make sure the question names no person. To change its wording, press "
            "<b>Reword</b> or simply type the new wording."
        ),
    ]
    markup = keyboard(
        [
            [(_("Publish"), f"qa:pubok:{draft['nonce']}"), (_("Reword"), "qa:pubedit")],
            cancel_row(context),
        ]
    )
    await reply(update, context, "\n".join(lines), markup)


async def reword_prompt(update: Update, context: BotContext) -> int | None:
    """Reword: ask for the new question wording."""
    if stored(context, HR_KEY) is None:
        return await lost(update, context)
    await answer(update)
    await reply(
        update,
        context,
        context.t._(
            "Please type the question as it should appear in the FAQ ({minimum} to {limit} "
            "characters), without personal details."
        ).format(
            minimum=context.t.number(qs.MIN_QUESTION), limit=context.t.number(qs.MAX_QUESTION)
        ),
        cancel_only(context),
    )
    return PUBLISH


async def receive_rewording(update: Update, context: BotContext) -> int | None:
    """Take the reworded question and show the preview again."""
    message = update.effective_message
    speaker = context.speaker
    draft = stored(context, HR_KEY)
    if speaker is None or message is None or draft is None:
        return await lost(update, context)
    text = (message.text or "").strip()
    problem = qs.check_text(text, minimum=qs.MIN_QUESTION, limit=qs.MAX_QUESTION)
    if problem is not None:
        await reply(update, context, problem_text(context, problem), cancel_only(context))
        return None
    async with context.deps.sessions() as session:
        question = await qs.question_for_hr(session, speaker, int(draft["question_id"]))
    if question is None:
        return await lost(update, context)
    draft["text"] = text
    draft["nonce"] = secrets.token_hex(4)
    keep(context, HR_KEY, draft)
    await publish_preview(update, context, draft, question.answer)
    return PUBLISH


async def confirm_publish(update: Update, context: BotContext) -> int | None:
    """Publish: create the FAQ entry."""
    _ = context.t._
    speaker = context.speaker
    draft = stored(context, HR_KEY)
    if speaker is None or draft is None or not isinstance(draft.get("question_id"), int):
        return await lost(update, context)
    if callback_tail(update, "qa:pubok") != draft.get("nonce"):
        await answer(update, _("This button belongs to an earlier preview."), alert=True)
        return None
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await qs.publish(
            session,
            speaker=speaker,
            question_id=draft["question_id"],
            question_text=str(draft["text"]),
            now=deps.clock.utcnow(),
        )
        if outcome.result is HrResult.DONE:
            await session.commit()
    if outcome.result is HrResult.NOT_FOUND:
        forget(update, context)
        await refuse(update, context)
        return END
    await answer(update)
    if outcome.result is HrResult.BAD_TEXT and outcome.problem is not None:
        await reply(update, context, problem_text(context, outcome.problem), cancel_only(context))
        return None
    forget(update, context)
    if outcome.result is HrResult.ALREADY:
        text = _("This question is already in the FAQ.")
    elif outcome.result is HrResult.NOT_ANSWERED:
        text = _("Only answered questions can be published.")
    else:
        text = _("Published. Everyone can now read it with /faq.")
    await edit_or_reply(update, context, text)
    return END


# --- /faq ---


async def faq(update: Update, context: BotContext) -> None:
    """/faq: the first page of published questions."""
    await show_faq(update, context, 0, edit=False)


async def turn_faq_page(update: Update, context: BotContext) -> None:
    """Another page of the FAQ."""
    page = callback_int(update, "faq:pg")
    if context.speaker is None or page is None:
        await answer(update, context.t._("Sorry, this FAQ entry is not available."), alert=True)
        return
    await answer(update)
    await show_faq(update, context, page, edit=True)


async def show_faq(update: Update, context: BotContext, page: int, *, edit: bool) -> None:
    """One page of FAQ questions as buttons."""
    _ = context.t._
    async with context.deps.sessions() as session:
        rows, total = await qs.faq_page(session, offset=page * FAQ_PAGE_SIZE, limit=FAQ_PAGE_SIZE)
        if not rows and page > 0:
            page = 0
            rows, total = await qs.faq_page(session, offset=0, limit=FAQ_PAGE_SIZE)
        hidden_row = await hidden_button(context, session)
    pages = max(1, (total + FAQ_PAGE_SIZE - 1) // FAQ_PAGE_SIZE)
    if not rows:
        text = _(
            "<b>Frequently asked questions</b>\nNothing has been published yet. You can ask HR "
            "with /tanya."
        )
        markup = keyboard([hidden_row]) if hidden_row else None
        await (edit_or_reply if edit else reply)(update, context, text, markup)
        return
    text = _("<b>Frequently asked questions</b>\nChoose a question to read the answer.")
    if pages > 1:
        text += "\n" + _("Page {page} of {pages}").format(page=page + 1, pages=pages)
    buttons = [[(short(entry.question), f"faq:e:{entry.id}")] for entry in rows]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append(("‹ " + _("Previous"), f"faq:pg:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " ›", f"faq:pg:{page + 1}"))
    if nav:
        buttons.append(nav)
    if hidden_row:
        buttons.append(hidden_row)
    if edit:
        await edit_or_reply(update, context, text, keyboard(buttons))
    else:
        await reply(update, context, text, keyboard(buttons))


def faq_text(context: BotContext, entry: FaqEntry) -> str:
    """One FAQ entry: the question and its answer."""
    _ = context.t._
    return "\n".join(
        [
            _("<b>Question:</b>"),
            esc(entry.question),
            "",
            _("<b>Answer:</b>"),
            esc(entry.answer),
        ]
    )


async def show_faq_entry(update: Update, context: BotContext) -> None:
    """Show one FAQ entry; HR who may hide it get a Hide button."""
    _ = context.t._
    speaker = context.speaker
    entry_id = callback_int(update, "faq:e")
    async with context.deps.sessions() as session:
        entry = await qs.faq_entry(session, entry_id) if entry_id is not None else None
        hideable = (
            entry is not None
            and speaker is not None
            and await qs.may_hide(session, speaker, entry)
        )
    if speaker is None or entry is None:
        await answer(update, _("Sorry, this FAQ entry is not available."), alert=True)
        return
    await answer(update)
    rows = [[(_(L_BACK), "faq:pg:0")]]
    if hideable:
        rows.insert(0, [(_("Hide from FAQ"), f"faq:hide:{entry.id}")])
    await reply(update, context, faq_text(context, entry), keyboard(rows))


async def hide_faq_entry(update: Update, context: BotContext) -> None:
    """HR hides an entry from /faq (scope checked in the service)."""
    _ = context.t._
    speaker = context.speaker
    entry_id = callback_int(update, "faq:hide")
    deps = context.deps
    async with deps.sessions() as session:
        entry = (
            await qs.hide(session, speaker=speaker, entry_id=entry_id, now=deps.clock.utcnow())
            if speaker is not None and entry_id is not None
            else None
        )
        if entry is not None:
            await session.commit()
    if entry is None:
        await answer(update, _("Sorry, you cannot hide this FAQ entry."), alert=True)
        return
    await answer(update)
    await edit_or_reply(update, context, _("The entry is hidden from /faq."))


async def hidden_button(context: BotContext, session: AsyncSession) -> list[tuple[str, str]]:
    """HR's "Hidden FAQ entries" row when they may show some again; else no row."""
    speaker = context.speaker
    if speaker is None or not speaker.is_hr:
        return []
    _rows, total = await qs.hidden_faq(session, speaker, offset=0, limit=1)
    if not total:
        return []
    label = context.t._("Hidden FAQ entries ({count})").format(count=context.t.number(total))
    return [(label, "faq:hid:0")]


async def turn_hidden_page(update: Update, context: BotContext) -> None:
    """Show a page of hidden FAQ entries this HR officer may show again."""
    _ = context.t._
    speaker = context.speaker
    page = callback_int(update, "faq:hid")
    if speaker is None or not speaker.is_hr or page is None:
        await answer(update, _("Sorry, this FAQ entry is not available."), alert=True)
        return
    await answer(update)
    async with context.deps.sessions() as session:
        offset = page * FAQ_PAGE_SIZE
        rows, total = await qs.hidden_faq(session, speaker, offset=offset, limit=FAQ_PAGE_SIZE)
        if not rows and page > 0:
            page = 0
            rows, total = await qs.hidden_faq(session, speaker, offset=0, limit=FAQ_PAGE_SIZE)
    pages = max(1, (total + FAQ_PAGE_SIZE - 1) // FAQ_PAGE_SIZE)
    if not rows:
        text = _("<b>Hidden FAQ entries</b>\nThere are no hidden entries you can show again.")
    else:
        text = _("<b>Hidden FAQ entries</b>\nChoose an entry to read it or show it again.")
        if pages > 1:
            text += "\n" + _("Page {page} of {pages}").format(page=page + 1, pages=pages)
    buttons = [[(short(entry.question), f"faq:he:{entry.id}")] for entry in rows]
    nav = nav_row(context, "faq:hid", page, pages)
    if nav:
        buttons.append(nav)
    buttons.append([(_("Back to the FAQ"), "faq:pg:0")])
    await edit_or_reply(update, context, text, keyboard(buttons))


async def show_hidden_entry(update: Update, context: BotContext) -> None:
    """Show one hidden entry with a button to show it in /faq again."""
    _ = context.t._
    speaker = context.speaker
    entry_id = callback_int(update, "faq:he")
    entry = None
    if speaker is not None and entry_id is not None:
        async with context.deps.sessions() as session:
            entry = await qs.hidden_entry_for_hr(session, speaker, entry_id)
    if entry is None:
        await answer(update, _("Sorry, this FAQ entry is not available."), alert=True)
        return
    await answer(update)
    text = _("<b>Hidden from /faq</b>") + "\n\n" + faq_text(context, entry)
    rows = [
        [(_("Show in FAQ again"), f"faq:show:{entry.id}")],
        [(_(L_BACK), "faq:hid:0")],
    ]
    await reply(update, context, text, keyboard(rows))


async def unhide_faq_entry(update: Update, context: BotContext) -> None:
    """HR shows a hidden entry in /faq again (scope checked in the service)."""
    _ = context.t._
    speaker = context.speaker
    entry_id = callback_int(update, "faq:show")
    deps = context.deps
    if speaker is None or entry_id is None:
        await answer(update, _("Sorry, you cannot show this FAQ entry again."), alert=True)
        return
    async with deps.sessions() as session:
        outcome = await qs.unhide(
            session, speaker=speaker, entry_id=entry_id, now=deps.clock.utcnow()
        )
        if outcome.result is HrResult.DONE:
            await session.commit()
    if outcome.result is HrResult.NOT_FOUND:
        await answer(update, _("Sorry, you cannot show this FAQ entry again."), alert=True)
        return
    await answer(update)
    if outcome.result is HrResult.ALREADY:
        text = _(
            "This question is already in the FAQ with a newer entry, so this one stays hidden."
        )
    else:
        text = _("The entry is shown in /faq again.")
    await edit_or_reply(update, context, text)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The questions conversation, the inbox pages, and the stateless /faq handlers."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["tanya", "ask"], start),
            CallbackQueryHandler(start_from_button, pattern=r"^qa:new$"),
            CallbackQueryHandler(start_answer, pattern=r"^qa:ans:"),
            CallbackQueryHandler(start_close, pattern=r"^qa:close:"),
            CallbackQueryHandler(start_publish, pattern=r"^qa:pub:"),
            CallbackQueryHandler(show_own_questions, pattern=r"^qa:mine:"),
        ],
        states={
            MODE: [
                CallbackQueryHandler(pick_mode, pattern=r"^qa:mode:"),
                CallbackQueryHandler(pick_route, pattern=r"^qa:route:"),
            ],
            WRITE: [MessageHandler(text, receive_text), MessageHandler(other, text_expected)],
            PREVIEW: [
                CallbackQueryHandler(send, pattern=r"^qa:send:"),
                CallbackQueryHandler(change_text, pattern=r"^qa:edit$"),
                # Typing again on the preview replaces the text: nothing typed is ignored.
                MessageHandler(text, receive_text),
            ],
            ANSWER: [MessageHandler(text, receive_answer), MessageHandler(other, text_expected)],
            ANSWER_PREVIEW: [
                CallbackQueryHandler(send_answer, pattern=r"^qa:asend:"),
                CallbackQueryHandler(change_answer, pattern=r"^qa:aedit$"),
                MessageHandler(text, receive_answer),
            ],
            PUBLISH: [
                CallbackQueryHandler(confirm_publish, pattern=r"^qa:pubok:"),
                CallbackQueryHandler(reword_prompt, pattern=r"^qa:pubedit$"),
                MessageHandler(text, receive_rewording),
                MessageHandler(other, text_expected),
            ],
            CLOSE: [MessageHandler(text, receive_reason), MessageHandler(other, text_expected)],
        },
        fallbacks=[
            CommandHandler(["batal", "cancel"], cancel),
            CallbackQueryHandler(cancel, pattern=f"^{CANCEL}$"),
            CallbackQueryHandler(
                earlier_step, pattern=r"^qa:(mode|route|send|edit|asend|aedit|pubok|pubedit)(:|$)"
            ),
        ],
        name="questions",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CallbackQueryHandler(turn_inbox_page, pattern=r"^qa:pg:"),
        CallbackQueryHandler(turn_settled_page, pattern=r"^qa:done:"),
        CallbackQueryHandler(show_settled_question, pattern=r"^qa:dq:"),
        CallbackQueryHandler(show_own_question, pattern=r"^qa:myq:"),
        CommandHandler("faq", faq),
        CallbackQueryHandler(turn_faq_page, pattern=r"^faq:pg:"),
        CallbackQueryHandler(show_faq_entry, pattern=r"^faq:e:"),
        CallbackQueryHandler(hide_faq_entry, pattern=r"^faq:hide:"),
        CallbackQueryHandler(turn_hidden_page, pattern=r"^faq:hid:"),
        CallbackQueryHandler(show_hidden_entry, pattern=r"^faq:he:"),
        CallbackQueryHandler(unhide_faq_entry, pattern=r"^faq:show:"),
    ]
