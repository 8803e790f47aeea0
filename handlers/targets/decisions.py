"""A leader's decision on a pending target: Approve at once, or Return with a typed note.

Approve is a plain button that works anywhere; Return enters the conversation (ASK_NOTE)
without touching a target draft the leader may have open.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.services import targets
from bot.services.targets import Outcome
from bot.services.targets import drafts as target_drafts
from bot.services.targets import notices as target_notices
from bot.services.targets import views as target_views
from bot.text import esc, parse_callback
from handlers.common import answer, keyboard, reply, require_speaker
from handlers.targets.state import (
    ASK_NOTE,
    RETURN_CANCEL,
    RETURN_KEY,
    continue_row,
    refuse,
    show,
    user_data,
)


async def approve(update: Update, context: BotContext) -> None:
    """Approve a pending target from the leader's notice or the team screen."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:ok", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    deps = context.deps
    async with deps.sessions() as session:
        result = await targets.decide(
            session,
            speaker,
            parsed[0],
            parsed[1],
            approve=True,
            now=deps.clock.utcnow(),
            i18n=deps.i18n,
        )
        await session.commit()
    context.wake_outbox()
    if result.outcome is not Outcome.OK:
        await refuse(update, context, result)
        return
    assert result.target is not None
    assert result.owner is not None
    text = _("Approved: “{title}” of {name}. Thank you, {name} has been told.").format(
        title=esc(result.target.title), name=esc(result.owner.name)
    )
    rows = [[(_("« Targets of this employee"), f"tg:emp:{result.owner.id}")]]
    await show(update, context, text, keyboard(rows))


async def start_return(update: Update, context: BotContext) -> int:
    """Ask the leader for a short note before returning a target."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:ret", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return ConversationHandler.END
    async with context.deps.sessions() as session:
        result = await targets.check_decision(session, speaker, parsed[0], parsed[1])
    if result.outcome is not Outcome.OK or result.target is None or result.owner is None:
        await refuse(update, context, result)
        return ConversationHandler.END
    user_data(context)[RETURN_KEY] = parsed
    await answer(update)
    await reply(
        update,
        context,
        _(
            "Please type a short note for {name}: what should change in “{title}”? "
            "A kind, concrete note helps most. (at most {max} characters)"
        ).format(
            name=esc(result.owner.name),
            title=esc(result.target.title),
            max=t.number(target_drafts.MAX_NOTE),
        ),
        keyboard([[(_("Cancel"), RETURN_CANCEL)]]),
    )
    return ASK_NOTE


async def receive_note(update: Update, context: BotContext) -> int | None:
    """Return the target with the typed note; ask again for a fixable note."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    pending = user_data(context).get(RETURN_KEY)
    if not isinstance(pending, list) or len(pending) != 2:
        await reply(update, context, _("This return is no longer open. Send /target."))
        return ConversationHandler.END
    message = update.effective_message
    note = (message.text or "") if message else ""
    problem = target_drafts.check_note(note)
    if problem is not None:
        await reply(update, context, problem.render(t), keyboard([[(_("Cancel"), RETURN_CANCEL)]]))
        return None
    deps = context.deps
    async with deps.sessions() as session:
        result = await targets.decide(
            session,
            speaker,
            int(pending[0]),
            int(pending[1]),
            approve=False,
            note=note,
            now=deps.clock.utcnow(),
            i18n=deps.i18n,
        )
        await session.commit()
    context.wake_outbox()
    user_data(context).pop(RETURN_KEY, None)
    if result.outcome is not Outcome.OK:
        await refuse(update, context, result)
        return ConversationHandler.END
    assert result.target is not None
    assert result.owner is not None
    text = _("Returned: “{title}” went back to {name} with your note. Thank you.").format(
        title=esc(result.target.title), name=esc(result.owner.name)
    )
    rows = [[(_("« Targets of this employee"), f"tg:emp:{result.owner.id}")]]
    await reply(update, context, text, keyboard(rows + continue_row(context)))
    return ConversationHandler.END


async def note_not_text(update: Update, context: BotContext) -> None:
    """Ask for the note as text."""
    _ = context.t._
    await reply(
        update,
        context,
        _("Please type the note as a text message."),
        keyboard([[(_("Cancel"), RETURN_CANCEL)]]),
    )


async def cancel_return(update: Update, context: BotContext) -> int:
    """Leave the target pending when the leader changes their mind."""
    _ = context.t._
    user_data(context).pop(RETURN_KEY, None)
    rows = continue_row(context)
    await show(
        update,
        context,
        _("All right, the target was not returned."),
        keyboard(rows) if rows else None,
    )
    return ConversationHandler.END


async def show_full(update: Update, context: BotContext) -> None:
    """Show one target with every field in full (a notice may have shortened it)."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:full", 1)
    full = None
    if parsed is not None:
        async with context.deps.sessions() as session:
            full = await target_views.full_target(session, speaker, parsed[0])
    if full is None:
        await answer(update, _("This target is no longer available."), alert=True)
        return
    await answer(update)
    target = full.target
    lines = [
        _("<b>Target of {name}</b>").format(name=esc(full.owner.name)),
        "",
        *target_drafts.describe(t, target, full.parent),
    ]
    markup = keyboard([target_notices.decision_buttons(t, target)]) if full.may_decide else None
    await reply(update, context, "\n".join(lines), markup)
