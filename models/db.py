"""Engine and session factory; SQLite gets WAL, foreign keys and a busy timeout.

storage_problem() tells the database's infrastructure failures (unreachable, full,
read-only, locked) from bugs, so the bot can tell users the truth and the operator the cause.
"""

from __future__ import annotations

import enum
import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

SessionFactory = async_sessionmaker[AsyncSession]
CONNECT_TIMEOUT = 10  # seconds to open a PostgreSQL connection


class StorageProblem(enum.Enum):
    """Why the database refused work, when the cause is infrastructure rather than a bug."""

    UNAVAILABLE = "unavailable"  # unreachable, restarting, connection lost or pool exhausted
    BUSY = "busy"  # locked by another writer for longer than the busy timeout, or a deadlock
    FULL = "full"  # no space left for the database
    READ_ONLY = "read_only"  # the database accepts reads only


OPERATOR_HINTS = {
    StorageProblem.UNAVAILABLE: "the database is unreachable; the bot reconnects by itself "
    "once it answers again",
    StorageProblem.BUSY: "the database stayed locked or deadlocked; another process may hold "
    "a long write transaction",
    StorageProblem.FULL: "the database storage is full; free disk space on the database "
    "server (writes fail until then, nothing half-written is kept)",
    StorageProblem.READ_ONLY: "the database refuses writes; check that the SQLite file and "
    "its folder are writable, or that DATABASE_URL points at the primary server",
}
# SQLite primary result codes (the low byte of extended codes).
_SQLITE_CODES = {
    5: StorageProblem.BUSY,  # SQLITE_BUSY
    6: StorageProblem.BUSY,  # SQLITE_LOCKED
    8: StorageProblem.READ_ONLY,  # SQLITE_READONLY
    10: StorageProblem.UNAVAILABLE,  # SQLITE_IOERR
    13: StorageProblem.FULL,  # SQLITE_FULL
    14: StorageProblem.UNAVAILABLE,  # SQLITE_CANTOPEN
}
_PG_STATES = {
    "53100": StorageProblem.FULL,  # disk_full
    "25006": StorageProblem.READ_ONLY,  # read_only_sql_transaction (a standby, or read-only)
    "40001": StorageProblem.BUSY,  # serialization_failure
    "40P01": StorageProblem.BUSY,  # deadlock_detected
    "55P03": StorageProblem.BUSY,  # lock_not_available
    "53300": StorageProblem.UNAVAILABLE,  # too_many_connections
    "57P01": StorageProblem.UNAVAILABLE,  # admin_shutdown
    "57P02": StorageProblem.UNAVAILABLE,  # crash_shutdown
    "57P03": StorageProblem.UNAVAILABLE,  # cannot_connect_now (starting up)
}
_OS_ERRORS = {errno.ENOSPC: StorageProblem.FULL, errno.EROFS: StorageProblem.READ_ONLY}
_DRIVER_MODULES = ("sqlalchemy", "asyncpg", "aiosqlite")


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, the driver error SQLAlchemy wrapped, and their causes, each once."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending and len(seen) < 20:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (getattr(current, "orig", None), current.__cause__, current.__context__)
        pending.extend(e for e in linked if isinstance(e, BaseException))


def _classify_one(error: BaseException) -> StorageProblem | None:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return StorageProblem.UNAVAILABLE
    if isinstance(error, sa_exc.DisconnectionError | sa_exc.TimeoutError):
        return StorageProblem.UNAVAILABLE  # TimeoutError: no pooled connection became free
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int):
            return _SQLITE_CODES.get(code & 0xFF)
        return None
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str):
        return StorageProblem.UNAVAILABLE if state.startswith("08") else _PG_STATES.get(state)
    if type(error).__module__.startswith("asyncpg") and "closed" in str(error):
        return StorageProblem.UNAVAILABLE  # asyncpg's "connection is closed"
    if isinstance(error, OSError):
        if error.errno in _OS_ERRORS:
            return _OS_ERRORS[error.errno]
        if isinstance(error, ConnectionError | TimeoutError) and _raised_by_driver(error):
            return StorageProblem.UNAVAILABLE  # refused, reset or timed out while connecting
    return None


def _raised_by_driver(error: BaseException) -> bool:
    """Return True when the error passed through the database driver or SQLAlchemy."""
    tb = error.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(_DRIVER_MODULES):
            return True
        tb = tb.tb_next
    return False


def storage_problem(error: BaseException | None) -> StorageProblem | None:
    """Return why the database failed when the cause is its infrastructure, else None.

    Connection failures raised while (re)connecting reach us unwrapped (ConnectionRefusedError
    from asyncpg), so network errors count too when they came through the driver. Bot API
    failures are telegram.error types: check for those before calling this.
    """
    if error is None:
        return None
    for link in _chain(error):
        problem = _classify_one(link)
        if problem is not None:
            return problem
    return None


def problem_detail(error: BaseException) -> str:
    """The driver's own first line about the failure, e.g. 'database or disk is full'."""
    for link in _chain(error):
        if _classify_one(link) is not None and str(link):
            return str(link).splitlines()[0][:200]
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def describe_problem(problem: StorageProblem, error: BaseException) -> str:
    """One line for the operator: what is wrong, what to do, and the driver's own words."""
    return f"{OPERATOR_HINTS[problem]} ({problem_detail(error)})"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while the drainer or an import writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine for `url`, creating the SQLite folder when needed."""
    # Errors and tracebacks never print bound values: they are what users typed (an anonymous
    # question's text included) and whose it is.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1] if ":///" in url else ""
        if path and not path.startswith(":memory:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # A pooled connection that died with a server restart is noticed at checkout and replaced;
    # one that dies mid-transaction invalidates the pool, so the next checkout reconnects.
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
    if url.startswith("postgresql+asyncpg"):
        # A server that does not answer at all (not even a refusal) fails a step in seconds
        # instead of asyncpg's default minute, so the user hears back while they still wait.
        connect_args = dict(kwargs.pop("connect_args", None) or {})
        connect_args.setdefault("timeout", CONNECT_TIMEOUT)
        kwargs["connect_args"] = connect_args
    return create_async_engine(url, **kwargs)


async def refresh_statistics(engine: AsyncEngine) -> None:
    """Let the query planner learn the tables' shape after a bulk import.

    Without statistics SQLite walks low-selectivity indexes (status, period) across the whole
    city; ANALYZE makes team and target queries several times faster at 25,000 employees.
    """
    from sqlalchemy import text

    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Return a session factory whose objects stay usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
