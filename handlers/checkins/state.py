"""The leave-pause conversation's states and its shared steps (it keeps no draft).

State numbers are persisted: changing them would break conversations in progress.
"""

from __future__ import annotations

from bot.context import BotContext
from handlers.checkins.texts import KEPT
from handlers.conversation import FlowSteps

CHOOSE, ASK_DATE = range(2)
CANCEL = "ci:pause:cancel"


def _nothing_to_forget(context: BotContext) -> None:
    """The pause flow keeps nothing in user_data."""


FLOW = FlowSteps(
    forget=_nothing_to_forget,
    cancel_data=CANCEL,
    # Without a draft nothing can be lost: if it ever were, the reminders stay as they are.
    lost_text=KEPT,
    cancelled_text=KEPT,
)
