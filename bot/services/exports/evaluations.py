"""Evaluation results of a semester, with the columns BKN's e-Kinerja needs.

Column names and rating labels are fixed Indonesian, because the files are re-keyed into
e-Kinerja by BKPSDM staff whatever language the bot speaks to them.
"""

from __future__ import annotations

import asyncio
from datetime import tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.evaluation.predikat import PREDIKAT_NAMES, RATING_NAMES
from bot.services.exports.shared import WIB, local_day, single_opd_code
from bot.services.exports.spreadsheets import (
    XLSX,
    ExportFile,
    Row,
    build_bytes,
    format_of,
    write_file,
)
from bot.services.periods import Period, parse_period
from bot.services.stats import Scope, in_scope
from models import Employee, Evaluation, Opd, Unit
from models.db import SessionFactory

EVALUATION_HEADER = (
    "NIP",
    "Nama",
    "Jabatan",
    "OPD",
    "Unit",
    "Hasil kerja",
    "Perilaku kerja",
    "Predikat",
    "NIP penilai",
    "Tanggal",
)


async def evaluation_rows(
    session: AsyncSession, scope: Scope, period: Period, tz: tzinfo = WIB
) -> list[Row]:
    """Return one row per evaluation of the period in the scope, ordered by OPD and name."""
    evaluator = aliased(Employee)
    columns: tuple[Any, ...] = (
        Employee.nip,
        Employee.name,
        Employee.position,
        Opd.name,
        Unit.name,
        Evaluation.hasil_kerja,
        Evaluation.perilaku_kerja,
        Evaluation.predikat,
        evaluator.nip,
        Evaluation.finalized_at,
    )
    query = (
        select(*columns)
        .join(Employee, col(Employee.id) == Evaluation.employee_id)
        .join(Opd, col(Opd.id) == Employee.opd_id)
        .outerjoin(Unit, col(Unit.id) == Employee.unit_id)
        .outerjoin(evaluator, col(evaluator.id) == Evaluation.evaluator_id)
        .where(Evaluation.period == period.code, in_scope(Employee.opd_id, scope))
        .order_by(col(Opd.name), col(Employee.name), col(Employee.nip))
    )
    return [
        (
            nip,
            name,
            position,
            opd,
            unit or "",
            RATING_NAMES.get(hasil, hasil),
            RATING_NAMES.get(perilaku, perilaku),
            PREDIKAT_NAMES.get(predikat, predikat),
            evaluator_nip or "",
            local_day(at, tz),
        )
        for nip, name, position, opd, unit, hasil, perilaku, predikat, evaluator_nip, at in (
            await session.exec(query)
        ).all()
    ]


def evaluation_file_name(period: Period, opd_code: str | None, fmt: str) -> str:
    """Name an evaluation export, e.g. hasil-evaluasi-2026-2-DINKES.xlsx."""
    suffix = f"-{opd_code}" if opd_code else ""
    return f"hasil-evaluasi-{period.code}{suffix}.{fmt}"


async def build_evaluation_export(
    db: SessionFactory, scope: Scope, period: Period, fmt: str = XLSX, tz: tzinfo = WIB
) -> ExportFile:
    """Build the evaluation results of a period in the scope as a file in memory."""
    async with db() as session:
        rows = await evaluation_rows(session, scope, period, tz)
        code = await single_opd_code(session, scope)
    data = await asyncio.to_thread(build_bytes, fmt, EVALUATION_HEADER, rows)
    return ExportFile(evaluation_file_name(period, code, fmt), data, len(rows))


async def export_evaluations(
    db: SessionFactory, *, period: str, opd_code: str | None, out: Path
) -> int:
    """Write a semester's evaluation results (all OPDs or one) to .xlsx/.csv; return rows.

    Raises ValueError with a readable message for an unknown period, OPD code or suffix.
    """
    semester = parse_period(period)
    format_of(out)
    async with db() as session:
        scope: Scope = None
        if opd_code:
            query = select(Opd).where(func.upper(Opd.code) == opd_code.strip().upper())
            opd = (await session.exec(query)).first()
            if opd is None or opd.id is None:
                raise ValueError(f"unknown OPD code: {opd_code!r}")
            scope = frozenset({opd.id})
        rows = await evaluation_rows(session, scope, semester)
    return await asyncio.to_thread(write_file, out, EVALUATION_HEADER, rows)
