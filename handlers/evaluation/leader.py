"""The leader's evaluation screens: list, summary, ratings, BerAKHLAK notes, comment, confirm."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.i18n import Translator
from bot.services import evaluation
from bot.services.evaluation import Draft, Problem, SemesterSummary, period_name
from bot.services.evaluation import curve as distribution
from bot.services.evaluation import hr_tools as evaluation_admin
from bot.services.evaluation import predikat as scoring
from bot.services.evaluation.window import CLOSED, LATE, NOT_YET
from bot.services.periods import parse_period
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker
from handlers.evaluation.common import (
    BERAKHLAK_KEYS,
    COMMENT,
    CONFIRM,
    DRAFT,
    END,
    HASIL,
    LIST,
    NOTE,
    PERILAKU,
    button_index,
    cancel_row,
    deviation_lines,
    draft_of,
    problem_text,
    rating_rows,
    refuse_stale,
    typed_text,
    ud,
)
from handlers.evaluation.hr import hr_menu
from models import Employee, Evaluation, Opd

# --- the leader's list ---------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    """Show whom the speaker still has to evaluate (and the HR menu to HR)."""
    _ = context.t._
    t = context.t
    speaker = require_speaker(context)
    deps = context.deps
    ud(context).pop(DRAFT, None)
    async with deps.sessions() as session:
        current, pending, done = await evaluation.evaluator_overview(
            session, speaker, deps.clock.utcnow(), deps.settings
        )
        mine = (await evaluation.evaluations_for(session, [speaker.id], current.period.code)).get(
            speaker.id
        )
    await answer(update)
    if not pending and not done and speaker.is_hr:
        return await hr_menu(update, context)
    if not pending and not done and mine is not None:
        await _show_own(update, context, mine)
        return END
    lines = [_("<b>Evaluation for {period}</b>").format(period=period_name(current.period))]
    if current.state == NOT_YET:
        lines.append(
            _("The evaluation window opens on {date}. You can evaluate from then.").format(
                date=t.date(current.opens_at)
            )
        )
    elif current.state == LATE:
        lines.append(
            _(
                "The due date ({date}) has passed. You can still evaluate; it will be "
                "recorded as late."
            ).format(date=t.date(current.due_at))
        )
    elif current.state == CLOSED:
        lines.append(_("The evaluation for this semester is closed."))
    else:
        last_day = current.due_at.astimezone(t.tz).date().toordinal() - 1
        lines.append(
            _("Please complete the evaluations by {date}.").format(
                date=t.date(datetime.fromordinal(last_day).date())
            )
        )
    rows: list[list[tuple[str, str]]] = []
    if not pending and not done:
        lines += ["", _("There is nobody for you to evaluate this semester.")]
    if pending:
        lines += ["", _("<b>Still to evaluate</b>")]
        lines += [f"• {esc(e.name)}" for e in pending]
        if current.state not in (NOT_YET, CLOSED):
            lines += ["", _("Choose an employee to start.")]
            rows += [[(e.name[:60], f"ev:pick:{e.id}")] for e in pending]
    if done:
        lines += ["", _("<b>Evaluated</b>")]
        lines += [f"✓ {esc(e.name)}: {_(scoring.PREDIKAT_LABELS[ev.predikat])}" for e, ev in done]
    if speaker.is_hr:
        rows.append([(_("HR menu"), "ev:hr")])
    await reply(update, context, "\n".join(lines), keyboard(rows) if rows else None)
    return LIST if rows else END


async def _show_own(update: Update, context: BotContext, mine: Evaluation) -> None:
    """Show an employee their own final evaluation, with Accept / Object while still open."""
    _ = context.t._
    lines = [
        _("<b>Your evaluation for {period}</b>").format(
            period=period_name(parse_period(mine.period))
        ),
        _("Work results: {rating}").format(rating=_(scoring.RATING_LABELS[mine.hasil_kerja])),
        _("Work behaviour: {rating}").format(rating=_(scoring.RATING_LABELS[mine.perilaku_kerja])),
        _("Predikat: <b>{predikat}</b>").format(
            predikat=_(scoring.PREDIKAT_LABELS[mine.predikat])
        ),
    ]
    if mine.comment:
        lines.append(_("Comment: {comment}").format(comment=esc(mine.comment)))
    row: list[tuple[str, str]] = []
    if mine.acknowledged_at is None:
        row.append((_("Accept"), f"ev:ack:{mine.id}"))
    if mine.objection_at is None:
        row.append((_("Object"), f"ev:obj:{mine.id}"))
    await reply(update, context, "\n".join(lines), keyboard([row]) if row else None)


def _summary_text(t: Translator, summary: SemesterSummary) -> str:
    """Render the semester summary and the suggestion as HTML."""
    _ = t._
    out = [
        _("<b>{name}</b>, {period}").format(
            name=esc(summary.employee.name), period=period_name(summary.period)
        ),
        "",
    ]
    if not summary.lines:
        out.append(_("No approved targets this semester."))
    for line in summary.lines:
        kind = _("main") if line.jenis == "utama" else _("additional")
        reports = t.ngettext("{count} report", "{count} reports", line.reports).format(
            count=t.number(line.reports)
        )
        if line.ratio is None:
            out.append(
                _("• {title} ({kind}, qualitative): {reports}").format(
                    title=esc(line.title), kind=kind, reports=reports
                )
            )
        else:
            out.append(
                _("• {title} ({kind}): {percent}, {done} of {target} {unit}, {reports}").format(
                    title=esc(line.title),
                    kind=kind,
                    percent=t.percent(line.ratio),
                    done=t.number(line.achieved),
                    target=t.number(line.target_amount or 0),
                    unit=esc(line.unit),
                    reports=reports,
                )
            )
    out += [
        "",
        _("Reports this semester: {n}").format(n=t.number(summary.reports)),
        _("Feedback given this semester: {n}").format(n=t.number(sum(summary.feedback.values()))),
        "",
    ]
    s = summary.suggestion
    reason = _(s.reason).format(**{k: t.number(v) for k, v in s.params.items()})
    if s.rating is None:
        out.append(_("Suggested work results rating: none. {reason}").format(reason=reason))
    else:
        out.append(
            _("Suggested work results rating: <b>{rating}</b>. {reason}").format(
                rating=_(scoring.RATING_LABELS[s.rating]), reason=reason
            )
        )
        out.append(_("This is only a suggestion; you decide."))
    out += ["", _("<b>How were the work results (hasil kerja)?</b>")]
    return "\n".join(out)


async def pick(update: Update, context: BotContext) -> int:
    """Open the semester summary of one evaluatee and ask for the hasil-kerja rating."""
    t = context.t
    speaker = require_speaker(context)
    deps = context.deps
    query = update.callback_query
    values = parse_callback(query.data if query else None, "ev:pick", 1)
    await answer(update)
    if values is None:
        return await refuse_stale(update, context)
    async with deps.sessions() as session:
        allowed = await evaluation.check_may_evaluate(
            session, speaker, values[0], deps.clock.utcnow(), deps.settings
        )
        if allowed.problem is not None or allowed.employee is None or allowed.period is None:
            problem = allowed.problem or Problem.NOT_FOUND
            await reply(update, context, problem_text(t, problem, allowed.opens_at))
            return END
        summary = await evaluation.semester_summary(session, allowed.employee, allowed.period)
    ud(context)[DRAFT] = {
        "employee_id": values[0],
        "name": allowed.employee.name,
        "period": allowed.period.code,
        "fingerprint": summary.fingerprint,
        "suggested": summary.suggestion.rating or "",
        "notes": {},
        "comment": "",
    }
    rows = [*rating_rows(t, "ev:h", summary.suggestion.rating or ""), cancel_row(t)]
    await reply(update, context, _summary_text(t, summary), keyboard(rows))
    return HASIL


def _perilaku_text(
    t: Translator, draft: dict[str, Any]
) -> tuple[str, list[list[tuple[str, str]]]]:
    """Render the behaviour rating screen with the notes so far."""
    _ = t._
    lines = [
        _("Work results: {rating}").format(rating=_(scoring.RATING_LABELS[draft["hasil"]])),
        "",
        _(
            "<b>How was the work behaviour (perilaku kerja)?</b> Think of the BerAKHLAK core "
            "values. You may add a note on any value first."
        ),
    ]
    for key, note in draft["notes"].items():
        lines.append(f"• {_(scoring.BERAKHLAK[key])}: {esc(note)}")
    rows = [*rating_rows(t, "ev:p"), [(_("Add a note on a BerAKHLAK value"), "ev:notes")]]
    return "\n".join(lines), [*rows, cancel_row(t)]


async def rate_hasil(update: Update, context: BotContext) -> int:
    """Store the hasil-kerja rating and ask for perilaku kerja."""
    draft = draft_of(context)
    i = button_index(update, "ev:h", len(scoring.RATINGS))
    if draft is None or i is None:
        return await refuse_stale(update, context)
    await answer(update)
    draft["hasil"] = scoring.RATINGS[i]
    text, rows = _perilaku_text(context.t, draft)
    await edit_or_reply(update, context, text, keyboard(rows))
    return PERILAKU


async def notes_menu(update: Update, context: BotContext) -> int:
    """List the seven BerAKHLAK values to write a note on."""
    _ = context.t._
    draft = draft_of(context)
    if draft is None or "hasil" not in draft:
        return await refuse_stale(update, context)
    await answer(update)
    rows = [[(_(scoring.BERAKHLAK[k]), f"ev:note:{i}")] for i, k in enumerate(BERAKHLAK_KEYS)]
    rows.append([(_("Back"), "ev:back")])
    await edit_or_reply(update, context, _("Which value is the note about?"), keyboard(rows))
    return PERILAKU


async def ask_note(update: Update, context: BotContext) -> int:
    """Ask for the note on one value."""
    _ = context.t._
    draft = draft_of(context)
    i = button_index(update, "ev:note", len(BERAKHLAK_KEYS))
    if draft is None or i is None or "hasil" not in draft:
        return await refuse_stale(update, context)
    await answer(update)
    draft["note_key"] = BERAKHLAK_KEYS[i]
    await edit_or_reply(
        update,
        context,
        _("Please type your note on {value} (up to {limit} characters).").format(
            value=_(scoring.BERAKHLAK[BERAKHLAK_KEYS[i]]), limit=evaluation.MAX_NOTE
        ),
        keyboard([[(_("Back"), "ev:back")]]),
    )
    return NOTE


async def typed_note(update: Update, context: BotContext) -> int | None:
    """Keep the typed note and go back to the behaviour rating."""
    _ = context.t._
    draft = draft_of(context)
    if draft is None or draft.get("note_key") not in scoring.BERAKHLAK:
        return await refuse_stale(update, context)
    text = typed_text(update).strip()
    if len(text) > evaluation.MAX_NOTE:
        await reply(
            update,
            context,
            _("That note has {n} characters; the limit is {limit}. Please shorten it.").format(
                n=len(text), limit=evaluation.MAX_NOTE
            ),
        )
        return None
    if text:
        draft["notes"][draft["note_key"]] = text
    draft.pop("note_key", None)
    body, rows = _perilaku_text(context.t, draft)
    await reply(update, context, body, keyboard(rows))
    return PERILAKU


async def back_to_perilaku(update: Update, context: BotContext) -> int:
    """Return to the behaviour rating screen."""
    draft = draft_of(context)
    if draft is None or "hasil" not in draft:
        return await refuse_stale(update, context)
    await answer(update)
    draft.pop("note_key", None)
    body, rows = _perilaku_text(context.t, draft)
    await edit_or_reply(update, context, body, keyboard(rows))
    return PERILAKU


async def rate_perilaku(update: Update, context: BotContext) -> int:
    """Store the perilaku rating, show the predikat and ask for a comment."""
    _ = context.t._
    draft = draft_of(context)
    i = button_index(update, "ev:p", len(scoring.RATINGS))
    if draft is None or i is None or "hasil" not in draft:
        return await refuse_stale(update, context)
    await answer(update)
    draft["perilaku"] = scoring.RATINGS[i]
    result = scoring.predikat(draft["hasil"], draft["perilaku"])
    text = "\n".join(
        [
            _("Predikat: <b>{predikat}</b>").format(predikat=_(scoring.PREDIKAT_LABELS[result])),
            "",
            _(
                "Please type a comment for {name}: what went well and what could grow next "
                "semester (up to {limit} characters). Or tap Skip."
            ).format(name=esc(draft["name"]), limit=evaluation.MAX_COMMENT),
        ]
    )
    await edit_or_reply(
        update, context, text, keyboard([[(_("Skip"), "ev:skip")], cancel_row(context.t)])
    )
    return COMMENT


async def _show_confirm(update: Update, context: BotContext, draft: dict[str, Any]) -> int:
    """Show the whole evaluation with Confirm / Cancel."""
    _ = context.t._
    result = scoring.predikat(draft["hasil"], draft["perilaku"])
    lines = [
        _("<b>Please check the evaluation of {name}</b>").format(name=esc(draft["name"])),
        _("Work results: {rating}").format(rating=_(scoring.RATING_LABELS[draft["hasil"]])),
        _("Work behaviour: {rating}").format(rating=_(scoring.RATING_LABELS[draft["perilaku"]])),
        _("Predikat: <b>{predikat}</b>").format(predikat=_(scoring.PREDIKAT_LABELS[result])),
    ]
    for key, note in draft["notes"].items():
        lines.append(f"• {_(scoring.BERAKHLAK[key])}: {esc(note)}")
    if draft["comment"]:
        lines.append(_("Comment: {comment}").format(comment=esc(draft["comment"])))
    lines += ["", _("Once confirmed, the evaluation is final; only HR can correct it.")]
    rows = [[(_("Confirm"), "ev:ok")], cancel_row(context.t)]
    await reply(update, context, "\n".join(lines), keyboard(rows))
    return CONFIRM


async def typed_comment(update: Update, context: BotContext) -> int | None:
    """Keep the typed comment (within the limit) and show the confirmation."""
    _ = context.t._
    draft = draft_of(context)
    if draft is None or "perilaku" not in draft:
        return await refuse_stale(update, context)
    text = typed_text(update).strip()
    if len(text) > evaluation.MAX_COMMENT:
        await reply(
            update,
            context,
            _("That comment has {n} characters; the limit is {limit}. Please shorten it.").format(
                n=len(text), limit=evaluation.MAX_COMMENT
            ),
            keyboard([[(_("Skip"), "ev:skip")], cancel_row(context.t)]),
        )
        return None
    draft["comment"] = text
    return await _show_confirm(update, context, draft)


async def skip_comment(update: Update, context: BotContext) -> int:
    """Go on without a comment."""
    draft = draft_of(context)
    if draft is None or "perilaku" not in draft:
        return await refuse_stale(update, context)
    await answer(update)
    draft["comment"] = ""
    return await _show_confirm(update, context, draft)


async def confirm(update: Update, context: BotContext) -> int:
    """Finalize the evaluation; then show the OPD's curve deviation as a gentle note."""
    _ = context.t._
    t = context.t
    speaker = require_speaker(context)
    deps = context.deps
    draft = draft_of(context)
    if draft is None or "perilaku" not in draft:
        return await refuse_stale(update, context)
    await answer(update)
    now = deps.clock.utcnow()
    spread = None
    async with deps.sessions() as session:
        saved = await evaluation.finalize(
            session,
            deps.i18n,
            speaker,
            Draft(
                employee_id=int(draft["employee_id"]),
                period=str(draft["period"]),
                fingerprint=str(draft["fingerprint"]),
                hasil_kerja=str(draft["hasil"]),
                perilaku_kerja=str(draft["perilaku"]),
                suggested=str(draft.get("suggested", "")),
                notes=dict(draft["notes"]),
                comment=str(draft["comment"]),
            ),
            now,
            deps.settings,
        )
        if saved.problem is None:
            await session.commit()
            employee = await session.get(Employee, int(draft["employee_id"]))
            opd = await session.get(Opd, employee.opd_id) if employee else None
            if opd is not None:
                spread = await evaluation_admin.opd_spread(session, opd, str(draft["period"]))
    ud(context).pop(DRAFT, None)
    if saved.problem is not None:
        await reply(update, context, problem_text(t, saved.problem, saved.opens_at))
        return END
    context.wake_outbox()
    lines = [
        _("Thank you. The evaluation of {name} is saved and final. {name} will be told.").format(
            name=esc(draft["name"])
        )
    ]
    if saved.late:
        lines.append(_("It was recorded as late, because the due date had passed."))
    if spread is not None and spread.deviations:
        lines += [
            "",
            _(
                "A gentle note: with the evaluations so far, the predikat spread of your OPD "
                "differs from the guide for its organisation rating ({rating}):"
            ).format(rating=_(distribution.ORG_RATING_LABELS[spread.org_rating or ""])),
            *deviation_lines(t, spread.deviations),
            _("The guide is a consideration, not a rule; your judgement stands."),
        ]
    lines += ["", _("Send /nilai to continue with the others.")]
    await reply(update, context, "\n".join(lines))
    return END
