"""Weekly check-in reminders: what other code may call.

- notices: the reminder's text and buttons      - planners: the weekly planner (who, when)
- postponing: "remind me tomorrow", and pauses for leave (cuti)
"""

from __future__ import annotations

from bot.services.checkins.notices import (
    LABEL_REPORT_NOW,
    LATER,
    LEAVE,
    REPORT_START,
    RESUME,
    checkin_message,
)
from bot.services.checkins.planners import CheckinWeek, due_checkin, plan_checkins
from bot.services.checkins.postponing import (
    DateProblem,
    QuickPause,
    add_months,
    date_example,
    latest_pause,
    parse_pause_date,
    pause_reminders,
    paused_until,
    quick_pause_until,
    remind_later,
    resume_reminders,
)

__all__ = [
    "LABEL_REPORT_NOW",
    "LATER",
    "LEAVE",
    "REPORT_START",
    "RESUME",
    "CheckinWeek",
    "DateProblem",
    "QuickPause",
    "add_months",
    "checkin_message",
    "date_example",
    "due_checkin",
    "latest_pause",
    "parse_pause_date",
    "pause_reminders",
    "paused_until",
    "plan_checkins",
    "quick_pause_until",
    "remind_later",
    "resume_reminders",
]
