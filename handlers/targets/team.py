"""The leader's side of /target: the direct team, and one member's targets to decide."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services.targets import drafts as target_drafts
from bot.services.targets import views as target_views
from bot.text import esc, parse_callback
from handlers.common import answer, keyboard, require_speaker
from handlers.targets.state import current_period, show
from handlers.targets.texts import numbered, overview_text, period_label, short


async def show_team(update: Update, context: BotContext) -> None:
    """List the leader's direct subordinates with their pending targets."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    period = current_period(context)
    async with context.deps.sessions() as session:
        members = await target_views.team(session, speaker, period)
    lines = [_("<b>Team targets — {period}</b>").format(period=period_label(t, period)), ""]
    rows: list[list[tuple[str, str]]] = []
    if not members:
        lines.append(_("Nobody reports directly to you."))
    for member in members:
        lines.append(
            _("• {name}: {count} target(s), {pending} awaiting approval").format(
                name=esc(member.employee.name),
                count=t.number(member.targets),
                pending=t.number(member.pending),
            )
        )
        label = short(member.employee.name, 32)
        if member.pending:
            label += f" (⏳ {member.pending})"
        rows.append([(label, f"tg:emp:{member.employee.id}")])
    if members:
        lines.append("")
        lines.append(_("Choose a person to see and decide their targets."))
    rows.append([(_("« My targets"), "tg:my")])
    await show(update, context, "\n".join(lines), keyboard(rows))


async def show_member(update: Update, context: BotContext) -> None:
    """Show a direct subordinate's targets with Approve/Return and Assign buttons."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    parsed = parse_callback(
        update.callback_query.data if update.callback_query else "", "tg:emp", 1
    )
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    async with context.deps.sessions() as session:
        view = await target_views.overview(session, speaker, parsed[0], current_period(context))
    if view is None:
        await answer(update, _("You can only see the targets of your direct staff."), alert=True)
        return
    rows: list[list[tuple[str, str]]] = []
    for n, target in numbered(view):
        if target.status == target_drafts.STATUS_PENDING:
            rows.append(
                [
                    (_("✅ Approve {n}").format(n=n), f"tg:ok:{target.id}:{target.version}"),
                    (_("↩️ Return {n}").format(n=n), f"tg:ret:{target.id}:{target.version}"),
                ]
            )
    rows.append([(_("➕ Add a target for this employee"), f"tg:asg:{view.employee.id}")])
    rows.append([(_("« Team"), "tg:team")])
    await show(update, context, overview_text(t, view, own=False), keyboard(rows))
