"""Whose figures an HR officer may see: city-wide HR and admins every OPD, OPD HR their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import Speaker
from models import Opd
from models.db import SessionFactory


class OutOfScope(Exception):
    """The speaker is not HR, or asked about an OPD outside their HR scope."""


Scope = frozenset[int] | None  # None = every OPD


@dataclass(frozen=True)
class ScopeOpd:
    """An OPD of the speaker's scope, to name it or choose it."""

    id: int
    code: str
    name: str


def resolve_scope(speaker: Speaker, opd_id: int | None = None) -> Scope:
    """Return the OPD ids the speaker may analyse (optionally one OPD); OutOfScope otherwise."""
    if not speaker.is_hr:
        raise OutOfScope("not HR")
    if opd_id:
        if not speaker.hr_covers(opd_id):
            raise OutOfScope(f"OPD {opd_id} outside scope")
        return frozenset({opd_id})
    if speaker.is_admin:
        return None
    return speaker.hr_opd_ids


def in_scope(column: Any, scope: Scope) -> Any:
    """A WHERE clause limiting an opd_id column to the scope (true when city-wide)."""
    return true() if scope is None else col(column).in_(sorted(scope))


async def opds_in_scope(session: AsyncSession, scope: Scope) -> list[Opd]:
    """Return the OPDs of a scope, ordered by code."""
    query = select(Opd).where(in_scope(Opd.id, scope)).order_by(col(Opd.code))
    return list((await session.exec(query)).all())


async def opds_of(db: SessionFactory, scope: Scope) -> list[ScopeOpd]:
    """Return the OPDs of a scope, ordered by code."""
    async with db() as session:
        return [
            ScopeOpd(opd.id, opd.code, opd.name)
            for opd in await opds_in_scope(session, scope)
            if opd.id is not None
        ]
