"""The one source of "now". Rules never call datetime.now() themselves."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    """Real time, optionally shifted to start at BOT_CLOCK_START, or frozen/advanced in tests."""

    def __init__(self, tz: ZoneInfo, start: datetime | None = None) -> None:
        self.tz = tz
        self._offset = timedelta(0)
        self._frozen: datetime | None = None
        if start is not None:
            self._offset = start.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        """Return the current instant in the bot's time zone (WIB by default)."""
        if self._frozen is not None:
            return self._frozen.astimezone(self.tz)
        return (datetime.now(UTC) + self._offset).astimezone(self.tz)

    def utcnow(self) -> datetime:
        """Return the current instant in UTC."""
        return self.now().astimezone(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def freeze(self, at: datetime) -> None:
        """Stop the clock at `at` (tests)."""
        if at.tzinfo is None:
            raise ValueError("freeze() needs an aware datetime")
        self._frozen = at

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward, frozen or not (tests and demos)."""
        if self._frozen is not None:
            self._frozen += delta
        else:
            self._offset += delta
