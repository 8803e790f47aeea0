"""The leader's feedback draft and the employee's pending reply, kept in user_data.

The key and the JSON field names are those of the drafts saved before the typed draft, so a
draft in progress across an upgrade still loads.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from bot.context import BotContext
from bot.i18n import N_
from handlers.conversation import DraftStore, FlowSteps, JsonDraft

DRAFT_KEY = "feedback_draft"
REPLY_KEY = "feedback_reply"  # the id of the feedback the employee is replying to
CANCEL = "fb:cancel"
LOST = N_(
    "Sorry, this feedback draft is no longer available. Please start again with /umpanbalik."
)


def new_nonce() -> str:
    """A fresh preview nonce: it tells this preview's Send from older ones and is the
    feedback's request_key, so it never repeats."""
    return secrets.token_hex(8)


@dataclass
class FeedbackDraft(JsonDraft):
    """What the leader has chosen and typed so far (JSON values only)."""

    employee_id: int
    employee_name: str = ""
    report_id: int | None = None
    target_id: int | None = None
    subject: str = ""  # the report's target or the target's title ("" when general)
    kind: str = ""
    value: str = ""
    text: str = ""
    nonce: str = field(default_factory=new_nonce)

    def usable(self) -> bool:
        return isinstance(self.employee_id, int)


DRAFTS: DraftStore[FeedbackDraft] = DraftStore(DRAFT_KEY, FeedbackDraft, also=(REPLY_KEY,))
FLOW = FlowSteps(forget=DRAFTS.forget, cancel_data=CANCEL, lost_text=LOST)


def pending_reply(context: BotContext) -> int | None:
    """The feedback the employee is replying to, if a reply was asked for."""
    feedback_id = (context.user_data or {}).get(REPLY_KEY)
    return feedback_id if isinstance(feedback_id, int) else None


def expect_reply(context: BotContext, feedback_id: int) -> None:
    """Remember which feedback the next text replies to (a leader's draft is dropped)."""
    DRAFTS.forget(context)
    if context.user_data is not None:
        context.user_data[REPLY_KEY] = feedback_id
