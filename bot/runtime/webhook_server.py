"""Webhook mode: Telegram POSTs each update to WEBHOOK_URL, a reverse proxy forwards it here.

PTB's own webhook server answers 200 as soon as an update is queued, so an update queued but
not yet handled dies with the process. This one answers only once the update is handled or
written down (bot/runtime/update_poller.py), so Telegram delivers again whatever a crashed process
never finished; the notes of handled updates keep such a redelivery from being answered twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Update
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024  # updates are small JSON; anything bigger is not from Telegram

Receiver = Callable[[Update], Awaitable[None]]


def webhook_secret(configured: str | None, token: str) -> str:
    """WEBHOOK_SECRET, or one derived from the token so every instance agrees on it."""
    if configured:
        return configured
    return hashlib.sha256(b"kinerja-webhook:" + token.encode()).hexdigest()[:48]


class UpdateEndpoint(RequestHandler):
    """Accept one update from Telegram."""

    def initialize(self, bot: Bot, receive: Receiver, secret: str) -> None:
        self.bot = bot
        self.receive = receive
        self.secret = secret

    async def post(self) -> None:
        """Check the secret, decode the update, handle it, then answer 200."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        try:
            data: Any = json.loads(self.request.body)
            update = Update.de_json(data, self.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        await self.receive(update)
        self.set_status(200)

    def data_received(self, chunk: bytes) -> None:
        """Bodies arrive whole (no streaming)."""


class WebhookServer:
    """The listening HTTP server; `close()` stops accepting new updates."""

    def __init__(self, server: HTTPServer) -> None:
        self._server = server

    async def close(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()


def start_webhook_server(
    bot: Bot, receive: Receiver, secret: str, listen: str, port: int
) -> WebhookServer:
    """Listen on listen:port for POST /telegram."""
    app = Application(
        [(WEBHOOK_PATH, UpdateEndpoint, {"bot": bot, "receive": receive, "secret": secret})],
        log_function=lambda handler: None,  # our own logging covers what matters
    )
    server = HTTPServer(app, max_body_size=MAX_BODY_BYTES, xheaders=True)
    server.listen(port, address=listen)
    log.info("Webhook endpoint listening on %s:%s%s", listen, port, WEBHOOK_PATH)
    return WebhookServer(server)
