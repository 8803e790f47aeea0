"""Starting a target draft (add, assign to a team member, edit, resume), saving, cancelling."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.services import targets
from bot.services.periods import parse_period
from bot.services.targets import Outcome
from bot.text import esc, parse_callback
from handlers.common import answer, keyboard, require_speaker
from handlers.targets.prompts import advance, ask, summary
from handlers.targets.state import (
    DRAFT_KEY,
    current_period,
    from_target,
    get_draft,
    gone,
    refuse,
    show,
    to_draft,
    user_data,
)
from handlers.targets.texts import problems_text, refusal_text


async def start_add(update: Update, context: BotContext) -> int:
    """Start a new target for the speaker."""
    speaker = require_speaker(context)
    _ = context.t._
    if speaker.employee.supervisor_id is None:
        await answer(
            update,
            _("Your direct supervisor is not recorded, so targets cannot be proposed here."),
            alert=True,
        )
        return ConversationHandler.END
    user_data(context)[DRAFT_KEY] = {
        "mode": "add",
        "employee_id": speaker.id,
        "period": current_period(context).code,
    }
    return await advance(update, context)


async def start_assign(update: Update, context: BotContext) -> int:
    """Start a target that a leader writes for one direct subordinate."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:asg", 1)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return ConversationHandler.END
    async with context.deps.sessions() as session:
        employee = await targets.subordinate(session, speaker, parsed[0])
    if employee is None:
        await answer(update, _("You can only add targets for your direct staff."), alert=True)
        return ConversationHandler.END
    user_data(context)[DRAFT_KEY] = {
        "mode": "assign",
        "employee_id": employee.id,
        "period": current_period(context).code,
    }
    return await advance(update, context)


async def start_edit(update: Update, context: BotContext) -> int:
    """Load one of the speaker's own targets into a draft and show it for changing."""
    speaker = require_speaker(context)
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:edit", 2)
    if parsed is None:
        await answer(update, context.t._("This button is no longer valid."), alert=True)
        return ConversationHandler.END
    async with context.deps.sessions() as session:
        result = await targets.check_edit(session, speaker, parsed[0], parsed[1])
    if result.outcome is not Outcome.OK or result.target is None:
        await refuse(update, context, result)
        return ConversationHandler.END
    target = result.target
    draft = from_target(target)
    draft |= {
        "mode": "edit",
        "employee_id": speaker.id,
        "period": target.period,
        "target_id": target.id,
        "version": target.version,
    }
    user_data(context)[DRAFT_KEY] = draft
    return await summary(update, context)


async def resume(update: Update, context: BotContext) -> int:
    """Continue an unfinished draft where it stopped."""
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    return (
        await summary(update, context) if draft.get("review") else await advance(update, context)
    )


async def save(update: Update, context: BotContext) -> int:
    """Save the draft through the service: propose, edit or assign."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    deps = context.deps
    now = deps.clock.utcnow()
    period = parse_period(draft["period"])
    mode = draft.get("mode")
    async with deps.sessions() as session:
        if mode == "edit":
            result = await targets.edit(
                session,
                speaker,
                int(draft["target_id"]),
                int(draft["version"]),
                to_draft(draft),
                now=now,
                i18n=deps.i18n,
            )
        elif mode == "assign":
            result = await targets.assign(
                session,
                speaker,
                int(draft["employee_id"]),
                to_draft(draft),
                period=period,
                now=now,
                i18n=deps.i18n,
            )
        else:
            result = await targets.propose(
                session, speaker, to_draft(draft), period=period, now=now, i18n=deps.i18n
            )
        await session.commit()
    context.wake_outbox()
    if result.outcome is Outcome.INVALID:
        reasons = problems_text(t, result.problems)
        if any(p.about == "parent" for p in result.problems):
            draft.pop("parent", None)
            return await ask(update, context, "parent", reasons)
        return await summary(update, context, reasons)
    user_data(context).pop(DRAFT_KEY, None)
    back = keyboard([[(_("📋 My targets"), "tg:my")]])
    if result.outcome is Outcome.UNCHANGED:
        await show(update, context, _("Nothing was changed."), back)
    elif result.outcome is not Outcome.OK:
        await show(update, context, refusal_text(context, result), back)
    elif mode == "assign":
        assert result.owner is not None
        text = _("Saved and approved: the target is now on the list of {name}.").format(
            name=esc(result.owner.name)
        )
        if not result.notified:
            text += " " + _("{name} is not using the bot yet, so no message was sent.").format(
                name=esc(result.owner.name)
            )
        rows = [[(_("« Targets of this employee"), f"tg:emp:{result.owner.id}")]]
        await show(update, context, text, keyboard(rows))
    else:
        text = _("Thank you, your target is saved and was sent to your leader for approval.")
        if not result.notified:
            text = _(
                "Thank you, your target is saved. Your leader is not using the bot yet, so it "
                "waits as “awaiting approval” until they do."
            )
        await show(update, context, text, back)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """Drop the draft on request."""
    _ = context.t._
    user_data(context).pop(DRAFT_KEY, None)
    await show(update, context, _("All right, nothing was saved. Send /target to start again."))
    return ConversationHandler.END
