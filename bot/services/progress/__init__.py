"""Personal progress (/kinerja): what other code may call (the data is in summary.py)."""

from __future__ import annotations

from bot.services.progress.summary import (
    Contribution,
    ProgressSummary,
    TargetLine,
    WaitingTarget,
    chart_bars,
    load_summary,
    period_label,
    progress_of,
)

__all__ = [
    "Contribution",
    "ProgressSummary",
    "TargetLine",
    "WaitingTarget",
    "chart_bars",
    "load_summary",
    "period_label",
    "progress_of",
]
