"""HR's side of questions: the inbox (open questions in scope, newest first, paged), answered
and closed questions, answering (typed, previewed, sent), closing with a reason, and
publishing an answered question to the FAQ (optionally reworded). Every scope check is the
service's."""

from __future__ import annotations

import secrets

from telegram import Update

from bot.context import BotContext
from bot.services import questions as qs
from bot.services.questions import HrResult, Listed
from bot.services.text_rules import check_text
from handlers.common import (
    answer,
    callback_int,
    callback_tail,
    edit_or_reply,
    reply,
    require_speaker,
)
from handlers.conversation import END, refuse
from handlers.questions import texts, texts_hr
from handlers.questions.flow import (
    ANSWER,
    ANSWER_PREVIEW,
    CLOSE,
    HR_DRAFT,
    PUBLISH,
    STEPS,
    HrDraft,
    forget_drafts,
    from_button,
    retype,
)

# --- the inbox, and answered and closed questions ---


async def show_inbox(update: Update, context: BotContext, page: int, *, edit: bool) -> None:
    """Show one page of open questions in the HR officer's scope, newest first."""
    listing = await qs.inbox_page(
        context.deps.sessions, require_speaker(context), page, texts.PAGE_SIZE
    )
    await (edit_or_reply if edit else reply)(update, context, *texts_hr.inbox(context, listing))


async def turn_inbox_page(update: Update, context: BotContext) -> None:
    """Show another page of the inbox (HR only)."""
    page = callback_int(update, "qa:pg")
    if not require_speaker(context).is_hr or page is None:
        await refuse(update, context, texts.NOT_IN_SCOPE)
        return
    await answer(update)
    await show_inbox(update, context, page, edit=True)


async def turn_settled_page(update: Update, context: BotContext) -> None:
    """Show a page of answered and closed questions (HR only)."""
    speaker = require_speaker(context)
    page = callback_int(update, "qa:done")
    if not speaker.is_hr or page is None:
        await refuse(update, context, texts.NOT_IN_SCOPE)
        return
    await answer(update)
    listing = await qs.settled_page(context.deps.sessions, speaker, page, texts.PAGE_SIZE)
    await edit_or_reply(update, context, *texts_hr.settled_list(context, listing))


async def show_settled_question(update: Update, context: BotContext) -> None:
    """Open one question for HR: question, outcome, who answered and when."""
    view = await from_button(update, context, "qa:dq", qs.settled_question, texts.NOT_IN_SCOPE)
    if view is not None:
        await answer(update)
        await reply(update, context, *texts_hr.settled_question(context, view))


# --- answering and closing ---


async def take_open_question(update: Update, context: BotContext, prefix: str) -> Listed | None:
    """Start answering or closing the open question a button names: a fresh draft for it."""
    listed = await from_button(update, context, prefix, qs.to_handle, texts.NOT_IN_SCOPE)
    if listed is None:
        return None
    if listed.question.status != qs.STATUS_OPEN:
        await refuse(update, context, texts.SETTLED_ALREADY)
        return None
    await answer(update)
    forget_drafts(context)
    HR_DRAFT.keep(context, HrDraft(question_id=listed.id))
    return listed


async def gone(update: Update, context: BotContext) -> int:
    """The question left the speaker's scope (or the database) meanwhile: refuse and end."""
    forget_drafts(context)
    await refuse(update, context, texts.NOT_IN_SCOPE)
    return END


async def start_answer(update: Update, context: BotContext) -> int | None:
    """Jawab: show the question and ask HR for the answer."""
    listed = await take_open_question(update, context, "qa:ans")
    if listed is None:
        return None
    await reply(update, context, *texts_hr.answer_prompt(context, listed))
    return ANSWER


async def receive_answer(update: Update, context: BotContext) -> int | None:
    """Take HR's typed answer and show a preview."""
    message = update.effective_message
    draft = HR_DRAFT.get(context)
    if draft is None or message is None:
        return await STEPS.lost(update, context)
    text = (message.text or "").strip()
    problem = check_text(text, minimum=1, limit=qs.MAX_ANSWER)
    if problem is not None:
        await retype(update, context, problem)
        return None
    draft.text, draft.nonce = text, secrets.token_hex(4)
    HR_DRAFT.keep(context, draft)
    await reply(update, context, *texts_hr.answer_preview(context, draft))
    return ANSWER_PREVIEW


async def change_answer(update: Update, context: BotContext) -> int | None:
    """Ubah: type the answer again."""
    if HR_DRAFT.get(context) is None:
        return await STEPS.lost(update, context)
    await answer(update)
    await edit_or_reply(update, context, texts_hr.type_answer(context), STEPS.cancel_only(context))
    return ANSWER


async def send_answer(update: Update, context: BotContext) -> int | None:
    """Kirim: save the answer, queue it for a named asker, offer publishing to the FAQ."""
    speaker = require_speaker(context)
    draft = HR_DRAFT.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    if callback_tail(update, "qa:asend") != draft.nonce:
        await refuse(update, context, texts.EARLIER_PREVIEW)
        return None
    deps = context.deps
    outcome = await qs.answer(
        deps.sessions,
        deps.i18n,
        speaker=speaker,
        question_id=draft.question_id,
        text=draft.text,
        now=deps.clock.utcnow(),
    )
    if outcome.result is HrResult.NOT_FOUND:
        return await gone(update, context)
    await answer(update)
    if outcome.result is HrResult.BAD_TEXT and outcome.problem is not None:
        await retype(update, context, outcome.problem)
        return ANSWER
    forget_drafts(context)
    if outcome.result is HrResult.ALREADY:
        await edit_or_reply(update, context, context.t._(texts.SETTLED_ALREADY))
        return END
    context.wake_outbox()
    await edit_or_reply(update, context, *texts_hr.answered(context, outcome))
    return END


async def start_close(update: Update, context: BotContext) -> int | None:
    """Close without answering: ask for the reason."""
    listed = await take_open_question(update, context, "qa:close")
    if listed is None:
        return None
    prompt = texts_hr.close_prompt(context, listed.id)
    await reply(update, context, prompt, STEPS.cancel_only(context))
    return CLOSE


async def receive_reason(update: Update, context: BotContext) -> int | None:
    """Take the reason and close the question."""
    speaker = require_speaker(context)
    message = update.effective_message
    draft = HR_DRAFT.get(context)
    if message is None or draft is None:
        return await STEPS.lost(update, context)
    deps = context.deps
    outcome = await qs.close(
        deps.sessions,
        deps.i18n,
        speaker=speaker,
        question_id=draft.question_id,
        reason=message.text or "",
        now=deps.clock.utcnow(),
    )
    if outcome.result is HrResult.BAD_TEXT and outcome.problem is not None:
        await retype(update, context, outcome.problem)
        return None
    forget_drafts(context)
    if outcome.result is HrResult.DONE:
        context.wake_outbox()
    await reply(update, context, texts_hr.closed(context, outcome.result, draft.question_id))
    return END


# --- publishing to the FAQ ---


async def start_publish(update: Update, context: BotContext) -> int | None:
    """Terbitkan ke FAQ: show the entry as it will appear; publish as is or reword."""
    listed = await from_button(update, context, "qa:pub", qs.to_handle, texts.NOT_IN_SCOPE)
    if listed is None:
        return None
    if listed.question.status != qs.STATUS_ANSWERED:
        await refuse(update, context, texts_hr.ONLY_ANSWERED)
        return None
    await answer(update)
    forget_drafts(context)
    draft = HrDraft(question_id=listed.id, text=listed.question.text, nonce=secrets.token_hex(4))
    HR_DRAFT.keep(context, draft)
    await reply(update, context, *texts_hr.publish_preview(context, draft, listed.question.answer))
    return PUBLISH


async def reword_prompt(update: Update, context: BotContext) -> int | None:
    """Reword: ask for the new question wording."""
    if HR_DRAFT.get(context) is None:
        return await STEPS.lost(update, context)
    await answer(update)
    await reply(update, context, texts_hr.reword_prompt(context), STEPS.cancel_only(context))
    return PUBLISH


async def receive_rewording(update: Update, context: BotContext) -> int | None:
    """Take the reworded question and show the preview again."""
    message = update.effective_message
    draft = HR_DRAFT.get(context)
    if message is None or draft is None:
        return await STEPS.lost(update, context)
    text = (message.text or "").strip()
    problem = check_text(text, minimum=qs.MIN_QUESTION, limit=qs.MAX_QUESTION)
    if problem is not None:
        await retype(update, context, problem)
        return None
    listed = await qs.to_handle(context.deps.sessions, require_speaker(context), draft.question_id)
    if listed is None:
        return await STEPS.lost(update, context)
    draft.text, draft.nonce = text, secrets.token_hex(4)
    HR_DRAFT.keep(context, draft)
    await reply(update, context, *texts_hr.publish_preview(context, draft, listed.question.answer))
    return PUBLISH


async def confirm_publish(update: Update, context: BotContext) -> int | None:
    """Publish: create the FAQ entry."""
    speaker = require_speaker(context)
    draft = HR_DRAFT.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    if callback_tail(update, "qa:pubok") != draft.nonce:
        await refuse(update, context, texts.EARLIER_PREVIEW)
        return None
    outcome = await qs.publish(
        context.deps.sessions,
        speaker=speaker,
        question_id=draft.question_id,
        question_text=draft.text,
        now=context.deps.clock.utcnow(),
    )
    if outcome.result is HrResult.NOT_FOUND:
        return await gone(update, context)
    await answer(update)
    if outcome.result is HrResult.BAD_TEXT and outcome.problem is not None:
        await retype(update, context, outcome.problem)
        return None
    forget_drafts(context)
    await edit_or_reply(update, context, texts_hr.published(context, outcome.result))
    return END
