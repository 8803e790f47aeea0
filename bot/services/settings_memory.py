"""Remembered facts in the key_value table (e.g. the bot's @username learned from getMe)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from models import KeyValue
from models.db import SessionFactory


async def remember(session: AsyncSession, key: str, value: str) -> None:
    """Store or replace a value."""
    row = await session.get(KeyValue, key)
    if row is None:
        session.add(KeyValue(key=key, value=value))
    else:
        row.value = value


async def recall(session: AsyncSession, key: str) -> str | None:
    """Return a stored value, or None."""
    row = await session.get(KeyValue, key)
    return row.value if row else None


async def store(db: SessionFactory, key: str, value: str) -> None:
    """Store or replace a value in a transaction of its own."""
    async with db() as session:
        await remember(session, key, value)
        await session.commit()
