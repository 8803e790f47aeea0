"""The outbox drainer: sends queued messages by priority at OUTBOX_RATE, surviving restarts.

A row is marked sent only after Telegram accepted it, so a crash re-sends at most the one
message that was in flight. Only one drainer runs per database (the active process).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import col, select
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.services import employees
from models import OutboxMessage
from models.db import SessionFactory

log = logging.getLogger(__name__)

BATCH = 50
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=10)
IDLE_WAIT = 1.0


class Pacer:
    """Space calls evenly at `rate` per second (a leaky bucket without bursts)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._next > now:
            await asyncio.sleep(self._next - now)
            now = loop.time()
        self._next = max(self._next, now) + self.interval

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, asyncio.get_running_loop().time() + seconds)


@dataclass
class DrainStats:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retried: int = 0
    rate_limited: int = 0


class OutboxDrainer:
    """Send pending outbox rows; one instance per active process."""

    def __init__(self, sessions: SessionFactory, bot: Bot, clock: Clock, rate: float) -> None:
        self.sessions = sessions
        self.bot = bot
        self.clock = clock
        self.pacer = Pacer(rate)
        self.stats = DrainStats()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Tell the drainer new rows are waiting (called after a commit that enqueued)."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="outbox-drainer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        """Drain forever; errors are logged and the loop continues."""
        while True:
            try:
                sent_any = await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox drainer pass failed; retrying shortly")
                sent_any = False
                await asyncio.sleep(IDLE_WAIT)
            if not sent_any:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_WAIT)

    async def due_rows(self, limit: int = BATCH) -> list[OutboxMessage]:
        """Return the next pending rows, most urgent first."""
        async with self.sessions() as session:
            query = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == "pending",
                    col(OutboxMessage.not_before) <= self.clock.utcnow(),
                )
                .order_by(col(OutboxMessage.priority), col(OutboxMessage.id))
                .limit(limit)
            )
            return list((await session.exec(query)).all())

    async def drain_once(self) -> bool:
        """Send one batch of due rows; return True when anything was attempted."""
        rows = await self.due_rows()
        for row in rows:
            await self.pacer.wait()
            if not await self.send(row):
                break  # rate-limited: the pacer is paused, re-read priorities afterwards
        return bool(rows)

    async def send(self, row: OutboxMessage) -> bool:
        """Send one row and record the outcome; return False when Telegram asked us to wait."""
        payload: dict[str, Any] = json.loads(row.payload)
        params = dict(payload["params"], chat_id=row.chat_id)
        now = self.clock.utcnow()
        changes: dict[str, Any]
        keep_going = True
        try:
            result = await self.bot.do_api_request(payload["method"], api_kwargs=params)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            self.stats.rate_limited += 1
            self.pacer.pause(seconds)
            changes = {"not_before": now + timedelta(seconds=seconds), "last_error": str(exc)}
            keep_going = False
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
            stored = await session.get(OutboxMessage, row.id)
            if stored is not None:
                for key, value in changes.items():
                    setattr(stored, key, value)
                await session.commit()
        return keep_going
