"""The outbox drainer: sends queued messages by priority at OUTBOX_RATE, surviving restarts.

A row is marked sent only after Telegram accepted it, so a crash re-sends at most the
messages that were in flight (a clean stop waits for them, so it re-sends nothing). Only one
drainer runs per database (the active process).

Sends are pipelined: up to `max_in_flight` rows are on their way at once, and the next
batch is read while the last one's answers are still coming back, so a round trip to
Telegram (80-150 ms from Indonesia) never idles the pace.

Interactive replies never queue behind bulk traffic: the drainer marks its requests as bulk
for the bot's SharedRateLimiter (bot/delivery/send_budget.py), which lets waiting replies go first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select, update
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.clock import Clock
from bot.delivery.send_budget import BULK, SharedRateLimiter, retry_seconds
from bot.runtime.metrics import FLOOD_WAITS, OUTBOX_DEPTH, SENDS
from bot.services import employees
from bot.services.workdays import in_working_hours
from models import OutboxMessage
from models.db import SessionFactory, describe_problem, storage_problem

__all__ = ["BULK", "OutboxDrainer", "Pacer", "SharedRateLimiter"]  # limiter kept importable here

log = logging.getLogger(__name__)
# The drainer sends stored payloads generically on purpose; PTB's hint to use the typed
# method (once per process) would only be noise in the logs.
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.\w+' instead of", category=PTBUserWarning
)

BATCH = 100
# A failing row is retried for about a day (waits doubling from 2 s up to 10 min: 150
# attempts take ~23.6 h), so a long Telegram outage delays mail instead of losing it.
MAX_ATTEMPTS = 150
MAX_BACKOFF = timedelta(minutes=10)
IDLE_WAIT = 1.0
# Rows on their way at once. At 28/s with 150 ms round trips (and the outcome's commit)
# about 5 are; the rest absorbs slow answers without slowing the pace. A crash re-sends at
# most these.
MAX_IN_FLIGHT = 16
STOP_TIMEOUT = 15.0
DEPTH_EVERY = 5.0  # seconds between refreshes of the outbox depth gauge
WAITING = ("pending", "sending")


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

    def count(self, kind: str, result: str) -> None:
        """Count one send outcome here and in the kinerja_sends_total metric."""
        SENDS.labels(kind=kind, result=result).inc()
        if result == "sent":
            self.sent += 1
        elif result == "failed":
            self.failed += 1
        elif result == "blocked":
            self.blocked += 1
        else:
            self.retried += 1


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
        depth_every: float = DEPTH_EVERY,
    ) -> None:
        self.sessions = sessions
        self.bot = bot
        self.clock = clock
        self.pacer = Pacer(rate)
        self.stats = DrainStats()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._sending: dict[int, asyncio.Task[None]] = {}  # row id -> its send in flight
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.depth_every = depth_every
        self._depth_at: float | None = None
        self._depth_kinds: set[str] = set()
        # Outcomes Telegram gave that the database would not take (read-only, full, away):
        # kept here and written first next pass, so such a row is never sent twice.
        self._unrecorded: dict[int, dict[str, Any]] = {}
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
        try:
            await self._drain_until_stopped()
            await self.settle()
        except asyncio.CancelledError:
            for task in list(self._sending.values()):
                task.cancel()  # stop() gave up waiting: the rows stay pending
            raise

    async def _drain_until_stopped(self) -> None:
        """Feed batches until stopped, waiting for new rows when there are none."""
        while not self._stop.is_set():
            try:
                sent_any = await self.feed()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                problem = storage_problem(exc)
                if problem is None:
                    log.exception("outbox drainer pass failed; retrying shortly")
                else:  # a database outage is one line, not a traceback every pass
                    log.warning("outbox paused: %s", describe_problem(problem, exc))
                sent_any = False
            if not sent_any and not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_WAIT)

    async def settle(self) -> None:
        """Wait until every send in flight has its outcome recorded (or kept to record)."""
        while self._sending:
            await asyncio.gather(*self._sending.values(), return_exceptions=True)

    async def refresh_depth(self) -> None:
        """Set the outbox depth gauge per kind from the database (at most every depth_every s)."""
        now = asyncio.get_running_loop().time()
        if self._depth_at is not None and now - self._depth_at < self.depth_every:
            return
        self._depth_at = now
        query = (
            select(OutboxMessage.kind, func.count())
            .where(col(OutboxMessage.status).in_(WAITING))
            .group_by(col(OutboxMessage.kind))
        )
        async with self.sessions() as session:
            depth = {kind: int(n) for kind, n in (await session.exec(query)).all()}
        for kind in self._depth_kinds - depth.keys():
            OUTBOX_DEPTH.labels(kind=kind).set(0)
        for kind, n in depth.items():
            OUTBOX_DEPTH.labels(kind=kind).set(n)
        self._depth_kinds |= depth.keys()

    async def due_rows(self, limit: int = BATCH) -> list[OutboxMessage]:
        """Return the next pending rows not in flight, most urgent first; reminders only in
        working hours."""
        now = self.clock.utcnow()
        query = select(OutboxMessage).where(
            OutboxMessage.status == "pending", col(OutboxMessage.not_before) <= now
        )
        if self._sending:
            query = query.where(col(OutboxMessage.id).not_in(list(self._sending)))
        if not in_working_hours(now, self.clock.tz):
            query = query.where(col(OutboxMessage.working_hours_only).is_(False))
        query = query.order_by(col(OutboxMessage.priority), col(OutboxMessage.id)).limit(limit)
        async with self.sessions() as session:
            return list((await session.exec(query)).all())

    async def drain_once(self) -> bool:
        """Send one batch of due rows and wait for their outcomes; True when any was attempted."""
        try:
            return await self.feed()
        finally:
            await self.settle()

    async def feed(self) -> bool:
        """Start sending one batch of due rows at the pace; True when any was attempted.

        Returns once the last row is on its way, without waiting for the answers: the next
        batch (which leaves out the rows in flight) is read while they come back. The batch
        ends early when woken (new rows may be more urgent) or stopped.
        """
        self._wake.clear()
        if not await self.record_unrecorded():
            return False  # the database still refuses writes: sending more would repeat them
        await self.refresh_depth()
        rows = [r for r in await self.due_rows() if r.id not in self._unrecorded]
        for row in rows:
            await self._slots.acquire()
            if not await self.pacer.wait(self._stop):
                self._slots.release()
                break
            assert row.id is not None
            self._sending[row.id] = asyncio.create_task(self._deliver(row))
            if self._wake.is_set() or self._stop.is_set():
                break
        return bool(rows)

    async def record_unrecorded(self) -> bool:
        """Write outcomes the database refused earlier; True when none is left."""
        for row_id, changes in list(self._unrecorded.items()):
            try:
                await self._record(row_id, changes)
            except Exception as exc:
                log.warning(
                    "outbox: still cannot record %d sends (%s)", len(self._unrecorded), exc
                )
                return False
            del self._unrecorded[row_id]
        return True

    async def _record(self, row_id: int | None, changes: dict[str, Any]) -> None:
        async with self.sessions() as session:
            await session.exec(
                update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**changes)
            )
            await session.commit()

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
            # Only now may the row be read again: its outcome is committed (or kept to record).
            if row.id is not None:
                self._sending.pop(row.id, None)
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
            FLOOD_WAITS.inc()
            SENDS.labels(kind=row.kind, result="retry").inc()  # the same row goes again soon
            self.stats.rate_limited += 1
            log.warning("outbox paused %.0f s by Telegram flood control (row %s)", seconds, row.id)
            return seconds
        except Forbidden as exc:
            self.stats.count(row.kind, "blocked")
            changes = {"status": "blocked", "last_error": str(exc)[:500]}
            async with self.sessions() as session:
                await employees.mark_blocked(session, row.chat_id, now)
                await session.commit()
        except BadRequest as exc:
            self.stats.count(row.kind, "failed")
            log.error("outbox row %s refused by Telegram: %s", row.id, exc)
            changes = {"status": "failed", "last_error": str(exc)[:500]}
        except (NetworkError, TelegramError) as exc:
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                self.stats.count(row.kind, "failed")
                changes = {"status": "failed", "attempts": attempts, "last_error": str(exc)[:500]}
            else:
                self.stats.count(row.kind, "retry")
                backoff = timedelta(seconds=min(2**attempts, MAX_BACKOFF.total_seconds()))
                changes = {
                    "attempts": attempts,
                    "not_before": now + backoff,
                    "last_error": str(exc)[:500],
                }
        else:
            self.stats.count(row.kind, "sent")
            message_id = result.get("message_id") if isinstance(result, dict) else None
            changes = {"status": "sent", "sent_at": now, "message_id": message_id}
        try:
            await self._record(row.id, changes)
        except Exception:
            if row.id is not None:
                self._unrecorded[row.id] = changes
            raise
        return None
