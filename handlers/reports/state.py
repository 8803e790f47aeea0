"""The report conversation's states, its typed drafts in user_data, and the flow's shared steps.

State numbers, user_data keys and the drafts' JSON field names are persisted: changing them
would break conversations and drafts in progress across an upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.i18n import N_
from bot.services import reports
from bot.services.access import Speaker
from bot.services.reports import TargetProgress
from bot.services.reports.drafts import ReportDraft
from handlers.conversation import DraftStore, FlowSteps, JsonDraft

PICK, AMOUNT, CONFIRM_BIG, NOTE, EVIDENCE, SUMMARY, FIX_FIELD, FIX_VALUE, FIX_CONFIRM = range(
    1, 10
)
IKI = 10  # one IKI's value, for an RHK with several
END = ConversationHandler.END
DRAFT_KEY = "report_draft"
FIX_KEY = "report_fix"
ACK_KEY = "report_ack"  # the "file received" message an album's later photos update
THEN_KEY = "report_then"  # where a confirmed large amount continues: note step or summary
CANCEL = "rp:cancel"


@dataclass
class ReportFix(JsonDraft):
    """A correction of a sent report: the report, the part corrected, the checked new value."""

    report_id: int
    field: str = "note"  # amount | note | narrative
    value: str | None = None  # checked; an amount as text

    def usable(self) -> bool:
        return isinstance(self.report_id, int)


DRAFTS = DraftStore(DRAFT_KEY, ReportDraft, also=(FIX_KEY, ACK_KEY, THEN_KEY))
FIXES = DraftStore(FIX_KEY, ReportFix)
FLOW = FlowSteps(
    forget=DRAFTS.forget,
    cancel_data=CANCEL,
    lost_text=N_(
        "Sorry, this report draft is no longer available. Please start again with /lapor."
    ),
    cancelled_text=N_("All right, nothing was sent. You can report any time with /lapor."),
)


def now(context: BotContext) -> datetime:
    return context.deps.clock.utcnow()


def period(context: BotContext) -> str:
    return reports.current_period(context.deps.clock.now().date())


async def load_progress(
    context: BotContext, speaker: Speaker, target_id: int
) -> TargetProgress | None:
    """The target if the speaker may report on it now, with its progress."""
    return await reports.reportable_target(
        context.deps.sessions, speaker.id, target_id, period(context)
    )
