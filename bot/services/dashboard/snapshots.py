"""Recent results kept a little while, so the HR page of a whole city is not recomputed for
every viewer and every 30-second refresh.

A result younger than `fresh_for` is served as it is. An older one (younger than `keep_for`) is
served at once while one recomputation runs in the background (stale-while-revalidate), so a
viewer never waits for the city's aggregates when a recent answer exists; the page shows the
time of its data. Concurrent askers for the same key share one computation.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")
log = logging.getLogger(__name__)


@dataclass
class _Entry(Generic[V]):
    value: V
    at: float


class Snapshots(Generic[V]):
    """Results by key, fresh for `fresh_for` seconds, served stale up to `keep_for`."""

    def __init__(self, fresh_for: float, keep_for: float) -> None:
        self.fresh_for = fresh_for
        self.keep_for = keep_for
        self._entries: dict[Hashable, _Entry[V]] = {}
        self._running: dict[Hashable, asyncio.Task[V]] = {}

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        """The result for `key`: recent, stale while refreshing, or computed now."""
        now = time.monotonic()
        self._entries = {k: e for k, e in self._entries.items() if now - e.at < self.keep_for}
        entry = self._entries.get(key)
        if entry is not None and now - entry.at < self.fresh_for:
            return entry.value
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(self._refresh(key, compute))
            self._running[key] = task
            task.add_done_callback(lambda done: self._done(key, done))
        if entry is not None:
            return entry.value
        return await asyncio.shield(task)

    async def _refresh(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        value = await compute()
        self._entries[key] = _Entry(value, time.monotonic())
        return value

    def _done(self, key: Hashable, task: asyncio.Task[V]) -> None:
        self._running.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            log.warning("refreshing %s failed", key, exc_info=task.exception())
