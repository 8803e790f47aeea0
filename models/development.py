"""Development: training recommendations from results, sessions, invitations, attendance."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class TrainingRecommendation(SQLModel, table=True):
    """A unit whose results suggest training, found by the planner after a period."""

    __table_args__ = (UniqueConstraint("period", "unit_id", name="uq_reco_period_unit"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=6, index=True)
    opd_id: int = Field(foreign_key="opd.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    staff: int = Field(default=0)
    below_share: float = Field(default=0.0)  # share of di_bawah ekspektasi hasil/perilaku
    low_achievement_share: float = Field(default=0.0)
    score: float = Field(default=0.0, index=True)
    topic: str = Field(default="", max_length=200)  # suggested training topic (msgid key)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TrainingSession(SQLModel, table=True):
    """A training HR organises: when, where, how many, how many JP it is worth."""

    # One session per draft: a Save handled twice (after a failover) finds the first session.
    __table_args__ = (
        Index("uq_trainingsession_request", "created_by_id", "request_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    topic: str = Field(default="", max_length=200)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    place: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    capacity: int = Field(default=30)
    jp: Decimal = Field(default=Decimal(2), sa_type=Numeric(6, 2))  # jam pelajaran
    opd_id: int | None = Field(default=None, foreign_key="opd.id")  # organiser's scope
    recommendation_id: int | None = Field(default=None, foreign_key="trainingrecommendation.id")
    created_by_id: int = Field(foreign_key="employee.id")
    status: str = Field(default="planned", max_length=10)  # planned | done | cancelled
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The nonce of the draft it was saved from (None for sessions saved before it was recorded).
    request_key: str | None = Field(default=None, max_length=32)


class TrainingInvite(SQLModel, table=True):
    """One invited employee: RSVP (hadir / tidak) and attendance."""

    __table_args__ = (UniqueConstraint("session_id", "employee_id", name="uq_invite_once"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="trainingsession.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    rsvp: str = Field(default="", max_length=6)  # "" | hadir | tidak
    rsvp_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attended: bool | None = Field(default=None)
    jp_awarded: Decimal = Field(default=Decimal(0), sa_type=Numeric(6, 2))
