"""The questions conversation's states, its two drafts, and its Batal and lost-draft steps.

A question being asked is held in this process's memory only (bot/runtime/private_drafts.py),
never in the persisted user_data: an anonymous draft must leave nothing behind, and named
drafts live there too so that what is persisted never tells the two apart. HR's draft of an
answer, a closing reason or a FAQ wording is an ordinary persisted draft.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services.access import Speaker
from bot.services.text_rules import TextProblem
from handlers.common import callback_int, reply, require_speaker
from handlers.conversation import D, DraftStore, FlowSteps, JsonDraft, problem_text, refuse
from models.db import SessionFactory

T = TypeVar("T")

# ROUTE is no longer a state of its own (MODE takes the route too); it keeps its number so
# that stored states keep theirs.
MODE, ROUTE, WRITE, PREVIEW, ANSWER, ANSWER_PREVIEW, PUBLISH, CLOSE = range(1, 9)
CANCEL = "qa:cancel"
TYPE_TEXT = N_("Please type your text as a message.")
DRAFT_GONE = N_("Sorry, this draft is no longer available. Please start again with /tanya.")
QUESTION_GONE = N_(
    "Sorry, your question draft is no longer here. Question drafts are never saved, so that "
    "an anonymous question leaves no trace; a restart of the bot clears them. Please start "
    "again with /tanya."
)


@dataclass
class QuestionDraft(JsonDraft):
    """A question being asked; `anonymous` is None until the asker has chosen."""

    anonymous: bool | None = None
    to_own_opd: bool = True
    text: str = ""
    nonce: str = ""  # of the latest preview: only its Send button sends


@dataclass
class HrDraft(JsonDraft):
    """HR's answer, closing reason or FAQ wording for one question."""

    question_id: int
    text: str = ""
    nonce: str = ""  # of the latest preview: only its Send or Publish button acts

    def usable(self) -> bool:
        return isinstance(self.question_id, int)


@dataclass(frozen=True)
class MemoryDraftStore(Generic[D]):
    """A DraftStore kept in this process's memory (deps.question_drafts), never in user_data.

    Keyed by the speaker's Telegram account: every step of the flow has a linked speaker.
    """

    kind: type[D]

    def get(self, context: BotContext) -> D | None:
        """Return the speaker's draft, or None (none, expired, or cleared by a restart)."""
        return self.kind.from_data(context.deps.question_drafts.get(_account(context)))

    def keep(self, context: BotContext, draft: D) -> None:
        """Hold the draft in memory."""
        context.deps.question_drafts.keep(_account(context), draft.to_data())

    def forget(self, context: BotContext) -> None:
        """Drop the draft."""
        context.deps.question_drafts.forget(_account(context))


def _account(context: BotContext) -> int | None:
    speaker = context.speaker
    return speaker.employee.telegram_user_id if speaker is not None else None


ASKING = MemoryDraftStore(QuestionDraft)
HR_DRAFT = DraftStore("question_hr", HrDraft)


def forget_drafts(context: BotContext) -> None:
    """Drop every draft of this flow (the anonymous choice included)."""
    ASKING.forget(context)
    HR_DRAFT.forget(context)


STEPS = FlowSteps(forget=forget_drafts, cancel_data=CANCEL, lost_text=DRAFT_GONE)
# A question's draft is never saved, so a restart clears it: its lost step says why.
QUESTION_STEPS = FlowSteps(forget=forget_drafts, cancel_data=CANCEL, lost_text=QUESTION_GONE)


async def text_expected(update: Update, context: BotContext) -> None:
    """Answer stickers, photos and the like where text is expected."""
    await reply(update, context, context.t._(TYPE_TEXT), STEPS.cancel_only(context))


async def retype(update: Update, context: BotContext, problem: TextProblem) -> None:
    """Say why the typed text cannot be used; the step waits for it again."""
    await reply(update, context, problem_text(context, problem), STEPS.cancel_only(context))


async def from_button(
    update: Update,
    context: BotContext,
    prefix: str,
    lookup: Callable[[SessionFactory, Speaker, int], Awaitable[T | None]],
    refusal: str,
) -> T | None:
    """What the pressed button ('prefix:<id>') names, as `lookup` finds it for the speaker;
    None, refused with the msgid `refusal`, for a malformed id or one the speaker may not see."""
    item_id = callback_int(update, prefix)
    speaker = require_speaker(context)
    item = await lookup(context.deps.sessions, speaker, item_id) if item_id is not None else None
    if item is None:
        await refuse(update, context, refusal)
    return item
