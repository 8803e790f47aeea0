"""The bot's one send budget (SharedRateLimiter) and its retry policy for Bot API failures.

Interactive replies never queue behind bulk traffic: handlers send directly through the
bot, whose SharedRateLimiter gives the whole bot one budget of Telegram's 30 messages per
second, and bulk sends (marked by the outbox drainer) take a slot only while no reply waits
for one. Without it, PTB's AIORateLimiter serves everyone first come, first served: with
the drainer at 25/s a busy Friday morning (everyone answering their check-in) would leave
replies ~5/s, and a single 429 on a bulk send would stall every reply for retry_after.

Interactive requests also ride out short Telegram outages (502/503/504, refused
connections) with a few quick retries, unless a retry could deliver a message twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import BaseRateLimiter

from bot.runtime.metrics import FLOOD_WAITS

log = logging.getLogger(__name__)

BULK = "bulk"  # rate_limit_args marking the drainer's requests for SharedRateLimiter
CHAT_GAP = 1.0  # seconds between a chat's last message and a bulk send to it
# Waits before the 1st, 2nd and 3rd retry of an interactive request after a transient failure.
TRANSIENT_BACKOFF = (0.5, 1.0, 2.0)
# Methods that create a message: after a timeout Telegram may already have delivered it.
NON_IDEMPOTENT_PREFIXES = ("send", "forward", "copy")
# Round trips timed before the fastest one is trusted as the floor (see SharedRateLimiter).
TRUST_AFTER = 300
# Taken off the fastest round trip: our own scheduling jitter on either side of a call.
FLOOR_MARGIN = 0.005

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(exc: RetryAfter) -> float:
    """Return a 429's retry_after in seconds (without PTB's int/timedelta deprecation warning)."""
    # PTB keeps the value as a timedelta; its public attribute warns while it migrates from int.
    value = getattr(exc, "_retry_after", None)
    return value.total_seconds() if isinstance(value, timedelta) else 1.0


def never_sent(exc: TimedOut) -> bool:
    """Return True when the request timed out before it reached Telegram."""
    return isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)


def safe_to_retry(exc: NetworkError, endpoint: str) -> bool:
    """Return True when sending the failed request again cannot cause a duplicate or a loop.

    A refused request (BadRequest) fails the same way again. A timeout may have been
    delivered, so only reads and edits are repeated after one, or requests that never left.
    Other network errors (Bad Gateway, connection refused or reset) are transient.
    """
    if isinstance(exc, BadRequest):
        return False
    if isinstance(exc, TimedOut):
        return not endpoint.startswith(NON_IDEMPOTENT_PREFIXES) or never_sent(exc)
    return True


class SlotLedger:
    """Which of a budget's slots are taken, on a clock the caller passes in (seconds).

    A message takes a slot when it is sent (take) and keeps it until `window` after the
    latest moment it can have reached Telegram. When its answer comes back (answered), that
    moment is the answer's time minus the floor: the fastest round trip seen, less a margin,
    because every answer needs at least the way back. The floor is 0 until `trust_after`
    round trips are timed. Without an answer (a network error) nobody knows when, or if, it
    arrived: it counts until a window after now (failed).

    Why this is safe: say every call needs at least u to reach Telegram and d to come back.
    A message answered at `a` arrived by a - d, so it leaves Telegram's window by
    a - d + window; a message sent after a - (u + d) + window arrives after that. So no
    window at Telegram holds more messages than there are slots, however each round trip
    splits between the two ways, as long as the floor is at most u + d. The fastest of many
    round trips comes within a few milliseconds of u + d (some call is quick both ways);
    the margin covers that, and until `trust_after` calls are timed the floor stays 0. If
    the route gets slower the floor is merely cautious; if it gets faster, it follows.
    """

    def __init__(self, window: float = 1.0, trust_after: int = TRUST_AFTER) -> None:
        self.window = window
        self.trust_after = trust_after
        self.in_flight = 0
        self.timed = 0  # round trips timed so far
        self.fastest = float("inf")  # the fastest of them
        self.timed_total = 0.0
        self._frees: list[float] = []  # heap: when each answered slot frees

    @property
    def floor(self) -> float:
        """Seconds every answer needs at least (0 until `trust_after` round trips are timed)."""
        if self.timed < self.trust_after:
            return 0.0
        return max(0.0, self.fastest - FLOOR_MARGIN)

    def taken(self, now: float) -> int:
        """Slots in use at `now`: messages in flight or that may still count at Telegram."""
        while self._frees and self._frees[0] <= now:
            heapq.heappop(self._frees)
        return self.in_flight + len(self._frees)

    def next_free(self) -> float | None:
        """When the next answered slot frees (None: only an answer can free one)."""
        return self._frees[0] if self._frees else None

    def take(self) -> None:
        """A message is sent now."""
        self.in_flight += 1

    def answered(self, sent_at: float, now: float) -> None:
        """The message sent at `sent_at` was answered at `now`."""
        self.in_flight -= 1
        self.timed += 1
        self.fastest = min(self.fastest, now - sent_at)
        self.timed_total += now - sent_at
        heapq.heappush(self._frees, max(sent_at, now - self.floor) + self.window)

    def failed(self, now: float) -> None:
        """The message sent last got no answer (a network error) by `now`."""
        self.in_flight -= 1
        heapq.heappush(self._frees, now + self.window)


class SharedRateLimiter(BaseRateLimiter[str]):
    """One budget of `overall_rate` chat messages per `window` seconds for the whole bot.

    Replies come first: a bulk request (rate_limit_args=BULK) waits while any reply waits for
    a slot, and never takes the last `reserve` slots. A 429 on an interactive request holds
    every request for retry_after and is retried up to `max_retries` times; a transient
    network failure of an interactive request is retried after each wait in `backoff` (see
    safe_to_retry). Bulk requests are never retried here: the drainer pauses itself on a 429
    and reschedules the row on other failures. The bot works in private chats only, so
    there is no per-group limit.

    Telegram counts a message when it arrives, some time between our sending it and its
    answer coming back. A message holds its slot from the moment it is sent until `window`
    seconds after the latest moment it can have arrived (see SlotLedger), so no second at
    Telegram ever sees more than `overall_rate` however the network bunches requests up,
    and the budget can be Telegram's own limit. The round trip is spent sending instead of
    idling: with 80-150 ms round trips a slot is held about 1.04 s, not 1.115 s.
    """

    def __init__(
        self,
        overall_rate: int = 30,
        reserve: int = 0,
        max_retries: int = 2,
        window: float = 1.0,
        backoff: tuple[float, ...] = TRANSIENT_BACKOFF,
        trust_after: int = TRUST_AFTER,
    ) -> None:
        if not 0 <= reserve < overall_rate:
            raise ValueError("reserve must be smaller than overall_rate")
        self.overall_rate = overall_rate
        self.reserve = reserve
        self.max_retries = max_retries
        self.window = window
        self.backoff = backoff
        self._slots = SlotLedger(window, trust_after)
        self._changed = asyncio.Event()  # an answer came back, or a reply took its slot
        self._replies_waiting = 0
        self._hold_until = 0.0
        self._last_in_chat: dict[object, float] = {}
        # Replies take free slots in arrival order. Without this, every waiting reply wakes
        # when a slot frees and the quickest takes it, so with several updates handled at
        # once a reply could lose again and again (seen: 2.8 s for one, 0.25 s on average).
        self._queue = asyncio.Lock()

    @property
    def floor(self) -> float:
        """Seconds every answer needs at least, as the budget counts (see SlotLedger)."""
        return self._slots.floor

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def _admit(self, limit: int | None, *, bulk: bool) -> bool:
        """Wait for a free slot and take it; return False when none is needed (limit None)."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if self._hold_until > now:
                await asyncio.sleep(self._hold_until - now)
                continue
            if limit is None:
                return False
            if self._slots.taken(now) < limit and not (bulk and self._replies_waiting):
                self._slots.take()
                return True
            # The next slot frees when the earliest answered slot expires; an answer coming
            # back (or a reply going ahead) changes the picture too.
            frees = self._slots.next_free()
            timeout = None if frees is None else frees - now
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)

    async def _admit_reply(self, limit: int | None) -> bool:
        """Take a slot for an interactive request, ahead of any bulk request."""
        if limit is None:
            return await self._admit(None, bulk=False)
        self._replies_waiting += 1
        try:
            async with self._queue:
                return await self._admit(limit, bulk=False)
        finally:
            self._replies_waiting -= 1
            self._changed.set()

    def _release(self, sent_at: float, *, answered: bool) -> None:
        """Record a message's answer (or its failure); its slot stays taken a while."""
        now = asyncio.get_running_loop().time()
        if not answered:
            self._slots.failed(now)
        else:
            self._slots.answered(sent_at, now)
            if self._slots.timed == self._slots.trust_after:
                log.info(
                    "send budget: fastest of %d round trips %.0f ms (mean %.0f ms); "
                    "slots now free a window after an answer less %.0f ms",
                    self._slots.timed,
                    self._slots.fastest * 1000,
                    self._slots.timed_total / self._slots.timed * 1000,
                    self._slots.floor * 1000,
                )
        self._changed.set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> JSONResult:
        """Run one Bot API request inside the shared budget."""
        bulk = rate_limit_args == BULK
        chat_id = data.get("chat_id")
        limit: int | None = None
        if chat_id is not None:
            limit = self.overall_rate - self.reserve if bulk else self.overall_rate
        flood_retries = transient_retries = 0
        while True:
            if bulk:
                if chat_id is not None:
                    await self._space_chat(chat_id)
                counted = await self._admit(limit, bulk=True)
            else:
                counted = await self._admit_reply(limit)
            now = asyncio.get_running_loop().time()
            if chat_id is not None:
                self._last_in_chat[chat_id] = max(now, self._last_in_chat.get(chat_id, now))
            answered = False
            try:
                try:
                    result = await callback(*args, **kwargs)
                    answered = True
                    return result
                except TelegramError as exc:
                    # Telegram answered (a refusal or a 429), unless the network failed.
                    answered = isinstance(exc, BadRequest | Forbidden | RetryAfter) or not (
                        isinstance(exc, NetworkError)
                    )
                    raise
                finally:
                    if counted:
                        self._release(now, answered=answered)
            except RetryAfter as exc:
                # Any 429, bulk or not, holds every request: the answer does not say whether
                # the chat or the whole bot hit the limit, and sending anything before
                # retry_after has passed is a flood violation either way.
                seconds = retry_seconds(exc) + 0.1
                log.info(
                    "Telegram asked to wait %.1f s (%s); holding all requests", seconds, endpoint
                )
                loop = asyncio.get_running_loop()
                self._hold_until = max(self._hold_until, loop.time() + seconds)
                if bulk:
                    raise  # the drainer counts its own 429s
                FLOOD_WAITS.inc()
                if flood_retries >= self.max_retries:
                    raise
                flood_retries += 1
            except NetworkError as exc:
                if (
                    bulk
                    or transient_retries >= len(self.backoff)
                    or not safe_to_retry(exc, endpoint)
                ):
                    raise
                delay = self.backoff[transient_retries]
                transient_retries += 1
                log.warning(
                    "%s failed (%s); retry %d in %.1f s", endpoint, exc, transient_retries, delay
                )
                await asyncio.sleep(delay)

    async def _space_chat(self, chat_id: object) -> None:
        """Keep bulk sends at least CHAT_GAP seconds after the last message to that chat, so a
        broadcast never piles onto a conversation in progress (Telegram's ~1/s per chat)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        last = self._last_in_chat.get(chat_id)
        # Reserve the slot before sleeping: several sends to one chat may be in flight.
        slot = now if last is None else max(now, last + CHAT_GAP)
        self._last_in_chat[chat_id] = slot
        if slot > now:
            await asyncio.sleep(slot - now)
        if len(self._last_in_chat) > 10_000:  # forget chats idle for longer than the gap
            cutoff = loop.time() - CHAT_GAP
            self._last_in_chat = {c: t for c, t in self._last_in_chat.items() if t > cutoff}
