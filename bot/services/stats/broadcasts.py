"""Broadcasts in a scope: delivery and acknowledgement of the most recent ones."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.stats.scope import Scope, in_scope, opds_in_scope
from models import Broadcast, BroadcastAck, Employee, OutboxMessage
from models.db import SessionFactory

RECENT_BROADCASTS = 10


@dataclass(frozen=True)
class BroadcastStats:
    """Delivery and acknowledgement of one broadcast, limited to the scope."""

    broadcast_id: int
    created_at: datetime
    status: str
    preview: str
    recipients: int
    statuses: dict[str, int]
    acknowledged: int
    by_opd: dict[str, tuple[int, int]]  # OPD code -> (recipients, acknowledged)

    @property
    def sent(self) -> int:
        return self.statuses.get("sent", 0)

    @property
    def ack_share(self) -> float:
        return self.acknowledged / self.recipients if self.recipients else 0.0


def preview_of(text_html: str, limit: int = 40) -> str:
    """A short plain-text preview of a broadcast's HTML (tags dropped)."""
    plain, inside = [], False
    for ch in text_html:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            plain.append(ch)
    text = " ".join("".join(plain).split())
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def broadcast_in_scope(session: AsyncSession, scope: Scope, broadcast_id: int) -> bool:
    """True when the broadcast exists and (for OPD HR) reached someone in the scope."""
    if await session.get(Broadcast, broadcast_id) is None:
        return False
    if scope is None:
        return True
    query = (
        select(OutboxMessage.id)
        .join(Employee, col(Employee.id) == OutboxMessage.employee_id)
        .where(OutboxMessage.broadcast_id == broadcast_id, in_scope(Employee.opd_id, scope))
        .limit(1)
    )
    return (await session.exec(query)).first() is not None


async def broadcast_stats(
    db: SessionFactory, scope: Scope, limit: int = RECENT_BROADCASTS
) -> list[BroadcastStats]:
    """Return the most recent broadcasts with recipients in the scope, newest first."""
    async with db() as session:
        rows_query = (
            select(OutboxMessage.broadcast_id, Employee.opd_id, OutboxMessage.status, func.count())
            .join(Employee, col(Employee.id) == OutboxMessage.employee_id)
            .where(col(OutboxMessage.broadcast_id).is_not(None), in_scope(Employee.opd_id, scope))
            .group_by(
                col(OutboxMessage.broadcast_id), col(Employee.opd_id), col(OutboxMessage.status)
            )
        )
        delivery = (await session.exec(rows_query)).all()
        ids = sorted({row[0] for row in delivery if row[0] is not None}, reverse=True)[:limit]
        if not ids:
            return []
        acks_query = (
            select(BroadcastAck.broadcast_id, Employee.opd_id, func.count())
            .join(Employee, col(Employee.id) == BroadcastAck.employee_id)
            .where(col(BroadcastAck.broadcast_id).in_(ids), in_scope(Employee.opd_id, scope))
            .group_by(col(BroadcastAck.broadcast_id), col(Employee.opd_id))
        )
        acks: dict[int, dict[int, int]] = defaultdict(dict)
        for bid, opd_id, n in (await session.exec(acks_query)).all():
            acks[bid][opd_id] = int(n)
        codes = {o.id: o.code for o in await opds_in_scope(session, scope)}
        broadcasts = {
            b.id: b
            for b in (
                await session.exec(select(Broadcast).where(col(Broadcast.id).in_(ids)))
            ).all()
        }
        out: list[BroadcastStats] = []
        for bid in ids:
            statuses: dict[str, int] = defaultdict(int)
            per_opd: dict[int, int] = defaultdict(int)
            for row_bid, opd_id, status, n in delivery:
                if row_bid == bid:
                    # "sending" is a drainer's in-flight state: still pending for the report.
                    statuses["pending" if status == "sending" else status] += int(n)
                    per_opd[opd_id] += int(n)
            broadcast = broadcasts.get(bid)
            if broadcast is None:
                continue
            by_opd = {
                codes.get(opd_id, str(opd_id)): (n, acks[bid].get(opd_id, 0))
                for opd_id, n in sorted(per_opd.items(), key=lambda kv: codes.get(kv[0], ""))
            }
            out.append(
                BroadcastStats(
                    bid,
                    broadcast.created_at,
                    broadcast.status,
                    preview_of(broadcast.text_html),
                    sum(per_opd.values()),
                    dict(statuses),
                    sum(acks[bid].values()),
                    by_opd,
                )
            )
        return out
