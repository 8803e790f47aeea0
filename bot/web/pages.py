"""The Mini App over HTTP: one page shell, its static files, and a JSON call per page.

Every JSON call carries Telegram's signed launch data (`Authorization: tma <initData>`); it is
checked (initdata.py), mapped to the linked employee and answered through the dashboard
services, which apply the chat's access rules. Refusals are 401 (launch data missing, forged or
stale) or 403 (unlinked, blocked, not allowed) with a title and message in the reader's
language, which the page shows as a page of its own.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tornado.web import Application, StaticFileHandler

from bot.clock import Clock
from bot.i18n import I18n, Translator, normalize_language
from bot.services import dashboard
from bot.services.dashboard import Refused, Viewer
from bot.web import views
from bot.web.initdata import InitDataError, WebAppUser, validate
from bot.web.labels import error_text, labels
from bot.web.server import (
    JSON_TYPE,
    HealthCheck,
    NotFound,
    PlainHandler,
    WebServer,
    health_routes,
    listen,
    log_request,
)
from models.db import SessionFactory

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
PAGES = ("me", "team", "hr")
# Only our own files and Telegram's script; data only from this origin.
CSP = (
    "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors https://web.telegram.org https://*.telegram.org 'self'"
)


@dataclass(frozen=True)
class MiniApp:
    """What the Mini App needs from the process."""

    sessions: SessionFactory
    i18n: I18n
    clock: Clock
    token: str
    max_age: int
    default_language: str
    prefix: str  # the path of WEBAPP_URL, e.g. "/app" ("" at the root)
    # HR pages by scope: fresh for 30 s (the page's refresh), served stale for up to 10 min
    # while one refresh runs, so a city's aggregates are computed once for every HR viewer.
    hr_pages: dashboard.Snapshots[dashboard.HrPage] = field(
        default_factory=lambda: dashboard.Snapshots(fresh_for=30, keep_for=600)
    )

    def hr_page(self, key: Any) -> Awaitable[dashboard.HrPage]:
        """The HR page of a scope (from dashboard.hr_key), recent or computed now."""

        async def compute() -> dashboard.HrPage:
            now = self.clock.utcnow()
            return await dashboard.hr_page(self.sessions, key, now=now, tz=self.i18n.tz)

        return self.hr_pages.get(key, compute)


def prefix_of(url: str) -> str:
    """The path part of WEBAPP_URL without a trailing slash."""
    path = url.split("://", 1)[-1].partition("/")[2]
    return ("/" + path).rstrip("/") if path else ""


@functools.cache
def _version(name: str) -> str:
    """A short content hash for cache-busting the static files (read once per process: the
    files do not change while it runs, and the shell is served on the event loop)."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


SHELL = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light dark">
<title>Kinerja</title>
<link rel="stylesheet" href="{base}/static/app.css?v={css}">
<script src="{telegram}" async></script>
<script src="{base}/static/app.js?v={js}" defer></script>
</head>
<body data-page="{page}" data-base="{base}">
<nav id="tabs" class="tabs" hidden></nav>
<main id="main" aria-live="polite"><p class="muted" id="boot">Kinerja …</p></main>
<footer id="asof" class="muted"></footer>
<noscript>Please allow JavaScript / Mohon izinkan JavaScript.</noscript>
</body></html>
"""


class ShellPage(PlainHandler):
    """The page itself: the same shell for every tab; app.js loads and draws the data."""

    def initialize(self, mini: MiniApp, page: str) -> None:
        self.mini = mini
        self.page = page

    def get(self) -> None:
        """Serve the shell of this page."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(
            SHELL.format(
                base=self.mini.prefix,
                page=self.page,
                telegram=TELEGRAM_SCRIPT,
                css=_version("app.css"),
                js=_version("app.js"),
            )
        )


Builder = Callable[["ApiCall", Viewer, Translator], Awaitable[dict[str, Any]]]


class ApiCall(PlainHandler):
    """One JSON call: check the launch data, find the viewer, build the page's data."""

    def initialize(self, mini: MiniApp, build: Builder) -> None:
        self.mini = mini
        self.build = build

    def _launch_data(self) -> str:
        header = self.request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        return value.strip() if scheme.lower() == "tma" else ""

    def _refuse(self, status: int, reason: str, t: Translator) -> None:
        self.set_status(status)
        self._json({"lang": t.lang, "labels": labels(t), "error": error_text(t, reason)})

    def _json(self, body: dict[str, Any]) -> None:
        self.set_header("Content-Type", JSON_TYPE)
        self.finish(json.dumps(body, ensure_ascii=False, separators=(",", ":")))

    def int_argument(self, name: str) -> int | None:
        """An optional positive integer query argument (anything else counts as absent)."""
        raw = self.get_query_argument(name, "") or ""
        return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None

    async def get(self) -> None:
        """Answer the page's data, or a refusal the page can show."""
        mini = self.mini
        default = mini.i18n.for_language(mini.default_language)
        try:
            user: WebAppUser = validate(
                self._launch_data(), mini.token, now=mini.clock.utcnow(), max_age=mini.max_age
            )
        except InitDataError as exc:
            log.info("Mini App launch data refused: %s", exc)
            self._refuse(401, "forged", default)
            return
        told = normalize_language(user.language_code, mini.default_language)
        try:
            viewer = await dashboard.viewer_of(mini.sessions, user.id)
            t = mini.i18n.for_language(viewer.language or told)
            data = await self.build(self, viewer, t)
        except Refused as refused:
            self._refuse(403, refused.reason, mini.i18n.for_language(told))
            return
        self._json(
            {
                "lang": t.lang,
                "labels": labels(t),
                "viewer": {"name": viewer.name, "leader": viewer.leader, "hr": viewer.hr},
                "as_of": mini.clock.utcnow().isoformat(),
                "tz": str(mini.i18n.tz),
                "data": data,
            }
        )


async def _me(call: ApiCall, viewer: Viewer, t: Translator) -> dict[str, Any]:
    now, tz = call.mini.clock.utcnow(), call.mini.i18n.tz
    page = await dashboard.my_page(call.mini.sessions, viewer.speaker, now=now, tz=tz)
    return views.my_json(page, t)


async def _team(call: ApiCall, viewer: Viewer, t: Translator) -> dict[str, Any]:
    now, tz = call.mini.clock.utcnow(), call.mini.i18n.tz
    leader = call.int_argument("leader")
    page = await dashboard.team_page(call.mini.sessions, viewer.speaker, leader, now=now, tz=tz)
    return views.team_json(page, t)


async def _member(call: ApiCall, viewer: Viewer, t: Translator) -> dict[str, Any]:
    now, tz = call.mini.clock.utcnow(), call.mini.i18n.tz
    employee = call.int_argument("id")
    if employee is None:
        raise Refused("not_allowed")
    page = await dashboard.member_page(
        call.mini.sessions, viewer.speaker, employee, now=now, tz=tz
    )
    return views.member_json(page, t)


async def _hr(call: ApiCall, viewer: Viewer, t: Translator) -> dict[str, Any]:
    key = dashboard.hr_key(viewer.speaker, call.int_argument("opd"))
    return views.hr_json(await call.mini.hr_page(key), t)


class Static(StaticFileHandler):
    """app.js and app.css: cached for a year (the page asks for them by content hash)."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        self.set_header("X-Content-Type-Options", "nosniff")


def make_app(mini: MiniApp, check: HealthCheck) -> Application:
    """The tornado application of the Mini App, with /healthz and /metrics."""
    base = mini.prefix
    routes: list[Any] = [
        (rf"{base}/?", ShellPage, {"mini": mini, "page": "me"}),
        (rf"{base}/team", ShellPage, {"mini": mini, "page": "team"}),
        (rf"{base}/hr", ShellPage, {"mini": mini, "page": "hr"}),
        (rf"{base}/static/(app\.js|app\.css)", Static, {"path": str(STATIC_DIR)}),
        (rf"{base}/api/me", ApiCall, {"mini": mini, "build": _me}),
        (rf"{base}/api/team", ApiCall, {"mini": mini, "build": _team}),
        (rf"{base}/api/member", ApiCall, {"mini": mini, "build": _member}),
        (rf"{base}/api/hr", ApiCall, {"mini": mini, "build": _hr}),
        *health_routes(check),
    ]
    return Application(
        routes,
        default_handler_class=NotFound,
        compress_response=True,
        log_function=log_request,
    )


CITY_WIDE = (None, None)  # dashboard.hr_key of city-wide HR asking for every OPD


def start_webapp_server(
    mini: MiniApp, host: str, port: int, check: HealthCheck, *, warm: bool = False
) -> WebServer:
    """Serve the Mini App, /healthz and /metrics on host:port until `close()`; with `warm`,
    compute the city-wide HR page at once, so the first HR visitor does not wait for it."""
    server = listen(make_app(mini, check), host, port)
    if warm:
        task = asyncio.get_running_loop().create_task(_warm(mini))
        server.background.add(task)
    log.info("serving the Mini App on %s:%s%s/", host, server.port, mini.prefix)
    return server


async def _warm(mini: MiniApp) -> None:
    try:
        await mini.hr_page(CITY_WIDE)
    except Exception as exc:  # the page will simply be computed when asked for
        log.warning("could not prepare the city-wide HR page: %s", exc)
