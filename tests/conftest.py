"""Shared fixtures: every database test runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import SessionFactory, create_session_factory
from tests.support.db import fresh_database, postgres_available


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_kind(request: pytest.FixtureRequest) -> str:
    """Name the database backend of this test run; PostgreSQL skips with a reason if absent."""
    kind: str = request.param
    if kind == "postgres":
        ok, reason = postgres_available()
        if not ok:
            if os.environ.get("TEST_POSTGRES") == "required":
                pytest.fail(f"{reason} (TEST_POSTGRES=required)")
            pytest.skip(reason)
    return kind


@pytest.fixture
async def db(db_kind: str, tmp_path: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """Yield (database_url, engine) for an empty, fully created database."""
    async with fresh_database(db_kind, tmp_path) as pair:
        yield pair


@pytest.fixture
def db_url(db: tuple[str, AsyncEngine]) -> str:
    return db[0]


@pytest.fixture
def sessions(db: tuple[str, AsyncEngine]) -> SessionFactory:
    """A session factory bound to the test database."""
    return create_session_factory(db[1])
