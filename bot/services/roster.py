"""Roster import: read a CSV/XLSX staff list, validate every row, then upsert it in bulk.

The file format is README.md, "Roster format" (the contract). Everything is checked
before anything is written; one bad row means nothing is imported. Writes use Core bulk
statements on the session's connection, because 20,000+ ORM objects would be far too slow.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import N_
from bot.services import audit
from bot.services.access import KNOWN_ROLES, MAX_CHAIN, ROLE_EMPLOYEE, format_roles, parse_roles
from bot.services.nip import NipError, normalize_nip, parse_nip
from models.db import SessionFactory

ROSTER_COLUMNS = (
    "nip",
    "nama",
    "jabatan",
    "opd_kode",
    "opd_nama",
    "unit",
    "nip_atasan",
    "peran",
    "bahasa",
)
# `bahasa` may be left out entirely: a missing column means "change nobody's language".
OPTIONAL_COLUMNS = frozenset({"bahasa"})
REQUIRED_COLUMNS = tuple(c for c in ROSTER_COLUMNS if c not in OPTIONAL_COLUMNS)
MAX_TEXT = 200  # the varchar(200) of name, position, unit and OPD name
CHUNK = 1000  # rows per bulk statement: 1000 x 16 columns stays under asyncpg's 32767 params
PROGRESS_EVERY = 500
_OPD_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
# Excel (and CSV saved by Excel) shows long numbers as 1.99001E+17: the digits are gone.
_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d*)?[eE][+-]?\d+$")
_FLOAT_EXACT = 2**53  # above this a float cannot hold every integer, so NIP digits were lost
_ROLE_HINTS = frozenset({"leader", "pimpinan", "atasan"})

Progress = Callable[[int, int], None]
_T = TypeVar("_T")


@dataclass(frozen=True)
class RosterRow:
    """One employee line of a roster file, trimmed and normalized but not yet validated."""

    line: int
    nip: str
    name: str
    position: str
    opd_code: str
    opd_name: str
    unit: str
    supervisor_nip: str
    roles: frozenset[str]
    language: str | None


@dataclass(frozen=True)
class RowError:
    """A problem on one line; `message` is an English msgid, `params` fill its placeholders."""

    line: int
    nip: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run or a failed validation, would have done)."""

    created: int
    updated: int
    unchanged: int
    errors: list[RowError]
    dry_run: bool
    total: int
    opds_created: int = 0
    opds_updated: int = 0
    units_created: int = 0
    role_changes: int = 0  # existing employees whose roles differ (new ones are grants)

    @property
    def ok(self) -> bool:
        """True when the roster passed validation."""
        return not self.errors


# --------------------------------------------------------------------------- reading


def read_roster(path: Path) -> tuple[list[RosterRow], list[RowError]]:
    """Read a roster CSV or XLSX into rows; file-level problems come back as errors."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".txt", ".xlsx", ".xlsm"}:
        msg = N_("Unsupported file type “{ext}”: use a .csv or .xlsx file.")
        return [], [RowError(0, "", msg, {"ext": suffix or path.name})]
    is_xlsx = suffix in {".xlsx", ".xlsm"}
    try:
        if is_xlsx:
            records = _xlsx_records(path)
        else:
            data = path.read_bytes()
    except FileNotFoundError:
        return [], [RowError(0, "", N_("File not found: {path}"), {"path": str(path)})]
    except Exception as exc:  # openpyxl raises many types for damaged files
        msg = N_("Cannot read {path}: {reason}")
        return [], [RowError(0, "", msg, {"path": str(path), "reason": str(exc) or repr(exc)})]
    if not is_xlsx:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            msg = N_("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
            return [], [RowError(0, "", msg, {})]
        try:
            records = _csv_records(text)
        except csv.Error as exc:
            msg = N_("Cannot read {path}: {reason}")
            return [], [RowError(0, "", msg, {"path": str(path), "reason": str(exc)})]
    return _rows_from_records(records)


def _csv_records(text: str) -> list[tuple[int, list[Any]]]:
    """Return (first file line, cells) per CSV record; ',' or ';' from the header line."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[Any]]] = []
    previous_end = 0
    for cells in reader:
        # A quoted cell may span lines; report the line the record starts on.
        records.append((previous_end + 1, cells))
        previous_end = reader.line_num
    return records


def _xlsx_records(path: Path) -> list[tuple[int, list[Any]]]:
    """Return (row number, cells) for the first worksheet, opened read-only."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        return [(number, list(values)) for number, values in enumerate(rows, start=1)]
    finally:
        workbook.close()


def _rows_from_records(
    records: Iterable[tuple[int, list[Any]]],
) -> tuple[list[RosterRow], list[RowError]]:
    """Map the header, then turn each non-blank record into a RosterRow."""
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    iterator = iter(records)
    header: dict[str, int] | None = None
    for line, cells in iterator:
        if not any(_text(c) for c in cells):
            continue
        header, header_errors = _read_header(line, cells)
        if header_errors:
            return [], header_errors
        break
    if header is None:
        return [], [RowError(1, "", N_("The file is empty: no header row was found."), {})]

    columns: dict[str, int] = header

    def cell(cells: list[Any], column: str) -> Any:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    for line, cells in iterator:
        if not any(_text(c) for c in cells):
            continue
        nip, nip_lost = _nip_text(cell(cells, "nip"))
        supervisor, supervisor_lost = _nip_text(cell(cells, "nip_atasan"))
        if nip_lost:
            errors.append(_rounded_error(line, "nip", nip))
            # Without its NIP the row cannot be checked any further.
            continue
        if supervisor_lost:
            errors.append(_rounded_error(line, "nip_atasan", supervisor, nip))
            supervisor = ""
        language = _text(cell(cells, "bahasa")).lower() or None
        rows.append(
            RosterRow(
                line=line,
                nip=nip,
                name=_text(cell(cells, "nama")),
                position=_text(cell(cells, "jabatan")),
                opd_code=_text(cell(cells, "opd_kode")).upper(),
                opd_name=_text(cell(cells, "opd_nama")),
                unit=_text(cell(cells, "unit")),
                supervisor_nip=supervisor,
                roles=parse_roles(_text(cell(cells, "peran"))) | {ROLE_EMPLOYEE},
                language=language,
            )
        )
    if not rows and not errors:
        errors.append(RowError(1, "", N_("The file has a header but no employee rows."), {}))
    return rows, errors


def _read_header(line: int, cells: list[Any]) -> tuple[dict[str, int], list[RowError]]:
    header: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(cells):
        name = re.sub(r"\s+", "_", _text(raw).lstrip("\ufeff").strip().lower())
        if not name:
            continue
        if name in header and name in ROSTER_COLUMNS:
            msg = N_("The column “{column}” appears more than once in the header.")
            errors.append(RowError(line, "", msg, {"column": name}))
        header.setdefault(name, index)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        msg = N_("Missing column(s): {columns}. The header row needs: {expected}.")
        params = {"columns": ", ".join(missing), "expected": ", ".join(ROSTER_COLUMNS)}
        errors.append(RowError(line, "", msg, params))
    return header, errors


def _rounded_error(line: int, column: str, value: str, nip: str = "") -> RowError:
    msg = N_(
        "The {column} value {value} was rounded by the spreadsheet and lost digits; "
        "format the column as Text and enter all 18 digits."
    )
    return RowError(line, nip or value, msg, {"column": column, "value": value})


def _text(value: Any) -> str:
    """Turn a CSV/XLSX cell into trimmed text (whole-number floats lose their '.0')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _nip_text(value: Any) -> tuple[str, bool]:
    """Return (normalized NIP text, digits_were_lost) for a cell that should hold an NIP."""
    if value is None or isinstance(value, bool):
        return ("" if value is None else str(value)), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _FLOAT_EXACT:
            return str(int(value)), False
        return repr(value), True
    raw = str(value).strip()
    if _SCIENTIFIC.match(raw):
        return raw, True
    return normalize_nip(raw), False


# --------------------------------------------------------------------------- validation


def validate_roster(
    rows: Sequence[RosterRow],
    existing: Mapping[str, tuple[int, int | None]] | None = None,
    *,
    today: date,
    progress: Progress | None = None,
) -> list[RowError]:
    """Check every row against the contract and the database; return all errors by line.

    `existing` maps each NIP already in the database to (employee_id, supervisor_id).
    """
    existing = existing or {}
    errors: list[RowError] = []
    total = len(rows)
    first_line: dict[str, int] = {}
    repeats: dict[str, list[int]] = {}
    opd_names: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row.nip in first_line:
            repeats.setdefault(row.nip, []).append(row.line)
        else:
            first_line[row.nip] = row.line

    for done, row in enumerate(rows, start=1):
        errors.extend(_row_errors(row, today))
        if row.nip in repeats:
            others = [first_line[row.nip], *repeats[row.nip]]
            other = next(n for n in others if n != row.line)
            msg = N_("NIP {nip} appears more than once (also on line {other_line}).")
            errors.append(RowError(row.line, row.nip, msg, {"nip": row.nip, "other_line": other}))
        if row.opd_code and row.opd_name:
            seen = opd_names.setdefault(row.opd_code, (row.opd_name, row.line))
            if seen[0] != row.opd_name:
                msg = N_(
                    "OPD {code} is named “{name}” here but “{other_name}” on line {other_line}."
                )
                params = {
                    "code": row.opd_code,
                    "name": row.opd_name,
                    "other_name": seen[0],
                    "other_line": seen[1],
                }
                errors.append(RowError(row.line, row.nip, msg, params))
        supervisor = row.supervisor_nip
        if supervisor and supervisor == row.nip:
            msg = N_("An employee cannot be their own supervisor (nip_atasan).")
            errors.append(RowError(row.line, row.nip, msg, {}))
        elif supervisor and supervisor not in first_line and supervisor not in existing:
            msg = N_("Supervisor NIP {supervisor} is neither in this file nor in the database.")
            errors.append(RowError(row.line, row.nip, msg, {"supervisor": supervisor}))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)

    errors.extend(_chain_errors(rows, first_line, existing))
    errors.sort(key=lambda e: e.line)
    return errors


def _row_errors(row: RosterRow, today: date) -> list[RowError]:
    """The checks that need nothing but the row itself."""
    errors: list[RowError] = []

    def add(message: str, **params: Any) -> None:
        errors.append(RowError(row.line, row.nip, message, params))

    if not row.nip:
        add(N_("The NIP is empty."))
    else:
        try:
            parse_nip(row.nip, today=today)
        except NipError as exc:
            add(exc.reason)
    if not row.name:
        add(N_("The name (nama) is empty."))
    for value, label in (
        (row.name, "nama"),
        (row.position, "jabatan"),
        (row.unit, "unit"),
        (row.opd_name, "opd_nama"),
    ):
        if len(value) > MAX_TEXT:
            add(N_("{column} is longer than {max} characters."), column=label, max=MAX_TEXT)
    if not row.opd_code:
        add(N_("The OPD code (opd_kode) is empty."))
    elif not _OPD_CODE.fullmatch(row.opd_code):
        add(
            N_("OPD code {code} may only hold letters, digits, '_' and '-' (at most 32)."),
            code=row.opd_code,
        )
    unknown = sorted(row.roles - set(KNOWN_ROLES))
    if unknown:
        if _ROLE_HINTS & set(unknown):
            msg = N_(
                "Unknown role(s) {roles} in peran: use pegawai, hr or admin. "
                "Leaders are derived from nip_atasan, not listed as a role."
            )
        else:
            msg = N_("Unknown role(s) {roles} in peran: use pegawai, hr or admin.")
        add(msg, roles=", ".join(unknown))
    if row.language is not None and row.language not in SUPPORTED_LANGUAGES:
        add(
            N_("Unknown language {language} in bahasa: use id or en, or leave it empty."),
            language=row.language,
        )
    return errors


def _chain_errors(
    rows: Sequence[RosterRow],
    first_line: Mapping[str, int],
    existing: Mapping[str, tuple[int, int | None]],
) -> list[RowError]:
    """Find supervisor cycles and over-deep chains over file edges plus database edges."""
    nip_of_id = {emp_id: nip for nip, (emp_id, _sup) in existing.items()}
    boss: dict[str, str] = {}
    for nip, (_emp_id, sup_id) in existing.items():
        if nip not in first_line and sup_id is not None and sup_id in nip_of_id:
            boss[nip] = nip_of_id[sup_id]
    for row in rows:
        sup = row.supervisor_nip
        if first_line.get(row.nip) != row.line or not sup or sup == row.nip:
            continue  # duplicates and self-references are reported elsewhere
        if sup in first_line or sup in existing:
            boss[row.nip] = sup

    errors: list[RowError] = []
    in_cycle: set[str] = set()
    finished: set[str] = set()
    for start in boss:
        if start in finished:
            continue
        position: dict[str, int] = {}
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in finished and node not in position:
            position[node] = len(path)
            path.append(node)
            node = boss.get(node)
        if node is not None and node in position:
            cycle = path[position[node] :]
            in_cycle.update(cycle)
            for i, member in enumerate(cycle):
                if member in first_line:
                    # Each row sees the loop starting from itself: "me → my boss → ... → me".
                    chain = " → ".join([*cycle[i:], *cycle[:i], member])
                    msg = N_("The supervisor chain loops back: {chain}.")
                    errors.append(RowError(first_line[member], member, msg, {"chain": chain}))
        finished.update(path)

    # Number of supervisors above each employee; None below a cycle (already reported).
    depth: dict[str, int | None] = {}
    for start in first_line:
        path = []
        node = start
        while node is not None and node not in depth and node not in in_cycle:
            path.append(node)
            node = boss.get(node)
        above: int | None = -1 if node is None else None if node in in_cycle else depth[node]
        for member in reversed(path):
            above = None if above is None else above + 1
            depth[member] = above
        level = depth.get(start)
        if level is not None and level > MAX_CHAIN:
            msg = N_("The supervisor chain above this employee is longer than {max} levels.")
            errors.append(RowError(first_line[start], start, msg, {"max": MAX_CHAIN}))
    return errors


# --------------------------------------------------------------------------- import


@dataclass
class _Current:
    """An employee as loaded from the database (only what the import compares or keeps)."""

    id: int
    name: str
    position: str
    opd_id: int
    unit_id: int | None
    supervisor_id: int | None
    roles: str
    language: str | None
    telegram_user_id: int | None


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


async def import_roster(
    sessions: SessionFactory,
    source: Path | str | Sequence[RosterRow],
    *,
    dry_run: bool,
    now: datetime,
    progress: Progress | None = None,
    actor_label: str = "cli:import-roster",
) -> ImportSummary:
    """Validate a roster and, when it is clean and not a dry run, upsert it in one transaction.

    `progress(done, total)` is called while validating (done counts rows checked) and again
    while writing (done counts rows settled), each phase running from 0 to total.
    """
    if now.tzinfo is None:
        raise ValueError("import_roster needs an aware `now`")
    errors: list[RowError] = []
    if isinstance(source, str | Path):
        rows, errors = await asyncio.to_thread(read_roster, Path(source))
    else:
        rows = list(source)
    async with sessions() as session, session.begin():
        conn = await session.connection()
        current = await _load_employees(conn)
        existing = {nip: (emp.id, emp.supervisor_id) for nip, emp in current.items()}
        errors = sorted(
            [*errors, *validate_roster(rows, existing, today=now.date(), progress=progress)],
            key=lambda e: e.line,
        )
        summary = ImportSummary(0, 0, 0, errors, dry_run, len(rows))
        if errors:
            return summary
        plan = await _Plan.build(conn, rows, current)
        summary.created = len(plan.new_rows)
        summary.updated = len(plan.changed)
        summary.unchanged = len(rows) - summary.created - summary.updated
        summary.opds_created = len(plan.new_opds)
        summary.opds_updated = len(plan.renamed_opds)
        summary.units_created = len(plan.new_units)
        summary.role_changes = sum(1 for c in plan.changed.values() if c.roles_changed)
        if dry_run:
            return summary
        await plan.write(session, conn, now=now, actor_label=actor_label, progress=progress)
    return summary


async def _load_employees(conn: AsyncConnection) -> dict[str, _Current]:
    """Load every employee in one query (NIP -> what the import needs)."""
    t = _table("employee").c
    result = await conn.execute(
        select(
            t.nip,
            t.id,
            t.name,
            t.position,
            t.opd_id,
            t.unit_id,
            t.supervisor_id,
            t.roles,
            t.language,
            t.telegram_user_id,
        )
    )
    return {
        nip: _Current(emp_id, name, position, opd_id, unit_id, sup_id, roles, language, tg_id)
        for nip, emp_id, name, position, opd_id, unit_id, sup_id, roles, language, tg_id in result
    }


@dataclass
class _Change:
    """Field values to write for an existing employee, plus whether the roles changed."""

    row: RosterRow
    current: _Current
    language: str | None
    roles: str
    roles_changed: bool


@dataclass
class _Plan:
    """The difference between the file and the database, computed before any write."""

    rows: Sequence[RosterRow]
    current: dict[str, _Current]
    opd_ids: dict[str, int]
    unit_ids: dict[tuple[str, str], int]
    new_opds: dict[str, str]
    renamed_opds: dict[int, str]
    new_units: list[tuple[str, str]]
    new_rows: list[RosterRow]
    changed: dict[str, _Change]

    @classmethod
    async def build(
        cls, conn: AsyncConnection, rows: Sequence[RosterRow], current: dict[str, _Current]
    ) -> _Plan:
        """Compare the rows with the database using natural keys (codes, names, NIPs)."""
        opd_t, unit_t = _table("opd").c, _table("unit").c
        opds = (await conn.execute(select(opd_t.id, opd_t.code, opd_t.name))).all()
        opd_ids = {code.upper(): opd_id for opd_id, code, _name in opds}
        opd_code_of = {opd_id: code.upper() for opd_id, code, _name in opds}
        opd_name_of = {opd_id: name for opd_id, _code, name in opds}
        units = (await conn.execute(select(unit_t.id, unit_t.opd_id, unit_t.name))).all()
        unit_ids = {(opd_code_of[opd_id], name): unit_id for unit_id, opd_id, name in units}
        unit_key_of = {unit_id: key for key, unit_id in unit_ids.items()}
        nip_of_id = {emp.id: nip for nip, emp in current.items()}

        new_opds: dict[str, str] = {}
        renamed: dict[int, str] = {}
        new_units: dict[tuple[str, str], None] = {}
        for row in rows:
            opd_id = opd_ids.get(row.opd_code)
            if opd_id is None:
                if not new_opds.get(row.opd_code):
                    new_opds[row.opd_code] = row.opd_name
            elif row.opd_name and row.opd_name != opd_name_of[opd_id]:
                renamed[opd_id] = row.opd_name
            if row.unit and (row.opd_code, row.unit) not in unit_ids:
                new_units[(row.opd_code, row.unit)] = None

        new_rows: list[RosterRow] = []
        changed: dict[str, _Change] = {}
        for row in rows:
            emp = current.get(row.nip)
            if emp is None:
                new_rows.append(row)
                continue
            roles_changed = parse_roles(emp.roles) != row.roles
            language = emp.language
            if row.language is not None and emp.telegram_user_id is None:
                language = row.language  # after linking, the user's own /bahasa choice wins
            unit_key = unit_key_of.get(emp.unit_id) if emp.unit_id is not None else None
            supervisor = nip_of_id.get(emp.supervisor_id) if emp.supervisor_id else None
            differs = (
                emp.name != row.name
                or emp.position != row.position
                or opd_code_of.get(emp.opd_id) != row.opd_code
                or unit_key != ((row.opd_code, row.unit) if row.unit else None)
                or supervisor != (row.supervisor_nip or None)
                or language != emp.language
            )
            if differs or roles_changed:
                roles = format_roles(row.roles) if roles_changed else emp.roles
                changed[row.nip] = _Change(row, emp, language, roles, roles_changed)
        return cls(
            rows=rows,
            current=current,
            opd_ids=opd_ids,
            unit_ids=unit_ids,
            new_opds={code: name or code for code, name in new_opds.items()},
            renamed_opds=renamed,
            new_units=list(new_units),
            new_rows=new_rows,
            changed=changed,
        )

    async def write(
        self,
        session: AsyncSession,
        conn: AsyncConnection,
        *,
        now: datetime,
        actor_label: str,
        progress: Progress | None,
    ) -> None:
        """Apply the plan: OPDs, units, new employees, changed employees, then supervisors."""
        opd_t, unit_t, emp_t = _table("opd"), _table("unit"), _table("employee")
        total = len(self.rows)
        done = total - len(self.new_rows) - len(self.changed)

        def report() -> None:
            if progress is not None:
                progress(done, total)

        if done < total:
            report()
        if self.new_opds:
            await conn.execute(
                insert(opd_t),
                [{"code": c, "name": n, "created_at": now} for c, n in self.new_opds.items()],
            )
            opds = await conn.execute(select(opd_t.c.id, opd_t.c.code))
            self.opd_ids = {code.upper(): opd_id for opd_id, code in opds}
        if self.renamed_opds:
            await conn.execute(
                update(opd_t).where(opd_t.c.id == bindparam("_id")).values(name=bindparam("_n")),
                [{"_id": i, "_n": n} for i, n in self.renamed_opds.items()],
            )
        if self.new_units:
            for unit_chunk in _chunks(self.new_units):
                await conn.execute(
                    insert(unit_t),
                    [{"opd_id": self.opd_ids[code], "name": name} for code, name in unit_chunk],
                )
            units = await conn.execute(select(unit_t.c.id, unit_t.c.opd_id, unit_t.c.name))
            code_of = {opd_id: code for code, opd_id in self.opd_ids.items()}
            self.unit_ids = {(code_of[o], n): unit_id for unit_id, o, n in units}

        for row_chunk in _chunks(self.new_rows):
            await conn.execute(insert(emp_t), [self._new_values(row, now) for row in row_chunk])
            done += len(row_chunk)
            report()
        changes = list(self.changed.values())
        for change_chunk in _chunks(changes):
            await conn.execute(
                update(emp_t)
                .where(emp_t.c.id == bindparam("_id"))
                .values(
                    name=bindparam("_name"),
                    position=bindparam("_position"),
                    opd_id=bindparam("_opd_id"),
                    unit_id=bindparam("_unit_id"),
                    roles=bindparam("_roles"),
                    language=bindparam("_language"),
                    updated_at=bindparam("_updated_at"),
                ),
                [
                    {
                        "_id": c.current.id,
                        "_name": c.row.name,
                        "_position": c.row.position,
                        "_opd_id": self.opd_ids[c.row.opd_code],
                        "_unit_id": self._unit_id(c.row),
                        "_roles": c.roles,
                        "_language": c.language,
                        "_updated_at": now,
                    }
                    for c in change_chunk
                ],
            )
            done += len(change_chunk)
            report()

        id_of = {nip: emp.id for nip, emp in self.current.items()}
        if self.new_rows:
            ids = await conn.execute(select(emp_t.c.nip, emp_t.c.id))
            id_of = {nip: emp_id for nip, emp_id in ids}
        links = []
        for row in self.rows:
            wanted = id_of[row.supervisor_nip] if row.supervisor_nip else None
            emp = self.current.get(row.nip)
            if (emp.supervisor_id if emp else None) != wanted:
                links.append({"_id": id_of[row.nip], "_sup": wanted})
        for link_chunk in _chunks(links):
            await conn.execute(
                update(emp_t)
                .where(emp_t.c.id == bindparam("_id"))
                .values(supervisor_id=bindparam("_sup")),
                link_chunk,
            )

        for change in changes:
            if change.roles_changed:
                audit.record(
                    session,
                    action="role_change",
                    at=now,
                    actor_label=actor_label,
                    subject_id=change.current.id,
                    before=format_roles(parse_roles(change.current.roles)),
                    after=change.roles,
                )
        for row in self.new_rows:
            if row.roles - {ROLE_EMPLOYEE}:
                audit.record(
                    session,
                    action="role_grant",
                    at=now,
                    actor_label=actor_label,
                    subject_id=id_of[row.nip],
                    after=format_roles(row.roles),
                )
        await session.flush()
        done = total
        report()

    def _unit_id(self, row: RosterRow) -> int | None:
        return self.unit_ids[(row.opd_code, row.unit)] if row.unit else None

    def _new_values(self, row: RosterRow, now: datetime) -> dict[str, Any]:
        return {
            "nip": row.nip,
            "name": row.name,
            "position": row.position,
            "opd_id": self.opd_ids[row.opd_code],
            "unit_id": self._unit_id(row),
            "supervisor_id": None,
            "roles": format_roles(row.roles),
            "hr_scope": "",
            "language": row.language,
            "telegram_user_id": None,
            "telegram_name": "",
            "linked_at": None,
            "blocked_at": None,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def format_progress_bar(done: int, total: int, width: int = 30) -> str:
    """Render '[#####.....] 12,000/25,000' for a terminal progress line."""
    filled = width if total <= 0 else min(width, max(0, done * width // total))
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
