""" "I have read this": a recipient's acknowledgement, recorded once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.services.broadcasts.rows import KIND_MAIN
from models import BroadcastAck, OutboxMessage
from models.db import SessionFactory

ACK_OK = "ok"
ACK_ALREADY = "already"
ACK_REFUSED = "refused"  # not a recipient of this broadcast


async def acknowledge(
    db: SessionFactory, employee_id: int, broadcast_id: int, now: datetime
) -> str:
    """Record "I have read it" once; return ACK_OK, ACK_ALREADY or ACK_REFUSED."""
    async with db() as session:
        received = (
            await session.exec(
                select(OutboxMessage.id).where(
                    OutboxMessage.broadcast_id == broadcast_id,
                    OutboxMessage.employee_id == employee_id,
                    OutboxMessage.kind == KIND_MAIN,
                    col(OutboxMessage.status).in_(("sent", "sending")),
                )
            )
        ).first()
        if received is None:
            return ACK_REFUSED
        known = (
            await session.exec(
                select(BroadcastAck.id).where(
                    BroadcastAck.broadcast_id == broadcast_id,
                    BroadcastAck.employee_id == employee_id,
                )
            )
        ).first()
        if known is not None:
            return ACK_ALREADY
        session.add(BroadcastAck(broadcast_id=broadcast_id, employee_id=employee_id, at=now))
        try:
            await session.commit()
        except IntegrityError:  # a double tap raced us; the unique constraint kept one
            await session.rollback()
            return ACK_ALREADY
    return ACK_OK
