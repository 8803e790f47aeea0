"""The Alembic migrations create every table on both databases; SQLite pragmas."""

import asyncio
from decimal import Decimal
from pathlib import Path

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
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


async def _migrate(db_kind: str, tmp_path: Path, revision: str) -> tuple[AsyncEngine, str]:
    """Upgrade a fresh database to `revision`; return its engine (and URL)."""
    if db_kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"

        def run_sqlite() -> None:
            command.upgrade(alembic_config(url), revision)

        await asyncio.to_thread(run_sqlite)
        return create_engine(url), url
    engine = postgres_engine()
    if revision != "head":
        await reset_postgres(engine)

    def run(connection: Connection) -> None:
        config = alembic_config(postgres_url())
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)
    return engine, postgres_url()


async def _populate_0009(engine: AsyncEngine) -> None:
    """Targets (a cascade, qualitative, pending) and reports (withdrawn, corrected) at 0009.

    The tables written here are the same at 0009 as now, so the models can write them.
    """
    from sqlmodel.ext.asyncio.session import AsyncSession

    from models import Employee, Opd, ProgressReport, Target

    async with AsyncSession(engine, expire_on_commit=False) as session:
        session.add(Opd(id=1, code="DKP", name="Dinas"))
        await session.flush()
        session.add(Employee(id=1, nip="198001012005011001", name="Kepala", opd_id=1))
        session.add(
            Employee(id=2, nip="199001012015011002", name="Staf", opd_id=1, supervisor_id=1)
        )
        await session.flush()
        session.add(
            Target(
                id=1,
                employee_id=1,
                period="2026-2",
                title="Dokumen dinas",
                indicator="Jumlah dokumen",
                target_amount=Decimal(40),
                unit="dokumen",
                status="approved",
                approved_by_id=1,
            )
        )
        await session.flush()
        session.add_all(
            [
                Target(
                    id=2,
                    employee_id=2,
                    period="2026-2",
                    title="Dokumen seksi",
                    indicator="Jumlah dokumen",
                    target_amount=Decimal("12.5"),
                    unit="dokumen",
                    parent_target_id=1,
                    status="approved",
                    approved_by_id=1,
                    version=2,
                ),
                Target(
                    id=3,
                    employee_id=2,
                    period="2026-2",
                    title="Layanan ramah",
                    indicator="Kepuasan",
                    kind="kualitatif",
                    expectation="Tanpa keluhan",
                    jenis="tambahan",
                    parent_target_id=1,
                    status="pending",
                ),
            ]
        )
        await session.flush()
        session.add_all(
            [
                ProgressReport(
                    id=1,
                    target_id=2,
                    employee_id=2,
                    amount=Decimal(3),
                    note="rapat",
                    request_key="k1",
                ),
                ProgressReport(
                    id=2,
                    target_id=2,
                    employee_id=2,
                    amount=Decimal("2.25"),
                    corrections=1,
                    request_key="k2",
                ),
                ProgressReport(
                    id=3,
                    target_id=2,
                    employee_id=2,
                    amount=Decimal(100),
                    note="salah ketik",
                    status="withdrawn",
                ),
                ProgressReport(
                    id=4, target_id=3, employee_id=2, note="Semua tamu dilayani", request_key="k4"
                ),
                ProgressReport(id=5, target_id=1, employee_id=1, amount=Decimal(10)),
            ]
        )
        await session.commit()


async def test_migration_0010_keeps_every_target_and_report(db_kind: str, tmp_path: Path) -> None:
    """Targets become RHKs with one IKI; every report counts for that IKI exactly as before."""
    from sqlalchemy import text

    engine, _url = await _migrate(db_kind, tmp_path, "0009_idempotency_keys")
    await _populate_0009(engine)
    sum_query = (
        "SELECT target_id, SUM(amount) FROM progressreport WHERE status = 'active'"
        " GROUP BY target_id ORDER BY target_id"
    )
    async with engine.begin() as conn:
        before = [
            (t, Decimal(str(s)) if s is not None else None)
            for t, s in (await conn.execute(text(sum_query))).all()
        ]
    await engine.dispose()
    engine, _ = await _migrate(db_kind, tmp_path, "head")
    async with engine.connect() as conn:
        indicators = (
            await conn.execute(
                text(
                    "SELECT target_id, position, aspect, measure, text, target_amount, unit,"
                    " expectation FROM indicator ORDER BY target_id"
                )
            )
        ).all()
        after = (
            await conn.execute(
                text(
                    "SELECT i.target_id, SUM(v.amount) FROM reportvalue v"
                    " JOIN indicator i ON i.id = v.indicator_id"
                    " JOIN progressreport r ON r.id = v.report_id"
                    " WHERE r.status = 'active' GROUP BY i.target_id ORDER BY i.target_id"
                )
            )
        ).all()
        values = (
            await conn.execute(
                text("SELECT report_id, amount, note FROM reportvalue ORDER BY report_id")
            )
        ).all()
        targets = (
            await conn.execute(
                text(
                    "SELECT id, parent_target_id, status, version, approved_by_id FROM target"
                    " ORDER BY id"
                )
            )
        ).all()
    await engine.dispose()
    assert [(i[0], i[1], i[2], i[3], i[4]) for i in indicators] == [
        (1, 0, "kuantitas", "cumulative", "Jumlah dokumen"),
        (2, 0, "kuantitas", "cumulative", "Jumlah dokumen"),
        (3, 0, "kualitas", "qualitative", "Kepuasan"),
    ]
    assert Decimal(str(indicators[1][5])) == Decimal("12.5")
    assert indicators[2][7] == "Tanpa keluhan"
    assert [(t, Decimal(str(s)) if s is not None else None) for t, s in after] == before
    assert [r for r, _a, _n in values] == [1, 2, 3, 4, 5]  # withdrawn ones too, still withdrawn
    assert values[3][2] == "Semua tamu dilayani"
    assert [tuple(t) for t in targets] == [
        (1, None, "approved", 1, 1),
        (2, 1, "approved", 2, 1),
        (3, 1, "pending", 1, None),
    ]
