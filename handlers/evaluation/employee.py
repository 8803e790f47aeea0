"""The employee's answer to a final evaluation: Accept, or a typed objection for HR."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import evaluation
from bot.services.evaluation import Problem
from bot.text import parse_callback
from handlers.common import answer, keyboard, reply, require_speaker
from handlers.evaluation.common import (
    DRAFT,
    END,
    OBJECTION,
    cancel_row,
    draft_of,
    problem_text,
    refuse_stale,
    typed_text,
    ud,
)

# --- the employee's answer -----------------------------------------------------------------


async def acknowledge(update: Update, context: BotContext) -> None:
    """Accept the evaluation result (own evaluation only)."""
    _ = context.t._
    speaker = require_speaker(context)
    values = parse_callback(
        update.callback_query.data if update.callback_query else None, "ev:ack", 1
    )
    if values is None:
        await answer(update)
        return
    deps = context.deps
    async with deps.sessions() as session:
        problem, _ev = await evaluation.acknowledge(
            session, speaker, values[0], deps.clock.utcnow()
        )
        await session.commit()
    await answer(update)
    if problem is not None:
        await reply(update, context, problem_text(context.t, problem))
        return
    await reply(
        update, context, _("Thank you. Your acceptance is recorded. Keep up the good work!")
    )


async def ask_objection(update: Update, context: BotContext) -> int:
    """Ask the employee to type the objection."""
    _ = context.t._
    speaker = require_speaker(context)
    values = parse_callback(
        update.callback_query.data if update.callback_query else None, "ev:obj", 1
    )
    await answer(update)
    if values is None:
        return END
    async with context.deps.sessions() as session:
        problem = await evaluation.may_object(session, speaker, values[0])
    if problem is not None:
        await reply(update, context, problem_text(context.t, problem))
        return END
    ud(context)[DRAFT] = {"objection": values[0]}
    await reply(
        update,
        context,
        _(
            "Please type your objection: what you disagree with and why (up to {limit} "
            "characters). HR will look at it."
        ).format(limit=evaluation.MAX_OBJECTION),
        keyboard([cancel_row(context.t)]),
    )
    return OBJECTION


async def typed_objection(update: Update, context: BotContext) -> int | None:
    """Send the objection to HR in scope."""
    _ = context.t._
    speaker = require_speaker(context)
    draft = draft_of(context)
    if draft is None or "objection" not in draft:
        return await refuse_stale(update, context)
    text = typed_text(update)
    if len(text.strip()) > evaluation.MAX_OBJECTION:
        await reply(
            update,
            context,
            _("Your text has {n} characters; the limit is {limit}. Please shorten it.").format(
                n=len(text.strip()), limit=evaluation.MAX_OBJECTION
            ),
            keyboard([cancel_row(context.t)]),
        )
        return None
    deps = context.deps
    async with deps.sessions() as session:
        problem, _told = await evaluation.object_to(
            session, deps.i18n, speaker, int(draft["objection"]), text, deps.clock.utcnow()
        )
        if problem is None:
            await session.commit()
    if problem == Problem.EMPTY:
        await reply(update, context, problem_text(context.t, problem))
        return None
    ud(context).pop(DRAFT, None)
    if problem is not None:
        await reply(update, context, problem_text(context.t, problem))
        return END
    context.wake_outbox()
    await reply(
        update,
        context,
        _("Thank you. Your objection has been sent to HR. They will follow it up with you."),
    )
    return END
