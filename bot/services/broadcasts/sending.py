"""Starting, repeating and stopping a broadcast.

A broadcast is written to the outbox (one row per recipient, two when a photo's caption is
too long) in the same transaction that creates it, so a crash loses no recipient: the
drainer continues after a restart and re-sends at most the messages that were in flight.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.services import audit
from bot.services.access import Speaker
from bot.services.broadcasts.audiences import Recipient, managed, resolve_recipients
from bot.services.broadcasts.rows import (
    KIND_MAIN,
    KIND_PART2,
    MEDIA_KINDS,
    length_telegram_refuses,
    render,
)
from models import Broadcast, OutboxMessage
from models.db import SessionFactory

AckLabel = Callable[[str | None], str]  # the "I have read this" label in a recipient's language


@dataclass
class Draft:
    """A composed broadcast before it is sent."""

    audience: dict[str, Any]
    text_html: str
    media_kind: str = ""
    media_file_id: str = ""
    ask_ack: bool = True
    nonce: str = ""
    resend_of_id: int | None = None


@dataclass
class Created:
    broadcast: Broadcast | None
    recipients: int = 0
    duplicate: bool = False  # this draft was already sent (double press)
    refused: bool = False


async def send(
    db: SessionFactory,
    speaker: Speaker,
    draft: Draft,
    *,
    now: datetime,
    ack_label: AckLabel,
    progress_chat_id: int | None = None,
) -> Created:
    """Kirim: create the broadcast and all its outbox rows in one transaction.

    A second call with the same draft nonce returns the first broadcast (double press).
    """
    async with db() as session:
        return await create(
            session,
            speaker,
            draft,
            now=now,
            ack_label=ack_label,
            progress_chat_id=progress_chat_id,
        )


async def resend_to_non_ackers(
    db: SessionFactory,
    speaker: Speaker,
    broadcast_id: int,
    *,
    now: datetime,
    ack_label: AckLabel,
    progress_chat_id: int | None = None,
) -> Created:
    """Send broadcast X again, only to its recipients who have not acknowledged it."""
    async with db() as session:
        original = await managed(session, speaker, broadcast_id)
        if original is None:
            return Created(None, refused=True)
        draft = Draft(
            audience={"kind": "nonack", "broadcast_id": broadcast_id},
            text_html=original.text_html,
            media_kind=original.media_kind,
            media_file_id=original.media_file_id,
            ask_ack=True,
            # One resend per original and officer per minute: a double press makes one.
            nonce=f"resend-{broadcast_id}-{now:%Y%m%d%H%M}",
            resend_of_id=broadcast_id,
        )
        return await create(
            session,
            speaker,
            draft,
            now=now,
            ack_label=ack_label,
            progress_chat_id=progress_chat_id,
        )


async def stop(
    db: SessionFactory, speaker: Speaker, broadcast_id: int, now: datetime
) -> tuple[Broadcast | None, int]:
    """Cancel the rows not yet sent; return (broadcast, rows cancelled); None when refused."""
    async with db() as session:
        broadcast = await managed(session, speaker, broadcast_id)
        if broadcast is None:
            return None, 0
        if broadcast.status != "sending":
            return broadcast, 0
        result = await session.exec(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.broadcast_id) == broadcast_id,
                col(OutboxMessage.status) == "pending",
            )
            .values(status="cancelled")
        )
        broadcast.status = "cancelled"
        broadcast.cancelled_at = now
        session.add(broadcast)
        audit.record(
            session,
            action="broadcast_stop",
            at=now,
            actor_id=speaker.id,
            broadcast_id=broadcast_id,
        )
        await session.commit()
    return broadcast, int(result.rowcount or 0)


async def create(
    session: AsyncSession,
    speaker: Speaker,
    draft: Draft,
    *,
    now: datetime,
    ack_label: AckLabel,
    progress_chat_id: int | None = None,
) -> Created:
    """Create the broadcast and its outbox rows in the caller's session, then commit.

    The step `send` and `resend_to_non_ackers` share (bench/broadcast.py times it alone). A
    second call with the same draft nonce returns the first broadcast (double press).
    """
    if not draft.media_kind and not draft.text_html.strip():
        return Created(None, refused=True)
    if draft.media_kind not in MEDIA_KINDS or length_telegram_refuses(
        draft.text_html, draft.media_kind
    ):
        return Created(None, refused=True)
    recipients = await resolve_recipients(session, speaker, draft.audience)
    if recipients is None:
        return Created(None, refused=True)
    audience = dict(draft.audience, nonce=draft.nonce)
    if draft.nonce:
        existing = (
            await session.exec(
                select(Broadcast).where(
                    Broadcast.created_by_id == speaker.id,
                    col(Broadcast.audience).contains(json.dumps({"nonce": draft.nonce})[1:-1]),
                )
            )
        ).first()
        if existing is not None:
            return Created(existing, existing.recipients, duplicate=True)
    broadcast = Broadcast(
        created_by_id=speaker.id,
        text_html=draft.text_html,
        media_kind=draft.media_kind,
        media_file_id=draft.media_file_id,
        audience=json.dumps(audience, ensure_ascii=False),
        ask_ack=draft.ask_ack,
        status="sending",
        recipients=len(recipients),
        resend_of_id=draft.resend_of_id,
        progress_chat_id=progress_chat_id,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    assert broadcast.id is not None
    rows = outbox_rows(broadcast, recipients, now=now, ack_label=ack_label)
    await outbox_queue.enqueue_many(session, rows)
    if not recipients:
        broadcast.status = "sent"
        broadcast.sent_at = now
    audit.record(
        session,
        action="broadcast",
        at=now,
        actor_id=speaker.id,
        broadcast_id=broadcast.id,
        audience=draft.audience,
        recipients=len(recipients),
        resend_of=draft.resend_of_id,
    )
    await session.commit()
    return Created(broadcast, len(recipients))


def outbox_rows(
    broadcast: Broadcast, recipients: list[Recipient], *, now: datetime, ack_label: AckLabel
) -> list[dict[str, Any]]:
    """Return the outbox rows of a broadcast, per recipient in order (ids keep the order)."""
    rows: list[dict[str, Any]] = []
    labels: dict[str | None, str] = {}
    for r in recipients:
        ack = None
        if broadcast.ask_ack:
            if r.language not in labels:
                labels[r.language] = ack_label(r.language)
            ack = (labels[r.language], f"bc:ack:{broadcast.id}")
        calls = render(broadcast.text_html, broadcast.media_kind, broadcast.media_file_id, ack)
        for part, call in enumerate(calls, start=1):
            key = f"bc:{broadcast.id}:emp:{r.employee_id}"
            row = outbox_queue.outbox_row(
                dedupe_key=key if part == 1 else f"{key}:{part}",
                kind=KIND_MAIN if part == 1 else KIND_PART2,
                chat_id=r.chat_id,
                text="",
                now=now,
                employee_id=r.employee_id,
                priority=outbox_queue.PRIORITY_BROADCAST,
                broadcast_id=broadcast.id,
            )
            row["payload"] = json.dumps(call, ensure_ascii=False)
            rows.append(row)
    return rows
