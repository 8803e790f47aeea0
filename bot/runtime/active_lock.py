"""Which `kinerja-bot run` process is the active one.

PostgreSQL: any number of processes may share a database; the one holding a session-level
advisory lock on a dedicated connection is active, the others wait and try again every second.
PostgreSQL releases the lock the moment the holder's connection ends, so a killed process hands
over at once; a holder cut off from the network is dropped by the server's TCP keepalives,
while the holder itself notices its dead connection and steps down first (see `watch`).
SQLite: one process only; an exclusive file lock makes a second one refuse to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import time
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from models.db import create_engine

log = logging.getLogger(__name__)

# How often a standby asks for the lock, and how often the active checks it still holds it.
RETRY_SECONDS = 1.0
CHECK_SECONDS = 2.0
CHECK_TIMEOUT = 3.0
COMPLAIN_EVERY_SECONDS = 60.0  # while the database is away, say so once a minute, not a second
# Server-side keepalives on the lock connection: a holder that vanished from the network
# (no FIN ever arrives) is dropped after idle + interval * count = 3 + 1 * 3 = 6 seconds;
# with the standby's 1 s retry and a second to start, that is within the 10 s budget.
KEEPALIVE_SETTINGS = {
    "tcp_keepalives_idle": "3",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "3",
}
# One lock per database and schema, so unrelated deployments on one server never block each
# other and every process of one deployment agrees on the key whatever host name it uses.
LOCK_KEY_SQL = "hashtextextended(current_database() || '.' || current_schema() || '.kinerja', 0)"


class AnotherInstanceRunning(Exception):
    """SQLite is in use and another process holds it."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


class LeadershipLost(Exception):
    """The active process can no longer prove it holds the lock."""


class Leadership(Protocol):
    """Become the active instance, keep checking, and let go."""

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this process is active (True), or until `stop` is set (False)."""

    async def watch(self) -> None:
        """Return only by raising LeadershipLost; runs while this process is active."""

    async def release(self) -> None:
        """Give up the lock (idempotent)."""

    def last_check_ok(self) -> bool:
        """Whether the latest attempt to reach the lock's store worked (for /healthz)."""


class SqliteLeadership:
    """An exclusive lock file next to the database: one process, no standby."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._handle: IO[str] | None = None

    async def acquire(self, stop: asyncio.Event) -> bool:
        lock_path = self.database.with_name(self.database.name + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AnotherInstanceRunning(self.database) from None
        self._handle = handle
        return True

    async def watch(self) -> None:
        await asyncio.Event().wait()  # a file lock held by a live process cannot be lost

    async def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def last_check_ok(self) -> bool:
        return True


class PostgresLeadership:
    """A session advisory lock held on a connection of its own."""

    def __init__(self, database_url: str, engine: AsyncEngine | None = None) -> None:
        self._engine = engine or create_engine(
            database_url,
            poolclass=NullPool,
            connect_args={"server_settings": KEEPALIVE_SETTINGS, "timeout": 5},
        )
        self._conn: AsyncConnection | None = None
        self._ok = True
        self._announced = False
        self._last_complaint = 0.0

    async def acquire(self, stop: asyncio.Event) -> bool:
        while not stop.is_set():
            try:
                if await self._try_lock():
                    log.info("This process is now the active kinerja-bot instance")
                    return True
                self._ok = True
                if not self._announced:
                    log.info("Standby: another kinerja-bot instance is active; waiting")
                    self._announced = True
            except Exception as exc:  # the database may be restarting: keep trying
                if self._ok or time.monotonic() - self._last_complaint > COMPLAIN_EVERY_SECONDS:
                    log.warning("Standby: cannot reach PostgreSQL for the lock (%s)", exc)
                    self._last_complaint = time.monotonic()
                self._ok = False
                await self._drop_connection()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RETRY_SECONDS)
        return False

    async def _try_lock(self) -> bool:
        if self._conn is None:
            conn = await self._engine.connect()
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        result = await asyncio.wait_for(
            self._conn.execute(text(f"SELECT pg_try_advisory_lock({LOCK_KEY_SQL})")),
            CHECK_TIMEOUT,
        )
        return bool(result.scalar())

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            try:
                assert self._conn is not None
                result = await asyncio.wait_for(
                    self._conn.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND pid = pg_backend_pid() AND granted"
                        )
                    ),
                    CHECK_TIMEOUT,
                )
                held = bool(result.scalar())
            except Exception as exc:
                self._ok = False
                raise LeadershipLost(f"lock connection failed: {exc}") from exc
            if not held:
                self._ok = False
                raise LeadershipLost("the advisory lock is no longer held")
            self._ok = True

    async def release(self) -> None:
        await self._drop_connection()
        self._announced = False

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                # Closing the session releases its advisory locks on the server.
                await asyncio.wait_for(conn.close(), CHECK_TIMEOUT)
            except Exception:  # a dead connection cannot close politely; just drop it
                with contextlib.suppress(Exception):
                    await conn.invalidate()

    async def dispose(self) -> None:
        await self.release()
        await self._engine.dispose()

    def last_check_ok(self) -> bool:
        return self._ok


def leadership_for(
    database_url: str, sqlite_path: Path | None
) -> SqliteLeadership | PostgresLeadership:
    """Pick the leadership mechanism for this database."""
    if sqlite_path is not None:
        return SqliteLeadership(sqlite_path)
    return PostgresLeadership(database_url)
