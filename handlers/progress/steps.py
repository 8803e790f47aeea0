"""/kinerja (/progress): the employee's own progress as text, and as a chart on request."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.services import charts, progress
from bot.services.progress import ProgressSummary
from handlers.common import answer, keyboard, reply, require_speaker, with_webapp
from handlers.conversation import refuse
from handlers.progress import texts


async def load_summary(context: BotContext) -> ProgressSummary:
    """Load the speaker's progress in the current semester."""
    speaker = require_speaker(context)
    deps = context.deps
    return await progress.load_summary(deps.sessions, speaker.id, deps.clock.now().date())


async def show_progress(update: Update, context: BotContext) -> None:
    """Show the speaker's progress per target, overall, and what waits for approval."""
    await answer(update)
    summary = await load_summary(context)
    rows = texts.summary_rows(summary, context.t)
    markup = with_webapp(context, keyboard(rows) if rows else None)
    await reply(update, context, texts.render_summary(summary, context.t), markup)


async def send_chart(update: Update, context: BotContext) -> None:
    """Draw the progress chart in a worker thread and send it as a photo."""
    summary = await load_summary(context)
    bars = progress.chart_bars(summary)
    chat = update.effective_chat
    if not bars or chat is None:
        await refuse(update, context, texts.NO_CHART)
        return
    await answer(update)
    title, more, caption = texts.chart_words(summary, len(bars) - charts.MAX_BARS, context.t)
    png = await asyncio.to_thread(
        charts.render_progress_chart,
        bars,
        title=title,
        target_label=context.t._("Target"),
        more_label=more,
        formatter=context.t.percent,
    )
    await context.bot.send_photo(chat.id, photo=png, caption=caption)
