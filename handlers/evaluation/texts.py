"""The evaluation's chat screens: the leader's list and rating screens, the employee's result,
HR's tools, and the polite refusals. Everything a user typed is escaped here."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import N_, Translator
from bot.services.evaluation import (
    CLOSED,
    LATE,
    MAX_COMMENT,
    MAX_NOTE,
    MAX_OBJECTION,
    MAX_REASON,
    NOT_YET,
    EvaluationPeriod,
    Overview,
    Problem,
    ReportNote,
    Saved,
    SemesterSummary,
    Spread,
    SummaryLine,
)
from bot.services.evaluation.curve import ORG_RATING_LABELS, ORG_RATINGS, Rule
from bot.services.evaluation.curve_outlook import RULE_NAMES, CurveOutlook
from bot.services.evaluation.predikat import (
    BERAKHLAK,
    PREDIKAT_LABELS,
    PREDIKATS,
    RATING_LABELS,
    RATINGS,
)
from bot.services.evaluation.suggestion import Suggestion
from bot.services.periods import Period, parse_period, semester_name
from bot.services.targets.achievement_rules import Measure
from bot.services.targets.describing import (
    ASPECT_LABELS,
    CAPPED_NOTE,
    iki_status_text,
    indicator_lines,
)
from bot.text import esc, shorten
from handlers.evaluation.state import LeaderDraft
from models import Employee, Evaluation, Opd

Rows = list[list[tuple[str, str]]]
NOTES_SHOWN = 2  # the latest report notes per RHK on the summary; "All report notes" shows all
NOTE_CHARS = 90  # each shortened to this many characters there

BERAKHLAK_KEYS = tuple(BERAKHLAK)
ASK_OPD_CODE = N_("Please type the OPD code, for example DINKES.")
ASK_CORRECTION_NIP = N_("Please type the NIP of the employee whose evaluation needs a correction.")
ASK_CORRECTED_PERILAKU = N_("Choose the corrected work behaviour rating:")
ASK_PLT_NIP = N_("Please type the NIP of the employee who needs an acting evaluator.")
NO_SUCH_OPD = N_("I could not find an OPD with that code. Please check it and type it again.")
NO_SUCH_EMPLOYEE = N_(
    "I could not find an active employee with that NIP. Please check it and type it again."
)
ACCEPTED = N_("Thank you. Your acceptance is recorded. Keep up the good work!")
OBJECTION_SENT = N_(
    "Thank you. Your objection has been sent to HR. They will follow it up with you."
)
WHICH_VALUE = N_("Which value is the note about?")
NOTE_TOO_LONG = N_("That note has {n} characters; the limit is {limit}. Please shorten it.")
COMMENT_TOO_LONG = N_("That comment has {n} characters; the limit is {limit}. Please shorten it.")
OBJECTION_TOO_LONG = N_("Your text has {n} characters; the limit is {limit}. Please shorten it.")

# --- shared --------------------------------------------------------------------------------


def refusal_text(t: Translator, problem: Problem, opens_at: datetime | None = None) -> str:
    """Word a refusal politely."""
    _ = t._
    if problem == Problem.NOT_YET and opens_at is not None:
        return _("The evaluation window is not open yet. It opens on {date}.").format(
            date=t.date(opens_at)
        )
    texts = {
        Problem.NOT_FOUND: _("Sorry, I could not find that. Nothing was changed."),
        Problem.NOT_EVALUATOR: _(
            "Sorry, only this employee's evaluator (the direct supervisor, or the acting "
            "evaluator assigned by HR) can evaluate them. Nothing was changed."
        ),
        Problem.NOT_YET: _("The evaluation window is not open yet."),
        Problem.CLOSED: _(
            "The evaluation for this semester is closed. Please contact HR if something "
            "still needs to be done."
        ),
        Problem.ALREADY: _("This has already been done, so nothing was changed."),
        Problem.STALE: _(
            "Something changed while you were working on this screen (targets, reports or "
            "an evaluation). Nothing was saved. Please start again with /nilai to see the "
            "latest data."
        ),
        Problem.BAD_RATING: _("Sorry, that choice is not valid. Nothing was changed."),
        Problem.TOO_LONG: _("That text is too long. Please keep it shorter."),
        Problem.EMPTY: _("Please type a few words."),
        Problem.NOT_OWNER: _("Sorry, this evaluation is not yours. Nothing was changed."),
        Problem.NOT_HR: _("Sorry, only HR covering this OPD can do that. Nothing was changed."),
    }
    return texts[problem]


def rating_rows(t: Translator, prefix: str, suggested: str = "") -> Rows:
    """Return one button per rating, the suggested one starred."""
    rows = []
    for i, rating in enumerate(RATINGS):
        label = t._(RATING_LABELS[rating])
        if rating == suggested:
            label = "★ " + label
        rows.append([(label, f"{prefix}:{i}")])
    return rows


def result_lines(t: Translator, hasil: str, perilaku: str, predikat: str) -> list[str]:
    """The two ratings and the predikat, one line each."""
    _ = t._
    return [
        _("Work results: {rating}").format(rating=_(RATING_LABELS[hasil])),
        _("Work behaviour: {rating}").format(rating=_(RATING_LABELS[perilaku])),
        _("Predikat: <b>{predikat}</b>").format(predikat=_(PREDIKAT_LABELS[predikat])),
    ]


def note_lines(t: Translator, notes: dict[str, str]) -> list[str]:
    """The BerAKHLAK notes written so far, one bullet each."""
    return [f"• {t._(BERAKHLAK[key])}: {esc(note)}" for key, note in notes.items()]


def predikat_list(t: Translator, predikats: tuple[str, ...]) -> str:
    """Name one predikat, or several joined with "or"."""
    labels = [t._(PREDIKAT_LABELS[p]) for p in predikats]
    if len(labels) == 1:
        return labels[0]
    return t._("{items} or {last}").format(items=", ".join(labels[:-1]), last=labels[-1])


def rule_name(t: Translator, rule: Rule) -> str:
    """Name a curve rule with its predikats and its limit in the user's percent format."""
    return t._(RULE_NAMES[rule.kind]).format(
        limit=t.percent(rule.limit), predikat=predikat_list(t, rule.predikats)
    )


def curve_lines(t: Translator, outlook: CurveOutlook) -> list[str]:
    """A small OPD's plain sentence, or each rule the OPD cannot meet, named with its numbers."""
    lines = [t._(note).format(total=t.number(outlook.total)) for note in outlook.notes]
    for warning in outlook.warnings:
        numbers = {key: t.number(value) for key, value in warning.params.items()}
        rule = rule_name(t, warning.rule) if warning.rule is not None else ""
        lines.append("• " + t._(warning.message).format(rule=rule, **numbers))
    return lines


def too_long_text(t: Translator, msgid: str, length: int, limit: int) -> str:
    """Say how long a typed note, comment or objection (`msgid`) is, and what fits."""
    return t._(msgid).format(n=length, limit=limit)


# --- the leader ----------------------------------------------------------------------------


def window_line(t: Translator, current: EvaluationPeriod) -> str:
    """Say when the evaluation window opens, is due, or that it is late or closed."""
    _ = t._
    if current.state == NOT_YET:
        return _("The evaluation window opens on {date}. You can evaluate from then.").format(
            date=t.date(current.opens_at)
        )
    if current.state == LATE:
        return _(
            "The due date ({date}) has passed. You can still evaluate; it will be "
            "recorded as late."
        ).format(date=t.date(current.due_at))
    if current.state == CLOSED:
        return _("The evaluation for this semester is closed.")
    last_day = current.due_at.astimezone(t.tz).date().toordinal() - 1
    return _("Please complete the evaluations by {date}.").format(
        date=t.date(datetime.fromordinal(last_day).date())
    )


def overview_screen(t: Translator, overview: Overview, is_hr: bool) -> tuple[str, Rows]:
    """The list of whom to evaluate and whom the speaker evaluated, with their buttons."""
    _ = t._
    current = overview.current
    lines = [_("<b>Evaluation for {period}</b>").format(period=semester_name(current.period, t))]
    lines.append(window_line(t, current))
    rows: Rows = []
    if overview.evaluates_nobody:
        lines += ["", _("There is nobody for you to evaluate this semester.")]
    if overview.pending:
        lines += ["", _("<b>Still to evaluate</b>")]
        lines += [f"• {esc(e.name)}" for e in overview.pending]
        if current.state not in (NOT_YET, CLOSED):
            lines += ["", _("Choose an employee to start.")]
            rows += [[(e.name[:60], f"ev:pick:{e.id}")] for e in overview.pending]
    if overview.done:
        lines += ["", _("<b>Evaluated</b>")]
        lines += [f"✓ {esc(e.name)}: {_(PREDIKAT_LABELS[ev.predikat])}" for e, ev in overview.done]
    if is_hr:
        rows.append([(_("HR menu"), "ev:hr")])
    return "\n".join(lines), rows


def own_result_screen(t: Translator, mine: Evaluation) -> tuple[str, Rows]:
    """An employee's own final evaluation, with Accept / Object while still open."""
    _ = t._
    period = semester_name(parse_period(mine.period), t)
    lines = [
        _("<b>Your evaluation for {period}</b>").format(period=period),
        *result_lines(t, mine.hasil_kerja, mine.perilaku_kerja, mine.predikat),
    ]
    if mine.comment:
        lines.append(_("Comment: {comment}").format(comment=esc(mine.comment)))
    row: list[tuple[str, str]] = []
    if mine.acknowledged_at is None:
        row.append((_("Accept"), f"ev:ack:{mine.id}"))
    if mine.objection_at is None:
        row.append((_("Object"), f"ev:obj:{mine.id}"))
    return "\n".join(lines), [row] if row else []


def target_line(t: Translator, line: SummaryLine) -> str:
    """One approved target of the summary: its achievement, its IKIs and its quality."""
    return "\n".join([achievement_line(t, line), *("  " + li for li in quality_lines(t, line))])


def quality_lines(t: Translator, line: SummaryLine) -> list[str]:
    """The target's quality standard and its latest report notes and narratives, shortened."""
    _ = t._
    lines = []
    if line.quality_standard:
        lines.append(
            _("Quality standard: {text}").format(
                text=esc(shorten(line.quality_standard, NOTE_CHARS))
            )
        )
    for note in line.notes[:NOTES_SHOWN]:
        lines.append(note_line(t, note, NOTE_CHARS))
    if len(line.notes) > NOTES_SHOWN:
        hidden = len(line.notes) - NOTES_SHOWN
        lines.append(
            t.ngettext("…and {count} earlier note", "…and {count} earlier notes", hidden).format(
                count=t.number(hidden)
            )
        )
    return lines


def note_line(t: Translator, note: ReportNote, limit: int | None) -> str:
    """'🗒 9 Oct: the note' (with the IKI it was given for), shortened to `limit` if given."""
    text = shorten(note.text, limit) if limit else note.text
    if note.indicator:
        text = f"{shorten(note.indicator, NOTE_CHARS) if limit else note.indicator}: {text}"
    return t._("🗒 {day}: {text}").format(day=t.date(note.at, "medium"), text=esc(text))


def notes_hidden(summary: SemesterSummary) -> bool:
    """True when the summary shortened or left out a note (the "more" button shows them)."""
    return any(
        len(li.notes) > NOTES_SHOWN
        or shorten(li.quality_standard, NOTE_CHARS) != li.quality_standard
        or any(shorten(n.text, NOTE_CHARS) != n.text for n in li.notes)
        for li in summary.lines
    )


def notes_screen(t: Translator, summary: SemesterSummary) -> str:
    """Every quality standard, report note and narrative of the semester, in full."""
    _ = t._
    out = [
        _("<b>Report notes of {name}</b>, {period}").format(
            name=esc(summary.employee.name), period=semester_name(summary.period, t)
        )
    ]
    for li in summary.lines:
        if not (li.quality_standard or li.notes):
            continue
        out += ["", f"<b>{esc(li.title)}</b>"]
        if li.quality_standard:
            out.append(_("Quality standard: {text}").format(text=esc(li.quality_standard)))
        out += [note_line(t, note, None) for note in li.notes]
    out += ["", _("<b>How were the work results (hasil kerja)?</b>")]
    return "\n".join(out)


def achievement_line(t: Translator, line: SummaryLine) -> str:
    """One approved target's achievement (per IKI when it has several) and its reports."""
    _ = t._
    kind = _("main") if line.jenis == "utama" else _("additional")
    reports = t.ngettext("{count} report", "{count} reports", line.reports).format(
        count=t.number(line.reports)
    )
    if line.rhk is not None and not line.rhk.single:
        head = _("• {title} ({kind}): {percent}, {reports}").format(
            title=esc(line.title),
            kind=kind,
            percent=t.percent(line.ratio) if line.ratio is not None else "-",
            reports=reports,
        )
        return "\n".join([head, *("  " + li for li in indicator_lines(t, line.rhk))])
    if line.rhk is not None and line.rhk.ikis[0].measure is not Measure.CUMULATIVE:
        # One IKI measured otherwise (a level, a deadline, the leader's judgement): its status.
        iki = line.rhk.ikis[0]
        return _("• {title} ({kind}): {aspect}: {status}, {reports}").format(
            title=esc(line.title),
            kind=kind,
            aspect=_(ASPECT_LABELS[iki.aspect]),
            status=iki_status_text(t, iki),
            reports=reports,
        )
    if line.ratio is None:
        return _("• {title} ({kind}, qualitative): {reports}").format(
            title=esc(line.title), kind=kind, reports=reports
        )
    return _("• {title} ({kind}): {percent}, {done} of {target} {unit}, {reports}").format(
        title=esc(line.title),
        kind=kind,
        percent=t.percent(line.ratio),
        done=t.number(line.achieved),
        target=t.number(line.target_amount or 0),
        unit=esc(line.unit),
        reports=reports,
    )


def semester_lines(t: Translator, summary: SemesterSummary) -> list[str]:
    """The semester's roll-up: the main results' mean (and the additional ones' apart)."""
    _ = t._
    result = summary.semester
    if result.utama is None:
        return []
    line = _("Main results together: {percent}").format(
        percent=t.percent(float(result.utama) / 100)
    )
    if result.tambahan is not None:
        line += " " + _("(additional: {percent})").format(
            percent=t.percent(float(result.tambahan) / 100)
        )
    if result.capped:
        line += " " + _(CAPPED_NOTE)
    return [line]


def suggestion_lines(t: Translator, suggestion: Suggestion) -> list[str]:
    """The suggested hasil-kerja rating and why (or why there is none)."""
    _ = t._
    reason = _(suggestion.reason).format(**{k: t.number(v) for k, v in suggestion.params.items()})
    left_out = [
        _("Not counted: {title} ({why})").format(title=esc(title), why=_(why))
        for title, why in suggestion.not_counted
    ]
    if suggestion.rating is None:
        return [
            _("Suggested work results rating: none. {reason}").format(reason=reason),
            *left_out,
        ]
    counts = _(suggestion.counts).format(**{k: t.number(v) for k, v in suggestion.params.items()})
    return [
        _("Suggested work results rating: <b>{rating}</b>: {reason}.").format(
            rating=_(RATING_LABELS[suggestion.rating]), reason=reason
        ),
        counts,
        *left_out,
        _("This is only a suggestion; you decide."),
    ]


L_MORE_NOTES = N_("🗒 All report notes")


def summary_rows(t: Translator, summary: SemesterSummary, suggested: str) -> Rows:
    """The hasil-kerja ratings, with "All report notes" when the summary shortened any."""
    rows = rating_rows(t, "ev:h", suggested)
    if notes_hidden(summary):
        rows.append([(t._(L_MORE_NOTES), "ev:more")])
    return rows


def summary_screen(t: Translator, summary: SemesterSummary) -> str:
    """The semester summary, the suggestion and the hasil-kerja question."""
    _ = t._
    out = [
        _("<b>{name}</b>, {period}").format(
            name=esc(summary.employee.name), period=semester_name(summary.period, t)
        ),
        "",
    ]
    if not summary.lines:
        out.append(_("No approved targets this semester."))
    out += [target_line(t, line) for line in summary.lines]
    out += semester_lines(t, summary)
    out += [
        "",
        _("Reports this semester: {n}").format(n=t.number(summary.reports)),
        _("Feedback given this semester: {n}").format(n=t.number(sum(summary.feedback.values()))),
        "",
        *suggestion_lines(t, summary.suggestion),
        "",
        _("<b>How were the work results (hasil kerja)?</b>"),
    ]
    return "\n".join(out)


def perilaku_screen(t: Translator, draft: LeaderDraft) -> tuple[str, Rows]:
    """The behaviour rating screen with the notes so far."""
    _ = t._
    lines = [
        _("Work results: {rating}").format(rating=_(RATING_LABELS[draft.hasil])),
        "",
        _(
            "<b>How was the work behaviour (perilaku kerja)?</b> Think of the BerAKHLAK core "
            "values. You may add a note on any value first."
        ),
        *note_lines(t, draft.notes),
    ]
    rows = [*rating_rows(t, "ev:p"), [(_("Add a note on a BerAKHLAK value"), "ev:notes")]]
    return "\n".join(lines), rows


def values_menu(t: Translator) -> Rows:
    """One button per BerAKHLAK value, then Back."""
    rows = [[(t._(BERAKHLAK[k]), f"ev:note:{i}")] for i, k in enumerate(BERAKHLAK_KEYS)]
    return [*rows, *back_rows(t)]


def back_rows(t: Translator) -> Rows:
    """The Back button of the note step."""
    return [[(t._("Back"), "ev:back")]]


def note_prompt(t: Translator, key: str) -> str:
    """Ask for the note on one BerAKHLAK value."""
    return t._("Please type your note on {value} (up to {limit} characters).").format(
        value=t._(BERAKHLAK[key]), limit=MAX_NOTE
    )


def comment_prompt(t: Translator, draft: LeaderDraft, predikat: str) -> str:
    """Show the predikat and ask for a comment (or Skip)."""
    _ = t._
    return "\n".join(
        [
            _("Predikat: <b>{predikat}</b>").format(predikat=_(PREDIKAT_LABELS[predikat])),
            "",
            _(
                "Please type a comment for {name}: what went well and what could grow next "
                "semester (up to {limit} characters). Or tap Skip."
            ).format(name=esc(draft.name), limit=MAX_COMMENT),
        ]
    )


def skip_rows(t: Translator) -> Rows:
    """The Skip button of the comment step."""
    return [[(t._("Skip"), "ev:skip")]]


def confirm_rows(t: Translator) -> Rows:
    """The Confirm button of the last step."""
    return [[(t._("Confirm"), "ev:ok")]]


def confirm_screen(t: Translator, draft: LeaderDraft, predikat: str) -> str:
    """The whole evaluation, to check before it becomes final."""
    _ = t._
    lines = [
        _("<b>Please check the evaluation of {name}</b>").format(name=esc(draft.name)),
        *result_lines(t, draft.hasil, draft.perilaku, predikat),
        *note_lines(t, draft.notes),
    ]
    if draft.comment:
        lines.append(_("Comment: {comment}").format(comment=esc(draft.comment)))
    lines += ["", _("Once confirmed, the evaluation is final; only HR can correct it.")]
    return "\n".join(lines)


def curve_note(t: Translator, spread: Spread | None) -> list[str]:
    """A gentle note when the OPD can no longer end within its curve, or is too small for it.

    Nothing while the evaluations still open can bring the spread within the curve.
    """
    _ = t._
    outlook = spread.outlook if spread is not None else None
    if spread is None or outlook is None:
        return []
    if not outlook.warnings:
        return ["", *curve_lines(t, outlook)] if outlook.notes else []
    return [
        "",
        _(
            "A gentle note on the predikat spread of your OPD and the guide for its "
            "organisation rating ({rating}):"
        ).format(rating=_(ORG_RATING_LABELS[spread.org_rating or ""])),
        *curve_lines(t, outlook),
        _("The guide is a consideration, not a rule; your judgement stands."),
    ]


def saved_text(t: Translator, name: str, saved: Saved) -> str:
    """Thank the leader for the final evaluation; mention lateness and the curve."""
    _ = t._
    lines = [
        _("Thank you. The evaluation of {name} is saved and final. {name} will be told.").format(
            name=esc(name)
        )
    ]
    if saved.late:
        lines.append(_("It was recorded as late, because the due date had passed."))
    lines += curve_note(t, saved.spread)
    lines += ["", _("Send /nilai to continue with the others.")]
    return "\n".join(lines)


# --- the employee --------------------------------------------------------------------------


def objection_prompt(t: Translator) -> str:
    """Ask the employee to type the objection."""
    return t._(
        "Please type your objection: what you disagree with and why (up to {limit} "
        "characters). HR will look at it."
    ).format(limit=MAX_OBJECTION)


# --- HR ------------------------------------------------------------------------------------


def hr_menu_screen(t: Translator, period: Period) -> tuple[str, Rows]:
    """HR's evaluation tools."""
    _ = t._
    rows = [
        [(_("Organisation rating"), "ev:hr:org")],
        [(_("Correct an evaluation"), "ev:hr:cor")],
        [(_("Assign an acting evaluator (Plt)"), "ev:hr:plt")],
        [(_("Predikat spread"), "ev:hr:dist")],
    ]
    text = _("<b>HR: evaluation for {period}</b>\nWhat would you like to do?").format(
        period=semester_name(period, t)
    )
    return text, rows


def org_rating_screen(
    t: Translator, opd: Opd, current: str | None, period: Period
) -> tuple[str, Rows]:
    """An OPD's organisation rating now, and one button per rating."""
    _ = t._
    lines = [
        _("<b>Organisation rating of {opd}</b>, {period}").format(
            opd=esc(opd.name), period=semester_name(period, t)
        ),
        _("Current: {rating}").format(rating=_(ORG_RATING_LABELS[current]) if current else "-"),
        _("Choose the rating (SE MenPANRB 3/2023):"),
    ]
    rows = [[(_(ORG_RATING_LABELS[r]), f"ev:or:{i}")] for i, r in enumerate(ORG_RATINGS)]
    return "\n".join(lines), rows


def org_rating_saved(t: Translator, rating: str) -> str:
    """Confirm the organisation rating HR chose."""
    return t._("Saved: the organisation rating is {rating}. It is recorded.").format(
        rating=t._(ORG_RATING_LABELS[rating])
    )


def spread_comparison(t: Translator, spread: Spread) -> list[str]:
    """Compare the spread, counting everyone still to be evaluated, with the OPD's guide."""
    _ = t._
    outlook = spread.outlook
    if spread.org_rating is None or outlook is None:
        return ["", _("No organisation rating is set yet, so there is no guide to compare with.")]
    rating = _(ORG_RATING_LABELS[spread.org_rating])
    if outlook.warnings:
        return [
            "",
            _("Differences from the guide for {rating}:").format(rating=rating),
            *curve_lines(t, outlook),
        ]
    if outlook.notes:
        return ["", *curve_lines(t, outlook)]
    if outlook.complete:
        return ["", _("The spread is within the guide for {rating}.").format(rating=rating)]
    return [
        "",
        _(
            "The evaluations still open can still bring the spread within the guide for {rating}."
        ).format(rating=rating),
    ]


def spread_text(t: Translator, spread: Spread, period: Period) -> str:
    """An OPD's predikat counts and shares, compared with its curve."""
    _ = t._
    lines = [
        _("<b>Predikat spread of {opd}</b>, {period}").format(
            opd=esc(spread.opd.name), period=semester_name(period, t)
        ),
        _("Final evaluations: {n}").format(n=t.number(spread.total)),
        _("Still to be evaluated: {n}").format(n=t.number(spread.still_open)),
    ]
    for p in PREDIKATS:
        share = spread.counts[p] / spread.total if spread.total else 0.0
        lines.append(
            f"• {_(PREDIKAT_LABELS[p])}: {t.number(spread.counts[p])} ({t.percent(share)})"
        )
    return "\n".join(lines + spread_comparison(t, spread))


def nothing_to_correct(t: Translator, employee: Employee) -> str:
    """Say that the employee has no final evaluation to correct."""
    return t._("{name} has no final evaluation yet, so there is nothing to correct.").format(
        name=esc(employee.name)
    )


def correction_screen(t: Translator, employee: Employee, evaluation: Evaluation) -> str:
    """The evaluation HR is about to correct, and the question for the work results."""
    _ = t._
    period = semester_name(parse_period(evaluation.period), t)
    return "\n".join(
        [
            _("<b>{name}</b>, {period}").format(name=esc(employee.name), period=period),
            *result_lines(
                t, evaluation.hasil_kerja, evaluation.perilaku_kerja, evaluation.predikat
            ),
            "",
            _("Choose the corrected work results rating:"),
        ]
    )


def correction_reason_prompt(t: Translator, predikat: str) -> str:
    """Show the corrected predikat and ask for the reason."""
    return t._(
        "The corrected predikat will be <b>{predikat}</b>. Please type the reason "
        "for the correction (up to {limit} characters)."
    ).format(predikat=t._(PREDIKAT_LABELS[predikat]), limit=MAX_REASON)


def correction_saved(t: Translator, name: str) -> str:
    """Confirm the correction."""
    return t._(
        "The correction is saved and recorded. {name} and the evaluator have been told."
    ).format(name=esc(name))


def plt_evaluator_prompt(t: Translator, name: str) -> str:
    """Ask for the NIP of the acting evaluator."""
    return t._("Please type the NIP of the acting evaluator (Plt) for {name}.").format(
        name=esc(name)
    )


def plt_reason_prompt(t: Translator) -> str:
    """Ask for the reason of the Plt assignment."""
    return t._("Please type the reason for this assignment (up to {limit} characters).").format(
        limit=MAX_REASON
    )


def plt_saved(t: Translator, evaluator: str, name: str, period: Period) -> str:
    """Confirm the Plt assignment."""
    return t._(
        "{evaluator} is now the acting evaluator of {name} for {period}. This is recorded."
    ).format(evaluator=esc(evaluator), name=esc(name), period=semester_name(period, t))
