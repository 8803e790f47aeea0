"""Infrastructure tables: audit log, outbox, conversation persistence, settings memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class AuditLog(SQLModel, table=True):
    """Who did what to whom, and when: role changes, links, evaluations, broadcasts."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_employee_id: int | None = Field(default=None, foreign_key="employee.id")
    actor_label: str = Field(default="", max_length=64)  # e.g. "cli:import-roster"
    action: str = Field(max_length=64, index=True)
    subject_employee_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A message waiting to be sent by the drainer; `dedupe_key` makes planners idempotent."""

    __tablename__ = "outbox"
    # The drainer's poll: pending rows in send order. Partial, because sent rows pile up
    # (a year of a city's weekly check-ins is millions) and a full scan cost ~100 ms a poll.
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "priority",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32, index=True)
    priority: int = Field(default=50)  # lower is sent first
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    employee_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    # JSON: {"method": "sendMessage", "params": {...}} with text already rendered.
    payload: str = Field(sa_column=Column(Text, nullable=False))
    # pending | sending | sent | failed | blocked | cancelled
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    not_before: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_error: str = Field(default="", max_length=500)
    broadcast_id: int | None = Field(default=None, index=True)
    # Reminders wait for working hours (WIB, working days); direct notices do not.
    working_hours_only: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class ConversationState(SQLModel, table=True):
    """One PTB ConversationHandler state, keyed by handler name and JSON-encoded key."""

    name: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=128)
    state: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserDataRow(SQLModel, table=True):
    """PTB per-user scratch data (drafts of multi-step flows), JSON-encoded."""

    __tablename__ = "user_data"

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    data: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class KeyValue(SQLModel, table=True):
    """Small remembered facts, such as the bot's @username learned from getMe."""

    __tablename__ = "key_value"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class PendingUpdate(SQLModel, table=True):
    """A Telegram update this bot has taken from Telegram: still running, or handled.

    Offsets move only past handled updates; an update still being handled when the next poll
    is due is written here first (handled false, with its JSON), so the instance that takes
    over after a crash handles it. Handled updates are noted too, so one that Telegram hands
    out again after a crash (handled, not yet confirmed) is not handled twice.
    """

    __tablename__ = "pending_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    payload: str = Field(default="", sa_column=Column(Text, nullable=False))  # JSON while running
    handled: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
