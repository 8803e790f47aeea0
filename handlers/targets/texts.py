"""Rendering for the target screens: semester labels, status badges, the overview, refusals."""

from __future__ import annotations

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.services.periods import Period
from bot.services.targets import Outcome, TargetResult
from bot.services.targets import drafts as target_drafts
from bot.services.targets import views as target_views
from bot.services.targets.drafts import Problem
from bot.text import esc
from models import Target

BADGES = {
    target_drafts.STATUS_PENDING: N_("⏳ awaiting approval"),
    target_drafts.STATUS_RETURNED: N_("↩️ returned"),
    target_drafts.STATUS_APPROVED: N_("✅ approved"),
}
LABEL_CHARS = 40


def period_label(t: Translator, period: Period) -> str:
    """Render 'Semester II 2026'."""
    return t._("Semester {half} {year}").format(
        half="I" if period.half == 1 else "II", year=str(period.year)
    )


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Shorten a title for a button label (labels are plain text, never HTML)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problems_text(t: Translator, problems: list[Problem]) -> str:
    """Render refusal reasons, one per line."""
    return "\n".join("• " + p.render(t) for p in problems)


def refusal_text(context: BotContext, result: TargetResult) -> str:
    """Explain politely why a target action was refused."""
    _ = context.t._
    if result.outcome is Outcome.ALREADY_DECIDED and result.target is not None:
        status = result.target.status
        if status == target_drafts.STATUS_ARCHIVED:
            return _("This target was withdrawn by the employee.")
        if status == target_drafts.STATUS_APPROVED:
            return _("This target was already approved.")
        return _("This target was already returned.")
    texts = {
        Outcome.NOT_FOUND: _("This target no longer exists."),
        Outcome.FORBIDDEN: _("This target is not yours to change or decide."),
        Outcome.STALE: _(
            "This screen is out of date: the target was changed in the meantime. "
            "Send /target to see the latest version."
        ),
        Outcome.NOT_EDITABLE: _(
            "This target cannot be changed here. Targets imported from the official SKP are "
            "changed through the HR officer of your OPD."
        ),
        Outcome.NO_SUPERVISOR: _(
            "Your direct supervisor is not recorded, so targets cannot be proposed here."
        ),
    }
    return texts.get(result.outcome, _("This button is no longer valid."))


def status_line(t: Translator, line: target_views.TargetLine) -> str:
    """Badge plus progress (approved) or the leader's note (returned)."""
    _ = t._
    target = line.target
    badge = _(BADGES.get(target.status, target.status))
    if target.status == target_drafts.STATUS_RETURNED and target.return_note:
        return badge + ": <i>" + esc(target.return_note) + "</i>"
    if target.status != target_drafts.STATUS_APPROVED:
        return badge
    if target.kind == target_drafts.KIND_QUANT and target.target_amount:
        progress = _("reported {achieved} of {amount} ({ratio})").format(
            achieved=t.number(line.achieved),
            amount=target_drafts.amount_text(t, target),
            ratio=t.percent(float(line.achieved / target.target_amount)),
        )
    else:
        progress = _("reports: {count}").format(count=t.number(line.reports))
    return f"{badge} · {progress}"


def cascade_lines(t: Translator, line: target_views.TargetLine) -> list[str]:
    """Explain how the target feeds its leader's target and how the team feeds it."""
    _ = t._
    lines: list[str] = []
    contribution = line.contribution
    if contribution is not None:
        parent = contribution.parent
        if contribution.share is not None:
            text = _(
                "↗ Supports “{parent}” ({leader}): {amount} is {share} of the {parent_amount}."
            ).format(
                parent=esc(parent.title),
                leader=esc(contribution.parent_owner_name),
                amount=target_drafts.amount_text(t, line.target),
                share=t.percent(contribution.share),
                parent_amount=target_drafts.amount_text(t, parent),
            )
        else:
            text = _("↗ Supports “{parent}” ({leader}).").format(
                parent=esc(parent.title), leader=esc(contribution.parent_owner_name)
            )
        lines.append(text)
        above = contribution.cascade
        if above.ratio is not None and above.summed_achieved is not None:
            lines.append(
                _("   All contributions so far: {achieved} of {amount} ({ratio}).").format(
                    achieved=t.number(above.summed_achieved),
                    amount=target_drafts.amount_text(t, parent),
                    ratio=t.percent(above.ratio),
                )
            )
    cascade = line.cascade
    if cascade is not None:
        text = _("↘ Contributing team targets: {count}.").format(
            count=t.number(len(cascade.children))
        )
        if cascade.ratio is not None and cascade.summed_achieved is not None:
            text += " " + _("Reported together: {achieved} of {amount} ({ratio}).").format(
                achieved=t.number(cascade.summed_achieved),
                amount=target_drafts.amount_text(t, cascade.parent),
                ratio=t.percent(cascade.ratio),
            )
        if cascade.other_units:
            text += " " + _("Not added because they use another unit: {count}.").format(
                count=t.number(cascade.other_units)
            )
        lines.append(text)
    return lines


def overview_text(t: Translator, view: target_views.Overview, own: bool) -> str:
    """Render the targets of one employee and semester, grouped utama / tambahan."""
    _ = t._
    if own:
        head = _("<b>Your SKP targets — {period}</b>").format(period=period_label(t, view.period))
    else:
        head = _("<b>SKP targets of {name} — {period}</b>").format(
            name=esc(view.employee.name), period=period_label(t, view.period)
        )
    parts = [head]
    if not view.lines:
        parts.append("")
        if own:
            parts.append(
                _(
                    "You have no targets for this semester yet. Press “Add target” to propose "
                    "one to your leader. Your leader will look at it with you."
                )
            )
        else:
            parts.append(_("No targets for this semester yet."))
    number = 0
    for jenis in target_drafts.JENIS:
        group = [line for line in view.lines if line.target.jenis == jenis]
        if not group:
            continue
        parts.append("")
        parts.append("<b>" + target_drafts.jenis_label(t, jenis) + "</b>")
        for line in group:
            number += 1
            target = line.target
            parts.append(
                f"{number}. {esc(target.title)} — {target_drafts.amount_text(t, target)}"
                if target.kind == target_drafts.KIND_QUANT
                else f"{number}. {esc(target.title)}"
            )
            parts.append("   " + status_line(t, line))
            if target.indicator:
                parts.append(
                    "   " + _("Indicator: {indicator}").format(indicator=esc(target.indicator))
                )
            parts.extend("   " + text for text in cascade_lines(t, line))
    if own and not view.has_supervisor:
        parts.append("")
        parts.append(
            _(
                "Your direct supervisor is not recorded, so targets cannot be proposed here. "
                "Your targets can be imported from the official SKP: please contact the HR "
                "officer of your OPD."
            )
        )
    return "\n".join(parts)


def numbered(view: target_views.Overview) -> list[tuple[int, Target]]:
    """Number targets in the order overview_text shows them."""
    ordered = [
        line.target
        for jenis in target_drafts.JENIS
        for line in view.lines
        if line.target.jenis == jenis
    ]
    return list(enumerate(ordered, start=1))
