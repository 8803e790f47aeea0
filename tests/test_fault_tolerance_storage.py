"""A full disk or a read-only database: the user hears a clear, polite error, the operator
reads the cause in the log, and no data is corrupted or half-written.

The failures are simulated at the database connection (an engine "checkout" listener set up
by the test): `PRAGMA max_page_count` pinned to the current size is a full disk for SQLite;
`PRAGMA query_only` / a read-only PostgreSQL session is a read-only database. As root,
chmod would not make a file read-only, and the real disk must stay usable for the test run.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.cli import main
from bot.delivery import outbox_queue
from models import AuditLog, Broadcast, Employee, OutboxMessage, ProgressReport, ReportEvidence
from models.db import StorageProblem, create_session_factory, storage_problem
from tests.support.factories import nip
from tests.support.fault_setup import (
    CITY_TG,
    NOW,
    STAFF_TG,
    last_alert,
    linked_org,
    open_chats,
    outbox_statuses,
    report_summary,
    rows,
    texts,
)
from tests.support.harness import running_bot

DB = tuple[str, AsyncEngine]
FULL = "the server's storage is full, so your last step was not saved"
READ_ONLY = "the bot cannot save anything at the moment, so your last step was not saved"
UNLIMITED_PAGES = 4294967294


class Storage:
    """Switch the database's condition for every connection the bot checks out."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.full = False
        self.read_only = False
        self.dialect = engine.dialect.name
        event.listen(engine.sync_engine, "checkout", self._apply)

    def _apply(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        if self.dialect == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages if self.full else UNLIMITED_PAGES}")
            cursor.execute(f"PRAGMA query_only = {'ON' if self.read_only else 'OFF'}")
        else:  # as on a standby server: every transaction is read-only
            mode = "READ ONLY" if self.read_only else "READ WRITE"
            cursor.execute(f"SET SESSION CHARACTERISTICS AS TRANSACTION {mode}")
            dbapi_connection.commit()
        cursor.close()


async def integrity_ok(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return (await conn.execute(text("PRAGMA integrity_check"))).scalar() == "ok"


async def test_disk_full_refuses_a_city_broadcast_whole(
    db: DB, caplog: pytest.LogCaptureFixture
) -> None:
    """A broadcast to 160 people needs new pages on a full disk: HR is told plainly, the
    operator reads why, and there is no broadcast without its recipients (or vice versa)."""
    url, engine = db
    if not url.startswith("sqlite"):
        pytest.skip("a full disk is simulated for SQLite (PostgreSQL: see the read-only test)")
    sessions = create_session_factory(engine)
    org, _ = await linked_org(sessions)
    async with sessions() as session:
        session.add_all(
            Employee(
                nip=nip(),
                name=f"Pegawai {i}",
                opd_id=org.opd.id,  # type: ignore[arg-type]
                position="Staf",
                telegram_user_id=900_000 + i,
            )
            for i in range(160)
        )
        await session.commit()
    storage = Storage(engine)
    async with running_bot(url, engine, now=NOW) as bot:
        open_chats(bot)
        for i in range(160):
            bot.fake.user(900_000 + i)
            bot.fake.known_chats.add(900_000 + i)
        await bot.send(CITY_TG, "/siaran")
        await bot.press_label(CITY_TG, "New broadcast")
        await bot.press_label(CITY_TG, "Whole city")
        await bot.send(CITY_TG, "Apel pagi diundur ke pukul 08.00")
        control = bot.fake.last(CITY_TG)
        send = control.button("Send")

        storage.full = True
        with caplog.at_level(logging.ERROR, logger="kinerja.errors"):
            await bot.press(CITY_TG, control.message_id, send)
        assert FULL in last_alert(bot)
        [record] = [r for r in caplog.records if r.name == "kinerja.errors"]
        assert record.levelno == logging.ERROR
        assert "storage is full" in record.getMessage()
        assert "database or disk is full" in record.getMessage()
        for model in (Broadcast, OutboxMessage, AuditLog):
            assert await rows(sessions, model) == 0, model
        assert await integrity_ok(engine)

        storage.full = False  # space was freed
        await bot.press(CITY_TG, control.message_id, send)
        [broadcast] = await _all(sessions, Broadcast)
        assert broadcast.recipients == 165
        assert await rows(sessions, OutboxMessage) == 165
        await bot.drain()
        assert await outbox_statuses(sessions) == {"sent": 165}
        assert await integrity_ok(engine)


async def test_read_only_database_keeps_the_draft_and_writes_nothing(
    db: DB, caplog: pytest.LogCaptureFixture
) -> None:
    url, engine = db
    sessions = create_session_factory(engine)
    await linked_org(sessions)
    storage = Storage(engine)
    async with running_bot(url, engine, now=NOW) as bot:
        open_chats(bot)
        storage.read_only = True
        await bot.send(STAFF_TG, "/kinerja")  # reading still works
        assert "Laporan bulanan" in bot.last_text(STAFF_TG)
        storage.read_only = False
        await report_summary(bot)
        summary = bot.fake.last(STAFF_TG)

        storage.read_only = True
        with caplog.at_level(logging.ERROR, logger="kinerja.errors"):
            await bot.press(STAFF_TG, summary.message_id, summary.button("Send"))
        assert READ_ONLY in last_alert(bot)
        messages = [r.getMessage() for r in caplog.records if r.name == "kinerja.errors"]
        assert len(messages) == 1 and "refuses writes" in messages[0]
        for model in (ProgressReport, ReportEvidence, OutboxMessage):
            assert await rows(sessions, model) == 0, model

        storage.read_only = False
        await bot.press(STAFF_TG, summary.message_id, summary.button("Send"))
        assert "Thank you, your report has been saved!" in bot.last_text(STAFF_TG)
        assert await rows(sessions, ProgressReport) == 1
        assert await rows(sessions, ReportEvidence) == 1
        if url.startswith("sqlite"):
            assert await integrity_ok(engine)


async def test_drainer_on_a_read_only_database_sends_each_message_once(db: DB) -> None:
    """Telegram accepts a message but the database refuses to record it: the drainer must
    not send it again and again while the database stays read-only."""
    url, engine = db
    sessions = create_session_factory(engine)
    await linked_org(sessions)
    async with sessions() as session:
        await outbox_queue.enqueue(
            session, dedupe_key="ro", kind="test", chat_id=STAFF_TG, text="Sekali saja", now=NOW
        )
        await session.commit()
    storage = Storage(engine)
    async with running_bot(url, engine, now=NOW) as bot:
        open_chats(bot)
        drainer = bot.deps.drainer
        assert drainer is not None
        storage.read_only = True
        for _ in range(3):
            await drainer.drain_once()
        storage.read_only = False
        await bot.drain()
        assert texts(bot, STAFF_TG).count("Sekali saja") == 1
        assert await outbox_statuses(sessions) == {"sent": 1}


async def _all(sessions: Any, model: Any) -> list[Any]:
    async with sessions() as session:
        return list((await session.exec(select(model))).all())


def test_migrate_on_a_read_only_database_prints_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The operator gets one sentence naming the problem, not a traceback."""
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "kinerja.db"
    database.touch()
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///file:{database}?mode=ro&uri=true")
    monkeypatch.setenv("BOT_DEFAULT_LANGUAGE", "en")
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err
    assert "Traceback" not in err


class _PgError(Exception):
    """Stands in for an asyncpg error: only its SQLSTATE matters to the classification."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _sqlite_error(sql: str, *setup: str) -> sqlite3.Error:
    conn = sqlite3.connect(":memory:")
    try:
        for statement in setup:
            conn.execute(statement)
        conn.execute(sql)
    except sqlite3.Error as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("no error")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            _sqlite_error("INSERT INTO t VALUES (1)", "CREATE TABLE t(x)", "PRAGMA query_only=ON"),
            StorageProblem.READ_ONLY,
        ),
        (_PgError("53100"), StorageProblem.FULL),
        (_PgError("25006"), StorageProblem.READ_ONLY),
        (_PgError("57P01"), StorageProblem.UNAVAILABLE),
        (_PgError("08006"), StorageProblem.UNAVAILABLE),
        (_PgError("23505"), None),  # a unique violation is a bug, not infrastructure
        (OSError(errno.ENOSPC, "No space left on device"), StorageProblem.FULL),
        (ConnectionRefusedError(111, "refused"), None),  # not raised by a database driver
        (TimeoutError(), None),
        (ValueError("x"), None),
        (_sqlite_error("SELECT * FROM missing"), None),
    ],
)
def test_storage_problems_are_told_from_bugs(
    error: BaseException, expected: StorageProblem | None
) -> None:
    assert storage_problem(error) is expected
    wrapped = OperationalError("INSERT ...", {}, error)  # as SQLAlchemy raises driver errors
    assert storage_problem(wrapped) is expected
