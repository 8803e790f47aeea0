"""One short callback per step of /umpanbalik, and the employee's Thank you / Reply buttons.

Every rule, ownership checks included, lives in bot.services.feedback; a button's ids are
checked there again, as the button may be old or crafted.
"""

from __future__ import annotations

from contextlib import suppress

from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.services import feedback as fb
from bot.services.feedback import AnswerResult, SendResult
from bot.services.periods import period_of
from bot.services.text_rules import check_text
from handlers.common import (
    answer,
    callback_int,
    callback_tail,
    edit_or_reply,
    reply,
    require_speaker,
)
from handlers.conversation import END, problem_text, refuse
from handlers.feedback import texts
from handlers.feedback.drafts import (
    DRAFTS,
    FLOW,
    FeedbackDraft,
    expect_reply,
    new_nonce,
    pending_reply,
)
from models import Feedback

PICK_EMPLOYEE, SUBJECT, KIND, VALUE, WRITE, PREVIEW, REPLY = range(1, 8)


def period(context: BotContext) -> str:
    """Return the current semester code, e.g. '2026-2'."""
    return period_of(context.deps.clock.now().date()).code


# --- 1. choosing a team member ---


async def start(update: Update, context: BotContext) -> int | None:
    """/umpanbalik: list the speaker's team, or explain kindly who gives feedback."""
    await answer(update)
    speaker = require_speaker(context)
    DRAFTS.forget(context)
    team = await fb.team_of(context.deps.sessions, speaker.id, period(context))
    if not team:
        await reply(update, context, context.t._(texts.NO_TEAM))
        return END
    await reply(update, context, *texts.team_page(context, team, 0))
    return PICK_EMPLOYEE


async def turn_page(update: Update, context: BotContext) -> int | None:
    """Show another page of the team."""
    await answer(update)
    page = callback_int(update, "fb:pg")
    if page is None:
        return None
    team = await fb.team_of(context.deps.sessions, require_speaker(context).id, period(context))
    await edit_or_reply(update, context, *texts.team_page(context, team, page))
    return None


async def pick_employee(update: Update, context: BotContext) -> int | None:
    """Take the chosen team member (checked again: the button may be old or crafted)."""
    return await begin_for_employee(update, context, callback_int(update, "fb:e"))


async def start_for_employee(update: Update, context: BotContext) -> int | None:
    """Entry from the team view: feedback for one named employee."""
    return await begin_for_employee(update, context, callback_int(update, "fb:emp"))


async def begin_for_employee(
    update: Update, context: BotContext, employee_id: int | None
) -> int | None:
    """Start a draft for this employee if they are on the speaker's team, then ask the subject."""
    leader_id = require_speaker(context).id
    found = None
    if employee_id is not None:
        found = await fb.recipient(context.deps.sessions, leader_id, employee_id, period(context))
    if found is None:
        await refuse(update, context, texts.NOT_YOUR_TEAM)
        return None
    await answer(update)
    DRAFTS.keep(context, FeedbackDraft(found.employee_id, found.name))
    await edit_or_reply(update, context, *texts.subjects_screen(context, found))
    return SUBJECT


# --- 2. what the feedback is about ---


async def pick_subject(update: Update, context: BotContext) -> int | None:
    """Take a report, a target or General; reports and targets must be the employee's."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    if not await choose_subject(update, context, draft):
        await refuse(update, context, texts.NOT_YOUR_TEAM)
        return None
    await answer(update)
    DRAFTS.keep(context, draft)
    await edit_or_reply(update, context, *texts.kind_screen(context, draft))
    return KIND


async def choose_subject(update: Update, context: BotContext, draft: FeedbackDraft) -> bool:
    """Set the draft's subject from the pressed button; False when it cannot be used."""
    db = context.deps.sessions
    if update.callback_query is not None and update.callback_query.data == "fb:g":
        draft.report_id, draft.target_id, draft.subject = None, None, ""
        return True
    if (report_id := callback_int(update, "fb:r")) is not None:
        leader_id = require_speaker(context).id
        found = await fb.report_choice(db, leader_id, report_id, period(context))
        if found is None or found.employee_id != draft.employee_id:
            return False
        draft.report_id, draft.target_id, draft.subject = report_id, None, found.title
        return True
    if (target_id := callback_int(update, "fb:t")) is not None:
        title = await fb.target_title(db, draft.employee_id, target_id)
        if title is None:
            return False
        draft.report_id, draft.target_id, draft.subject = None, target_id, title
        return True
    return False


async def start_from_report(update: Update, context: BotContext) -> int | None:
    """Entry from a report notice's "Give feedback" button."""
    leader_id = require_speaker(context).id
    report_id = callback_int(update, "fb:report")
    found = None
    if report_id is not None:
        found = await fb.report_choice(
            context.deps.sessions, leader_id, report_id, period(context)
        )
    if found is None:
        await refuse(update, context, texts.NOT_YOUR_TEAM)
        return None
    await answer(update)
    draft = FeedbackDraft(
        found.employee_id, found.employee_name, report_id=report_id, subject=found.title
    )
    DRAFTS.keep(context, draft)
    # A new message: the notice stays as it was, for the leader's record.
    await reply(update, context, *texts.kind_screen(context, draft))
    return KIND


# --- 3. kind, 4. value ---


async def pick_kind(update: Update, context: BotContext) -> int | None:
    """Take Appreciation or Suggestion, then offer the BerAKHLAK values."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    kind = callback_tail(update, "fb:k")
    if kind not in fb.KINDS:
        await refuse(update, context, texts.NOT_YOUR_TEAM)
        return None
    await answer(update)
    draft.kind = kind
    DRAFTS.keep(context, draft)
    await edit_or_reply(update, context, *texts.values_screen(context))
    return VALUE


async def pick_value(update: Update, context: BotContext) -> int | None:
    """Take a value (or Skip), then ask for the text with a one-line tip."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    key = callback_tail(update, "fb:v")
    if key != "-" and fb.value_of(key) is None:
        await refuse(update, context, texts.NOT_YOUR_TEAM)
        return None
    await answer(update)
    draft.value = "" if key == "-" else key
    DRAFTS.keep(context, draft)
    await edit_or_reply(update, context, *texts.text_prompt(context, draft))
    return WRITE


# --- 5. the text ---


async def send_template(update: Update, context: BotContext) -> int | None:
    """Send the constructive template to copy, fill in and send back."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    await answer(update)
    await reply(update, context, *texts.template_screen(context, draft))
    return None


async def receive_text(update: Update, context: BotContext) -> int | None:
    """Take the typed feedback; refuse too short or too long text, stating the limit."""
    message = update.effective_message
    draft = DRAFTS.get(context)
    if draft is None or message is None:
        return await FLOW.lost(update, context)
    text = (message.text or "").strip()
    problem = check_text(text, minimum=fb.MIN_TEXT, limit=fb.MAX_TEXT)
    if problem is not None:
        await reply(update, context, problem_text(context, problem), FLOW.cancel_only(context))
        return None
    draft.text = text
    draft.nonce = new_nonce()
    DRAFTS.keep(context, draft)
    await reply(update, context, *texts.preview_screen(context, draft))
    return PREVIEW


async def text_expected(update: Update, context: BotContext) -> int | None:
    """Stickers, photos and the like in the text step: ask for text."""
    await reply(update, context, context.t._(texts.TEXT_EXPECTED), FLOW.cancel_only(context))
    return None


# --- 6. preview, send ---


async def change_text(update: Update, context: BotContext) -> int | None:
    """Ubah: type the text again."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    await answer(update)
    await edit_or_reply(update, context, *texts.text_prompt(context, draft))
    return WRITE


async def send(update: Update, context: BotContext) -> int | None:
    """Kirim: save the feedback (once, even if this press is handled again) and queue it."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    if callback_tail(update, "fb:send") != draft.nonce:
        await refuse(update, context, texts.EARLIER_PREVIEW)
        return None
    await answer(update)
    deps = context.deps
    outcome = await fb.send_feedback(
        deps.sessions, deps.i18n, leader_id=require_speaker(context).id,
        employee_id=draft.employee_id, kind=draft.kind, text=draft.text, value=draft.value,
        report_id=draft.report_id, target_id=draft.target_id, period=period(context),
        now=deps.clock.utcnow(), request_key=draft.nonce,
    )  # fmt: skip
    if outcome.result is SendResult.BAD_TEXT and outcome.problem is not None:
        await edit_or_reply(update, context, problem_text(context, outcome.problem))
        return WRITE
    DRAFTS.forget(context)
    if outcome.result not in (SendResult.SENT, SendResult.ALREADY_SENT):
        await edit_or_reply(update, context, texts.not_sent_text(context.t, draft))
        return END
    context.wake_outbox()
    await edit_or_reply(update, context, texts.sent_text(context.t, draft, outcome.delivered))
    return END


# --- the employee's side ---


async def acknowledge(update: Update, context: BotContext) -> None:
    """Terima kasih: mark the feedback as read, once, and let the leader know."""
    feedback_id = callback_int(update, "fb:ack")
    if feedback_id is None:
        await refuse(update, context, texts.NOT_ADDRESSED)
        return
    deps = context.deps
    outcome = await fb.acknowledge(
        deps.sessions, deps.i18n, employee_id=require_speaker(context).id,
        feedback_id=feedback_id, now=deps.clock.utcnow(),
    )  # fmt: skip
    if outcome.result is AnswerResult.NOT_FOUND:
        await refuse(update, context, texts.NOT_ADDRESSED)
        return
    if outcome.result is AnswerResult.ALREADY:
        await answer(update, context.t._(texts.ALREADY_THANKED))
        return
    context.wake_outbox()
    await answer(update, context.t._(texts.THANK_YOU))
    await keep_only_reply(update, context, outcome.feedback)
    await reply(update, context, context.t._(texts.READ_THANKS))


async def keep_only_reply(update: Update, context: BotContext, feedback: Feedback | None) -> None:
    """Take "Thank you" off the notice once pressed; keep "Reply" while no reply was sent."""
    query = update.callback_query
    if query is None or query.message is None or feedback is None:
        return
    # An old message Telegram no longer lets us edit: the refusal on a re-press covers it.
    with suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=texts.reply_only(context.t, feedback))


async def start_reply(update: Update, context: BotContext) -> int | None:
    """Balas: ask for the employee's reply to their own feedback."""
    feedback_id = callback_int(update, "fb:reply")
    outcome = None
    if feedback_id is not None:
        outcome = await fb.may_reply(
            context.deps.sessions, require_speaker(context).id, feedback_id
        )
    if outcome is None or outcome.result is AnswerResult.NOT_FOUND:
        await refuse(update, context, texts.NOT_ADDRESSED)
        return None
    if outcome.result is AnswerResult.ALREADY:
        await refuse(update, context, texts.ALREADY_REPLIED)
        return None
    assert feedback_id is not None
    await answer(update)
    expect_reply(context, feedback_id)
    await reply(update, context, *texts.reply_prompt(context))
    return REPLY


async def receive_reply(update: Update, context: BotContext) -> int | None:
    """Take the reply text and queue it for the leader."""
    message = update.effective_message
    feedback_id = pending_reply(context)
    if message is None or feedback_id is None:
        return await FLOW.lost(update, context)
    deps = context.deps
    outcome = await fb.reply_to(
        deps.sessions, deps.i18n, employee_id=require_speaker(context).id,
        feedback_id=feedback_id, text=message.text or "", now=deps.clock.utcnow(),
    )  # fmt: skip
    if outcome.result is AnswerResult.BAD_TEXT and outcome.problem is not None:
        await reply(
            update, context, problem_text(context, outcome.problem), FLOW.cancel_only(context)
        )
        return None
    DRAFTS.forget(context)
    if outcome.result is AnswerResult.DONE:
        context.wake_outbox()
    done = {AnswerResult.DONE: texts.REPLY_SENT, AnswerResult.ALREADY: texts.ALREADY_REPLIED}
    await reply(update, context, context.t._(done.get(outcome.result, texts.NOT_ADDRESSED)))
    return END


async def reply_expected(update: Update, context: BotContext) -> int | None:
    """A sticker or photo where the reply text was expected."""
    await reply(update, context, context.t._(texts.REPLY_EXPECTED), FLOW.cancel_only(context))
    return None
