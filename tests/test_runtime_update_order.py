"""Different people's updates run side by side; one person's updates stay in order."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.runtime.update_order import PerUserUpdateProcessor, user_key


def update_from(user_id: int, update_id: int) -> Update:
    user = User(user_id, "Pegawai", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user))  # type: ignore[arg-type]


async def test_one_users_updates_wait_for_each_other_others_do_not() -> None:
    processor = PerUserUpdateProcessor(8)
    events: list[str] = []
    first_started = asyncio.Event()
    release = asyncio.Event()

    async def slow(name: str) -> None:
        events.append(f"start {name}")
        first_started.set()
        await release.wait()
        events.append(f"end {name}")

    async def quick(name: str) -> None:
        events.append(f"start {name}")
        events.append(f"end {name}")

    a1 = asyncio.create_task(processor.process_update(update_from(1, 1), slow("a1")))
    await first_started.wait()
    a2 = asyncio.create_task(processor.process_update(update_from(1, 2), quick("a2")))
    b1 = asyncio.create_task(processor.process_update(update_from(2, 3), quick("b1")))
    await b1  # another person is not held up by user 1's slow update
    assert "end b1" in events
    assert "start a2" not in events  # user 1's second update waits for the first
    release.set()
    await asyncio.gather(a1, a2)
    assert events.index("end a1") < events.index("start a2")
    assert processor._locks == {}  # idle users are forgotten


def test_updates_without_a_user_have_no_key() -> None:
    assert user_key(Update(1)) is None
    assert user_key(update_from(5, 2)) == 5
