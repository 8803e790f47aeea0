"""PNG charts for small phone screens (matplotlib, Agg; call from a worker thread).

Only the object-oriented API is used (Figure + FigureCanvasAgg, never pyplot), so charts can
be drawn from several threads at once without sharing pyplot's global state.

matplotlib (with numpy and Pillow, ~40 MB resident) is imported by the first chart, in the
worker thread that draws it, not when the bot starts: most days no chart is drawn at all.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

MAX_BARS = 12
MAX_LABEL_CHARS = 26
FONT_SIZE = 15
WIDTH_INCHES = 7.2  # 1080 px at 150 dpi: the width of a typical Android phone screen
DPI = 150
BAR_CAP = 1.5  # bars stop at 150 %; the label still shows the real percentage
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOR_DONE = "#2e7d32"
COLOR_ON_THE_WAY = "#1565c0"


@lru_cache(maxsize=1)
def _agg() -> tuple[type[Figure], type[FigureCanvasAgg]]:
    """Import matplotlib headless (never a GUI backend); return (Figure, FigureCanvasAgg)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    return Figure, FigureCanvasAgg


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    """Code points the default font can draw (emoji and rare scripts are not among them)."""
    _agg()
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    return frozenset(FT2Font(path).get_charmap())


def chart_text(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """Make user text safe for a chart label: drawable glyphs only, no mathtext, short.

    '$' would start matplotlib's mathtext (and a lone one raises), so it is escaped; glyphs
    the font lacks (emoji) are dropped instead of being drawn as boxes with a warning.
    """
    glyphs = _glyphs()
    kept = "".join(ch for ch in text if ord(ch) in glyphs or ch == " ")
    kept = " ".join(kept.split()) or "…"
    if len(kept) > limit:
        kept = kept[: limit - 1].rstrip() + "…"
    return kept.replace("$", r"\$")


def render_progress_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    target_label: str,
    more_label: str | None = None,
    formatter: Callable[[float], str] | None = None,
) -> bytes:
    """Draw a horizontal bar per target (achievement ratio) and return PNG bytes.

    At most MAX_BARS bars are drawn (the caller says how many were left out via
    `more_label`). `formatter(ratio) -> str` formats the percentage labels in the user's
    locale; by default they read like '40%'.
    """
    shown = list(bars)[:MAX_BARS]
    fmt = formatter or (lambda r: f"{r * 100:.0f}%")
    count = max(1, len(shown))
    figure_class, canvas_class = _agg()
    figure = figure_class(figsize=(WIDTH_INCHES, 1.8 + 0.75 * count), dpi=DPI)
    canvas_class(figure)
    axes = figure.add_subplot()
    labels = [chart_text(label) for label, _ in shown]
    ratios = [max(0.0, ratio) for _, ratio in shown]
    positions = list(range(len(shown)))
    widths = [min(r, BAR_CAP) for r in ratios]
    colors = [COLOR_DONE if r >= 1 else COLOR_ON_THE_WAY for r in ratios]
    axes.barh(positions, widths, color=colors, height=0.6)
    axes.set_yticks(positions, labels=labels, fontsize=FONT_SIZE)
    axes.invert_yaxis()  # the first target on top, as in the text summary
    right = max(1.15, max(widths, default=0) + 0.35)
    axes.set_xlim(0, right)
    axes.axvline(1.0, color="#555555", linestyle="--", linewidth=1.5)
    axes.text(
        1.0,
        1.01,
        chart_text(target_label, 20),
        transform=axes.get_xaxis_transform(),  # x in data units, y just above the axes
        ha="center",
        va="bottom",
        fontsize=FONT_SIZE - 3,
    )
    for y, (width, ratio) in enumerate(zip(widths, ratios, strict=True)):
        axes.text(
            width + 0.02,
            y,
            chart_text(fmt(ratio), 12),
            va="center",
            fontsize=FONT_SIZE,
            fontweight="bold",
        )
    axes.set_xticks([0, 0.5, 1.0])
    axes.set_xticklabels([chart_text(fmt(v), 12) for v in (0, 0.5, 1.0)])
    axes.tick_params(axis="x", labelsize=FONT_SIZE - 3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.suptitle(chart_text(title, 40), fontsize=FONT_SIZE + 2, fontweight="bold")
    if more_label:
        figure.text(0.5, 0.01, chart_text(more_label, 60), ha="center", fontsize=FONT_SIZE - 3)
    figure.tight_layout(rect=(0, 0.04 if more_label else 0, 1, 0.97))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
