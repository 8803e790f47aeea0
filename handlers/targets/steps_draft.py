"""Writing a target: starting (add, assign to a team member, edit, resume), each step's answer,
and saving."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from bot.context import BotContext
from bot.services import targets
from bot.services.targets import Outcome, Problem, TargetResult
from bot.services.targets.drafts import read_amount
from handlers.common import callback_int, callback_tail, keyboard, require_speaker
from handlers.conversation import CHOOSE_BUTTON, END, refuse
from handlers.targets import texts
from handlers.targets.prompts import advance, ask, ask_current, pick_field, summary
from handlers.targets.state import (
    DRAFTS,
    FLOW,
    PICK_FIELD,
    STEP_OF,
    STEPS,
    SUMMARY,
    Step,
    TargetFlowDraft,
    current_period,
    show,
    target_version,
    typed_text,
)

# --------------------------------------------------------------------------- starting


async def start_add(update: Update, context: BotContext) -> int:
    """Start a new target for the speaker."""
    speaker = require_speaker(context)
    if speaker.employee.supervisor_id is None:
        await refuse(update, context, texts.NO_SUPERVISOR)
        return END
    draft = TargetFlowDraft(
        mode="add", employee_id=speaker.id, period=current_period(context).code
    )
    return await advance(update, context, draft)


async def start_assign(update: Update, context: BotContext) -> int:
    """Start a target that a leader writes for one direct subordinate."""
    speaker = require_speaker(context)
    employee_id = callback_int(update, "tg:asg")
    if employee_id is None:
        await refuse(update, context, texts.INVALID_BUTTON)
        return END
    employee = await targets.subordinate(context.deps.sessions, speaker, employee_id)
    if employee is None or employee.id is None:
        await refuse(update, context, texts.NOT_DIRECT_STAFF_ASSIGN)
        return END
    period = current_period(context).code
    draft = TargetFlowDraft(mode="assign", employee_id=employee.id, period=period)
    return await advance(update, context, draft)


async def start_edit(update: Update, context: BotContext) -> int:
    """Load one of the speaker's own targets into a draft and show it for changing."""
    speaker = require_speaker(context)
    pressed = target_version(update, "tg:edit")
    if pressed is None:
        await refuse(update, context, texts.INVALID_BUTTON)
        return END
    result = await targets.check_edit(context.deps.sessions, speaker, *pressed)
    if result.outcome is not Outcome.OK or result.target is None:
        await refuse(update, context, texts.refusal(result))
        return END
    return await summary(update, context, TargetFlowDraft.for_edit(result.target))


async def resume(update: Update, context: BotContext) -> int:
    """Continue an unfinished draft where it stopped."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    if draft.review:
        return await summary(update, context, draft)
    return await advance(update, context, draft)


# --------------------------------------------------------------------------- the answers


def typed_step(step: str, check: Callable[[str], Problem | None]) -> Step:
    """Build the handler of a typed step: check the text, store it, go on (or ask again)."""

    async def receive(update: Update, context: BotContext) -> int:
        """Keep the typed answer and go on; ask again with the reason when it cannot be used."""
        draft = DRAFTS.get(context)
        if draft is None:
            return await FLOW.lost(update, context)
        text = typed_text(update)
        problem = check(text)
        if problem is not None:
            return await ask(update, context, draft, step, problem.render(context.t))
        draft.answer(step, text.strip())
        return await advance(update, context, draft)

    return receive


async def receive_amount(update: Update, context: BotContext) -> int:
    """Read the target amount the Indonesian way; '95%' also sets the unit to %."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    text = typed_text(update).strip()
    amount = read_amount(text)
    if isinstance(amount, Problem):
        return await ask(update, context, draft, "amount", amount.render(context.t))
    draft.amount = str(amount)
    if text.endswith("%") and draft.unit is None:
        draft.unit = "%"
    return await advance(update, context, draft)


async def choose(update: Update, context: BotContext) -> int:
    """Take a button answer (jenis, kind, unit, skip, parent) for the current step."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    button, _sep, value = callback_tail(update, "tg").partition(":")
    if button == "p" and value.isdigit():
        return await choose_parent(update, context, draft, int(value))
    if not draft.choose(button, value):
        return await ask_current(update, context, draft, context.t._(texts.INVALID_BUTTON))
    return await advance(update, context, draft)


async def choose_parent(
    update: Update, context: BotContext, draft: TargetFlowDraft, chosen: int
) -> int:
    """Take the leader's target the draft supports (0: none), if it can still be chosen."""
    if chosen:
        speaker = require_speaker(context)
        options = await targets.parent_choices(
            context.deps.sessions, speaker, draft.employee_id, draft.semester
        )
        if chosen not in {o.id for o in options}:
            gone = context.t._("This choice is no longer available.")
            return await ask(update, context, draft, "parent", gone)
    draft.parent = chosen
    return await advance(update, context, draft)


async def change(update: Update, context: BotContext) -> int:
    """Offer the fields of the draft to change."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    return await pick_field(update, context, draft)


async def change_field(update: Update, context: BotContext) -> int:
    """Ask again for the chosen field; the answer leads back to the summary."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    step = callback_tail(update, "tg:f")
    if step not in STEPS or not draft.applies(step):
        return await summary(update, context, draft)
    return await ask(update, context, draft, step)


def use_buttons(state: int) -> Step:
    """Build the handler that asks again with the buttons when a button step gets typing."""

    async def again(update: Update, context: BotContext) -> int:
        """Ask the step again with its buttons, after a short hint."""
        draft = DRAFTS.get(context)
        if draft is None:
            return await FLOW.lost(update, context)
        hint = context.t._(CHOOSE_BUTTON)
        if state == SUMMARY:
            return await summary(update, context, draft, hint)
        if state == PICK_FIELD:
            return await pick_field(update, context, draft, hint)
        return await ask(update, context, draft, STEP_OF[state], hint)

    return again


def type_text(step: str) -> Step:
    """Build the handler that asks again when a typed step gets a sticker, photo or file."""

    async def again(update: Update, context: BotContext) -> int:
        """Ask the step again, asking for text."""
        draft = DRAFTS.get(context)
        if draft is None:
            return await FLOW.lost(update, context)
        hint = context.t._("Please type your answer as a text message.")
        return await ask(update, context, draft, step, hint)

    return again


# --------------------------------------------------------------------------- saving


async def save(update: Update, context: BotContext) -> int:
    """Save the draft through the service: propose, edit or assign."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    result = await submit(context, draft)
    context.wake_outbox()
    if result.outcome is Outcome.INVALID:
        reasons = texts.problems_text(context.t, result.problems)
        if any(p.about == "parent" for p in result.problems):
            draft.parent = None
            return await ask(update, context, draft, "parent", reasons)
        return await summary(update, context, draft, reasons)
    DRAFTS.forget(context)
    text, rows = texts.saved_text(context.t, draft.mode, result)
    await show(update, context, text, keyboard(rows))
    return END


async def submit(context: BotContext, draft: TargetFlowDraft) -> TargetResult:
    """Hand the draft to the service entry point of its mode: edit, assign or propose."""
    speaker = require_speaker(context)
    deps = context.deps
    now, fields = deps.clock.utcnow(), draft.fields()
    if draft.mode == "edit":
        target_id, version = draft.target_id or 0, draft.version or 0
        return await targets.edit(
            deps.sessions, speaker, target_id, version, fields, now=now, i18n=deps.i18n
        )
    if draft.mode == "assign":
        return await targets.assign(
            deps.sessions,
            speaker,
            draft.employee_id,
            fields,
            period=draft.semester,
            now=now,
            i18n=deps.i18n,
        )
    return await targets.propose(
        deps.sessions, speaker, fields, period=draft.semester, now=now, i18n=deps.i18n
    )
