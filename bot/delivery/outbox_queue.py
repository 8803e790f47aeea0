"""Queue messages for the outbox drainer; planners and handlers never send bulk mail directly."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_
from bot.text import MAX_MESSAGE_CHARS, fit_message, visible_length
from models import OutboxMessage
from models.db import SessionFactory

log = logging.getLogger(__name__)

# The last line of a notice whose typed text had to be shortened and cannot be read elsewhere.
SHORTENED = N_("Part of this message was shortened to fit one Telegram message.")
PRIORITY_DIRECT = 10  # approvals, evaluation prompts, replies to a person
PRIORITY_REMINDER = 50
PRIORITY_BROADCAST = 90
# Rows per multi-row INSERT: 13 columns x 1000 stays well under the 32,767 bound parameters
# that asyncpg and SQLite (>= 3.32) accept in one statement.
INSERT_CHUNK = 1000


def inline_keyboard(rows: list[list[tuple[str, str]]]) -> dict[str, Any]:
    """Build Bot API InlineKeyboardMarkup JSON from (label, callback_data) rows."""
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]}


def message_payload(
    text: str, *, reply_markup: dict[str, Any] | None = None, parse_mode: str | None = "HTML"
) -> str:
    """Return the JSON payload the drainer turns into one sendMessage call.

    A queued row is exactly one message, so an HTML text over Telegram's limit would be
    refused and lost: builders shorten long user fields (bot.text.fit_fields) so it fits,
    and a text that still does not is cut here rather than dropped.
    """
    if parse_mode == "HTML" and visible_length(text) > MAX_MESSAGE_CHARS:
        log.warning("notice of %d characters cut to fit one message", visible_length(text))
        text = fit_message(text)
    params: dict[str, Any] = {"text": text, "link_preview_options": {"is_disabled": True}}
    if parse_mode:
        params["parse_mode"] = parse_mode
    if reply_markup:
        params["reply_markup"] = reply_markup
    return json.dumps({"method": "sendMessage", "params": params}, ensure_ascii=False)


def outbox_row(
    *,
    dedupe_key: str,
    kind: str,
    chat_id: int,
    text: str,
    now: datetime,
    employee_id: int | None = None,
    priority: int = PRIORITY_DIRECT,
    reply_markup: dict[str, Any] | None = None,
    not_before: datetime | None = None,
    broadcast_id: int | None = None,
    working_hours_only: bool = False,
) -> dict[str, Any]:
    """Return the column values of one pending outbox row (for enqueue or enqueue_many)."""
    return {
        "dedupe_key": dedupe_key,
        "kind": kind,
        "priority": priority,
        "chat_id": chat_id,
        "employee_id": employee_id,
        "payload": message_payload(text, reply_markup=reply_markup),
        "status": "pending",
        "attempts": 0,
        "not_before": not_before or now,
        "created_at": now,
        "last_error": "",
        "broadcast_id": broadcast_id,
        "working_hours_only": working_hours_only,
    }


def _insert_ignoring_duplicates(conn: AsyncConnection) -> Insert:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING in the connection's dialect."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    return insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"])


async def enqueue(
    session: AsyncSession,
    *,
    dedupe_key: str,
    kind: str,
    chat_id: int,
    text: str,
    now: datetime,
    employee_id: int | None = None,
    priority: int = PRIORITY_DIRECT,
    reply_markup: dict[str, Any] | None = None,
    not_before: datetime | None = None,
    broadcast_id: int | None = None,
    working_hours_only: bool = False,
) -> bool:
    """Insert one outbox row unless its dedupe_key exists; return True when a row was added.

    `working_hours_only` rows (reminders) wait for WIB working hours; direct notices do not.
    """
    values = outbox_row(
        dedupe_key=dedupe_key,
        kind=kind,
        chat_id=chat_id,
        text=text,
        now=now,
        employee_id=employee_id,
        priority=priority,
        reply_markup=reply_markup,
        not_before=not_before,
        broadcast_id=broadcast_id,
        working_hours_only=working_hours_only,
    )
    conn = await session.connection()
    result = await conn.execute(_insert_ignoring_duplicates(conn).values(**values))
    return bool(result.rowcount)


async def enqueue_now(db: SessionFactory, **row: Any) -> bool:
    """Queue one row in a transaction of its own (see `enqueue` for the fields)."""
    async with db() as session:
        added = await enqueue(session, **row)
        await session.commit()
    return added


async def enqueue_many(session: AsyncSession, rows: Iterable[dict[str, Any]]) -> int:
    """Insert many outbox_row() dicts in chunks, skipping known dedupe keys; return rows added.

    Set-based on purpose: a planner for 25,000 employees must not issue 25,000 statements.
    RETURNING counts exactly the inserted rows on both SQLite and PostgreSQL. `rows` may be a
    generator: only one chunk of rendered messages is held at a time, which keeps a city-wide
    planner's memory flat (76,000 check-ins as one list cost the bot ~250 MB).
    """
    chunks = iter(rows)
    chunk = list(islice(chunks, INSERT_CHUNK))
    if not chunk:
        return 0
    conn = await session.connection()
    # One statement with a parameter list: SQLAlchemy compiles it once and sends it as
    # multi-row INSERTs ("insertmanyvalues"), keeping RETURNING per inserted row.
    statement = _insert_ignoring_duplicates(conn).returning(col(OutboxMessage.id))
    added = 0
    while chunk:
        result = await conn.execute(statement, chunk)
        added += len(result.all())
        chunk = list(islice(chunks, INSERT_CHUNK))
    return added
