"""PostgreSQL restarts mid-run: users are told (in their language) to try again, nothing is
left half-written, and the bot reconnects by itself.

The bot's engine talks to the server through tests/support/tcp_proxy.py; "restarting" the proxy
cuts
every connection and refuses new ones, as a server restart does, without touching the real
server or other schemas.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery import outbox_queue
from bot.runtime.persistence import DatabasePersistence
from models import ConversationState, OutboxMessage, ProgressReport, ReportEvidence, UserDataRow
from models.db import StorageProblem, create_session_factory, storage_problem
from tests.support.db import postgres_available, postgres_engine, postgres_url
from tests.support.fault_setup import (
    LEADER_TG,
    NOW,
    STAFF2_TG,
    STAFF_TG,
    last_alert,
    linked_org,
    open_chats,
    report_summary,
    rows,
)
from tests.support.harness import running_bot
from tests.support.tcp_proxy import TcpProxy

DB = tuple[str, AsyncEngine]
UNAVAILABLE = {
    "en": "the bot's database is briefly unavailable, so your last step was not saved",
    "id": "penyimpanan data bot sedang terganggu sesaat",
}


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres)])
def db_kind(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only: a restart of a database server (SQLite has none)."""
    ok, reason = postgres_available()
    if not ok:
        if os.environ.get("TEST_POSTGRES") == "required":
            pytest.fail(f"{reason} (TEST_POSTGRES=required)")
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    target = make_url(postgres_url())
    async with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
        yield proxy


@pytest.fixture
async def proxied(proxy: TcpProxy) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """(url, engine) of this test's schema, reached through the proxy."""
    url = make_url(postgres_url()).set(host=proxy.host, port=proxy.port)
    text_url = url.render_as_string(hide_password=False)
    engine = postgres_engine(text_url)
    yield text_url, engine
    await engine.dispose()


def cut_at(engine: AsyncEngine, proxy: TcpProxy, statement_start: str) -> dict[str, bool]:
    """Take the database away just before the first statement starting so is sent."""
    armed = {"armed": True}

    def before_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if armed["armed"] and statement.lstrip().upper().startswith(statement_start.upper()):
            armed["armed"] = False
            proxy.go_down()

    event.listen(engine.sync_engine, "before_cursor_execute", before_execute)
    return armed


async def test_restart_users_are_told_to_retry_and_served_again(
    db: DB, proxy: TcpProxy, proxied: tuple[str, AsyncEngine], caplog: pytest.LogCaptureFixture
) -> None:
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with sessions() as session:
        await outbox_queue.enqueue(
            session, dedupe_key="pg", kind="test", chat_id=LEADER_TG, text="Antre", now=NOW
        )
        await session.commit()
    async with running_bot(*proxied, now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "/kinerja")
        assert "Laporan bulanan" in bot.last_text(STAFF_TG)  # the pool holds live connections
        progress = bot.fake.last(STAFF_TG)
        drainer = bot.deps.drainer
        assert drainer is not None

        with caplog.at_level(logging.ERROR, logger="kinerja.errors"):
            async with proxy.outage():
                await bot.send(STAFF_TG, "/kinerja")
                assert UNAVAILABLE["en"] in bot.last_text(STAFF_TG)
                await bot.send(STAFF2_TG, "/kinerja")  # chose Indonesian
                assert UNAVAILABLE["id"] in bot.last_text(STAFF2_TG)
                await bot.feed(bot.fake.press_raw(STAFF_TG, progress.message_id, "rp:start"))
                assert UNAVAILABLE["en"] in last_alert(bot)  # a pop-up for a button
                with pytest.raises(
                    (OSError, DBAPIError)
                ) as caught:  # the drainer's loop logs and waits
                    await drainer.drain_once()
                assert storage_problem(caught.value) is StorageProblem.UNAVAILABLE
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert errors and all("database is unreachable" in r.getMessage() for r in errors)
        assert proxy.dropped > 0

        await bot.send(STAFF_TG, "/kinerja")  # the same bot, no restart: reconnected
        assert "Laporan bulanan" in bot.last_text(STAFF_TG)
        await bot.send(STAFF2_TG, "/bantuan")
        assert "Yang dapat Anda lakukan" in bot.last_text(STAFF2_TG)
        await bot.drain()
        assert bot.fake.last(LEADER_TG).text == "Antre"


async def test_cut_in_the_middle_of_saving_a_report_leaves_nothing_half_written(
    db: DB, proxy: TcpProxy, proxied: tuple[str, AsyncEngine]
) -> None:
    """The connection dies after the report row was inserted and before its evidence: the
    transaction is gone entirely, the draft is kept, and Send works once the server is back."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(*proxied, now=NOW) as bot:
        open_chats(bot)
        await report_summary(bot)
        summary = bot.fake.last(STAFF_TG)
        armed = cut_at(proxied[1], proxy, "INSERT INTO reportevidence")
        await bot.press(STAFF_TG, summary.message_id, summary.button("Send"))
        assert not armed["armed"]  # the cut happened where intended
        assert UNAVAILABLE["en"] in last_alert(bot)
        for model in (ProgressReport, ReportEvidence, OutboxMessage):
            assert await rows(sessions, model) == 0, model  # checked on a direct connection

        await proxy.come_back()
        await bot.press(STAFF_TG, summary.message_id, summary.button("Send"))
        assert "Thank you, your report has been saved!" in bot.last_text(STAFF_TG)
        assert await rows(sessions, ProgressReport) == 1
        assert await rows(sessions, ReportEvidence) == 1
        await bot.drain()
        assert "New progress report" in bot.last_text(LEADER_TG)


async def test_conversation_state_survives_a_flush_during_the_outage(
    db: DB, proxy: TcpProxy, proxied: tuple[str, AsyncEngine]
) -> None:
    """Saving half-finished conversations fails quietly while the server is away, is retried
    every interval, and a restarted bot continues the user's flow where they were."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(*proxied, now=NOW, persistence_interval=0.05) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "/report")
        await bot.press_label(STAFF_TG, "Laporan bulanan")
        assert "How much have you achieved" in bot.last_text(STAFF_TG)
        persistence = bot.app.persistence
        assert isinstance(persistence, DatabasePersistence)

        proxy.go_down()
        await bot.app.update_persistence()  # does not raise; keeps the changes queued
        assert persistence.queued > 0
        assert persistence.failing_since is not None
        assert await rows(sessions, UserDataRow) == 0
        await proxy.come_back()
        await bot.fake.wait_for(lambda: persistence.failing_since is None)  # written again
        assert persistence.queued == 0
        assert await rows(sessions, UserDataRow) == 1
        assert await rows(sessions, ConversationState) >= 1
        fake = bot.fake

    async with running_bot(*db, now=NOW, fake=fake) as restarted:
        await restarted.send(STAFF_TG, "3")
        assert "note on the quality" in restarted.last_text(STAFF_TG)
