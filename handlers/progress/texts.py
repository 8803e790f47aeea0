"""The /kinerja screens: the progress summary, its buttons, and the chart's words."""

from __future__ import annotations

import math

from bot.i18n import N_, Translator
from bot.services import checkins
from bot.services.periods import semester_name
from bot.services.progress import ProgressSummary, TargetLine
from bot.services.targets.describing import own_status_lines
from bot.text import esc

Rows = list[list[tuple[str, str]]]

CHART = "pg:chart"
SHOW = "pg:show"
LABEL_CHART = N_("Chart")
LABEL_RESUME = N_("Resume check-in reminders")
NO_CHART = N_("There are no numeric targets to draw yet.")
BAR_CELLS = 10
FILLED = "▓"
EMPTY = "░"


def progress_bar(ratio: float) -> str:
    """Ten cells, e.g. ▓▓▓▓░░░░░░ for 40 %; full from 100 % on (the text shows the real %)."""
    filled = math.floor(min(max(ratio, 0.0), 1.0) * BAR_CELLS + 1e-9)
    return FILLED * filled + EMPTY * (BAR_CELLS - filled)


def target_lines(line: TargetLine, t: Translator) -> list[str]:
    """How far one target has come: a bar and the numbers, or the reports of a qualitative one."""
    _ = t._
    if (own := own_status_lines(t, line.rhk)) is not None:
        bar = (
            [f"{progress_bar(line.ratio)} {t.percent(line.ratio)}"]
            if line.ratio is not None
            else []
        )
        return bar + own
    if line.ratio is None:
        if line.reports and line.last_report is not None:
            return [
                _("Reports: {count}, the last on {date}").format(
                    count=t.number(line.reports), date=t.date(line.last_report)
                )
            ]
        return [_("No reports yet. Tap Report now when you have something to share.")]
    text = [
        f"{progress_bar(line.ratio)} {t.percent(line.ratio)}",
        _("{done} of {target} {unit}").format(
            done=t.number(line.achieved),
            target=t.number(line.target_amount or 0),
            unit=esc(line.unit),
        ),
    ]
    if line.ratio >= 1:
        text.append(_("Target reached. Well done!"))
    return text


def head_lines(summary: ProgressSummary, t: Translator) -> list[str]:
    """The semester, the days left, and the last report (or a word of encouragement)."""
    _ = t._
    out = [
        _("<b>Your performance, {period}</b>").format(period=semester_name(summary.period, t)),
        _("Days left in this semester: {days}").format(days=t.number(summary.days_left)),
    ]
    if summary.last_report is not None:
        out.append(_("Your last report: {date}").format(date=t.date(summary.last_report)))
    elif summary.lines:
        out.append(_("No reports yet this semester. Every small step counts!"))
    if not summary.lines:
        out += [
            "",
            _(
                "You have no approved targets for this semester yet. Once your leader approves "
                "your targets, your progress will appear here."
            ),
        ]
    return out


def contribution_lines(summary: ProgressSummary, t: Translator) -> list[str]:
    """What the employee's reports make up of their leader's targets (same unit only)."""
    _ = t._
    if not summary.contributions:
        return []
    out = ["", _("<b>Your contribution to your leader's targets</b>")]
    for c in summary.contributions:
        out.append(
            _("Your {done} {unit} make up {share} of {leader}'s {total} {unit} ({title})").format(
                done=t.number(c.achieved),
                unit=esc(c.unit),
                share=t.percent(c.share),
                leader=esc(c.leader_name),
                total=t.number(c.parent_amount),
                title=esc(c.parent_title),
            )
        )
    return out


def closing_lines(summary: ProgressSummary, t: Translator) -> list[str]:
    """The overall figure (and how it is made), what waits for approval, a pause."""
    _ = t._
    out: list[str] = []
    overall = summary.overall
    if overall is not None:
        out += [
            "",
            _("<b>Overall achievement: {percent}</b>").format(percent=t.percent(overall)),
            _(
                "(the average of your numeric targets, each counted up to 100%, so a target "
                "you exceeded does not hide one that still needs work)"
            ),
        ]
    if summary.waiting:
        out += ["", _("<b>Waiting for approval</b>")]
        for waiting in summary.waiting:
            item = f"• {esc(waiting.title)}"
            if waiting.status == "returned":
                item += " " + _("(returned to you for changes)")
            out.append(item)
    if summary.paused_until is not None:
        out += [
            "",
            _("Check-in reminders are paused until {date}.").format(
                date=t.date(summary.paused_until)
            ),
        ]
    return out


def render_summary(summary: ProgressSummary, t: Translator) -> str:
    """Render /kinerja as HTML in the user's language (user text escaped)."""
    out = head_lines(summary, t)
    for number, line in enumerate(summary.lines, 1):
        out += ["", f"<b>{number}. {esc(line.title)}</b>", *target_lines(line, t)]
    out += contribution_lines(summary, t)
    out += closing_lines(summary, t)
    return "\n".join(out)


def summary_rows(summary: ProgressSummary, t: Translator) -> Rows:
    """Offer the chart, reporting, and resuming paused reminders, where they apply."""
    _ = t._
    rows: Rows = []
    first_row: list[tuple[str, str]] = []
    if summary.quantitative:
        first_row.append((_(LABEL_CHART), CHART))
    if summary.lines:
        first_row.append((_(checkins.LABEL_REPORT_NOW), checkins.REPORT_START))
    if first_row:
        rows.append(first_row)
    if summary.paused_until is not None:
        rows.append([(_(LABEL_RESUME), checkins.RESUME)])
    return rows


def chart_words(
    summary: ProgressSummary, left_out: int, t: Translator
) -> tuple[str, str | None, str]:
    """The chart's title, the note on targets it leaves out (if any), and the photo's caption."""
    _ = t._
    title = _("Your progress, {period}").format(period=semester_name(summary.period, t))
    note = (
        _("{count} more target(s) in /kinerja").format(count=t.number(left_out))
        if left_out > 0
        else None
    )
    caption = title
    if summary.overall is not None:
        caption += "\n" + _("Overall achievement: {percent}").format(
            percent=t.percent(summary.overall)
        )
    return title, note, caption
