"""/kinerja (/progress): the employee's own progress as text, and as a chart on request.

- steps.py: the command and the chart button   - texts.py: the screens
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.progress.steps import send_chart, show_progress
from handlers.progress.texts import CHART, SHOW


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /kinerja handlers."""
    return [
        CommandHandler(["kinerja", "progress"], show_progress),
        CallbackQueryHandler(show_progress, pattern=f"^{SHOW}$"),
        CallbackQueryHandler(send_chart, pattern=f"^{CHART}$"),
    ]
