"""The bot process's HTTP side, on tornado: /healthz and /metrics, and the Mini App.

Two servers come from here. `start_health_server` serves /healthz and Prometheus /metrics on
METRICS_HOST:METRICS_PORT in every process, active or standby. `start_webapp_server` serves the
Mini App (bot/web/pages.py) on WEBAPP_LISTEN:WEBAPP_PORT, and /healthz and /metrics there too;
only the active instance runs it, so a reverse proxy in front of several instances reaches
the one that holds the database lock and never a standby.

tornado is PTB's own web server (the `webhooks` extra) and already runs the webhook, so no
new dependency and one event loop. Its HTTP/1.1 parser replaces the hand-written one;
slow clients are cut off by `idle_connection_timeout`, oversized heads by `max_header_size`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

log = logging.getLogger(__name__)

READ_TIMEOUT = 5.0  # seconds a client may take to send its request head
CHECK_TIMEOUT = 5.0  # seconds the health check may take before it counts as failed
MAX_HEAD_BYTES = 8192  # request line plus headers
MAX_BODY_BYTES = 64 * 1024  # the Mini App only reads; nothing sends big bodies
JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class HealthStatus:
    """What /healthz reports: 200 when healthy, else 503, with the details as JSON."""

    healthy: bool
    details: dict[str, object] = field(default_factory=dict)


HealthCheck = Callable[[], Awaitable[HealthStatus]]


class PlainHandler(RequestHandler):
    """No cookies, no caching, no ETag; errors are one plain line."""

    def compute_etag(self) -> str | None:
        return None

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{self._reason}\n")

    def data_received(self, chunk: bytes) -> None:
        """Bodies arrive whole (no streaming)."""


class HealthEndpoint(PlainHandler):
    """/healthz: the process's own check, 200 or 503."""

    def initialize(self, check: HealthCheck) -> None:
        self.check = check

    async def get(self) -> None:
        """Run the check (within CHECK_TIMEOUT) and answer its result as JSON."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                status = await self.check()
        except TimeoutError:
            status = HealthStatus(False, {"error": "health check timed out"})
        except Exception as exc:
            log.warning("health check failed", exc_info=exc)
            status = HealthStatus(False, {"error": type(exc).__name__})
        self.set_status(200 if status.healthy else 503)
        self.set_header("Content-Type", JSON_TYPE)
        body = json.dumps({"healthy": status.healthy, "details": status.details}, default=str)
        self.finish(body + "\n")

    async def head(self) -> None:
        """Like GET; tornado leaves the body out."""
        await self.get()


class MetricsEndpoint(PlainHandler):
    """/metrics: the Prometheus text format of this process's registry."""

    def get(self) -> None:
        """Answer the registry's current samples."""
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest(REGISTRY))

    def head(self) -> None:
        """Like GET; tornado leaves the body out."""
        self.get()


class NotFound(PlainHandler):
    """Anything else: 404 (405 for methods other than GET and HEAD)."""

    def prepare(self) -> None:
        """Answer every path and method here with a plain error."""
        if self.request.method not in ("GET", "HEAD"):
            self.send_error(405)
        else:
            self.send_error(404)


def log_request(handler: RequestHandler) -> None:
    """Log failures, and requests other than the monitors' /healthz and /metrics polls."""
    status = handler.get_status()
    path = handler.request.path
    if status < 400 and path in ("/healthz", "/metrics"):
        return
    level = logging.INFO if status < 500 else logging.ERROR
    access = logging.getLogger("tornado.access")
    millis = 1000.0 * handler.request.request_time()
    access.log(level, "%d %s %s %.1f ms", status, handler.request.method, path, millis)


def health_routes(check: HealthCheck) -> list[tuple[str, type[RequestHandler], dict[str, Any]]]:
    """The /healthz and /metrics routes, for any of our tornado applications."""
    return [
        (r"/healthz", HealthEndpoint, {"check": check}),
        (r"/metrics", MetricsEndpoint, {}),
    ]


class WebServer:
    """A listening tornado server; `close()` stops listening and ends open connections."""

    def __init__(self, server: HTTPServer, port: int) -> None:
        self._server = server
        self.port = port  # the bound port (useful when asked for port 0)
        self.background: set[asyncio.Task[Any]] = set()  # work of this server, ended with it

    async def close(self) -> None:
        self._server.stop()
        for task in self.background:
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        await self._server.close_all_connections()


def listen(app: Application, host: str, port: int) -> WebServer:
    """Serve `app` on host:port (port 0: any free port); OSError when it is taken."""
    server = HTTPServer(
        app,
        xheaders=True,  # behind nginx: the client's address and scheme
        idle_connection_timeout=READ_TIMEOUT,
        max_header_size=MAX_HEAD_BYTES,
        max_body_size=MAX_BODY_BYTES,
        body_timeout=READ_TIMEOUT,
    )
    # socket.create_server closes the socket when the port is taken (tornado's bind_sockets
    # leaves it open).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=128)
    sock.setblocking(False)
    server.add_sockets([sock])
    return WebServer(server, sock.getsockname()[1])


async def start_health_server(host: str, port: int, check: HealthCheck) -> WebServer:
    """Serve /healthz (from `check`) and /metrics on host:port until `close()`."""
    app = Application(
        health_routes(check), default_handler_class=NotFound, log_function=log_request
    )
    server = listen(app, host, port)
    log.info("serving /healthz and /metrics on %s:%s", host, server.port)
    return server
