"""Single-use invite codes: random, hashed at rest, expiring, redeemed once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services.access import Speaker, speaker_for
from bot.services.onboarding.brake import (
    Throttle,
    check_throttle,
    clear_failures,
    record_failure,
)
from bot.services.onboarding.linking import Account, link_account
from bot.services.onboarding.notices import tell_replaced
from models import Employee, InviteCode
from models.db import SessionFactory

CODE_BYTES = 12  # 16 url-safe characters, well inside /start's 64-character payload


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
    speaker: Speaker | None = None  # the freshly linked speaker (LINKED only)


async def redeem(
    db: SessionFactory,
    i18n: I18n,
    code: str,
    account: Account,
    *,
    now: datetime,
) -> Redemption:
    """Redeem an invite code for a Telegram account; tell an account it replaced."""
    async with db() as session:
        outcome = await _redeem(session, code, account, now)
        employee = outcome.employee
        if outcome.replaced_telegram_id and employee is not None:
            await tell_replaced(session, i18n, employee, outcome.replaced_telegram_id, now)
        if outcome.result is RedeemResult.LINKED and employee is not None:
            outcome = replace(outcome, speaker=await speaker_for(session, employee))
        # Failures count on the brake whatever the outcome, so the transaction always commits.
        await session.commit()
    return outcome


async def _redeem(session: AsyncSession, code: str, account: Account, now: datetime) -> Redemption:
    """Redeem an invite code for a Telegram account, in the caller's transaction."""
    telegram_user_id = account.telegram_user_id
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
        telegram_name=account.label,
        language=account.language,
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
