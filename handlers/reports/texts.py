"""The /lapor screens: targets, each step's question, the summary, thanks, corrections.

Functions return text (HTML, user text escaped) and keyboard rows without the Cancel row,
which the steps add (state.FLOW).
"""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import N_, Translator
from bot.services import reports
from bot.services.reports import ChangeResult, SaveOutcome, TargetProgress
from bot.services.reports.drafts import (
    ALLOWED_TYPES_LABEL,
    MAX_EVIDENCE_FILES,
    NARRATIVE_MAX_CHARS,
    NOTE_MAX_CHARS,
    DraftError,
    ReportDraft,
    megabytes,
)
from bot.services.targets.achievement_rules import Measure
from bot.services.targets.describing import ASPECT_LABELS, iki_status_text, iki_target_text
from bot.text import esc, shorten
from models import ProgressReport

Rows = list[list[tuple[str, str]]]

BAR_CELLS = 10
TITLE_IN_BUTTON = 40
L_SKIP = N_("Skip")
L_DONE = N_("Done")
L_SEND = N_("Send")
L_CHANGE = N_("Change")
L_CORRECT = N_("Correct")
L_WITHDRAW = N_("Withdraw")
CHANGE_REFUSALS = {
    ChangeResult.NOT_FOUND: N_("This report cannot be changed from your account."),
    ChangeResult.WITHDRAWN: N_("This report has already been withdrawn."),
    ChangeResult.TOO_LATE: N_(
        "Reports can be corrected or withdrawn only within 24 hours of sending. If something "
        "needs fixing, please tell your supervisor, or send a new report."
    ),
    ChangeResult.INVALID: N_("That change cannot be made to this report."),
}


def change_refusal(result: ChangeResult) -> str:
    """The msgid that says why a report cannot be changed."""
    return CHANGE_REFUSALS.get(result, CHANGE_REFUSALS[ChangeResult.INVALID])


def progress_bar(ratio: float | None) -> str:
    """A ten-cell text bar such as '▓▓▓▓░░░░░░' (full beyond 100 %)."""
    filled = max(0, min(BAR_CELLS, round((ratio or 0) * BAR_CELLS)))
    return "▓" * filled + "░" * (BAR_CELLS - filled)


def standing(t: Translator, progress: TargetProgress) -> str:
    """'▓▓▓▓░░░░░░ 40%\n16 of 40 dokumen', or the report count of a qualitative target."""
    _ = t._
    target = progress.target
    if progress.qualitative or not target.target_amount:
        return _("Reports on this target so far: {count}").format(count=progress.reports)
    ratio = progress.ratio or 0
    return f"{progress_bar(ratio)} {t.percent(ratio)}\n" + _(
        "{achieved} of {target} {unit}"
    ).format(
        achieved=t.number(progress.achieved),
        target=t.number(target.target_amount),
        unit=esc(target.unit),
    )


def draft_error_text(t: Translator, error: DraftError) -> str:
    """Translate a DraftError, formatting its numbers the user's way."""
    params = {
        k: t.number(v) if isinstance(v, int | float | Decimal) else v
        for k, v in error.params.items()
    }
    return t._(error.reason).format(**params)


# --------------------------------------------------------------------------- reporting


def no_targets_text(t: Translator) -> str:
    """Why there is nothing to report on yet, and how that changes."""
    return t._(
        "You have no approved targets for this semester yet, so there is nothing to "
        "report on. Add your targets with /target; once your supervisor approves them, "
        "you can report progress here. Thank you for your diligence!"
    )


def targets_screen(t: Translator, targets: list[TargetProgress]) -> tuple[str, Rows]:
    """The targets as buttons with their current achievement."""
    _ = t._
    rows: Rows = []
    for item in targets:
        title = shorten(item.target.title, TITLE_IN_BUTTON)
        if item.qualitative or item.ratio is None:
            label = _("{title} · {count} reports").format(title=title, count=item.reports)
        else:
            label = f"{title} · {t.percent(item.ratio)}"
        rows.append([(label, f"rp:t:{item.id}")])
    return _("<b>Progress report</b>\nWhich target is this report for?"), rows


def amount_question(t: Translator, progress: TargetProgress) -> str:
    """Ask for the increment achieved, or for a description of a qualitative target."""
    _ = t._
    target = progress.target
    head = _("<b>{title}</b>").format(title=esc(target.title))
    if progress.qualitative:
        body = _(
            "This target is qualitative. Please describe in a few sentences what you have "
            "achieved (at most {limit} characters)."
        ).format(limit=t.number(NARRATIVE_MAX_CHARS))
    else:
        question = _(
            "How much have you achieved since your last report? Type a number in "
            "{unit}, for example 3 or 2,5."
        ).format(unit=esc(target.unit or "-"))
        body = _("So far:") + " " + standing(t, progress) + "\n\n" + question
    return f"{head}\n{body}"


def big_question(t: Translator, progress: TargetProgress, amount: Decimal) -> tuple[str, Rows]:
    """Ask whether an amount far above the target is really meant."""
    _ = t._
    target = progress.target
    text = _(
        "You typed <b>{amount} {unit}</b>. Together with what you reported before, that makes "
        "{total} of {target} {unit} ({percent}), far above the target.\n\nIs this amount "
        "correct?"
    ).format(
        amount=t.number(amount),
        unit=esc(target.unit),
        total=t.number(progress.achieved + amount),
        target=t.number(target.target_amount or 0),
        percent=t.percent(progress.ratio_with(amount) or 0),
    )
    return text, [[(_("Yes, it is correct"), "rp:big:yes"), (_("Type it again"), "rp:big:no")]]


def note_question(t: Translator, draft: ReportDraft) -> tuple[str, Rows]:
    """Ask for a short note on quality, which may be skipped."""
    _ = t._
    text = _(
        'Add a short note on the quality of the work, for example "checked and signed by the '
        'head of section" (at most {limit} characters). Or press Skip.'
    ).format(limit=t.number(NOTE_MAX_CHARS))
    if draft.note:
        text += "\n\n" + _("Your current note: {note}\nPress Skip to keep it.").format(
            note=esc(draft.note)
        )
    return text, skip_rows(t)


def skip_rows(t: Translator) -> Rows:
    """The Skip button of the note step."""
    return [[(t._(L_SKIP), "rp:skip")]]


def evidence_rows(t: Translator, draft: ReportDraft) -> Rows:
    """Done once a file is attached, Skip before."""
    return [[(t._(L_DONE), "rp:done")]] if draft.evidence else [[(t._(L_SKIP), "rp:skip")]]


def evidence_question(t: Translator, draft: ReportDraft, max_bytes: int) -> tuple[str, Rows]:
    """Ask for photos or documents as evidence (optional)."""
    _ = t._
    text = _(
        "Now send your evidence: one or more photos or documents ({types}; at most {size} MB "
        "each, up to {count} files). Press Done when you are finished, or Skip if you have none."
    ).format(
        types=ALLOWED_TYPES_LABEL,
        size=t.number(megabytes(max_bytes)),
        count=MAX_EVIDENCE_FILES,
    )
    if not draft.evidence:
        return text, evidence_rows(t, draft)
    text += "\n\n" + _("Files attached so far: {count}. Press Skip to keep them.").format(
        count=len(draft.evidence)
    )
    return text, [[(_(L_DONE), "rp:done"), (_(L_SKIP), "rp:skip")]]


def file_received(t: Translator, draft: ReportDraft) -> str:
    """Confirm a received file, counting what is attached."""
    return t._("File received ({count} of at most {limit}). Send more, or press Done.").format(
        count=len(draft.evidence), limit=MAX_EVIDENCE_FILES
    )


def file_expected(t: Translator) -> str:
    """What counts as evidence, when something else arrives."""
    return t._(
        "Please send a photo or a document ({types}) as evidence. Stickers, voice messages, "
        "videos and text cannot be attached. When you are finished, press Done; if you have "
        "no evidence, press Skip."
    ).format(types=ALLOWED_TYPES_LABEL)


def summary(t: Translator, draft: ReportDraft, progress: TargetProgress) -> tuple[str, Rows]:
    """Everything once more, with Send / Change (and Cancel, added by the step)."""
    _ = t._
    target = progress.target
    lines = [
        _("<b>Please check your report</b>"),
        _("Target: {title}").format(title=esc(target.title)),
    ]
    if draft.values:
        lines += iki_value_lines(t, draft, progress)
        lines.append(_("Note: {note}").format(note=esc(draft.note) if draft.note else "-"))
    elif progress.qualitative:
        lines.append(_("Description: {text}").format(text=esc(draft.note)))
    else:
        amount = draft.amount or Decimal(0)
        lines.append(
            _("Amount: +{amount} {unit}").format(amount=t.number(amount), unit=esc(target.unit))
        )
        after = TargetProgress(target, progress.achieved + amount, progress.reports + 1)
        lines.append(_("After this report:") + " " + standing(t, after))
        lines.append(_("Note: {note}").format(note=esc(draft.note) if draft.note else "-"))
    lines.append(_("Evidence files: {count}").format(count=len(draft.evidence)))
    rows = [[(_(L_SEND), f"rp:send:{draft.nonce}")], [(_(L_CHANGE), "rp:edit")]]
    return "\n".join(lines), rows


def target_gone(t: Translator) -> tuple[str, Rows]:
    """The target can no longer take reports: the draft is kept, another target can be chosen."""
    _ = t._
    text = _(
        "Sorry, this target cannot take reports any more: your supervisor may have returned "
        "it for revision, or it belongs to an earlier semester. Your note and files are kept. "
        "You can choose another target."
    )
    return text, [[(_("Choose another target"), "rp:retarget")]]


def target_changed(t: Translator) -> tuple[str, Rows]:
    """The target was changed while the report was written: check the amount again."""
    _ = t._
    text = _(
        "Your supervisor changed this target after you started. Please check the "
        "amount again; your note and files are kept."
    )
    return text, [[(_(L_CHANGE), "rp:edit")]]


def thanks(t: Translator, outcome: SaveOutcome) -> tuple[str, Rows]:
    """The warm thank-you with the new standing and 24-hour Correct / Withdraw buttons."""
    _ = t._
    report, progress = outcome.report, outcome.progress
    assert report is not None
    assert progress is not None
    deadline = reports.change_deadline(report)
    lines = [
        _("<b>Thank you, your report has been saved!</b>"),
        esc(progress.target.title),
        standing(t, progress),
        "",
    ]
    ratio = progress.ratio
    if ratio is not None and ratio >= 1:
        lines.append(_("You have reached this target. Excellent work!"))
    else:
        lines.append(_("Every step counts. Keep up the good work!"))
    lines.append(
        _("You can correct or withdraw this report until {day}, {time}.").format(
            day=t.date(deadline), time=t.time(deadline)
        )
    )
    rows = [[(_(L_CORRECT), f"rp:fix:{report.id}"), (_(L_WITHDRAW), f"rp:del:{report.id}")]]
    return "\n".join(lines), rows


# --------------------------------------------------------------------------- changes


def fix_choice(
    t: Translator, report: ProgressReport, progress: TargetProgress
) -> tuple[str, Rows]:
    """What a report of a number target says now, and which part to correct."""
    _ = t._
    lines = [
        _("<b>Correct your report</b>"),
        _("Target: {title}").format(title=esc(progress.target.title)),
        _("Amount: +{amount} {unit}").format(
            amount=t.number(report.amount or 0), unit=esc(progress.target.unit)
        ),
        _("Note: {note}").format(note=esc(report.note) if report.note else "-"),
        "",
        _("What would you like to correct?"),
    ]
    return "\n".join(lines), [[(_("Amount"), "rp:fx:a"), (_("Note"), "rp:fx:n")]]


def fix_question(t: Translator, field: str) -> str:
    """Ask for the corrected amount, note or description."""
    _ = t._
    if field == "amount":
        return _("Please type the correct amount, for example 3 or 2,5.")
    if field == "narrative":
        return _("Please type the corrected description (at most {limit} characters).").format(
            limit=t.number(NARRATIVE_MAX_CHARS)
        )
    return _("Please type the corrected note (at most {limit} characters).").format(
        limit=t.number(NOTE_MAX_CHARS)
    )


def fix_big_question(
    t: Translator, progress: TargetProgress, previous: Decimal | None, amount: Decimal
) -> tuple[str, Rows]:
    """Ask whether a corrected amount far above the target is really meant."""
    _ = t._
    others = progress.achieved - (previous or 0)
    base = TargetProgress(progress.target, others, progress.reports)
    text = _(
        "With <b>{amount} {unit}</b> this target would stand at {total} of {target} {unit} "
        "({percent}), far above the target. Is this amount correct?"
    ).format(
        amount=t.number(amount),
        unit=esc(progress.target.unit),
        total=t.number(others + amount),
        target=t.number(progress.target.target_amount or 0),
        percent=t.percent(base.ratio_with(amount) or 0),
    )
    return text, [[(_("Yes, it is correct"), "rp:fx:ok"), (_("Type it again"), "rp:fx:no")]]


def changed_text(t: Translator, headline: str, progress: TargetProgress) -> str:
    """A corrected or withdrawn report: the headline, the target and where it stands now."""
    return t._(headline) + "\n" + esc(progress.target.title) + "\n" + standing(t, progress)


def withdraw_question(
    t: Translator, report: ProgressReport, progress: TargetProgress
) -> tuple[str, Rows]:
    """Ask once more before the report stops counting."""
    _ = t._
    target = progress.target
    what = (
        _("+{amount} {unit}").format(amount=t.number(report.amount), unit=esc(target.unit))
        if report.amount is not None
        else esc(report.note[:200])
    )
    text = _(
        "Withdraw this report?\n<b>{title}</b>: {what}\nIt will no longer count toward your "
        "target. This cannot be undone."
    ).format(title=esc(target.title), what=what)
    rows = [[(_("Yes, withdraw it"), f"rp:delok:{report.id}"), (_("No, keep it"), "rp:keep")]]
    return text, rows


# --------------------------------------------------------------------------- per IKI

L_SKIP_IKI = N_("Skip this indicator")
L_DONE_TODAY = N_("Done today")
L_ON_TIME = N_("On time")
L_LATE = N_("Late")
IKI_QUESTIONS = {
    Measure.CUMULATIVE: N_("How much did you add? Type a number, for example 3."),
    Measure.LEVEL: N_("What is the level now? Type a number, for example 90."),
    Measure.LOWER: N_("What is the number now? Type a number, for example 2 (lower is better)."),
    Measure.DEADLINE: N_("Is it finished? Press “Done today” once it is done."),
    Measure.QUALITATIVE: N_(
        "Describe in a few sentences what you did for it; your leader will assess it."
    ),
}
PERIOD_QUESTION = N_("Was this period's work on time?")
NO_VALUE = N_("Please give a value for at least one indicator, or press Cancel.")


def iki_question(t: Translator, progress: TargetProgress, step: int) -> tuple[str, Rows]:
    """One IKI of the RHK: what it is, its target and standing, and the question."""
    _ = t._
    assert progress.rhk is not None
    iki = progress.rhk.ikis[step]
    row, measure = iki.indicator, iki.measure
    lines = [
        f"<b>{esc(progress.target.title)}</b>",
        _("Indicator {number} of {count} ({aspect}): {text}").format(
            number=t.number(step + 1),
            count=t.number(len(progress.rhk.ikis)),
            aspect=_(ASPECT_LABELS[iki.aspect]),
            text=esc(row.text) or "-",
        ),
        _("Target: {target}").format(target=iki_target_text(t, row)),
        _("So far: {status}").format(status=iki_status_text(t, iki)),
        "",
        _(
            PERIOD_QUESTION
            if measure is Measure.DEADLINE and row.periods
            else IKI_QUESTIONS[measure]
        ),
    ]
    rows: Rows = []
    if measure is Measure.DEADLINE:
        rows.append(
            [(_(L_ON_TIME), "rp:iv:ontime"), (_(L_LATE), "rp:iv:late")]
            if row.periods
            else [(_(L_DONE_TODAY), "rp:iv:done")]
        )
    rows.append([(_(L_SKIP_IKI), "rp:iv:skip")])
    return "\n".join(lines), rows


def iki_value_lines(t: Translator, draft: ReportDraft, progress: TargetProgress) -> list[str]:
    """The summary's lines for per-IKI values: each IKI with what this report gives it."""
    _ = t._
    if progress.rhk is None:
        return []
    given = {v.indicator_id: v for v in draft.values}
    lines = []
    for iki in progress.rhk.ikis:
        value = given.get(iki.indicator.id or 0)
        if value is None:
            shown = "-"
        elif value.amount is not None:
            shown = f"{t.number(value.amount)} {esc(iki.indicator.unit)}".strip()
        elif value.done_on is not None:
            shown = _("done on {date}").format(date=t.date(value.done_on))
        elif value.on_time is not None:
            shown = _(L_ON_TIME) if value.on_time else _(L_LATE)
        else:
            shown = esc(value.note)
        lines.append(f"• {esc(iki.indicator.text) or '-'}: {shown}")
    return lines
