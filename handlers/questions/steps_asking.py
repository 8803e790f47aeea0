"""Asking HR a question: /tanya -> With my name / Anonymous (explained) -> for anonymous: HR of
my OPD or BKPSDM -> type the question -> preview -> Send / Change / Cancel; and an employee's
own questions.

Choosing where an anonymous question goes is part of the same step as choosing the mode, so a
persisted conversation state never tells an anonymous asker from a named one.
"""

from __future__ import annotations

import secrets

from telegram import Update

from bot.context import BotContext
from bot.services import questions as qs
from bot.services.questions import AskResult
from bot.services.text_rules import check_text
from handlers.common import (
    answer,
    callback_int,
    callback_tail,
    edit_or_reply,
    reply,
    require_speaker,
)
from handlers.conversation import END, earlier_step, problem_text, refuse
from handlers.questions import texts
from handlers.questions.flow import (
    ASKING,
    MODE,
    PREVIEW,
    QUESTION_STEPS,
    STEPS,
    WRITE,
    QuestionDraft,
    forget_drafts,
    from_button,
    retype,
)
from handlers.questions.steps_hr import show_inbox


async def start(update: Update, context: BotContext) -> int:
    """/tanya: HR sees the inbox; everyone else starts a question."""
    speaker = require_speaker(context)
    forget_drafts(context)
    if speaker.is_hr:
        await show_inbox(update, context, 0, edit=False)
        return END
    return await begin_question(update, context)


async def start_from_button(update: Update, context: BotContext) -> int:
    """Start a question from HR's "Ask a question" button, like anyone else."""
    await answer(update)
    forget_drafts(context)
    return await begin_question(update, context)


async def begin_question(
    update: Update, context: BotContext, *, kept_text: str = "", notice: str = ""
) -> int:
    """Explain named and anonymous questions, unless today's limit is already reached.

    `kept_text` is a question the user already typed (after a restart cleared their draft);
    `notice` is said first.
    """
    speaker = require_speaker(context)
    deps = context.deps
    left = await qs.questions_left(
        deps.sessions, deps.anonymous_tally, speaker.id, deps.clock.now()
    )
    if left <= 0:
        await reply(update, context, *texts.limit_reached(context))
        return END
    # Kept before the reply: the user may press a button as soon as it shows.
    ASKING.keep(context, QuestionDraft(text=kept_text))
    await reply(update, context, *texts.intro(context, left, notice))
    return MODE


async def pick_mode(update: Update, context: BotContext) -> int | None:
    """Take "With my name" or "Anonymous"; anonymous questions then choose where they go, in
    the same state, so that no stored state tells the two apart."""
    draft = ASKING.get(context)
    if draft is None:
        return await QUESTION_STEPS.lost(update, context)
    mode = callback_tail(update, "qa:mode")
    if mode not in ("named", "anon"):
        await earlier_step(update, context)
        return None
    await answer(update)
    draft.anonymous, draft.to_own_opd = mode == "anon", True
    ASKING.keep(context, draft)
    if mode == "named":
        return await continue_to_text(update, context, draft)
    await edit_or_reply(update, context, *texts.route_choice(context))
    return MODE


async def pick_route(update: Update, context: BotContext) -> int | None:
    """Take the anonymous question's destination, then ask for the text."""
    draft = ASKING.get(context)
    if draft is None:
        return await QUESTION_STEPS.lost(update, context)
    route = callback_tail(update, "qa:route")
    if route not in ("opd", "city") or draft.anonymous is not True:
        await earlier_step(update, context)
        return None
    await answer(update)
    draft.to_own_opd = route == "opd"
    ASKING.keep(context, draft)
    return await continue_to_text(update, context, draft)


async def continue_to_text(update: Update, context: BotContext, draft: QuestionDraft) -> int:
    """Ask for the question text, or preview the text the user typed before a restart."""
    if not draft.text:
        await edit_or_reply(
            update, context, texts.ask_text(context, draft), STEPS.cancel_only(context)
        )
        return WRITE
    await preview_question(update, context, draft)
    return PREVIEW


async def receive_text(update: Update, context: BotContext) -> int | None:
    """Take the typed question; refuse too short or too long text, stating the limit."""
    message = update.effective_message
    if message is None:
        return await QUESTION_STEPS.lost(update, context)
    text = (message.text or "").strip()
    problem = check_text(text, minimum=qs.MIN_QUESTION, limit=qs.MAX_QUESTION)
    draft = ASKING.get(context)
    if draft is None or draft.anonymous is None:
        # A restart cleared the draft (it is never saved): keep what was just typed.
        notice = texts.restarted_notice(context, text_kept=problem is None)
        kept = "" if problem else text
        return await begin_question(update, context, kept_text=kept, notice=notice)
    if problem is not None:
        await retype(update, context, problem)
        return None
    draft.text = text
    await preview_question(update, context, draft)
    return PREVIEW


async def preview_question(update: Update, context: BotContext, draft: QuestionDraft) -> None:
    """Show the question as it will be sent, with a Send button for this preview only."""
    draft.nonce = secrets.token_hex(4)
    ASKING.keep(context, draft)
    await reply(update, context, *texts.question_preview(context, draft))


async def change_text(update: Update, context: BotContext) -> int | None:
    """Ubah: type the question again."""
    draft = ASKING.get(context)
    if draft is None:
        return await QUESTION_STEPS.lost(update, context)
    await answer(update)
    await edit_or_reply(
        update, context, texts.ask_text(context, draft), STEPS.cancel_only(context)
    )
    return WRITE


async def send(update: Update, context: BotContext) -> int | None:
    """Kirim: save the question (counted against today's limit) and notify HR."""
    speaker = require_speaker(context)
    draft = ASKING.get(context)
    if draft is None or not draft.text:
        return await QUESTION_STEPS.lost(update, context)
    if callback_tail(update, "qa:send") != draft.nonce:
        await refuse(update, context, texts.EARLIER_PREVIEW)
        return None
    await answer(update)
    deps = context.deps
    anonymous = draft.anonymous is True
    outcome = await qs.ask(
        deps.sessions,
        deps.i18n,
        tally=deps.anonymous_tally,
        asker=speaker.employee,
        text=draft.text,
        anonymous=anonymous,
        to_own_opd=draft.to_own_opd,
        now=deps.clock.now(),
    )
    if outcome.result is AskResult.BAD_TEXT and outcome.problem is not None:
        await edit_or_reply(update, context, problem_text(context, outcome.problem))
        return WRITE
    forget_drafts(context)
    if outcome.result is AskResult.LIMIT:
        await edit_or_reply(update, context, texts.limit_text(context))
        return END
    context.wake_outbox()
    await edit_or_reply(update, context, texts.sent_text(context, anonymous))
    return END


# --- an employee's own questions ---


async def show_own_questions(update: Update, context: BotContext) -> int:
    """Show a page of the employee's named questions with status and answer."""
    page = callback_int(update, "qa:mine")
    if page is None:
        await earlier_step(update, context)
        return END
    await answer(update)
    forget_drafts(context)
    listing = await qs.own_questions_page(
        context.deps.sessions, require_speaker(context), page, texts.PAGE_SIZE
    )
    await edit_or_reply(update, context, *texts.own_questions(context, listing))
    return END


async def show_own_question(update: Update, context: BotContext) -> None:
    """Open one of the employee's own named questions in full."""
    question = await from_button(update, context, "qa:myq", qs.own_question, texts.OWN_UNAVAILABLE)
    if question is not None:
        await answer(update)
        await reply(update, context, *texts.own_question(context, question))
