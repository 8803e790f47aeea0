"""The /statistik bar charts (matplotlib Agg, object API only): drawn in a worker thread, so
the event loop stays free."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.services.charts import DPI, FONT_SIZE, WIDTH_INCHES, chart_text

MAX_ROWS = 12
SERIES_COLORS = ("#1565c0", "#90caf9", "#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a")
PREDIKAT_COLORS = ("#2e7d32", "#66bb6a", "#f9a825", "#ef6c00", "#c62828")


@dataclass(frozen=True)
class BarChart:
    """What a bar chart shows: a row of values per label, the series' names, the words."""

    rows: Sequence[tuple[str, Sequence[float]]]
    series: Sequence[str]
    title: str
    value_label: Callable[[float], str]
    stacked: bool = False
    limit: float | None = None
    colors: Sequence[str] = SERIES_COLORS
    note: str | None = None  # e.g. how many rows were left out (at most MAX_ROWS are drawn)


def render_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    series: Sequence[str],
    title: str,
    value_label: Callable[[float], str],
    stacked: bool = False,
    limit: float | None = None,
    colors: Sequence[str] = SERIES_COLORS,
    note: str | None = None,
) -> bytes:
    """Draw horizontal bars (grouped, or stacked) per row and return PNG bytes.

    Values of grouped bars are labelled with `value_label`; stacked bars show each row's
    total. At most MAX_ROWS rows are drawn (callers mention the rest in `note`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = list(rows)[:MAX_ROWS]
    n_series = max(1, len(series))
    per_row = 0.75 if stacked or n_series == 1 else 0.45 * n_series + 0.3
    figure = Figure(figsize=(WIDTH_INCHES, 2.6 + per_row * max(1, len(shown))), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(shown)))
    height = 0.6 if stacked else 0.7 / n_series
    lefts = [0.0] * len(shown)
    peak = 0.0
    for s, name in enumerate(series):
        values = [float(values[s]) if s < len(values) else 0.0 for _, values in shown]
        color = colors[s % len(colors)]
        if stacked:
            axes.barh(positions, values, left=lefts, color=color, height=height, label=name)
            lefts = [a + b for a, b in zip(lefts, values, strict=True)]
            peak = max([peak, *lefts])
            continue
        offsets = [p - 0.35 + height * (s + 0.5) for p in positions]
        axes.barh(offsets, values, color=color, height=height, label=name)
        peak = max([peak, *values])
        for y, value in zip(offsets, values, strict=True):
            axes.text(
                value,
                y,
                " " + chart_text(value_label(value), 12),
                va="center",
                fontsize=FONT_SIZE - 3 if n_series > 1 else FONT_SIZE,
            )
    if stacked:
        for y, total in zip(positions, lefts, strict=True):
            axes.text(total, y, " " + chart_text(value_label(total), 12), va="center")
    axes.set_yticks(positions, labels=[chart_text(label) for label, _ in shown])
    axes.tick_params(axis="y", labelsize=FONT_SIZE - 1)
    axes.tick_params(axis="x", labelsize=FONT_SIZE - 4)
    axes.invert_yaxis()
    right = limit if limit is not None else max(peak, 1.0)
    axes.set_xlim(0, right * 1.25)
    if limit is not None:
        ticks = [0, limit / 2, limit]
        axes.set_xticks(ticks, labels=[chart_text(value_label(v), 12) for v in ticks])
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if len(series) > 1:
        axes.legend(
            fontsize=FONT_SIZE - 4,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.08),
            ncol=min(3, len(series)),
            frameon=False,
        )
    figure.suptitle(chart_text(title, 40), fontsize=FONT_SIZE + 1, fontweight="bold")
    if note:
        figure.text(0.5, 0.01, chart_text(note, 60), ha="center", fontsize=FONT_SIZE - 4)
    figure.tight_layout(rect=(0, 0.03 if note else 0, 1, 0.96))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


async def draw_bars(chart: BarChart) -> bytes:
    """Draw the chart as a PNG in a worker thread, so the event loop stays free."""
    return await asyncio.to_thread(
        render_bars, chart.rows, series=chart.series, title=chart.title,
        value_label=chart.value_label, stacked=chart.stacked, limit=chart.limit,
        colors=chart.colors, note=chart.note,
    )  # fmt: skip
