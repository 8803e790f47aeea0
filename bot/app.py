"""The composition root: build_application() wires settings, database, i18n, handlers and jobs."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.config import Settings
from bot.context import DEPS_KEY, BotContext, Deps, KinerjaApp
from bot.delivery.drainer import OutboxDrainer
from bot.delivery.send_budget import SharedRateLimiter
from bot.i18n import I18n
from bot.runtime.persistence import DatabasePersistence
from bot.runtime.scheduler import schedule_planners, unschedule_planners
from bot.runtime.update_order import PerUserUpdateProcessor
from bot.services import settings_memory
from handlers import build_handlers
from handlers.errors import on_error
from handlers.menus import set_default_menus
from models.db import create_engine, create_session_factory

log = logging.getLogger(__name__)

# Updates handled at once: enough to overlap Telegram's round trips, few enough that the
# SQLite connection pool (5 + 10 overflow) and its single writer are not queued up.
MAX_CONCURRENT_UPDATES = 16


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
) -> KinerjaApp:
    """Build the bot: one Application with every handler, the drainer and the error handler."""
    engine = engine or create_engine(settings.database_url)
    deps = Deps(
        settings=settings,
        engine=engine,
        sessions=create_session_factory(engine),
        clock=clock or Clock(settings.tz, settings.bot_clock_start),
        i18n=I18n(settings.bot_default_language, settings.tz),
        bot_username=settings.bot_username or "",
    )
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .defaults(Defaults(tzinfo=settings.tz))
        .context_types(ContextTypes(context=BotContext))
        .persistence(DatabasePersistence(lambda: deps.sessions, settings.persistence_interval))
        # Telegram's 30/s for the whole bot, each message counted until a window after it
        # surely arrived, so no second at Telegram can exceed it; replies go before bulk
        # sends, and bulk never takes the last slot, so a reply seldom waits for one even
        # while a broadcast fills the budget; interactive sends retry 429s and transient
        # network errors (see bot/delivery/send_budget.py).
        .rate_limiter(SharedRateLimiter(overall_rate=30, reserve=1, max_retries=2))
        # Different people's updates run concurrently (each person's in order), so nobody
        # waits for others' Bot API round trips; see bot/runtime/update_order.py.
        .concurrent_updates(PerUserUpdateProcessor(MAX_CONCURRENT_UPDATES))
        .post_init(start_services)
        .post_stop(stop_services)
        .post_shutdown(close_resources)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app: KinerjaApp = builder.build()
    app.bot_data[DEPS_KEY] = deps
    for handler, group in build_handlers():
        app.add_handler(handler, group)
    app.add_error_handler(on_error)
    return app


def deps_of(app: KinerjaApp) -> Deps:
    deps: Deps = app.bot_data[DEPS_KEY]
    return deps


async def start_services(app: KinerjaApp) -> None:
    """Remember the bot's username, set the default menus, start the drainer and planners."""
    deps = deps_of(app)
    if not deps.bot_username and app.bot.username:
        deps.bot_username = app.bot.username
        await settings_memory.store(deps.sessions, "bot_username", deps.bot_username)
    await set_default_menus(app.bot, deps)
    deps.drainer = OutboxDrainer(deps.sessions, app.bot, deps.clock, deps.settings.outbox_rate)
    deps.drainer.start()
    schedule_planners(app)
    log.info("kinerja-bot started as @%s", deps.bot_username)


async def stop_services(app: KinerjaApp) -> None:
    """Stop background work before PTB flushes persistence."""
    deps = deps_of(app)
    unschedule_planners(app)
    if deps.drainer is not None:
        await deps.drainer.stop()


async def close_resources(app: KinerjaApp) -> None:
    """Dispose of the database engine last."""
    await deps_of(app).engine.dispose()
