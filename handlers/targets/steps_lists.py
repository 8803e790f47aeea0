"""/target's lists: one's own targets, the leader's team and one member, withdrawing a target."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import targets
from bot.services.targets import Outcome
from handlers.common import callback_int, keyboard, require_speaker
from handlers.conversation import END, refuse
from handlers.targets import texts
from handlers.targets.state import DRAFTS, current_period, show, target_version


async def show_mine(update: Update, context: BotContext) -> int:
    """Show the speaker's targets of this semester with their buttons."""
    speaker = require_speaker(context)
    t = context.t
    view = await targets.overview(
        context.deps.sessions, speaker, speaker.id, current_period(context)
    )
    assert view is not None
    resumable = DRAFTS.get(context) is not None
    rows = texts.my_rows(t, view, resumable=resumable, leader=speaker.is_leader)
    await show(update, context, texts.overview_text(t, view, own=True), keyboard(rows))
    return END


async def navigate(update: Update, context: BotContext) -> None:
    """Route the list buttons: my targets, the team, one team member."""
    data = update.callback_query.data if update.callback_query else ""
    if data == "tg:my":
        await show_mine(update, context)
    elif data == "tg:team":
        await show_team(update, context)
    else:
        await show_member(update, context)


async def show_team(update: Update, context: BotContext) -> None:
    """List the leader's direct subordinates with their pending targets."""
    speaker = require_speaker(context)
    period = current_period(context)
    members = await targets.team(context.deps.sessions, speaker, period)
    text = texts.team_text(context.t, period, members)
    await show(update, context, text, keyboard(texts.team_rows(context.t, members)))


async def show_member(update: Update, context: BotContext) -> None:
    """Show a direct subordinate's targets with Approve/Return and Assign buttons."""
    speaker = require_speaker(context)
    employee_id = callback_int(update, "tg:emp")
    if employee_id is None:
        await refuse(update, context, texts.INVALID_BUTTON)
        return
    period = current_period(context)
    view = await targets.overview(context.deps.sessions, speaker, employee_id, period)
    if view is None:
        await refuse(update, context, texts.NOT_DIRECT_STAFF)
        return
    text = texts.overview_text(context.t, view, own=False)
    await show(update, context, text, keyboard(texts.member_rows(context.t, view)))


async def ask_withdraw(update: Update, context: BotContext) -> None:
    """Confirm before withdrawing a pending or returned target."""
    speaker = require_speaker(context)
    pressed = target_version(update, "tg:wd")
    if pressed is None:
        await refuse(update, context, texts.INVALID_BUTTON)
        return
    result = await targets.check_edit(context.deps.sessions, speaker, *pressed)
    target = result.target
    if result.outcome is not Outcome.OK or target is None or not targets.is_withdrawable(target):
        await refuse(update, context, texts.refusal(result))
        return
    text, rows = texts.withdraw_question(context.t, target)
    await show(update, context, text, keyboard(rows))


async def withdraw(update: Update, context: BotContext) -> None:
    """Withdraw the target after confirmation, then show the list again."""
    speaker = require_speaker(context)
    pressed = target_version(update, "tg:wdy")
    if pressed is None:
        await refuse(update, context, texts.INVALID_BUTTON)
        return
    deps = context.deps
    result = await targets.withdraw(deps.sessions, speaker, *pressed, now=deps.clock.utcnow())
    if result.outcome is not Outcome.OK:
        await refuse(update, context, texts.refusal(result))
        return
    await show_mine(update, context)
