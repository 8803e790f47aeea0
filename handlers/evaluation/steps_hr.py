"""HR's steps: organisation rating, predikat spread, correction and acting evaluator (Plt).

Each step is a state of its own. Conversations saved before that waited in HR_TEXT or
HR_CHOICE with their step written in the draft; resume_typed and resume_choice take them up
at that step, and the conversation continues in the new states.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from bot.services import evaluation
from bot.services.evaluation import Problem, current_evaluation_period
from bot.services.evaluation.curve import ORG_RATINGS
from bot.services.evaluation.predikat import RATINGS, predikat
from bot.services.periods import Period
from handlers.common import answer, edit_or_reply, reply, require_speaker
from handlers.conversation import END
from handlers.evaluation import texts
from handlers.evaluation.state import (
    FLOW,
    HR,
    HR_CORRECT_HASIL,
    HR_CORRECT_NIP,
    HR_CORRECT_PERILAKU,
    HR_CORRECT_REASON,
    HR_MENU,
    HR_ORG_OPD,
    HR_ORG_RATING,
    HR_PLT_EMPLOYEE,
    HR_PLT_EVALUATOR,
    HR_PLT_REASON,
    HR_SPREAD_OPD,
    HrDraft,
    chosen,
    typed,
    with_cancel,
)

Step = Callable[[Update, BotContext], Awaitable[int | None]]
OpdStep = Callable[..., Awaitable[int | None]]  # show_org_rating, show_spread: by opd_id or code


def hr_period(context: BotContext) -> Period:
    """The semester HR acts on now."""
    deps = context.deps
    return current_evaluation_period(deps.clock.utcnow(), deps.settings).period


async def end_with_refusal(update: Update, context: BotContext, problem: Problem) -> int:
    """Word the refusal, drop HR's draft and end."""
    HR.forget(context)
    await reply(update, context, texts.refusal_text(context.t, problem))
    return END


async def ask(update: Update, context: BotContext, msgid: str, state: int) -> int:
    """Ask HR to type something, with the Cancel button."""
    await reply(update, context, context.t._(msgid), FLOW.cancel_only(context))
    return state


async def hr_starts(update: Update, context: BotContext) -> bool:
    """Answer the button; refuse anyone but HR; start a fresh HR draft."""
    await answer(update)
    if not require_speaker(context).is_hr:
        await reply(update, context, texts.refusal_text(context.t, Problem.NOT_HR))
        return False
    HR.keep(context, HrDraft())
    return True


# --- the menu ------------------------------------------------------------------------------


async def hr_menu(update: Update, context: BotContext) -> int:
    """Show HR's evaluation tools."""
    if not await hr_starts(update, context):
        return END
    text, rows = texts.hr_menu_screen(context.t, hr_period(context))
    await reply(update, context, text, with_cancel(context, rows))
    return HR_MENU


def own_opd(context: BotContext) -> int | None:
    """The one OPD a scoped HR officer covers; None for city-wide HR and admins."""
    speaker = require_speaker(context)
    if speaker.is_city_wide_hr or len(speaker.scoped_opd_ids) != 1:
        return None
    return next(iter(speaker.scoped_opd_ids))


async def start_opd_tool(
    update: Update, context: BotContext, show: OpdStep, code_state: int
) -> int | None:
    """Show a tool for the officer's own OPD at once, or ask for an OPD code (city-wide HR)."""
    if not await hr_starts(update, context):
        return END
    opd_id = own_opd(context)
    if opd_id is not None:
        return await show(update, context, opd_id=opd_id)
    return await ask(update, context, texts.ASK_OPD_CODE, code_state)


async def no_such_opd(update: Update, context: BotContext) -> None:
    """Ask HR to check the OPD code and type it again (the step stays)."""
    await reply(update, context, context.t._(texts.NO_SUCH_OPD), FLOW.cancel_only(context))


# --- organisation rating -------------------------------------------------------------------


async def start_org_rating(update: Update, context: BotContext) -> int | None:
    """Ask for the OPD to rate (scoped HR rate their own OPD at once)."""
    return await start_opd_tool(update, context, show_org_rating, HR_ORG_OPD)


async def typed_org_opd(update: Update, context: BotContext) -> int | None:
    """Take the typed OPD code and show its rating buttons."""
    if HR.get(context) is None:
        return await FLOW.lost(update, context)
    return await show_org_rating(update, context, code=typed(update))


async def show_org_rating(
    update: Update, context: BotContext, *, opd_id: int | None = None, code: str = ""
) -> int | None:
    """Show an OPD's current organisation rating and the buttons to set it."""
    period = hr_period(context)
    view = await evaluation.org_rating_view(
        context.deps.sessions, require_speaker(context), period.code, opd_id=opd_id, code=code
    )
    if view.problem == Problem.NOT_FOUND:
        await no_such_opd(update, context)
        return None
    if view.opd is None:
        return await end_with_refusal(update, context, view.problem or Problem.NOT_HR)
    HR.keep(context, HrDraft(opd_id=view.opd.id))
    text, rows = texts.org_rating_screen(context.t, view.opd, view.current, period)
    await reply(update, context, text, with_cancel(context, rows))
    return HR_ORG_RATING


async def chosen_org_rating(update: Update, context: BotContext) -> int:
    """Save the organisation rating HR chose."""
    deps = context.deps
    draft = HR.get(context)
    rating = chosen(update, "ev:or", ORG_RATINGS)
    if draft is None or draft.opd_id is None or rating is None:
        return await FLOW.lost(update, context)
    await answer(update)
    problem = await evaluation.set_org_rating(
        deps.sessions,
        require_speaker(context),
        draft.opd_id,
        hr_period(context).code,
        rating,
        deps.clock.utcnow(),
    )
    if problem is not None:
        return await end_with_refusal(update, context, problem)
    HR.forget(context)
    await edit_or_reply(update, context, texts.org_rating_saved(context.t, rating))
    return END


# --- predikat spread -----------------------------------------------------------------------


async def start_spread(update: Update, context: BotContext) -> int | None:
    """Ask for the OPD whose spread to show (scoped HR see their own OPD at once)."""
    return await start_opd_tool(update, context, show_spread, HR_SPREAD_OPD)


async def typed_spread_opd(update: Update, context: BotContext) -> int | None:
    """Take the typed OPD code and show its spread."""
    if HR.get(context) is None:
        return await FLOW.lost(update, context)
    return await show_spread(update, context, code=typed(update))


async def show_spread(
    update: Update, context: BotContext, *, opd_id: int | None = None, code: str = ""
) -> int | None:
    """Show an OPD's predikat counts against the curve of its organisation rating."""
    period = hr_period(context)
    view = await evaluation.spread_for_hr(
        context.deps.sessions, require_speaker(context), period.code, opd_id=opd_id, code=code
    )
    if view.problem == Problem.NOT_FOUND:
        await no_such_opd(update, context)
        return None
    if view.spread is None:
        return await end_with_refusal(update, context, view.problem or Problem.NOT_HR)
    HR.forget(context)
    await reply(update, context, texts.spread_text(context.t, view.spread, period))
    return END


# --- correction ----------------------------------------------------------------------------


async def start_correction(update: Update, context: BotContext) -> int:
    """Ask for the NIP of the employee whose evaluation needs a correction."""
    if not await hr_starts(update, context):
        return END
    return await ask(update, context, texts.ASK_CORRECTION_NIP, HR_CORRECT_NIP)


async def typed_correction_nip(update: Update, context: BotContext) -> int | None:
    """Find the employee's latest evaluation and ask for the corrected work results."""
    t = context.t
    if HR.get(context) is None:
        return await FLOW.lost(update, context)
    case = await evaluation.correction_case(
        context.deps.sessions, require_speaker(context), typed(update)
    )
    if case.problem == Problem.NOT_FOUND:
        await no_such_employee(update, context)
        return None
    if case.problem is not None or case.employee is None:
        return await end_with_refusal(update, context, case.problem or Problem.NOT_HR)
    if case.evaluation is None:
        HR.forget(context)
        await reply(update, context, texts.nothing_to_correct(t, case.employee))
        return END
    HR.keep(context, HrDraft(evaluation_id=case.evaluation.id, name=case.employee.name))
    text = texts.correction_screen(t, case.employee, case.evaluation)
    await reply(update, context, text, with_cancel(context, texts.rating_rows(t, "ev:ch")))
    return HR_CORRECT_HASIL


async def corrected_hasil(update: Update, context: BotContext) -> int:
    """Keep the corrected work results and ask for the corrected work behaviour."""
    t = context.t
    draft = HR.get(context)
    rating = chosen(update, "ev:ch", RATINGS)
    if draft is None or draft.evaluation_id is None or rating is None:
        return await FLOW.lost(update, context)
    await answer(update)
    draft.hasil = rating
    HR.keep(context, draft)
    rows = texts.rating_rows(t, "ev:cp")
    await edit_or_reply(
        update, context, t._(texts.ASK_CORRECTED_PERILAKU), with_cancel(context, rows)
    )
    return HR_CORRECT_PERILAKU


async def corrected_perilaku(update: Update, context: BotContext) -> int:
    """Keep the corrected work behaviour, show the new predikat and ask for the reason."""
    draft = HR.get(context)
    rating = chosen(update, "ev:cp", RATINGS)
    if draft is None or draft.evaluation_id is None or not draft.hasil or rating is None:
        return await FLOW.lost(update, context)
    await answer(update)
    draft.perilaku = rating
    HR.keep(context, draft)
    text = texts.correction_reason_prompt(context.t, predikat(draft.hasil, rating))
    await edit_or_reply(update, context, text, FLOW.cancel_only(context))
    return HR_CORRECT_REASON


async def typed_correction_reason(update: Update, context: BotContext) -> int | None:
    """Save the correction with HR's reason; the employee and the evaluator are told."""
    deps = context.deps
    draft = HR.get(context)
    if draft is None or draft.evaluation_id is None or not (draft.hasil and draft.perilaku):
        return await FLOW.lost(update, context)
    problem, _corrected = await evaluation.correct(
        deps.sessions,
        deps.i18n,
        require_speaker(context),
        draft.evaluation_id,
        draft.hasil,
        draft.perilaku,
        typed(update),
        deps.clock.utcnow(),
    )
    return await finish(update, context, problem, texts.correction_saved(context.t, draft.name))


async def finish(
    update: Update, context: BotContext, problem: Problem | None, done: str
) -> int | None:
    """End a tool with `done`, or ask for the reason again when it was empty or too long."""
    if problem in (Problem.EMPTY, Problem.TOO_LONG):
        text = texts.refusal_text(context.t, problem)
        await reply(update, context, text, FLOW.cancel_only(context))
        return None
    if problem is not None:
        return await end_with_refusal(update, context, problem)
    HR.forget(context)
    context.wake_outbox()
    await reply(update, context, done)
    return END


# --- acting evaluator (Plt) ----------------------------------------------------------------


async def start_plt(update: Update, context: BotContext) -> int:
    """Ask for the NIP of the employee who needs an acting evaluator."""
    if not await hr_starts(update, context):
        return END
    return await ask(update, context, texts.ASK_PLT_NIP, HR_PLT_EMPLOYEE)


async def typed_plt_employee(update: Update, context: BotContext) -> int | None:
    """Take the employee's NIP (within HR's scope) and ask for the acting evaluator's."""
    if HR.get(context) is None:
        return await FLOW.lost(update, context)
    found = await evaluation.find_employee(
        context.deps.sessions, require_speaker(context), typed(update)
    )
    if found.problem == Problem.NOT_FOUND:
        await no_such_employee(update, context)
        return None
    if found.problem is not None or found.employee is None:
        return await end_with_refusal(update, context, found.problem or Problem.NOT_HR)
    employee = found.employee
    HR.keep(context, HrDraft(employee_id=employee.id, name=employee.name))
    prompt = texts.plt_evaluator_prompt(context.t, employee.name)
    await reply(update, context, prompt, FLOW.cancel_only(context))
    return HR_PLT_EVALUATOR


async def typed_plt_evaluator(update: Update, context: BotContext) -> int | None:
    """Take the acting evaluator's NIP (from any OPD) and ask for the reason."""
    draft = HR.get(context)
    if draft is None or draft.employee_id is None:
        return await FLOW.lost(update, context)
    found = await evaluation.find_employee(
        context.deps.sessions, require_speaker(context), typed(update), within_scope=False
    )
    if found.employee is None:
        await no_such_employee(update, context)
        return None
    draft.evaluator_id, draft.evaluator_name = found.employee.id, found.employee.name
    HR.keep(context, draft)
    await reply(update, context, texts.plt_reason_prompt(context.t), FLOW.cancel_only(context))
    return HR_PLT_REASON


async def typed_plt_reason(update: Update, context: BotContext) -> int | None:
    """Record the Plt assignment with HR's reason."""
    deps = context.deps
    draft = HR.get(context)
    if draft is None or draft.employee_id is None or draft.evaluator_id is None:
        return await FLOW.lost(update, context)
    period = hr_period(context)
    problem = await evaluation.assign_acting(
        deps.sessions,
        require_speaker(context),
        draft.employee_id,
        draft.evaluator_id,
        period.code,
        typed(update),
        deps.clock.utcnow(),
    )
    done = texts.plt_saved(context.t, draft.evaluator_name, draft.name, period)
    return await finish(update, context, problem, done)


async def no_such_employee(update: Update, context: BotContext) -> None:
    """Ask HR to check the NIP and type it again (the step stays)."""
    await reply(update, context, context.t._(texts.NO_SUCH_EMPLOYEE), FLOW.cancel_only(context))


# --- conversations saved before the HR steps were states -----------------------------------

# The step written in the draft -> its state now and its step.
RESUMED_TYPED: dict[str, tuple[int, Step]] = {
    "org": (HR_ORG_OPD, typed_org_opd),
    "dist": (HR_SPREAD_OPD, typed_spread_opd),
    "cor_nip": (HR_CORRECT_NIP, typed_correction_nip),
    "cor_reason": (HR_CORRECT_REASON, typed_correction_reason),
    "plt_emp": (HR_PLT_EMPLOYEE, typed_plt_employee),
    "plt_eval": (HR_PLT_EVALUATOR, typed_plt_evaluator),
    "plt_reason": (HR_PLT_REASON, typed_plt_reason),
}
RESUMED_CHOICE: dict[str, Step] = {
    "": chosen_org_rating,  # the organisation rating's draft had no step
    "cor_h": corrected_hasil,
    "cor_p": corrected_perilaku,
}


async def resume_typed(update: Update, context: BotContext) -> int | None:
    """Take HR's typed answer in a conversation saved at HR_TEXT, at the step in its draft."""
    draft = HR.get(context)
    resumed = RESUMED_TYPED.get(draft.step) if draft is not None else None
    if resumed is None:
        return await FLOW.lost(update, context)
    state, step = resumed
    following = await step(update, context)
    return state if following is None else following


async def resume_choice(update: Update, context: BotContext) -> int | None:
    """Take HR's button in a conversation saved at HR_CHOICE, at the step in its draft."""
    draft = HR.get(context)
    step = RESUMED_CHOICE.get(draft.step) if draft is not None else None
    if step is None:
        return await FLOW.lost(update, context)
    return await step(update, context)
