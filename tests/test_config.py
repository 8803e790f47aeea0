"""Settings: the contract's defaults, clear errors for bad values, URL normalisation."""

import pytest

from bot.config import SettingsError, load_settings


def test_defaults_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "DATABASE_URL",
        "OUTBOX_RATE",
        "BOT_DEFAULT_LANGUAGE",
        "BOT_TIMEZONE",
        "WEBAPP_URL",
        "WEBAPP_LISTEN",
        "WEBAPP_PORT",
        "WEBAPP_AUTH_MAX_AGE",
    ):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./data/kinerja.db"
    assert settings.outbox_rate == 28
    assert settings.bot_default_language == "id"
    assert settings.bot_timezone == "Asia/Jakarta"
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert (settings.webapp_url, settings.webapp_listen, settings.webapp_port) == (
        None,
        "127.0.0.1",
        8080,
    )
    assert settings.webapp_auth_max_age == 3600


@pytest.mark.parametrize(
    ("var", "value", "fragment"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN"),
        ("BOT_DEFAULT_LANGUAGE", "fr", "BOT_DEFAULT_LANGUAGE"),
        ("BOT_TIMEZONE", "Mars/Olympus", "BOT_TIMEZONE"),
        ("OUTBOX_RATE", "0", "OUTBOX_RATE"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("BOT_CLOCK_START", "2026-12-20T09:00", "BOT_CLOCK_START"),
        ("WEBHOOK_URL", "http://insecure.example", "WEBHOOK_URL"),
        ("WEBAPP_URL", "http://insecure.example/app", "WEBAPP_URL"),
        ("WEBAPP_PORT", "70000", "WEBAPP_PORT"),
        ("WEBAPP_AUTH_MAX_AGE", "5", "WEBAPP_AUTH_MAX_AGE"),
    ],
)
def test_bad_settings_give_clear_errors(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert fragment in str(caught.value) or "SETTINGS" in str(caught.value)


def test_postgres_url_is_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert load_settings(_env_file=None).database_url == "postgresql+asyncpg://u@h/db"
