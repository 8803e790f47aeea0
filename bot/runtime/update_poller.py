"""Receiving updates (long polling or webhook) so that a crash loses none.

PTB's Updater asks for the next batch (which confirms the previous one to Telegram) as soon as
it has queued the last one, so updates queued but not yet handled die with the process. Here
the next getUpdates, whose offset confirms the batch, waits until each update of the batch is
handled, or, for an update still running after GRACE_SECONDS (a large export, say), until it
is written to the pending_update table. Whichever process is active next handles the rows left
there before polling. Each handled update is noted in that table as well: after a crash,
Telegram hands out again the updates it was never told about, and the ones already handled
are skipped instead of answered twice.

One kind of update is never written down: a step of a question to HR
(bot/runtime/private_drafts.py).
Its JSON holds the sender's id next to what they typed, and for an anonymous question that
row would be the very link anonymity forbids. Such an update is waited for instead, as if the
table could not be written: Telegram is told only once it is handled, so a crash meanwhile
makes Telegram hand it out again (and the question's draft, held in memory, is gone with the
process anyway, so the user is told kindly to start again).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.context import DEPS_KEY, Deps
from models.db import SessionFactory
from models.system import PendingUpdate
from models.types import utcnow

log = logging.getLogger(__name__)

GRACE_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
# Notes of handled updates matter only until Telegram has been told (the next poll); an hour
# covers any outage, and pruning keeps the table tiny.
KEEP_HANDLED = timedelta(hours=1)
PRUNE_EVERY_SECONDS = 600.0


class UpdatePoller:
    """Fetch updates with getUpdates and hand each to the application's update processor."""

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        sessions: SessionFactory,
        allowed_updates: Sequence[str],
        poll_timeout: int = 20,
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.allowed_updates = list(allowed_updates)
        self.poll_timeout = poll_timeout
        self.last_poll_ok = time.monotonic()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        # Updates of a question being asked: never written to pending_update (see above).
        self._private: set[int] = set()
        self._last_prune = 0.0

    async def run(self) -> None:
        """Handle leftovers of a previous active process, then poll until cancelled."""
        await self.replay_pending()
        offset: int | None = None
        backoff = 1.0
        first_batch = True
        while True:
            try:
                updates = await self.app.bot.get_updates(
                    offset=offset,
                    timeout=self.poll_timeout,
                    allowed_updates=self.allowed_updates,
                )
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except TimedOut:
                continue
            except InvalidToken:
                raise
            except Conflict as exc:
                # Another process polls with this token (outside our lock) or a webhook is set.
                log.error("Telegram refuses polling: %s", exc.message)
                await asyncio.sleep(min(backoff, MAX_BACKOFF_SECONDS))
                backoff *= 2
                continue
            except NetworkError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(min(backoff, MAX_BACKOFF_SECONDS))
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = 1.0
            self.last_poll_ok = time.monotonic()
            if updates:
                # Only the first batch after a start can repeat what a crashed process handled.
                fresh = await self.not_yet_handled(updates) if first_batch else list(updates)
                first_batch = False
                await self.settle(fresh)
                offset = updates[-1].update_id + 1
            await self.prune()

    async def receive(self, update: Update) -> None:
        """Take one update delivered by webhook; return once it is handled or written down."""
        self.last_poll_ok = time.monotonic()
        # A webhook delivery is repeated whenever an earlier answer never reached Telegram.
        await self.settle(await self.not_yet_handled([update]))

    def dispatch(self, update: Update) -> asyncio.Task[None]:
        """Start handling one update; its own user's earlier updates go first."""
        # Decided on arrival: the step may forget its draft before it ends.
        if self.private(update):
            self._private.add(update.update_id)
        task = asyncio.create_task(self._handle(update), name=f"update:{update.update_id}")
        self._tasks[update.update_id] = task
        return task

    async def _handle(self, update: Update) -> None:
        try:
            processor = self.app.update_processor
            await processor.process_update(update, self.app.process_update(update))
        except Exception:  # process_update reports handler errors itself; this is the rest
            log.exception("Update %s could not be handled", update.update_id)
        finally:
            # Noted before the task counts as finished, so finish() waits for the note too.
            await self._note_handled(update.update_id)
            self._tasks.pop(update.update_id, None)
            self._private.discard(update.update_id)

    def private(self, update: Update) -> bool:
        """True for a step of a question being asked: never written down tied to its sender."""
        deps: Deps | None = self.app.bot_data.get(DEPS_KEY)
        return deps is not None and deps.question_drafts.private(update)

    async def settle(self, updates: Sequence[Update]) -> None:
        """Return once every update of the batch is handled or safely written down."""
        tasks = [self.dispatch(update) for update in updates]
        if not tasks:
            return
        _, running = await asyncio.wait(tasks, timeout=GRACE_SECONDS)
        if not running:
            return
        slow = [update for update, task in zip(updates, tasks, strict=True) if not task.done()]
        unwritable = {u.update_id for u in slow if u.update_id in self._private or self.private(u)}
        try:
            await self._store([u for u in slow if u.update_id not in unwritable])
        except Exception as exc:
            # Cannot write them down: then they must finish before Telegram forgets them.
            log.warning("Could not store %d running updates (%s); waiting", len(slow), exc)
            await asyncio.wait(running)
            return
        # Questions being asked are never written down: they finish before Telegram forgets.
        waiting = [self._tasks[i] for i in unwritable if i in self._tasks]
        if waiting:
            log.debug(
                "Waiting for %d running question step(s) instead of writing them down",
                len(waiting),
            )
            await asyncio.wait(waiting)

    async def _store(self, updates: Sequence[Update]) -> None:
        """Write down updates still running; one that finished meanwhile keeps its note."""
        if not updates:
            return
        async with self.sessions() as session:
            known = set(
                await session.exec(
                    select(PendingUpdate.update_id).where(
                        col(PendingUpdate.update_id).in_([u.update_id for u in updates])
                    )
                )
            )
            for update in updates:
                if update.update_id not in known:
                    payload = json.dumps(update.to_dict(), ensure_ascii=False)
                    session.add(PendingUpdate(update_id=update.update_id, payload=payload))
            await session.commit()

    async def _note_handled(self, update_id: int) -> None:
        # One statement, one round trip: the shorter the gap between the reply and this note,
        # the smaller the chance a crash in between makes the next process answer again.
        try:
            async with self.sessions() as session:
                conn = await session.connection()
                insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
                statement = insert(PendingUpdate).values(
                    update_id=update_id, payload="", handled=True, received_at=utcnow()
                )
                await conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["update_id"], set_={"handled": True, "payload": ""}
                    )
                )
                await session.commit()
        except Exception as exc:  # without the note, a crash before the next poll repeats it
            log.warning("Could not note update %s as handled: %s", update_id, exc)

    async def not_yet_handled(self, updates: Sequence[Update]) -> list[Update]:
        """Drop updates a previous process handled but never confirmed to Telegram."""
        async with self.sessions() as session:
            handled = set(
                await session.exec(
                    select(PendingUpdate.update_id).where(
                        col(PendingUpdate.update_id).in_([u.update_id for u in updates]),
                        col(PendingUpdate.handled),
                    )
                )
            )
        if handled:
            log.info("Skipping %d updates a previous process already handled", len(handled))
        return [
            u for u in updates if u.update_id not in handled and u.update_id not in self._tasks
        ]

    async def prune(self) -> None:
        """Forget notes of handled updates older than KEEP_HANDLED, every few minutes."""
        now = time.monotonic()
        if now - self._last_prune < PRUNE_EVERY_SECONDS:
            return
        self._last_prune = now
        try:
            async with self.sessions() as session:
                await session.exec(
                    delete(PendingUpdate).where(
                        col(PendingUpdate.handled),
                        col(PendingUpdate.received_at) < utcnow() - KEEP_HANDLED,
                    )
                )
                await session.commit()
        except Exception as exc:
            log.warning("Could not prune handled updates: %s", exc)

    async def replay_pending(self) -> int:
        """Handle updates a previous active process left unfinished; return how many."""
        async with self.sessions() as session:
            rows = (
                await session.exec(
                    select(PendingUpdate)
                    .where(~col(PendingUpdate.handled))
                    .order_by(col(PendingUpdate.update_id))
                )
            ).all()
        for row in rows:
            self.dispatch(Update.de_json(json.loads(row.payload), self.app.bot))
        if rows:
            log.info("Handling %d updates left unfinished by the previous process", len(rows))
        return len(rows)

    async def finish(self, within: float) -> None:
        """Wait up to `within` seconds for updates still being handled."""
        if self._tasks:
            await asyncio.wait(list(self._tasks.values()), timeout=within)


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
