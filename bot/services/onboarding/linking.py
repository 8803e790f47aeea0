"""Linking a Telegram account to an employee: one account, one employee, at any time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import audit
from models import Employee, LinkRequest


def account_label(name: str, username: str | None) -> str:
    """How a Telegram account is remembered on the employee: display name and @username."""
    return f"{name} (@{username})" if username else name


@dataclass(frozen=True)
class Account:
    """The Telegram account asking to be linked: its id, the name and @username it shows, and
    the language its user chose (or Telegram's), if any."""

    telegram_user_id: int
    name: str = ""
    username: str | None = None
    language: str | None = None

    @property
    def label(self) -> str:
        return account_label(self.name, self.username)


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
