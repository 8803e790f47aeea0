"""Active/standby on PostgreSQL: two real bot processes, the active one is killed.

The standby must take over on its own, answer what arrived while nobody was active, and
neither lose nor repeat a reply. Both processes talk to the fake Bot API HTTP server and to a
PostgreSQL database of their own, created for this test.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.db import postgres_available, postgres_url
from tests.fakegram import FakeBotApiServer, FakeTelegram
from tests.instances import (
    create_database,
    cut_lock_connection,
    drop_database,
    free_port,
    start_bot,
    stop_bot,
    wait_role,
)
from tests.test_e2e_process import TOKEN, bot_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

USERS = list(range(7001, 7013))
HELP_MARK = "What you can do here"


@pytest.fixture
def postgres_server() -> None:
    """Skip (or, in CI, fail) when PostgreSQL is not reachable."""
    ok, reason = postgres_available()
    if not ok:
        if os.environ.get("TEST_POSTGRES") == "required":
            pytest.fail(f"{reason} (TEST_POSTGRES=required)")
        pytest.skip(reason)


@pytest.fixture
async def failover_database_url(postgres_server: None) -> AsyncIterator[str]:
    """A PostgreSQL database of this test's own (the processes use its public schema)."""
    name = f"kinerja_failover_{os.getpid()}"
    url = await create_database(postgres_url(), name)
    try:
        yield url
    finally:
        await drop_database(postgres_url(), name)


def help_replies(fake: FakeTelegram, user: int) -> int:
    return sum(HELP_MARK in m.content for m in fake.sent(user))


async def everyone_answered(fake: FakeTelegram, expected: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    await fake.wait_for(
        lambda: all(help_replies(fake, user) >= expected for user in USERS), timeout=timeout
    )


async def test_standby_takes_over_without_losing_or_repeating(
    tmp_path: Path, failover_database_url: str
) -> None:
    fake = FakeTelegram(token=TOKEN, bot_username="kinerja_failover_bot")
    for user in USERS:
        fake.user(user, first_name="Staf", language_code="en")
    async with FakeBotApiServer(fake) as server:
        base = bot_env(server, tmp_path / "unused.db")
        if os.environ.get("FAILOVER_DEBUG"):
            base["LOG_LEVEL"] = "DEBUG"
        base["DATABASE_URL"] = failover_database_url
        ports = free_port(), free_port()
        envs = [dict(base, METRICS_PORT=str(port)) for port in ports]
        first = await start_bot(tmp_path, envs[0], tmp_path / "first.log")
        second: asyncio.subprocess.Process | None = None
        try:
            await wait_role(ports[0], "active")
            second = await start_bot(tmp_path, envs[1], tmp_path / "second.log")
            await wait_role(ports[1], "standby")

            for user in USERS:
                fake.send_text(user, "/bantuan")
            await everyone_answered(fake, 1)

            # The active process dies once it has answered a burst and is polling again.
            burst = [fake.send_text(user, "/help") for user in USERS]
            await everyone_answered(fake, 2)
            burst_end = max(update["update_id"] for update in burst)
            await fake.wait_for(
                lambda: any(
                    (c.get("offset") or 0) > burst_end for c in fake.calls_of("getUpdates")
                ),
                timeout=30,
            )
            first.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            await first.wait()
            # More arrives while nobody is active.
            for user in USERS:
                fake.send_text(user, "/bantuan")

            active_at = await wait_role(ports[1], "active")
            await everyone_answered(fake, 3)
            print(f"standby active {active_at - killed_at:.1f} s after SIGKILL")

            for user in USERS:
                fake.send_text(user, "/help")
            await everyone_answered(fake, 4)

            # The first one comes back as standby; then the active one loses its database
            # connection (as on a network failure): it must step down and the other take over.
            first = await start_bot(tmp_path, envs[0], tmp_path / "first-again.log")
            await wait_role(ports[0], "standby")
            await cut_lock_connection(failover_database_url)
            await wait_role(ports[0], "active")
            await wait_role(ports[1], "standby")
            for user in USERS:
                fake.send_text(user, "/bantuan")
            await everyone_answered(fake, 5)

            await asyncio.sleep(1.0)  # a repeated reply would arrive about now
            assert {user: help_replies(fake, user) for user in USERS} == dict.fromkeys(USERS, 5)
            assert first.returncode is None
            assert second.returncode is None
        finally:
            for process in (first, second):
                if process is not None:
                    await stop_bot(process)
        assert second is not None
        assert first.returncode == 0, (tmp_path / "first-again.log").read_text()[-3000:]
        assert second.returncode == 0, (tmp_path / "second.log").read_text()[-3000:]
