"""The fake Bot API's fault injection, driven through real python-telegram-bot clients."""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator

import aiohttp
import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.support.fakegram import FakeBotApiServer, FakeRequest, FakeTelegram

USER = 1001


@pytest.fixture
def fake() -> FakeTelegram:
    fake = FakeTelegram()
    fake.user(USER, "Budi")
    fake.send_text(USER, "/start")
    return fake


@pytest.fixture
async def server(fake: FakeTelegram) -> AsyncIterator[FakeBotApiServer]:
    async with FakeBotApiServer(fake) as server:
        yield server


@pytest.fixture(params=["inproc", "http"])
async def bot(
    request: pytest.FixtureRequest, fake: FakeTelegram, server: FakeBotApiServer
) -> AsyncIterator[Bot]:
    """A PTB bot with a 0.3 s read timeout, in-process or over real HTTP."""
    if request.param == "inproc":
        transport = FakeRequest(fake, client_timeout=0.3)
        async with Bot(fake.token, request=transport, get_updates_request=transport) as bot:
            yield bot
    else:
        async with Bot(
            fake.token,
            base_url=server.base_url,
            request=HTTPXRequest(read_timeout=0.3),
        ) as bot:
            yield bot


def texts(fake: FakeTelegram) -> list[str | None]:
    return [m.text for m in fake.sent(USER)]


async def test_5xx_fails_the_next_calls_then_telegram_works_again(
    bot: Bot, fake: FakeTelegram
) -> None:
    fake.faults.add(status=502, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "a")
    await bot.send_message(USER, "b")
    assert texts(fake) == ["b"]  # the failed calls never took effect
    assert fake.faults.hit == [("sendMessage", "502"), ("sendMessage", "502")]
    assert not fake.faults.pending
    assert [code for _, code, _ in fake.errors] == [502, 502]


async def test_html_error_page_of_the_front_proxy(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.add("sendMessage", status=503, html=True)
    with pytest.raises(NetworkError, match=r"Service Unavailable \(503\)") as caught:
        await bot.send_message(USER, "a")
    assert not isinstance(caught.value, TimedOut)


async def test_fault_only_hits_its_methods(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.add(["sendMessage", "editMessageText"], status=504, count=None)
    assert (await bot.get_me()).username == "kinerja_test_bot"
    with pytest.raises(NetworkError, match="Gateway Timeout"):
        await bot.send_message(USER, "a")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "b")
    assert fake.faults.pending  # count=None: until cleared
    fake.faults.clear()
    await bot.send_message(USER, "c")
    assert texts(fake) == ["c"]


async def test_429_storm_carries_retry_after(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.add(retry_after=7, count=3)
    for _ in range(3):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "a")
        value = caught.value.retry_after
        assert (value.total_seconds() if isinstance(value, dtm.timedelta) else value) == 7
    await bot.send_message(USER, "b")
    assert texts(fake) == ["b"]


async def test_calls_under_a_fault_are_still_validated(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.add(status=502)
    with pytest.raises(BadRequest, match=r'(?i)unknown parameter "colour"'):
        await bot.send_message(USER, "x", api_kwargs={"colour": "red"})
    assert fake.faults.hit == [("sendMessage", "502")]


@pytest.mark.parametrize("processed", [False, True])
async def test_answer_slower_than_the_client_timeout(
    bot: Bot, fake: FakeTelegram, processed: bool
) -> None:
    """A timeout is ambiguous: the message may or may not have reached the user."""
    fake.faults.add("sendMessage", delay=1.0, processed=processed)
    with pytest.raises(TimedOut) as caught:
        await bot.send_message(USER, "maybe")
    cause = caught.value.__cause__
    assert isinstance(cause, httpx.ReadTimeout)
    if processed:
        assert texts(fake) == ["maybe"]
    else:
        await fake.wait_for(lambda: not fake.faults.pending)
        assert "maybe" not in texts(fake)


async def test_slow_answer_within_the_timeout_arrives(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.add("sendMessage", delay=0.05)
    message = await bot.send_message(USER, "slow")
    assert message.text == "slow"
    assert texts(fake) == ["slow"]


@pytest.mark.parametrize("processed", [False, True])
async def test_dropped_connection(bot: Bot, fake: FakeTelegram, processed: bool) -> None:
    fake.faults.add("sendMessage", drop=True, processed=processed)
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(USER, "cut")
    assert not isinstance(caught.value, TimedOut)
    assert texts(fake) == (["cut"] if processed else [])


async def test_faults_over_the_control_endpoint(
    fake: FakeTelegram, server: FakeBotApiServer
) -> None:
    control = server.base_url.removesuffix("/bot") + "/_fake/faults"
    async with aiohttp.ClientSession() as session:
        async with session.post(control, json={"status": 502, "count": None}) as resp:
            assert (await resp.json())["result"] == "502"
        async with session.post(control, json={"status": 404}) as resp:
            assert resp.status == 400
        async with session.post(f"{server.base_url}{fake.token}/getMe") as resp:
            assert resp.status == 502
            assert (await resp.json())["description"] == "Bad Gateway"
        async with session.delete(control) as resp:
            assert (await resp.json())["result"] == [["getMe", "502"]]
        async with session.post(f"{server.base_url}{fake.token}/getMe") as resp:
            assert resp.status == 200


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, "needs a status"),
        ({"status": 502, "drop": True}, "choose one"),
        ({"status": 429}, "5xx"),
        ({"retry_after": 2, "processed": True}, "never takes effect"),
        ({"delay": 1, "html": True}, "html applies"),
        ({"status": 502, "count": 0}, "count must be positive"),
    ],
)
def test_fault_arguments_are_checked(
    fake: FakeTelegram, kwargs: dict[str, object], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        fake.faults.add(**kwargs)  # type: ignore[arg-type]
