"""/healthz and /metrics over a real socket (bot/web/server.py, tornado); update metrics and
structured, token-free logs."""

from __future__ import annotations

import asyncio
import contextvars
import io
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import (
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Update,
    User,
)
from telegram.ext import CommandHandler

from bot.context import BotContext
from bot.runtime.logging_setup import (
    EMPLOYEE_ID,
    UPDATE_ID,
    JsonFormatter,
    build_handler,
    configure_logging,
)
from bot.web import server as health_server
from bot.web.server import HealthStatus, WebServer, start_health_server
from models import Employee
from tests.support.factories import make_org
from tests.support.harness import TOKEN, Harness, running_bot

DB = tuple[str, AsyncEngine]
STAFF_TG = 4242


# --- the HTTP server ------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


async def request(port: int, raw: bytes) -> Reply:
    """Send raw bytes to the server, read until it closes, and parse the HTTP response
    (an empty one, status 0, when the server hung up without answering)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    if not data:
        return Reply(0, {}, b"")
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return Reply(int(status_line.split(" ")[1]), {k.lower(): v for k, v in headers.items()}, body)


async def get(port: int, path: str, method: str = "GET") -> Reply:
    head = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    return await request(port, head.encode())


@pytest.fixture
async def served() -> AsyncIterator[tuple[WebServer, dict[str, Any]]]:
    """A health server on a free port whose check reports whatever `state` says."""
    state: dict[str, Any] = {"healthy": True, "details": {"role": "active", "database": "ok"}}

    async def check() -> HealthStatus:
        if "raise" in state:
            raise state["raise"]
        if "hang" in state:
            await asyncio.Event().wait()
        return HealthStatus(state["healthy"], dict(state["details"]))

    server = await start_health_server("127.0.0.1", 0, check)
    try:
        yield server, state
    finally:
        await server.close()


async def test_healthz_answers_200_when_healthy_and_503_when_not(
    served: tuple[WebServer, dict[str, Any]],
) -> None:
    server, state = served
    ok = await get(server.port, "/healthz")
    assert ok.status == 200
    assert ok.headers["content-type"].startswith("application/json")
    assert json.loads(ok.body) == {
        "healthy": True,
        "details": {"role": "active", "database": "ok"},
    }
    assert ok.headers["connection"] == "close"

    state["healthy"] = False
    state["details"] = {"role": "standby", "database": "unreachable"}
    down = await get(server.port, "/healthz?verbose=1")
    assert down.status == 503
    assert json.loads(down.body)["details"]["database"] == "unreachable"

    head = await get(server.port, "/healthz", method="HEAD")
    assert head.status == 503
    assert int(head.headers["content-length"]) > 0
    assert head.body == b""


async def test_a_failing_or_stuck_check_is_reported_unhealthy(
    served: tuple[WebServer, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, state = served
    state["raise"] = ConnectionRefusedError("database down")
    failed = await get(server.port, "/healthz")
    assert failed.status == 503
    assert json.loads(failed.body)["details"] == {"error": "ConnectionRefusedError"}

    del state["raise"]
    state["hang"] = True
    monkeypatch.setattr(health_server, "CHECK_TIMEOUT", 0.05)
    stuck = await get(server.port, "/healthz")
    assert stuck.status == 503
    assert json.loads(stuck.body)["details"] == {"error": "health check timed out"}


async def test_metrics_serves_the_prometheus_text_format(
    served: tuple[WebServer, dict[str, Any]],
) -> None:
    server, _ = served
    metrics = await get(server.port, "/metrics")
    assert metrics.status == 200
    assert metrics.headers["content-type"] == CONTENT_TYPE_LATEST
    text = metrics.body.decode()
    for name, kind in [
        ("kinerja_updates_processed_total", "counter"),
        ("kinerja_handler_latency_seconds", "histogram"),
        ("kinerja_outbox_depth", "gauge"),
        ("kinerja_sends_total", "counter"),
        ("kinerja_telegram_429_total", "counter"),
    ]:
        assert f"# TYPE {name} {kind}" in text
    assert int(metrics.headers["content-length"]) == len(metrics.body)


async def test_other_paths_methods_and_garbage_get_plain_errors(
    served: tuple[WebServer, dict[str, Any]],
) -> None:
    server, _ = served
    assert (await get(server.port, "/")).status == 404
    assert (await get(server.port, "/healthz/../etc/passwd")).status == 404
    missing_head = await get(server.port, "/nothing", method="HEAD")
    assert (missing_head.status, missing_head.body) == (404, b"")
    assert (await get(server.port, "/healthz", method="POST")).status == 405
    assert (await request(server.port, b"\x16\x03\x01\x02\x00garbage\r\n\r\n")).status == 400
    assert (await request(server.port, b"GET /healthz\r\n\r\n")).status == 400
    huge = b"GET /healthz HTTP/1.1\r\nX-Filler: " + b"a" * 20_000 + b"\r\n\r\n"
    assert (await request(server.port, huge)).status == 0  # cut off, nothing answered
    # After all that the server still answers.
    assert (await get(server.port, "/healthz")).status == 200


async def test_a_slow_client_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health_server, "READ_TIMEOUT", 0.05)

    async def check() -> HealthStatus:
        return HealthStatus(True, {})

    server = await start_health_server("127.0.0.1", 0, check)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /healthz HTTP/1.1\r\n")  # and never the blank line
    await writer.drain()
    answer = await reader.read()
    await server.close()
    assert answer == b""  # the server hung up
    writer.close()
    await writer.wait_closed()


async def test_close_ends_open_connections_and_stops_listening() -> None:
    async def check() -> HealthStatus:
        return HealthStatus(True, {})

    server = await start_health_server("127.0.0.1", 0, check)
    port = server.port
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /hea")  # a client that stalls mid-request
    await writer.drain()
    await asyncio.sleep(0)  # let the server accept it
    await server.close()
    try:
        rest = await reader.read()
    except ConnectionResetError:
        rest = b""
    assert rest == b""  # the server hung up
    writer.close()
    with pytest.raises(ConnectionError):
        await asyncio.open_connection("127.0.0.1", port)


# --- metrics and logs of real updates --------------------------------------------------------


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def counts(kind: str) -> tuple[float, float, float]:
    """(ok, error, timed) counts of updates of this kind so far."""
    return (
        sample("kinerja_updates_processed_total", kind=kind, outcome="ok"),
        sample("kinerja_updates_processed_total", kind=kind, outcome="error"),
        sample("kinerja_handler_latency_seconds_count", kind=kind),
    )


async def process(h: Harness, update: Update | dict[str, Any]) -> None:
    """Hand an update to the application the way PTB's fetcher and our poll loop do."""
    if isinstance(update, dict):
        update = Update.de_json(update, h.app.bot)
    await h.app.update_processor.process_update(update, h.app.process_update(update))


async def fail_loudly(update: Update, context: BotContext) -> None:
    """Fail the way a handler might when a URL with the token ends up in an error."""
    logging.getLogger("kinerja.test").info("calling %s/sendMessage", f"bot{TOKEN}")
    raise RuntimeError(f"could not reach https://api.telegram.org/bot{TOKEN}/sendMessage")


@pytest.fixture
async def bot_with_staff(db: DB) -> AsyncIterator[tuple[Harness, int]]:
    """The running bot, a linked staff member (Telegram id STAFF_TG) and their employee id,
    plus a /boom command that fails after the main handlers answered."""
    url, engine = db
    async with running_bot(url, engine) as h:
        async with h.deps.sessions() as session:
            org = await make_org(session)
            staff = await session.get(Employee, org.staff.id)
            assert staff is not None and staff.id is not None
            staff.telegram_user_id = STAFF_TG
            staff.language = "en"
            session.add(staff)
            await session.commit()
            employee_id = staff.id
        h.app.add_handler(CommandHandler("boom", fail_loudly), group=1)
        yield h, employee_id


@pytest.fixture
def json_log() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Capture the root logger's records as our JSON lines; return a reader of them."""
    stream = io.StringIO()
    handler = build_handler(TOKEN, json=True, stream=stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def membership_update(update_id: int, user_id: int, bot_user: User) -> Update:
    """The user blocked the bot."""
    when = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    user = User(user_id, "Pegawai", is_bot=False)
    return Update(
        update_id,
        my_chat_member=ChatMemberUpdated(
            Chat(user_id, Chat.PRIVATE),
            user,
            when,
            ChatMemberMember(bot_user),
            ChatMemberBanned(bot_user, until_date=when),
        ),
    )


async def test_updates_are_counted_and_timed_by_kind(
    bot_with_staff: tuple[Harness, int],
) -> None:
    h, _ = bot_with_staff
    before = {kind: counts(kind) for kind in ("message", "callback_query", "my_chat_member")}

    await process(h, h.fake.send_text(STAFF_TG, "/bantuan"))
    await process(h, h.fake.send_text(STAFF_TG, "hello"))
    await process(h, h.fake.press_raw(STAFF_TG, h.fake.last(STAFF_TG).message_id, "old:1"))
    await process(h, membership_update(10**6, STAFF_TG, h.app.bot.bot))

    def gained(kind: str) -> tuple[float, ...]:
        return tuple(a - b for a, b in zip(counts(kind), before[kind], strict=True))

    assert gained("message") == (2, 0, 2)
    assert gained("callback_query") == (1, 0, 1)
    assert gained("my_chat_member") == (1, 0, 1)
    assert UPDATE_ID.get() is None  # the update's id does not outlive it
    assert EMPLOYEE_ID.get() is None


async def test_a_failing_handler_counts_as_an_error(bot_with_staff: tuple[Harness, int]) -> None:
    h, _ = bot_with_staff
    ok, error, timed = counts("message")
    await process(h, h.fake.send_text(STAFF_TG, "/boom"))
    assert counts("message") == (ok, error + 1, timed + 1)
    # The fallback answered /boom, then the error handler apologised.
    assert len(h.fake.sent(STAFF_TG)) == 2


async def test_json_log_lines_carry_update_and_employee_ids_and_never_the_token(
    bot_with_staff: tuple[Harness, int], json_log: Callable[[], list[dict[str, Any]]]
) -> None:
    h, employee_id = bot_with_staff
    payload = h.fake.send_text(STAFF_TG, "/boom")
    await process(h, payload)
    lines = json_log()
    ours = [line for line in lines if line.get("update_id") == payload["update_id"]]
    assert {line["logger"] for line in ours} >= {"kinerja.test", "kinerja.errors"}
    for line in ours:
        assert line["employee_id"] == employee_id
        assert set(line) >= {"ts", "level", "logger", "message"}
        assert datetime.fromisoformat(line["ts"]).utcoffset() == UTC.utcoffset(None)
    called = next(line for line in ours if line["logger"] == "kinerja.test")
    assert called["message"] == "calling bot<TOKEN>/sendMessage"
    error = next(line for line in ours if line["logger"] == "kinerja.errors")
    assert error["level"] == "ERROR"
    assert "Traceback (most recent call last)" in error["exc_info"]
    assert (
        "RuntimeError: could not reach https://api.telegram.org/bot<TOKEN>/sendMessage"
        in (error["exc_info"])
    )
    everything = json.dumps(lines)
    assert TOKEN not in everything
    assert TOKEN.split(":")[1] not in everything


def test_configure_logging_writes_json_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()  # isatty() is False, like a pipe or journald
    monkeypatch.setattr(sys, "stderr", stream)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO", TOKEN)
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        try:
            raise ValueError(f"token {TOKEN} in an error")
        except ValueError:
            logging.getLogger("kinerja.cli").exception("start-up failed for %s", TOKEN)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    line = json.loads(stream.getvalue())
    assert line["message"] == "start-up failed for <TOKEN>"
    assert "ValueError: token <TOKEN> in an error" in line["exc_info"]
    assert "update_id" not in line  # logged outside any update
    assert TOKEN not in stream.getvalue()


def test_text_lines_name_the_update_and_employee_on_a_terminal() -> None:
    stream = io.StringIO()
    handler = build_handler(TOKEN, json=False, stream=stream)
    logger = logging.getLogger("kinerja.text-test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def log_inside_an_update() -> None:
        UPDATE_ID.set(77)
        EMPLOYEE_ID.set(5)
        logger.info("GET https://api.telegram.org/bot%s/getMe", TOKEN)

    try:
        contextvars.copy_context().run(log_inside_an_update)
        logger.info("outside")
    finally:
        logger.removeHandler(handler)
    inside, outside = stream.getvalue().splitlines()
    assert inside.endswith("bot<TOKEN>/getMe [update=77 employee=5]")
    assert outside.endswith("kinerja.text-test: outside")


async def test_a_taken_metrics_port_does_not_stop_the_bot(tmp_path: Path) -> None:
    from bot.runtime.active_lock import SqliteLeadership
    from bot.runtime.runner import RunState, start_health
    from tests.support.harness import test_settings as settings_for
    from tests.support.instances import free_port

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        database = tmp_path / "k.db"
        settings = settings_for(f"sqlite+aiosqlite:///{database}", metrics_port=port)
        assert await start_health(settings, RunState(), SqliteLeadership(database)) is None
        free = settings_for(f"sqlite+aiosqlite:///{database}", metrics_port=free_port())
        served = await start_health(free, RunState(role="standby"), SqliteLeadership(database))
        assert served is not None
        await served.close()
