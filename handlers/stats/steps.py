"""One short callback per /statistik view, and the router of its buttons.

Callback data (all untrusted; every press re-checks the HR scope of the OPD it names):
  st:m:<opd>                 the menu (opd 0 = everything in the speaker's scope)
  st:o                       choose an OPD (city-wide HR and admins only)
  st:c:<opd> / st:a:<opd>    reporting compliance / achievement spread
  st:p:<opd>                 choose the semester for the predikat view
  st:pp:<opd>:<year>:<half>  predikat against the curve for that semester
  st:b:<opd> / st:u:<opd>    broadcast acknowledgements / units that may need support
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from bot.services import stats
from bot.services.access import Speaker
from bot.services.periods import Period, period_of
from bot.services.stats import OutOfScope, Scope
from bot.text import MAX_CAPTION_CHARS, parse_callback, shorten
from handlers.common import answer, edit_or_reply, reply, require_speaker, with_webapp
from handlers.stats import texts

View = Callable[[Update, BotContext, int], Awaitable[None]]


def _scope(context: BotContext, opd_id: int) -> Scope:
    """The scope for an OPD id from callback data (0 = all); OutOfScope when not allowed."""
    return stats.resolve_scope(require_speaker(context), opd_id or None)


def _current(context: BotContext) -> Period:
    """The semester containing today (WIB)."""
    return period_of(context.deps.clock.now().date())


async def _send(
    update: Update, context: BotContext, text: str, opd_id: int, chart: stats.BarChart | None
) -> None:
    """Send the chart (if any), drawn in a worker thread, then the summary with a way back."""
    chat = update.effective_chat
    if chat is None:
        return
    if chart is not None:
        png = await stats.draw_bars(chart)
        caption = shorten(chart.title, MAX_CAPTION_CHARS)
        await context.bot.send_photo(chat.id, photo=png, caption=caption)
    await reply(update, context, text, texts.back_to_menu(context.t, opd_id))


async def show_menu(update: Update, context: BotContext, opd_id: int = 0) -> None:
    """Show the statistics menu for the whole scope or one OPD."""
    speaker = require_speaker(context)
    await answer(update)
    if not speaker.is_hr:
        await reply(update, context, context.t._(texts.NOT_HR))
        return
    opds = None
    if opd_id or not speaker.is_city_wide_hr:
        opds = await stats.opds_of(context.deps.sessions, _scope(context, opd_id))
    title = texts.scope_title(context.t, opds)
    text, markup = texts.menu(context.t, title, opd_id, speaker.is_city_wide_hr)
    page = f"hr?opd={opd_id}" if opd_id else "hr"
    await edit_or_reply(update, context, text, with_webapp(context, markup, page))


async def start(update: Update, context: BotContext) -> None:
    """/statistik: open the menu for the speaker's whole scope."""
    await show_menu(update, context, 0)


async def choose_opd(update: Update, context: BotContext) -> None:
    """List the OPDs a city-wide HR officer may filter by."""
    scope = _scope(context, 0)
    await answer(update)
    opds = await stats.opds_of(context.deps.sessions, scope)
    await edit_or_reply(update, context, *texts.opd_choice(context.t, opds))


async def show_compliance(update: Update, context: BotContext, opd_id: int) -> None:
    """Chart and summary: who reported this week / month among staff with approved targets."""
    t, deps = context.t, context.deps
    scope = _scope(context, opd_id)
    await answer(update)
    period = _current(context)
    rows = await stats.compliance(
        deps.sessions, scope, period, deps.clock.utcnow(), deps.settings.tz
    )
    if not rows:
        await _send(update, context, texts.no_compliance(t, period), opd_id, None)
        return
    chart = texts.compliance_chart(t, rows, period)
    await _send(update, context, texts.compliance_text(t, rows, period), opd_id, chart)


async def show_achievement(update: Update, context: BotContext, opd_id: int) -> None:
    """Chart and summary: staff per achievement bucket this semester."""
    t = context.t
    scope = _scope(context, opd_id)
    await answer(update)
    period = _current(context)
    spread = await stats.achievement_spread(context.deps.sessions, scope, period)
    if not spread.measured:
        await _send(update, context, texts.no_achievement(t, period), opd_id, None)
        return
    chart = texts.achievement_chart(t, spread, period)
    await _send(update, context, texts.achievement_text(t, spread, period), opd_id, chart)


async def choose_period(update: Update, context: BotContext, opd_id: int) -> None:
    """Offer the current and the previous semester for the predikat view."""
    _scope(context, opd_id)
    await answer(update)
    screen = texts.period_choice(context.t, opd_id, _current(context))
    await edit_or_reply(update, context, *screen)


async def show_predikat(update: Update, context: BotContext, opd_id: int, period: Period) -> None:
    """Chart and summary: predikat per OPD against its organisation rating's curve."""
    t = context.t
    scope = _scope(context, opd_id)
    await answer(update)
    rows = await stats.predikat_spread(context.deps.sessions, scope, period)
    if not rows:
        await _send(update, context, texts.no_predikat(t, period), opd_id, None)
        return
    chart = texts.predikat_chart(t, rows, period)
    await _send(update, context, texts.predikat_text(t, rows, period), opd_id, chart)


async def show_broadcasts(update: Update, context: BotContext, opd_id: int) -> None:
    """Chart and summary: recent broadcasts, delivered and acknowledged."""
    t, deps = context.t, context.deps
    scope = _scope(context, opd_id)
    await answer(update)
    items = await stats.broadcast_stats(deps.sessions, scope)
    if not items:
        await _send(update, context, texts.no_broadcasts(t), opd_id, None)
        return
    chart = texts.broadcasts_chart(t, items)
    text = texts.broadcasts_text(t, items, deps.settings.tz)
    await _send(update, context, text, opd_id, chart)


async def show_units(update: Update, context: BotContext, opd_id: int) -> None:
    """Text: units with the largest share of below-expectation results or low achievement."""
    scope = _scope(context, opd_id)
    await answer(update)
    found = await stats.units_needing_support(context.deps.sessions, scope, _current(context))
    await _send(update, context, texts.units_text(context.t, found), opd_id, None)


VIEWS: dict[str, View] = {
    "m": show_menu,
    "c": show_compliance,
    "a": show_achievement,
    "p": choose_period,
    "b": show_broadcasts,
    "u": show_units,
}


async def on_button(update: Update, context: BotContext) -> None:
    """Route an st: button; refuse malformed data and OPDs outside the scope."""
    t = context.t
    speaker = require_speaker(context)
    if not speaker.is_hr:
        await answer(update)
        await reply(update, context, t._(texts.NOT_HR))
        return
    try:
        routed = await route(update, context, speaker)
    except OutOfScope:
        await answer(update)
        await reply(update, context, t._(texts.OUT_OF_SCOPE))
        return
    if not routed:
        await answer(update, t._(texts.STALE), alert=True)


async def route(update: Update, context: BotContext, speaker: Speaker) -> bool:
    """Show the view the button names; False for malformed data (OutOfScope when refused)."""
    data = update.callback_query.data if update.callback_query else None
    if data == "st:o":
        if not speaker.is_city_wide_hr:
            raise OutOfScope("OPD choice is for city-wide HR")
        await choose_opd(update, context)
        return True
    if (found := parse_callback(data, "st:pp", 3)) is not None:
        opd_id, year, half = found
        if half not in (1, 2) or not 2000 <= year <= 2100:
            return False
        await show_predikat(update, context, opd_id, Period(year, half))
        return True
    for key, view in VIEWS.items():
        if (parsed := parse_callback(data, f"st:{key}", 1)) is not None:
            stats.resolve_scope(speaker, parsed[0] or None)
            await view(update, context, parsed[0])
            return True
    return False
