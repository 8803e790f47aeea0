"""Logging: one format, the token never printed, chatty libraries kept quiet."""

from __future__ import annotations

import logging
import sys


class RedactToken(logging.Filter):
    """Replace the bot token wherever it appears (httpx logs full request URLs)."""

    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg = message.replace(self.secret, "<TOKEN>")
                record.args = None
        return True


def configure_logging(level: str, token: str | None) -> None:
    """Set up root logging once for the CLI."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
