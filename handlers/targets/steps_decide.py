"""A leader's decision on a pending target: Approve at once, or Return with a typed note.

Approve is a plain button that works anywhere; Return enters the conversation (ASK_NOTE)
without touching a target draft the leader may have open.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import targets
from bot.services.targets import Outcome
from bot.services.targets.drafts import check_note
from bot.services.targets.notices import decision_buttons
from handlers.common import answer, callback_int, keyboard, reply, require_speaker
from handlers.conversation import END, refuse
from handlers.targets import texts
from handlers.targets.state import (
    ASK_NOTE,
    DRAFTS,
    RETURNS,
    PendingReturn,
    show,
    target_version,
    typed_text,
)


async def approve(update: Update, context: BotContext) -> None:
    """Approve a pending target from the leader's notice or the team screen."""
    speaker = require_speaker(context)
    pressed = target_version(update, "tg:ok")
    if pressed is None:
        await refuse(update, context, texts.INVALID_BUTTON)
        return
    deps = context.deps
    result = await targets.decide(
        deps.sessions, speaker, *pressed, approve=True, now=deps.clock.utcnow(), i18n=deps.i18n
    )
    context.wake_outbox()
    if result.outcome is not Outcome.OK or result.owner is None:
        await refuse(update, context, texts.refusal(result))
        return
    rows = texts.employee_rows(context.t, result.owner)
    await show(update, context, texts.decided_text(context.t, result), keyboard(rows))


async def start_return(update: Update, context: BotContext) -> int:
    """Ask the leader for a short note before returning a target."""
    speaker = require_speaker(context)
    pressed = target_version(update, "tg:ret")
    if pressed is None:
        await refuse(update, context, texts.INVALID_BUTTON)
        return END
    result = await targets.check_decision(context.deps.sessions, speaker, *pressed)
    if result.outcome is not Outcome.OK or result.target is None or result.owner is None:
        await refuse(update, context, texts.refusal(result))
        return END
    RETURNS.keep(context, PendingReturn(*pressed))
    await answer(update)
    markup = keyboard(texts.return_cancel_rows(context.t))
    await reply(update, context, texts.note_question(context.t, result), markup)
    return ASK_NOTE


async def receive_note(update: Update, context: BotContext) -> int | None:
    """Return the target with the typed note; ask again for a fixable note."""
    speaker = require_speaker(context)
    t = context.t
    pending = RETURNS.get(context)
    if pending is None:
        await reply(update, context, t._("This return is no longer open. Send /target."))
        return END
    note = typed_text(update)
    problem = check_note(note)
    if problem is not None:
        await reply(update, context, problem.render(t), keyboard(texts.return_cancel_rows(t)))
        return None
    deps = context.deps
    result = await targets.decide(
        deps.sessions,
        speaker,
        pending.target_id,
        pending.version,
        approve=False,
        note=note,
        now=deps.clock.utcnow(),
        i18n=deps.i18n,
    )
    context.wake_outbox()
    RETURNS.forget(context)
    if result.outcome is not Outcome.OK or result.owner is None:
        await reply(update, context, t._(texts.refusal(result)))
        return END
    resumable = DRAFTS.get(context) is not None
    rows = texts.employee_rows(t, result.owner) + texts.continue_rows(t, resumable)
    await reply(update, context, texts.decided_text(t, result), keyboard(rows))
    return END


async def note_not_text(update: Update, context: BotContext) -> None:
    """Ask for the note as text."""
    t = context.t
    text = t._("Please type the note as a text message.")
    await reply(update, context, text, keyboard(texts.return_cancel_rows(t)))


async def cancel_return(update: Update, context: BotContext) -> int:
    """Leave the target pending when the leader changes their mind."""
    t = context.t
    RETURNS.forget(context)
    rows = texts.continue_rows(t, DRAFTS.get(context) is not None)
    text = t._("All right, the target was not returned.")
    await show(update, context, text, keyboard(rows) if rows else None)
    return END


async def show_full(update: Update, context: BotContext) -> None:
    """Show one target with every field in full (a notice may have shortened it)."""
    speaker = require_speaker(context)
    target_id = callback_int(update, "tg:full")
    full = None
    if target_id is not None:
        full = await targets.full_target(context.deps.sessions, speaker, target_id)
    if full is None:
        await refuse(update, context, texts.NOT_AVAILABLE)
        return
    await answer(update)
    markup = keyboard([decision_buttons(context.t, full.target)]) if full.may_decide else None
    await reply(update, context, texts.full_target_text(context.t, full), markup)
