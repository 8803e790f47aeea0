"""Writing a table as XLSX or CSV: sync on purpose, so callers run it in a worker thread.

XLSX is written by a small streaming writer (cells as inline strings and numbers); CSV by the
csv module, with cells a spreadsheet would run as a formula kept as text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Control characters XML (and so XLSX) cannot hold; the same set openpyxl refuses.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
MIME = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv",
}

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
