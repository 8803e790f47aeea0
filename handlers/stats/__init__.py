"""/statistik (/stats): HR analytics as phone-readable charts plus a short text summary.

Callback data (all untrusted; every press re-checks the HR scope of the OPD it names):
  st:m:<opd>                 the menu (opd 0 = everything in the speaker's scope)
  st:o                       choose an OPD (city-wide HR and admins only)
  st:c:<opd> / st:a:<opd>    reporting compliance / achievement spread
  st:p:<opd>                 choose the semester for the predikat view
  st:pp:<opd>:<year>:<half>  predikat against the curve for that semester
  st:b:<opd> / st:u:<opd>    broadcast acknowledgements / units that may need support
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.services.access import Speaker
from bot.services.evaluation import curve as distribution
from bot.services.evaluation import period_name
from bot.services.evaluation import predikat as scoring
from bot.services.periods import Period, period_of
from bot.services.stats import analytics
from bot.services.stats.analytics import OutOfScope, Scope
from bot.text import MAX_CAPTION_CHARS, callback_data, esc, parse_callback, shorten
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker
from handlers.evaluation.texts import deviation_lines

LABEL_COMPLIANCE = N_("Reporting compliance")
LABEL_ACHIEVEMENT = N_("Achievement")
LABEL_PREDIKAT = N_("Predikat vs the curve")
LABEL_BROADCASTS = N_("Broadcast read rates")
LABEL_UNITS = N_("Units that may need support")
LABEL_CHOOSE_OPD = N_("Choose an OPD")
LABEL_ALL_OPDS = N_("All OPDs")
LABEL_BACK = N_("‹ Back to statistics")


def not_hr_text(t: Translator) -> str:
    """Explain kindly that statistics are for HR."""
    return t._(
        "Statistics are for HR officers. To see how your own work is going, use /kinerja; "
        "leaders can see their team with /tim."
    )


def out_of_scope_text(t: Translator) -> str:
    """Refuse an OPD outside the speaker's HR scope."""
    return t._("Sorry, that OPD is outside your HR scope, so its figures cannot be shown.")


def stale_text(t: Translator) -> str:
    """Answer a malformed or outdated button."""
    return t._("This button is no longer valid. Please open /statistik again.")


def _scope(context: BotContext, opd_id: int) -> tuple[Speaker, Scope]:
    """Return the speaker and the scope for an OPD id from callback data (0 = all)."""
    speaker = require_speaker(context)
    return speaker, analytics.resolve_scope(speaker, opd_id or None)


async def _scope_title(context: BotContext, opd_id: int) -> str:
    """Name what the figures cover: one OPD, or the whole scope."""
    _ = context.t._
    speaker = require_speaker(context)
    if not opd_id and (speaker.is_city_wide_hr):
        return _("All OPDs")
    async with context.deps.sessions() as session:
        scope = analytics.resolve_scope(speaker, opd_id or None)
        opds = await analytics.opds_in_scope(session, scope)
    return ", ".join(esc(o.name) for o in opds) or "-"


def _current(context: BotContext) -> Period:
    """The semester containing today (WIB)."""
    return period_of(context.deps.clock.now().date())


async def show_menu(update: Update, context: BotContext, opd_id: int = 0) -> None:
    """Show the statistics menu for the whole scope or one OPD."""
    t = context.t
    _ = t._
    speaker = require_speaker(context)
    await answer(update)
    if not speaker.is_hr:
        await reply(update, context, not_hr_text(t))
        return
    title = await _scope_title(context, opd_id)
    rows = [
        [(_(LABEL_COMPLIANCE), callback_data("st", "c", opd_id))],
        [(_(LABEL_ACHIEVEMENT), callback_data("st", "a", opd_id))],
        [(_(LABEL_PREDIKAT), callback_data("st", "p", opd_id))],
        [(_(LABEL_BROADCASTS), callback_data("st", "b", opd_id))],
        [(_(LABEL_UNITS), callback_data("st", "u", opd_id))],
    ]
    if speaker.is_city_wide_hr:
        rows.append([(_(LABEL_CHOOSE_OPD), "st:o")])
    text = _("<b>Statistics</b> for {scope}\nWhat would you like to see?").format(scope=title)
    await edit_or_reply(update, context, text, keyboard(rows))


async def start(update: Update, context: BotContext) -> None:
    """/statistik: open the menu for the speaker's whole scope."""
    await show_menu(update, context, 0)


async def choose_opd(update: Update, context: BotContext) -> None:
    """List the OPDs a city-wide HR officer may filter by."""
    _ = context.t._
    _speaker, scope = _scope(context, 0)
    await answer(update)
    async with context.deps.sessions() as session:
        opds = await analytics.opds_in_scope(session, scope)
    rows = [[(_(LABEL_ALL_OPDS), "st:m:0")]]
    pair: list[tuple[str, str]] = []
    for opd in opds:
        pair.append((opd.code, callback_data("st", "m", opd.id)))
        if len(pair) == 2:
            rows.append(pair)
            pair = []
    if pair:
        rows.append(pair)
    await edit_or_reply(update, context, _("Which OPD?"), keyboard(rows))


async def _send(
    update: Update,
    context: BotContext,
    png: bytes | None,
    caption: str,
    text: str,
    opd_id: int,
) -> None:
    """Send the chart (if any), then the summary with a way back to the menu."""
    chat = update.effective_chat
    if chat is None:
        return
    if png is not None:
        await context.bot.send_photo(
            chat.id, photo=png, caption=shorten(caption, MAX_CAPTION_CHARS)
        )
    back = keyboard([[(context.t._(LABEL_BACK), callback_data("st", "m", opd_id))]])
    await reply(update, context, text, back)


async def show_compliance(update: Update, context: BotContext, opd_id: int) -> None:
    """Chart and summary: who reported this week / month among staff with approved targets."""
    t = context.t
    _ = t._
    _speaker, scope = _scope(context, opd_id)
    await answer(update)
    deps = context.deps
    period = _current(context)
    async with deps.sessions() as session:
        rows = await analytics.compliance(
            session, scope, period, deps.clock.utcnow(), deps.settings.tz
        )
    title = _("Reporting, {period}").format(period=period_name(period))
    if not rows:
        text = _("No one in this scope has approved targets for {period} yet.").format(
            period=period_name(period)
        )
        await _send(update, context, None, "", text, opd_id)
        return
    total = analytics.total_compliance(rows)
    lines = [
        f"<b>{esc(title)}</b>",
        _("Staff with approved targets who sent at least one report."),
        "",
    ]
    line = _(
        "• <b>{opd}</b>: this week {week} of {total} ({week_pct}), "
        "this month {month} ({month_pct})"
    )
    for row in rows:
        lines.append(
            line.format(
                opd=esc(row.code),
                week=t.number(row.week),
                total=t.number(row.eligible),
                week_pct=t.percent(row.week_share),
                month=t.number(row.month),
                month_pct=t.percent(row.month_share),
            )
        )
    if len(rows) > 1:
        lines.append(
            _(
                "<b>Together</b>: this week {week} ({week_pct}), this month {month} ({month_pct})"
            ).format(
                week=t.number(total.week),
                week_pct=t.percent(total.week_share),
                month=t.number(total.month),
                month_pct=t.percent(total.month_share),
            )
        )
    bars = [(r.code, [r.week_share, r.month_share]) for r in rows]
    png = await asyncio.to_thread(
        partial(
            analytics.render_bars,
            bars,
            series=[_("This week"), _("This month")],
            title=title,
            value_label=t.percent,
            limit=1.0,
            note=_more(t, len(rows)),
        )
    )
    await _send(update, context, png, title, "\n".join(lines), opd_id)


def _more(t: Translator, count: int) -> str | None:
    """Say how many rows the chart left out (they are all in the text)."""
    left = count - analytics.MAX_ROWS
    if left <= 0:
        return None
    return t._("{count} more in the text below").format(count=t.number(left))


async def show_achievement(update: Update, context: BotContext, opd_id: int) -> None:
    """Chart and summary: staff per achievement bucket this semester."""
    t = context.t
    _ = t._
    _speaker, scope = _scope(context, opd_id)
    await answer(update)
    period = _current(context)
    async with context.deps.sessions() as session:
        spread = await analytics.achievement_spread(session, scope, period)
    title = _("Achievement, {period}").format(period=period_name(period))
    if not spread.measured:
        text = _("No approved numeric targets for {period} yet.").format(
            period=period_name(period)
        )
        await _send(update, context, None, "", text, opd_id)
        return
    people = _("{count} people")
    lines = [f"<b>{esc(title)}</b>"]
    for label, count in zip(analytics.BUCKET_LABELS, spread.buckets, strict=True):
        lines.append(f"• {label}: " + people.format(count=t.number(count)))
    lines.append(
        _("Average achievement: {percent} ({count} people with numeric targets)").format(
            percent=t.percent(spread.mean or 0.0), count=t.number(spread.measured)
        )
    )
    lines.append(_("Each target counts at most 100%; qualitative targets are not counted."))
    png = await asyncio.to_thread(
        partial(
            analytics.render_bars,
            [
                (label, [n])
                for label, n in zip(analytics.BUCKET_LABELS, spread.buckets, strict=True)
            ],
            series=[_("People")],
            title=title,
            value_label=lambda v: t.number(int(v)),
        )
    )
    await _send(update, context, png, title, "\n".join(lines), opd_id)


async def choose_period(update: Update, context: BotContext, opd_id: int) -> None:
    """Offer the current and the previous semester for the predikat view."""
    _ = context.t._
    _scope(context, opd_id)
    await answer(update)
    current = _current(context)
    rows = [
        [(period_name(p), callback_data("st", "pp", opd_id, p.year, p.half))]
        for p in (current, current.previous())
    ]
    rows.append([(_(LABEL_BACK), callback_data("st", "m", opd_id))])
    await edit_or_reply(update, context, _("Which semester?"), keyboard(rows))


async def show_predikat(update: Update, context: BotContext, opd_id: int, period: Period) -> None:
    """Chart and summary: predikat per OPD against its organisation rating's curve."""
    t = context.t
    _ = t._
    _speaker, scope = _scope(context, opd_id)
    await answer(update)
    async with context.deps.sessions() as session:
        rows = await analytics.predikat_spread(session, scope, period)
    title = _("Predikat, {period}").format(period=period_name(period))
    if not rows:
        text = _("There are no final evaluations for {period} yet.").format(
            period=period_name(period)
        )
        await _send(update, context, None, "", text, opd_id)
        return
    legend = " · ".join(
        f"{scoring.PREDIKAT_SHORT[p]} = {_(scoring.PREDIKAT_LABELS[p])}" for p in scoring.PREDIKATS
    )
    lines = [f"<b>{esc(title)}</b>", esc(legend), ""]
    for row in rows:
        counts = " · ".join(
            f"{scoring.PREDIKAT_SHORT[p]} {t.number(row.counts[p])}" for p in scoring.PREDIKATS
        )
        rating = (
            _(distribution.ORG_RATING_LABELS[row.org_rating])
            if row.org_rating
            else _("no organisation rating yet")
        )
        lines.append(f"<b>{esc(row.code)}</b> ({esc(rating)}): {counts}")
        if row.org_rating and row.deviations:
            lines.extend(deviation_lines(t, row.deviations))
        elif row.org_rating:
            lines.append("✓ " + _("Within the curve."))
    lines.append("")
    lines.append(_("The curve is a guide for evaluators; nothing is blocked because of it."))
    png = await asyncio.to_thread(
        partial(
            analytics.render_bars,
            [(r.code, [r.counts[p] for p in scoring.PREDIKATS]) for r in rows],
            series=[scoring.PREDIKAT_SHORT[p] for p in scoring.PREDIKATS],
            title=title,
            value_label=lambda v: t.number(int(v)),
            stacked=True,
            colors=analytics.PREDIKAT_COLORS,
            note=_more(t, len(rows)),
        )
    )
    await _send(update, context, png, title, "\n".join(lines), opd_id)


async def show_broadcasts(update: Update, context: BotContext, opd_id: int) -> None:
    """Chart and summary: recent broadcasts, delivered and acknowledged."""
    t = context.t
    _ = t._
    _speaker, scope = _scope(context, opd_id)
    await answer(update)
    async with context.deps.sessions() as session:
        items = await analytics.broadcast_stats(session, scope)
    title = _("Broadcasts read")
    if not items:
        await _send(
            update, context, None, "", _("No broadcasts have reached this scope yet."), opd_id
        )
        return
    lines = [f"<b>{esc(title)}</b>"]
    line = _("Recipients {recipients}, sent {sent}, read {read} ({percent})")
    for item in items:
        when = t.date(item.created_at.astimezone(context.deps.settings.tz), "medium")
        lines.append("")
        lines.append(f"<b>#{item.broadcast_id}</b> {esc(when)} — {esc(item.preview)}")
        lines.append(
            line.format(
                recipients=t.number(item.recipients),
                sent=t.number(item.sent),
                read=t.number(item.acknowledged),
                percent=t.percent(item.ack_share),
            )
        )
        if len(item.by_opd) > 1:
            lines.append(
                " · ".join(
                    f"{esc(code)} {t.number(read)}/{t.number(total)}"
                    for code, (total, read) in item.by_opd.items()
                )
            )
    png = await asyncio.to_thread(
        partial(
            analytics.render_bars,
            [(f"#{b.broadcast_id} {b.preview}", [b.ack_share]) for b in items],
            series=[_("Read")],
            title=title,
            value_label=t.percent,
            limit=1.0,
        )
    )
    await _send(update, context, png, title, "\n".join(lines), opd_id)


async def show_units(update: Update, context: BotContext, opd_id: int) -> None:
    """Text: units with the largest share of below-expectation results or low achievement."""
    t = context.t
    _ = t._
    _speaker, scope = _scope(context, opd_id)
    await answer(update)
    current = _current(context)
    async with context.deps.sessions() as session:
        units = await analytics.struggling_units(session, scope, current)
        if not units:
            current = current.previous()
            units = await analytics.struggling_units(session, scope, current)
    if not units:
        text = _("No unit stands out right now. Thank you for keeping an eye on it.")
        await _send(update, context, None, "", text, opd_id)
        return
    lines = [
        "<b>"
        + _("Units that may need support, {period}").format(period=period_name(current))
        + "</b>",
        _("A starting point for coaching or training, not a judgement of anyone."),
        "",
    ]
    line = _(
        "• <b>{unit}</b> ({opd}): below expectations {below} of {evaluated}; "
        "under 50% achievement {low} of {measured}"
    )
    for u in units:
        lines.append(
            line.format(
                unit=esc(u.unit),
                opd=esc(u.opd_code),
                below=t.number(u.below),
                evaluated=t.number(u.evaluated),
                low=t.number(u.low),
                measured=t.number(u.measured),
            )
        )
    await _send(update, context, None, "", "\n".join(lines), opd_id)


async def on_button(update: Update, context: BotContext) -> None:
    """Route an st: button; refuse malformed data and OPDs outside the scope."""
    t = context.t
    query = update.callback_query
    data = query.data if query is not None else None
    speaker = require_speaker(context)
    if not speaker.is_hr:
        await answer(update)
        await reply(update, context, not_hr_text(t))
        return
    try:
        if data == "st:o":
            if not (speaker.is_city_wide_hr):
                raise OutOfScope("OPD choice is for city-wide HR")
            await choose_opd(update, context)
            return
        if (pp := parse_callback(data, "st:pp", 3)) is not None:
            opd_id, year, half = pp
            if half not in (1, 2) or not 2000 <= year <= 2100:
                await answer(update, stale_text(t), alert=True)
                return
            await show_predikat(update, context, opd_id, Period(year, half))
            return
        views = {
            "m": show_menu,
            "c": show_compliance,
            "a": show_achievement,
            "p": choose_period,
            "b": show_broadcasts,
            "u": show_units,
        }
        for key, view in views.items():
            parsed = parse_callback(data, f"st:{key}", 1)
            if parsed is not None:
                analytics.resolve_scope(speaker, parsed[0] or None)
                await view(update, context, parsed[0])
                return
    except OutOfScope:
        await answer(update)
        await reply(update, context, out_of_scope_text(t))
        return
    await answer(update, stale_text(t), alert=True)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /statistik handlers."""
    return [
        CommandHandler(["statistik", "stats"], start),
        CallbackQueryHandler(on_button, pattern=r"^st:"),
    ]
