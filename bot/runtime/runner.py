"""`kinerja-bot run`: wait to become the active instance, then serve until stopped.

The active process polls (or serves the webhook), runs the scheduler and drains the outbox;
standbys only wait for the lock (bot/runtime/active_lock.py). Losing the lock stops all three at
once and
sends the process back to waiting, so two processes never serve together.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application, close_resources, deps_of, start_services
from bot.app import stop_services as stop_app_services
from bot.config import Settings
from bot.context import KinerjaApp
from bot.runtime.active_lock import (
    LeadershipLost,
    PostgresLeadership,
    SqliteLeadership,
    leadership_for,
)
from bot.runtime.metrics import ACTIVE
from bot.runtime.update_poller import UpdatePoller
from bot.runtime.webhook_server import WebhookServer, start_webhook_server, webhook_secret
from bot.web.pages import MiniApp, prefix_of, start_webapp_server
from bot.web.server import HealthCheck, HealthStatus, WebServer, start_health_server
from models.db import describe_problem, storage_problem

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
# Handlers still running at a clean stop get this long to finish (systemd waits 90 s).
FINISH_SECONDS = 20.0
# A lost lock means another process may already be active: stop at once.
FINISH_AFTER_LOSS_SECONDS = 2.0
# After losing the role (or failing to start as active), wait before asking for the lock again,
# so a standby that is healthy gets it first.
RETRY_ACTIVE_SECONDS = 3.0


@dataclass
class RunState:
    """What /healthz reports about this process."""

    role: str = "starting"
    poller: UpdatePoller | None = None
    webhook: bool = False
    started: float = field(default_factory=time.monotonic)


class InvalidTokenError(Exception):
    """Telegram rejected the token: nothing to do but tell the operator."""


async def serve(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT; return the process exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    leadership = leadership_for(settings.database_url, settings.sqlite_path())
    state = RunState()
    health = await start_health(settings, state, leadership)
    try:
        while not stop.is_set():
            state.role = "standby"
            if not await leadership.acquire(stop):
                break
            state.role = "active"
            ACTIVE.set(1)
            try:
                lost = await run_active(settings, stop, leadership, state)
            except InvalidTokenError:
                raise
            except Exception as exc:
                # E.g. the database went away while starting: let another instance (or this
                # one, a little later) try again rather than ending the process.
                problem = storage_problem(exc)
                if problem is None:
                    log.exception("The active run failed; back to standby")
                else:
                    log.error("The active run failed: %s", describe_problem(problem, exc))
                lost = True
            finally:
                ACTIVE.set(0)
                state.poller = None
                await leadership.release()
            if lost:
                log.warning("Lost the active role; back to standby")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), RETRY_ACTIVE_SECONDS)
        return 0
    except InvalidTokenError:
        log.error("Telegram rejected TELEGRAM_BOT_TOKEN; check the token from @BotFather")
        return 2  # like a missing token: restarting cannot help (systemd stops retrying)
    finally:
        if health is not None:
            await health.close()
        if isinstance(leadership, PostgresLeadership):
            await leadership.dispose()


async def run_active(
    settings: Settings,
    stop: asyncio.Event,
    leadership: SqliteLeadership | PostgresLeadership,
    state: RunState,
) -> bool:
    """Serve as the active instance; return True when the lock was lost, False on stop."""
    app = build_application(settings)
    if not await _initialize(app, stop):
        await close_resources(app)
        return False
    poller = UpdatePoller(app, deps_of(app).sessions, ALLOWED_UPDATES)
    state.poller = poller
    webhook: WebhookServer | None = None
    webapp: WebServer | None = None
    try:
        await start_services(app)
        await app.start()
        webapp = start_webapp(app, settings, health_check(state, leadership))
        watched = {
            asyncio.create_task(leadership.watch(), name="leadership-watch"),
            asyncio.create_task(stop.wait(), name="stop-signal"),
        }
        if settings.webhook_url:
            state.webhook = True
            await poller.replay_pending()
            webhook = await start_webhook(app, settings, poller)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            watched.add(asyncio.create_task(poller.run(), name="poller"))
        done, pending = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if webhook is not None:
            await webhook.close()
            webhook = None
        outcome = _outcome(done)
        await poller.finish(within=FINISH_AFTER_LOSS_SECONDS if outcome else FINISH_SECONDS)
        return outcome
    finally:
        if webapp is not None:
            await webapp.close()
        if webhook is not None:
            await webhook.close()
        await _stop(app)


def _outcome(done: set[asyncio.Task[Any]]) -> bool:
    """True when leadership was lost; re-raise a poller failure that ends the run."""
    lost = False
    for task in done:
        exc = task.exception() if not task.cancelled() else None
        if isinstance(exc, LeadershipLost):
            log.error("Stepping down: %s", exc)
            lost = True
        elif isinstance(exc, InvalidToken):
            raise InvalidTokenError from exc
        elif exc is not None:
            raise exc
    return lost


async def _initialize(app: KinerjaApp, stop: asyncio.Event) -> bool:
    """Call getMe and friends, retrying while Telegram is unreachable; False when stopped."""
    delay = 1.0
    while not stop.is_set():
        try:
            await app.initialize()
            return True
        except InvalidToken as exc:
            raise InvalidTokenError from exc
        except NetworkError as exc:
            log.warning("Telegram is not reachable yet (%s); retrying in %.0f s", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 30.0)
    return False


async def start_webhook(
    app: KinerjaApp, settings: Settings, poller: UpdatePoller
) -> WebhookServer:
    """Listen for Telegram's POSTs, then point Telegram at WEBHOOK_URL."""
    assert settings.webhook_url
    configured = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    secret = webhook_secret(configured, settings.token)
    server = start_webhook_server(
        app.bot, poller.receive, secret, settings.webhook_listen, settings.webhook_port
    )
    await app.bot.set_webhook(
        url=settings.webhook_url.rstrip("/"),
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
        max_connections=40,
    )
    return server


async def _stop(app: KinerjaApp) -> None:
    """Stop in PTB's own order: application (flushes persistence), hooks, shutdown."""
    try:
        if app.running:
            await app.stop()
        await stop_app_services(app)
    finally:
        with contextlib.suppress(Exception):
            await app.shutdown()
        await close_resources(app)


def health_check(
    state: RunState, leadership: SqliteLeadership | PostgresLeadership
) -> HealthCheck:
    """What /healthz asks: the database lock's last check, and how recently we polled."""

    async def check() -> HealthStatus:
        details: dict[str, object] = {"role": state.role, "webhook": state.webhook}
        healthy = leadership.last_check_ok()
        details["database"] = "ok" if healthy else "unreachable"
        if state.poller is not None and not state.webhook:
            age = time.monotonic() - state.poller.last_poll_ok
            details["last_poll_seconds_ago"] = round(age, 1)
            healthy = healthy and age < state.poller.poll_timeout + 30
        return HealthStatus(healthy=healthy, details=details)

    return check


async def start_health(
    settings: Settings, state: RunState, leadership: SqliteLeadership | PostgresLeadership
) -> WebServer | None:
    """Serve /healthz and /metrics when METRICS_PORT is set."""
    if settings.metrics_port is None:
        return None
    check = health_check(state, leadership)
    try:
        server = await start_health_server(settings.metrics_host, settings.metrics_port, check)
    except OSError as exc:  # e.g. a second instance on this machine with the same port
        log.error(
            "Cannot serve /healthz and /metrics on %s:%s (%s); running without them",
            settings.metrics_host,
            settings.metrics_port,
            exc,
        )
        return None
    log.info("Health and metrics on http://%s:%s", settings.metrics_host, settings.metrics_port)
    return server


def start_webapp(app: KinerjaApp, settings: Settings, check: HealthCheck) -> WebServer | None:
    """Serve the Mini App while active, when WEBAPP_URL is set (a standby never serves it)."""
    if not settings.webapp_url:
        return None
    deps = deps_of(app)
    mini = MiniApp(
        sessions=deps.sessions,
        i18n=deps.i18n,
        clock=deps.clock,
        token=settings.token,
        max_age=settings.webapp_auth_max_age,
        default_language=settings.bot_default_language,
        prefix=prefix_of(settings.webapp_url),
    )
    try:
        return start_webapp_server(
            mini, settings.webapp_listen, settings.webapp_port, check, warm=True
        )
    except OSError as exc:
        log.error(
            "Cannot serve the Mini App on %s:%s (%s); running without it",
            settings.webapp_listen,
            settings.webapp_port,
            exc,
        )
        return None
