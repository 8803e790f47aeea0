"""The callback data of /tim, built and parsed (all untrusted; the service checks every
leader, unit and employee id):

  tm:l:<leader>:<unit>:<page>   a team page; unit is "a" (everyone) or a unit id (0 = none)
  tm:c:<leader>:<unit>:<page>   the chart of that page
  tm:units:<leader>             the team grouped by unit
  tm:e:<employee>               one subordinate's targets and reports
  tm:n  /  tm:n:<mode>          the report-notice menu / choosing instant | digest | off
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.text import callback_data

PREFIX = "tm"
ALL_UNITS = "a"
NOTICE_MENU = "tm:n"


@dataclass(frozen=True)
class View:
    """Which team page a button names."""

    leader_id: int
    unit_id: int | None  # None = everyone
    page: int

    def data(self, action: str = "l") -> str:
        unit = ALL_UNITS if self.unit_id is None else str(self.unit_id)
        return callback_data(PREFIX, action, self.leader_id, unit, self.page)


def pressed(update: Update) -> str | None:
    """The pressed button's data."""
    return update.callback_query.data if update.callback_query else None


def parse_view(data: str | None, action: str) -> View | None:
    """Parse 'tm:<action>:<leader>:<unit>:<page>'; None for anything malformed."""
    parts = (data or "").split(":")
    if len(parts) != 5 or parts[0] != PREFIX or parts[1] != action:
        return None
    leader, unit, page = parts[2], parts[3], parts[4]
    if not (leader.isdigit() and page.isdigit()) or len(leader) > 12 or len(page) > 6:
        return None
    if unit != ALL_UNITS and not (unit.isdigit() and len(unit) <= 12):
        return None
    return View(int(leader), None if unit == ALL_UNITS else int(unit), int(page))


def parse_id(data: str | None, action: str) -> int | None:
    """Parse 'tm:<action>:<id>'; None for anything malformed."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[:2] != [PREFIX, action]:
        return None
    value = parts[2]
    return int(value) if value.isdigit() and len(value) <= 12 else None


def member_data(employee_id: int) -> str:
    """The button of one member's detail screen."""
    return callback_data(PREFIX, "e", employee_id)


def units_data(leader_id: int) -> str:
    """The button of the team grouped by unit."""
    return callback_data(PREFIX, "units", leader_id)


def mode_data(mode: str) -> str:
    """The button choosing a report-notice mode."""
    return callback_data(PREFIX, "n", mode)
