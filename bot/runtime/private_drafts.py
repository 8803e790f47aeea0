"""Drafts of questions to HR, held in this process's memory only, and which updates are private.

An anonymous question must leave nothing that ties it to its asker: not in the database, not
in the logs. So its draft (the text and the anonymous choice) is never put in PTB's
user_data, which DatabasePersistence writes to the user_data table under the Telegram id.
Named drafts live here too, so that what is persisted never tells the two modes apart. The
price: a restart forgets every unfinished question draft; the handlers then tell the user
kindly and keep whatever they type next.

Two questions are asked of an update before it is handled, by the identify gate and by the
update poller:
- anonymous(): is it a step of an anonymous question (or the choice of one)? Then no
  employee is bound to its log lines.
- private(): is its sender asking a question at all (any mode, or not chosen yet)? Then the
  poller never writes it to pending_update, where it would sit next to the sender's id.
"""

from __future__ import annotations

import time
from typing import Any

from telegram import Update

# Callback data that chooses an anonymous question (and, after that, where it goes).
CHOOSE_ANONYMOUS = "qa:mode:anon"
ROUTE_PREFIX = "qa:route:"
QUESTION_PREFIX = "qa:"
# An abandoned draft is dropped after a day: the text should not linger in memory either.
MAX_AGE_SECONDS = 24 * 3600


def chooses_anonymous(update: Update) -> bool:
    """True for the buttons that make a question anonymous or route an anonymous one."""
    query = update.callback_query
    data = (query.data if query is not None else None) or ""
    return data == CHOOSE_ANONYMOUS or data.startswith(ROUTE_PREFIX)


def concerns_a_draft(update: Update) -> bool:
    """True for what the asking steps take: a question button, or a typed message that is
    not a command (a command such as /lapor leaves the flow, and carries nothing of it)."""
    if update.callback_query is not None:
        return (update.callback_query.data or "").startswith(QUESTION_PREFIX)
    message = update.effective_message
    return message is not None and not (message.text or "").startswith("/")


def sender_of(update: Update) -> int | None:
    """The Telegram user an update comes from."""
    user = update.effective_user
    return user.id if user is not None else None


class QuestionDrafts:
    """Unfinished questions to HR by Telegram user id: {"anonymous", "to_own_opd", "text",
    "nonce"}, where "anonymous" is None until the asker has chosen (the JSON of the questions
    flow's typed draft, which handlers/questions/flow.py keeps here through a DraftStore of
    the same shape)."""

    def __init__(self) -> None:
        self._drafts: dict[int, tuple[float, dict[str, Any]]] = {}
        self._swept = time.monotonic()

    def get(self, user_id: int | None) -> dict[str, Any] | None:
        kept = self._drafts.get(user_id) if user_id is not None else None
        if kept is None or time.monotonic() - kept[0] > MAX_AGE_SECONDS:
            return None
        return kept[1]

    def keep(self, user_id: int | None, draft: dict[str, Any]) -> None:
        if user_id is None:
            return
        now = time.monotonic()
        self._drafts[user_id] = (now, draft)
        if now - self._swept > MAX_AGE_SECONDS / 24:  # an hour: a sweep walks every draft
            self._swept = now
            for stale in [u for u, (at, _) in self._drafts.items() if now - at > MAX_AGE_SECONDS]:
                del self._drafts[stale]

    def forget(self, user_id: int | None) -> None:
        if user_id is not None:
            self._drafts.pop(user_id, None)

    def __len__(self) -> int:
        return len(self._drafts)

    def anonymous(self, update: Update) -> bool:
        """True for a step of an anonymous question, the choice of anonymity included."""
        if chooses_anonymous(update):
            return True
        draft = self.get(sender_of(update))
        return bool(draft and draft.get("anonymous")) and concerns_a_draft(update)

    def private(self, update: Update) -> bool:
        """True while the sender is asking a question, in whichever mode, or chooses one."""
        if chooses_anonymous(update):
            return True
        return self.get(sender_of(update)) is not None and concerns_a_draft(update)
