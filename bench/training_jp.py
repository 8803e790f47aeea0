"""JP this year per OPD and unit (/pelatihan, HR): query time on 100,000 employees.

    .venv/bin/python bench/training_jp.py [--employees 100000] [--database-url URL]

Fills a fresh database (a temporary SQLite file, or the schema ``bench_training_jp`` on the
PostgreSQL server --database-url names, dropped and recreated) with --employees active staff
in 53 OPDs of 20 units each, 600 training sessions this year and last year and about 70,000
attended invitations, then times bot.services.training.jp_by_opd for a city-wide HR officer
and jp_by_unit for the largest OPD (median and worst of --runs runs). Prints the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import models  # noqa: E402, F401  (registers tables)
from bot.services import training as tr  # noqa: E402
from bot.services.access import Speaker  # noqa: E402
from models import Employee, Opd, TrainingInvite, TrainingSession, Unit  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402

SCHEMA = "bench_training_jp"
OPDS = 53
UNITS_PER_OPD = 20
YEAR = 2027


async def seed(engine: object, employees: int, rng: random.Random) -> None:
    async with engine.begin() as conn:  # type: ignore[attr-defined]
        await conn.run_sync(SQLModel.metadata.create_all)
        await conn.execute(
            insert(Opd),
            [{"id": i + 1, "code": f"OPD{i:02d}", "name": f"OPD {i:02d}"} for i in range(OPDS)],
        )
        units = [
            {"id": o * UNITS_PER_OPD + u + 1, "opd_id": o + 1, "name": f"Unit {u:02d}"}
            for o in range(OPDS)
            for u in range(UNITS_PER_OPD)
        ]
        await conn.execute(insert(Unit), units)
        people = []
        for i in range(employees):
            opd = min(int(rng.paretovariate(1.2)), OPDS)  # a few large OPDs, many small
            unit = (opd - 1) * UNITS_PER_OPD + rng.randrange(UNITS_PER_OPD) + 1
            people.append(
                {
                    "id": i + 1,
                    "nip": f"{198000000000000000 + i}",
                    "name": f"Pegawai {i}",
                    "opd_id": opd,
                    "unit_id": unit if rng.random() > 0.05 else None,
                    "roles": "pegawai;hr" if i == 0 else "pegawai",
                    "active": rng.random() > 0.02,
                }
            )
        for start in range(0, len(people), 5000):
            await conn.execute(insert(Employee), people[start : start + 5000])
        sessions = []
        for s in range(600):
            year = YEAR if s % 2 else YEAR - 1
            sessions.append(
                {
                    "id": s + 1,
                    "title": f"Sesi {s}",
                    "starts_at": datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=s % 360),
                    "jp": Decimal(rng.choice(["2", "2.5", "4", "8"])),
                    "created_by_id": 1,
                    "status": "done",
                }
            )
        await conn.execute(insert(TrainingSession), sessions)
        invites = []
        for s in sessions:
            for person in rng.sample(range(1, employees + 1), min(150, employees)):
                attended = rng.random() < 0.8
                invites.append(
                    {
                        "session_id": s["id"],
                        "employee_id": person,
                        "attended": attended,
                        "jp_awarded": s["jp"] if attended else Decimal(0),
                    }
                )
        for start in range(0, len(invites), 5000):
            await conn.execute(insert(TrainingInvite), invites[start : start + 5000])
    print(f"seeded {employees} employees, {len(sessions)} sessions, {len(invites)} invitations")


async def measure(url: str, employees: int, runs: int) -> None:
    if url.startswith("postgresql"):
        admin = create_engine(url)
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            await conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        await admin.dispose()
        engine = create_engine(url, connect_args={"server_settings": {"search_path": SCHEMA}})
    else:
        engine = create_engine(url)
    await seed(engine, employees, random.Random(7))
    sessions = create_session_factory(engine)
    async with sessions() as session:
        hr = await session.get(Employee, 1)
    assert hr is not None
    city = Speaker(employee=hr, roles=frozenset({"hr"}), is_leader=False, hr_opd_ids=None)
    timings: dict[str, list[float]] = {"jp_by_opd": [], "jp_by_unit": []}
    groups: list[tr.JpGroup] = []
    for _ in range(runs):
        began = time.perf_counter()
        groups = await tr.jp_by_opd(sessions, city, YEAR)
        timings["jp_by_opd"].append(time.perf_counter() - began)
        began = time.perf_counter()
        found = await tr.jp_by_unit(sessions, city, groups[0].id, YEAR)
        timings["jp_by_unit"].append(time.perf_counter() - began)
    whole = tr.jp_summary(groups)
    assert found is not None
    print(
        f"scope: {len(groups)} OPDs, {whole.staff} active staff, {whole.trained} with JP, "
        f"{whole.total} JP; largest OPD {groups[0].name}: {len(found[1])} unit rows"
    )
    for name, values in timings.items():
        print(
            f"{name}: median {statistics.median(values) * 1000:.1f} ms, "
            f"max {max(values) * 1000:.1f} ms over {runs} runs"
        )
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/jp.db"
        print(f"database: {url.split('@')[-1]}")
        asyncio.run(measure(url, args.employees, args.runs))


if __name__ == "__main__":
    main()
