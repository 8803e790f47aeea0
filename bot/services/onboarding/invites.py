"""Single-use invite codes: random, hashed at rest, expiring; and the guessing brake."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import audit
from models import Employee, InviteCode, LinkAttempt, LinkRequest

CODE_BYTES = 12  # 16 url-safe characters, well inside /start's 64-character payload
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
BASE_LOCK = timedelta(minutes=5)
MAX_LOCK = timedelta(hours=24)


def hash_code(code: str) -> str:
    """Return the stored form of a code."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def new_code() -> str:
    """Return a fresh random code usable as a /start payload ([A-Za-z0-9_-]).

    Never one that starts with "-": in the invite CSV a spreadsheet would read it as a formula
    (and the sanitiser's quote would then change the code HR copies).
    """
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if not code.startswith("-"):
            return code


@dataclass(frozen=True)
class IssuedInvite:
    """A freshly issued invite; the plain code exists only here, never in the database."""

    employee_id: int
    nip: str
    name: str
    code: str
    expires_at: datetime

    def link(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username}?start={self.code}"


async def issue_invites(
    session: AsyncSession, employees: list[Employee], *, now: datetime, valid_days: int
) -> list[IssuedInvite]:
    """Issue one new code per employee, revoking their older unused codes."""
    ids = [e.id for e in employees if e.id is not None]
    if ids:
        await session.exec(
            update(InviteCode)
            .where(
                col(InviteCode.employee_id).in_(ids),
                col(InviteCode.used_at).is_(None),
                col(InviteCode.revoked_at).is_(None),
            )
            .values(revoked_at=now)
        )
    issued: list[IssuedInvite] = []
    expires = now + timedelta(days=valid_days)
    for employee in employees:
        assert employee.id is not None
        code = new_code()
        session.add(
            InviteCode(employee_id=employee.id, code_hash=hash_code(code), expires_at=expires)
        )
        issued.append(IssuedInvite(employee.id, employee.nip, employee.name, code, expires))
    return issued


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


class RedeemResult(StrEnum):
    LINKED = "linked"
    ALREADY_LINKED = "already_linked"  # this account redeemed the code before (a replay)
    INVALID = "invalid"
    USED = "used"
    EXPIRED = "expired"
    LOCKED = "locked"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Redemption:
    result: RedeemResult
    employee: Employee | None = None
    locked_until: datetime | None = None
    replaced_telegram_id: int | None = None


async def link_account(
    session: AsyncSession,
    employee: Employee,
    *,
    telegram_user_id: int,
    telegram_name: str,
    language: str | None,
    now: datetime,
    actor_id: int | None,
    via: str,
) -> int | None:
    """Link a Telegram account to an employee, one-to-one; return the replaced account, if any.

    A Telegram account already linked to someone else is detached from them first, and the
    employee's previous account (an old phone) is replaced.
    """
    assert employee.id is not None
    others = await session.exec(
        select(Employee).where(
            Employee.telegram_user_id == telegram_user_id, Employee.id != employee.id
        )
    )
    for other in others.all():
        other.telegram_user_id = None
        other.linked_at = None
        audit.record(session, action="unlink", at=now, subject_id=other.id, reason="relinked")
    # Flush the detach first: the unique index must never see two owners at once.
    await session.flush()
    replaced = employee.telegram_user_id if employee.telegram_user_id != telegram_user_id else None
    employee.telegram_user_id = telegram_user_id
    employee.telegram_name = telegram_name[:200]
    employee.linked_at = now
    employee.blocked_at = None
    employee.updated_at = now
    if employee.language is None and language:
        employee.language = language
    pending = await session.exec(
        select(LinkRequest).where(
            LinkRequest.employee_id == employee.id, LinkRequest.status == "pending"
        )
    )
    for request in pending.all():
        if request.telegram_user_id != telegram_user_id:
            request.status, request.decided_at = "superseded", now
    audit.record(
        session,
        action="link",
        at=now,
        actor_id=actor_id,
        subject_id=employee.id,
        via=via,
        telegram_user_id=telegram_user_id,
        replaced_telegram_id=replaced,
    )
    return replaced


async def redeem(
    session: AsyncSession,
    code: str,
    *,
    telegram_user_id: int,
    telegram_name: str,
    language: str | None,
    now: datetime,
) -> Redemption:
    """Redeem an invite code for a Telegram user (the caller commits)."""
    state, until = await check_throttle(session, telegram_user_id, now)
    if state is Throttle.LOCKED:
        return Redemption(RedeemResult.LOCKED, locked_until=until)
    invite = (
        await session.exec(select(InviteCode).where(InviteCode.code_hash == hash_code(code)))
    ).first()
    if replay := await own_replay(session, invite, telegram_user_id):
        return replay
    result: RedeemResult | None = None
    if invite is None or invite.revoked_at is not None:
        result = RedeemResult.INVALID
    elif invite.used_at is not None:
        result = RedeemResult.USED
    elif invite.expires_at <= now:
        result = RedeemResult.EXPIRED
    if result is not None:
        await record_failure(session, telegram_user_id, now)
        return Redemption(result)
    assert invite is not None
    employee = await session.get(Employee, invite.employee_id)
    if employee is None or not employee.active:
        return Redemption(RedeemResult.INACTIVE)
    if not await claim(session, invite, telegram_user_id, now):
        await session.refresh(invite)  # redeemed a moment ago: by whom?
        return await own_replay(session, invite, telegram_user_id) or Redemption(RedeemResult.USED)
    replaced = await link_account(
        session,
        employee,
        telegram_user_id=telegram_user_id,
        telegram_name=telegram_name,
        language=language,
        now=now,
        actor_id=None,
        via="invite",
    )
    await clear_failures(session, telegram_user_id)
    return Redemption(RedeemResult.LINKED, employee=employee, replaced_telegram_id=replaced)


async def own_replay(
    session: AsyncSession, invite: InviteCode | None, telegram_user_id: int
) -> Redemption | None:
    """Recognise the same /start again from the account that redeemed the code.

    A double tap, or an update answered again after a failover: nothing to do, and nothing
    to alarm the user about.
    """
    if invite is None or invite.used_by_telegram_id != telegram_user_id:
        return None
    employee = await session.get(Employee, invite.employee_id, populate_existing=True)
    if employee is None or employee.telegram_user_id != telegram_user_id:
        return None
    return Redemption(RedeemResult.ALREADY_LINKED, employee=employee)


async def claim(
    session: AsyncSession, invite: InviteCode, telegram_user_id: int, now: datetime
) -> bool:
    """Mark the invite used by this account unless another redemption got there first.

    One conditional UPDATE: of two redemptions at the same moment the database lets exactly
    one change the row (the other waits for the row, or SQLite's write lock, then matches
    nothing).
    """
    claimed = await session.exec(
        update(InviteCode)
        .where(
            col(InviteCode.id) == invite.id,
            col(InviteCode.used_at).is_(None),
            col(InviteCode.revoked_at).is_(None),
        )
        .values(used_at=now, used_by_telegram_id=telegram_user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)
