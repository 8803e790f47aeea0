"""Time the roster import: a first import, a rerun (all unchanged), then every row changed.

    .venv/bin/python bench/import_roster.py [--rows 25000] [--database-url URL] [--xlsx]

Without --database-url a fresh SQLite file in a temporary folder is migrated and used. A URL
you pass must point at an empty database (it is migrated to head first).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bot.demo_org import generate_roster, write_roster_csv, write_roster_xlsx  # noqa: E402
from bot.services.roster import ImportSummary, format_progress_bar, import_roster  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402


def peak_rss_mib() -> float:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def show_progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r  {format_progress_bar(done, total)}", end="", file=sys.stderr, flush=True)


async def timed_import(url: str, path: Path, now: datetime) -> tuple[ImportSummary, float]:
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        started = time.perf_counter()
        summary = await import_roster(
            sessions, path, dry_run=False, now=now, progress=show_progress
        )
        elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return summary, elapsed


def report(label: str, summary: ImportSummary, seconds: float) -> None:
    print(
        f"{label:<8} rows={summary.total:,}  created={summary.created:,}  "
        f"updated={summary.updated:,}  unchanged={summary.unchanged:,}  "
        f"errors={len(summary.errors)}  seconds={seconds:.2f}  "
        f"rows/s={summary.total / seconds:,.0f}  peak_rss={peak_rss_mib():.0f} MiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--xlsx", action="store_true", help="import an XLSX file instead of CSV")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-roster-") as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        started = time.perf_counter()
        rows = generate_roster(args.rows, seed=args.seed)
        path = folder / ("roster.xlsx" if args.xlsx else "roster.csv")
        (write_roster_xlsx if args.xlsx else write_roster_csv)(rows, path)
        elapsed = time.perf_counter() - started
        print(f"generated {len(rows):,} rows -> {path.name} in {elapsed:.2f}s")
        upgrade_to_head(url)

        now = datetime.now(ZoneInfo("Asia/Jakarta"))
        first, first_s = asyncio.run(timed_import(url, path, now))
        report("first", first, first_s)
        rerun, rerun_s = asyncio.run(timed_import(url, path, now))
        report("rerun", rerun, rerun_s)
        # Everyone's jabatan changes: the bulk-update path.
        changed_path = folder / f"changed{path.suffix}"
        changed = [{**row, "jabatan": f"{row['jabatan']} (Plt)"} for row in rows]
        (write_roster_xlsx if args.xlsx else write_roster_csv)(changed, changed_path)
        update, update_s = asyncio.run(timed_import(url, changed_path, now))
        report("changed", update, update_s)
        if first.errors or rerun.unchanged != len(rows) or update.updated != len(rows):
            print("unexpected result: see the counts above", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
