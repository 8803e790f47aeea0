"""The outbox drainer: sends queued messages by priority at OUTBOX_RATE, surviving restarts.

A row is marked sent only after Telegram accepted it, so a crash re-sends at most the
messages that were in flight (a clean stop waits for them, so it re-sends nothing). Only one
drainer runs per database (the active process).

Interactive replies never queue behind bulk traffic: handlers send directly through the
bot, whose SharedRateLimiter gives the whole bot one budget of ~30 messages per second and
lets bulk sends (marked by the drainer) use it only while a reserve stays free. Without it,
PTB's AIORateLimiter serves everyone first come, first served: with the drainer at 25/s a
busy Friday morning (everyone answering their check-in) would leave replies ~5/s, and a
single 429 on a bulk send would stall every reply for the retry_after period.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import col, select, update
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.warnings import PTBUserWarning

from bot.clock import Clock
from bot.services import employees
from bot.services.workdays import in_working_hours
from models import OutboxMessage
from models.db import SessionFactory

log = logging.getLogger(__name__)
# The drainer sends stored payloads generically on purpose; PTB's hint to use the typed
# method (once per process) would only be noise in the logs.
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.\w+' instead of", category=PTBUserWarning
)

BATCH = 100
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=10)
IDLE_WAIT = 1.0
MAX_IN_FLIGHT = 4  # overlaps Telegram's round trip (~50-150 ms) so 25/s stays reachable
STOP_TIMEOUT = 15.0
BULK = "bulk"  # rate_limit_args marking the drainer's requests for SharedRateLimiter

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(exc: RetryAfter) -> float:
    """Return a 429's retry_after in seconds (without PTB's int/timedelta deprecation warning)."""
    # PTB keeps the value as a timedelta; its public attribute warns while it migrates from int.
    value = getattr(exc, "_retry_after", None)
    return value.total_seconds() if isinstance(value, timedelta) else 1.0


CHAT_GAP = 1.0  # seconds between a chat's last message and a bulk send to it


class SharedRateLimiter(BaseRateLimiter[str]):
    """One sliding-window budget for every chat message; bulk never takes the last `reserve`.

    Interactive requests may use all `overall_rate` slots of any `window` seconds; requests
    sent with rate_limit_args=BULK only while at least `reserve` slots are free, so bulk
    traffic yields as soon as people are talking to the bot. A 429 on an interactive request
    holds every request for retry_after and is retried up to `max_retries` times; a 429 on a
    bulk request is raised at once so the drainer can pause itself (replies keep flowing).
    The bot works in private chats only, so there is no per-group limit.
    """

    def __init__(
        self,
        overall_rate: int = 30,
        reserve: int = 4,
        max_retries: int = 2,
        window: float = 1.0,
    ) -> None:
        if not 0 <= reserve < overall_rate:
            raise ValueError("reserve must be smaller than overall_rate")
        self.overall_rate = overall_rate
        self.reserve = reserve
        self.max_retries = max_retries
        self.window = window
        self._sent: deque[float] = deque()
        self._hold_until = 0.0
        self._last_in_chat: dict[object, float] = {}
        # Replies take free slots in arrival order. Without this, every waiting reply wakes
        # when a slot frees and the quickest takes it, so with several updates handled at
        # once a reply could lose again and again (seen: 2.8 s for one, 0.25 s on average).
        self._queue = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def _admit(self, limit: int | None) -> None:
        """Wait for a free slot (limit None: only for a 429 hold) and take it."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if self._hold_until > now:
                await asyncio.sleep(self._hold_until - now)
                continue
            if limit is None:
                return
            while self._sent and self._sent[0] <= now - self.window:
                self._sent.popleft()
            if len(self._sent) < limit:
                self._sent.append(now)
                return
            # The slot that frees first is the oldest one still inside the window.
            await asyncio.sleep(
                max(0.001, self._sent[len(self._sent) - limit] + self.window - now)
            )

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
        retries = 0 if bulk else self.max_retries
        for attempt in range(retries + 1):
            if bulk and chat_id is not None:
                await self._space_chat(chat_id)
            if bulk or limit is None:
                await self._admit(limit)
            else:
                async with self._queue:
                    await self._admit(limit)
            if chat_id is not None:
                now = asyncio.get_running_loop().time()
                self._last_in_chat[chat_id] = max(now, self._last_in_chat.get(chat_id, now))
            try:
                return await callback(*args, **kwargs)
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
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # the last attempt returns or raises

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


class Pacer:
    """Space bulk sends evenly at `rate` per second (a leaky bucket without bursts)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self, stop: asyncio.Event | None = None) -> bool:
        """Wait for the next send slot; return False when `stop` was set meanwhile."""
        loop = asyncio.get_running_loop()
        while (delay := self._next - loop.time()) > 0:
            if stop is None:
                await asyncio.sleep(delay)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                return False
        now = loop.time()
        # Keep the schedule when a wake-up was merely late (timer jitter would otherwise
        # shave a few per cent off the rate); after a longer idle, start afresh (no burst).
        base = self._next if now - self._next < self.interval else now
        self._next = base + self.interval
        return True

    def pause(self, seconds: float) -> float:
        """Hold every bulk send for `seconds` (Telegram's retry_after); return the retry's slot.

        The first slot after the pause is reserved for the row that was refused, so it is
        retried before anything newer and messages to one chat keep their order.
        """
        slot = max(self._next, asyncio.get_running_loop().time() + seconds)
        self._next = slot + self.interval
        return slot

    @staticmethod
    async def sleep_until(slot: float, stop: asyncio.Event | None = None) -> bool:
        """Sleep until loop time `slot`; return False when `stop` was set meanwhile."""
        delay = slot - asyncio.get_running_loop().time()
        if delay <= 0:
            return not (stop is not None and stop.is_set())
        if stop is None:
            await asyncio.sleep(delay)
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        return not stop.is_set()


@dataclass
class DrainStats:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retried: int = 0
    rate_limited: int = 0


class OutboxDrainer:
    """Send pending outbox rows; one instance per active process."""

    def __init__(
        self,
        sessions: SessionFactory,
        bot: Bot,
        clock: Clock,
        rate: float,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self.sessions = sessions
        self.bot = bot
        self.clock = clock
        self.pacer = Pacer(rate)
        self.stats = DrainStats()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Only our limiter understands the BULK marker (AIORateLimiter would misread it).
        self._bulk_marker = (
            BULK
            if isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, SharedRateLimiter)
            else None
        )

    def wake(self) -> None:
        """Tell the drainer new rows are waiting (called after a commit that enqueued)."""
        self._wake.set()

    def start(self) -> None:
        """Start draining in a background task."""
        if self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self.run(), name="outbox-drainer")

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:  # noqa: ASYNC109
        """Stop after the sends in flight are recorded (cancel only if that takes too long)."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            log.warning("outbox drainer did not stop within %.0f s; cancelling", timeout)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            self._stop.clear()  # drain_once() stays usable (tests drain by hand)

    async def run(self) -> None:
        """Drain until stopped; errors are logged and the loop continues."""
        while not self._stop.is_set():
            try:
                sent_any = await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox drainer pass failed; retrying shortly")
                sent_any = False
            if not sent_any and not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_WAIT)

    async def due_rows(self, limit: int = BATCH) -> list[OutboxMessage]:
        """Return the next pending rows, most urgent first; reminders only in working hours."""
        now = self.clock.utcnow()
        query = select(OutboxMessage).where(
            OutboxMessage.status == "pending", col(OutboxMessage.not_before) <= now
        )
        if not in_working_hours(now, self.clock.tz):
            query = query.where(col(OutboxMessage.working_hours_only).is_(False))
        query = query.order_by(col(OutboxMessage.priority), col(OutboxMessage.id)).limit(limit)
        async with self.sessions() as session:
            return list((await session.exec(query)).all())

    async def drain_once(self) -> bool:
        """Send one batch of due rows; return True when anything was attempted.

        The batch ends early when woken (new rows may be more urgent) or stopped; sends in
        flight are always awaited, so no row is read again while it is being sent.
        """
        self._wake.clear()
        rows = await self.due_rows()
        tasks: list[asyncio.Task[None]] = []
        try:
            for row in rows:
                await self._slots.acquire()
                if not await self.pacer.wait(self._stop):
                    self._slots.release()
                    break
                tasks.append(asyncio.create_task(self._deliver(row)))
                if self._wake.is_set() or self._stop.is_set():
                    break
        finally:
            if tasks:
                await asyncio.gather(*tasks)
        return bool(rows)

    async def _deliver(self, row: OutboxMessage) -> None:
        """Send one row, waiting out 429s (the whole drainer pauses), then free the slot."""
        try:
            while (wait := await self.send(row)) is not None:
                slot = self.pacer.pause(wait)
                if not await self.pacer.sleep_until(slot, self._stop):
                    return  # stopping: the row stays pending and is sent after the restart
        except Exception:
            log.exception("outbox row %s could not be delivered", row.id)
        finally:
            self._slots.release()

    async def send(self, row: OutboxMessage) -> float | None:
        """Send one row and record the outcome; return the seconds to wait after a 429.

        After a 429 the row is left exactly as it was (still pending, same not_before): the
        caller pauses the drainer and retries it.
        """
        payload: dict[str, Any] = json.loads(row.payload)
        params = dict(payload["params"], chat_id=row.chat_id)
        now = self.clock.utcnow()
        changes: dict[str, Any]
        try:
            if self._bulk_marker is not None and isinstance(self.bot, ExtBot):
                result = await self.bot.do_api_request(
                    payload["method"], api_kwargs=params, rate_limit_args=self._bulk_marker
                )
            else:
                result = await self.bot.do_api_request(payload["method"], api_kwargs=params)
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            self.stats.rate_limited += 1
            log.warning("outbox paused %.0f s by Telegram flood control (row %s)", seconds, row.id)
            return seconds
        except Forbidden as exc:
            self.stats.blocked += 1
            changes = {"status": "blocked", "last_error": str(exc)[:500]}
            async with self.sessions() as session:
                await employees.mark_blocked(session, row.chat_id, now)
                await session.commit()
        except BadRequest as exc:
            self.stats.failed += 1
            log.error("outbox row %s refused by Telegram: %s", row.id, exc)
            changes = {"status": "failed", "last_error": str(exc)[:500]}
        except (NetworkError, TelegramError) as exc:
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                self.stats.failed += 1
                changes = {"status": "failed", "attempts": attempts, "last_error": str(exc)[:500]}
            else:
                self.stats.retried += 1
                backoff = min(timedelta(seconds=2**attempts), MAX_BACKOFF)
                changes = {
                    "attempts": attempts,
                    "not_before": now + backoff,
                    "last_error": str(exc)[:500],
                }
        else:
            self.stats.sent += 1
            message_id = result.get("message_id") if isinstance(result, dict) else None
            changes = {"status": "sent", "sent_at": now, "message_id": message_id}
        async with self.sessions() as session:
            await session.exec(
                update(OutboxMessage).where(col(OutboxMessage.id) == row.id).values(**changes)
            )
            await session.commit()
        return None
