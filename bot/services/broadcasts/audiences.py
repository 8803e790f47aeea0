"""Who may broadcast, and to whom: audiences, their recipients and counts, and the choices.

Scoped HR reaches the employees of their own OPD; admins and city-wide HR reach everyone.
Every function checks the speaker's scope itself: callback data is never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import KNOWN_ROLES, Speaker
from bot.services.broadcasts.rows import KIND_MAIN
from models import Broadcast, BroadcastAck, Employee, Opd, OutboxMessage, Unit
from models.db import SessionFactory

AUDIENCE_KINDS = ("city", "opd", "unit", "role", "leaders", "nonack")


def can_broadcast(speaker: Speaker) -> bool:
    """True for HR officers and admins."""
    return speaker.is_hr


def city_wide(speaker: Speaker) -> bool:
    """True when the speaker may reach every OPD (admin or city-wide HR)."""
    return speaker.is_city_wide_hr


async def can_manage(session: AsyncSession, speaker: Speaker, broadcast: Broadcast) -> bool:
    """The creator, an admin/city-wide HR, or HR covering the creator's OPD."""
    if not can_broadcast(speaker):
        return False
    if broadcast.created_by_id == speaker.id or city_wide(speaker):
        return True
    creator = await session.get(Employee, broadcast.created_by_id)
    return creator is not None and speaker.hr_covers(creator.opd_id)


async def managed(session: AsyncSession, speaker: Speaker, broadcast_id: int) -> Broadcast | None:
    """Return the broadcast when the speaker may manage it, else None."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or not await can_manage(session, speaker, broadcast):
        return None
    return broadcast


@dataclass(frozen=True)
class Recipient:
    employee_id: int
    chat_id: int
    opd_id: int
    language: str | None


@dataclass
class AudiencePreview:
    """What the HR officer sees before sending: the exact count, by OPD when several."""

    total: int
    by_opd: list[tuple[str, int]] = field(default_factory=list)


def _int_list(value: Any) -> list[int]:
    """Return a list of non-negative ints from untrusted JSON, or [] when malformed."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, int) and not isinstance(v, bool) and v >= 0]


async def audience_allowed(
    session: AsyncSession, speaker: Speaker, audience: dict[str, Any]
) -> bool:
    """True when the speaker may send to this audience (scoped HR: their own OPD only)."""
    if not can_broadcast(speaker):
        return False
    kind = audience.get("kind")
    if kind not in AUDIENCE_KINDS:
        return False
    if kind == "city":
        return city_wide(speaker)
    if kind == "opd":
        ids = _int_list(audience.get("ids"))
        return bool(ids) and all(speaker.hr_covers(i) for i in ids)
    if kind == "unit":
        ids = _int_list(audience.get("ids"))
        if not ids:
            return False
        opds = (await session.exec(select(Unit.opd_id).where(col(Unit.id).in_(ids)))).all()
        return len(opds) == len(set(ids)) and all(speaker.hr_covers(o) for o in opds)
    if kind == "role":
        roles = audience.get("roles")
        return isinstance(roles, list) and bool(roles) and all(r in KNOWN_ROLES for r in roles)
    if kind == "nonack":
        source = audience.get("broadcast_id")
        if not isinstance(source, int):
            return False
        original = await session.get(Broadcast, source)
        return original is not None and await can_manage(session, speaker, original)
    return True  # leaders: restricted to the speaker's scope when resolved


async def resolve_recipients(
    session: AsyncSession, speaker: Speaker, audience: dict[str, Any]
) -> list[Recipient] | None:
    """Return linked, active, not-blocked recipients in the speaker's scope; None if refused."""
    if not await audience_allowed(session, speaker, audience):
        return None
    query = select(Employee).where(
        col(Employee.telegram_user_id).is_not(None),
        col(Employee.active).is_(True),
        col(Employee.blocked_at).is_(None),
    )
    if not city_wide(speaker):
        query = query.where(col(Employee.opd_id).in_(sorted(speaker.hr_opd_ids or ())))
    kind = audience["kind"]
    if kind == "opd":
        query = query.where(col(Employee.opd_id).in_(_int_list(audience["ids"])))
    elif kind == "unit":
        query = query.where(col(Employee.unit_id).in_(_int_list(audience["ids"])))
    elif kind == "leaders":
        subordinate = select(Employee.supervisor_id).where(
            col(Employee.active).is_(True), col(Employee.supervisor_id).is_not(None)
        )
        query = query.where(col(Employee.id).in_(subordinate))
    elif kind == "nonack":
        source = audience["broadcast_id"]
        received = select(OutboxMessage.employee_id).where(
            OutboxMessage.broadcast_id == source,
            OutboxMessage.kind == KIND_MAIN,
            OutboxMessage.status == "sent",
        )
        acked = select(BroadcastAck.employee_id).where(BroadcastAck.broadcast_id == source)
        query = query.where(col(Employee.id).in_(received), col(Employee.id).not_in(acked))
    employees = (await session.exec(query.order_by(col(Employee.id)))).all()
    if kind == "role":
        wanted = set(audience["roles"])
        employees = [e for e in employees if wanted & set(e.role_set)]
    return [
        Recipient(e.id, e.telegram_user_id, e.opd_id, e.language)  # type: ignore[arg-type]
        for e in employees
    ]


async def opd_names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    """Return OPD names by id."""
    if not ids:
        return {}
    rows = (await session.exec(select(Opd).where(col(Opd.id).in_(ids)))).all()
    return {o.id: o.name for o in rows if o.id is not None}


# --- entry points ---


async def check_audience(db: SessionFactory, speaker: Speaker, audience: dict[str, Any]) -> bool:
    """True when the speaker may send to this audience."""
    async with db() as session:
        return await audience_allowed(session, speaker, audience)


async def count_audience(
    db: SessionFactory, speaker: Speaker, audience: dict[str, Any]
) -> AudiencePreview | None:
    """Count the recipients exactly, with a per-OPD breakdown; None when not allowed."""
    async with db() as session:
        recipients = await resolve_recipients(session, speaker, audience)
        if recipients is None:
            return None
        counts: dict[int, int] = {}
        for r in recipients:
            counts[r.opd_id] = counts.get(r.opd_id, 0) + 1
        names = await opd_names(session, list(counts))
    by_opd = sorted(((names.get(i, "?"), n) for i, n in counts.items()), key=lambda x: x[0])
    return AudiencePreview(len(recipients), by_opd)


async def audience_choices(
    db: SessionFactory, speaker: Speaker, kind: str
) -> list[tuple[int, str]]:
    """The OPDs (by name) or units (as "OPD code · unit name") the speaker may address."""
    async with db() as session:
        if kind == "unit":
            return await _units_in_scope(session, speaker)
        return [(o.id, o.name) for o in await _opds_in_scope(session, speaker) if o.id]


async def _opds_in_scope(session: AsyncSession, speaker: Speaker) -> list[Opd]:
    """The OPDs the speaker may address, by name."""
    query = select(Opd).order_by(col(Opd.name))
    if not city_wide(speaker):
        query = query.where(col(Opd.id).in_(sorted(speaker.hr_opd_ids or ())))
    return list((await session.exec(query)).all())


async def _units_in_scope(session: AsyncSession, speaker: Speaker) -> list[tuple[int, str]]:
    """The units the speaker may address, as (id, "OPD code · unit name"), by OPD then name."""
    query = (
        select(Unit.id, Opd.code, Unit.name)
        .join(Opd, col(Opd.id) == col(Unit.opd_id))
        .order_by(col(Opd.code), col(Unit.name))
    )
    if not city_wide(speaker):
        query = query.where(col(Unit.opd_id).in_(sorted(speaker.hr_opd_ids or ())))
    return [
        (uid, f"{code} · {name}") for uid, code, name in (await session.exec(query)).all() if uid
    ]
