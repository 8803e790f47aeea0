"""Drive the real Application in-process against the fake Bot API (tests/support/fakegram)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.app import build_application, deps_of, start_services
from bot.clock import Clock
from bot.config import Settings
from bot.context import Deps, KinerjaApp
from tests.support.fakegram import FakeRequest, FakeTelegram

TOKEN = "123456:TEST-TOKEN"


def test_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: never read the developer's .env."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "database_url": database_url,
        "bot_default_language": "id",
        "persistence_interval": 60,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Harness:
    """One bot application plus the fake Telegram it talks to."""

    def __init__(self, app: KinerjaApp, fake: FakeTelegram) -> None:
        self.app = app
        self.fake = fake

    @property
    def deps(self) -> Deps:
        return deps_of(self.app)

    async def feed(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(self, user_id: int, text: str) -> None:
        """The user types text (or a /command) in their private chat with the bot."""
        await self.feed(self.fake.send_text(user_id, text))

    async def press(self, user_id: int, message_id: int, data: str) -> None:
        """The user presses a button that is on that message now."""
        await self.feed(self.fake.press(user_id, message_id, data))

    async def press_raw(self, user_id: int, message_id: int, data: str) -> None:
        """A (possibly modified) client sends arbitrary callback data."""
        await self.feed(self.fake.press_raw(user_id, message_id, data))

    async def press_label(self, user_id: int, label: str) -> None:
        """Press the button whose label contains `label` on the user's latest bot message."""
        message = self.fake.last(user_id)
        await self.press(user_id, message.message_id, message.button(label))

    async def drain(self) -> int:
        """Send everything due in the outbox now; return how many rows were attempted."""
        drainer = self.deps.drainer
        assert drainer is not None
        total = 0
        while rows := await drainer.due_rows():
            total += len(rows)
            await drainer.drain_once()
        return total

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.fake.sent(chat_id)]

    def last_text(self, chat_id: int) -> str:
        return self.fake.last(chat_id).text


@asynccontextmanager
async def running_bot(
    database_url: str,
    engine: AsyncEngine | None = None,
    *,
    fake: FakeTelegram | None = None,
    now: datetime | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """Start the real Application (handlers, persistence, menus) with a manual drainer."""
    fake = fake or FakeTelegram(token=TOKEN)
    settings = test_settings(database_url, **overrides)
    clock = Clock(settings.tz)
    if now is not None:
        clock.freeze(now)
    app = build_application(settings, request=FakeRequest(fake), clock=clock, engine=engine)
    await app.initialize()
    await start_services(app)
    deps = deps_of(app)
    assert deps.drainer is not None
    await deps.drainer.stop()  # tests drain explicitly, so order is deterministic
    try:
        yield Harness(app, fake)
    finally:
        await app.update_persistence()
        await app.shutdown()
