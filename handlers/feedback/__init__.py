"""/umpanbalik (/feedback): a leader gives continuous feedback; the employee thanks or replies.

The leader's flow, all by buttons: pick a team member (paged) -> a recent report, a target or
"General" -> Appreciation / Suggestion -> a BerAKHLAK value or Skip -> type the text (or ask
for the template) -> preview -> Send / Change / Cancel. It also starts from the "Give
feedback" button of a report notice (fb:report:<id>) and from the team view (fb:emp:<id>).
The employee answers with "Thank you" (fb:ack:<id>) or "Reply" (fb:reply:<id>). Every rule,
ownership checks included, lives in bot.services.feedback.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
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
from bot.services import feedback as fb
from bot.services import reports
from bot.services.feedback import AnswerResult, SendResult, TextProblem
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply
from models import Feedback

PICK_EMPLOYEE, SUBJECT, KIND, VALUE, WRITE, PREVIEW, REPLY = range(1, 8)
END = ConversationHandler.END
DRAFT_KEY = "feedback_draft"
REPLY_KEY = "feedback_reply"
CANCEL = "fb:cancel"
PAGE_SIZE = 8
LABEL_CHARS = 40
L_CANCEL = N_("Cancel")
L_GENERAL = N_("General")
L_SKIP = N_("Skip")
L_TEMPLATE = N_("Use template")
L_SEND = N_("Send")
L_CHANGE = N_("Change")


# --- small helpers ---


def draft_of(context: BotContext) -> dict[str, Any] | None:
    """Return the leader's draft from user_data, or None when there is none."""
    data = (context.user_data or {}).get(DRAFT_KEY)
    return data if isinstance(data, dict) and isinstance(data.get("employee_id"), int) else None


def keep(context: BotContext, draft: dict[str, Any]) -> None:
    """Store the draft in user_data (persisted, JSON values only)."""
    if context.user_data is not None:
        context.user_data[DRAFT_KEY] = draft


def forget(context: BotContext) -> None:
    """Drop the draft and any pending reply."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
        context.user_data.pop(REPLY_KEY, None)


def new_draft(employee_id: int, report_id: int | None = None) -> dict[str, Any]:
    """Start a JSON-serialisable draft; the nonce tells this preview's Send from older ones."""
    return {
        "employee_id": employee_id,
        "employee_name": "",
        "report_id": report_id,
        "target_id": None,
        "subject": "",
        "kind": "",
        "value": "",
        "text": "",
        "nonce": secrets.token_hex(8),
    }


def period(context: BotContext) -> str:
    """Return the current semester code, e.g. '2026-2'."""
    return reports.current_period(context.deps.clock.now().date())


def callback_ints(update: Update, prefix: str) -> int | None:
    """Parse 'prefix:<int>' from the pressed button; None for anything malformed."""
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, prefix, 1)
    return parsed[0] if parsed else None


def callback_tail(update: Update, prefix: str) -> str:
    """Return what follows 'prefix:' in the pressed button's data ('' when absent)."""
    data = (update.callback_query.data if update.callback_query else None) or ""
    return data[len(prefix) + 1 :] if data.startswith(prefix + ":") else ""


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Shorten text for a button label."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    """Politely refuse a button that names someone outside the speaker's team."""
    await answer(
        update,
        context.t._(
            "Sorry, you can give feedback only to your own team members, on their own reports "
            "and targets."
        ),
        alert=True,
    )


async def lost(update: Update, context: BotContext) -> int:
    """The draft is gone: say so kindly and end."""
    forget(context)
    await answer(update)
    await reply(
        update,
        context,
        context.t._(
            "Sorry, this feedback draft is no longer available. Please start again with "
            "/umpanbalik."
        ),
    )
    return END


# --- 1. choosing a team member ---


async def start(update: Update, context: BotContext) -> int | None:
    """/umpanbalik: list the speaker's team, or explain kindly who gives feedback."""
    _ = context.t._
    await answer(update)
    speaker = context.speaker
    if speaker is None:
        return END
    forget(context)
    async with context.deps.sessions() as session:
        team = await fb.team_of(session, speaker.id, period(context))
    if not team:
        await reply(
            update,
            context,
            _(
                "Feedback here is given by leaders to the members of their own team. You have "
                "no team members in the bot at the moment.\n\nWhen your leader sends you "
                "feedback, it will appear in this chat, and you can thank them or reply."
            ),
        )
        return END
    await show_team(update, context, team, 0, edit=False)
    return PICK_EMPLOYEE


async def show_team(
    update: Update, context: BotContext, team: list[Any], page: int, *, edit: bool
) -> None:
    """One page of team members as buttons, with Previous/Next when there are many."""
    _ = context.t._
    pages = max(1, (len(team) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = max(0, min(page, pages - 1))
    rows = [
        [(short(e.name), f"fb:e:{e.id}")] for e in team[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append(("‹ " + _("Previous"), f"fb:pg:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " ›", f"fb:pg:{page + 1}"))
    if nav:
        rows.append(nav)
    rows.append(cancel_row(context))
    text = _(
        "<b>Feedback</b>\nWho would you like to give feedback to? Regular, specific feedback "
        "helps your team grow."
    )
    if pages > 1:
        text += "\n" + _("Page {page} of {pages}").format(page=page + 1, pages=pages)
    if edit:
        await edit_or_reply(update, context, text, keyboard(rows))
    else:
        await reply(update, context, text, keyboard(rows))


async def turn_page(update: Update, context: BotContext) -> int | None:
    """Show another page of the team."""
    await answer(update)
    page = callback_ints(update, "fb:pg")
    if context.speaker is None or page is None:
        return None
    async with context.deps.sessions() as session:
        team = await fb.team_of(session, context.speaker.id, period(context))
    await show_team(update, context, team, page, edit=True)
    return None


async def pick_employee(update: Update, context: BotContext) -> int | None:
    """Take the chosen team member (checked again: the button may be old or crafted)."""
    return await begin_for_employee(update, context, callback_ints(update, "fb:e"))


async def start_for_employee(update: Update, context: BotContext) -> int | None:
    """Entry from the team view: feedback for one named employee."""
    return await begin_for_employee(update, context, callback_ints(update, "fb:emp"))


async def begin_for_employee(
    update: Update, context: BotContext, employee_id: int | None
) -> int | None:
    """Start a draft for this employee if they are on the speaker's team, then ask the subject."""
    speaker = context.speaker
    if speaker is None:
        return END
    async with context.deps.sessions() as session:
        employee = (
            await fb.team_member(session, speaker.id, employee_id, period(context))
            if employee_id is not None
            else None
        )
        subjects = (
            await fb.subjects_of(session, employee.id, period(context))
            if employee is not None and employee.id is not None
            else None
        )
    if employee is None or employee.id is None or subjects is None:
        await refuse(update, context)
        return None
    await answer(update)
    draft = new_draft(employee.id)
    draft["employee_name"] = employee.name
    keep(context, draft)
    await show_subjects(update, context, draft, subjects)
    return SUBJECT


# --- 2. what the feedback is about ---


async def show_subjects(
    update: Update, context: BotContext, draft: dict[str, Any], subjects: fb.Subjects
) -> None:
    """Recent reports and targets of the employee as buttons, plus General."""
    _ = context.t._
    rows: list[list[tuple[str, str]]] = []
    for report, target in subjects.reports:
        day = context.t.date(report.created_at.astimezone(context.deps.settings.tz), "short")
        rows.append([(f"📝 {short(target.title, 30)} ({day})", f"fb:r:{report.id}")])
    for target in subjects.targets:
        rows.append([(f"🎯 {short(target.title)}", f"fb:t:{target.id}")])
    rows.append([(_(L_GENERAL), "fb:g")])
    rows.append(cancel_row(context))
    text = _(
        "<b>Feedback for {name}</b>\nWhat is it about? Choose a recent report (📝) or a "
        "target (🎯), or General."
    ).format(name=esc(draft["employee_name"]))
    await edit_or_reply(update, context, text, keyboard(rows))


async def pick_subject(update: Update, context: BotContext) -> int | None:
    """Take a report, a target or General; reports and targets must be the employee's."""
    speaker = context.speaker
    draft = draft_of(context)
    if speaker is None or draft is None:
        return await lost(update, context)
    data = (update.callback_query.data if update.callback_query else None) or ""
    async with context.deps.sessions() as session:
        if data == "fb:g":
            draft.update(report_id=None, target_id=None, subject="")
        elif (report_id := callback_ints(update, "fb:r")) is not None:
            found = await fb.report_for_feedback(session, speaker.id, report_id, period(context))
            if found is None or found.employee.id != draft["employee_id"]:
                await refuse(update, context)
                return None
            draft.update(report_id=report_id, target_id=None, subject=found.target.title)
        elif (target_id := callback_ints(update, "fb:t")) is not None:
            target = await fb.target_of(session, draft["employee_id"], target_id)
            if target is None:
                await refuse(update, context)
                return None
            draft.update(report_id=None, target_id=target_id, subject=target.title)
        else:
            await refuse(update, context)
            return None
    await answer(update)
    keep(context, draft)
    await ask_kind(update, context, draft, edit=True)
    return KIND


async def start_from_report(update: Update, context: BotContext) -> int | None:
    """Entry from a report notice's "Give feedback" button."""
    speaker = context.speaker
    if speaker is None:
        return END
    report_id = callback_ints(update, "fb:report")
    async with context.deps.sessions() as session:
        found = (
            await fb.report_for_feedback(session, speaker.id, report_id, period(context))
            if report_id is not None
            else None
        )
    if found is None or found.employee.id is None:
        await refuse(update, context)
        return None
    await answer(update)
    draft = new_draft(found.employee.id, report_id)
    draft.update(employee_name=found.employee.name, subject=found.target.title)
    keep(context, draft)
    # A new message: the notice stays as it was, for the leader's record.
    await ask_kind(update, context, draft, edit=False)
    return KIND


def about_line(context: BotContext, draft: dict[str, Any]) -> str:
    """Say what the draft is about: a report, a target, or general."""
    _ = context.t._
    if draft.get("report_id"):
        return _("On the report for: {title}").format(title=esc(draft["subject"]))
    if draft.get("target_id"):
        return _("On the target: {title}").format(title=esc(draft["subject"]))
    return _("General feedback")


# --- 3. kind, 4. value ---


async def ask_kind(
    update: Update, context: BotContext, draft: dict[str, Any], *, edit: bool
) -> None:
    """Ask Appreciation or Suggestion, naming the employee and the subject."""
    _ = context.t._
    text = "\n".join(
        [
            _("<b>Feedback for {name}</b>").format(name=esc(draft["employee_name"])),
            about_line(context, draft),
            "",
            _("What kind of feedback would you like to give?"),
        ]
    )
    markup = keyboard(
        [
            [(fb.kind_label(context.t, fb.KIND_APPRECIATION), f"fb:k:{fb.KIND_APPRECIATION}")],
            [(fb.kind_label(context.t, fb.KIND_SUGGESTION), f"fb:k:{fb.KIND_SUGGESTION}")],
            cancel_row(context),
        ]
    )
    if edit:
        await edit_or_reply(update, context, text, markup)
    else:
        await reply(update, context, text, markup)


async def pick_kind(update: Update, context: BotContext) -> int | None:
    """Take Appreciation or Suggestion, then offer the BerAKHLAK values."""
    _ = context.t._
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    kind = callback_tail(update, "fb:k")
    if kind not in fb.KINDS:
        await refuse(update, context)
        return None
    await answer(update)
    draft["kind"] = kind
    keep(context, draft)
    lines = [_("Which BerAKHLAK value does this relate to? This is optional."), ""]
    lines += [f"• <b>{v.name}</b>: {esc(context.t._(v.guide))}" for v in fb.VALUES]
    rows = [[(v.name, f"fb:v:{v.key}")] for v in fb.VALUES]
    rows.append([(_(L_SKIP), "fb:v:-")])
    rows.append(cancel_row(context))
    await edit_or_reply(update, context, "\n".join(lines), keyboard(rows))
    return VALUE


async def pick_value(update: Update, context: BotContext) -> int | None:
    """Take a value (or Skip), then ask for the text with a one-line tip."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    key = callback_tail(update, "fb:v")
    if key != "-" and fb.value_of(key) is None:
        await refuse(update, context)
        return None
    await answer(update)
    draft["value"] = "" if key == "-" else key
    keep(context, draft)
    await ask_text(update, context, draft, edit=True)
    return WRITE


# --- 5. the text ---


async def ask_text(
    update: Update, context: BotContext, draft: dict[str, Any], *, edit: bool
) -> None:
    """Ask for the text with a one-line tip, the limits and the template button."""
    _ = context.t._
    text = "\n".join(
        [
            fb.writing_tip(context.t, draft["kind"]),
            "",
            _(
                "Please type your feedback for {name} ({minimum} to {limit} characters), or "
                "press <b>Use template</b> for a structure to start from."
            ).format(
                name=esc(draft["employee_name"]),
                minimum=context.t.number(fb.MIN_TEXT),
                limit=context.t.number(fb.MAX_TEXT),
            ),
        ]
    )
    markup = keyboard([[(_(L_TEMPLATE), "fb:tpl")], cancel_row(context)])
    if edit:
        await edit_or_reply(update, context, text, markup)
    else:
        await reply(update, context, text, markup)


async def send_template(update: Update, context: BotContext) -> int | None:
    """Send the constructive template to copy, fill in and send back."""
    _ = context.t._
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    await answer(update)
    await reply(
        update,
        context,
        _("Copy this template (tap it), fill in the dots and send it to me:")
        + "\n\n<pre>"
        + esc(fb.template_text(context.t, draft["kind"]))
        + "</pre>",
        keyboard([cancel_row(context)]),
    )
    return None


async def receive_text(update: Update, context: BotContext) -> int | None:
    """Take the typed feedback; refuse too short or too long text, stating the limit."""
    message = update.effective_message
    draft = draft_of(context)
    if draft is None or message is None:
        return await lost(update, context)
    text = (message.text or "").strip()
    problem = fb.check_text(text, minimum=fb.MIN_TEXT, limit=fb.MAX_TEXT)
    if problem is not None:
        await reply(
            update, context, problem_text(context, problem), keyboard([cancel_row(context)])
        )
        return None
    draft["text"] = text
    draft["nonce"] = secrets.token_hex(8)  # also the feedback's request_key: never repeats
    keep(context, draft)
    await show_preview(update, context, draft)
    return PREVIEW


async def text_expected(update: Update, context: BotContext) -> int | None:
    """Stickers, photos and the like in the text step: ask for text."""
    await reply(
        update,
        context,
        context.t._("Please type your feedback as a text message."),
        keyboard([cancel_row(context)]),
    )
    return None


# --- 6. preview, send ---


async def show_preview(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Show the feedback as the employee will read it, with Send / Change / Cancel."""
    _ = context.t._
    lines = [
        _("<b>Preview of your feedback</b>"),
        _("To: {name}").format(name=esc(draft["employee_name"])),
        about_line(context, draft),
        _("Kind: {kind}").format(kind=fb.kind_label(context.t, draft["kind"])),
    ]
    value = fb.value_of(draft["value"])
    if value is not None:
        lines.append(_("BerAKHLAK value: {value}").format(value=value.name))
    lines += ["", esc(draft["text"]), "", _("Send it?")]
    markup = keyboard(
        [
            [(_(L_SEND), f"fb:send:{draft['nonce']}"), (_(L_CHANGE), "fb:edit")],
            cancel_row(context),
        ]
    )
    await reply(update, context, "\n".join(lines), markup)


async def change_text(update: Update, context: BotContext) -> int | None:
    """Ubah: type the text again."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    await answer(update)
    await ask_text(update, context, draft, edit=True)
    return WRITE


async def send(update: Update, context: BotContext) -> int | None:
    """Kirim: save the feedback (once, even if this press is handled again) and queue it."""
    _ = context.t._
    speaker = context.speaker
    draft = draft_of(context)
    if speaker is None or draft is None:
        return await lost(update, context)
    if callback_tail(update, "fb:send") != draft.get("nonce"):
        await answer(update, _("This button belongs to an earlier preview."), alert=True)
        return None
    await answer(update)
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await fb.send_feedback(
            session,
            deps.i18n,
            leader_id=speaker.id,
            employee_id=draft["employee_id"],
            kind=draft["kind"],
            text=draft["text"],
            value=draft["value"],
            report_id=draft["report_id"],
            target_id=draft["target_id"],
            period=period(context),
            now=deps.clock.utcnow(),
            request_key=draft.get("nonce"),
        )
        if outcome.result is SendResult.SENT:
            await session.commit()
    if outcome.result is SendResult.BAD_TEXT and outcome.problem is not None:
        await edit_or_reply(update, context, problem_text(context, outcome.problem))
        return WRITE
    if outcome.result not in (SendResult.SENT, SendResult.ALREADY_SENT):
        forget(context)
        await edit_or_reply(
            update,
            context,
            _(
                "Sorry, this feedback could not be sent: {name} is no longer on your team, or "
                "the report or target has changed. Nothing was sent."
            ).format(name=esc(draft["employee_name"])),
        )
        return END
    context.wake_outbox()
    forget(context)
    name = esc(draft["employee_name"])
    if outcome.delivered:
        text = _("Thank you! Your feedback has been sent to {name}.").format(name=name)
    else:
        text = _(
            "Your feedback is saved, but {name} has not linked Telegram to the bot yet, so it "
            "could not be delivered in a chat."
        ).format(name=name)
    await edit_or_reply(update, context, text)
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """Batal: drop the draft; nothing is sent."""
    await answer(update)
    forget(context)
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


# --- the employee's side ---


async def acknowledge(update: Update, context: BotContext) -> None:
    """Terima kasih: mark the feedback as read, once, and let the leader know."""
    _ = context.t._
    speaker = context.speaker
    feedback_id = callback_ints(update, "fb:ack")
    if speaker is None or feedback_id is None:
        await answer(update, _("Sorry, this feedback is not addressed to you."), alert=True)
        return
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await fb.acknowledge(
            session, deps.i18n, employee_id=speaker.id, feedback_id=feedback_id,
            now=deps.clock.utcnow(),
        )  # fmt: skip
        await session.commit()
    if outcome.result is AnswerResult.NOT_FOUND:
        await answer(update, _("Sorry, this feedback is not addressed to you."), alert=True)
        return
    if outcome.result is AnswerResult.ALREADY:
        await answer(update, _("You have already thanked your leader for this feedback."))
        return
    context.wake_outbox()
    await answer(update, _("Thank you!"))
    await keep_only_reply(update, context, outcome.feedback)
    await reply(
        update,
        context,
        _(
            "Thank you for reading the feedback. Your leader will know that you received it. "
            "Keep up the good work!"
        ),
    )


async def keep_only_reply(update: Update, context: BotContext, feedback: Feedback | None) -> None:
    """Take "Thank you" off the notice once pressed; keep "Reply" while no reply was sent."""
    query = update.callback_query
    if query is None or query.message is None or feedback is None:
        return
    markup = None
    if feedback.replied_at is None:
        markup = keyboard([[(context.t._("Reply"), f"fb:reply:{feedback.id}")]])
    # An old message Telegram no longer lets us edit: the refusal on a re-press covers it.
    with suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=markup)


async def start_reply(update: Update, context: BotContext) -> int | None:
    """Balas: ask for the employee's reply to their own feedback."""
    _ = context.t._
    speaker = context.speaker
    feedback_id = callback_ints(update, "fb:reply")
    if speaker is None or feedback_id is None:
        await answer(update, _("Sorry, this feedback is not addressed to you."), alert=True)
        return None
    async with context.deps.sessions() as session:
        outcome = await fb.may_reply(session, speaker.id, feedback_id)
    if outcome.result is AnswerResult.NOT_FOUND:
        await answer(update, _("Sorry, this feedback is not addressed to you."), alert=True)
        return None
    if outcome.result is AnswerResult.ALREADY:
        await answer(update, _("You have already replied to this feedback."), alert=True)
        return None
    await answer(update)
    forget(context)
    if context.user_data is not None:
        context.user_data[REPLY_KEY] = feedback_id
    await reply(
        update,
        context,
        _("Please type your reply to your leader (at most {limit} characters).").format(
            limit=context.t.number(fb.MAX_REPLY)
        ),
        keyboard([cancel_row(context)]),
    )
    return REPLY


async def receive_reply(update: Update, context: BotContext) -> int | None:
    """Take the reply text and queue it for the leader."""
    _ = context.t._
    speaker = context.speaker
    message = update.effective_message
    feedback_id = (context.user_data or {}).get(REPLY_KEY)
    if speaker is None or message is None or not isinstance(feedback_id, int):
        return await lost(update, context)
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await fb.reply_to(
            session, deps.i18n, employee_id=speaker.id, feedback_id=feedback_id,
            text=message.text or "", now=deps.clock.utcnow(),
        )  # fmt: skip
        if outcome.result is AnswerResult.DONE:
            await session.commit()
    if outcome.result is AnswerResult.BAD_TEXT and outcome.problem is not None:
        await reply(
            update,
            context,
            problem_text(context, outcome.problem),
            keyboard([cancel_row(context)]),
        )
        return None
    forget(context)
    if outcome.result is AnswerResult.ALREADY:
        await reply(update, context, _("You have already replied to this feedback."))
        return END
    if outcome.result is not AnswerResult.DONE:
        await reply(update, context, _("Sorry, this feedback is not addressed to you."))
        return END
    context.wake_outbox()
    await reply(update, context, _("Thank you. Your reply has been sent to your leader."))
    return END


async def reply_expected(update: Update, context: BotContext) -> int | None:
    """A sticker or photo where the reply text was expected."""
    await reply(
        update,
        context,
        context.t._("Please type your reply as a text message."),
        keyboard([cancel_row(context)]),
    )
    return None


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The feedback conversation, then the stateless "Thank you" button."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["umpanbalik", "feedback"], start),
            CallbackQueryHandler(start_from_report, pattern=r"^fb:report:"),
            CallbackQueryHandler(start_for_employee, pattern=r"^fb:emp:"),
            CallbackQueryHandler(start_reply, pattern=r"^fb:reply:"),
        ],
        states={
            PICK_EMPLOYEE: [
                CallbackQueryHandler(pick_employee, pattern=r"^fb:e:"),
                CallbackQueryHandler(turn_page, pattern=r"^fb:pg:"),
            ],
            SUBJECT: [CallbackQueryHandler(pick_subject, pattern=r"^fb:(r:|t:|g$)")],
            KIND: [CallbackQueryHandler(pick_kind, pattern=r"^fb:k:")],
            VALUE: [CallbackQueryHandler(pick_value, pattern=r"^fb:v:")],
            WRITE: [
                CallbackQueryHandler(send_template, pattern=r"^fb:tpl$"),
                MessageHandler(text, receive_text),
                MessageHandler(other, text_expected),
            ],
            PREVIEW: [
                CallbackQueryHandler(send, pattern=r"^fb:send:"),
                CallbackQueryHandler(change_text, pattern=r"^fb:edit$"),
                # Typing again on the preview replaces the text: nothing typed is ignored.
                MessageHandler(text, receive_text),
            ],
            REPLY: [
                MessageHandler(text, receive_reply),
                MessageHandler(other, reply_expected),
            ],
        },
        fallbacks=[
            CommandHandler(["batal", "cancel"], cancel),
            CallbackQueryHandler(cancel, pattern=f"^{CANCEL}$"),
            CallbackQueryHandler(earlier_step, pattern=r"^fb:(e|pg|r|t|g|k|v|tpl|send|edit)(:|$)"),
        ],
        name="feedback",
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, CallbackQueryHandler(acknowledge, pattern=r"^fb:ack:")]
