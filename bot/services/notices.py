"""Queue messages for the outbox drainer; planners and handlers never send bulk mail directly."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from models import OutboxMessage

PRIORITY_DIRECT = 10  # approvals, evaluation prompts, replies to a person
PRIORITY_REMINDER = 50
PRIORITY_BROADCAST = 90


def inline_keyboard(rows: list[list[tuple[str, str]]]) -> dict[str, Any]:
    """Build Bot API InlineKeyboardMarkup JSON from (label, callback_data) rows."""
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]}


def message_payload(
    text: str, *, reply_markup: dict[str, Any] | None = None, parse_mode: str | None = "HTML"
) -> str:
    """Return the JSON payload the drainer turns into one sendMessage call."""
    params: dict[str, Any] = {"text": text, "link_preview_options": {"is_disabled": True}}
    if parse_mode:
        params["parse_mode"] = parse_mode
    if reply_markup:
        params["reply_markup"] = reply_markup
    return json.dumps({"method": "sendMessage", "params": params}, ensure_ascii=False)


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
) -> bool:
    """Insert one outbox row unless its dedupe_key exists; return True when a row was added."""
    values = {
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
    }
    conn = await session.connection()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = await conn.execute(statement)
    return bool(result.rowcount)
