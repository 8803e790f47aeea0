"""The questions of the target draft: each step, the summary, and the choice of field to change.

Kept apart from the steps that read the answers, because many of them lead to the same
question (the next unanswered step, or the summary). Each keeps the draft it is given, so a
step only changes the draft and asks the next question.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import targets
from handlers.common import keyboard, require_speaker
from handlers.targets import texts
from handlers.targets.state import (
    DRAFTS,
    PICK_FIELD,
    STATE_OF,
    SUMMARY,
    TargetFlowDraft,
    show,
)
from models import Target


async def ask(
    update: Update, context: BotContext, draft: TargetFlowDraft, step: str, prefix: str = ""
) -> int:
    """Ask one step of the draft (after an optional refusal reason); return its state."""
    DRAFTS.keep(context, draft)
    options: list[Target] = []
    if step == "parent":
        speaker = require_speaker(context)
        options = await targets.parent_choices(
            context.deps.sessions, speaker, draft.employee_id, draft.semester
        )
        if not options:
            # Nothing to choose from: the target supports no leader's target (yet).
            draft.parent = 0
            return await advance(update, context, draft)
    text, rows = texts.question(context.t, step, options)
    await show(update, context, texts.with_prefix(prefix, text), keyboard(rows))
    return STATE_OF[step]


async def advance(update: Update, context: BotContext, draft: TargetFlowDraft) -> int:
    """Go to the first unanswered step, or to the summary when everything is there."""
    step = draft.next_step()
    if step is None:
        return await summary(update, context, draft)
    return await ask(update, context, draft, step)


async def ask_current(
    update: Update, context: BotContext, draft: TargetFlowDraft, prefix: str
) -> int:
    """Ask the step the draft waits for (or show the summary) again, after `prefix`."""
    step = draft.next_step()
    if step is None:
        return await summary(update, context, draft, prefix)
    return await ask(update, context, draft, step, prefix)


async def summary(
    update: Update, context: BotContext, draft: TargetFlowDraft, prefix: str = ""
) -> int:
    """Show the whole draft with Save / Change / Cancel."""
    draft.review = True
    DRAFTS.keep(context, draft)
    setting = await targets.draft_setting(
        context.deps.sessions, require_speaker(context), draft.employee_id, draft.parent
    )
    text, rows = texts.summary(context.t, draft, setting)
    await show(update, context, texts.with_prefix(prefix, text), keyboard(rows))
    return SUMMARY


async def pick_field(
    update: Update, context: BotContext, draft: TargetFlowDraft, prefix: str = ""
) -> int:
    """Offer the fields of the draft that can be changed."""
    DRAFTS.keep(context, draft)
    text, rows = texts.field_choice(context.t, draft)
    await show(update, context, texts.with_prefix(prefix, text), keyboard(rows))
    return PICK_FIELD
