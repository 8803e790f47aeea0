"""The weekly check-in reminder itself: its greeting, text and buttons, in the reader's language.

The buttons' callback data is read by handlers/checkins (later, leave, resume) and by the
report feature (Report now).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.delivery import outbox_queue
from bot.i18n import N_, Translator
from bot.text import esc

KIND_CHECKIN = "checkin"
KIND_LATER = "checkin-later"
REPORT_START = "rp:start"  # the report flow's entry button (owned by the report feature)
LATER = "ci:later"
LEAVE = "ci:leave"
RESUME = "ci:resume"

GREETING_MORNING = N_("Good morning, {name}!")
GREETING_MIDDAY = N_("Good day, {name}!")
GREETING_AFTERNOON = N_("Good afternoon, {name}!")
LABEL_REPORT_NOW = N_("Report now")
LABEL_LATER = N_("Remind me tomorrow")
LABEL_LEAVE = N_("I am on leave until …")


def greeting(t: Translator, moment: datetime) -> str:
    """Pick a greeting for the hour the message is meant to arrive (WIB)."""
    hour = moment.astimezone(t.tz).hour
    if hour < 11:
        return t._(GREETING_MORNING)
    if hour < 15:
        return t._(GREETING_MIDDAY)
    return t._(GREETING_AFTERNOON)


def checkin_keyboard(t: Translator) -> dict[str, Any]:
    """Return the reminder's buttons: report now, remind me tomorrow, I am on leave."""
    return outbox_queue.inline_keyboard(
        [
            [(t._(LABEL_REPORT_NOW), REPORT_START)],
            [(t._(LABEL_LATER), LATER)],
            [(t._(LABEL_LEAVE), LEAVE)],
        ]
    )


def checkin_template(t: Translator, moment: datetime) -> str:
    """Return the reminder text with a `{name}` placeholder left for the recipient's name."""
    _ = t._
    body = _(
        "Has there been any progress on your targets this week? Even a small step is worth "
        "reporting: it helps you and your leader see how far you have come.\n\n"
        "Tap <b>Report now</b> whenever you are ready. On leave? Let me know and I will pause "
        "these reminders."
    )
    # The greeting keeps its own {name}; the body is literal text, so escape its braces.
    return greeting(t, moment) + "\n\n" + body.replace("{", "{{").replace("}", "}}")


def checkin_message(t: Translator, name: str, moment: datetime) -> tuple[str, dict[str, Any]]:
    """Return (HTML text, reply markup) of a check-in reminder for one person."""
    return checkin_template(t, moment).format(name=esc(name)), checkin_keyboard(t)
