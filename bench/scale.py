"""Scale: a 100,000-employee organisation (about a province) on PostgreSQL, end to end.

    .venv/bin/python bench/scale.py [--employees 100000] [--database-url URL] [--reuse]
                                    [--runs 100] [--only SECTION ...]

A separate database (``kinerja_scale`` next to the one --database-url names; dropped and
created fresh unless --reuse finds it already seeded) is migrated and filled:

1. roster: the synthetic organisation of bot.demo_org (53 OPDs, head of region ->
   OPD heads -> bidang -> seksi/schools/wards -> staff), imported through the real CLI,
   ``kinerja-bot import-roster`` (first run, then a rerun that changes nothing);
2. activity, in bulk (COPY): ~85 % linked to Telegram (1 % of them blocked the bot), a fifth
   of the leaders on the daily digest, two or three SKP targets for ~92 % of the staff in
   Semester I and II 2026, progress reports over both semesters (most people report, some
   never), evidence on some, final Semester I evaluations for ~97 % with organisation
   ratings, a few Semester II evaluations already done, Plt assignments, leave pauses, two
   earlier HR broadcasts with acknowledgements, four past weeks of check-ins in the outbox,
   and training sessions tomorrow; one leader gets exactly --team direct subordinates
   (bench/team.py's make_team);
3. the SKP: every RHK gets --ikis IKIs (default 3: the first mirrors the target, then a
   level of 90 %, then a deadline of 6 periods) and every report a value for each.

Then, with ``uptime``'s load next to the numbers (the machine is shared):

- planners: every planner of bot/cli.py PLANNERS at its realistic moment in Semester II's
  evaluation window (escalations: the first working day after the due date), then a rerun
  (target < 10 s each);
- interactive: /tim for the leader of --team (bench/team.py's measure), /kinerja for an
  employee and /bantuan through the real Application in-process against tests/support/fakegram
  (target p95 < 150 ms); /statistik's views for a city-wide HR officer;
- exports: ``kinerja-bot export --period 2026-1`` to .xlsx and .csv for the whole city
  (target < 30 s) and the in-bot compliance export;
- memory: ``python -m bot run`` against the fake Bot API HTTP server with its clock on a
  Friday of the window: commands from a leader, an employee and HR while the start-up
  planners plan and the drainer sends; peak RSS from /proc/<pid>/status VmHWM
  (target < 400 MB).

A final table lists measure, value, target and ok/over.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import asyncpg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from telegram.warnings import PTBUserWarning  # noqa: E402

from bench.broadcast import BotProcess, bot_env  # noqa: E402
from bench.folders import run_in_folder  # noqa: E402
from bench.team import LEADER_TG, make_team, timed  # noqa: E402
from bench.team import measure as measure_team  # noqa: E402
from bench.telegram_net import percentile  # noqa: E402
from bot.cli import PLANNERS  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.demo_org import generate_roster, write_roster_csv  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.services.evaluation import predikat as scoring  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head_async  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DATABASE = "kinerja_scale"
SEEDED_KEY = "bench_scale_seeded"
CHAT_BASE = 700_000_000
P1, P2 = "2026-1", "2026-2"
# Semester II 2026's evaluation window: 17 Dec 2026 to 14 Jan 2027 (due 15 Jan 00:00 WIB).
MONDAY = datetime(2026, 12, 21, 9, 0, tzinfo=WIB)
PLANNER_MOMENTS = {
    "checkins": datetime(2026, 12, 18, 9, 0, tzinfo=WIB),  # CHECKIN_WEEKDAY: Friday 09:00
    "digests": datetime(2026, 12, 21, 16, 0, tzinfo=WIB),  # DIGEST_TIME 16:00
    "evaluations": MONDAY,  # nobody prompted yet: every evaluator's opening prompt
    "trainings": MONDAY,  # scores Semester I 2026 (its window closed in July)
    "training-reminders": MONDAY,  # sessions on Tuesday 22 December: the day-before reminder
    "escalations": datetime(2027, 1, 15, 9, 0, tzinfo=WIB),  # first working day after due
}
# The running bot's clock for the memory run: Monday 28 December 2026, 09:00 WIB, where the
# check-in of Christmas week (Friday 25th, a holiday) is due and evaluation follow-ups too, so
# the start-up catch-up plans both afresh for the whole city.
PROCESS_CLOCK = "2026-12-28T09:00+07:00"
PLANNER_TARGET_S = 10.0
INTERACTIVE_TARGET_MS = 150.0  # issue 10: /kinerja and /tim with 3 IKIs per RHK
EXPORT_TARGET_S = 30.0
RSS_TARGET_MIB = 400.0


# --- results ---------------------------------------------------------------------------------


@dataclass
class Result:
    """One line of the final table."""

    measure: str
    value: float
    unit: str
    target: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "ok" if self.value < self.target else "over"


@dataclass
class Results:
    rows: list[Result] = field(default_factory=list)

    def add(
        self, measure: str, value: float, unit: str, target: float | None = None, note: str = ""
    ) -> None:
        self.rows.append(Result(measure, value, unit, target, note))
        print(f"  -> {measure}: {value:,.2f} {unit}  {note}  [{load()}]", flush=True)

    def table(self) -> str:
        lines = [f"{'measure':<46} {'value':>14} {'target':>12}  result  note", "-" * 100]
        for r in self.rows:
            target = f"< {r.target:g} {r.unit}" if r.target is not None else "-"
            lines.append(
                f"{r.measure:<46} {r.value:>11,.2f} {r.unit:<2} {target:>12}  "
                f"{r.verdict:<6}  {r.note}"
            )
        return "\n".join(lines)


def load() -> str:
    """The 1/5/15-minute load averages, as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def uptime() -> str:
    """What `uptime` prints (load averages of the shared machine)."""
    return "uptime: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def section(title: str) -> None:
    print(f"\n== {title}  ({load()})", flush=True)


# --- the database ------------------------------------------------------------------------------


def scale_url(base: str) -> str:
    """The URL of the bench's own database on the server of `base`."""
    return make_url(base).set(database=DATABASE).render_as_string(hide_password=False)


def dsn(url: str) -> str:
    """A plain libpq URL for asyncpg from a SQLAlchemy one."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def seeded(url: str) -> bool:
    """True when the bench database exists and a previous run finished seeding it."""
    try:
        conn = await asyncpg.connect(dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return False
    try:
        value = await conn.fetchval(
            "select value from key_value where key = $1", SEEDED_KEY, timeout=10
        )
    except asyncpg.UndefinedTableError:
        return False
    finally:
        await conn.close()
    return value is not None


async def recreate_database(base: str) -> str:
    """Drop and create the bench database on the server of `base`; return its URL."""
    conn = await asyncpg.connect(dsn(base))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    url = scale_url(base)
    await upgrade_to_head_async(url)
    return url


def cli_env(url: str, **extra: str) -> dict[str, str]:
    """Environment of a `kinerja-bot` child: our database, nothing from a developer's .env."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_", "DATABASE_URL"))
    }
    env.update(DATABASE_URL=url, PYTHONPATH=str(REPO_ROOT), **extra)
    return env


def run_cli(url: str, *args: str) -> tuple[float, str]:
    """Run `python -m bot ARGS` to completion; return (wall seconds, stdout). Fails loudly."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO_ROOT,
        env=cli_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kinerja-bot {args[0]} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stdout.strip()


# --- seeding -------------------------------------------------------------------------------------


def utc(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """An instant given in WIB, as UTC."""
    return datetime(year, month, day, hour, tzinfo=WIB).astimezone(UTC)


def between(rng: random.Random, start: datetime, end: datetime, skew: float = 1.0) -> datetime:
    """A random instant in [start, end); skew < 1 leans towards the end."""
    return start + (end - start) * (rng.random() ** skew)


@dataclass
class Person:
    id: int
    supervisor_id: int | None
    opd_id: int
    roles: str


@dataclass
class Org:
    """What the seeding and the measurements need to know about the people."""

    people: list[Person]
    opd_ids: list[int]
    bkpsdm_id: int
    linked: set[int] = field(default_factory=set)
    leader_id: int = 0
    team: list[int] = field(default_factory=list)
    hr_id: int = 0
    employee_id: int = 0

    @property
    def city_hr(self) -> list[int]:
        return [p.id for p in self.people if "hr" in p.roles and p.opd_id == self.bkpsdm_id]


async def copy(conn: asyncpg.Connection, table: str, rows: Sequence[dict[str, Any]]) -> int:
    """COPY rows (dicts with the same keys) into a table; return how many."""
    if not rows:
        return 0
    columns = list(rows[0])
    records = [tuple(row[c] for c in columns) for row in rows]
    await conn.copy_records_to_table(table, records=records, columns=columns)
    return len(records)


def target_rows(org: Org, rng: random.Random, period: str, created: datetime) -> list[dict]:
    """Two to four SKP targets for ~92 % of the staff (the rest have none yet)."""
    rows = []
    kinds = (("dokumen", 12), ("kegiatan", 24), ("laporan", 6), ("%", 100), ("berkas", 50))
    for person in org.people:
        if rng.random() > 0.92:
            continue
        for n in range(rng.randint(2, 4)):
            quantitative = rng.random() < 0.85
            unit, amount = rng.choice(kinds)
            status = "approved"
            if period == P2:
                roll = rng.random()
                status = "pending" if roll < 0.03 else "returned" if roll < 0.04 else status
            rows.append(
                {
                    "employee_id": person.id,
                    "period": period,
                    "title": f"Rencana hasil kerja {n + 1}: {unit} layanan bidang",
                    "indicator": f"Jumlah {unit} yang diselesaikan tepat waktu",
                    "kind": "kuantitatif" if quantitative else "kualitatif",
                    "target_amount": Decimal(amount) if quantitative else None,
                    "unit": unit if quantitative else "",
                    "expectation": "" if quantitative else "Layanan sesuai standar",
                    "quality_standard": "",
                    "jenis": "utama" if n < 2 else "tambahan",
                    "parent_target_id": None,
                    "status": status,
                    "return_note": "",
                    "source": "import" if rng.random() < 0.6 else "chat",
                    "proposed_by_id": None,
                    "approved_by_id": person.supervisor_id if status == "approved" else None,
                    "approved_at": created if status == "approved" else None,
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
    return rows


def report_rows(
    targets: Sequence[asyncpg.Record],
    rng: random.Random,
    start: datetime,
    end: datetime,
) -> list[dict]:
    """Progress reports over a semester: ~12 % never report, the rest 3-16 times.

    Each reporter works towards about 95 % of their targets (spread 25 %), so achievement
    and the training scores look like a real city's, not like everyone failing.
    """
    by_employee: dict[int, list[asyncpg.Record]] = {}
    for target in targets:
        by_employee.setdefault(target["employee_id"], []).append(target)
    rows = []
    for employee_id, own in by_employee.items():
        if rng.random() < 0.12:
            continue
        count = rng.randint(3, 16)
        share = min(1.3, max(0.1, rng.gauss(0.95, 0.25))) * len(own) / count
        for _ in range(count):
            target = rng.choice(own)
            at = between(rng, start, end, skew=0.8)
            amount = None
            if target["kind"] == "kuantitatif":
                amount = Decimal(max(1, round(float(target["target_amount"]) * share)))
            rows.append(
                {
                    "target_id": target["id"],
                    "employee_id": employee_id,
                    "amount": amount,
                    "note": "" if amount and rng.random() < 0.6 else "Kegiatan terlaksana",
                    "status": "withdrawn" if rng.random() < 0.02 else "active",
                    "corrections": 0,
                    "created_at": at,
                    "updated_at": at,
                }
            )
    return rows


def evaluation_rows(
    people: Sequence[Person],
    rng: random.Random,
    period: str,
    start: datetime,
    end: datetime,
    acting: dict[int, int] | None = None,
) -> list[dict]:
    """Final evaluations (ratings drawn as evaluators tend to give them) for these people."""
    hasil = (scoring.DI_ATAS, scoring.SESUAI, scoring.DI_BAWAH)
    rows = []
    for person in people:
        evaluator = (acting or {}).get(person.id) or person.supervisor_id
        if evaluator is None:
            continue
        h = rng.choices(hasil, weights=(15, 75, 10))[0]
        p = rng.choices(hasil, weights=(15, 80, 5))[0]
        at = between(rng, start, end)
        rows.append(
            {
                "period": period,
                "employee_id": person.id,
                "evaluator_id": evaluator,
                "hasil_kerja": h,
                "perilaku_kerja": p,
                "predikat": scoring.predikat(h, p),
                "suggested_hasil_kerja": h,
                "behaviour_notes": "{}",
                "comment": "" if rng.random() < 0.7 else "Terus pertahankan kinerja yang baik.",
                "status": "final",
                "finalized_at": at,
                "acknowledged_at": at + timedelta(days=2) if rng.random() < 0.7 else None,
                "objection": "",
                "objection_at": None,
                "version": 1,
            }
        )
    return rows


def outbox_row(
    key: str, kind: str, chat: int, employee: int, text_: str, at: datetime, **extra: Any
) -> dict[str, Any]:
    """A delivered outbox row (history: what earlier weeks left in the table)."""
    row = {
        "dedupe_key": key,
        "kind": kind,
        "priority": 50,
        "chat_id": chat,
        "employee_id": employee,
        "payload": json.dumps(
            {"method": "sendMessage", "params": {"text": text_, "parse_mode": "HTML"}},
            ensure_ascii=False,
        ),
        "status": "sent",
        "attempts": 1,
        "not_before": at,
        "created_at": at,
        "sent_at": at + timedelta(minutes=20),
        "message_id": 1000,
        "last_error": "",
        "broadcast_id": None,
        "working_hours_only": True,
    }
    row.update(extra)
    return row


async def load_org(conn: asyncpg.Connection) -> Org:
    people = [
        Person(r["id"], r["supervisor_id"], r["opd_id"], r["roles"])
        for r in await conn.fetch("select id, supervisor_id, opd_id, roles from employee")
    ]
    opds = {r["code"]: r["id"] for r in await conn.fetch("select id, code from opd")}
    return Org(people, sorted(opds.values()), opds["BKPSDM"])


# The further IKIs of every RHK in the bench (position 1, 2, ...): a level, a deadline in
# periods, a lower-is-better count; each report gives a value for every one of them.
FURTHER_IKIS = (
    ("kualitas", "level", "Kepuasan pengguna layanan", 90, "persen", None),
    ("waktu", "deadline", "Laporan bulanan tepat waktu", None, "", 6),
    ("kuantitas", "lower", "Keluhan pengguna", 5, "keluhan", None),
)
FURTHER_VALUES = {
    "level": "80 + (p.id % 15), null",  # 80 to 94 %
    "deadline": "null, (p.id % 5 <> 0)",  # four in five periods on time
    "lower": "p.id % 8, null",  # 0 to 7 complaints
}


# Three in five qualitative IKIs assessed by the direct supervisor (mostly "meets").
ASSESS_SQL = (
    "insert into indicatorassessment (indicator_id, assessor_id, expectation, note, created_at) "
    "select i.id, e.supervisor_id, case when i.id % 7 = 0 then 'below' when i.id % 5 = 0 "
    "then 'above' else 'meets' end, '', now() from indicator i join target t on t.id = "
    "i.target_id join employee e on e.id = t.employee_id where i.measure = 'qualitative' "
    "and e.supervisor_id is not null and i.id % 5 < 3"
)


async def seed_indicators(conn: asyncpg.Connection, ikis: int) -> tuple[int, int]:
    """Give every target `ikis` IKIs (the first mirrors its columns) and every report a value
    for each, in SQL; return (indicator rows, report value rows)."""
    await conn.execute(
        "insert into indicator (target_id, position, aspect, measure, text, target_amount, "
        "unit, expectation) select id, 0, case when kind = 'kuantitatif' then 'kuantitas' "
        "else 'kualitas' end, case when kind = 'kuantitatif' then 'cumulative' else "
        "'qualitative' end, left(indicator, 500), target_amount, unit, expectation from target"
    )
    await conn.execute(
        "insert into reportvalue (report_id, indicator_id, amount, note) select p.id, i.id, "
        "p.amount, '' from progressreport p join indicator i on i.target_id = p.target_id "
        "and i.position = 0"
    )
    for position, (aspect, measure, words, amount, unit, periods) in enumerate(
        FURTHER_IKIS[: max(0, ikis - 1)], start=1
    ):
        await conn.execute(
            "insert into indicator (target_id, position, aspect, measure, text, target_amount, "
            "unit, periods, expectation) select id, $1, $2, $3, $4, $5, $6, $7, '' from target",
            position, aspect, measure, words,
            Decimal(amount) if amount is not None else None, unit, periods,
        )  # fmt: skip
        await conn.execute(
            "insert into reportvalue (report_id, indicator_id, amount, on_time, note) select "
            f"p.id, i.id, {FURTHER_VALUES[measure]}, '' from progressreport p join indicator i "
            "on i.target_id = p.target_id and i.position = $1",
            position,
        )
    await conn.execute(ASSESS_SQL)
    made = await conn.fetchval("select count(*) from indicator")
    values = await conn.fetchval("select count(*) from reportvalue")
    return int(made), int(values)


async def seed(url: str, team_size: int, ikis: int = 3) -> Org:
    """Fill the imported organisation with a semester and a half of activity."""
    rng = random.Random(2026)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    # The /tim leader first, so the roster's shape below (supervisors) is final.
    async with sessions() as session:
        leader_id, team, own_target = await make_team(session, team_size, P2)
        await session.commit()
    await engine.dispose()
    conn = await asyncpg.connect(dsn(url))
    try:
        started = time.perf_counter()
        org = await load_org(conn)
        org.leader_id, org.team = leader_id, team
        leaders = {p.supervisor_id for p in org.people if p.supervisor_id is not None}
        # Telegram: ~85 % linked, everyone with a role beyond pegawai and the leader included.
        linked = [
            p.id
            for p in org.people
            if rng.random() < 0.85 or p.roles != "pegawai" or p.id == leader_id
        ]
        org.linked = set(linked)
        await conn.execute(
            "update employee set telegram_user_id = id + $1, linked_at = $2 "
            "where id = any($3::int[]) and telegram_user_id is null",
            CHAT_BASE,
            utc(2026, 2, 2),
            linked,
        )
        special = {leader_id, *org.city_hr}
        blocked = [i for i in rng.sample(linked, len(linked) // 100) if i not in special]
        await conn.execute(
            "update employee set blocked_at = $1 where id = any($2::int[])",
            utc(2026, 11, 2),
            blocked,
        )
        digest = [i for i in leaders if rng.random() < 0.2 and i != leader_id]
        await conn.execute(
            "update employee set notice_mode = 'digest' where id = any($1::int[])", digest
        )
        print(
            f"  linked {len(linked):,}, blocked {len(blocked):,}, leaders {len(leaders):,} "
            f"({len(digest):,} on the digest)",
            flush=True,
        )

        counts: dict[str, int] = {}
        semesters = (
            (P1, utc(2026, 1, 15), utc(2026, 1, 20), utc(2026, 6, 30, 16)),
            (P2, utc(2026, 7, 10), utc(2026, 7, 15), MONDAY.astimezone(UTC) - timedelta(hours=1)),
        )
        for period, created, first, last in semesters:
            rows = target_rows(org, rng, period, created)
            counts[f"targets {period}"] = await copy(conn, "target", rows)
            targets = await conn.fetch(
                "select id, employee_id, kind, target_amount from target where period = $1 and "
                "status = 'approved' and employee_id <> $2",
                period,
                leader_id,
            )
            counts[f"reports {period}"] = await copy(
                conn, "progressreport", report_rows(targets, rng, first, last)
            )
        counts["indicators (IKI)"], counts["report values"] = await seed_indicators(conn, ikis)
        # The team's first Semester II targets contribute to the leader's own target.
        await conn.execute(
            "update target set parent_target_id = $1 where id in (select min(id) from target "
            "where period = $2 and employee_id = any($3::int[]) group by employee_id)",
            own_target,
            P2,
            team,
        )
        recent = await conn.fetch(
            "select id from progressreport where created_at > $1", utc(2026, 11, 20)
        )
        evidence = [
            {
                "report_id": r["id"],
                "kind": "photo",
                "file_id": f"AgACAgUAAxkBAAI{r['id']:08d}",
                "file_unique_id": f"AQAD{r['id']:08d}",
                "file_name": "",
                "mime_type": "image/jpeg",
                "file_size": 180_000,
            }
            for r in recent
            if rng.random() < 0.25
        ]
        counts["evidence"] = await copy(conn, "reportevidence", evidence)

        active = [p for p in org.people if p.supervisor_id is not None]
        done = [p for p in active if rng.random() < 0.97]
        counts[f"evaluations {P1}"] = await copy(
            conn, "evaluation", evaluation_rows(done, rng, P1, utc(2026, 6, 17), utc(2026, 7, 14))
        )
        hr_ids = org.city_hr
        org.hr_id = hr_ids[0]
        counts[f"org ratings {P1}"] = await copy(
            conn,
            "orgrating",
            [
                {
                    "period": P1,
                    "opd_id": opd_id,
                    "rating": rng.choices(
                        ("istimewa", "baik", "butuh_perbaikan", "kurang"), weights=(2, 6, 2, 1)
                    )[0],
                    "set_by_id": org.hr_id,
                    "at": utc(2026, 6, 20),
                }
                for opd_id in org.opd_ids
            ],
        )
        acting = {p.id: rng.choice(sorted(leaders)) for p in rng.sample(active, 300)}
        counts[f"Plt {P2}"] = await copy(
            conn,
            "actingevaluator",
            [
                {
                    "period": P2,
                    "employee_id": employee,
                    "evaluator_id": evaluator,
                    "assigned_by_id": org.hr_id,
                    "reason": "Atasan langsung sedang cuti besar",
                    "at": utc(2026, 12, 1),
                }
                for employee, evaluator in acting.items()
                if employee != evaluator
            ],
        )
        early = [p for p in active if p.id not in acting and rng.random() < 0.06]
        counts[f"evaluations {P2} (early)"] = await copy(
            conn,
            "evaluation",
            evaluation_rows(early, rng, P2, utc(2026, 12, 17), utc(2026, 12, 20)),
        )
        paused = rng.sample(linked, len(linked) * 15 // 1000)
        counts["leave pauses"] = await copy(
            conn,
            "checkinpause",
            [
                {"employee_id": i, "until": date(2027, 1, 10), "created_at": utc(2026, 12, 14)}
                for i in paused
            ],
        )
        counts["outbox history"] = await seed_outbox(conn, org, rng)
        counts["training invites"] = await seed_trainings(conn, org, rng)
        # A linked employee with Semester II targets and reports, for /kinerja.
        org.employee_id = await conn.fetchval(
            "select p.employee_id from progressreport p join employee e on e.id = p.employee_id "
            "join target t on t.id = p.target_id where t.period = $1 and e.telegram_user_id "
            "is not null and e.blocked_at is null and e.id <> $2 group by p.employee_id "
            "order by count(*) desc limit 1",
            P2,
            leader_id,
        )
        await conn.execute("analyze")
        await conn.execute(
            "insert into key_value (key, value) values ($1, $2)",
            SEEDED_KEY,
            json.dumps(
                {
                    "leader": org.leader_id,
                    "team": org.team,
                    "hr": org.hr_id,
                    "employee": org.employee_id,
                }
            ),
        )
        summary = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        print(f"  {summary}", flush=True)
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
        return org
    finally:
        await conn.close()


async def seed_outbox(conn: asyncpg.Connection, org: Org, rng: random.Random) -> int:
    """Four past weekly check-ins and two HR broadcasts (with acknowledgements)."""
    checkin = (
        "Selamat pagi, {name}!\n\nApakah ada kemajuan pada target Anda minggu ini? Langkah kecil "
        "pun layak dilaporkan: membantu Anda dan atasan melihat sejauh mana kemajuan Anda.\n\n"
        "Ketuk <b>Lapor sekarang</b> kapan pun Anda siap."
    )
    linked = sorted(org.linked)
    rows = []
    for week, month, friday in ((47, 11, 20), (48, 11, 27), (49, 12, 4), (50, 12, 11)):
        at = utc(2026, month, friday)
        for employee in linked:
            if rng.random() < 0.7:
                rows.append(
                    outbox_row(
                        f"checkin:2026-W{week}:emp:{employee}",
                        "checkin",
                        employee + CHAT_BASE,
                        employee,
                        checkin.format(name="Pegawai"),
                        at,
                    )
                )
    total = await copy(conn, "outbox", rows)
    opd = await conn.fetchval("select id from opd where code = 'DINKES'")
    for title, audience, at in (
        (
            "Sosialisasi penilaian kinerja semester II dan jadwal evaluasi",
            "city",
            utc(2026, 12, 1),
        ),
        ("Pengingat kelengkapan SKP puskesmas", "opd", utc(2026, 12, 10)),
    ):
        recipients = [
            p.id
            for p in org.people
            if p.id in org.linked and (audience == "city" or p.opd_id == opd)
        ]
        broadcast_id = await conn.fetchval(
            "insert into broadcast (created_by_id, text_html, media_kind, media_file_id, "
            "audience, ask_ack, status, recipients, created_at, sent_at) values "
            "($1, $2, '', '', $3, true, 'sent', $4, $5, $6) returning id",
            org.hr_id,
            f"<b>{title}</b>",
            json.dumps({"kind": audience, "ids": [opd] if audience == "opd" else []}),
            len(recipients),
            at,
            at + timedelta(hours=1),
        )
        statuses = rng.choices(
            ("sent", "blocked", "failed"), weights=(985, 10, 5), k=len(recipients)
        )
        rows = [
            outbox_row(
                f"bc:{broadcast_id}:emp:{employee}",
                "broadcast",
                employee + CHAT_BASE,
                employee,
                title,
                at,
                priority=90,
                status=status,
                broadcast_id=broadcast_id,
                working_hours_only=False,
            )
            for employee, status in zip(recipients, statuses, strict=True)
        ]
        total += await copy(conn, "outbox", rows)
        acks = [
            {"broadcast_id": broadcast_id, "employee_id": e, "at": at + timedelta(hours=5)}
            for e, status in zip(recipients, statuses, strict=True)
            if status == "sent" and rng.random() < 0.62
        ]
        total += await copy(conn, "broadcastack", acks)
    return total


async def seed_trainings(conn: asyncpg.Connection, org: Org, rng: random.Random) -> int:
    """Ten sessions on Tuesday 22 December with 40 invitees each."""
    invites = []
    for n in range(10):
        session_id = await conn.fetchval(
            "insert into trainingsession (title, topic, starts_at, place, capacity, jp, opd_id, "
            "created_by_id, status, created_at) values ($1, 'skp', $2, 'Aula BKPSDM', 40, 4, "
            "null, $3, 'planned', $4) returning id",
            f"Penyusunan SKP angkatan {n + 1}",
            utc(2026, 12, 22, 9 + n % 6),
            org.hr_id,
            utc(2026, 12, 1),
        )
        for employee in rng.sample(sorted(org.linked), 40):
            invites.append(
                {
                    "session_id": session_id,
                    "employee_id": employee,
                    "rsvp": rng.choices(("", "hadir", "tidak"), weights=(5, 4, 1))[0],
                    "rsvp_at": None,
                    "attended": None,
                    "jp_awarded": Decimal(0),
                }
            )
    return await copy(conn, "traininginvite", invites)


async def finish_evaluations(url: str, share: float) -> int:
    """Let evaluators catch up before the due date: ~share of Semester II is final."""
    rng = random.Random(15)
    conn = await asyncpg.connect(dsn(url))
    try:
        rows = await conn.fetch(
            "select e.id, e.supervisor_id, e.opd_id, e.roles from employee e where "
            "e.supervisor_id is not null and e.active and not exists (select 1 from evaluation v "
            "where v.employee_id = e.id and v.period = $1) and not exists (select 1 from "
            "actingevaluator a where a.employee_id = e.id and a.period = $1)",
            P2,
        )
        people = [Person(r["id"], r["supervisor_id"], r["opd_id"], r["roles"]) for r in rows]
        chosen = [p for p in people if rng.random() < share]
        added = await copy(
            conn,
            "evaluation",
            evaluation_rows(chosen, rng, P2, utc(2026, 12, 21), utc(2027, 1, 14)),
        )
        await conn.execute("analyze evaluation")
        return added
    finally:
        await conn.close()


async def reset_runs(url: str) -> None:
    """Undo what earlier runs' planners and catch-up evaluations wrote (--reuse)."""
    conn = await asyncpg.connect(dsn(url))
    try:
        first_planned = PLANNER_MOMENTS["checkins"].astimezone(UTC)
        await conn.execute("delete from outbox where created_at >= $1", first_planned)
        await conn.execute("delete from trainingrecommendation")
        # The fake Telegram numbers its updates from 1 again: forget the last run's ones.
        await conn.execute("delete from pending_update")
        await conn.execute(
            "delete from evaluation where period = $1 and finalized_at >= $2",
            P2,
            MONDAY.astimezone(UTC),
        )
        await conn.execute("vacuum analyze")
    finally:
        await conn.close()


async def load_people(url: str) -> Org:
    """The organisation of an already seeded database (--reuse)."""
    conn = await asyncpg.connect(dsn(url))
    try:
        org = await load_org(conn)
        info = json.loads(
            await conn.fetchval("select value from key_value where key = $1", SEEDED_KEY)
        )
        org.leader_id, org.team = info["leader"], info["team"]
        org.hr_id, org.employee_id = info["hr"], info["employee"]
        org.linked = {
            r["id"]
            for r in await conn.fetch("select id from employee where telegram_user_id is not null")
        }
        return org
    finally:
        await conn.close()


# --- sections --------------------------------------------------------------------------------


async def bench_roster(base: str, folder: Path, employees: int, results: Results) -> str:
    section(f"roster import of {employees:,} rows (kinerja-bot import-roster)")
    url = await recreate_database(base)
    path = folder / "roster.csv"
    started = time.perf_counter()
    write_roster_csv(generate_roster(employees, seed=7), path)
    print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    for label in ("first", "rerun"):
        seconds, out = run_cli(url, "import-roster", str(path))
        print(f"  {label}: {out}", flush=True)
        results.add(f"import-roster {employees // 1000}k rows, {label}", seconds, "s")
    return url


async def bench_planners(url: str, results: Results) -> None:
    section("planners (bot/cli.py PLANNERS) at their moments")
    import importlib

    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    i18n = I18n(settings.bot_default_language, settings.tz)
    for name, as_of in PLANNER_MOMENTS.items():
        if name == "escalations":
            added = await finish_evaluations(url, 0.88)
            print(f"  (evaluators caught up before the due date: {added:,} more evaluations)")
        module, function = PLANNERS[name]
        planner = getattr(importlib.import_module(module), function)
        for run in ("first", "rerun"):
            engine = create_engine(url)
            try:
                started = time.perf_counter()
                added = await planner(create_session_factory(engine), i18n, settings, as_of)
                seconds = time.perf_counter() - started
            finally:
                await engine.dispose()
            results.add(
                f"plan {name} ({run})",
                seconds,
                "s",
                PLANNER_TARGET_S,
                f"added {added:,} as of {as_of:%a %d %b %Y %H:%M} WIB",
            )


async def bench_drainer_poll(url: str, results: Results) -> None:
    """Time the drainer's query for due rows, with the planners' rows waiting in the outbox."""
    from bot.clock import Clock
    from bot.delivery.drainer import OutboxDrainer

    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            total = (await session.exec(text("select count(*) from outbox"))).one()[0]  # type: ignore[call-overload]
        for label, moment in (
            ("working hours", MONDAY),
            ("evening", MONDAY + timedelta(hours=11)),
        ):
            clock = Clock(WIB)
            clock.freeze(moment)
            drainer = OutboxDrainer(sessions, None, clock, 25.0)  # type: ignore[arg-type]
            await drainer.due_rows()
            samples = []
            for _ in range(20):
                started = time.perf_counter()
                due = await drainer.due_rows()
                samples.append((time.perf_counter() - started) * 1000)
            results.add(
                f"drainer poll for due rows ({label})",
                percentile(samples, 50),
                "ms",
                None,
                f"median of 20; {len(due)} due of {total:,} outbox rows",
            )
    finally:
        await engine.dispose()


async def bench_interactive(url: str, org: Org, runs: int, results: Results) -> None:
    section(f"/tim for a leader of {len(org.team)} (bench/team.py measure)")
    samples = await measure_team(url, org.leader_id, runs, len(org.team), now=MONDAY)
    for key in ("service", "handler", "page"):
        label = {"service": "/tim service", "handler": "/tim", "page": "/tim next page"}[key]
        results.add(
            f"{label} p95",
            percentile(samples[key], 95),
            "ms",
            INTERACTIVE_TARGET_MS,
            f"p50 {percentile(samples[key], 50):.0f} ms, max {max(samples[key]):.0f} ms",
        )

    section("/kinerja, /bantuan and /statistik through the Application")
    from tests.support.harness import running_bot

    engine = create_engine(url)
    try:
        async with running_bot(url, engine, now=MONDAY.astimezone(UTC)) as bot:
            employee = org.employee_id + CHAT_BASE
            hr = org.hr_id + CHAT_BASE
            for chat in (employee, hr):
                bot.fake.user(chat, language_code="id")
                bot.fake.known_chats.add(chat)
            for command, chat in (("/kinerja", employee), ("/bantuan", employee)):

                async def step(command: str = command, chat: int = chat) -> None:
                    await bot.send(chat, command)

                got = await timed(runs, step)
                results.add(
                    f"{command} p95",
                    percentile(got, 95),
                    "ms",
                    INTERACTIVE_TARGET_MS,
                    f"p50 {percentile(got, 50):.0f} ms, max {max(got):.0f} ms",
                )
            await bot.send(hr, "/statistik")
            menu = bot.fake.last(hr)
            assert "st:c:0" in [data for _, data in menu.buttons()], menu.text
            views = {
                "compliance": "st:c:0",
                "achievement": "st:a:0",
                "broadcasts": "st:b:0",
                "units": "st:u:0",
                "predikat 2026-1": "st:pp:0:2026:1",
            }
            for label, data in views.items():
                if data.startswith("st:pp"):
                    await bot.press(hr, menu.message_id, "st:p:0")  # the semester chooser

                async def press(data: str = data) -> None:
                    await bot.press(hr, menu.message_id, data)

                got = await timed(3, press, warm=1)
                results.add(
                    f"/statistik {label} (city-wide)",
                    min(got) / 1000,
                    "s",
                    None,
                    f"best of 3, worst {max(got) / 1000:.2f} s",
                )
    finally:
        await engine.dispose()


async def bench_exports(url: str, folder: Path, results: Results) -> None:
    section("exports for the whole city")
    for suffix in ("xlsx", "csv"):
        out = folder / f"hasil-evaluasi-{P1}.{suffix}"
        seconds, printed = run_cli(url, "export", "--period", P1, "--out", str(out))
        results.add(
            f"kinerja-bot export --period {P1} .{suffix}",
            seconds,
            "s",
            EXPORT_TARGET_S,
            f"{printed.split(' ', 1)[0]} rows, {out.stat().st_size / 1e6:.1f} MB",
        )
    from bot.services import exports
    from bot.services.periods import parse_period

    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        started = time.perf_counter()
        built = await exports.build_compliance_export(
            sessions, None, parse_period(P2), MONDAY.astimezone(UTC)
        )
        seconds = time.perf_counter() - started
        results.add(
            "/ekspor compliance .xlsx (city-wide)",
            seconds,
            "s",
            EXPORT_TARGET_S,
            f"{built.rows:,} rows, {len(built.data) / 1e6:.1f} MB",
        )
    finally:
        await engine.dispose()


def memory_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB; zeros once it is gone."""
    values = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition("\t")
            if key in values:
                values[key] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values["VmRSS:"], values["VmHWM:"]


async def ask(
    fake: Any, chat: int, send: Callable[[], object], match: Callable[[Any], bool]
) -> float:
    """Act as a user, then wait (up to 2 minutes) for the bot's answer; return the seconds.

    The drainer sends check-ins and prompts to the same people meanwhile, so the answer is
    the first new message `match` accepts.
    """
    before = len(fake.sent(chat))
    started = time.monotonic()
    send()
    try:
        await fake.wait_for(lambda: any(match(m) for m in fake.sent(chat)[before:]), timeout=120)
    except TimeoutError:
        seen = [m.content[:100] for m in fake.sent(chat)[before:]]
        raise SystemExit(f"no answer in chat {chat}; it received: {seen}") from None
    return time.monotonic() - started


async def bench_memory(url: str, org: Org, folder: Path, results: Results) -> None:
    section(f"memory of `python -m bot run` (clock {PROCESS_CLOCK})")
    from tests.support.fakegram import FakeTelegram
    from tests.support.fakegram.server import FakeBotApiServer

    leader, employee, hr = LEADER_TG, org.employee_id + CHAT_BASE, org.hr_id + CHAT_BASE
    conn = await asyncpg.connect(dsn(url))
    try:  # English answers, so they can be told from the Indonesian check-ins
        await conn.execute(
            "update employee set language = 'en' where id = any($1::int[])",
            [org.employee_id, org.hr_id],
        )
    finally:
        await conn.close()
    fake = FakeTelegram(token="123456:BENCH-TOKEN")
    for chat in [i + CHAT_BASE for i in org.linked if i != org.leader_id] + [leader]:
        fake.user(chat, language_code="id")
        fake.known_chats.add(chat)
    server = FakeBotApiServer(fake)
    await server.start()
    env = bot_env(server, url, 25.0)
    env.update(BOT_CLOCK_START=PROCESS_CLOCK, LOG_LEVEL="INFO")
    bot = BotProcess(env, folder)
    started = time.monotonic()
    await bot.start()
    assert bot.process is not None
    pid = bot.process.pid
    phase = "start-up"
    timeline: list[tuple[float, float, str]] = []  # (seconds, RSS MiB, phase)
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            timeline.append((time.monotonic() - started, memory_mib(pid)[0], phase))
            await asyncio.sleep(0.5)

    def note(label: str, seconds: float | None = None) -> None:
        rss, hwm = memory_mib(pid)
        took = f" in {seconds:.2f} s" if seconds is not None else ""
        print(f"  {label}{took}: RSS {rss:.0f} MiB, peak {hwm:.0f} MiB", flush=True)

    def text_has(part: str) -> Callable[[Any], bool]:
        return lambda m: part in m.content

    def stats_answer(m: Any) -> bool:
        return "st:m:0" in [data for _, data in m.buttons()]

    def is_file(m: Any) -> bool:
        return ".xlsx" in m.content

    sampler = asyncio.create_task(sample())
    try:
        await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=120)
        note(f"polling after {time.monotonic() - started:.1f} s")
        steps: list[tuple[str, int, Callable[[], object], Callable[[Any], bool]]] = [
            ("/tim", leader, lambda: fake.send_text(leader, "/tim"), text_has("team members")),
            (
                "/kinerja",
                employee,
                lambda: fake.send_text(employee, "/kinerja"),
                text_has("Your performance"),
            ),
            (
                "/bantuan",
                employee,
                lambda: fake.send_text(employee, "/bantuan"),
                text_has("What you can do here"),
            ),
            (
                "/statistik",
                hr,
                lambda: fake.send_text(hr, "/statistik"),
                text_has("What would you like to see"),
            ),
        ]
        for label, chat, action, match in steps:
            phase = label
            note(label, await ask(fake, chat, action, match))
        menu = fake.last(hr)
        for data in ("st:c:0", "st:a:0", "st:b:0", "st:u:0"):
            phase = data
            note(
                f"/statistik {data}",
                await ask(
                    fake, hr, lambda d=data: fake.press(hr, menu.message_id, d), stats_answer
                ),
            )
        # HR downloads the city's files from the running bot: 100,000 rows each.
        await ask(fake, hr, lambda: fake.send_text(hr, "/ekspor"), text_has("Which file"))
        menu = fake.last(hr)
        for label, presses in (
            ("evaluations 2026-1", ("ex:e", "ex:e:2026:1", "ex:eo:2026:1:0")),
            ("compliance", ("ex:m", "ex:c", "ex:co:0")),
        ):
            phase = f"/ekspor {label}"
            *choices, final = presses
            for data, shows in zip(choices, presses[1:], strict=True):
                fake.press(hr, menu.message_id, data)
                await fake.wait_for(
                    lambda shows=shows: shows in [d for _, d in menu.buttons()] or None,
                    timeout=60,
                )
            note(
                f"/ekspor {label} (whole city)",
                await ask(fake, hr, lambda d=final: fake.press(hr, menu.message_id, d), is_file),
            )
        # The start-up catch-up (20 s after start) plans the week's check-ins and follow-ups.
        phase = "start-up planners"
        log = folder / f"bot-{bot.starts}.log"
        wanted = ("planner checkins queued", "planner evaluations queued")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if all(w in log.read_text(errors="replace") for w in wanted):
                break
            await asyncio.sleep(1)
        for line in log.read_text(errors="replace").splitlines():
            if "queued" in line:
                print("  bot: " + json.loads(line).get("message", line), flush=True)
        note("planners done")
        phase = "sending"
        await asyncio.sleep(30)
        sent = len(fake.calls_of("sendMessage"))
        note(f"after 30 s of sending ({sent:,} sendMessage calls so far)")
        peak = memory_mib(pid)[1]
    finally:
        stop.set()
        await sampler
        await bot.stop()
        await server.stop()
    at, rss, during = max(timeline, key=lambda sample: sample[1], default=(0.0, 0.0, "-"))
    print(f"  highest sampled RSS {rss:.0f} MiB at {at:.0f} s, during {during}", flush=True)
    results.add(
        "bot process peak RSS (VmHWM)",
        peak,
        "MiB",
        RSS_TARGET_MIB,
        f"commands, start-up planners, sending; highest during {during}",
    )


# --- main ----------------------------------------------------------------------------------------

SECTIONS = ("planners", "interactive", "exports", "memory")


async def bench(args: argparse.Namespace, folder: Path) -> int:
    results = Results()
    print(uptime())
    url = scale_url(args.database_url)
    if args.reuse and await seeded(url):
        print(f"reusing the seeded database {DATABASE}", flush=True)
        await reset_runs(url)
        org = await load_people(url)
    else:
        url = await bench_roster(args.database_url, folder, args.employees, results)
        section("seeding activity")
        org = await seed(url, args.team, args.ikis)
    only = set(args.only or SECTIONS)
    if "planners" in only:
        await bench_planners(url, results)
        await bench_drainer_poll(url, results)
    if "interactive" in only:
        await bench_interactive(url, org, args.runs, results)
    if "exports" in only:
        await bench_exports(url, folder, results)
    if "memory" in only:
        await bench_memory(url, org, folder, results)
    print("\n" + uptime())
    print(results.table())
    return 0 if all(r.verdict != "over" for r in results.rows) else 1


def main() -> int:
    warnings.filterwarnings("ignore", category=PTBUserWarning)  # per_message notes, not news
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--team", type=int, default=100, help="direct subordinates of /tim")
    parser.add_argument("--runs", type=int, default=100, help="timed runs per command")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_URL),
        help=f"a PostgreSQL server; the bench uses its own database {DATABASE!r} there",
    )
    parser.add_argument("--ikis", type=int, default=3, help="IKIs per RHK (1 to 4)")
    parser.add_argument(
        "--database", default=DATABASE, help="the bench's own database name on that server"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()
    globals()["DATABASE"] = args.database  # scale_url and recreate_database read it
    return run_in_folder("bench-scale-", args.keep, lambda folder: bench(args, folder))


if __name__ == "__main__":
    raise SystemExit(main())
