"""Run Alembic migrations programmatically (used by `kinerja-bot migrate` and `run`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """Build an Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Migrate the database to the newest revision (blocking; call from a thread in async code)."""
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[-1] if ":///" in database_url else ""
        if path and not path.startswith(":memory:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")


async def upgrade_to_head_async(database_url: str) -> None:
    """Migrate from async code: Alembic's async env calls asyncio.run, so use a thread."""
    await asyncio.to_thread(upgrade_to_head, database_url)
