"""The Alembic migrations create every table on both databases; SQLite pragmas."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models
from models.db import create_engine
from models.migrate import alembic_config, upgrade_to_head_async
from tests.support.db import postgres_engine, postgres_url, reset_postgres


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
