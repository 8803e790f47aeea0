"""FakeBotApiServer: serve a FakeTelegram over HTTP like api.telegram.org (aiohttp)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import threading
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.support.fakegram.core import FakeTelegram
from tests.support.fakegram.faults import answer_call
from tests.support.fakegram.spec import UploadedFile

CONTROL_HELPERS = frozenset(
    {
        "user",
        "block",
        "unblock",
        "send_text",
        "send_photo",
        "send_document",
        "send_sticker",
        "press",
        "press_raw",
    }
)
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


def _form_value(value: Any) -> str:
    """Turn a JSON-body value into the string form Telegram also accepts in forms."""
    return value if isinstance(value, str) else json.dumps(value)


class FakeBotApiServer:
    """An HTTP front for a FakeTelegram: /bot<token>/<method> and /file/bot<token>/<path>."""

    def __init__(self, fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare (not start) a server for the fake on host:port (0 picks a free port)."""
        self.fake = fake
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    @property
    def base_url(self) -> str:
        """Value for telegram.Bot(base_url=...)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for telegram.Bot(base_file_url=...)."""
        return f"http://{self.host}:{self.port}/file/bot"

    def make_app(self) -> web.Application:
        """Build the aiohttp application."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_post("/_fake/{helper}", self._control)
        app.router.add_get("/_fake/sent/{chat_id}", self._control_sent)
        app.router.add_post("/_fake/faults", self._control_add_fault)
        app.router.add_delete("/_fake/faults", self._control_clear_faults)
        return app

    async def _control_add_fault(self, request: web.Request) -> web.Response:
        """Inject a fault from another process: POST /_fake/faults {"status": 502, "count": 3}."""
        kwargs = await request.json() if request.can_read_body else {}
        try:
            fault = self.fake.faults.add(**kwargs)
        except (TypeError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "result": fault.kind})

    async def _control_clear_faults(self, _request: web.Request) -> web.Response:
        """DELETE /_fake/faults: Telegram works again; answers the calls the faults hit."""
        self.fake.faults.clear()
        return web.json_response({"ok": True, "result": self.fake.faults.hit})

    async def _control(self, request: web.Request) -> web.Response:
        """Act as a user from another process: POST /_fake/send_text {"user_id": 1, ...}."""
        helper = request.match_info["helper"]
        if helper not in CONTROL_HELPERS:
            return web.json_response(NOT_FOUND, status=404)
        kwargs = await request.json() if request.can_read_body else {}
        try:
            result = getattr(self.fake, helper)(**kwargs)
        except (AssertionError, TypeError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "result": result})

    async def _control_sent(self, request: web.Request) -> web.Response:
        """GET /_fake/sent/<chat_id>: the messages the bot sent to that chat."""
        sent = self.fake.sent(int(request.match_info["chat_id"]))
        return web.json_response({"ok": True, "result": [dataclasses.asdict(m) for m in sent]})

    async def _api(self, request: web.Request) -> web.Response:
        """Answer one Bot API call from a query string, form, multipart or JSON body."""
        if request.match_info["token"] != self.fake.token:
            return web.json_response(UNAUTHORIZED, status=401)
        params: dict[str, str] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json" and request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                error = {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: invalid JSON",
                }
                return web.json_response(error, status=400)
            params.update({k: _form_value(v) for k, v in body.items() if v is not None})
        elif request.can_read_body:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[name] = UploadedFile(name, value.filename, data, value.content_type)
                else:
                    params[name] = str(value)
        transport = request.transport
        outcome = await answer_call(
            self.fake,
            request.match_info["method"],
            params,
            files,
            client_gone=lambda: transport is None or transport.is_closing(),
        )
        if outcome.dropped:
            if transport is not None:
                transport.abort()
            raise ConnectionResetError("fault injected: connection dropped")
        if outcome.html is not None:
            return web.Response(
                body=outcome.payload(), status=outcome.status, content_type="text/html"
            )
        return web.json_response(outcome.body, status=outcome.status)

    async def _file(self, request: web.Request) -> web.Response:
        """Serve a file previously returned by getFile."""
        if request.match_info["token"] != self.fake.token:
            return web.json_response(UNAUTHORIZED, status=401)
        content = self.fake.file_bytes(request.match_info["path"])
        if content is None:
            return web.json_response(NOT_FOUND, status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    # --- running inside the caller's loop ----------------------------------------------------
    async def start(self) -> None:
        """Bind and start serving in the running event loop."""
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApiServer:
        """Start the server for an `async with` block."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server at the end of an `async with` block."""
        await self.stop()

    # --- running in a background thread ---------------------------------------------------------
    def start_in_thread(self, timeout: float = 10.0) -> FakeBotApiServer:
        """Serve from a daemon thread with its own event loop; returns once listening."""
        ready = threading.Event()
        failure: list[BaseException] = []

        async def serve() -> None:
            try:
                self._stop = asyncio.Event()
                await self.start()
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                raise
            ready.set()
            await self._stop.wait()
            await self.stop()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                with contextlib.suppress(BaseException):  # start failures go through `failure`
                    self._loop.run_until_complete(serve())
            finally:
                self._loop.close()

        self._thread = threading.Thread(target=run, name="fakegram-server", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("fake Bot API server did not start")
        if failure:
            raise failure[0]
        return self

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop a server started with start_in_thread() and join its thread."""
        if self._thread is None or self._loop is None or self._stop is None:
            return
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        self._thread = None


def parse_latency(text: str) -> tuple[float, float]:
    """Parse "MIN,MAX" milliseconds (or one value) into a round-trip range in seconds."""
    low, _, high = text.partition(",")
    latency = (float(low) / 1000, float(high or low) / 1000)
    if not 0 <= latency[0] <= latency[1]:
        raise ValueError(f"latency {text!r} must be MIN,MAX milliseconds with 0 <= MIN <= MAX")
    return latency


def main(argv: list[str] | None = None) -> None:
    """Serve a fresh FakeTelegram until killed (python -m tests.support.fakegram.server)."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--username", default="kinerja_test_bot")
    parser.add_argument("--flood-limits", action="store_true")
    parser.add_argument(
        "--api-latency",
        metavar="MIN,MAX",
        help="milliseconds every call but getUpdates takes there and back, e.g. 80,150",
    )
    args = parser.parse_args(argv)
    fake = FakeTelegram(
        token=args.token,
        bot_username=args.username,
        flood_limits=args.flood_limits,
        latency=parse_latency(args.api_latency) if args.api_latency else None,
    )
    server = FakeBotApiServer(fake, args.host, args.port)

    async def serve() -> None:
        async with server:
            print(
                f"fake Bot API at {server.base_url}  (files: {server.base_file_url})", flush=True
            )
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
