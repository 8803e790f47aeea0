"""Organisation: OPD (agency) -> unit -> employee, with supervisor links and roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Opd(SQLModel, table=True):
    """An agency (Organisasi Perangkat Daerah), e.g. Dinas Kesehatan or a kecamatan."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Unit(SQLModel, table=True):
    """A bidang/bagian/seksi inside one OPD."""

    __table_args__ = (UniqueConstraint("opd_id", "name", name="uq_unit_opd_name"),)

    id: int | None = Field(default=None, primary_key=True)
    opd_id: int = Field(foreign_key="opd.id", index=True)
    name: str = Field(max_length=200)


class Employee(SQLModel, table=True):
    """A civil servant (PNS or PPPK), identified by NIP, optionally linked to a Telegram user."""

    id: int | None = Field(default=None, primary_key=True)
    nip: str = Field(max_length=18, min_length=18, unique=True, index=True)
    name: str = Field(max_length=200)
    position: str = Field(default="", max_length=200)
    opd_id: int = Field(foreign_key="opd.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    supervisor_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("employee.id", ondelete="SET NULL"), index=True, nullable=True
        ),
    )
    # ';'-joined, sorted subset of pegawai;hr;admin. "leader" is derived, never stored.
    roles: str = Field(default="pegawai", max_length=64)
    # Empty means "follow the OPD": HR of BKPSDM is city-wide, other HR is OPD-wide.
    hr_scope: str = Field(default="", max_length=16)
    language: str | None = Field(default=None, max_length=8)
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, index=True, nullable=True)
    )
    telegram_name: str = Field(default="", max_length=200)
    # How report notices reach this person as a leader: instant | digest | off.
    notice_mode: str = Field(
        default="instant", max_length=8, sa_column_kwargs={"server_default": "instant"}
    )
    linked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    blocked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(";") if r)
