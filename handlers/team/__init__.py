"""/tim (/team): a leader's team overview, drill-downs, team chart and report-notice choice.

- callbacks: the callback data, built and parsed
- steps: one callback per command and button
- texts: the screens
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.team.steps import (
    choose_notice_mode,
    refuse_view,
    send_chart,
    show_member,
    show_notice_menu,
    show_team_command,
    show_team_page,
    show_units,
)

__all__ = ["build"]


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /tim handlers."""
    return [
        CommandHandler(["tim", "team"], show_team_command),
        CallbackQueryHandler(show_team_page, pattern=r"^tm:l:"),
        CallbackQueryHandler(send_chart, pattern=r"^tm:c:"),
        CallbackQueryHandler(show_units, pattern=r"^tm:units:"),
        CallbackQueryHandler(show_member, pattern=r"^tm:e:"),
        CallbackQueryHandler(show_notice_menu, pattern=r"^tm:n$"),
        CallbackQueryHandler(choose_notice_mode, pattern=r"^tm:n:"),
        # Anything else in our namespace is malformed or stale: refuse, show nothing.
        CallbackQueryHandler(refuse_view, pattern=r"^tm:"),
    ]
