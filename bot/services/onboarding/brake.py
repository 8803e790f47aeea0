"""The guessing brake: a Telegram account that keeps trying codes or NIPs that do not work is
made to wait, longer each time."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from models import LinkAttempt

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
BASE_LOCK = timedelta(minutes=5)
MAX_LOCK = timedelta(hours=24)


class Throttle(StrEnum):
    OK = "ok"
    LOCKED = "locked"


async def check_throttle(
    session: AsyncSession, telegram_user_id: int, now: datetime
) -> tuple[Throttle, datetime | None]:
    """Say whether this Telegram user may try a code or NIP now, and until when if not."""
    attempt = await session.get(LinkAttempt, telegram_user_id)
    if attempt and attempt.locked_until and attempt.locked_until > now:
        return Throttle.LOCKED, attempt.locked_until
    return Throttle.OK, None


async def record_failure(session: AsyncSession, telegram_user_id: int, now: datetime) -> None:
    """Count a failed attempt; after MAX_FAILURES in the window, lock with a growing delay."""
    attempt = await session.get(LinkAttempt, telegram_user_id)
    if attempt is None:
        attempt = LinkAttempt(telegram_user_id=telegram_user_id, failures=0, window_started_at=now)
        session.add(attempt)
    if attempt.locked_until is None and now - attempt.window_started_at > FAILURE_WINDOW:
        attempt.failures, attempt.window_started_at = 0, now
    attempt.failures += 1
    if attempt.failures >= MAX_FAILURES:
        # Each lock doubles: 5 min, 10, 20, ... capped at a day. Guessing a 96-bit code is
        # hopeless anyway; the brake mostly stops scripted NIP fishing.
        extra = attempt.failures - MAX_FAILURES
        attempt.locked_until = now + min(BASE_LOCK * (2**extra), MAX_LOCK)


async def clear_failures(session: AsyncSession, telegram_user_id: int) -> None:
    attempt = await session.get(LinkAttempt, telegram_user_id)
    if attempt is not None:
        await session.delete(attempt)
