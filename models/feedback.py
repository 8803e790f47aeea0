"""Continuous feedback (umpan balik berkelanjutan) from a leader to a subordinate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Feedback(SQLModel, table=True):
    """One piece of feedback, optionally on a report or target, with the employee's answer."""

    # One feedback per preview: a Send handled twice (after a failover) finds the first one.
    __table_args__ = (Index("uq_feedback_request", "leader_id", "request_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int = Field(foreign_key="employee.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    report_id: int | None = Field(default=None, foreign_key="progressreport.id")
    target_id: int | None = Field(default=None, foreign_key="target.id")
    kind: str = Field(max_length=12)  # apresiasi | saran
    value: str = Field(default="", max_length=24)  # BerAKHLAK value key, or ""
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reply: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    replied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The nonce of the preview it was sent from (None for feedback saved before it was recorded).
    request_key: str | None = Field(default=None, max_length=32)
