"""A broadcast's delivery and acknowledgement per recipient in the scope. For HR's own use, so
the column titles and statuses follow HR's language."""

from __future__ import annotations

import asyncio
from datetime import tzinfo
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_, Translator
from bot.services.exports.shared import WIB, translated
from bot.services.exports.spreadsheets import XLSX, ExportFile, Row, build_bytes
from bot.services.stats import Scope, broadcast_in_scope, in_scope
from models import BroadcastAck, Employee, Opd, OutboxMessage
from models.db import SessionFactory

BROADCAST_COLUMNS = ("NIP", N_("Name"), "OPD", N_("Delivery"), N_("Read at"))
DELIVERY_STATUS = {
    "pending": N_("waiting"),
    "sending": N_("waiting"),
    "sent": N_("delivered"),
    "blocked": N_("blocked the bot"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}


async def broadcast_rows(
    session: AsyncSession,
    scope: Scope,
    broadcast_id: int,
    tz: tzinfo = WIB,
    t: Translator | None = None,
) -> list[Row]:
    """Return one row per recipient of a broadcast in the scope: delivery status and ack."""
    columns: tuple[Any, ...] = (
        Employee.nip,
        Employee.name,
        Opd.name,
        OutboxMessage.status,
        BroadcastAck.at,
    )
    query = (
        select(*columns)
        .join(Employee, col(Employee.id) == OutboxMessage.employee_id)
        .join(Opd, col(Opd.id) == Employee.opd_id)
        .outerjoin(
            BroadcastAck,
            (col(BroadcastAck.broadcast_id) == broadcast_id)
            & (col(BroadcastAck.employee_id) == Employee.id),
        )
        .where(OutboxMessage.broadcast_id == broadcast_id, in_scope(Employee.opd_id, scope))
        .order_by(col(Opd.name), col(Employee.name), col(Employee.nip))
    )
    word = dict(zip(DELIVERY_STATUS, translated(t, list(DELIVERY_STATUS.values())), strict=True))
    return [
        (
            nip,
            name,
            opd,
            word.get(status, status),
            at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at is not None else "",
        )
        for nip, name, opd, status, at in (await session.exec(query)).all()
    ]


async def build_broadcast_export(
    db: SessionFactory,
    scope: Scope,
    broadcast_id: int,
    fmt: str = XLSX,
    tz: tzinfo = WIB,
    t: Translator | None = None,
) -> ExportFile | None:
    """Build a broadcast's per-recipient delivery and acknowledgement file for the scope;
    None when the broadcast does not exist or never reached the scope."""
    async with db() as session:
        if not await broadcast_in_scope(session, scope, broadcast_id):
            return None
        rows = await broadcast_rows(session, scope, broadcast_id, tz, t)
    header = translated(t, BROADCAST_COLUMNS)
    data = await asyncio.to_thread(build_bytes, fmt, header, rows)
    return ExportFile(f"siaran-{broadcast_id}.{fmt}", data, len(rows))
