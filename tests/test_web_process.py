"""The Mini App in the real `kinerja-bot run` processes on PostgreSQL: only the active instance
serves it, the standby takes over serving when it takes over the bot, and launch data signed
with the bot's token is checked by the running process."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.support.db import postgres_available, postgres_url
from tests.support.fakegram import FakeBotApiServer, FakeTelegram
from tests.support.instances import (
    create_database,
    drop_database,
    free_port,
    start_bot,
    stop_bot,
    wait_role,
)
from tests.support.miniapp import launch_data
from tests.test_runtime_process import TOKEN, bot_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture
def postgres_server() -> None:
    """Skip (or, in CI, fail) when PostgreSQL is not reachable."""
    ok, reason = postgres_available()
    if not ok:
        if os.environ.get("TEST_POSTGRES") == "required":
            pytest.fail(f"{reason} (TEST_POSTGRES=required)")
        pytest.skip(reason)


@pytest.fixture
async def database_url(postgres_server: None) -> AsyncIterator[str]:
    name = f"kinerja_webapp_{os.getpid()}"
    url = await create_database(postgres_url(), name)
    try:
        yield url
    finally:
        await drop_database(postgres_url(), name)


async def answers(port: int) -> int | None:
    """The status of the Mini App's page on this port, or None when nothing listens."""
    try:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{port}/app/")).status_code
    except httpx.ConnectError:
        return None


async def test_only_the_active_instance_serves_the_mini_app(
    tmp_path: Path, database_url: str
) -> None:
    fake = FakeTelegram(token=TOKEN, bot_username="kinerja_webapp_bot")
    async with FakeBotApiServer(fake) as server:
        base = bot_env(server, tmp_path / "unused.db")
        base["DATABASE_URL"] = database_url
        base["WEBAPP_URL"] = "https://bot.example.go.id/app"
        metrics, webapp = (free_port(), free_port()), (free_port(), free_port())
        envs = [
            dict(base, METRICS_PORT=str(m), WEBAPP_PORT=str(w))
            for m, w in zip(metrics, webapp, strict=True)
        ]
        first = await start_bot(tmp_path, envs[0], tmp_path / "first.log")
        second = None
        try:
            await wait_role(metrics[0], "active")
            second = await start_bot(tmp_path, envs[1], tmp_path / "second.log")
            await wait_role(metrics[1], "standby")
            assert await answers(webapp[0]) == 200
            assert await answers(webapp[1]) is None  # a standby does not listen

            async with httpx.AsyncClient() as client:
                url = f"http://127.0.0.1:{webapp[0]}/app/api/me"
                # Signed with the running bot's token: checked, then unknown (403).
                raw = launch_data(4242, token=TOKEN, auth_date=datetime.now(UTC))
                signed = {"Authorization": f"tma {raw}"}
                assert (await client.get(url, headers=signed)).status_code == 403
                forged = launch_data(4242, token="1:OTHER-TOKEN", auth_date=datetime.now(UTC))
                answer = await client.get(url, headers={"Authorization": f"tma {forged}"})
                assert answer.status_code == 401

            first.send_signal(signal.SIGKILL)
            await first.wait()
            await wait_role(metrics[1], "active")
            for _ in range(100):
                if await answers(webapp[1]) == 200:
                    break
                await asyncio.sleep(0.1)
            assert await answers(webapp[1]) == 200
        finally:
            for process in (first, second):
                if process is not None:
                    await stop_bot(process)
