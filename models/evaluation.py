"""Semester evaluations (PermenPANRB 6/2022): ratings, predikat, corrections, Plt, org ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Evaluation(SQLModel, table=True):
    """One employee's evaluation for one semester; final ones change only by HR correction."""

    __table_args__ = (UniqueConstraint("period", "employee_id", name="uq_evaluation_period_emp"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=6, index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    evaluator_id: int = Field(foreign_key="employee.id", index=True)
    # Ratings: di_atas | sesuai | di_bawah (ekspektasi)
    hasil_kerja: str = Field(max_length=10)
    perilaku_kerja: str = Field(max_length=10)
    # sangat_baik | baik | butuh_perbaikan | kurang | sangat_kurang
    predikat: str = Field(max_length=16, index=True)
    suggested_hasil_kerja: str = Field(default="", max_length=10)
    # JSON: {"berorientasi_pelayanan": "note", ...} optional notes per BerAKHLAK value
    behaviour_notes: str = Field(
        default="{}", sa_column=Column(Text, nullable=False, default="{}")
    )
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="final", max_length=10)  # final (drafts live in user_data)
    finalized_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    objection: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    objection_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)


class EvaluationCorrection(SQLModel, table=True):
    """An HR correction of a final evaluation, with the reason and both versions."""

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True)
    hr_id: int = Field(foreign_key="employee.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    before: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    after: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ActingEvaluator(SQLModel, table=True):
    """An acting evaluator (Plt) assigned by HR for one employee and semester."""

    __table_args__ = (UniqueConstraint("period", "employee_id", name="uq_acting_period_emp"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=6)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    evaluator_id: int = Field(foreign_key="employee.id", index=True)
    assigned_by_id: int = Field(foreign_key="employee.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrgRating(SQLModel, table=True):
    """An OPD's organisation rating for a semester (SE MenPANRB 3/2023 step 1)."""

    __table_args__ = (UniqueConstraint("period", "opd_id", name="uq_orgrating_period_opd"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=6)
    opd_id: int = Field(foreign_key="opd.id", index=True)
    # istimewa | baik | butuh_perbaikan | kurang | sangat_kurang
    rating: str = Field(max_length=16)
    set_by_id: int = Field(foreign_key="employee.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
