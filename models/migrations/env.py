"""Alembic environment: async engine, SQLModel metadata, batch mode for SQLite."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from models.db import create_engine

config = context.config
target_metadata = SQLModel.metadata
MIGRATION_LOCK_SQL = (
    "SELECT pg_advisory_xact_lock("
    "hashtextextended(current_database() || '.' || current_schema() || '.kinerja-migrate', 0))"
)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several `run` processes (active and standby) may start at once: one migrates,
            # the others wait here and then find the schema already at head.
            connection.execute(text(MIGRATION_LOCK_SQL))
        context.run_migrations()


async def run_async_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    engine = create_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
elif (connection := config.attributes.get("connection")) is not None:
    # A caller that already holds a connection (tests on their own schema) passes it in.
    do_run_migrations(connection)
else:
    asyncio.run(run_async_migrations())
