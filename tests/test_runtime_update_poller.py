"""The poll loop tells Telegram an update is done only when it is handled or written down."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.runtime.runner import ALLOWED_UPDATES
from bot.runtime.update_poller import UpdatePoller
from models.system import PendingUpdate
from tests.support.harness import Harness, running_bot

HELP_MARK = "Yang dapat Anda lakukan"


@asynccontextmanager
async def polling(bot: Harness) -> AsyncIterator[UpdatePoller]:
    """Run the real poll loop against the fake until the block ends."""
    poller = UpdatePoller(bot.app, bot.deps.sessions, ALLOWED_UPDATES, poll_timeout=1)
    task = asyncio.create_task(poller.run())
    try:
        yield poller
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await poller.finish(within=10)


def help_count(bot: Harness, user: int) -> int:
    return sum(HELP_MARK in m.content for m in bot.fake.sent(user))


def confirming_call(bot: Harness, update_id: int) -> int:
    """Index in the fake's call log of the getUpdates that confirmed `update_id`."""
    for index, (name, params) in enumerate(bot.fake.calls):
        if name == "getUpdates" and (params.get("offset") or 0) > update_id:
            return index
    raise AssertionError(f"update {update_id} was never confirmed")


def reply_call(bot: Harness, chat_id: int) -> int:
    for index, (name, params) in enumerate(bot.fake.calls):
        if name == "sendMessage" and params.get("chat_id") == chat_id:
            return index
    raise AssertionError(f"no reply to {chat_id}")


async def stored(bot: Harness) -> dict[int, PendingUpdate]:
    async with bot.deps.sessions() as session:
        return {row.update_id: row for row in await session.exec(select(PendingUpdate))}


async def test_an_update_is_confirmed_only_after_its_reply(db: tuple[str, AsyncEngine]) -> None:
    async with running_bot(*db) as bot, polling(bot):
        updates = [bot.fake.send_text(user, "/bantuan") for user in (801, 802, 803)]
        await bot.fake.wait_for(lambda: all(help_count(bot, u) == 1 for u in (801, 802, 803)))
        await bot.fake.wait_for(
            lambda: any(
                n == "getUpdates" and (p.get("offset") or 0) > updates[-1]["update_id"]
                for n, p in bot.fake.calls
            )
        )
    for user, update in zip((801, 802, 803), updates, strict=True):
        assert reply_call(bot, user) < confirming_call(bot, update["update_id"])
    notes = await stored(bot)
    assert all(notes[u["update_id"]].handled for u in updates)


async def test_an_update_handled_before_a_crash_is_not_answered_again(
    db: tuple[str, AsyncEngine],
) -> None:
    async with running_bot(*db) as bot:
        repeated = bot.fake.send_text(811, "/bantuan")  # handled, never confirmed
        async with bot.deps.sessions() as session:
            session.add(PendingUpdate(update_id=repeated["update_id"], handled=True))
            await session.commit()
        bot.fake.send_text(812, "/bantuan")
        async with polling(bot):
            await bot.fake.wait_for(lambda: help_count(bot, 812) == 1)
            await asyncio.sleep(0.3)
        assert help_count(bot, 811) == 0


async def test_an_update_left_unfinished_by_a_crash_is_handled_first(
    db: tuple[str, AsyncEngine],
) -> None:
    async with running_bot(*db) as bot:
        left = bot.fake.send_text(821, "/bantuan")
        # The crashed process had confirmed it to Telegram after writing it down.
        bot.fake.handle("getUpdates", {"offset": str(left["update_id"] + 1), "timeout": "0"})
        async with bot.deps.sessions() as session:
            session.add(PendingUpdate(update_id=left["update_id"], payload=json.dumps(left)))
            await session.commit()
        async with polling(bot):
            await bot.fake.wait_for(lambda: help_count(bot, 821) == 1)
        assert (await stored(bot))[left["update_id"]].handled
        assert help_count(bot, 821) == 1


async def test_a_slow_update_is_written_down_before_telegram_forgets_it(
    db: tuple[str, AsyncEngine],
) -> None:
    async with running_bot(*db) as bot:
        bot.fake.faults.add("sendMessage", delay=2.5)  # the reply takes longer than the grace
        slow = bot.fake.send_text(831, "/bantuan")
        async with polling(bot):
            await bot.fake.wait_for(
                lambda: any(
                    n == "getUpdates" and (p.get("offset") or 0) > slow["update_id"]
                    for n, p in bot.fake.calls
                ),
                timeout=10,
            )
            # Confirmed to Telegram while still running: it must be on record, with its JSON.
            row = (await stored(bot))[slow["update_id"]]
            assert not row.handled
            assert json.loads(row.payload)["message"]["text"] == "/bantuan"
            await bot.fake.wait_for(lambda: help_count(bot, 831) == 1, timeout=10)
        assert (await stored(bot))[slow["update_id"]].handled
