"""HR outreach: broadcasts with acknowledgement, questions (optionally anonymous), the FAQ."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Broadcast(SQLModel, table=True):
    """A socialization message from HR to an audience, delivered through the outbox."""

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int = Field(foreign_key="employee.id", index=True)
    # Telegram-formatted text as HTML (entities of the HR officer's message kept).
    text_html: str = Field(sa_column=Column(Text, nullable=False))
    media_kind: str = Field(default="", max_length=10)  # "" | photo | document
    media_file_id: str = Field(default="", max_length=255)
    # JSON description of the audience, e.g. {"kind": "opd", "ids": [3, 5]}
    audience: str = Field(sa_column=Column(Text, nullable=False))
    ask_ack: bool = Field(default=True)
    # draft | sending | sent | cancelled
    status: str = Field(default="draft", max_length=10, index=True)
    recipients: int = Field(default=0)
    resend_of_id: int | None = Field(default=None, foreign_key="broadcast.id")
    progress_chat_id: int | None = Field(default=None)
    progress_message_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BroadcastAck(SQLModel, table=True):
    """An employee's "Saya sudah membaca" for one broadcast."""

    __table_args__ = (UniqueConstraint("broadcast_id", "employee_id", name="uq_ack_once"),)

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Question(SQLModel, table=True):
    """A question to HR. When anonymous, asker_id is NULL: the database keeps no link."""

    id: int | None = Field(default=None, primary_key=True)
    asker_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    # Routing only: the HR that should answer (the asker's OPD, or city-wide when NULL).
    opd_id: int | None = Field(default=None, foreign_key="opd.id", index=True)
    anonymous: bool = Field(default=False)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    answer: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answered_by_id: int | None = Field(default=None, foreign_key="employee.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=10, index=True)  # open | answered | closed


class FaqEntry(SQLModel, table=True):
    """A published question and answer that anyone can browse with /faq."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: int | None = Field(default=None, foreign_key="question.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    published_by_id: int = Field(foreign_key="employee.id")
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hidden: bool = Field(default=False)
