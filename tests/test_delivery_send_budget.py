"""Interactive Bot API calls ride out transient failures without sending anything twice."""

from __future__ import annotations

import asyncio
import heapq
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData

from bot.app import build_application, deps_of, start_services
from bot.clock import Clock
from bot.delivery.send_budget import BULK, FLOOR_MARGIN, SharedRateLimiter, SlotLedger
from tests.support.fakegram import FakeRequest, FakeTelegram
from tests.support.harness import TOKEN, Harness
from tests.support.harness import test_settings as settings_for

USER = 4242
HELP_START = "Yang dapat Anda lakukan"
BAD_GATEWAY = (502, b'{"ok":false,"error_code":502,"description":"Bad Gateway"}')
# A fault happens instead of the call (Telegram never saw it) or, when `after` is set,
# after the fake handled it (Telegram delivered the message but the answer was lost).
Fault = Callable[[], tuple[int, bytes]]


def answer(status_body: tuple[int, bytes]) -> Fault:
    return lambda: status_body


def raising(exc: Exception) -> Fault:
    def fault() -> tuple[int, bytes]:
        raise exc

    return fault


class FaultyRequest(FakeRequest):
    """FakeRequest with scripted failures for one Bot API method (first calls fail)."""

    def __init__(self, fake: FakeTelegram, method: str, faults: list[Fault], *, after: bool):
        super().__init__(fake)
        self.method = method
        self.faults = list(faults)
        self.after = after
        self.attempts = 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Fail the next scripted call of `self.method`, pass everything else through."""
        if not url.endswith("/" + self.method) or not self.faults:
            return await super().do_request(url, method, request_data)
        self.attempts += 1
        fault = self.faults.pop(0)
        if self.after:
            await super().do_request(url, method, request_data)
        return fault()


@asynccontextmanager
async def bot_with(
    db: tuple[str, AsyncEngine], method: str, faults: list[Fault], *, after: bool = False
) -> AsyncIterator[tuple[Harness, FaultyRequest]]:
    """The real bot whose `method` calls first meet `faults` (quick backoff for the test)."""
    fake = FakeTelegram(token=TOKEN)
    settings = settings_for(db[0])
    request = FaultyRequest(fake, method, faults, after=after)
    app = build_application(settings, request=request, clock=Clock(settings.tz), engine=db[1])
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, SharedRateLimiter)
    limiter.backoff = (0.01, 0.02, 0.04)
    await app.initialize()
    await start_services(app)
    drainer = deps_of(app).drainer
    assert drainer is not None
    await drainer.stop()
    try:
        yield Harness(app, fake), request
    finally:
        await app.shutdown()


async def test_reply_survives_two_bad_gateways(db: tuple[str, AsyncEngine]) -> None:
    async with bot_with(db, "sendMessage", [answer(BAD_GATEWAY)] * 2) as (bot, request):
        await bot.send(USER, "/bantuan")
        assert request.attempts == 2  # both failures were met, then the third call went through
        assert len(bot.texts(USER)) == 1
        assert bot.texts(USER)[0].startswith(HELP_START)


async def test_refused_connection_is_retried(db: tuple[str, AsyncEngine]) -> None:
    refused = raising(httpx.ConnectError("[Errno 111] Connection refused"))
    async with bot_with(db, "sendMessage", [refused]) as (bot, request):
        await bot.send(USER, "/bantuan")
        assert request.attempts == 1
        assert len(bot.fake.sent(USER)) == 1


async def test_timed_out_send_is_not_repeated(db: tuple[str, AsyncEngine]) -> None:
    # Telegram delivered the reply but its answer never came: sending again would duplicate.
    async with bot_with(db, "sendMessage", [raising(TimedOut())], after=True) as (bot, request):
        await bot.send(USER, "/bantuan")
        assert request.attempts == 1
        help_texts = [t for t in bot.texts(USER) if t.startswith(HELP_START)]
        assert len(help_texts) == 1


# --- the policy, call by call ------------------------------------------------------------------


class Script:
    """A Bot API call that raises the given errors in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> bool:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return True


def quick_limiter() -> SharedRateLimiter:
    return SharedRateLimiter(backoff=(0.01, 0.02, 0.04))


async def run(
    limiter: SharedRateLimiter, script: Script, endpoint: str, *, bulk: bool = False
) -> bool:
    result = await limiter.process_request(
        script, (), {}, endpoint, {"chat_id": USER}, BULK if bulk else None
    )
    return bool(result)


async def test_three_retries_then_the_failure_is_raised() -> None:
    limiter = quick_limiter()
    ok = Script(*[NetworkError("Service Unavailable")] * 3)
    assert await run(limiter, ok, "sendMessage")
    assert ok.calls == 4
    failing = Script(*[NetworkError("Gateway Timeout")] * 4)
    with pytest.raises(NetworkError, match="Gateway Timeout"):
        await run(limiter, failing, "sendMessage")
    assert failing.calls == 4


@pytest.mark.parametrize("endpoint", ["editMessageText", "answerCallbackQuery", "getFile"])
async def test_timeouts_of_calls_that_create_nothing_are_retried(endpoint: str) -> None:
    script = Script(TimedOut())
    assert await run(quick_limiter(), script, endpoint)
    assert script.calls == 2


@pytest.mark.parametrize("endpoint", ["sendMessage", "sendDocument", "copyMessage"])
async def test_timeouts_of_sends_are_retried_only_when_nothing_left(endpoint: str) -> None:
    maybe_delivered = Script(TimedOut())
    with pytest.raises(TimedOut):
        await run(quick_limiter(), maybe_delivered, endpoint)
    assert maybe_delivered.calls == 1
    never_left = TimedOut()
    never_left.__cause__ = httpx.ConnectTimeout("connect timed out")
    retried = Script(never_left)
    assert await run(quick_limiter(), retried, endpoint)
    assert retried.calls == 2


async def test_refusals_and_bulk_sends_are_not_retried() -> None:
    refused = Script(BadRequest("Bad Request: message text is empty"))
    with pytest.raises(BadRequest):
        await run(quick_limiter(), refused, "sendMessage")
    assert refused.calls == 1
    bulk = Script(NetworkError("Bad Gateway"))
    with pytest.raises(NetworkError):
        await run(quick_limiter(), bulk, "sendMessage", bulk=True)
    assert bulk.calls == 1  # the drainer reschedules the row itself


async def test_interactive_429s_are_counted() -> None:
    before = REGISTRY.get_sample_value("kinerja_telegram_429_total") or 0.0
    script = Script(RetryAfter(timedelta(seconds=0)))
    assert await run(quick_limiter(), script, "sendMessage")
    assert REGISTRY.get_sample_value("kinerja_telegram_429_total") == before + 1


# --- the budget ------------------------------------------------------------------------------


async def test_a_message_holds_its_slot_until_a_window_after_its_answer() -> None:
    # Telegram counts a message when it arrives, which may be just before the answer comes
    # back: a slot is only free again a whole window after that answer.
    limiter = SharedRateLimiter(overall_rate=2, window=0.05)
    answered = asyncio.Event()
    started: list[int] = []

    async def call(chat: int, wait: bool) -> None:
        async def request() -> bool:
            started.append(chat)
            if wait:
                await answered.wait()
            return True

        await limiter.process_request(request, (), {}, "sendMessage", {"chat_id": chat}, None)

    slow = [asyncio.create_task(call(chat, wait=True)) for chat in (1, 2)]
    third = asyncio.create_task(call(3, wait=False))
    await asyncio.sleep(0.2)  # four windows: by send time alone the slots would be free
    assert started == [1, 2]
    assert not third.done()
    answered.set()
    await asyncio.gather(*slow, third)
    assert started == [1, 2, 3]


async def test_a_waiting_reply_goes_before_a_waiting_bulk_send() -> None:
    limiter = SharedRateLimiter(overall_rate=2, window=0.05)
    answered = asyncio.Event()
    order: list[str] = []

    async def call(name: str, chat: int, *, bulk: bool = False, wait: bool = False) -> None:
        async def request() -> bool:
            order.append(name)
            if wait:
                await answered.wait()
            return True

        marker = BULK if bulk else None
        await limiter.process_request(request, (), {}, "sendMessage", {"chat_id": chat}, marker)

    busy = [asyncio.create_task(call(f"busy-{n}", n, wait=True)) for n in (1, 2)]
    await asyncio.sleep(0)
    bulk = asyncio.create_task(call("bulk", 3, bulk=True))
    await asyncio.sleep(0.01)  # the bulk send is waiting first
    reply = asyncio.create_task(call("reply", 4))
    await asyncio.sleep(0.01)
    answered.set()
    await asyncio.gather(*busy, bulk, reply)
    assert order == ["busy-1", "busy-2", "reply", "bulk"]


# --- the budget at Telegram's real limit (a fake clock, a simulated network) ------------------


def simulate(
    ledger: SlotLedger, seconds: float, *, rate: int = 30, seed: int = 14
) -> tuple[list[float], float]:
    """Send as fast as the ledger allows over a simulated network; return the arrival times
    at Telegram and the loop's busiest second there.

    Every round trip takes 80-150 ms: at least 40 ms each way, the other 0-70 ms split at
    random between the way there and the way back (so arrival can be anywhere in it).
    """
    chance = random.Random(seed)
    now = 0.0
    answers: list[tuple[float, float]] = []  # heap of (answer time, sent at)
    arrivals: list[float] = []
    while now < seconds:
        while ledger.taken(now) < rate:
            ledger.take()
            extra = chance.uniform(0.0, 0.070)
            there = 0.040 + chance.uniform(0.0, extra)
            heapq.heappush(answers, (now + 0.080 + extra, now))
            arrivals.append(now + there)
        events = [answers[0][0]] if answers else []
        if (frees := ledger.next_free()) is not None:
            events.append(frees)
        now = min(events)
        while answers and answers[0][0] <= now:
            answered_at, sent_at = heapq.heappop(answers)
            ledger.answered(sent_at, answered_at)
    arrivals.sort()
    busiest, first = 0, 0
    for last, t in enumerate(arrivals):
        while arrivals[first] <= t - 1.0:
            first += 1
        busiest = max(busiest, last - first + 1)
    return arrivals, busiest


def test_the_round_trip_is_spent_sending_and_no_second_at_telegram_sees_more_than_30() -> None:
    ledger = SlotLedger(window=1.0, trust_after=300)
    arrivals, busiest = simulate(ledger, 120.0)
    assert busiest <= 30
    assert 0.075 <= ledger.floor <= 0.080  # the fastest round trip, less the margin
    steady = [t for t in arrivals if 20.0 <= t < 120.0]
    # A slot is held ~1.04 s (a window plus the round trip's spread above the fastest one),
    # not 1.115 s (a window after every answer): 28.5+ messages a second instead of 26.9.
    assert len(steady) / 100.0 >= 28.5


def test_until_enough_round_trips_are_timed_a_slot_frees_a_window_after_its_answer() -> None:
    ledger = SlotLedger(window=1.0, trust_after=3)
    for n in range(2):
        ledger.take()
        ledger.answered(sent_at=10.0 * n, now=10.0 * n + 0.1)
        assert ledger.floor == 0.0
        assert ledger.taken(10.0 * n + 1.099) == 1  # a whole window after the answer
        assert ledger.taken(10.0 * n + 1.1) == 0
    ledger.take()
    ledger.answered(sent_at=20.0, now=20.1)  # the third timed round trip: trusted from now
    assert ledger.floor == pytest.approx(0.1 - FLOOR_MARGIN)
    ledger.take()
    ledger.answered(sent_at=100.0, now=100.15)
    # It reached Telegram at least ~0.1 s before its answer: it counts until then + 1 s.
    frees = 100.15 - (0.1 - FLOOR_MARGIN) + 1.0
    assert ledger.taken(frees - 0.001) == 1
    assert ledger.taken(frees + 1e-9) == 0


def test_a_slot_is_never_free_before_a_window_after_its_send() -> None:
    ledger = SlotLedger(window=1.0, trust_after=1)
    ledger.take()
    ledger.answered(sent_at=0.0, now=0.5)  # the fastest round trip yet: it arrived by ~0.005
    assert ledger.taken(1.0) == 1
    assert ledger.taken(1.0 + FLOOR_MARGIN + 1e-9) == 0
    ledger.take()
    ledger.failed(now=3.0)  # no answer: nobody knows when it arrived
    assert ledger.taken(3.99) == 1
    assert ledger.taken(4.0) == 0


def test_an_in_flight_message_holds_its_slot_however_long() -> None:
    ledger = SlotLedger(window=1.0, trust_after=0)
    ledger.take()
    assert ledger.taken(1_000.0) == 1
    assert ledger.next_free() is None
