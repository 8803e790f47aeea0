"""Database-backed PTB persistence: conversation states and per-user drafts survive restarts.

Drafts of questions to HR are never handed to it (bot/runtime/private_drafts.py keeps them in
memory): user_data rows are keyed by the Telegram id, and an anonymous question's text must
never sit next to it. Write times are kept to the day, here and for conversation states, so
that they cannot be matched against the time an anonymous question was created.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from models import ConversationState, UserDataRow
from models.db import SessionFactory, describe_problem, storage_problem
from models.types import utcnow

log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (...) query, well below SQLite's and asyncpg's parameter limits


def day_only(moment: datetime) -> datetime:
    """Truncate to the day: a precise write time of a user's drafts or conversation step could
    be matched against the creation time of an anonymous question."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def encode_key(key: ConversationKey) -> str:
    return json.dumps(list(key), separators=(",", ":"))


def decode_key(raw: str) -> ConversationKey:
    return tuple(json.loads(raw))


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Store conversations and user_data in our database; chat/bot/callback data are off.

    Every PERSISTENCE_INTERVAL PTB calls update_user_data / update_conversation once per
    changed user and conversation, all at once (asyncio.gather). Each call queues its value
    and whoever holds the lock writes everything queued so far in one transaction, so a
    flush costs about two transactions instead of two per active user (with 200 people
    busy: ~0.7 s of the event loop every 2 s before, ~45 ms now). A call returns once its
    value is committed (the lock is held through the commit), as before.

    When the database is away (restart, network cut, full or read-only disk) the values stay
    queued in memory and are written again every update_interval until the database accepts
    them, and once more at shutdown; the bot keeps serving meanwhile. PTB itself would not ask
    again: it hands over each change only once.
    """

    def __init__(self, sessions: Callable[[], SessionFactory], update_interval: float) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._sessions = sessions
        # PTB gathers all update_* calls concurrently; SQLite wants one writer at a time.
        self._lock = asyncio.Lock()
        # Values waiting to be written; None deletes the row.
        self._user_data: dict[int, str | None] = {}
        self._states: dict[tuple[str, str], str | None] = {}
        self._retry: asyncio.Task[None] | None = None
        self.failing_since: float | None = None  # loop time of the first failed write

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        async with self._sessions()() as session:
            rows = (await session.exec(select(UserDataRow))).all()
        result: dict[int, dict[Any, Any]] = {}
        for row in rows:
            try:
                result[row.user_id] = json.loads(row.data)
            except ValueError:
                log.warning("dropping unreadable user_data for %s", row.user_id)
        return result

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._user_data[user_id] = (
            json.dumps(data, ensure_ascii=False, default=str) if data else None
        )
        await self._write_queued()

    async def drop_user_data(self, user_id: int) -> None:
        self._user_data[user_id] = None  # replaces any queued write, so it cannot come back
        await self._write_queued()

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Nothing else writes user_data, so memory is already current."""

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._sessions()() as session:
            rows = (
                await session.exec(select(ConversationState).where(ConversationState.name == name))
            ).all()
        return {decode_key(r.key): json.loads(r.state) for r in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._states[name, encode_key(key)] = None if new_state is None else json.dumps(new_state)
        await self._write_queued()

    @property
    def queued(self) -> int:
        """Changes waiting to be written (non-zero while the database is away)."""
        return len(self._user_data) + len(self._states)

    async def _write_queued(self) -> None:
        """Write every queued value in one transaction (nothing if another call already did)."""
        async with self._lock:
            users, self._user_data = self._user_data, {}
            states, self._states = self._states, {}
            if not users and not states:
                return
            try:
                async with self._sessions()() as session:
                    await self._write_user_data(session, users)
                    await self._write_states(session, states)
                    await session.commit()
            except BaseException as exc:
                # Keep the values for the next flush, unless a newer one was queued meanwhile.
                self._user_data = users | self._user_data
                self._states = states | self._states
                problem = storage_problem(exc) if isinstance(exc, Exception) else None
                if problem is None:
                    raise
                self._retry_later(describe_problem(problem, exc))
                return
        if self.failing_since is not None:
            self.failing_since = None
            log.warning("conversation states saved again: the database is back")

    def _retry_later(self, reason: str) -> None:
        """Try the queued writes again after one interval (once per interval at most)."""
        loop = asyncio.get_running_loop()
        if self.failing_since is None:
            self.failing_since = loop.time()
            log.error(
                "could not save %d half-finished conversation changes: %s; keeping them in "
                "memory and retrying every %g s",
                self.queued,
                reason,
                self.update_interval,
            )
        if self._retry is None or self._retry.done():
            self._retry = loop.create_task(self._retry_after_interval(), name="persistence-retry")

    async def _retry_after_interval(self) -> None:
        await asyncio.sleep(self.update_interval)
        self._retry = None  # a failure below schedules the next attempt
        await self._write_queued()

    @staticmethod
    async def _write_user_data(session: AsyncSession, values: dict[int, str | None]) -> None:
        ids = list(values)
        rows: dict[int, UserDataRow] = {}
        for start in range(0, len(ids), CHUNK):
            query = select(UserDataRow).where(
                col(UserDataRow.user_id).in_(ids[start : start + CHUNK])
            )
            rows.update((row.user_id, row) for row in (await session.exec(query)).all())
        today = day_only(utcnow())
        for user_id, encoded in values.items():
            row = rows.get(user_id)
            if encoded is None:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(UserDataRow(user_id=user_id, data=encoded, updated_at=today))
            else:
                row.data, row.updated_at = encoded, today

    @staticmethod
    async def _write_states(
        session: AsyncSession, values: dict[tuple[str, str], str | None]
    ) -> None:
        rows: dict[tuple[str, str], ConversationState] = {}
        for name in {name for name, _ in values}:
            keys = [key for n, key in values if n == name]
            for start in range(0, len(keys), CHUNK):
                query = select(ConversationState).where(
                    ConversationState.name == name,
                    col(ConversationState.key).in_(keys[start : start + CHUNK]),
                )
                rows.update(((r.name, r.key), r) for r in (await session.exec(query)).all())
        today = day_only(utcnow())
        for (name, key), state in values.items():
            row = rows.get((name, key))
            if state is None:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(ConversationState(name=name, key=key, state=state, updated_at=today))
            else:
                row.state, row.updated_at = state, today

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Chat data is not stored."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Chat data is not stored."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not stored."""

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Bot data holds live services, never persisted."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Bot data holds live services, never persisted."""

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def flush(self) -> None:
        """Write what is still queued because the database was away (called at shutdown)."""
        retry, self._retry = self._retry, None
        if retry is not None and not retry.done():
            retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await retry
        await self._write_queued()
        if self.queued:
            log.error(
                "%d conversation changes are still unsaved (the database is still away); "
                "if the bot stops now, those users find their half-finished step reset",
                self.queued,
            )
