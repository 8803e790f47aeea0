"""Database fixtures' plumbing: a fresh SQLite file or a wiped PostgreSQL schema per test."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers tables)
from models.db import create_engine

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
_pg_status: tuple[bool, str] | None = None


def postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)


def postgres_available() -> tuple[bool, str]:
    """Check once whether the PostgreSQL test server answers; return (ok, reason)."""
    global _pg_status
    if _pg_status is None:
        if os.environ.get("TEST_POSTGRES", "auto") == "off":
            _pg_status = (False, "PostgreSQL tests switched off (TEST_POSTGRES=off)")
        else:
            _pg_status = asyncio.run(_probe(postgres_url()))
    return _pg_status


async def _probe(url: str) -> tuple[bool, str]:
    try:
        import asyncpg  # noqa: F401
    except ImportError:
        return False, "asyncpg is not installed (pip install '.[postgres]')"
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            await asyncio.wait_for(conn.execute(text("select 1")), 5)
        return True, ""
    except Exception as exc:  # any failure means "skip and say why"
        return False, f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}: {exc}"
    finally:
        await engine.dispose()


# One schema per test process, so parallel runs (several developers, xdist) never collide.
PG_SCHEMA = f"test_{os.getpid()}"


def postgres_engine(url: str | None = None, schema: str = PG_SCHEMA) -> AsyncEngine:
    """An engine whose connections work inside this process's own schema."""
    return create_engine(
        url or postgres_url(), connect_args={"server_settings": {"search_path": schema}}
    )


async def reset_postgres(engine: AsyncEngine, schema: str = PG_SCHEMA) -> None:
    """Give each test an empty schema of its own."""
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))


@asynccontextmanager
async def fresh_database(kind: str, tmp_path: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """Yield (url, engine) for an empty database with every table created."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        engine = create_engine(url)
    else:
        url = postgres_url()
        engine = postgres_engine(url)
        await reset_postgres(engine)
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    try:
        yield url, engine
    finally:
        await engine.dispose()
        if kind != "sqlite":
            cleanup = postgres_engine(url)
            async with cleanup.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
            await cleanup.dispose()
