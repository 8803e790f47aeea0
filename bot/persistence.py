"""Database-backed PTB persistence: conversation states and per-user drafts survive restarts."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import col, delete, select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from models import ConversationState, UserDataRow
from models.db import SessionFactory
from models.types import utcnow

log = logging.getLogger(__name__)


def day_only(moment: datetime) -> datetime:
    """Truncate to the day: a precise write time of a user's drafts could be matched against
    the creation time of an anonymous question."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def encode_key(key: ConversationKey) -> str:
    return json.dumps(list(key), separators=(",", ":"))


def decode_key(raw: str) -> ConversationKey:
    return tuple(json.loads(raw))


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Store conversations and user_data in our database; chat/bot/callback data are off."""

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
        encoded = json.dumps(data, ensure_ascii=False, default=str)
        async with self._lock, self._sessions()() as session:
            row = await session.get(UserDataRow, user_id)
            if not data:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(
                    UserDataRow(user_id=user_id, data=encoded, updated_at=day_only(utcnow()))
                )
            else:
                row.data, row.updated_at = encoded, day_only(utcnow())
            await session.commit()

    async def drop_user_data(self, user_id: int) -> None:
        async with self._lock, self._sessions()() as session:
            await session.exec(delete(UserDataRow).where(col(UserDataRow.user_id) == user_id))
            await session.commit()

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
        async with self._lock, self._sessions()() as session:
            row = await session.get(ConversationState, (name, encode_key(key)))
            if new_state is None:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(
                    ConversationState(name=name, key=encode_key(key), state=json.dumps(new_state))
                )
            else:
                row.state, row.updated_at = json.dumps(new_state), utcnow()
            await session.commit()

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
        """Every write above is committed at once; nothing is buffered."""
