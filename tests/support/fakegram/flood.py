"""Telegram-like flood control: a global rolling window and a token bucket per chat."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

GLOBAL_PER_SECOND = 30
CHAT_BURST = 3.0
CHAT_REFILL_PER_SECOND = 1.0


@dataclass
class FloodVerdict:
    """Outcome of a flood check: retry_after (None if allowed) and whether it was a violation."""

    retry_after: int | None = None
    violation: bool = False


@dataclass
class FloodControl:
    """Limits on outgoing messages: >30/s globally or a drained per-chat bucket gives 429."""

    window: deque[float] = field(default_factory=deque)
    buckets: dict[int | str, tuple[float, float]] = field(default_factory=dict)
    blocked_until: dict[object, float] = field(default_factory=dict)
    peak: int = 0  # the most messages Telegram let through within one second
    admitted: int = 0  # messages Telegram let through

    def check(self, chat_id: int | str | None, now: float) -> FloodVerdict:
        """Admit one message at time `now` or say how long to wait (and if that was ignored)."""
        scopes: list[object] = ["global"] if chat_id is None else ["global", ("chat", chat_id)]
        pending = [
            self.blocked_until[s] - now for s in scopes if self.blocked_until.get(s, 0) > now
        ]
        if pending:
            return FloodVerdict(max(1, math.ceil(max(pending))), violation=True)
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        waits: dict[object, float] = {}
        if len(self.window) >= GLOBAL_PER_SECOND:
            waits["global"] = self.window[0] + 1.0 - now
        tokens = CHAT_BURST
        if chat_id is not None:
            tokens, last = self.buckets.get(chat_id, (CHAT_BURST, now))
            tokens = min(CHAT_BURST, tokens + (now - last) * CHAT_REFILL_PER_SECOND)
            if tokens < 1.0:
                waits[("chat", chat_id)] = (1.0 - tokens) / CHAT_REFILL_PER_SECOND
        if waits:
            retry_after = max(1, math.ceil(max(waits.values())))
            for scope in waits:
                self.blocked_until[scope] = now + retry_after
            return FloodVerdict(retry_after)
        self.window.append(now)
        self.peak = max(self.peak, len(self.window))
        self.admitted += 1
        if chat_id is not None:
            self.buckets[chat_id] = (tokens - 1.0, now)
        return FloodVerdict()
