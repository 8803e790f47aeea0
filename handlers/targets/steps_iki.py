"""/target: a further indicator (IKI) of the work result, added from the summary, all by
buttons where a choice is made: its aspek, how it is measured (each with one plain line and
an example), then its words, its target and (for a number) its unit; then the summary again.

  tg:iki:add     from the summary (a new target, one's own or assigned)
  tg:iki:rm:<n>  from the summary: take further IKI n (2, 3, ...) out of the draft
  tg:iki:ch:<n>  from the summary: write further IKI n again (it keeps its place)
  tg:ia:<aspek>  kuantitas | kualitas | waktu | biaya
  tg:im:<kind>   cumulative | level | lower | deadline | qualitative
"""

from __future__ import annotations

from decimal import Decimal

from telegram import Update

from bot.context import BotContext
from bot.services.numbers import AmountError, parse_amount
from bot.services.targets import drafts
from bot.services.targets.achievement_rules import Aspect, Measure
from bot.services.targets.indicators import MAX_INDICATORS, parse_typed_deadline
from handlers.common import callback_int, keyboard
from handlers.targets import texts
from handlers.targets.prompts import summary
from handlers.targets.state import (
    ASK_IKI_ASPECT,
    ASK_IKI_MEASURE,
    ASK_IKI_TARGET,
    ASK_IKI_TEXT,
    ASK_IKI_UNIT,
    DRAFTS,
    FLOW,
    TargetFlowDraft,
    show,
    typed_text,
)

NUMBERED = (Measure.CUMULATIVE, Measure.LEVEL, Measure.LOWER)
STATE_OF_STEP = {"text": ASK_IKI_TEXT, "target": ASK_IKI_TARGET, "unit": ASK_IKI_UNIT}


def _pressed(update: Update, prefix: str) -> str:
    data = update.callback_query.data if update.callback_query else None
    return data[len(prefix) :] if data and data.startswith(prefix) else ""


def _measure(draft: TargetFlowDraft) -> Measure | None:
    raw = (draft.iki or {}).get("measure")
    return Measure(raw) if raw in {m.value for m in Measure} else None


async def ask_iki_step(
    update: Update, context: BotContext, draft: TargetFlowDraft, step: str, prefix: str = ""
) -> int:
    """Ask a typed question of the further IKI (after an optional reason)."""
    DRAFTS.keep(context, draft)
    text, rows = texts.iki_step_question(context.t, step, _measure(draft))
    await show(update, context, texts.with_prefix(prefix, text), keyboard(rows))
    return STATE_OF_STEP[step]


async def add_iki(update: Update, context: BotContext) -> int:
    """Start a further IKI: ask its aspek."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    if draft.mode == "edit" or len(draft.extras or []) >= MAX_INDICATORS - 1:
        return await summary(update, context, draft)
    draft.iki, draft.iki_at = {}, None
    return await ask_aspect(update, context, draft)


async def ask_aspect(update: Update, context: BotContext, draft: TargetFlowDraft) -> int:
    """Keep the draft; ask which aspek the (new or changed) IKI measures."""
    DRAFTS.keep(context, draft)
    text, rows = texts.aspect_question(context.t)
    await show(update, context, text, keyboard(rows))
    return ASK_IKI_ASPECT


async def change_iki(update: Update, context: BotContext) -> int:
    """Write further IKI n again from its aspek; it keeps its place (and stays until done)."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    number = callback_int(update, "tg:iki:ch")
    if number is None or not 2 <= number <= len(draft.extras or []) + 1:
        return await summary(update, context, draft)  # nothing to change
    draft.iki, draft.iki_at = {}, number - 2
    return await ask_aspect(update, context, draft)


async def choose_aspect(update: Update, context: BotContext) -> int:
    """Keep the aspek; ask how the IKI is measured."""
    draft = DRAFTS.get(context)
    if draft is None or draft.iki is None:
        return await FLOW.lost(update, context)
    aspect = _pressed(update, "tg:ia:")
    if aspect not in {a.value for a in Aspect}:
        text, rows = texts.aspect_question(context.t)
        await show(update, context, text, keyboard(rows))
        return ASK_IKI_ASPECT
    draft.iki["aspect"] = aspect
    DRAFTS.keep(context, draft)
    text, rows = texts.measure_question(context.t)
    await show(update, context, text, keyboard(rows))
    return ASK_IKI_MEASURE


async def choose_measure(update: Update, context: BotContext) -> int:
    """Keep how it is measured; ask for its words."""
    draft = DRAFTS.get(context)
    if draft is None or draft.iki is None:
        return await FLOW.lost(update, context)
    measure = _pressed(update, "tg:im:")
    if measure not in {m.value for m in Measure}:
        text, rows = texts.measure_question(context.t)
        await show(update, context, text, keyboard(rows))
        return ASK_IKI_MEASURE
    draft.iki["measure"] = measure
    return await ask_iki_step(update, context, draft, "text")


async def receive_iki_text(update: Update, context: BotContext) -> int:
    """Keep the IKI's words; ask for its target."""
    draft = DRAFTS.get(context)
    if draft is None or draft.iki is None:
        return await FLOW.lost(update, context)
    text = typed_text(update).strip()
    if (problem := drafts.check_typed_indicator(text)) is not None:
        return await ask_iki_step(update, context, draft, "text", problem.render(context.t))
    draft.iki["text"] = text
    return await ask_iki_step(update, context, draft, "target")


def read_target(measure: Measure, text: str) -> dict[str, object]:
    """The target typed for this kind of IKI, as draft fields; AmountError or ValueError."""
    if measure is Measure.QUALITATIVE:
        if (problem := drafts.check_expectation(text)) is not None:
            raise ValueError(problem.message)
        return {"expectation": text}
    if measure is Measure.DEADLINE:
        due_on, periods = parse_typed_deadline(text)
        return {"due_on": due_on.isoformat() if due_on else None, "periods": periods}
    amount: Decimal = parse_amount(text, allow_zero=measure is Measure.LOWER)
    return {"amount": str(amount)}


async def receive_iki_target(update: Update, context: BotContext) -> int:
    """Keep the IKI's target; ask its unit for a number, else back to the summary."""
    draft, measure = DRAFTS.get(context), None
    if draft is not None:
        measure = _measure(draft)
    if draft is None or draft.iki is None or measure is None:
        return await FLOW.lost(update, context)
    try:
        draft.iki |= read_target(measure, typed_text(update).strip())
    except AmountError as error:
        return await ask_iki_step(update, context, draft, "target", context.t._(error.reason))
    except ValueError as error:
        return await ask_iki_step(update, context, draft, "target", context.t._(str(error)))
    if measure in NUMBERED:
        return await ask_iki_step(update, context, draft, "unit")
    return await finish_iki(update, context, draft)


async def receive_iki_unit(update: Update, context: BotContext) -> int:
    """Keep the unit; the IKI is complete."""
    draft = DRAFTS.get(context)
    if draft is None or draft.iki is None:
        return await FLOW.lost(update, context)
    unit = typed_text(update).strip()
    if (problem := drafts.check_unit(unit)) is not None:
        return await ask_iki_step(update, context, draft, "unit", problem.render(context.t))
    draft.iki["unit"] = unit
    return await finish_iki(update, context, draft)


async def finish_iki(update: Update, context: BotContext, draft: TargetFlowDraft) -> int:
    """Add the finished IKI to the draft and show the summary with it."""
    assert draft.iki is not None
    extras = list(draft.extras or [])
    if draft.iki_at is not None and 0 <= draft.iki_at < len(extras):
        extras[draft.iki_at] = draft.iki  # a changed IKI keeps its place
    else:
        extras.append(draft.iki)
    draft.extras, draft.iki, draft.iki_at = extras, None, None
    return await summary(update, context, draft)


async def remove_iki(update: Update, context: BotContext) -> int:
    """Take one further IKI out of the draft; show the summary without it."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await FLOW.lost(update, context)
    number = callback_int(update, "tg:iki:rm")
    extras = list(draft.extras or [])
    if number is not None and 2 <= number <= len(extras) + 1:  # else: nothing to take out
        del extras[number - 2]
        draft.extras = extras or None
    return await summary(update, context, draft)


async def iki_wants_text(update: Update, context: BotContext) -> int:
    """Ask again for text when a typed IKI question gets a sticker, photo or file."""
    draft = DRAFTS.get(context)
    if draft is None or draft.iki is None:
        return await FLOW.lost(update, context)
    step = "text" if "text" not in draft.iki else "target"
    if step == "target" and (draft.iki.keys() & {"amount", "due_on", "expectation"}):
        step = "unit"
    hint = context.t._("Please type your answer as a text message.")
    return await ask_iki_step(update, context, draft, step, hint)
