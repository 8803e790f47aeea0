"""Spreadsheet exports for HR: evaluation results (for BKN's e-Kinerja), compliance, broadcasts.

Rows are loaded with a few set-based queries; the file itself is written by a plain sync
function (a small streaming XLSX writer, or the csv module for CSV) that callers run in a
worker thread. Column names and rating labels are fixed Indonesian, because the files are re-keyed
into e-Kinerja by BKPSDM staff whatever language the bot speaks to them.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_, Translator
from bot.services.evaluation.predikat import PREDIKAT_NAMES, RATING_NAMES
from bot.services.periods import Period, parse_period
from bot.services.stats.analytics import Scope, achievement_by_employee, month_start_utc
from models import (
    BroadcastAck,
    Employee,
    Evaluation,
    Opd,
    OutboxMessage,
    ProgressReport,
    Target,
    Unit,
)
from models.db import SessionFactory

WIB = ZoneInfo("Asia/Jakarta")
# Control characters XML (and so XLSX) cannot hold; the same set openpyxl refuses.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
MIME = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv",
}

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
# The evaluation file keeps e-Kinerja's Indonesian headers whatever the reader's language;
# the compliance and broadcast files are for HR's own use, so they follow HR's language.
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
BROADCAST_COLUMNS = ("NIP", N_("Name"), "OPD", N_("Delivery"), N_("Read at"))
DELIVERY_STATUS = {
    "pending": N_("waiting"),
    "sending": N_("waiting"),
    "sent": N_("delivered"),
    "blocked": N_("blocked the bot"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}


def translated(t: Translator | None, texts: Sequence[str]) -> tuple[str, ...]:
    """Column titles in the reader's language (as written, without a translator)."""
    return tuple(t._(text) if t is not None else text for text in texts)


# A spreadsheet would run a cell starting with these as a formula (CSV/formula injection); a
# leading tab or carriage return is skipped by some spreadsheets, which then see the formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Row = Sequence[str | int | float | None]


@dataclass(frozen=True)
class ExportFile:
    """A built export: its file name, bytes and number of data rows."""

    name: str
    data: bytes
    rows: int

    @property
    def mime_type(self) -> str:
        return MIME[self.name.rsplit(".", 1)[-1]]


def format_of(path: Path | str) -> str:
    """Return 'xlsx' or 'csv' from a file name; ValueError for anything else."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"the output file must end in .xlsx or .csv, not {str(path)!r}")
    return suffix


def csv_safe(value: str | int | float | None) -> str | int | float:
    """A CSV cell value: text a spreadsheet would evaluate as a formula gets a leading quote.

    Every CSV this bot writes goes through here (exports, the CLI's invite links)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_table(target: IO[bytes], fmt: str, header: Sequence[str], rows: Iterable[Row]) -> int:
    """Write a header and rows as XLSX or CSV to a binary stream; return the rows written.

    Sync on purpose: call it through asyncio.to_thread.
    """
    count = 0
    if fmt == CSV:
        text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_safe(v) for v in row])
            count += 1
        text.flush()
        text.detach()  # leave the caller's stream open
        return count
    if fmt != XLSX:
        raise ValueError(f"unknown export format: {fmt!r}")
    return _write_xlsx(target, header, rows)


# A minimal XLSX package (one worksheet, cells as inline strings and numbers), streamed into
# the zip as it is generated. openpyxl's writer needed 25 s for the 100,000 rows of a
# province-sized city; this takes a few seconds and never holds the whole sheet in memory.
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"
_ROWS_PER_WRITE = 1000


def _column_letters(count: int) -> list[str]:
    """A, B, ... Z, AA, AB, ... for the first `count` columns."""
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _xml_text(value: str) -> str:
    """Escape text for a cell, dropping control characters XML cannot hold (names pasted from
    other systems have them)."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xlsx_row(number: int, letters: list[str], row: Row) -> str:
    """One <row>: text as inline strings (never a formula), numbers as numbers, blanks left out."""
    cells = []
    for letter, value in zip(letters, row, strict=False):
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            text = _xml_text(str(value))
            cells.append(
                f'<c r="{letter}{number}" t="inlineStr">'
                f'<is><t xml:space="preserve">{text}</t></is></c>'
            )
        else:
            cells.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _write_xlsx(target: IO[bytes], header: Sequence[str], rows: Iterable[Row]) -> int:
    """Stream a one-sheet workbook ("Data") into a binary stream; return the data rows."""
    letters = _column_letters(len(header))
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, content in _XLSX_PARTS.items():
            package.writestr(name, content)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = [_SHEET_START, _xlsx_row(1, letters, header)]
            for count, row in enumerate(rows, start=1):
                chunk.append(_xlsx_row(count + 1, letters, row))
                if len(chunk) >= _ROWS_PER_WRITE:
                    sheet.write("".join(chunk).encode("utf-8"))
                    chunk = []
            chunk.append(_SHEET_END)
            sheet.write("".join(chunk).encode("utf-8"))
    return count


def build_bytes(fmt: str, header: Sequence[str], rows: Sequence[Row]) -> bytes:
    """Write a table into memory and return the file's bytes (sync; use a worker thread)."""
    buffer = io.BytesIO()
    write_table(buffer, fmt, header, rows)
    return buffer.getvalue()


def write_file(path: Path, header: Sequence[str], rows: Sequence[Row]) -> int:
    """Write a table to a file whose suffix picks the format (sync; use a worker thread)."""
    fmt = format_of(path)
    with path.open("wb") as stream:
        return write_table(stream, fmt, header, rows)


def _day(value: datetime | None, tz: tzinfo) -> str:
    """An ISO date (YYYY-MM-DD) in local time, or '' when there is none."""
    return value.astimezone(tz).date().isoformat() if value is not None else ""


def _scope_clause(scope: Scope) -> Any:
    """Limit Employee.opd_id to a scope (no-op when city-wide)."""
    from sqlalchemy import true

    return true() if scope is None else col(Employee.opd_id).in_(sorted(scope))


# --- (1) evaluation results -----------------------------------------------------------------


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
        .where(Evaluation.period == period.code, _scope_clause(scope))
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
            _day(at, tz),
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
    session: AsyncSession, scope: Scope, period: Period, fmt: str = XLSX, tz: tzinfo = WIB
) -> ExportFile:
    """Build the evaluation results of a period in the scope as a file in memory."""
    rows = await evaluation_rows(session, scope, period, tz)
    data = await asyncio.to_thread(build_bytes, fmt, EVALUATION_HEADER, rows)
    code = await _single_opd_code(session, scope)
    return ExportFile(evaluation_file_name(period, code, fmt), data, len(rows))


async def _single_opd_code(session: AsyncSession, scope: Scope) -> str | None:
    """The OPD code for a one-OPD scope (used in file names), else None."""
    if scope is None or len(scope) != 1:
        return None
    opd = await session.get(Opd, next(iter(scope)))
    return opd.code if opd is not None else None


async def export_evaluations(
    sessions: SessionFactory, *, period: str, opd_code: str | None, out: Path
) -> int:
    """Write a semester's evaluation results (all OPDs or one) to .xlsx/.csv; return rows.

    Raises ValueError with a readable message for an unknown period, OPD code or suffix.
    """
    semester = parse_period(period)
    format_of(out)
    async with sessions() as session:
        scope: Scope = None
        if opd_code:
            query = select(Opd).where(func.upper(Opd.code) == opd_code.strip().upper())
            opd = (await session.exec(query)).first()
            if opd is None or opd.id is None:
                raise ValueError(f"unknown OPD code: {opd_code!r}")
            scope = frozenset({opd.id})
        rows = await evaluation_rows(session, scope, semester)
    return await asyncio.to_thread(write_file, out, EVALUATION_HEADER, rows)


# --- (2) reporting compliance per employee ----------------------------------------------


async def compliance_rows(
    session: AsyncSession, scope: Scope, period: Period, now: datetime, tz: tzinfo = WIB
) -> list[Row]:
    """Return one row per active employee in the scope: targets, reports, achievement."""
    columns: tuple[Any, ...] = (Employee.id, Employee.nip, Employee.name, Opd.name, Unit.name)
    people_query = (
        select(*columns)
        .join(Opd, col(Opd.id) == Employee.opd_id)
        .outerjoin(Unit, col(Unit.id) == Employee.unit_id)
        .where(col(Employee.active).is_(True), _scope_clause(scope))
        .order_by(col(Opd.name), col(Employee.name), col(Employee.nip))
    )
    people = (await session.exec(people_query)).all()
    targets_query = (
        select(Target.employee_id, func.count())
        .join(Employee, col(Employee.id) == Target.employee_id)
        .where(Target.period == period.code, Target.status == "approved", _scope_clause(scope))
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
            _scope_clause(scope),
        )
        .group_by(col(ProgressReport.employee_id))
    )
    month = dict((await session.exec(month_query)).all())
    last_query = (
        select(ProgressReport.employee_id, func.max(ProgressReport.created_at))
        .join(Employee, col(Employee.id) == ProgressReport.employee_id)
        .where(ProgressReport.status == "active", _scope_clause(scope))
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
                _day(last.get(emp_id), tz),
                round(mean * 100, 1) if mean is not None else None,
            )
        )
    return rows


async def build_compliance_export(
    session: AsyncSession,
    scope: Scope,
    period: Period,
    now: datetime,
    fmt: str = XLSX,
    tz: tzinfo = WIB,
    t: Translator | None = None,
) -> ExportFile:
    """Build the per-employee reporting compliance file for the scope."""
    rows = await compliance_rows(session, scope, period, now, tz)
    header = translated(t, COMPLIANCE_COLUMNS)
    data = await asyncio.to_thread(build_bytes, fmt, header, rows)
    local: date = now.astimezone(tz).date()
    code = await _single_opd_code(session, scope)
    suffix = f"-{code}" if code else ""
    name = f"kepatuhan-laporan-{local:%Y-%m}{suffix}.{fmt}"
    return ExportFile(name, data, len(rows))


# --- (3) a broadcast's delivery and acknowledgement -------------------------------------


async def broadcast_rows(
    session: AsyncSession,
    scope: Scope,
    broadcast_id: int,
    tz: tzinfo = WIB,
    t: Translator | None = None,
) -> list[Row]:
    """Return one row per recipient of a broadcast in the scope: delivery status and ack."""
    columns: tuple[Any, ...] = (
        Employee.nip,
        Employee.name,
        Opd.name,
        OutboxMessage.status,
        BroadcastAck.at,
    )
    query = (
        select(*columns)
        .join(Employee, col(Employee.id) == OutboxMessage.employee_id)
        .join(Opd, col(Opd.id) == Employee.opd_id)
        .outerjoin(
            BroadcastAck,
            (col(BroadcastAck.broadcast_id) == broadcast_id)
            & (col(BroadcastAck.employee_id) == Employee.id),
        )
        .where(OutboxMessage.broadcast_id == broadcast_id, _scope_clause(scope))
        .order_by(col(Opd.name), col(Employee.name), col(Employee.nip))
    )
    word = dict(zip(DELIVERY_STATUS, translated(t, list(DELIVERY_STATUS.values())), strict=True))
    return [
        (
            nip,
            name,
            opd,
            word.get(status, status),
            at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at is not None else "",
        )
        for nip, name, opd, status, at in (await session.exec(query)).all()
    ]


async def build_broadcast_export(
    session: AsyncSession,
    scope: Scope,
    broadcast_id: int,
    fmt: str = XLSX,
    tz: tzinfo = WIB,
    t: Translator | None = None,
) -> ExportFile:
    """Build a broadcast's per-recipient delivery and acknowledgement file for the scope."""
    rows = await broadcast_rows(session, scope, broadcast_id, tz, t)
    header = translated(t, BROADCAST_COLUMNS)
    data = await asyncio.to_thread(build_bytes, fmt, header, rows)
    return ExportFile(f"siaran-{broadcast_id}.{fmt}", data, len(rows))
