"""HR's evaluation tools: organisation rating, correction, acting evaluator (Plt), spread."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.services import evaluation
from bot.services.evaluation import Problem, period_name
from bot.services.evaluation import curve as distribution
from bot.services.evaluation import hr_tools as evaluation_admin
from bot.services.evaluation import predikat as scoring
from bot.services.evaluation.window import current_evaluation_period
from bot.services.periods import Period, parse_period
from bot.text import esc
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker
from handlers.evaluation.common import (
    END,
    HR_CHOICE,
    HR_DRAFT,
    HR_MENU,
    HR_TEXT,
    button_index,
    cancel_row,
    deviation_lines,
    problem_text,
    rating_rows,
    refuse_stale,
    typed_text,
    ud,
)
from models import Employee, Opd

# --- HR ------------------------------------------------------------------------------------


def _hr_period(context: BotContext) -> str:
    """Return the code of the semester HR acts on now."""
    deps = context.deps
    return current_evaluation_period(deps.clock.utcnow(), deps.settings).period.code


async def hr_menu(update: Update, context: BotContext) -> int:
    """Show HR's evaluation tools."""
    _ = context.t._
    speaker = require_speaker(context)
    await answer(update)
    if not speaker.is_hr:
        await reply(update, context, problem_text(context.t, Problem.NOT_HR))
        return END
    ud(context)[HR_DRAFT] = {}
    period = current_evaluation_period(context.deps.clock.utcnow(), context.deps.settings).period
    rows = [
        [(_("Organisation rating"), "ev:hr:org")],
        [(_("Correct an evaluation"), "ev:hr:cor")],
        [(_("Assign an acting evaluator (Plt)"), "ev:hr:plt")],
        [(_("Predikat spread"), "ev:hr:dist")],
        cancel_row(context.t),
    ]
    await reply(
        update,
        context,
        _("<b>HR: evaluation for {period}</b>\nWhat would you like to do?").format(
            period=period_name(period)
        ),
        keyboard(rows),
    )
    return HR_MENU


def _own_opd(context: BotContext) -> int | None:
    """The one OPD a scoped HR officer covers; None for city-wide HR and admins."""
    speaker = require_speaker(context)
    if speaker.is_city_wide_hr or len(speaker.scoped_opd_ids) != 1:
        return None
    return next(iter(speaker.scoped_opd_ids))


async def _ask_text(update: Update, context: BotContext, step: str, prompt: str) -> int:
    """Remember which typed answer comes next and ask for it."""
    hr = ud(context).setdefault(HR_DRAFT, {})
    hr["step"] = step
    await reply(update, context, prompt, keyboard([cancel_row(context.t)]))
    return HR_TEXT


async def hr_action(update: Update, context: BotContext) -> int:
    """Start one HR tool: org rating, correction, Plt or spread."""
    _ = context.t._
    speaker = require_speaker(context)
    await answer(update)
    if not speaker.is_hr:
        await reply(update, context, problem_text(context.t, Problem.NOT_HR))
        return END
    query = update.callback_query
    action = (query.data or "").removeprefix("ev:hr:") if query else ""
    ud(context)[HR_DRAFT] = {}
    if action in ("org", "dist"):
        opd_id = _own_opd(context)
        if opd_id is not None:
            return await _opd_chosen(update, context, action, opd_id)
        return await _ask_text(
            update, context, action, _("Please type the OPD code, for example DINKES.")
        )
    if action == "cor":
        return await _ask_text(
            update,
            context,
            "cor_nip",
            _("Please type the NIP of the employee whose evaluation needs a correction."),
        )
    if action == "plt":
        return await _ask_text(
            update,
            context,
            "plt_emp",
            _("Please type the NIP of the employee who needs an acting evaluator."),
        )
    return await refuse_stale(update, context)


async def _opd_chosen(update: Update, context: BotContext, action: str, opd_id: int) -> int:
    """Show the rating buttons or the spread for one OPD."""
    _ = context.t._
    t = context.t
    speaker = require_speaker(context)
    period = _hr_period(context)
    if not speaker.hr_covers(opd_id):
        await reply(update, context, problem_text(t, Problem.NOT_HR))
        return END
    async with context.deps.sessions() as session:
        opd = await session.get(Opd, opd_id)
        assert opd is not None
        if action == "org":
            current = await evaluation_admin.org_rating_of(session, opd_id, period)
        else:
            spread = await evaluation_admin.opd_spread(session, opd, period)
    if action == "org":
        ud(context)[HR_DRAFT] = {"opd_id": opd_id}
        lines = [
            _("<b>Organisation rating of {opd}</b>, {period}").format(
                opd=esc(opd.name), period=period_name(_period_obj(period))
            ),
            _("Current: {rating}").format(
                rating=_(distribution.ORG_RATING_LABELS[current]) if current else "-"
            ),
            _("Choose the rating (SE MenPANRB 3/2023):"),
        ]
        rows = [
            [(_(distribution.ORG_RATING_LABELS[r]), f"ev:or:{i}")]
            for i, r in enumerate(distribution.ORG_RATINGS)
        ]
        await reply(update, context, "\n".join(lines), keyboard([*rows, cancel_row(t)]))
        return HR_CHOICE
    lines = [
        _("<b>Predikat spread of {opd}</b>, {period}").format(
            opd=esc(opd.name), period=period_name(_period_obj(period))
        ),
        _("Final evaluations: {n}").format(n=t.number(spread.total)),
    ]
    for p in scoring.PREDIKATS:
        share = spread.counts[p] / spread.total if spread.total else 0.0
        lines.append(
            f"• {_(scoring.PREDIKAT_LABELS[p])}: {t.number(spread.counts[p])} ({t.percent(share)})"
        )
    if spread.org_rating is None:
        lines += [
            "",
            _("No organisation rating is set yet, so there is no guide to compare with."),
        ]
    elif spread.deviations:
        lines += [
            "",
            _("Differences from the guide for {rating}:").format(
                rating=_(distribution.ORG_RATING_LABELS[spread.org_rating])
            ),
            *deviation_lines(t, spread.deviations),
        ]
    else:
        lines += [
            "",
            _("The spread is within the guide for {rating}.").format(
                rating=_(distribution.ORG_RATING_LABELS[spread.org_rating])
            ),
        ]
    ud(context).pop(HR_DRAFT, None)
    await reply(update, context, "\n".join(lines))
    return END


def _period_obj(code: str) -> Period:
    """Parse a stored period code."""
    return parse_period(code)


async def hr_text(update: Update, context: BotContext) -> int | None:
    """Read what HR typed for the current step (OPD code, NIP, reason)."""
    _ = context.t._
    t = context.t
    speaker = require_speaker(context)
    hr = ud(context).get(HR_DRAFT)
    if not isinstance(hr, dict) or "step" not in hr:
        return await refuse_stale(update, context)
    text = typed_text(update).strip()
    step = hr["step"]
    period = _hr_period(context)
    deps = context.deps
    if step in ("org", "dist"):
        async with deps.sessions() as session:
            opd = await evaluation_admin.opd_by_code(session, text)
        if opd is None or opd.id is None:
            await reply(
                update,
                context,
                _("I could not find an OPD with that code. Please check it and type it again."),
                keyboard([cancel_row(t)]),
            )
            return None
        return await _opd_chosen(update, context, step, opd.id)
    if step in ("cor_nip", "plt_emp", "plt_eval"):
        async with deps.sessions() as session:
            person = await evaluation_admin.employee_by_nip(session, text)
            found = None
            if person is not None and step == "cor_nip" and speaker.hr_covers(person.opd_id):
                found = await evaluation.latest_evaluation(session, person.id or 0)
        if person is None:
            await reply(
                update,
                context,
                _(
                    "I could not find an active employee with that NIP. "
                    "Please check it and type it again."
                ),
                keyboard([cancel_row(t)]),
            )
            return None
        if step != "plt_eval" and not speaker.hr_covers(person.opd_id):
            await reply(update, context, problem_text(t, Problem.NOT_HR))
            ud(context).pop(HR_DRAFT, None)
            return END
        if step == "cor_nip":
            if found is None:
                await reply(
                    update,
                    context,
                    _(
                        "{name} has no final evaluation yet, so there is nothing to correct."
                    ).format(name=esc(person.name)),
                )
                ud(context).pop(HR_DRAFT, None)
                return END
            hr.update(evaluation_id=found.id, name=person.name, step="cor_h")
            lines = [
                _("<b>{name}</b>, {period}").format(
                    name=esc(person.name), period=period_name(_period_obj(found.period))
                ),
                _("Work results: {rating}").format(
                    rating=_(scoring.RATING_LABELS[found.hasil_kerja])
                ),
                _("Work behaviour: {rating}").format(
                    rating=_(scoring.RATING_LABELS[found.perilaku_kerja])
                ),
                _("Predikat: <b>{predikat}</b>").format(
                    predikat=_(scoring.PREDIKAT_LABELS[found.predikat])
                ),
                "",
                _("Choose the corrected work results rating:"),
            ]
            await reply(
                update,
                context,
                "\n".join(lines),
                keyboard([*rating_rows(t, "ev:ch"), cancel_row(t)]),
            )
            return HR_CHOICE
        if step == "plt_emp":
            hr.update(employee_id=person.id, name=person.name, step="plt_eval")
            await reply(
                update,
                context,
                _("Please type the NIP of the acting evaluator (Plt) for {name}.").format(
                    name=esc(person.name)
                ),
                keyboard([cancel_row(t)]),
            )
            return None
        hr.update(evaluator_id=person.id, evaluator_name=person.name, step="plt_reason")
        await reply(
            update,
            context,
            _("Please type the reason for this assignment (up to {limit} characters).").format(
                limit=evaluation.MAX_REASON
            ),
            keyboard([cancel_row(t)]),
        )
        return None
    if step in ("cor_reason", "plt_reason"):
        now = deps.clock.utcnow()
        async with deps.sessions() as session:
            if step == "cor_reason":
                problem, _ev = await evaluation_admin.correct(
                    session, deps.i18n, speaker, int(hr["evaluation_id"]), str(hr["hasil"]),
                    str(hr["perilaku"]), text, now,
                )  # fmt: skip
            else:
                employee = await session.get(Employee, int(hr["employee_id"]))
                evaluator = await session.get(Employee, int(hr["evaluator_id"]))
                if employee is None or evaluator is None:
                    problem = Problem.NOT_FOUND
                else:
                    problem = await evaluation_admin.assign_acting(
                        session, speaker, employee, evaluator, period, text, now
                    )
            if problem is None:
                await session.commit()
        if problem in (Problem.EMPTY, Problem.TOO_LONG):
            await reply(update, context, problem_text(t, problem), keyboard([cancel_row(t)]))
            return None
        ud(context).pop(HR_DRAFT, None)
        if problem is not None:
            await reply(update, context, problem_text(t, problem))
            return END
        context.wake_outbox()
        if step == "cor_reason":
            done = _(
                "The correction is saved and recorded. {name} and the evaluator have been told."
            ).format(name=esc(hr["name"]))
        else:
            done = _(
                "{evaluator} is now the acting evaluator of {name} for {period}. This is recorded."
            ).format(
                evaluator=esc(hr["evaluator_name"]),
                name=esc(hr["name"]),
                period=period_name(_period_obj(period)),
            )
        await reply(update, context, done)
        return END
    return await refuse_stale(update, context)


async def hr_choice(update: Update, context: BotContext) -> int:
    """Handle HR's rating buttons: org rating, corrected hasil and perilaku."""
    _ = context.t._
    t = context.t
    speaker = require_speaker(context)
    hr = ud(context).get(HR_DRAFT)
    query = update.callback_query
    data = query.data if query and query.data else ""
    if not isinstance(hr, dict):
        return await refuse_stale(update, context)
    await answer(update)
    if data.startswith("ev:or:") and "opd_id" in hr:
        i = button_index(update, "ev:or", len(distribution.ORG_RATINGS))
        if i is None:
            return await refuse_stale(update, context)
        rating = distribution.ORG_RATINGS[i]
        deps = context.deps
        async with deps.sessions() as session:
            problem = await evaluation_admin.set_org_rating(
                session,
                speaker,
                int(hr["opd_id"]),
                _hr_period(context),
                rating,
                deps.clock.utcnow(),
            )
            if problem is None:
                await session.commit()
        ud(context).pop(HR_DRAFT, None)
        if problem is not None:
            await reply(update, context, problem_text(t, problem))
            return END
        await edit_or_reply(
            update,
            context,
            _("Saved: the organisation rating is {rating}. It is recorded.").format(
                rating=_(distribution.ORG_RATING_LABELS[rating])
            ),
        )
        return END
    if data.startswith("ev:ch:") and hr.get("step") == "cor_h":
        i = button_index(update, "ev:ch", len(scoring.RATINGS))
        if i is None:
            return await refuse_stale(update, context)
        hr.update(hasil=scoring.RATINGS[i], step="cor_p")
        await edit_or_reply(
            update,
            context,
            _("Choose the corrected work behaviour rating:"),
            keyboard([*rating_rows(t, "ev:cp"), cancel_row(t)]),
        )
        return HR_CHOICE
    if data.startswith("ev:cp:") and hr.get("step") == "cor_p":
        i = button_index(update, "ev:cp", len(scoring.RATINGS))
        if i is None:
            return await refuse_stale(update, context)
        hr.update(perilaku=scoring.RATINGS[i], step="cor_reason")
        result = scoring.predikat(str(hr["hasil"]), scoring.RATINGS[i])
        await edit_or_reply(
            update,
            context,
            _(
                "The corrected predikat will be <b>{predikat}</b>. Please type the reason "
                "for the correction (up to {limit} characters)."
            ).format(predikat=_(scoring.PREDIKAT_LABELS[result]), limit=evaluation.MAX_REASON),
            keyboard([cancel_row(t)]),
        )
        return HR_TEXT
    return await refuse_stale(update, context)


def hr_entry_points() -> list[BaseHandler[Update, Any, Any]]:
    """The HR menu buttons, usable from any message."""
    return [
        CallbackQueryHandler(hr_menu, pattern="^ev:hr$"),
        CallbackQueryHandler(hr_action, pattern="^ev:hr:(org|cor|plt|dist)$"),
    ]


def hr_build_states(
    text: Any, fallback_text: Any
) -> dict[object, list[BaseHandler[Update, Any, Any]]]:
    """The HR states of the evaluation conversation."""
    return {
        HR_MENU: [],
        HR_TEXT: [MessageHandler(text, hr_text), MessageHandler(~filters.COMMAND, fallback_text)],
        HR_CHOICE: [CallbackQueryHandler(hr_choice, pattern=r"^ev:(or|ch|cp):\d+$")],
    }
