"""What every step of the evaluation conversation shares: its states, its drafts in user_data,
Batal and the lost draft, and the answer to anything but text where text is expected.

State numbers and user_data keys are persisted: changing them would break conversations and
drafts in progress across an upgrade. HR_TEXT and HR_CHOICE are where HR waited before each HR
step became a state of its own (10-19); they only take up conversations saved back then (see
steps_hr.resume_typed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services.evaluation import Draft
from handlers.common import callback_int, keyboard, reply
from handlers.conversation import DraftStore, FlowSteps, JsonDraft

LIST, HASIL, PERILAKU, NOTE, COMMENT, CONFIRM, HR_MENU, HR_TEXT, HR_CHOICE, OBJECTION = range(10)
(
    HR_ORG_OPD,
    HR_ORG_RATING,
    HR_SPREAD_OPD,
    HR_CORRECT_NIP,
    HR_CORRECT_HASIL,
    HR_CORRECT_PERILAKU,
    HR_CORRECT_REASON,
    HR_PLT_EMPLOYEE,
    HR_PLT_EVALUATOR,
    HR_PLT_REASON,
) = range(10, 20)

CANCEL = "ev:cancel"
STOPPED = N_("All right, stopped. Nothing was saved.")
SCREEN_GONE = N_("This screen is no longer active. Please start again with /nilai.")
NOT_TEXT = N_("Please type your answer as text, or tap Cancel.")


@dataclass
class LeaderDraft(JsonDraft):
    """The leader's evaluation of one employee, step by step (user_data["ev"])."""

    employee_id: int
    name: str
    period: str
    fingerprint: str
    suggested: str = ""
    notes: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    hasil: str = ""  # empty until chosen
    perilaku: str = ""
    note_key: str = ""  # the BerAKHLAK value whose note is being typed

    def usable(self) -> bool:
        """Whether the saved values have the types the steps rely on."""
        return isinstance(self.employee_id, int) and isinstance(self.notes, dict)

    def final(self) -> Draft:
        """The evaluation to finalize."""
        return Draft(
            employee_id=self.employee_id,
            period=self.period,
            fingerprint=self.fingerprint,
            hasil_kerja=self.hasil,
            perilaku_kerja=self.perilaku,
            suggested=self.suggested,
            notes=dict(self.notes),
            comment=self.comment,
        )


@dataclass
class ObjectionDraft(JsonDraft):
    """The evaluation an employee is typing an objection to (also user_data["ev"])."""

    objection: int

    def usable(self) -> bool:
        """Whether the saved evaluation id is a number."""
        return isinstance(self.objection, int)


@dataclass
class HrDraft(JsonDraft):
    """What HR chose so far in one of the HR tools (user_data["ev_hr"])."""

    opd_id: int | None = None
    evaluation_id: int | None = None  # the correction
    name: str = ""
    hasil: str = ""
    perilaku: str = ""
    employee_id: int | None = None  # the Plt assignment
    evaluator_id: int | None = None
    evaluator_name: str = ""
    step: str = ""  # only in drafts saved in HR_TEXT / HR_CHOICE, before the steps were states


LEADER = DraftStore("ev", LeaderDraft)
OBJECTING = DraftStore("ev", ObjectionDraft)
HR = DraftStore("ev_hr", HrDraft)


def forget_drafts(context: BotContext) -> None:
    """Drop the leader's (or the objection's) and HR's drafts."""
    LEADER.forget(context)
    HR.forget(context)


FLOW = FlowSteps(
    forget=forget_drafts, cancel_data=CANCEL, lost_text=SCREEN_GONE, cancelled_text=STOPPED
)


def typed(update: Update) -> str:
    """Return the typed text of the message, without surrounding spaces."""
    message = update.effective_message
    return (message.text or "").strip() if message is not None else ""


async def not_text(update: Update, context: BotContext) -> None:
    """Answer a sticker, photo or file where text is expected."""
    await reply(update, context, context.t._(NOT_TEXT), FLOW.cancel_only(context))


def chosen(update: Update, prefix: str, options: Sequence[str]) -> str | None:
    """The option of a pressed 'prefix:<index>' button; None for anything else (untrusted)."""
    index = callback_int(update, prefix)
    return options[index] if index is not None and index < len(options) else None


def buttons(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """A keyboard of these rows, or none when there are no rows."""
    return keyboard(rows) if rows else None


def with_cancel(context: BotContext, rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """A keyboard of these rows and the Cancel button."""
    return keyboard([*rows, FLOW.cancel_row(context)])
