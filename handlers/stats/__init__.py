"""/statistik (/stats): HR analytics as phone-readable charts plus a short text summary.

- steps: one callback per view, and the router of the st: buttons
- texts: the screens and the words of the charts
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.stats.steps import on_button, start

__all__ = ["build"]


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /statistik handlers."""
    return [
        CommandHandler(["statistik", "stats"], start),
        CallbackQueryHandler(on_button, pattern=r"^st:"),
    ]
