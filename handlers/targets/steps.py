"""The answers to each draft step: typed text, buttons, and input of the wrong sort."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services.periods import parse_period
from bot.services.targets import drafts as target_drafts
from bot.services.targets.drafts import Problem
from handlers.targets.prompts import advance, ask, pick_field, summary
from handlers.targets.state import (
    PICK_FIELD,
    STEP_OF,
    STEPS,
    SUMMARY,
    Step,
    applicable,
    get_draft,
    gone,
    next_step,
    owner_of,
)


def typed_step(step: str, check: Callable[[str], Problem | None]) -> Step:
    """Build the handler of a typed step: check the text, store it, go on (or ask again)."""

    async def receive(update: Update, context: BotContext) -> int:
        draft = get_draft(context)
        if draft is None:
            return await gone(update, context)
        message = update.effective_message
        text = (message.text or "") if message else ""
        problem = check(text)
        if problem is not None:
            return await ask(update, context, step, problem.render(context.t))
        draft[step] = text.strip()
        return await advance(update, context)

    return receive


def check_indicator(text: str) -> Problem | None:
    """Require an indicator when typing (the service allows it empty for imports)."""
    if not text.strip():
        return Problem(N_("Please type the indicator."))
    return target_drafts.check_indicator(text)


async def receive_amount(update: Update, context: BotContext) -> int:
    """Read the target amount the Indonesian way; '95%' also sets the unit to %."""
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    message = update.effective_message
    text = ((message.text or "") if message else "").strip()
    amount = target_drafts.read_amount(text)
    if isinstance(amount, Problem):
        return await ask(update, context, "amount", amount.render(context.t))
    draft["amount"] = str(amount)
    if text.endswith("%") and "unit" not in draft:
        draft["unit"] = "%"
    return await advance(update, context)


async def choose(update: Update, context: BotContext) -> int:
    """Take a button answer (jenis, kind, unit, skip, parent) for the current step."""
    _ = context.t._
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    data = (update.callback_query.data if update.callback_query else "") or ""
    kind, _sep, value = data[3:].partition(":")
    if kind == "j" and value in target_drafts.JENIS:
        draft["jenis"] = value
    elif kind == "k" and value in target_drafts.KINDS:
        if draft.get("kind") != value:
            for stale in ("amount", "unit", "expectation"):
                draft.pop(stale, None)
        draft["kind"] = value
    elif kind == "u" and value.isdigit() and int(value) < len(target_drafts.COMMON_UNITS):
        draft["unit"] = target_drafts.COMMON_UNITS[int(value)]
    elif kind == "q" and value == "skip":
        draft["quality"] = ""
    elif kind == "p" and value.isdigit():
        chosen = int(value)
        if chosen:
            owner = await owner_of(context, draft)
            async with context.deps.sessions() as session:
                options = await target_drafts.parent_options(
                    session, owner, parse_period(draft["period"])
                )
            if chosen not in {o.id for o in options}:
                return await ask(
                    update, context, "parent", _("This choice is no longer available.")
                )
        draft["parent"] = chosen
    else:
        hint = _("This button is no longer valid.")
        step = next_step(draft)
        if step is None:
            return await summary(update, context, hint)
        return await ask(update, context, step, hint)
    return await advance(update, context)


async def change_field(update: Update, context: BotContext) -> int:
    """Ask again for the chosen field; the answer leads back to the summary."""
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    data = (update.callback_query.data if update.callback_query else "") or ""
    step = data.removeprefix("tg:f:")
    if step not in STEPS or not applicable(step, draft):
        return await summary(update, context)
    return await ask(update, context, step)


def use_buttons(state: int) -> Step:
    """Build the handler that asks again with the buttons when a button step gets typing."""

    async def again(update: Update, context: BotContext) -> int:
        if get_draft(context) is None:
            return await gone(update, context)
        hint = context.t._("Please choose with the buttons below.")
        if state == SUMMARY:
            return await summary(update, context, hint)
        if state == PICK_FIELD:
            return await pick_field(update, context, hint)
        return await ask(update, context, STEP_OF[state], hint)

    return again


def type_text(step: str) -> Step:
    """Build the handler that asks again when a typed step gets a sticker, photo or file."""

    async def again(update: Update, context: BotContext) -> int:
        if get_draft(context) is None:
            return await gone(update, context)
        hint = context.t._("Please type your answer as a text message.")
        return await ask(update, context, step, hint)

    return again
