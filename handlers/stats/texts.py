"""The /statistik screens: the menu and its choices, each view's summary, and the words of
its chart. Names typed by people (OPDs, units, broadcasts) are escaped."""

from __future__ import annotations

from datetime import tzinfo

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translator
from bot.services import stats
from bot.services.evaluation import curve as distribution
from bot.services.evaluation import predikat as scoring
from bot.services.periods import Period, semester_name
from bot.services.stats import (
    AchievementSpread,
    BarChart,
    BroadcastStats,
    OpdCompliance,
    OpdPredikat,
    ScopeOpd,
    UnitsNeedingSupport,
)
from bot.text import callback_data, esc
from handlers.common import keyboard
from handlers.evaluation.texts import curve_lines

Screen = tuple[str, InlineKeyboardMarkup]

LABEL_COMPLIANCE = N_("Reporting compliance")
LABEL_ACHIEVEMENT = N_("Achievement")
LABEL_PREDIKAT = N_("Predikat vs the curve")
LABEL_BROADCASTS = N_("Broadcast read rates")
LABEL_UNITS = N_("Units that may need support")
LABEL_CHOOSE_OPD = N_("Choose an OPD")
LABEL_ALL_OPDS = N_("All OPDs")
LABEL_BACK = N_("‹ Back to statistics")
NOT_HR = N_(
    "Statistics are for HR officers. To see how your own work is going, use /kinerja; "
    "leaders can see their team with /tim."
)
OUT_OF_SCOPE = N_("Sorry, that OPD is outside your HR scope, so its figures cannot be shown.")
STALE = N_("This button is no longer valid. Please open /statistik again.")


# --- the menu and its choices ---


def scope_title(t: Translator, opds: list[ScopeOpd] | None) -> str:
    """Name what the figures cover: the OPDs, or every OPD (None)."""
    if opds is None:
        return t._(LABEL_ALL_OPDS)
    return ", ".join(esc(o.name) for o in opds) or "-"


def menu(t: Translator, title: str, opd_id: int, may_choose_opd: bool) -> Screen:
    """The statistics menu for the whole scope (opd_id 0) or one OPD."""
    _ = t._
    rows = [
        [(_(LABEL_COMPLIANCE), callback_data("st", "c", opd_id))],
        [(_(LABEL_ACHIEVEMENT), callback_data("st", "a", opd_id))],
        [(_(LABEL_PREDIKAT), callback_data("st", "p", opd_id))],
        [(_(LABEL_BROADCASTS), callback_data("st", "b", opd_id))],
        [(_(LABEL_UNITS), callback_data("st", "u", opd_id))],
    ]
    if may_choose_opd:
        rows.append([(_(LABEL_CHOOSE_OPD), "st:o")])
    text = _("<b>Statistics</b> for {scope}\nWhat would you like to see?").format(scope=title)
    return text, keyboard(rows)


def opd_choice(t: Translator, opds: list[ScopeOpd]) -> Screen:
    """Every OPD, two to a row, after "All OPDs"."""
    rows = [[(t._(LABEL_ALL_OPDS), "st:m:0")]]
    pair: list[tuple[str, str]] = []
    for opd in opds:
        pair.append((opd.code, callback_data("st", "m", opd.id)))
        if len(pair) == 2:
            rows.append(pair)
            pair = []
    if pair:
        rows.append(pair)
    return t._("Which OPD?"), keyboard(rows)


def period_choice(t: Translator, opd_id: int, current: Period) -> Screen:
    """The current and the previous semester for the predikat view."""
    rows = [
        [(semester_name(p, t), callback_data("st", "pp", opd_id, p.year, p.half))]
        for p in (current, current.previous())
    ]
    rows.append([(t._(LABEL_BACK), callback_data("st", "m", opd_id))])
    return t._("Which semester?"), keyboard(rows)


def back_to_menu(t: Translator, opd_id: int) -> InlineKeyboardMarkup:
    """The way back from a view to the menu."""
    return keyboard([[(t._(LABEL_BACK), callback_data("st", "m", opd_id))]])


def more_note(t: Translator, count: int) -> str | None:
    """Say how many rows the chart left out (they are all in the text)."""
    left = count - stats.MAX_ROWS
    if left <= 0:
        return None
    return t._("{count} more in the text below").format(count=t.number(left))


# --- reporting compliance ---


def compliance_title(t: Translator, period: Period) -> str:
    return t._("Reporting, {period}").format(period=semester_name(period, t))


def no_compliance(t: Translator, period: Period) -> str:
    return t._("No one in this scope has approved targets for {period} yet.").format(
        period=semester_name(period, t)
    )


def compliance_text(t: Translator, rows: list[OpdCompliance], period: Period) -> str:
    """Per OPD: who reported this week and this month; together when there are several."""
    _ = t._
    lines = [
        f"<b>{esc(compliance_title(t, period))}</b>",
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
        total = stats.total_compliance(rows)
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
    return "\n".join(lines)


def compliance_chart(t: Translator, rows: list[OpdCompliance], period: Period) -> BarChart:
    return BarChart(
        [(r.code, [r.week_share, r.month_share]) for r in rows],
        series=[t._("This week"), t._("This month")],
        title=compliance_title(t, period),
        value_label=t.percent,
        limit=1.0,
        note=more_note(t, len(rows)),
    )


# --- achievement ---


def achievement_title(t: Translator, period: Period) -> str:
    return t._("Achievement, {period}").format(period=semester_name(period, t))


def no_achievement(t: Translator, period: Period) -> str:
    return t._("No approved numeric targets for {period} yet.").format(
        period=semester_name(period, t)
    )


def achievement_text(t: Translator, spread: AchievementSpread, period: Period) -> str:
    """People per achievement bucket, and the average."""
    _ = t._
    people = _("{count} people")
    lines = [f"<b>{esc(achievement_title(t, period))}</b>"]
    for label, count in zip(stats.BUCKET_LABELS, spread.buckets, strict=True):
        lines.append(f"• {label}: " + people.format(count=t.number(count)))
    lines.append(
        _("Average achievement: {percent} ({count} people with numeric targets)").format(
            percent=t.percent(spread.mean or 0.0), count=t.number(spread.measured)
        )
    )
    lines.append(_("Each target counts at most 100%; qualitative targets are not counted."))
    return "\n".join(lines)


def achievement_chart(t: Translator, spread: AchievementSpread, period: Period) -> BarChart:
    return BarChart(
        [(label, [n]) for label, n in zip(stats.BUCKET_LABELS, spread.buckets, strict=True)],
        series=[t._("People")],
        title=achievement_title(t, period),
        value_label=lambda v: t.number(int(v)),
    )


# --- predikat vs the curve ---


def predikat_title(t: Translator, period: Period) -> str:
    return t._("Predikat, {period}").format(period=semester_name(period, t))


def no_predikat(t: Translator, period: Period) -> str:
    return t._("There are no final evaluations for {period} yet.").format(
        period=semester_name(period, t)
    )


def within_curve(t: Translator, complete: bool) -> str:
    """Say that an OPD is within its curve, or can still end within it."""
    if complete:
        return "✓ " + t._("Within the curve.")
    return "✓ " + t._("The evaluations still open can still bring it within the curve.")


def predikat_text(t: Translator, rows: list[OpdPredikat], period: Period) -> str:
    """Per OPD: the predikat counts, and how they stand against its curve."""
    _ = t._
    legend = " · ".join(
        f"{scoring.PREDIKAT_SHORT[p]} = {_(scoring.PREDIKAT_LABELS[p])}" for p in scoring.PREDIKATS
    )
    lines = [f"<b>{esc(predikat_title(t, period))}</b>", esc(legend), ""]
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
        if row.still_open:
            lines.append(_("Still to be evaluated: {n}").format(n=t.number(row.still_open)))
        if row.outlook is not None:
            lines.extend(curve_lines(t, row.outlook) or [within_curve(t, row.outlook.complete)])
    lines.append("")
    lines.append(_("The curve is a guide for evaluators; nothing is blocked because of it."))
    return "\n".join(lines)


def predikat_chart(t: Translator, rows: list[OpdPredikat], period: Period) -> BarChart:
    return BarChart(
        [(r.code, [r.counts[p] for p in scoring.PREDIKATS]) for r in rows],
        series=[scoring.PREDIKAT_SHORT[p] for p in scoring.PREDIKATS],
        title=predikat_title(t, period),
        value_label=lambda v: t.number(int(v)),
        stacked=True,
        colors=stats.PREDIKAT_COLORS,
        note=more_note(t, len(rows)),
    )


# --- broadcasts ---


def broadcasts_title(t: Translator) -> str:
    return t._("Broadcasts read")


def no_broadcasts(t: Translator) -> str:
    return t._("No broadcasts have reached this scope yet.")


def broadcasts_text(t: Translator, items: list[BroadcastStats], tz: tzinfo) -> str:
    """Per recent broadcast: recipients, sent, read; per OPD when it reached several."""
    _ = t._
    lines = [f"<b>{esc(broadcasts_title(t))}</b>"]
    line = _("Recipients {recipients}, sent {sent}, read {read} ({percent})")
    for item in items:
        when = t.date(item.created_at.astimezone(tz), "medium")
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
    return "\n".join(lines)


def broadcasts_chart(t: Translator, items: list[BroadcastStats]) -> BarChart:
    return BarChart(
        [(f"#{b.broadcast_id} {b.preview}", [b.ack_share]) for b in items],
        series=[t._("Read")],
        title=broadcasts_title(t),
        value_label=t.percent,
        limit=1.0,
    )


# --- units that may need support ---


def units_text(t: Translator, found: UnitsNeedingSupport) -> str:
    """The units worst first, or a kind word when none stands out."""
    _ = t._
    if not found.units:
        return _("No unit stands out right now. Thank you for keeping an eye on it.")
    lines = [
        "<b>"
        + _("Units that may need support, {period}").format(period=semester_name(found.period, t))
        + "</b>",
        _("A starting point for coaching or training, not a judgement of anyone."),
        "",
    ]
    line = _(
        "• <b>{unit}</b> ({opd}): below expectations {below} of {evaluated}; "
        "under 50% achievement {low} of {measured}"
    )
    for u in found.units:
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
    return "\n".join(lines)
