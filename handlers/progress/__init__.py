"""/kinerja (/progress): the employee's own progress as text, and as a chart on request."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.i18n import N_
from bot.services import charts, checkins, progress
from bot.services.progress import ProgressSummary
from handlers.common import answer, keyboard, reply, require_speaker

CHART = "pg:chart"
SHOW = "pg:show"
LABEL_CHART = N_("Chart")
LABEL_RESUME = N_("Resume check-in reminders")


async def load_summary(context: BotContext) -> ProgressSummary:
    """Load the speaker's progress in the current semester."""
    speaker = require_speaker(context)
    deps = context.deps
    async with deps.sessions() as session:
        return await progress.progress_of(session, speaker.id, deps.clock.now().date())


def summary_keyboard(summary: ProgressSummary, context: BotContext) -> InlineKeyboardMarkup | None:
    """Offer the chart, reporting, and resuming paused reminders, where they apply."""
    _ = context.t._
    rows: list[list[tuple[str, str]]] = []
    first_row: list[tuple[str, str]] = []
    if summary.quantitative:
        first_row.append((_(LABEL_CHART), CHART))
    if summary.lines:
        first_row.append((_(checkins.LABEL_REPORT_NOW), checkins.REPORT_START))
    if first_row:
        rows.append(first_row)
    if summary.paused_until is not None:
        rows.append([(_(LABEL_RESUME), checkins.RESUME)])
    return keyboard(rows) if rows else None


async def show_progress(update: Update, context: BotContext) -> None:
    """Show the speaker's progress per target, overall, and what waits for approval."""
    await answer(update)
    summary = await load_summary(context)
    await reply(
        update,
        context,
        progress.render_summary(summary, context.t),
        summary_keyboard(summary, context),
    )


async def send_chart(update: Update, context: BotContext) -> None:
    """Draw the progress chart in a worker thread and send it as a photo."""
    _ = context.t._
    t = context.t
    summary = await load_summary(context)
    bars = progress.chart_bars(summary)
    chat = update.effective_chat
    if not bars or chat is None:
        await answer(update, _("There are no numeric targets to draw yet."), alert=True)
        return
    await answer(update)
    period = progress.period_label(summary.period)
    left_out = len(bars) - charts.MAX_BARS
    more = (
        _("{count} more target(s) in /kinerja").format(count=t.number(left_out))
        if left_out > 0
        else None
    )
    png = await asyncio.to_thread(
        charts.render_progress_chart,
        bars,
        title=_("Your progress, {period}").format(period=period),
        target_label=_("Target"),
        more_label=more,
        formatter=t.percent,
    )
    caption = _("Your progress, {period}").format(period=period)
    overall = summary.overall
    if overall is not None:
        caption += "\n" + _("Overall achievement: {percent}").format(percent=t.percent(overall))
    await context.bot.send_photo(chat.id, photo=png, caption=caption)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /kinerja handlers."""
    return [
        CommandHandler(["kinerja", "progress"], show_progress),
        CallbackQueryHandler(show_progress, pattern=f"^{SHOW}$"),
        CallbackQueryHandler(send_chart, pattern=f"^{CHART}$"),
    ]
