"""/ekspor (/export): HR downloads evaluation results, reporting compliance or a broadcast report.

- steps: one callback per screen and file, and the router of the ex: buttons
- texts: the screens
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.exports.steps import on_button, show_menu

__all__ = ["build"]


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /ekspor handlers."""
    return [
        CommandHandler(["ekspor", "export"], show_menu),
        CallbackQueryHandler(on_button, pattern=r"^ex:"),
    ]
