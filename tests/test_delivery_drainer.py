"""The outbox drainer: priority, working hours, 429, 403, transient errors, restarts."""

from __future__ import annotations

import asyncio
import time as wallclock
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from telegram.error import RetryAfter

from bot.delivery import outbox_queue
from bot.delivery.drainer import BULK, MAX_ATTEMPTS, OutboxDrainer, SharedRateLimiter
from models import Employee, OutboxMessage
from models.db import SessionFactory
from tests.support.factories import add, make_org
from tests.support.fakegram import FakeTelegram
from tests.support.harness import TOKEN, Harness, running_bot

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY_1000 = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=WIB)
CHATS = list(range(5001, 5011))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


async def people(sessions: SessionFactory) -> dict[int, int]:
    """Linked employees for CHATS; return chat id -> employee id."""
    async with sessions() as session:
        org = await make_org(session)
        ids = {}
        for n, chat in enumerate(CHATS):
            employee = await add(
                session,
                nip=f"19800101200501{1 if n % 2 else 2}{n + 1:03d}",
                name=f"Pegawai {n}",
                opd_id=org.opd.id,
                telegram_user_id=chat,
            )
            ids[chat] = employee.id
        await session.commit()
    return ids


def know(bot: Harness, *chats: int) -> None:
    """These users have started the bot before (Telegram only lets bots write to them then)."""
    bot.fake.known_chats.update(chats)


async def queue(
    sessions: SessionFactory,
    chat: int,
    key: str,
    *,
    priority: int = outbox_queue.PRIORITY_DIRECT,
    working_hours_only: bool = False,
    now: datetime = FRIDAY_1000,
    kind: str = "test",
) -> None:
    async with sessions() as session:
        await outbox_queue.enqueue(
            session,
            dedupe_key=key,
            kind=kind,
            chat_id=chat,
            text=f"pesan {key} <b>tebal</b>",
            now=now.astimezone(UTC),
            priority=priority,
            working_hours_only=working_hours_only,
        )
        await session.commit()


async def rows(sessions: SessionFactory) -> dict[str, OutboxMessage]:
    async with sessions() as session:
        found = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    return {row.dedupe_key: row for row in found}


def sent_chats(bot: Harness) -> list[int]:
    return [int(call["chat_id"]) for call in bot.fake.calls_of("sendMessage")]


async def test_higher_priority_goes_first(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await people(sessions)
    await queue(sessions, CHATS[0], "broadcast", priority=outbox_queue.PRIORITY_BROADCAST)
    await queue(sessions, CHATS[1], "reminder", priority=outbox_queue.PRIORITY_REMINDER)
    await queue(sessions, CHATS[2], "direct-1")
    await queue(sessions, CHATS[3], "direct-2")
    async with running_bot(db[0], db[1], now=FRIDAY_1000) as bot:
        know(bot, *CHATS)
        assert await bot.drain() == 4
        assert sent_chats(bot) == [CHATS[2], CHATS[3], CHATS[1], CHATS[0]]
        assert bot.fake.last(CHATS[0]).html == "pesan broadcast <b>tebal</b>"
    stored = await rows(sessions)
    assert {r.status for r in stored.values()} == {"sent"}
    assert all(r.message_id for r in stored.values())


async def test_reminders_wait_for_working_hours_direct_notices_do_not(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await people(sessions)
    await queue(sessions, CHATS[0], "reminder", working_hours_only=True, now=SATURDAY)
    await queue(sessions, CHATS[1], "direct", now=SATURDAY)
    async with running_bot(db[0], db[1], now=SATURDAY) as bot:
        know(bot, *CHATS)
        await bot.drain()
        assert sent_chats(bot) == [CHATS[1]]
        for moment in (at(date(2026, 11, 30), 7, 29), at(date(2026, 11, 27), 16, 30)):
            bot.deps.clock.freeze(moment)  # before opening; after Friday's closing time
            await bot.drain()
            assert sent_chats(bot) == [CHATS[1]]
        bot.deps.clock.freeze(at(date(2026, 11, 30), 7, 30))
        await bot.drain()
        assert sent_chats(bot) == [CHATS[1], CHATS[0]]


async def test_bulk_to_one_chat_is_spaced_and_never_flooded(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await people(sessions)
    # Four messages to one chat: Telegram allows about one per second per chat, so the
    # drainer spaces them instead of bursting into a 429.
    for n in range(4):
        await queue(sessions, CHATS[0], f"same-chat-{n}")
    fake = FakeTelegram(token=TOKEN, flood_limits=True)
    async with running_bot(db[0], db[1], fake=fake, now=FRIDAY_1000, outbox_rate=100) as bot:
        know(bot, *CHATS)
        started = wallclock.monotonic()
        draining = asyncio.create_task(bot.drain())
        await fake.wait_for(lambda: fake.sent(CHATS[0]))
        # Meanwhile a reply to someone else goes out at once.
        reply_started = wallclock.monotonic()
        await bot.app.bot.send_message(CHATS[1], "balasan langsung")
        assert wallclock.monotonic() - reply_started < 0.5
        await draining
        assert wallclock.monotonic() - started >= 3.0  # ~1 s between messages to one chat
        assert fake.rate_limited == 0
        assert fake.flood_violations == 0
        assert [m.text for m in fake.sent(CHATS[0])] == [
            f"pesan same-chat-{n} tebal" for n in range(4)
        ]
    assert {r.status for r in (await rows(sessions)).values()} == {"sent"}


async def test_blocked_user_is_marked_and_not_retried(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    ids = await people(sessions)
    await queue(sessions, CHATS[0], "to-blocked")
    await queue(sessions, CHATS[1], "to-friend")
    async with running_bot(db[0], db[1], now=FRIDAY_1000) as bot:
        know(bot, *CHATS)
        bot.fake.block(CHATS[0])
        await bot.drain()
        attempts = len(bot.fake.calls_of("sendMessage"))
        bot.deps.clock.freeze(FRIDAY_1000 + timedelta(hours=1))
        await bot.drain()
        assert len(bot.fake.calls_of("sendMessage")) == attempts  # no retry
        assert bot.deps.drainer is not None
        assert bot.deps.drainer.stats.blocked == 1
    stored = await rows(sessions)
    assert stored["to-blocked"].status == "blocked"
    assert "blocked" in stored["to-blocked"].last_error
    assert stored["to-friend"].status == "sent"
    async with sessions() as session:
        employee = await session.get(Employee, ids[CHATS[0]])
    assert employee is not None
    assert employee.blocked_at is not None


class FlakyTelegram(FakeTelegram):
    """A Telegram whose first sendMessage fails with 502 Bad Gateway."""

    failures = 1

    def handle(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        if method.lower() == "sendmessage" and self.failures:
            self.failures -= 1
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return super().handle(method, params, files)


async def test_transient_error_backs_off_then_sends_once(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await people(sessions)
    await queue(sessions, CHATS[0], "flaky")
    fake = FlakyTelegram(token=TOKEN)
    async with running_bot(db[0], db[1], fake=fake, now=FRIDAY_1000) as bot:
        know(bot, *CHATS)
        await bot.drain()
        row = (await rows(sessions))["flaky"]
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.not_before == (FRIDAY_1000 + timedelta(seconds=2)).astimezone(UTC)
        assert "Bad Gateway" in row.last_error
        await bot.drain()  # still backing off
        assert fake.sent(CHATS[0]) == []
        bot.deps.clock.freeze(FRIDAY_1000 + timedelta(seconds=3))
        await bot.drain()
        assert len(fake.sent(CHATS[0])) == 1
    assert (await rows(sessions))["flaky"].status == "sent"


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the drainer's policy, not the database's
async def test_a_row_is_given_up_only_after_a_day_of_failures(
    db: tuple[str, AsyncEngine], sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ~150 attempts to one chat: without the 1 s gap between bulk sends to a chat, the
    # day passes in a moment.
    monkeypatch.setattr("bot.delivery.send_budget.CHAT_GAP", 0.0)
    await people(sessions)
    await queue(sessions, CHATS[0], "down")
    fake = FlakyTelegram(token=TOKEN)
    fake.failures = 10_000
    async with running_bot(db[0], db[1], fake=fake, now=FRIDAY_1000) as bot:
        know(bot, *CHATS)
        moment = FRIDAY_1000
        while moment < FRIDAY_1000 + timedelta(hours=23):
            await bot.drain()
            moment += timedelta(minutes=10)
            bot.deps.clock.freeze(moment)
        row = (await rows(sessions))["down"]
        assert row.status == "pending"
        while moment < FRIDAY_1000 + timedelta(hours=25):
            await bot.drain()
            moment += timedelta(minutes=10)
            bot.deps.clock.freeze(moment)
    row = (await rows(sessions))["down"]
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert "Bad Gateway" in row.last_error


async def test_restart_continues_where_it_stopped_without_duplicates(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await people(sessions)
    for chat in CHATS:
        await queue(sessions, chat, f"restart-{chat}")
    async with running_bot(db[0], db[1], now=FRIDAY_1000) as bot:
        know(bot, *CHATS)
        first = OutboxDrainer(bot.deps.sessions, bot.app.bot, bot.deps.clock, rate=20)
        first.start()
        await bot.fake.wait_for(lambda: len(bot.fake.calls_of("sendMessage")) >= 3)
        await first.stop()
        done_before = len(bot.fake.calls_of("sendMessage"))
        assert 3 <= done_before < len(CHATS)
        pending = [r for r in (await rows(sessions)).values() if r.status == "pending"]
        assert len(pending) == len(CHATS) - done_before  # sent rows were recorded
        second = OutboxDrainer(bot.deps.sessions, bot.app.bot, bot.deps.clock, rate=20)
        second.start()
        await bot.fake.wait_for(lambda: len(bot.fake.calls_of("sendMessage")) >= len(CHATS))
        await asyncio.sleep(0.2)
        await second.stop()
        per_chat = Counter(sent_chats(bot))
        assert per_chat == Counter(dict.fromkeys(CHATS, 1))
    assert {r.status for r in (await rows(sessions)).values()} == {"sent"}


class ScriptedTelegram(FakeTelegram):
    """A Telegram that answers the first sendMessage to some chats with a scripted failure."""

    def __init__(self, first_answers: dict[int, tuple[int, dict[str, Any]]]) -> None:
        super().__init__(token=TOKEN)
        self.first_answers = first_answers

    def handle(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        if method.lower() == "sendmessage":
            scripted = self.first_answers.pop(int(params["chat_id"]), None)
            if scripted is not None:
                return scripted
        return super().handle(method, params, files)


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_every_outcome_is_counted_and_the_depth_follows_the_outbox(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    kind = "metrics-test"
    await people(sessions)
    for chat in CHATS[:5]:
        await queue(sessions, chat, f"metrics-{chat}", kind=kind)
    fake = ScriptedTelegram(
        {
            CHATS[3]: (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}),
            CHATS[4]: (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
            ),
        }
    )
    results = ("sent", "failed", "blocked", "retry")
    before = {r: metric("kinerja_sends_total", kind=kind, result=r) for r in results}
    floods_before = metric("kinerja_telegram_429_total")
    async with running_bot(db[0], db[1], fake=fake, now=FRIDAY_1000) as bot:
        know(bot, *[c for c in CHATS if c != CHATS[2]])  # CHATS[2] never started the bot
        fake.block(CHATS[1])
        drainer = OutboxDrainer(
            bot.deps.sessions, bot.app.bot, bot.deps.clock, rate=100, depth_every=0
        )
        assert await drainer.drain_once()  # the depth is read before the batch goes out
        assert metric("kinerja_outbox_depth", kind=kind) == 5
        assert not await drainer.drain_once()  # only the 502 row is left, backing off
        assert metric("kinerja_outbox_depth", kind=kind) == 1
        bot.deps.clock.freeze(FRIDAY_1000 + timedelta(seconds=3))
        assert await drainer.drain_once()
        assert not await drainer.drain_once()
        assert metric("kinerja_outbox_depth", kind=kind) == 0
    after = {r: metric("kinerja_sends_total", kind=kind, result=r) for r in results}
    assert {r: after[r] - before[r] for r in results} == {
        "sent": 3,  # CHATS[0], CHATS[4] after its 429, CHATS[3] after its 502
        "failed": 1,  # chat not found
        "blocked": 1,
        "retry": 2,  # the 502 and the 429
    }
    # Counted once although the 429 passed through both the drainer and the rate limiter.
    assert metric("kinerja_telegram_429_total") == floods_before + 1


# --- the shared rate limiter -------------------------------------------------------------------


async def test_bulk_leaves_a_reserve_for_interactive_replies() -> None:
    limiter = SharedRateLimiter(overall_rate=5, reserve=2, window=0.5)
    order: list[str] = []

    async def call(name: str) -> bool:
        order.append(name)
        return True

    async def send(name: str, bulk: bool) -> None:
        # Distinct chats: the per-chat spacing of bulk sends is tested separately.
        chat = int(name.split("-")[1]) + (100 if bulk else 200)
        await limiter.process_request(
            call, (name,), {}, "sendMessage", {"chat_id": chat}, BULK if bulk else None
        )

    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(3):
        await send(f"bulk-{n}", bulk=True)
    assert loop.time() - start < 0.1
    # The bulk share (3 of 5) is used up: more bulk waits, a reply does not.
    waiting = asyncio.create_task(send("bulk-3", bulk=True))
    await asyncio.sleep(0.05)
    await send("reply-1", bulk=False)
    await send("reply-2", bulk=False)
    assert loop.time() - start < 0.2
    assert order[-2:] == ["reply-1", "reply-2"]
    await waiting
    assert order[-1] == "bulk-3"
    assert loop.time() - start >= 0.45


async def test_a_bulk_429_holds_replies_too_so_nothing_violates_it() -> None:
    limiter = SharedRateLimiter(max_retries=2)

    async def refused() -> bool:
        raise RetryAfter(timedelta(seconds=1))

    async def fine() -> bool:
        return True

    loop = asyncio.get_running_loop()
    with pytest.raises(RetryAfter):
        await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 1}, BULK)
    started = loop.time()
    await limiter.process_request(fine, (), {}, "sendMessage", {"chat_id": 2}, None)
    assert loop.time() - started >= 1.0  # held until retry_after passed


async def test_interactive_429_is_retried_bulk_429_is_handed_back() -> None:
    limiter = SharedRateLimiter(max_retries=2)
    calls = 0

    async def flaky() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(timedelta(seconds=0))
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert calls == 2
    calls = 0
    with pytest.raises(RetryAfter):
        await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, BULK)
    assert calls == 1


# --- sending over a real network's round trip ---------------------------------------------------


async def test_sends_overlap_the_round_trip_and_arrive_once_each(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await people(sessions)
    for chat in CHATS:
        await queue(sessions, chat, f"net-{chat}")
    # Every call takes 100 ms there and back; Telegram counts it halfway.
    fake = FakeTelegram(token=TOKEN, flood_limits=True, latency=(0.1, 0.1))
    async with running_bot(db[0], db[1], fake=fake, now=FRIDAY_1000, outbox_rate=1000) as bot:
        know(bot, *CHATS)
        await bot.drain()
        # All ten are on their way at once instead of a few at a time waiting for answers.
        assert fake.most_in_flight == len(CHATS)
        assert (fake.rate_limited, fake.flood_violations) == (0, 0)
        assert Counter(sent_chats(bot)) == Counter(CHATS)
    assert {r.status for r in (await rows(sessions)).values()} == {"sent"}


async def test_the_next_batch_is_read_while_answers_are_on_their_way(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await people(sessions)
    for chat in CHATS[:3]:
        await queue(sessions, chat, f"batch-{chat}")
    fake = FakeTelegram(token=TOKEN, latency=(0.6, 0.6))
    async with running_bot(db[0], db[1], fake=fake, now=FRIDAY_1000, outbox_rate=1000) as bot:
        know(bot, *CHATS)
        drainer = bot.deps.drainer
        assert drainer is not None
        assert await drainer.feed()  # returns with the three still on their way
        await fake.wait_for(lambda: fake.in_flight == 3)
        await queue(sessions, CHATS[3], "batch-later")
        # Reading the next batch leaves out the rows in flight (still pending in the table).
        assert [r.dedupe_key for r in await drainer.due_rows()] == ["batch-later"]
        assert await drainer.feed()
        await drainer.settle()
        assert Counter(sent_chats(bot)) == Counter(CHATS[:4])
        assert not await drainer.due_rows()
    assert {r.status for r in (await rows(sessions)).values()} == {"sent"}
