"""What became of a broadcast: its progress while sending, the report by OPD, the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker
from bot.services.broadcasts.audiences import can_broadcast, can_manage, managed, opd_names
from bot.services.broadcasts.rows import KIND_MAIN
from models import Broadcast, BroadcastAck, Employee, OutboxMessage
from models.db import SessionFactory


@dataclass
class Progress:
    total: int
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0
    pending: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


async def progress(session: AsyncSession, broadcast_id: int) -> Progress:
    """Count the recipients' main rows by status."""
    query = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.kind == KIND_MAIN)
        .group_by(col(OutboxMessage.status))
    )
    result = Progress(total=0)
    for status, count in (await session.exec(query)).all():
        result.total += count
        if status in ("pending", "sending"):
            result.pending += count
        elif status in ("sent", "failed", "blocked", "cancelled"):
            setattr(result, status, getattr(result, status) + count)
    return result


async def still_sending(session: AsyncSession) -> list[Broadcast]:
    """Broadcasts still sending (the progress job finds them again after a restart)."""
    query = select(Broadcast).where(Broadcast.status == "sending").order_by(col(Broadcast.id))
    return list((await session.exec(query)).all())


async def finish_if_done(session: AsyncSession, broadcast: Broadcast, now: datetime) -> bool:
    """Mark a sending broadcast sent when nothing is pending; return True when it is over."""
    if broadcast.status != "sending":
        return True
    if not (await progress(session, broadcast.id or 0)).done:
        return False
    broadcast.status = "sent"
    broadcast.sent_at = now
    session.add(broadcast)
    await session.commit()
    return True


@dataclass
class OpdLine:
    name: str
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    pending: int = 0
    cancelled: int = 0
    acknowledged: int = 0


@dataclass(frozen=True)
class Report:
    """A broadcast's counts by OPD, and whether it may be sent again to those who did not read
    it (it asked for the read button and has finished sending)."""

    broadcast_id: int
    lines: list[OpdLine]
    can_resend: bool


async def report(db: SessionFactory, speaker: Speaker, broadcast_id: int) -> Report | None:
    """Counts by OPD of sent, blocked, failed, pending, cancelled and acknowledged."""
    async with db() as session:
        broadcast = await managed(session, speaker, broadcast_id)
        if broadcast is None:
            return None
        lines = await _lines(session, broadcast_id)
    can_resend = broadcast.ask_ack and broadcast.status == "sent"
    return Report(broadcast_id, lines, can_resend)


async def _lines(session: AsyncSession, broadcast_id: int) -> list[OpdLine]:
    """One line per OPD, by name."""
    rows = (
        await session.exec(
            select(Employee.opd_id, OutboxMessage.status, func.count())
            .select_from(OutboxMessage)
            .join(Employee, col(Employee.id) == col(OutboxMessage.employee_id))
            .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.kind == KIND_MAIN)
            .group_by(col(Employee.opd_id), col(OutboxMessage.status))
        )
    ).all()
    acks = (
        await session.exec(
            select(Employee.opd_id, func.count())
            .select_from(BroadcastAck)
            .join(Employee, col(Employee.id) == col(BroadcastAck.employee_id))
            .where(BroadcastAck.broadcast_id == broadcast_id)
            .group_by(col(Employee.opd_id))
        )
    ).all()
    names = await opd_names(session, list({r[0] for r in rows} | {a[0] for a in acks}))
    lines: dict[int, OpdLine] = {}
    for opd_id, status, count in rows:
        line = lines.setdefault(opd_id, OpdLine(names.get(opd_id, "?")))
        key = "pending" if status == "sending" else status
        if hasattr(line, key):
            setattr(line, key, getattr(line, key) + count)
    for opd_id, count in acks:
        lines.setdefault(opd_id, OpdLine(names.get(opd_id, "?"))).acknowledged += count
    return sorted(lines.values(), key=lambda line: line.name)


async def history(db: SessionFactory, speaker: Speaker, limit: int = 10) -> list[Broadcast]:
    """The latest broadcasts the speaker may manage, newest first."""
    if not can_broadcast(speaker):
        return []
    query = select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit * 5)
    found: list[Broadcast] = []
    async with db() as session:
        for broadcast in (await session.exec(query)).all():
            if await can_manage(session, speaker, broadcast):
                found.append(broadcast)
                if len(found) == limit:
                    break
    return found
