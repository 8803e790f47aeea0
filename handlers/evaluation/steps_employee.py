"""The employee's answer to a final evaluation: Accept, or a typed objection for HR."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import evaluation
from bot.services.evaluation import MAX_OBJECTION, Problem
from handlers.common import answer, callback_int, reply, require_speaker
from handlers.conversation import END
from handlers.evaluation import texts
from handlers.evaluation.state import FLOW, OBJECTING, OBJECTION, ObjectionDraft, typed


async def acknowledge(update: Update, context: BotContext) -> None:
    """Accept the evaluation result (own evaluation only)."""
    evaluation_id = callback_int(update, "ev:ack")
    if evaluation_id is None:
        await answer(update)
        return
    deps = context.deps
    problem = await evaluation.acknowledge(
        deps.sessions, require_speaker(context), evaluation_id, deps.clock.utcnow()
    )
    await answer(update)
    if problem is not None:
        await reply(update, context, texts.refusal_text(context.t, problem))
        return
    await reply(update, context, context.t._(texts.ACCEPTED))


async def ask_objection(update: Update, context: BotContext) -> int:
    """Ask the employee to type the objection."""
    evaluation_id = callback_int(update, "ev:obj")
    await answer(update)
    if evaluation_id is None:
        return END
    problem = await evaluation.may_object(
        context.deps.sessions, require_speaker(context), evaluation_id
    )
    if problem is not None:
        await reply(update, context, texts.refusal_text(context.t, problem))
        return END
    OBJECTING.keep(context, ObjectionDraft(objection=evaluation_id))
    await reply(update, context, texts.objection_prompt(context.t), FLOW.cancel_only(context))
    return OBJECTION


async def typed_objection(update: Update, context: BotContext) -> int | None:
    """Send the objection to HR in scope."""
    t = context.t
    deps = context.deps
    draft = OBJECTING.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    text = typed(update)
    speaker = require_speaker(context)
    problem, _told = await evaluation.object_to(
        deps.sessions, deps.i18n, speaker, draft.objection, text, deps.clock.utcnow()
    )
    if problem == Problem.TOO_LONG:
        too_long = texts.too_long_text(t, texts.OBJECTION_TOO_LONG, len(text), MAX_OBJECTION)
        await reply(update, context, too_long, FLOW.cancel_only(context))
        return None
    if problem == Problem.EMPTY:
        await reply(update, context, texts.refusal_text(t, problem))
        return None
    OBJECTING.forget(context)
    if problem is not None:
        await reply(update, context, texts.refusal_text(t, problem))
        return END
    context.wake_outbox()
    await reply(update, context, t._(texts.OBJECTION_SENT))
    return END
