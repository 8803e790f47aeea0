"""Settings read from the environment (and `.env`), validated once at start-up."""

from __future__ import annotations

import logging
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n_marker import N_

SUPPORTED_LANGUAGES = ("id", "en")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/kinerja.db"

TOKEN_HELP = N_(
    """\
No Telegram bot token is set (TELEGRAM_BOT_TOKEN).

How to get one:
  1. Open Telegram and start a chat with @BotFather (https://t.me/BotFather).
  2. Send /newbot and follow the questions (a display name, then a username ending in "bot").
  3. BotFather answers with a token that looks like 123456789:AAH...; keep it secret.

Where to put it:
  cp .env.example .env        # once
  then edit .env and set      TELEGRAM_BOT_TOKEN=123456789:AAH...
and run `make run` again.
"""
)


class Settings(BaseSettings):
    """Every setting of the README's settings table; names match the environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    database_url: str = DEFAULT_DATABASE_URL
    bot_username: str | None = None
    bot_timezone: str = "Asia/Jakarta"
    bot_default_language: str = "id"
    outbox_rate: float = Field(default=28.0, gt=0, le=1000)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    log_level: str = "INFO"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    # The Mini App (bot/web): its public HTTPS address, where this process serves it, and how
    # old Telegram's signed launch data may be. Unset WEBAPP_URL = no Mini App at all.
    webapp_url: str | None = None
    webapp_listen: str = "127.0.0.1"
    webapp_port: int = Field(default=8080, ge=1, le=65535)
    webapp_auth_max_age: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    bot_clock_start: datetime | None = None
    invite_valid_days: int = Field(default=30, ge=1, le=365)
    persistence_interval: float = Field(default=2.0, gt=0, le=300)
    # Weekly check-in: weekday 0=Monday ... 4=Friday, at this WIB time (moved to the next
    # working day when that day is off).
    checkin_weekday: int = Field(default=4, ge=0, le=4)
    checkin_time: time = time(9, 0)
    # Evidence files larger than this are refused (Telegram bots can download up to 20 MB).
    evidence_max_bytes: int = Field(default=20 * 1024 * 1024, gt=0, le=20 * 1024 * 1024)
    # Leaders who chose a digest receive it at this WIB time on working days.
    digest_time: time = time(16, 0)
    # The semester evaluation window opens this many days before the semester ends and is due
    # this many days after it; follow-ups every EVALUATION_FOLLOWUP_WORKDAYS working days.
    evaluation_opens_days: int = Field(default=14, ge=0, le=90)
    evaluation_due_days: int = Field(default=14, ge=0, le=90)
    evaluation_followup_workdays: int = Field(default=2, ge=1, le=20)

    @field_validator(
        "telegram_bot_token",
        "webhook_secret",
        "bot_username",
        "webhook_url",
        "webapp_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("metrics_port", "bot_clock_start", mode="before")
    @classmethod
    def _empty_optional(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value().strip()
        head, sep, tail = raw.partition(":")
        if not sep or not head.isdigit() or len(tail) < 5:
            raise ValueError(
                "TELEGRAM_BOT_TOKEN does not look like a BotFather token "
                "(expected digits, a colon, then letters, e.g. 123456789:AAH...)"
            )
        return SecretStr(raw)

    @field_validator("bot_username")
    @classmethod
    def _strip_at(cls, value: str | None) -> str | None:
        return value.strip().lstrip("@") if value else value

    @field_validator("bot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @field_validator("bot_default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in logging.getLevelNamesMapping():
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db"
            )
        return value

    @field_validator("bot_clock_start")
    @classmethod
    def _aware_instant(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone offset, e.g. 2026-12-20T09:00+07:00")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_url.startswith("https://"):
            raise ValueError("WEBHOOK_URL must start with https:// (Telegram only calls HTTPS)")
        if self.webapp_url and not self.webapp_url.startswith("https://"):
            raise ValueError("WEBAPP_URL must start with https:// (Telegram opens only HTTPS)")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.bot_timezone)

    @property
    def token(self) -> str:
        if self.telegram_bot_token is None:
            raise MissingTokenError(TOKEN_HELP)
        return self.telegram_bot_token.get_secret_value()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """Return the SQLite file path, or None for PostgreSQL and in-memory databases."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[-1] if ":///" in self.database_url else ""
        if not path or path.startswith(":memory:"):
            return None
        return Path(path)


class MissingTokenError(RuntimeError):
    """Raised when the bot must talk to Telegram but no token is configured."""


class SettingsError(RuntimeError):
    """A readable summary of invalid settings."""


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, turning validation errors into plain sentences."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = ["Invalid settings (check your .env file or environment):"]
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"]).upper() or "SETTINGS"
            lines.append(f"  {name}: {error['msg']}")
        raise SettingsError("\n".join(lines)) from exc
