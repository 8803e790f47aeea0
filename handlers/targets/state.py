"""The target conversation's states, the draft kept in user_data, and helpers every screen shares.

State numbers and the user_data keys ("tg_draft", "tg_return") are persisted: changing them
would break drafts and conversations in progress across an upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.services.periods import Period, period_of
from bot.services.targets import TargetResult
from bot.services.targets import drafts as target_drafts
from bot.services.targets.drafts import TargetDraft
from handlers.common import answer, edit_or_reply, reply, require_speaker
from handlers.targets.texts import refusal_text
from models import Employee, Target

(
    ASK_JENIS,
    ASK_KIND,
    ASK_TITLE,
    ASK_INDICATOR,
    ASK_AMOUNT,
    ASK_UNIT,
    ASK_EXPECTATION,
    ASK_QUALITY,
    ASK_PARENT,
    SUMMARY,
    PICK_FIELD,
) = range(11)
ASK_NOTE = 20
DRAFT_KEY = "tg_draft"
RETURN_KEY = "tg_return"
CANCEL = "tg:cancel"
RETURN_CANCEL = "tg:rc:x"
STEPS = (
    "jenis",
    "kind",
    "title",
    "indicator",
    "amount",
    "unit",
    "expectation",
    "quality",
    "parent",
)
STATE_OF = dict(zip(STEPS, range(ASK_JENIS, SUMMARY), strict=True))
STEP_OF = {state: step for step, state in STATE_OF.items()}


Draft = dict[str, Any]
Step = Callable[[Update, BotContext], Coroutine[Any, Any, int]]


def current_period(context: BotContext) -> Period:
    """Return the semester of today's WIB date."""
    return period_of(context.deps.clock.now().date())


def user_data(context: BotContext) -> dict[Any, Any]:
    """Return this user's persistent scratch data."""
    assert context.user_data is not None
    return context.user_data


def get_draft(context: BotContext) -> Draft | None:
    """Return the unfinished draft, if any."""
    draft = user_data(context).get(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


def to_draft(draft: Draft) -> TargetDraft:
    """Turn the JSON draft into the service's TargetDraft."""
    amount = draft.get("amount")
    return TargetDraft(
        title=draft.get("title", ""),
        indicator=draft.get("indicator", ""),
        kind=draft.get("kind", target_drafts.KIND_QUANT),
        amount=Decimal(amount) if amount else None,
        unit=draft.get("unit", ""),
        expectation=draft.get("expectation", ""),
        quality_standard=draft.get("quality", ""),
        jenis=draft.get("jenis", target_drafts.JENIS_UTAMA),
        parent_target_id=draft.get("parent") or None,
    )


def from_target(target: Target) -> Draft:
    """Fill a JSON draft from a stored target (for editing)."""
    draft: Draft = {
        "jenis": target.jenis,
        "kind": target.kind,
        "title": target.title,
        "indicator": target.indicator,
        "quality": target.quality_standard,
        "parent": target.parent_target_id or 0,
    }
    if target.kind == target_drafts.KIND_QUANT:
        draft["amount"] = str(target.target_amount) if target.target_amount else ""
        draft["unit"] = target.unit
    else:
        draft["expectation"] = target.expectation
    return draft


def applicable(step: str, draft: Draft) -> bool:
    """Amount and unit belong to quantitative targets, the expectation to qualitative ones."""
    if step in ("amount", "unit"):
        return draft.get("kind") == target_drafts.KIND_QUANT
    if step == "expectation":
        return draft.get("kind") == target_drafts.KIND_QUAL
    return True


def next_step(draft: Draft) -> str | None:
    """Return the first step still unanswered, or None when the draft is complete."""
    for step in STEPS:
        if applicable(step, draft) and step not in draft:
            return step
    return None


async def show(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message, or send a new one when the user typed."""
    if update.callback_query is not None:
        await answer(update)
        await edit_or_reply(update, context, text, markup)
    else:
        await reply(update, context, text, markup)


def continue_row(context: BotContext) -> list[list[tuple[str, str]]]:
    """Offer to go back to an unfinished target draft, if there is one."""
    if get_draft(context) is None:
        return []
    return [[(context.t._("▶️ Continue the unfinished target"), "tg:resume")]]


async def owner_of(context: BotContext, draft: Draft) -> Employee:
    """Return the employee the draft's target belongs to."""
    speaker = require_speaker(context)
    if draft.get("employee_id", speaker.id) == speaker.id:
        return speaker.employee
    async with context.deps.sessions() as session:
        employee = await session.get(Employee, draft["employee_id"])
    assert employee is not None
    return employee


async def gone(update: Update, context: BotContext) -> int:
    """Explain that the draft no longer exists (finished elsewhere, or stale buttons)."""
    _ = context.t._
    text = _("This target draft is no longer open. Send /target to start again.")
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    else:
        await reply(update, context, text)
    return ConversationHandler.END


async def refuse(update: Update, context: BotContext, result: TargetResult) -> None:
    """Answer a refused target action politely (an alert for buttons)."""
    text = refusal_text(context, result)
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    else:
        await reply(update, context, text)
