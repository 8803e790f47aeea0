"""How a target is written out: its amount, its jenis and kind, and all its fields as lines.

Shared by the queued notices (notices.py) and the chat screens (handlers/targets/texts.py);
every typed value is escaped.
"""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.services.targets.achievement import IkiProgress, IndicatorView, RhkProgress
from bot.services.targets.achievement_rules import Aspect, Expectation, Measure
from bot.services.targets.drafts import TargetDraft
from bot.services.targets.vocabulary import JENIS_UTAMA, KIND_QUANT
from bot.text import esc
from models import Target

ASPECT_LABELS = {
    Aspect.KUANTITAS: N_("Quantity"),
    Aspect.KUALITAS: N_("Quality"),
    Aspect.WAKTU: N_("Time"),
    Aspect.BIAYA: N_("Cost"),
}
MEASURE_LABELS = {
    Measure.CUMULATIVE: N_("reports add up"),
    Measure.LEVEL: N_("the latest level counts"),
    Measure.LOWER: N_("lower is better"),
    Measure.DEADLINE: N_("on time"),
    Measure.QUALITATIVE: N_("the leader's assessment"),
}
EXPECTATION_LABELS = {
    Expectation.BELOW: N_("below expectation"),
    Expectation.MEETS: N_("meets expectation"),
    Expectation.ABOVE: N_("above expectation"),
}
CAPPED_NOTE = N_(
    "(in this result each indicator counts up to 100%, so one you exceeded does not hide "
    "one that still needs work)"
)


def amount_text(t: Translator, target: Target | TargetDraft) -> str:
    """Render '12 dokumen' or the qualitative expectation, escaped."""
    if isinstance(target, Target):
        kind, amount, unit = target.kind, target.target_amount, target.unit
        expectation = target.expectation
    else:
        kind, amount, unit, expectation = (
            target.kind,
            target.amount,
            target.unit,
            target.expectation,
        )
    if kind == KIND_QUANT:
        number = t.number(amount) if amount is not None else "-"
        return f"{number} {esc(unit)}".strip()
    return esc(expectation)


def jenis_label(t: Translator, jenis: str) -> str:
    """Translate utama/tambahan."""
    return t._("Main (utama)") if jenis == JENIS_UTAMA else t._("Additional (tambahan)")


def kind_label(t: Translator, kind: str) -> str:
    """Translate kuantitatif/kualitatif."""
    return t._("Quantitative") if kind == KIND_QUANT else t._("Qualitative")


def describe(
    t: Translator, target: Target | TargetDraft, parent: Target | TargetDraft | None = None
) -> list[str]:
    """Render a target's fields as HTML lines (every typed value escaped)."""
    _ = t._
    lines = [_("<b>Work result:</b> {title}").format(title=esc(target.title))]
    if target.indicator:
        lines.append(_("Indicator: {indicator}").format(indicator=esc(target.indicator)))
    if target.kind == KIND_QUANT:
        lines.append(_("Target: {amount}").format(amount=amount_text(t, target)))
    else:
        lines.append(_("Expectation: {text}").format(text=amount_text(t, target)))
    if target.quality_standard:
        lines.append(_("Quality standard: {text}").format(text=esc(target.quality_standard)))
    lines.append(
        _("Type: {jenis}, {kind}").format(
            jenis=jenis_label(t, target.jenis), kind=kind_label(t, target.kind)
        )
    )
    if parent is not None:
        lines.append(_("Supports the leader's target: {title}").format(title=esc(parent.title)))
    return lines


def iki_target_text(t: Translator, row: IndicatorView) -> str:
    """An IKI's target in words: '12 dokumen', 'at most 5 keluhan', 'by 30 June', escaped."""
    _ = t._
    measure = Measure(row.measure)
    amount = f"{t.number(row.target_amount)} {esc(row.unit)}".strip() if row.target_amount else ""
    if measure is Measure.LOWER:
        return _("at most {amount}").format(amount=amount)
    if measure is Measure.DEADLINE:
        if row.periods:
            return _("on time in {count} periods").format(count=t.number(row.periods))
        return _("by {date}").format(date=t.date(row.due_on)) if row.due_on else "-"
    if measure is Measure.QUALITATIVE:
        return esc(row.expectation) or "-"
    return amount or "-"


def deadline_status(t: Translator, iki: IkiProgress, percent: str) -> str:
    """A single-date deadline: when it was delivered against its due date, or that it was not."""
    _ = t._
    done, due = iki.result.done_on, iki.indicator.due_on
    if done is None or due is None:
        return _("not delivered by {due} ({percent})").format(
            due=t.date(due, "medium") if due else "-", percent=percent
        )
    words = _("on time") if done <= due else _("late")
    return _("delivered on {done}, due {due}: {words} ({percent})").format(
        done=t.date(done, "medium"), due=t.date(due, "medium"), words=words, percent=percent
    )


def iki_status_text(t: Translator, iki: IkiProgress) -> str:
    """How far an IKI has come: '5 of 12 dokumen (42%)', the assessment, or why not yet."""
    _ = t._
    result, row = iki.result, iki.indicator
    if result.percent is None:
        return _(result.not_counted or "")
    percent = t.percent(float(result.percent) / 100)
    if iki.measure is Measure.QUALITATIVE and iki.assessment is not None:
        return _(EXPECTATION_LABELS[iki.assessment])
    if iki.measure is Measure.DEADLINE and not row.periods:
        return deadline_status(t, iki, percent)
    if result.measured is None:
        return percent
    if iki.measure is Measure.DEADLINE:
        return _("{done} of {total} on time ({percent})").format(
            done=t.number(result.measured), total=t.number(row.periods or 0), percent=percent
        )
    return _("{done} of {target} ({percent})").format(
        done=t.number(result.measured), target=iki_target_text(t, row), percent=percent
    )


def own_status_lines(t: Translator, rhk: RhkProgress | None) -> list[str] | None:
    """An RHK's status lines when a plain running total would mislead, else None.

    Several IKIs: one line each. One IKI measured by a level, lower-is-better or a deadline:
    its status ('88 of 90 % (97.8%)'), since its reports are not added up.
    """
    if rhk is None or not rhk.by_indicator:
        return None
    if not rhk.single:
        return indicator_lines(t, rhk)
    return [iki_status_text(t, rhk.ikis[0])]


def indicator_lines(t: Translator, rhk: RhkProgress) -> list[str]:
    """An RHK's IKIs, one line each, with the cap note; nothing for a single-IKI RHK."""
    if rhk.single:
        return []
    _ = t._
    lines = [
        _("• {aspect}: {text} — {status}").format(
            aspect=_(ASPECT_LABELS[iki.aspect]),
            text=esc(iki.indicator.text) or iki_target_text(t, iki.indicator),
            status=iki_status_text(t, iki),
        )
        for iki in rhk.ikis
    ]
    if rhk.capped:
        lines.append(_(CAPPED_NOTE))
    return lines
