"""The target conversation's states, its typed drafts in user_data, and the flow's shared steps.

State numbers, the user_data keys ("tg_draft", "tg_return") and the drafts' JSON field names
are persisted: changing them would break drafts and conversations in progress across an
upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services.periods import Period, parse_period, period_of
from bot.services.targets import TargetDraft
from bot.services.targets.indicators import draft_from_data
from bot.services.targets.vocabulary import (
    COMMON_UNITS,
    JENIS,
    JENIS_UTAMA,
    KIND_QUAL,
    KIND_QUANT,
    KINDS,
)
from bot.text import parse_callback
from handlers.common import answer, edit_or_reply
from handlers.conversation import DraftStore, FlowSteps, JsonDraft
from models import Target

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
# Another IKI of the RHK, after the summary: its aspek, how it is measured, words, target, unit.
ASK_IKI_ASPECT, ASK_IKI_MEASURE, ASK_IKI_TEXT, ASK_IKI_TARGET, ASK_IKI_UNIT = range(30, 35)
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
MODES = ("add", "assign", "edit")

Step = Callable[[Update, BotContext], Coroutine[Any, Any, int]]


@dataclass
class TargetFlowDraft(JsonDraft):
    """A target being written in the chat: whose it is, how it is saved, the answers so far.

    A step is unanswered while its field is None; a skipped quality standard is "" and "no
    leader's target" is 0. Unanswered fields stay out of the JSON, as they always did.
    """

    mode: str = "add"  # add: one's own | assign: a leader's, for a subordinate | edit
    employee_id: int = 0  # whose target it is
    period: str = ""
    target_id: int | None = None  # edit only: the target and the version the edit started from
    version: int | None = None
    review: bool = False  # the summary was shown: going on leads back to it
    jenis: str | None = None
    kind: str | None = None
    title: str | None = None
    indicator: str | None = None
    amount: str | None = None  # a Decimal, as text
    unit: str | None = None
    expectation: str | None = None
    quality: str | None = None
    parent: int | None = None
    extras: list[dict[str, Any]] | None = None  # further IKIs, as IndicatorDraft JSON
    iki: dict[str, Any] | None = None  # the further IKI being written
    iki_at: int | None = None  # when it replaces one: its index in extras (kept till done)

    def to_data(self) -> dict[str, Any]:
        """Return the draft as JSON values, leaving out what is not answered yet."""
        return {k: v for k, v in super().to_data().items() if v is not None}

    def usable(self) -> bool:
        """A draft names its mode, its owner and a semester."""
        try:
            parse_period(self.period)
        except (ValueError, AttributeError):
            return False
        return self.mode in MODES and isinstance(self.employee_id, int) and self.employee_id > 0

    @classmethod
    def for_edit(cls, target: Target) -> Self:
        """A draft holding a stored target's values, for changing it."""
        assert target.id is not None
        draft = cls(
            mode="edit",
            employee_id=target.employee_id,
            period=target.period,
            target_id=target.id,
            version=target.version,
            jenis=target.jenis,
            kind=target.kind,
            title=target.title,
            indicator=target.indicator,
            quality=target.quality_standard,
            parent=target.parent_target_id or 0,
        )
        if target.kind == KIND_QUANT:
            draft.amount = str(target.target_amount) if target.target_amount else ""
            draft.unit = target.unit
        else:
            draft.expectation = target.expectation
        return draft

    @property
    def semester(self) -> Period:
        return parse_period(self.period)

    def applies(self, step: str) -> bool:
        """Amount and unit belong to quantitative targets, the expectation to qualitative ones."""
        if step in ("amount", "unit"):
            return self.kind == KIND_QUANT
        if step == "expectation":
            return self.kind == KIND_QUAL
        return True

    def next_step(self) -> str | None:
        """Return the first step still unanswered, or None when the draft is complete."""
        for step in STEPS:
            if self.applies(step) and getattr(self, step) is None:
                return step
        return None

    def answer(self, step: str, value: str | int) -> None:
        """Keep the answer to one step (a field named like the step)."""
        assert step in STEPS
        setattr(self, step, value)

    def choose(self, button: str, value: str) -> bool:
        """Take a button answer (j: jenis, k: kind, u: a unit, q: skip); False if unknown."""
        if button == "j" and value in JENIS:
            self.jenis = value
        elif button == "k" and value in KINDS:
            if self.kind != value:  # the other kind's answers no longer fit
                self.amount = self.unit = self.expectation = None
            self.kind = value
        elif button == "u" and value.isdigit() and int(value) < len(COMMON_UNITS):
            self.unit = COMMON_UNITS[int(value)]
        elif button == "q" and value == "skip":
            self.quality = ""
        else:
            return False
        return True

    def fields(self) -> TargetDraft:
        """The target the draft describes, for the service."""
        return TargetDraft(
            title=self.title or "",
            indicator=self.indicator or "",
            kind=self.kind or KIND_QUANT,
            amount=Decimal(self.amount) if self.amount else None,
            unit=self.unit or "",
            expectation=self.expectation or "",
            quality_standard=self.quality or "",
            jenis=self.jenis or JENIS_UTAMA,
            parent_target_id=self.parent or None,
            extra_indicators=tuple(draft_from_data(e) for e in self.extras or []),
        )


@dataclass
class PendingReturn(JsonDraft):
    """A leader's Return waiting for its note: the target and the version it was pressed on."""

    target_id: int
    version: int

    @classmethod
    def from_data(cls, data: object) -> Self | None:
        """Also read the [target_id, version] pair kept before drafts were typed."""
        if isinstance(data, list) and len(data) == 2:
            data = {"target_id": data[0], "version": data[1]}
        return super().from_data(data)

    def usable(self) -> bool:
        return isinstance(self.target_id, int) and isinstance(self.version, int)


DRAFTS = DraftStore(DRAFT_KEY, TargetFlowDraft)
RETURNS = DraftStore(RETURN_KEY, PendingReturn)
FLOW = FlowSteps(
    forget=DRAFTS.forget,
    cancel_data=CANCEL,
    lost_text=N_("This target draft is no longer open. Send /target to start again."),
    cancelled_text=N_("All right, nothing was saved. Send /target to start again."),
)


def current_period(context: BotContext) -> Period:
    """Return the semester of today's WIB date."""
    return period_of(context.deps.clock.now().date())


async def show(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message, or send a new one when the user typed."""
    await answer(update)
    await edit_or_reply(update, context, text, markup)


def typed_text(update: Update) -> str:
    """The text the user typed ('' for anything else)."""
    message = update.effective_message
    return (message.text or "") if message else ""


def target_version(update: Update, prefix: str) -> tuple[int, int] | None:
    """Parse 'prefix:<target id>:<version>' from the pressed button; None when malformed."""
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, prefix, 2)
    return (parsed[0], parsed[1]) if parsed else None
