"""`import-targets`: SKP targets from a CSV/XLSX file, validated like the roster.

The contract (README.md, "Target file format"): columns `nip, period, title, indicator,
target, unit, kind` and optionally `jenis, kualitas, aspek, jenis_indikator`. Rows with the
same (nip, period, title) are one RHK, each row one of its IKIs in file order; a file without
the new columns imports as before (one IKI per RHK). Every row is checked before anything is
written; one bad row means nothing is imported. The natural key is (employee, period,
title), so rerunning the same file changes nothing. Imported targets come from the official
SKP: approved at once. The counts (created, updated, unchanged) count RHKs.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_
from bot.services import audit
from bot.services.numbers import MAX_AMOUNT, AmountError, parse_amount
from bot.services.periods import parse_period
from bot.services.roster import RowError, _csv_records, _nip_text, _text, _xlsx_records
from bot.services.targets import drafts, indicators, vocabulary
from bot.services.targets.achievement_rules import Aspect, Measure
from bot.services.targets.indicators import IndicatorDraft
from models import Target
from models.db import SessionFactory

COLUMNS = (
    "nip",
    "period",
    "title",
    "indicator",
    "target",
    "unit",
    "kind",
    "jenis",
    "kualitas",
    "aspek",
    "jenis_indikator",
)
OPTIONAL = frozenset({"jenis", "kualitas", "aspek", "jenis_indikator"})
ASPECT_WORDS = {
    "kuantitas": Aspect.KUANTITAS,
    "quantity": Aspect.KUANTITAS,
    "kualitas": Aspect.KUALITAS,
    "quality": Aspect.KUALITAS,
    "waktu": Aspect.WAKTU,
    "time": Aspect.WAKTU,
    "biaya": Aspect.BIAYA,
    "cost": Aspect.BIAYA,
}
MEASURE_WORDS = {
    "kumulatif": Measure.CUMULATIVE,
    "cumulative": Measure.CUMULATIVE,
    "level": Measure.LEVEL,
    "lower": Measure.LOWER,
    "deadline": Measure.DEADLINE,
    "kualitatif": Measure.QUALITATIVE,
    "qualitative": Measure.QUALITATIVE,
}
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REQUIRED = tuple(c for c in COLUMNS if c not in OPTIONAL)
KIND_WORDS = {
    "kuantitatif": vocabulary.KIND_QUANT,
    "quantitative": vocabulary.KIND_QUANT,
    "kualitatif": vocabulary.KIND_QUAL,
    "qualitative": vocabulary.KIND_QUAL,
}
CHUNK = 1000  # rows per bulk statement (asyncpg allows 32767 parameters)


@dataclass(frozen=True)
class TargetRow:
    """One line of a target file, trimmed but not yet validated."""

    line: int
    nip: str
    period: str
    title: str
    indicator: str
    target: Any  # text, or a number from an XLSX cell
    unit: str
    kind: str
    jenis: str
    quality: str
    aspect: str = ""
    measure: str = ""


@dataclass
class TargetImportSummary:
    """What an import did (or, for a dry run or a failed validation, would have done)."""

    created: int
    updated: int
    unchanged: int
    errors: list[RowError]
    dry_run: bool
    total: int

    @property
    def ok(self) -> bool:
        """True when the file passed validation."""
        return not self.errors


@dataclass(frozen=True)
class _Clean:
    """A validated RHK: the values a Target will hold (its first IKI's), and all its IKIs."""

    line: int
    employee_id: int
    period: str
    title: str
    indicator: str
    kind: str
    amount: Decimal | None
    unit: str
    expectation: str
    jenis: str
    quality: str
    ikis: tuple[IndicatorDraft, ...] = ()

    def signature(self) -> list[tuple[str, ...]]:
        """The IKIs as indicators.signature writes them (to tell an unchanged RHK)."""
        return [
            (
                d.aspect.value,
                d.measure.value,
                d.text,
                str(d.amount.normalize()) if d.amount is not None else "",
                d.unit,
                d.due_on.isoformat() if d.due_on else "",
                str(d.periods or ""),
                d.expectation,
            )
            for d in self.ikis
        ]

    def values(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "kind": self.kind,
            "target_amount": self.amount,
            "unit": self.unit,
            "expectation": self.expectation,
            "quality_standard": self.quality,
            "jenis": self.jenis,
        }


# --------------------------------------------------------------------------- reading


def read_targets(path: Path) -> tuple[list[TargetRow], list[RowError]]:
    """Read a target CSV or XLSX file; file-level problems come back as errors (line 0/1)."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".txt", ".xlsx", ".xlsm"}:
        msg = N_("Unsupported file type “{ext}”: use a .csv or .xlsx file.")
        return [], [RowError(0, "", msg, {"ext": suffix or path.name})]
    try:
        if suffix in {".xlsx", ".xlsm"}:
            records = _xlsx_records(path)
        else:
            records = _csv_records(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        return [], [RowError(0, "", N_("File not found: {path}"), {"path": str(path)})]
    except UnicodeDecodeError:
        msg = N_("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
        return [], [RowError(0, "", msg, {})]
    except Exception as exc:  # openpyxl raises many types for damaged files
        msg = N_("Cannot read {path}: {reason}")
        return [], [RowError(0, "", msg, {"path": str(path), "reason": str(exc) or repr(exc)})]
    return _rows(records)


def _rows(records: list[tuple[int, list[Any]]]) -> tuple[list[TargetRow], list[RowError]]:
    iterator = iter(records)
    header: dict[str, int] | None = None
    for line, cells in iterator:
        if not any(_text(c) for c in cells):
            continue
        header = {}
        for index, raw in enumerate(cells):
            name = re.sub(r"\s+", "_", _text(raw).lstrip("\ufeff").strip().lower())
            if name:
                header.setdefault(name, index)
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            msg = N_("Missing column(s): {columns}. The header row needs: {expected}.")
            params = {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
            return [], [RowError(line, "", msg, params)]
        break
    if header is None:
        return [], [RowError(1, "", N_("The file is empty: no header row was found."), {})]
    columns = header

    def cell(cells: list[Any], column: str) -> Any:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    rows: list[TargetRow] = []
    for line, cells in iterator:
        if not any(_text(c) for c in cells):
            continue
        nip, _lost = _nip_text(cell(cells, "nip"))
        raw_target = cell(cells, "target")
        rows.append(
            TargetRow(
                line=line,
                nip=nip,
                period=_text(cell(cells, "period")),
                title=_text(cell(cells, "title")),
                indicator=_text(cell(cells, "indicator")),
                target=raw_target if isinstance(raw_target, int | float) else _text(raw_target),
                unit=_text(cell(cells, "unit")),
                kind=_text(cell(cells, "kind")).lower(),
                jenis=_text(cell(cells, "jenis")).lower(),
                quality=_text(cell(cells, "kualitas")),
                aspect=_text(cell(cells, "aspek")).lower(),
                measure=_text(cell(cells, "jenis_indikator")).lower(),
            )
        )
    if not rows:
        return [], [RowError(1, "", N_("The file has a header but no target rows."), {})]
    return rows, []


# --------------------------------------------------------------------------- validation


def _number(value: Any) -> Decimal:
    """Read a target amount: a typed '12,5' the Indonesian way, a spreadsheet number as is."""
    if isinstance(value, bool):
        raise AmountError(N_("Please type a number only, for example 12 or 12,5."))
    if isinstance(value, int | float):
        # A numeric cell is already a number: do not re-read '1.125' as one thousand.
        try:
            amount = Decimal(repr(value))
        except InvalidOperation as exc:
            raise AmountError(N_("Please type a number only, for example 12 or 12,5.")) from exc
        if not amount.is_finite():
            raise AmountError(N_("Please type a number only, for example 12 or 12,5."))
        if amount < 0:
            raise AmountError(N_("The amount cannot be negative."))
        if amount > MAX_AMOUNT:
            raise AmountError(N_("That number is too large. Please check it."))
        if amount == 0:
            raise AmountError(N_("The amount must be more than 0."))
        return amount
    return parse_amount(str(value))


def _deadline(value: Any) -> tuple[date | None, int | None]:
    """A deadline's target: a date (YYYY-MM-DD, or a spreadsheet date) or a number of periods."""
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = _text(value)
    if DATE_TEXT.match(text):
        try:
            return date.fromisoformat(text), None
        except ValueError:
            pass
    amount = _number(value)
    if amount != amount.to_integral_value():
        raise AmountError(indicators.WHOLE_PERIODS)
    return None, int(amount)


@dataclass(frozen=True)
class _Row:
    """A validated row: one IKI of an RHK, with the RHK's key and fields."""

    line: int
    employee_id: int
    period: str
    title: str
    jenis: str
    quality: str
    iki: IndicatorDraft


def _iki(row: TargetRow, kind: str | None, add: Any) -> IndicatorDraft | None:
    """Check one row's indicator (its kind, aspek and target); report problems through add."""
    measure = MEASURE_WORDS.get(row.measure) if row.measure else None
    if row.measure and measure is None:
        add(
            N_(
                "The jenis_indikator “{value}” is not known: use kumulatif, level, lower, "
                "deadline or kualitatif."
            ),
            value=row.measure,
        )
        return None
    if kind is None:
        return None
    measure = measure or indicators.default_measure(kind)
    if (measure is Measure.QUALITATIVE) != (kind == vocabulary.KIND_QUAL):
        add(
            N_(
                "The jenis_indikator “{value}” does not fit the kind “{kind}”: kualitatif goes "
                "with kualitatif, the others with kuantitatif."
            ),
            value=row.measure,
            kind=row.kind,
        )
        return None
    aspect = ASPECT_WORDS.get(row.aspect) if row.aspect else indicators.default_aspect(measure)
    if aspect is None:
        add(
            N_("The aspek “{value}” is not known: use kuantitas, kualitas, waktu or biaya."),
            value=row.aspect,
        )
        return None
    if measure is Measure.QUALITATIVE:
        expectation = _text(row.target)
        if problem := drafts.check_expectation(expectation):
            add(problem.message, **problem.params)
            return None
        if len(row.unit) > vocabulary.MAX_UNIT:
            add(
                N_("The unit may have at most {max} characters; yours has {length}."),
                max=vocabulary.MAX_UNIT,
                length=len(row.unit),
            )
            return None
        return IndicatorDraft(
            aspect, measure, row.indicator, unit=row.unit, expectation=expectation
        )
    try:
        if measure is Measure.DEADLINE:
            due_on, periods = _deadline(row.target)
            return IndicatorDraft(
                aspect, measure, row.indicator, unit=row.unit, due_on=due_on, periods=periods
            )
        amount = _number(row.target)
    except AmountError as exc:
        add(N_("Target “{value}”: {reason}"), value=str(row.target), reason=exc.reason)
        return None
    if problem := drafts.check_unit(row.unit):
        add(problem.message, **problem.params)
        return None
    return IndicatorDraft(aspect, measure, row.indicator, amount=amount, unit=row.unit)


def validate(
    rows: list[TargetRow], employees: dict[str, int]
) -> tuple[list[_Clean], list[RowError]]:
    """Check every row; return the clean RHKs (rows with one key together) and every error."""
    errors: list[RowError] = []
    clean: list[_Row] = []
    first: dict[tuple[str, str, str], TargetRow] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    for row in rows:

        def add(message: str, row: TargetRow = row, **params: Any) -> None:
            errors.append(RowError(row.line, row.nip, message, params))

        before = len(errors)
        employee_id = employees.get(row.nip)
        if not row.nip:
            add(N_("The NIP is empty."))
        elif employee_id is None:
            add(N_("NIP {nip} is not an active employee in the database."), nip=row.nip)
        try:
            period = parse_period(row.period).code
        except ValueError:
            period = row.period
            add(
                N_("The period “{period}” is not valid: write YYYY-1 or YYYY-2, e.g. 2026-2."),
                period=row.period,
            )
        if problem := drafts.check_title(row.title):
            add(problem.message, **problem.params)
        if problem := drafts.check_indicator(row.indicator):
            add(problem.message, **problem.params)
        kind = KIND_WORDS.get(row.kind)
        if kind is None:
            add(
                N_("The kind “{kind}” is not known: use kuantitatif or kualitatif."),
                kind=row.kind,
            )
        jenis = row.jenis or vocabulary.JENIS_UTAMA
        if jenis not in vocabulary.JENIS:
            add(N_("The jenis “{jenis}” is not known: use utama or tambahan."), jenis=row.jenis)
        if problem := drafts.check_quality(row.quality):
            add(problem.message, **problem.params)
        iki = _iki(row, kind, add)
        key = (row.nip, period, row.title)
        head = first.setdefault(key, row) if row.title else row
        if head is not row:
            # Another IKI of the same RHK: the RHK's own fields are those of its first row.
            if (row.jenis and row.jenis != (head.jenis or vocabulary.JENIS_UTAMA)) or (
                row.quality and row.quality != head.quality
            ):
                add(
                    N_(
                        "The jenis or kualitas differs from line {other_line}, the first row of "
                        "this work result."
                    ),
                    other_line=head.line,
                )
            jenis, quality = head.jenis or vocabulary.JENIS_UTAMA, head.quality
        else:
            quality = row.quality
        twice = (*key, row.indicator.casefold())
        if row.title and twice in seen:
            add(
                N_(
                    "The same NIP, period, title and indicator already appear on line "
                    "{other_line}."
                ),
                other_line=seen[twice],
            )
        else:
            seen.setdefault(twice, row.line)
        if len(errors) == before and employee_id is not None and iki is not None:
            clean.append(_Row(row.line, employee_id, period, row.title, jenis, quality, iki))
    return _rhks(clean), errors


def _rhks(rows: list[_Row]) -> list[_Clean]:
    """Rows with the same (employee, period, title) as one RHK, its IKIs in file order."""
    grouped: dict[tuple[int, str, str], list[_Row]] = {}
    for row in rows:
        grouped.setdefault((row.employee_id, row.period, row.title), []).append(row)
    found = []
    for group in grouped.values():
        head, iki = group[0], group[0].iki
        found.append(
            _Clean(
                line=head.line,
                employee_id=head.employee_id,
                period=head.period,
                title=head.title,
                indicator=iki.text,
                kind=iki.kind,
                amount=iki.amount if iki.measure is not Measure.DEADLINE else None,
                unit=iki.unit,
                expectation=iki.expectation,
                jenis=head.jenis,
                quality=head.quality,
                ikis=tuple(r.iki for r in group),
            )
        )
    return found


# --------------------------------------------------------------------------- import


def _same(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for name, value in wanted.items():
        have = current[name]
        if isinstance(value, Decimal) or isinstance(have, Decimal):
            if (have is None) != (value is None) or (
                have is not None and Decimal(str(have)) != value
            ):
                return False
        elif have != value:
            return False
    return current["status"] == vocabulary.STATUS_APPROVED


async def import_targets(
    sessions: SessionFactory,
    source: Path,
    *,
    dry_run: bool,
    now: datetime,
    actor_label: str = "cli:import-targets",
) -> TargetImportSummary:
    """Validate a target file and, when it is clean and not a dry run, upsert it at once."""
    if now.tzinfo is None:
        raise ValueError("import_targets needs an aware `now`")
    rows, errors = await asyncio.to_thread(read_targets, Path(source))
    async with sessions() as session, session.begin():
        employees = await _active_employees(session)
        clean, row_errors = validate(rows, employees) if rows else ([], [])
        errors = sorted([*errors, *row_errors], key=lambda e: e.line)
        summary = TargetImportSummary(0, 0, 0, errors, dry_run, len(rows))
        if errors:
            return summary
        current = await _current_targets(session, {c.period for c in clean})
        held = {
            existing["id"]: Target.model_validate(existing)
            for row in clean
            if (existing := current.get((row.employee_id, row.period, row.title)))
        }
        signatures = await indicators.signatures(session, held)
        new: list[_Clean] = []
        changed: list[tuple[_Clean, dict[str, Any]]] = []
        for row in clean:
            existing = current.get((row.employee_id, row.period, row.title))
            if existing is None:
                new.append(row)
            elif not _same(existing, row.values()) or (
                signatures[existing["id"]] != row.signature()
            ):
                changed.append((row, existing))
        summary.created = len(new)
        summary.updated = len(changed)
        summary.unchanged = len(clean) - len(new) - len(changed)
        if dry_run or not (new or changed):
            return summary
        await _write(session, new, changed, now)
        await _write_indicators(session, new, changed)
        audit.record(
            session,
            action="target_import",
            at=now,
            actor_label=actor_label,
            file=Path(source).name,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
        )
    return summary


async def _active_employees(session: AsyncSession) -> dict[str, int]:
    """Map each active employee's NIP to their id."""
    t = SQLModel.metadata.tables["employee"].c
    conn = await session.connection()
    rows = await conn.execute(select(t.nip, t.id).where(t.active.is_(True)))
    return {nip: emp_id for nip, emp_id in rows}


async def _current_targets(
    session: AsyncSession, periods: set[str]
) -> dict[tuple[int, str, str], dict[str, Any]]:
    """Load the stored targets of these periods by natural key (a live one wins over archived)."""
    t = SQLModel.metadata.tables["target"].c
    conn = await session.connection()
    result = await conn.execute(
        select(
            t.id,
            t.employee_id,
            t.period,
            t.title,
            t.created_at,
            t.updated_at,
            t.indicator,
            t.kind,
            t.target_amount,
            t.unit,
            t.expectation,
            t.quality_standard,
            t.jenis,
            t.status,
            t.version,
        )
        .where(t.period.in_(sorted(periods)))
        .order_by(t.id)
    )
    found: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in result.mappings():
        key = (row["employee_id"], row["period"], row["title"])
        held = found.get(key)
        if held is None or (
            held["status"] == vocabulary.STATUS_ARCHIVED
            and row["status"] != vocabulary.STATUS_ARCHIVED
        ):
            found[key] = dict(row)
    return found


async def _write(
    session: AsyncSession,
    new: list[_Clean],
    changed: list[tuple[_Clean, dict[str, Any]]],
    now: datetime,
) -> None:
    """Insert new targets and update changed ones with bulk statements."""
    table = SQLModel.metadata.tables["target"]
    conn = await session.connection()
    approved = {
        "status": vocabulary.STATUS_APPROVED,
        "source": vocabulary.SOURCE_IMPORT,
        "approved_by_id": None,
        "approved_at": now,
        "return_note": "",
        "updated_at": now,
    }
    for start in range(0, len(new), CHUNK):
        await conn.execute(
            insert(table),
            [
                {
                    "employee_id": row.employee_id,
                    "period": row.period,
                    "title": row.title,
                    **row.values(),
                    **approved,
                    "parent_target_id": None,
                    "proposed_by_id": None,
                    "version": 1,
                    "created_at": now,
                }
                for row in new[start : start + CHUNK]
            ],
        )
    statement = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values(
            indicator=bindparam("_indicator"),
            kind=bindparam("_kind"),
            target_amount=bindparam("_amount"),
            unit=bindparam("_unit"),
            expectation=bindparam("_expectation"),
            quality_standard=bindparam("_quality"),
            jenis=bindparam("_jenis"),
            version=bindparam("_version"),
            **approved,
        )
    )
    for start in range(0, len(changed), CHUNK):
        await conn.execute(
            statement,
            [
                {
                    "_id": existing["id"],
                    "_indicator": row.indicator,
                    "_kind": row.kind,
                    "_amount": row.amount,
                    "_unit": row.unit,
                    "_expectation": row.expectation,
                    "_quality": row.quality,
                    "_jenis": row.jenis,
                    "_version": existing["version"] + 1,
                }
                for row, existing in changed[start : start + CHUNK]
            ],
        )


async def _write_indicators(
    session: AsyncSession, new: list[_Clean], changed: list[tuple[_Clean, dict[str, Any]]]
) -> None:
    """Write each imported RHK's IKIs: bulk for new targets, in place for changed ones."""
    stored = await _current_targets(session, {row.period for row in new})
    table = SQLModel.metadata.tables["indicator"]
    conn = await session.connection()
    rows = [
        {
            "target_id": stored[(rhk.employee_id, rhk.period, rhk.title)]["id"],
            "position": position,
            "aspect": iki.aspect.value,
            "measure": iki.measure.value,
            "text": iki.text,
            "target_amount": iki.amount,
            "unit": iki.unit,
            "due_on": iki.due_on,
            "periods": iki.periods,
            "expectation": iki.expectation,
        }
        for rhk in new
        for position, iki in enumerate(rhk.ikis)
    ]
    for start in range(0, len(rows), CHUNK):
        await conn.execute(insert(table), rows[start : start + CHUNK])
    for rhk, existing in changed:
        await indicators.replace_all(session, existing["id"], rhk.ikis)
