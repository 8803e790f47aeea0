"""Linking Telegram accounts to employees: invite codes, approval requests, failed attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class InviteCode(SQLModel, table=True):
    """A single-use invite; only the SHA-256 of the code is stored."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LinkRequest(SQLModel, table=True):
    """A Telegram user's request, by NIP, to be linked; decided by the supervisor or HR."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    telegram_user_id: int = Field(sa_column=Column(BigInteger, index=True, nullable=False))
    telegram_name: str = Field(default="", max_length=200)  # the display name, anyone can pick
    # Shown to approvers beside the name, which anyone can set to match someone else's.
    telegram_username: str | None = Field(default=None, max_length=64)
    telegram_language: str | None = Field(default=None, max_length=16)
    # pending | approved | rejected | superseded
    status: str = Field(default="pending", max_length=16, index=True)
    routed_to: str = Field(default="supervisor", max_length=16)  # supervisor | hr
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="employee.id")


class LinkAttempt(SQLModel, table=True):
    """Failed onboarding attempts per Telegram user, to slow down code guessing."""

    telegram_user_id: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False)
    )
    failures: int = Field(default=0)
    window_started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
