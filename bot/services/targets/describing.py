"""How a target is written out: its amount, its jenis and kind, and all its fields as lines.

Shared by the queued notices (notices.py) and the chat screens (handlers/targets/texts.py);
every typed value is escaped.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.services.targets.drafts import TargetDraft
from bot.services.targets.vocabulary import JENIS_UTAMA, KIND_QUANT
from bot.text import esc
from models import Target


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
