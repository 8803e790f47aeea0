"""/healthz and Prometheus /metrics on METRICS_HOST:METRICS_PORT: a tiny HTTP/1.1 server.

Only what a monitor and a Prometheus scraper need: GET or HEAD of two paths, one request per
connection. Slow or garbage clients are cut off by a read timeout and a header size limit, and
the number of connections is capped, so a stray client cannot hold the bot's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

log = logging.getLogger(__name__)

READ_TIMEOUT = 5.0  # seconds a client may take to send its request line and headers
CHECK_TIMEOUT = 5.0  # seconds the health check may take before it counts as failed
MAX_HEAD_BYTES = 8192  # request line plus headers
MAX_CONNECTIONS = 32
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass
class HealthStatus:
    """What /healthz reports: 200 when healthy, else 503, with the details as JSON."""

    healthy: bool
    details: dict[str, object] = field(default_factory=dict)


HealthCheck = Callable[[], Awaitable[HealthStatus]]


@dataclass
class Response:
    status: HTTPStatus
    content_type: str
    body: bytes

    def encode(self, *, with_body: bool) -> bytes:
        head = (
            f"HTTP/1.1 {self.status.value} {self.status.phrase}\r\n"
            f"Content-Type: {self.content_type}\r\n"
            f"Content-Length: {len(self.body)}\r\n"
            "Cache-Control: no-store\r\n"
            "Connection: close\r\n\r\n"
        ).encode("ascii")
        return head + self.body if with_body else head


def plain(status: HTTPStatus) -> Response:
    return Response(status, TEXT_TYPE, f"{status.phrase}\n".encode())


class HealthServer:
    """A running /healthz + /metrics server; `close()` stops it and drops open connections."""

    def __init__(self, check: HealthCheck) -> None:
        self._check = check
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.port = 0  # the bound port once started (useful when asked for port 0)

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, host, port, limit=MAX_HEAD_BYTES)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and end every open connection."""
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer one request on this connection, then close it."""
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            if len(self._connections) > MAX_CONNECTIONS:
                await self._send(writer, plain(HTTPStatus.SERVICE_UNAVAILABLE), with_body=True)
                return
            method, response = await self._answer(reader)
            await self._send(writer, response, with_body=method != "HEAD")
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass  # the client went away or stopped reading; nothing more to say
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[str, Response]:
        """Read the request head and return its method and the response to it."""
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                head = await reader.readuntil(b"\r\n\r\n")
        except TimeoutError:
            return "GET", plain(HTTPStatus.REQUEST_TIMEOUT)
        except (asyncio.LimitOverrunError, ValueError):
            return "GET", plain(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            return "GET", plain(HTTPStatus.BAD_REQUEST)
        method, target, _version = parts
        if method not in ("GET", "HEAD"):
            return method, plain(HTTPStatus.METHOD_NOT_ALLOWED)
        path = target.split("?", 1)[0]
        if path == "/healthz":
            return method, await self._health()
        if path == "/metrics":
            return method, Response(HTTPStatus.OK, CONTENT_TYPE_LATEST, generate_latest(REGISTRY))
        return method, plain(HTTPStatus.NOT_FOUND)

    async def _health(self) -> Response:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                status = await self._check()
        except TimeoutError:
            status = HealthStatus(False, {"error": "health check timed out"})
        except Exception as exc:
            log.warning("health check failed", exc_info=exc)
            status = HealthStatus(False, {"error": type(exc).__name__})
        body = json.dumps({"healthy": status.healthy, "details": status.details}, default=str)
        code = HTTPStatus.OK if status.healthy else HTTPStatus.SERVICE_UNAVAILABLE
        return Response(code, JSON_TYPE, body.encode() + b"\n")

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, response: Response, *, with_body: bool) -> None:
        writer.write(response.encode(with_body=with_body))
        async with asyncio.timeout(READ_TIMEOUT):
            await writer.drain()


async def start_health_server(host: str, port: int, check: HealthCheck) -> HealthServer:
    """Serve /healthz (from `check`) and /metrics on host:port until `close()`."""
    server = HealthServer(check)
    await server.start(host, port)
    log.info("serving /healthz and /metrics on %s:%s", host, server.port)
    return server
