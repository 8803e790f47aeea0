"""Spreadsheet exports for HR: evaluation results (for BKN's e-Kinerja), compliance, broadcasts.

Rows are loaded with a few set-based queries; the file itself is written by a plain sync
function (a small streaming XLSX writer, or the csv module for CSV) run in a worker thread.

- spreadsheets: writing a table as XLSX or CSV (formula-safe), and the built file
- evaluations: evaluation results of a semester (also the CLI's `export`)
- compliance: reporting compliance per employee
- skp: the SKP with its realisation, one row per IKI (also the CLI's `export --skp`)
- broadcasts: a broadcast's delivery and reads per recipient
- shared: local dates, translated column titles, the one OPD's code in file names
"""

from __future__ import annotations

from bot.services.exports.broadcasts import BROADCAST_COLUMNS, build_broadcast_export
from bot.services.exports.compliance import COMPLIANCE_COLUMNS, build_compliance_export
from bot.services.exports.evaluations import (
    EVALUATION_HEADER,
    build_evaluation_export,
    evaluation_file_name,
    export_evaluations,
)
from bot.services.exports.skp import SKP_HEADER, build_skp_export, export_skp, skp_file_name
from bot.services.exports.spreadsheets import (
    CSV,
    FORMATS,
    XLSX,
    ExportFile,
    Row,
    build_bytes,
    csv_safe,
    format_of,
    write_file,
    write_table,
)

__all__ = [
    "BROADCAST_COLUMNS",
    "COMPLIANCE_COLUMNS",
    "CSV",
    "EVALUATION_HEADER",
    "FORMATS",
    "SKP_HEADER",
    "XLSX",
    "ExportFile",
    "Row",
    "build_broadcast_export",
    "build_bytes",
    "build_compliance_export",
    "build_evaluation_export",
    "build_skp_export",
    "csv_safe",
    "evaluation_file_name",
    "export_evaluations",
    "export_skp",
    "format_of",
    "skp_file_name",
    "write_file",
    "write_table",
]
