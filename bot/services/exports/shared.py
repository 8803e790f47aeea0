"""What the exports share: local dates, column titles in the reader's language, and the one
OPD's code that names a file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Translator
from bot.services.stats import Scope
from models import Opd

WIB = ZoneInfo("Asia/Jakarta")


def translated(t: Translator | None, texts: Sequence[str]) -> tuple[str, ...]:
    """Column titles in the reader's language (as written, without a translator)."""
    return tuple(t._(text) if t is not None else text for text in texts)


def local_day(value: datetime | None, tz: tzinfo) -> str:
    """An ISO date (YYYY-MM-DD) in local time, or '' when there is none."""
    return value.astimezone(tz).date().isoformat() if value is not None else ""


async def single_opd_code(session: AsyncSession, scope: Scope) -> str | None:
    """The OPD code for a one-OPD scope (used in file names), else None."""
    if scope is None or len(scope) != 1:
        return None
    opd = await session.get(Opd, next(iter(scope)))
    return opd.code if opd is not None else None
