"""Webhook mode: Telegram hears 200 only once an update is handled; the secret is checked."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.runtime.runner import ALLOWED_UPDATES, start_webhook
from bot.runtime.update_poller import UpdatePoller
from bot.runtime.webhook_server import SECRET_HEADER, WEBHOOK_PATH, webhook_secret
from tests.support import harness
from tests.support.fakegram import FakeBotApiServer, FakeTelegram
from tests.support.harness import TOKEN, Harness, running_bot
from tests.support.instances import free_port, start_bot, stop_bot
from tests.test_runtime_process import TOKEN as E2E_TOKEN
from tests.test_runtime_process import bot_env

HELP_MARK = "Yang dapat Anda lakukan"


@asynccontextmanager
async def webhook_bot(
    db: tuple[str, AsyncEngine], **settings: Any
) -> AsyncIterator[tuple[Harness, str, str]]:
    """The real Application behind the real webhook endpoint; yields (bot, url, secret)."""
    port = free_port()
    values: dict[str, Any] = {
        "webhook_url": "https://bot.example.go.id/telegram",
        "webhook_port": port,
    }
    values.update(settings)
    async with running_bot(*db, **values) as bot:
        config = harness.test_settings(db[0], **values)
        poller = UpdatePoller(bot.app, bot.deps.sessions, ALLOWED_UPDATES)
        server = await start_webhook(bot.app, config, poller)
        configured = config.webhook_secret.get_secret_value() if config.webhook_secret else None
        try:
            yield bot, f"http://127.0.0.1:{port}{WEBHOOK_PATH}", webhook_secret(configured, TOKEN)
        finally:
            await server.close()
            await poller.finish(within=5)


def take_update(bot: Harness, update: dict[str, Any]) -> dict[str, Any]:
    """Remove a user's update from the fake's getUpdates queue: it goes by webhook instead."""
    bot.fake.webhook = {"url": ""}
    bot.fake.handle("getUpdates", {"offset": str(update["update_id"] + 1), "timeout": "0"})
    return copy.deepcopy(update)


def help_count(bot: Harness, user: int) -> int:
    return sum(HELP_MARK in m.content for m in bot.fake.sent(user))


async def test_telegram_is_pointed_at_the_url_with_a_secret(db: tuple[str, AsyncEngine]) -> None:
    async with webhook_bot(db, webhook_secret="s3cret_token-1") as (bot, _url, secret):
        assert secret == "s3cret_token-1"
        assert bot.fake.webhook["url"] == "https://bot.example.go.id/telegram"
        assert bot.fake.webhook["secret_token"] == "s3cret_token-1"


async def test_an_update_is_answered_before_telegram_hears_ok(db: tuple[str, AsyncEngine]) -> None:
    async with webhook_bot(db) as (bot, url, secret), httpx.AsyncClient() as client:
        update = take_update(bot, bot.fake.send_text(901, "/bantuan"))
        answer = await client.post(url, json=update, headers={SECRET_HEADER: secret})
        assert answer.status_code == 200
        assert help_count(bot, 901) == 1  # already sent when Telegram got its 200
        # Telegram repeats a delivery whose answer it never got: no second reply.
        again = await client.post(url, json=update, headers={SECRET_HEADER: secret})
        assert again.status_code == 200
        assert help_count(bot, 901) == 1


async def test_a_wrong_secret_or_garbage_is_refused(db: tuple[str, AsyncEngine]) -> None:
    async with webhook_bot(db) as (bot, url, secret), httpx.AsyncClient() as client:
        update = take_update(bot, bot.fake.send_text(902, "/bantuan"))
        forged = await client.post(url, json=update, headers={SECRET_HEADER: "guess"})
        missing = await client.post(url, json=update)
        garbage = await client.post(url, content=b"{not json", headers={SECRET_HEADER: secret})
        assert (forged.status_code, missing.status_code, garbage.status_code) == (403, 403, 400)
        assert help_count(bot, 902) == 0


async def test_the_real_process_serves_the_webhook(tmp_path: Path) -> None:
    """`kinerja-bot run` with WEBHOOK_URL: setWebhook with a secret, then POSTs are answered."""
    fake = FakeTelegram(token=E2E_TOKEN, bot_username="kinerja_hook_bot")
    fake.user(903, language_code="en")
    async with FakeBotApiServer(fake) as server:
        port = free_port()
        env = bot_env(
            server,
            tmp_path / "kinerja.db",
            WEBHOOK_URL="https://bot.example.go.id/telegram",
            WEBHOOK_SECRET="hook-secret_1",
            WEBHOOK_PORT=str(port),
        )
        process = await start_bot(tmp_path, env, tmp_path / "bot.log")
        try:
            await fake.wait_for(lambda: fake.webhook.get("url"), timeout=60)
            assert fake.webhook["secret_token"] == "hook-secret_1"
            update = fake.send_text(903, "/help")
            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
                    json=update,
                    headers={SECRET_HEADER: "hook-secret_1"},
                    timeout=30,
                )
            assert answer.status_code == 200
            assert sum("What you can do here" in m.content for m in fake.sent(903)) == 1
        finally:
            await stop_bot(process)
        assert process.returncode == 0, (tmp_path / "bot.log").read_text()[-3000:]
