"""Handle different people's updates concurrently, and each person's own updates in order;
count and time every update, and tag its log lines with its id."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.runtime.logging_setup import EMPLOYEE_ID, UPDATE_ID
from bot.runtime.metrics import HANDLER_LATENCY, UPDATES_PROCESSED


class _Outcome:
    """Whether handling one update failed: PTB hands handler exceptions to the error handler
    and does not re-raise them, so the processor cannot see them itself."""

    __slots__ = ("failed",)

    def __init__(self) -> None:
        self.failed = False


_OUTCOME: ContextVar[_Outcome | None] = ContextVar("update_outcome", default=None)


def mark_update_failed() -> None:
    """Count the update being handled as failed (the error handler calls this)."""
    outcome = _OUTCOME.get()
    if outcome is not None:
        outcome.failed = True


def update_kind(update: object) -> str:
    """Name the kind of an update for metrics: message, callback_query, my_chat_member, other."""
    if isinstance(update, Update):
        for kind in ("message", "callback_query", "my_chat_member"):
            if getattr(update, kind) is not None:
                return kind
    return "other"


async def handle_measured(update: object, coroutine: Awaitable[Any]) -> None:
    """Run the handling of one update with its id in the logging context, counting its
    outcome and timing it."""
    kind = update_kind(update)
    outcome = _Outcome()
    update_token = UPDATE_ID.set(update.update_id if isinstance(update, Update) else None)
    employee_token = EMPLOYEE_ID.set(None)  # the gate names the employee once identified
    outcome_token = _OUTCOME.set(outcome)
    started = time.perf_counter()
    try:
        await coroutine
    except BaseException:
        outcome.failed = True
        raise
    finally:
        HANDLER_LATENCY.labels(kind).observe(time.perf_counter() - started)
        UPDATES_PROCESSED.labels(kind, "error" if outcome.failed else "ok").inc()
        _OUTCOME.reset(outcome_token)
        EMPLOYEE_ID.reset(employee_token)
        UPDATE_ID.reset(update_token)


def user_key(update: object) -> int | None:
    """The Telegram user an update comes from (None: no user, e.g. a channel post)."""
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` updates at once, but one at a time per user.

    PTB's default handles every update after the previous one has finished, so each
    person waits for everyone else's Bot API round trips (two per button: the answer and
    the edit) and database work. A person's next update must still see the conversation
    state their previous one left (ConversationHandler stores it after the callback
    returns), so updates of one user wait for each other: asyncio.Lock wakes its waiters
    first come, first served, and PTB starts update tasks in arrival order.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # updates of a user being handled or waiting

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this user's earlier updates, then handle this one."""
        key = user_key(update)
        if key is None:
            await handle_measured(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await handle_measured(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget idle users, so the dicts stay small
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
