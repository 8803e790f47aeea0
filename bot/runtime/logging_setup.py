"""Logging: structured lines that say which update and employee they are about, never the token.

Every line logged while an update is handled carries its update id (set by
bot/runtime/update_order.py) and, once the gate has identified the speaker, their employee id. On a
terminal the lines are plain text; otherwise (systemd, Docker, a log collector) one JSON
object per line.
"""

from __future__ import annotations

import json as jsonlib
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

# The update being handled and the employee who sent it (None: unknown or outside an update).
UPDATE_ID: ContextVar[int | None] = ContextVar("update_id", default=None)
EMPLOYEE_ID: ContextVar[int | None] = ContextVar("employee_id", default=None)

REDACTED = "<TOKEN>"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s"
NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic")
# At DEBUG these print what users typed: PTB every Bot API call's parameters (message texts,
# an anonymous question included, next to the chat id), httpx/httpcore and aiosqlite the
# requests and statements. They stay at INFO or higher whatever LOG_LEVEL says.
NEVER_DEBUG = ("telegram", "httpx", "httpcore", "aiosqlite")


def bind_employee(employee_id: int | None) -> None:
    """Name the employee behind the current update in every later log line of it (None for
    nobody: the gate passes None for the steps of an anonymous question)."""
    EMPLOYEE_ID.set(employee_id)


class RedactToken(logging.Filter):
    """Replace the bot token wherever a record could print it: the message (httpx logs full
    request URLs), the traceback (an exception may quote a URL) and the stack."""

    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret
        self._tracebacks = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, REDACTED)
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse a record's exc_text, so redacting it here covers every handler.
            record.exc_text = self._tracebacks.formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, REDACTED)
        if record.stack_info and self.secret in record.stack_info:
            record.stack_info = record.stack_info.replace(self.secret, REDACTED)
        return True


class UpdateContext(logging.Filter):
    """Stamp each record with the update and employee ids of the context that logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "update_id", None) is None:
            record.update_id = UPDATE_ID.get()
        if getattr(record, "employee_id", None) is None:
            record.employee_id = EMPLOYEE_ID.get()
        return True


class TextFormatter(logging.Formatter):
    """One readable line, ending in [update=… employee=…] when those are known."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        known = [
            f"{name}={value}"
            for name, value in (
                ("update", getattr(record, "update_id", None)),
                ("employee", getattr(record, "employee_id", None)),
            )
            if value is not None
        ]
        record.context = f" [{' '.join(known)}]" if known else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (ISO-8601 UTC), level, logger, message, update_id,
    employee_id (when known), exc_info and stack (when present)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("update_id", "employee_id"):
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return jsonlib.dumps(entry, ensure_ascii=False, default=str)


def build_handler(
    token: str | None, *, json: bool, stream: TextIO | None = None
) -> logging.Handler:
    """Return a stderr handler (or one on `stream`) that redacts the token and adds the ids."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json else TextFormatter())
    handler.addFilter(RedactToken(token))
    handler.addFilter(UpdateContext())
    return handler


def configure_logging(
    level: str, token: str | None, json: bool | None = None, stream: TextIO | None = None
) -> None:
    """Set up root logging once for the CLI: JSON lines unless stderr is a terminal."""
    if json is None:
        json = not sys.stderr.isatty()
    root = logging.getLogger()
    root.handlers[:] = [build_handler(token, json=json, stream=stream)]
    root.setLevel(level)
    for talkative in NEVER_DEBUG:
        logging.getLogger(talkative).setLevel(max(logging.INFO, root.level))
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
