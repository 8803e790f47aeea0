"""Reporting compliance per employee: approved targets, reports this month, the last report,
achievement. For HR's own use, so the column titles follow HR's language."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_, Translator
from bot.services.exports.shared import WIB, local_day, single_opd_code, translated
from bot.services.exports.spreadsheets import XLSX, ExportFile, Row, build_bytes
from bot.services.periods import Period, month_start_utc
from bot.services.stats import Scope, achievement_by_employee, in_scope
from models import Employee, Opd, ProgressReport, Target, Unit
from models.db import SessionFactory

COMPLIANCE_COLUMNS = (
    "NIP",
    N_("Name"),
    "OPD",
    N_("Work unit"),
    N_("Approved targets"),
    N_("Reports this month"),
    N_("Last report"),
    N_("Achievement (%)"),
)


async def compliance_rows(
    session: AsyncSession, scope: Scope, period: Period, now: datetime, tz: tzinfo = WIB
) -> list[Row]:
    """Return one row per active employee in the scope: targets, reports, achievement."""
    columns: tuple[Any, ...] = (Employee.id, Employee.nip, Employee.name, Opd.name, Unit.name)
    people_query = (
        select(*columns)
        .join(Opd, col(Opd.id) == Employee.opd_id)
        .outerjoin(Unit, col(Unit.id) == Employee.unit_id)
        .where(col(Employee.active).is_(True), in_scope(Employee.opd_id, scope))
        .order_by(col(Opd.name), col(Employee.name), col(Employee.nip))
    )
    people = (await session.exec(people_query)).all()
    targets_query = (
        select(Target.employee_id, func.count())
        .join(Employee, col(Employee.id) == Target.employee_id)
        .where(
            Target.period == period.code,
            Target.status == "approved",
            in_scope(Employee.opd_id, scope),
        )
        .group_by(col(Target.employee_id))
    )
    targets = dict((await session.exec(targets_query)).all())
    since = month_start_utc(now, tz)
    month_query = (
        select(ProgressReport.employee_id, func.count())
        .join(Employee, col(Employee.id) == ProgressReport.employee_id)
        .where(
            ProgressReport.status == "active",
            col(ProgressReport.created_at) >= since,
            in_scope(Employee.opd_id, scope),
        )
        .group_by(col(ProgressReport.employee_id))
    )
    month = dict((await session.exec(month_query)).all())
    last_query = (
        select(ProgressReport.employee_id, func.max(ProgressReport.created_at))
        .join(Employee, col(Employee.id) == ProgressReport.employee_id)
        .where(ProgressReport.status == "active", in_scope(Employee.opd_id, scope))
        .group_by(col(ProgressReport.employee_id))
    )
    last = dict((await session.exec(last_query)).all())
    means = await achievement_by_employee(session, scope, period)
    rows: list[Row] = []
    for emp_id, nip, name, opd, unit in people:
        mean = means.get(emp_id)
        rows.append(
            (
                nip,
                name,
                opd,
                unit or "",
                int(targets.get(emp_id, 0)),
                int(month.get(emp_id, 0)),
                local_day(last.get(emp_id), tz),
                round(mean * 100, 1) if mean is not None else None,
            )
        )
    return rows


async def build_compliance_export(
    db: SessionFactory,
    scope: Scope,
    period: Period,
    now: datetime,
    fmt: str = XLSX,
    tz: tzinfo = WIB,
    t: Translator | None = None,
) -> ExportFile:
    """Build the per-employee reporting compliance file for the scope."""
    async with db() as session:
        rows = await compliance_rows(session, scope, period, now, tz)
        code = await single_opd_code(session, scope)
    header = translated(t, COMPLIANCE_COLUMNS)
    data = await asyncio.to_thread(build_bytes, fmt, header, rows)
    local: date = now.astimezone(tz).date()
    suffix = f"-{code}" if code else ""
    name = f"kepatuhan-laporan-{local:%Y-%m}{suffix}.{fmt}"
    return ExportFile(name, data, len(rows))
