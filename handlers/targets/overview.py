"""/target: the speaker's own targets of the semester, the list buttons, withdrawing a target."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.services import targets
from bot.services.targets import Outcome
from bot.services.targets import views as target_views
from bot.text import esc, parse_callback
from handlers.common import answer, keyboard, require_speaker
from handlers.targets.state import continue_row, current_period, refuse, show
from handlers.targets.team import show_member, show_team
from handlers.targets.texts import numbered, overview_text


async def show_mine(update: Update, context: BotContext) -> int:
    """Show the speaker's targets of this semester with their buttons."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    async with context.deps.sessions() as session:
        view = await target_views.overview(session, speaker, speaker.id, current_period(context))
    assert view is not None
    rows: list[list[tuple[str, str]]] = []
    for n, target in numbered(view):
        row: list[tuple[str, str]] = []
        if targets.is_editable(target) and view.has_supervisor:
            row.append((_("✏️ Change {n}").format(n=n), f"tg:edit:{target.id}:{target.version}"))
        if targets.is_withdrawable(target):
            row.append((_("🗑 Withdraw {n}").format(n=n), f"tg:wd:{target.id}:{target.version}"))
        if row:
            rows.append(row)
    if view.has_supervisor:
        rows.append([(_("➕ Add target"), "tg:add")])
    rows += continue_row(context)
    if speaker.is_leader:
        rows.append([(_("👥 Team targets"), "tg:team")])
    await show(update, context, overview_text(t, view, own=True), keyboard(rows))
    return ConversationHandler.END


async def navigate(update: Update, context: BotContext) -> None:
    """Route the list buttons: my targets, the team, one team member."""
    data = update.callback_query.data if update.callback_query else ""
    if data == "tg:my":
        await show_mine(update, context)
    elif data == "tg:team":
        await show_team(update, context)
    else:
        await show_member(update, context)


# -------------------------------------------------------------------------- withdrawing


async def ask_withdraw(update: Update, context: BotContext) -> None:
    """Confirm before withdrawing a pending or returned target."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:wd", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    async with context.deps.sessions() as session:
        result = await targets.check_edit(session, speaker, parsed[0], parsed[1])
    target = result.target
    if result.outcome is not Outcome.OK or target is None or not targets.is_withdrawable(target):
        await refuse(update, context, result)
        return
    text = _("Withdraw the target “{title}”? It will no longer wait for approval.").format(
        title=esc(target.title)
    )
    rows = [
        [(_("Yes, withdraw"), f"tg:wdy:{target.id}:{target.version}"), (_("No"), "tg:my")],
    ]
    await show(update, context, text, keyboard(rows))


async def withdraw(update: Update, context: BotContext) -> None:
    """Withdraw the target after confirmation, then show the list again."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:wdy", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    deps = context.deps
    async with deps.sessions() as session:
        result = await targets.withdraw(
            session, speaker, parsed[0], parsed[1], now=deps.clock.utcnow()
        )
        await session.commit()
    if result.outcome is not Outcome.OK:
        await refuse(update, context, result)
        return
    await show_mine(update, context)
