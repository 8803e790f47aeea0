"""The SKP with its realisation, for BKN's e-Kinerja: one row per IKI of every approved RHK.

Each row names the RHK, its jenis, the IKI's aspek, the IKI, its target and what was realised,
with the achievement as measured (per IKI) and the RHK's roll-up (each IKI counted up to
100 %). Column names and words are fixed Indonesian, because the files are re-keyed into
e-Kinerja by BKPSDM staff whatever language the bot speaks to them.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.evaluation.predikat import DI_ATAS, DI_BAWAH, RATING_NAMES, SESUAI
from bot.services.exports.shared import single_opd_code
from bot.services.exports.spreadsheets import XLSX, ExportFile, Row, build_bytes, write_file
from bot.services.periods import Period, parse_period
from bot.services.stats import Scope, in_scope
from bot.services.targets import achievement
from bot.services.targets.achievement_rules import HUNDRED, LATE_PERCENT, Expectation, Measure
from models import Employee, Opd, Target
from models.db import SessionFactory

SKP_HEADER = (
    "NIP",
    "Nama",
    "OPD",
    "Rencana hasil kerja",
    "Jenis",
    "Aspek",
    "Indikator kinerja individu",
    "Target",
    "Satuan",
    "Realisasi",
    "Capaian IKI (%)",
    "Capaian RHK (%)",
)
ASPEK_NAMES = {
    "kuantitas": "Kuantitas",
    "kualitas": "Kualitas",
    "waktu": "Waktu",
    "biaya": "Biaya",
}
JENIS_NAMES = {"utama": "Utama", "tambahan": "Tambahan"}
ASSESSED = {
    Expectation.ABOVE: RATING_NAMES[DI_ATAS],
    Expectation.MEETS: RATING_NAMES[SESUAI],
    Expectation.BELOW: RATING_NAMES[DI_BAWAH],
}
CHUNK = 2000  # targets per query (asyncpg allows 32767 parameters)


def _number(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""


def _percent(value: Decimal | None) -> float | str:
    return round(float(value), 1) if value is not None else ""


def _target(row: achievement.IndicatorView) -> tuple[Any, str]:
    """The IKI's target and unit as e-Kinerja reads them."""
    measure = Measure(row.measure)
    if measure is Measure.QUALITATIVE:
        return row.expectation, ""
    if measure is Measure.DEADLINE:
        if row.periods:
            return row.periods, "periode tepat waktu"
        return (row.due_on.isoformat() if row.due_on else ""), "tanggal"
    return _number(row.target_amount), row.unit


def _realised(iki: achievement.IkiProgress) -> Any:
    """What was realised: the sum, the newest level, periods on time, the delivery, the rating."""
    result = iki.result
    if iki.measure is Measure.QUALITATIVE:
        return ASSESSED[iki.assessment] if iki.assessment is not None else "Belum dinilai"
    if iki.measure is Measure.DEADLINE and not iki.indicator.periods:
        if result.percent is None:
            return "Belum jatuh tempo"
        if result.percent == HUNDRED:
            return "Tepat waktu"
        return "Terlambat" if result.percent == LATE_PERCENT else "Belum selesai"
    if result.measured is None:
        return "Belum dilaporkan"
    return _number(result.measured)


async def skp_rows(session: AsyncSession, scope: Scope, period: Period, today: date) -> list[Row]:
    """Return one row per IKI of every approved RHK of the period in the scope."""
    columns: tuple[Any, ...] = (Target, Employee.nip, Employee.name, Opd.name)
    query = (
        select(*columns)
        .join(Employee, col(Employee.id) == Target.employee_id)
        .join(Opd, col(Opd.id) == Employee.opd_id)
        .where(
            Target.period == period.code,
            Target.status == "approved",
            in_scope(Employee.opd_id, scope),
        )
        .order_by(col(Opd.name), col(Employee.name), col(Employee.nip), col(Target.jenis).desc())
        .order_by(col(Target.id))
    )
    found = (await session.exec(query)).all()
    progress: dict[int, achievement.RhkProgress] = {}
    targets = [t for t, *_rest in found]
    for start in range(0, len(targets), CHUNK):
        progress |= await achievement.rhk_progress(
            session, targets[start : start + CHUNK], min(today, period.end)
        )
    rows: list[Row] = []
    for target, nip, name, opd in found:
        rhk = progress.get(target.id or 0)
        if rhk is None:
            continue
        for iki in rhk.ikis:
            amount, unit = _target(iki.indicator)
            rows.append(
                (
                    nip,
                    name,
                    opd,
                    target.title,
                    JENIS_NAMES.get(target.jenis, target.jenis),
                    ASPEK_NAMES.get(iki.indicator.aspect, iki.indicator.aspect),
                    iki.indicator.text,
                    amount,
                    unit,
                    _realised(iki),
                    _percent(iki.result.percent),
                    _percent(rhk.result.percent),
                )
            )
    return rows


def skp_file_name(period: Period, opd_code: str | None, fmt: str) -> str:
    """Name an SKP export, e.g. skp-realisasi-2026-2-DINKES.xlsx."""
    suffix = f"-{opd_code}" if opd_code else ""
    return f"skp-realisasi-{period.code}{suffix}.{fmt}"


async def build_skp_export(
    db: SessionFactory, scope: Scope, period: Period, today: date, fmt: str = XLSX
) -> ExportFile:
    """Build the SKP realisation of a period in the scope as a file in memory."""
    async with db() as session:
        rows = await skp_rows(session, scope, period, today)
        code = await single_opd_code(session, scope)
    data = await asyncio.to_thread(build_bytes, fmt, SKP_HEADER, rows)
    return ExportFile(skp_file_name(period, code, fmt), data, len(rows))


async def export_skp(
    db: SessionFactory, *, period: str, opd_code: str | None, out: Path, today: date
) -> int:
    """Write a semester's SKP realisation (all OPDs or one) to .xlsx/.csv; return rows.

    Raises ValueError for an unknown period, OPD code or suffix.
    """
    semester = parse_period(period)
    async with db() as session:
        scope: Scope = None
        if opd_code:
            query = select(Opd).where(func.upper(Opd.code) == opd_code.strip().upper())
            opd = (await session.exec(query)).first()
            if opd is None or opd.id is None:
                raise ValueError(f"unknown OPD code: {opd_code!r}")
            scope = frozenset({opd.id})
        rows = await skp_rows(session, scope, semester, today)
    return await asyncio.to_thread(write_file, out, SKP_HEADER, rows)
