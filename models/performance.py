"""Performance: SKP targets per semester, progress reports with evidence, check-in pauses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Integer, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

AMOUNT = Numeric(18, 4)


class Target(SQLModel, table=True):
    """One SKP work result (rencana hasil kerja, RHK); its indicators (IKI) are `Indicator` rows.

    `indicator`, `kind`, `target_amount`, `unit` and `expectation` describe the RHK's first IKI
    (position 0), so screens and flows written for one indicator keep working; the services
    that write a target write that IKI's row too. Achievement is computed from the rows.
    """

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    period: str = Field(max_length=6, index=True)  # "2026-2" = Semester II 2026
    title: str = Field(max_length=500)  # rencana hasil kerja
    indicator: str = Field(default="", max_length=500)  # indikator kinerja individu
    kind: str = Field(default="kuantitatif", max_length=12)  # kuantitatif | kualitatif
    target_amount: Decimal | None = Field(default=None, sa_type=AMOUNT)
    unit: str = Field(default="", max_length=50)  # satuan, e.g. "dokumen", "%"
    expectation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    quality_standard: str = Field(default="", max_length=500)
    jenis: str = Field(default="utama", max_length=8)  # utama | tambahan
    # The leader's target this one contributes to (RHK pimpinan yang diintervensi).
    parent_target_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("target.id", ondelete="SET NULL"), index=True),
    )
    # draft | pending | approved | returned | archived
    status: str = Field(default="pending", max_length=10, index=True)
    return_note: str = Field(default="", max_length=1000)
    source: str = Field(default="chat", max_length=10)  # chat | import | leader
    proposed_by_id: int | None = Field(default=None, foreign_key="employee.id")
    approved_by_id: int | None = Field(default=None, foreign_key="employee.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Bumped on every change, so a screen built from an older version is detected as stale.
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProgressReport(SQLModel, table=True):
    """An increment toward a target (or a narrative for a qualitative one)."""

    # One report per draft: a Send handled twice (after a failover) finds the first report.
    __table_args__ = (
        Index("uq_progressreport_request", "employee_id", "request_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    amount: Decimal | None = Field(default=None, sa_type=AMOUNT)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="active", max_length=10, index=True)  # active | withdrawn
    corrections: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The nonce of the draft it was sent from (None for reports made before it was recorded).
    request_key: str | None = Field(default=None, max_length=32)


class Indicator(SQLModel, table=True):
    """One indikator kinerja individu (IKI) of an RHK: its aspek, how it is measured, its target.

    `measure` is cumulative | level | lower | deadline | qualitative (achievement_rules.Measure).
    A deadline is either one date (`due_on`) or N of M periods on time (`periods` = M).
    """

    __table_args__ = (UniqueConstraint("target_id", "position", name="uq_indicator_position"),)

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("target.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    position: int = Field(default=0)  # 0 is the IKI the target's own columns describe
    aspect: str = Field(default="kuantitas", max_length=10)  # kuantitas | kualitas | waktu | biaya
    measure: str = Field(default="cumulative", max_length=12)
    text: str = Field(default="", max_length=500)
    target_amount: Decimal | None = Field(default=None, sa_type=AMOUNT)
    unit: str = Field(default="", max_length=50)
    due_on: date | None = Field(default=None)
    periods: int | None = Field(default=None)
    expectation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ReportValue(SQLModel, table=True):
    """What one report says for one IKI: a number, a delivery (date or on time), or words.

    A report without any of these rows counts its own `amount` for the RHK's first IKI.
    """

    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id", name="uq_reportvalue_indicator"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("progressreport.id", ondelete="CASCADE"),
            index=True,
            nullable=False,
        )
    )
    indicator_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("indicator.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    amount: Decimal | None = Field(default=None, sa_type=AMOUNT)
    done_on: date | None = Field(default=None)  # a deadline IKI: the day it was delivered
    on_time: bool | None = Field(default=None)  # a periodic deadline IKI: this period on time
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class IndicatorAssessment(SQLModel, table=True):
    """The leader's judgement of a qualitative IKI: below, meets or above expectation.

    The newest row counts; earlier ones stay as the history.
    """

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("indicator.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    assessor_id: int = Field(foreign_key="employee.id")
    expectation: str = Field(max_length=6)  # below | meets | above
    note: str = Field(default="", max_length=1000)
    report_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("progressreport.id", ondelete="SET NULL")),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReportEvidence(SQLModel, table=True):
    """A photo or document attached to a report, kept by Telegram file_id."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("progressreport.id", ondelete="CASCADE"),
            index=True,
            nullable=False,
        )
    )
    kind: str = Field(max_length=10)  # photo | document
    file_id: str = Field(max_length=255)
    file_unique_id: str = Field(default="", max_length=64)
    file_name: str = Field(default="", max_length=255)
    mime_type: str = Field(default="", max_length=100)
    file_size: int | None = Field(default=None)


class CheckinPause(SQLModel, table=True):
    """An employee on leave (cuti): no check-in reminders until `until` (inclusive)."""

    __table_args__ = (UniqueConstraint("employee_id", name="uq_checkinpause_employee"),)

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id")
    until: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
