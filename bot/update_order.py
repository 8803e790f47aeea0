"""Handle different people's updates concurrently, and each person's own updates in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


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
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget idle users, so the dicts stay small
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
