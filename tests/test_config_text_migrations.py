"""Settings validation, safe text helpers, and the Alembic migration on both databases."""

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models
from bot.config import SettingsError, load_settings
from bot.text import callback_data, esc, parse_callback, split_message
from models.db import create_engine
from models.migrate import alembic_config, upgrade_to_head_async
from tests.db import postgres_engine, postgres_url, reset_postgres


def test_defaults_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "OUTBOX_RATE", "BOT_DEFAULT_LANGUAGE", "BOT_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./data/kinerja.db"
    assert settings.outbox_rate == 25
    assert settings.bot_default_language == "id"
    assert settings.bot_timezone == "Asia/Jakarta"
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"


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


def test_escape_and_split() -> None:
    assert esc("<b> & 😀") == "&lt;b&gt; &amp; 😀"
    long = "\n".join("baris " * 50 for _ in range(100))
    chunks = split_message(long)
    assert all(len(c) <= 4096 for c in chunks)
    assert len(chunks) > 1
    assert "".join(c.replace("\n", "") for c in chunks) == long.replace("\n", "")
    assert split_message("x" * 9000) == ["x" * 4096, "x" * 4096, "x" * 808]


def test_callback_data_is_bounded_and_parsed_strictly() -> None:
    assert callback_data("onb", "ok", 12) == "onb:ok:12"
    with pytest.raises(ValueError, match="64 bytes"):
        callback_data("x" * 70)
    assert parse_callback("onb:ok:12", "onb:ok", 1) == [12]
    for crafted in [
        "onb:ok:-1",
        "onb:ok:1:2",
        "onb:ok:abc",
        "onb:ok:",
        "other:1",
        None,
        "onb:ok:99999999999999999999999",
    ]:
        assert parse_callback(crafted, "onb:ok", 1) is None


async def test_migration_creates_every_table(db_kind: str, tmp_path: Path) -> None:
    expected = set(SQLModel.metadata.tables) | {"alembic_version"}
    if db_kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        await upgrade_to_head_async(url)
        await upgrade_to_head_async(url)  # idempotent
        engine = create_engine(url)
    else:
        engine = postgres_engine()
        await reset_postgres(engine)

        def upgrade(connection: Connection) -> None:
            config = alembic_config(postgres_url())
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            command.upgrade(config, "head")

        async with engine.begin() as conn:
            await conn.run_sync(upgrade)
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    await engine.dispose()
    assert models.Employee.__tablename__ in tables
    assert tables == expected


async def test_sqlite_pragmas(tmp_path: Path) -> None:
    from sqlalchemy import text

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    async with engine.connect() as conn:
        mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
        fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
        busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
    await engine.dispose()
    assert (mode, fks, busy) == ("wal", 1, 10000)
