"""Time the export writers on 100,000 evaluation rows (CSV and XLSX) and print the numbers."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.services import exports


def main(count: int = 100_000) -> None:
    rows = [
        (
            f"19900101202001{i % 10_000:04d}",
            f"Pegawai {i} <&> 😀",
            "Staf",
            "Dinas",
            "Unit",
            "Baik",
            "Baik",
            "Baik",
            "1",
            "2026-12-01",
        )
        for i in range(count)
    ]
    for name, fmt in (("csv", exports.CSV), ("xlsx", exports.XLSX)):
        start = time.perf_counter()
        data = exports.build_bytes(fmt, exports.EVALUATION_HEADER, rows)
        seconds = time.perf_counter() - start
        print(f"{name:5} rows={count:,}  seconds={seconds:.2f}  bytes={len(data):,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_rss={peak:.0f} MiB  (target: export under 30 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
