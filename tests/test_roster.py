"""Roster import: reading CSV/XLSX, validating every row, and the bulk upsert."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from bot.services.roster import (
    RosterRow,
    RowError,
    format_progress_bar,
    import_roster,
    read_roster,
    validate_roster,
)
from models import AuditLog, Employee, Opd, Unit
from models.db import SessionFactory

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=WIB)
TODAY = NOW.date()
HEADER = "nip,nama,jabatan,opd_kode,opd_nama,unit,nip_atasan,peran,bahasa"

HEAD = "197001012000011001"
SEK = "197502022001022001"
HR = "198003032005031001"
STAFF1 = "199004042015042001"
STAFF2 = "199105052016051002"
BKP_HEAD = "196806061995061001"
ADMIN = "198507072010071001"

KOMINFO = "DISKOMINFO,Dinas Komunikasi dan Informatika"
BKPSDM = "BKPSDM,Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"
BASE_LINES = [
    f"{HEAD},Ahmad Nasution,Kepala Dinas,{KOMINFO},,,,",
    f"{SEK},Siti Rahmawati,Sekretaris,{KOMINFO},Sekretariat,{HEAD},pegawai,",
    f"{HR},Budi Siregar,Kepala Subbagian Umum dan Kepegawaian,{KOMINFO},"
    f"Subbagian Umum dan Kepegawaian,{SEK},pegawai;hr,id",
    f"{STAFF1},Rina Lubis,Pranata Komputer,{KOMINFO},Bidang Aplikasi Informatika,{HEAD},,en",
    f"{STAFF2},Hendra Tarigan,Pengelola Data,{KOMINFO},Bidang Aplikasi Informatika,{HEAD},,",
    f"{BKP_HEAD},Subhan Harahap,Kepala Badan,{BKPSDM},,,,",
    f"{ADMIN},Dewi Ginting,Pranata Komputer Ahli Muda,{BKPSDM},Bidang Informasi,{BKP_HEAD},"
    "pegawai;admin,",
]


def write_csv(
    tmp_path: Path,
    lines: list[str],
    *,
    header: str = HEADER,
    name: str = "roster.csv",
    encoding: str = "utf-8",
) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding=encoding)
    return path


def row(line: int, nip: str, supervisor: str = "", **changes: Any) -> RosterRow:
    base = RosterRow(
        line=line,
        nip=nip,
        name=f"Pegawai {line}",
        position="Staf",
        opd_code="DINKES",
        opd_name="Dinas Kesehatan",
        unit="",
        supervisor_nip=supervisor,
        roles=frozenset({"pegawai"}),
        language=None,
    )
    return replace(base, **changes)


def nip_for(serial: int, *, birth: str = "19850101", appointed: str = "201001") -> str:
    return f"{birth}{appointed}1{serial:03d}"


async def count(sessions: SessionFactory, model: type[SQLModel]) -> int:
    async with sessions() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def employees(sessions: SessionFactory) -> dict[str, Employee]:
    async with sessions() as session:
        return {e.nip: e for e in (await session.exec(select(Employee))).all()}


async def audit_rows(sessions: SessionFactory) -> list[AuditLog]:
    async with sessions() as session:
        return list((await session.exec(select(AuditLog).order_by(col(AuditLog.id)))).all())


def messages(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(e.line, e.message.format(**e.params)) for e in errors]


# --------------------------------------------------------------------------- import


async def test_import_creates_employees_units_links_and_audit(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, BASE_LINES)
    summary = await import_roster(sessions, path, dry_run=False, now=NOW)

    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (7, 0, 0)
    assert (summary.total, summary.opds_created, summary.units_created) == (7, 2, 4)
    staff = await employees(sessions)
    ids = {nip: e.id for nip, e in staff.items()}
    assert staff[HEAD].supervisor_id is None
    assert staff[SEK].supervisor_id == ids[HEAD]
    assert staff[HR].supervisor_id == ids[SEK]
    assert staff[STAFF1].supervisor_id == ids[HEAD]
    assert staff[ADMIN].supervisor_id == ids[BKP_HEAD]
    assert staff[HR].roles == "pegawai;hr"
    assert staff[ADMIN].roles == "pegawai;admin"
    assert staff[STAFF2].roles == "pegawai"
    assert (staff[HR].language, staff[STAFF1].language, staff[STAFF2].language) == (
        "id",
        "en",
        None,
    )
    assert staff[HEAD].unit_id is None
    assert staff[STAFF1].unit_id == staff[STAFF2].unit_id is not None
    assert staff[SEK].created_at == NOW

    async with sessions() as session:
        opds = {o.code: o for o in (await session.exec(select(Opd))).all()}
        units = {(u.opd_id, u.name) for u in (await session.exec(select(Unit))).all()}
    assert opds["DISKOMINFO"].name == "Dinas Komunikasi dan Informatika"
    kominfo = opds["DISKOMINFO"].id
    assert (kominfo, "Bidang Aplikasi Informatika") in units
    assert staff[STAFF1].opd_id == kominfo
    assert staff[ADMIN].opd_id == opds["BKPSDM"].id

    grants = await audit_rows(sessions)
    assert [(a.action, a.subject_employee_id) for a in grants] == [
        ("role_grant", ids[HR]),
        ("role_grant", ids[ADMIN]),
    ]
    assert {(a.actor_label, a.at) for a in grants} == {("cli:import-roster", NOW)}
    assert json.loads(grants[0].details) == {"after": "pegawai;hr"}


async def test_rerun_reports_unchanged_and_writes_nothing(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, BASE_LINES)
    await import_roster(sessions, path, dry_run=False, now=NOW)
    before = await employees(sessions)
    audits = await count(sessions, AuditLog)

    later = NOW + timedelta(days=3)
    summary = await import_roster(sessions, path, dry_run=False, now=later)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 7)
    assert (summary.opds_created, summary.opds_updated, summary.units_created) == (0, 0, 0)
    after = await employees(sessions)
    assert {n: e.updated_at for n, e in after.items()} == {
        n: e.updated_at for n, e in before.items()
    }
    assert await count(sessions, AuditLog) == audits


async def test_changed_name_updates_exactly_one(sessions: SessionFactory, tmp_path: Path) -> None:
    await import_roster(sessions, write_csv(tmp_path, BASE_LINES), dry_run=False, now=NOW)
    lines = [line.replace("Rina Lubis", '"Rina Lubis, S.Kom"') for line in BASE_LINES]
    later = NOW + timedelta(hours=1)

    summary = await import_roster(sessions, write_csv(tmp_path, lines), dry_run=False, now=later)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 6)
    staff = await employees(sessions)
    assert staff[STAFF1].name == "Rina Lubis, S.Kom"
    assert staff[STAFF1].updated_at == later
    assert staff[STAFF2].updated_at == NOW
    assert await count(sessions, AuditLog) == 2  # a name change is not a role change


async def test_role_changes_are_audited(sessions: SessionFactory, tmp_path: Path) -> None:
    await import_roster(sessions, write_csv(tmp_path, BASE_LINES), dry_run=False, now=NOW)
    lines = list(BASE_LINES)
    lines[3] = lines[3].replace(f"{HEAD},,en", f"{HEAD},hr;pegawai,en")  # STAFF1 becomes HR
    lines[2] = lines[2].replace("pegawai;hr", "pegawai")  # HR loses the role
    later = NOW + timedelta(days=1)

    summary = await import_roster(
        sessions, write_csv(tmp_path, lines), dry_run=False, now=later, actor_label="test"
    )

    assert (summary.updated, summary.unchanged, summary.role_changes) == (2, 5, 2)
    staff = await employees(sessions)
    assert staff[STAFF1].roles == "pegawai;hr"
    assert staff[HR].roles == "pegawai"
    changes = [a for a in await audit_rows(sessions) if a.action == "role_change"]
    by_subject = {a.subject_employee_id: json.loads(a.details) for a in changes}
    assert by_subject == {
        staff[STAFF1].id: {"before": "pegawai", "after": "pegawai;hr"},
        staff[HR].id: {"before": "pegawai;hr", "after": "pegawai"},
    }
    assert {(a.actor_label, a.at) for a in changes} == {("test", later)}


async def test_supervisor_and_unit_moves_are_updates(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await import_roster(sessions, write_csv(tmp_path, BASE_LINES), dry_run=False, now=NOW)
    lines = list(BASE_LINES)
    lines[4] = lines[4].replace(f"Bidang Aplikasi Informatika,{HEAD}", f"Sekretariat,{SEK}")
    lines[1] = lines[1].replace(f",{HEAD},pegawai,", ",,pegawai,")  # SEK now has no supervisor

    summary = await import_roster(sessions, write_csv(tmp_path, lines), dry_run=False, now=NOW)

    assert (summary.updated, summary.unchanged) == (2, 5)
    staff = await employees(sessions)
    assert staff[STAFF2].supervisor_id == staff[SEK].id
    assert staff[STAFF2].unit_id == staff[SEK].unit_id
    assert staff[SEK].supervisor_id is None


async def test_employees_missing_from_file_are_untouched(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await import_roster(sessions, write_csv(tmp_path, BASE_LINES), dry_run=False, now=NOW)
    summary = await import_roster(
        sessions, write_csv(tmp_path, BASE_LINES[:2]), dry_run=False, now=NOW
    )

    assert (summary.total, summary.unchanged) == (2, 2)
    staff = await employees(sessions)
    assert len(staff) == 7
    assert staff[ADMIN].roles == "pegawai;admin"
    assert staff[ADMIN].active


async def test_supervisor_known_only_to_the_database(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await import_roster(sessions, write_csv(tmp_path, BASE_LINES[:1]), dry_run=False, now=NOW)
    newcomer = f"{STAFF2},Hendra Tarigan,Staf,{KOMINFO},,{HEAD},,"

    summary = await import_roster(
        sessions, write_csv(tmp_path, [newcomer], name="new.csv"), dry_run=False, now=NOW
    )

    assert summary.errors == []
    assert summary.created == 1
    staff = await employees(sessions)
    assert staff[STAFF2].supervisor_id == staff[HEAD].id


async def test_xlsx_import(sessions: SessionFactory, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([c.upper() for c in HEADER.split(",")])  # header case does not matter
    sheet.append([HEAD, "Ahmad Nasution", "Kepala Dinas", "dinkes", "Dinas Kesehatan"])
    sheet.append([])  # a blank row is skipped but still counts as a line
    sheet.append([STAFF1, "Rina Lubis", "Perawat", "DINKES", "Dinas Kesehatan", 7, HEAD, "hr"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)

    summary = await import_roster(sessions, path, dry_run=False, now=NOW)

    assert summary.errors == []
    assert summary.created == 2
    staff = await employees(sessions)
    assert staff[STAFF1].supervisor_id == staff[HEAD].id
    assert staff[STAFF1].roles == "pegawai;hr"
    async with sessions() as session:
        assert (await session.exec(select(Opd.code))).all() == ["DINKES"]
        assert (await session.exec(select(Unit.name))).all() == ["7"]


def test_xlsx_number_that_lost_digits_is_an_error(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([int(HEAD), "Ahmad", "Kepala", "DINKES", "Dinas Kesehatan"])
    sheet.append([STAFF1, "Rina", "Staf", "DINKES", "Dinas Kesehatan", "", float(HEAD)])
    sheet.append([12345.0, "Budi", "Staf", "DINKES", "Dinas Kesehatan"])
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)

    rows, errors = read_roster(path)

    # Excel keeps 15 significant digits, so every 18-digit number arrives rounded.
    assert [(e.line, e.params["column"]) for e in errors] == [(2, "nip"), (3, "nip_atasan")]
    assert "lost digits" in errors[0].message
    assert [(r.line, r.nip, r.supervisor_nip) for r in rows] == [
        (3, STAFF1, ""),
        (4, "12345", ""),
    ]


def test_small_float_nip_and_scientific_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"1.98E+17,Ahmad,Staf,DINKES,Dinas Kesehatan,,{HEAD},,"])
    rows, errors = read_roster(path)
    assert rows == []
    assert [(e.line, e.params) for e in errors] == [(2, {"column": "nip", "value": "1.98E+17"})]


async def test_semicolon_csv_with_bom_and_loose_header(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    header = " NIP ; Nama ; Jabatan ; OPD_Kode ; OPD Nama ; Unit ; NIP_Atasan ; Peran ; Bahasa "
    lines = [
        f"{HEAD};Ahmad Nasution;Kepala Dinas;DINKES;Dinas Kesehatan, Kota Medan;;;;",
        f"1991 0505 2016 05 1 002;Hendra;Staf;DINKES;Dinas Kesehatan, Kota Medan;;{HEAD};;",
    ]
    path = write_csv(tmp_path, lines, header=header, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    summary = await import_roster(sessions, path, dry_run=False, now=NOW)

    assert summary.errors == []
    assert summary.created == 2
    staff = await employees(sessions)
    assert staff[STAFF2].supervisor_id == staff[HEAD].id
    async with sessions() as session:
        assert (await session.exec(select(Opd.name))).one() == "Dinas Kesehatan, Kota Medan"


async def test_names_are_stored_verbatim(sessions: SessionFactory, tmp_path: Path) -> None:
    name = 'Nur\'aini <b>Siregar</b> & "Putri" 🌺'
    line = f'{HEAD},"{name.replace(chr(34), chr(34) * 2)}",Kepala & Staf,DINKES,Dinas <Kes>,,,,'
    summary = await import_roster(sessions, write_csv(tmp_path, [line]), dry_run=False, now=NOW)

    assert summary.created == 1
    staff = await employees(sessions)
    assert staff[HEAD].name == name
    assert staff[HEAD].position == "Kepala & Staf"
    rerun = await import_roster(sessions, write_csv(tmp_path, [line]), dry_run=False, now=NOW)
    assert rerun.unchanged == 1


async def test_language_follows_roster_until_the_user_links(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await import_roster(sessions, write_csv(tmp_path, BASE_LINES), dry_run=False, now=NOW)
    async with sessions() as session:
        linked = (await session.exec(select(Employee).where(Employee.nip == STAFF1))).one()
        linked.telegram_user_id = 5551234
        session.add(linked)
        await session.commit()
    lines = list(BASE_LINES)
    lines[3] = lines[3].removesuffix(",en") + ",id"  # linked: the user's choice wins
    lines[4] = lines[4] + "en"  # not linked yet: the roster still decides
    lines[2] = lines[2].removesuffix(",id") + ","  # empty bahasa changes nothing

    summary = await import_roster(sessions, write_csv(tmp_path, lines), dry_run=False, now=NOW)

    assert (summary.updated, summary.unchanged) == (1, 6)
    staff = await employees(sessions)
    assert (staff[STAFF1].language, staff[STAFF2].language, staff[HR].language) == (
        "en",
        "en",
        "id",
    )


async def test_opd_rename_and_case_insensitive_codes(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await import_roster(sessions, write_csv(tmp_path, BASE_LINES[:2]), dry_run=False, now=NOW)
    lines = [
        line.replace(KOMINFO, "diskominfo,Dinas Kominfo Kota Medan") for line in BASE_LINES[:2]
    ]

    summary = await import_roster(sessions, write_csv(tmp_path, lines), dry_run=False, now=NOW)

    assert (summary.opds_created, summary.opds_updated, summary.unchanged) == (0, 1, 2)
    async with sessions() as session:
        opds = (await session.exec(select(Opd))).all()
    assert [(o.code, o.name) for o in opds] == [("DISKOMINFO", "Dinas Kominfo Kota Medan")]


async def test_dry_run_reports_and_writes_nothing(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, BASE_LINES)
    summary = await import_roster(sessions, path, dry_run=True, now=NOW)

    assert summary.dry_run
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (7, 0, 0)
    assert (summary.opds_created, summary.units_created) == (2, 4)
    assert await count(sessions, Employee) == 0
    assert await count(sessions, Opd) == 0

    await import_roster(sessions, path, dry_run=False, now=NOW)
    lines = [line.replace("Hendra Tarigan", "Hendra Tarigan S.E") for line in BASE_LINES]
    lines[0] = lines[0].replace(",,,,", ",,,hr,")
    again = await import_roster(sessions, write_csv(tmp_path, lines), dry_run=True, now=NOW)

    assert (again.created, again.updated, again.unchanged, again.role_changes) == (0, 2, 5, 1)
    staff = await employees(sessions)
    assert staff[STAFF2].name == "Hendra Tarigan"
    assert staff[HEAD].roles == "pegawai"
    assert await count(sessions, AuditLog) == 2


async def test_any_error_reports_all_rows_and_writes_nothing(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    lines = [
        f"{HEAD},Ahmad,Kepala,DINKES,Dinas Kesehatan,,,,",  # 2 fine
        f"{STAFF1[:-1]},Rina,Staf,DINKES,Dinas Kesehatan,,{HEAD},,",  # 3 17 digits
        f"{STAFF2},,Staf,DINKES,Dinas Kesehatan,,{HEAD},,",  # 4 empty name
        f"{HR},Budi,Staf,DINKES,Dinas Kesehatan,,{HEAD},leader,",  # 5 role
        f"{SEK},Siti,Staf,DINKES,Dinas Kesehatan,,{ADMIN},,fr",  # 6 supervisor + language
        f"{HEAD},Ahmad Lagi,Kepala,DINKES,Dinas Kesehatan,,,,",  # 7 duplicate of 2
    ]
    path = write_csv(tmp_path, lines)

    summary = await import_roster(sessions, path, dry_run=False, now=NOW)

    assert [e.line for e in summary.errors] == [2, 3, 4, 5, 6, 6, 7]
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 0)
    assert summary.errors[0].params == {"nip": HEAD, "other_line": 7}
    assert summary.errors[-1].params == {"nip": HEAD, "other_line": 2}
    assert "Leaders are derived" in summary.errors[3].message
    for model in (Employee, Opd, Unit, AuditLog):
        assert await count(sessions, model) == 0


async def test_progress_reports_both_phases(sessions: SessionFactory, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    path = write_csv(tmp_path, BASE_LINES)
    await import_roster(
        sessions, path, dry_run=False, now=NOW, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0] == (7, 7)  # validation finished
    assert calls[-1] == (7, 7)  # writing finished
    assert all(total == 7 for _done, total in calls)
    assert all(0 <= done <= 7 for done, _total in calls)


async def test_rows_can_be_passed_directly(sessions: SessionFactory) -> None:
    rows = [row(2, HEAD), row(3, STAFF1, HEAD, unit="Seksi Gizi")]
    summary = await import_roster(sessions, rows, dry_run=False, now=NOW)
    assert summary.created == 2


async def test_naive_now_is_refused(sessions: SessionFactory) -> None:
    with pytest.raises(ValueError, match="aware"):
        await import_roster(
            sessions,
            [row(2, HEAD)],
            dry_run=True,
            now=datetime(2026, 1, 1),  # noqa: DTZ001
        )


# --------------------------------------------------------------------------- reading


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"{HEAD},Ahmad"], header="nip,nama,opd_kode,peran")
    rows, errors = read_roster(path)
    assert rows == []
    assert len(errors) == 1
    assert errors[0].line == 1
    assert errors[0].params["columns"] == "jabatan, opd_nama, unit, nip_atasan"


def test_bahasa_column_is_optional(tmp_path: Path) -> None:
    header = HEADER.removesuffix(",bahasa")
    path = write_csv(tmp_path, [f"{HEAD},Ahmad,Kepala,DINKES,Dinas Kesehatan,,,"], header=header)
    rows, errors = read_roster(path)
    assert errors == []
    assert rows[0].language is None


def test_file_level_problems(tmp_path: Path) -> None:
    odd = tmp_path / "roster.pdf"
    odd.write_text("x")
    assert read_roster(odd)[1][0].params == {"ext": ".pdf"}
    assert read_roster(tmp_path / "absent.csv")[1][0].message.startswith("File not found")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{HEADER}\n{HEAD},Jos\xe9,,DINKES,,,,,\n".encode("latin-1"))
    assert "UTF-8" in read_roster(latin)[1][0].message
    empty = write_csv(tmp_path, [], header="", name="empty.csv")
    assert read_roster(empty)[1][0].line == 1
    only_header = write_csv(tmp_path, [], name="header.csv")
    assert "no employee rows" in read_roster(only_header)[1][0].message
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    assert read_roster(broken)[1][0].message.startswith("Cannot read")


def test_line_numbers_follow_the_file(tmp_path: Path) -> None:
    lines = [
        f'{HEAD},"Ahmad\nNasution",Kepala,DINKES,Dinas Kesehatan,,,,',  # lines 2-3
        "",  # line 4, blank
        f"{STAFF1},Rina,Staf,dinkes,Dinas Kesehatan,,{HEAD}, HR ; pegawai ,EN",  # line 5
    ]
    rows, errors = read_roster(write_csv(tmp_path, lines))
    assert errors == []
    assert [r.line for r in rows] == [2, 5]
    assert rows[0].name == "Ahmad\nNasution"
    assert (rows[1].opd_code, rows[1].roles, rows[1].language) == (
        "DINKES",
        frozenset({"pegawai", "hr"}),
        "en",
    )


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("nip", "reason"),
    [
        ("19900101201501100", "An NIP has exactly 18 digits."),
        ("19900101201501100A", "An NIP has digits only."),
        ("199013012015011001", "The first 8 digits of the NIP are not a real birth date."),
        ("199001012015013001", "Digit 15 of the NIP (gender) must be 1 or 2."),
        ("199001012015011000", "The last 3 digits of the NIP (serial number) cannot be 000."),
    ],
)
def test_bad_nips_are_reported(nip: str, reason: str) -> None:
    errors = validate_roster([row(2, HEAD), row(3, nip, HEAD)], {}, today=TODAY)
    assert [(e.line, e.nip, e.message) for e in errors] == [(3, nip, reason)]


def test_duplicate_nip_reports_every_occurrence() -> None:
    rows = [row(2, HEAD), row(3, STAFF1, HEAD), row(4, HEAD), row(5, HEAD)]
    errors = validate_roster(rows, {}, today=TODAY)
    assert messages(errors) == [
        (2, f"NIP {HEAD} appears more than once (also on line 4)."),
        (4, f"NIP {HEAD} appears more than once (also on line 2)."),
        (5, f"NIP {HEAD} appears more than once (also on line 2)."),
    ]


def test_unknown_and_self_supervisor() -> None:
    rows = [row(2, HEAD), row(3, STAFF1, STAFF2), row(4, HR, HR)]
    errors = validate_roster(rows, {}, today=TODAY)
    assert messages(errors) == [
        (3, f"Supervisor NIP {STAFF2} is neither in this file nor in the database."),
        (4, "An employee cannot be their own supervisor (nip_atasan)."),
    ]
    assert validate_roster(rows[:2], {STAFF2: (9, None)}, today=TODAY) == []


def test_three_cycle_reports_each_member() -> None:
    a, b, c = nip_for(1), nip_for(2), nip_for(3)
    rows = [row(2, HEAD), row(3, a, c), row(4, b, a), row(5, c, b), row(6, STAFF1, a)]
    errors = validate_roster(rows, {}, today=TODAY)
    assert [(e.line, e.nip) for e in errors] == [(3, a), (4, b), (5, c)]
    assert errors[0].params["chain"] == f"{a} → {c} → {b} → {a}"


def test_cycle_through_the_database() -> None:
    # In the database STAFF1 reports to HEAD (ids 2 -> 1); the file makes HEAD report to STAFF1.
    existing = {HEAD: (1, None), STAFF1: (2, 1)}
    errors = validate_roster([row(2, HEAD, STAFF1)], existing, today=TODAY)
    assert [(e.line, e.params["chain"]) for e in errors] == [(2, f"{HEAD} → {STAFF1} → {HEAD}")]
    # Moving STAFF1 in the same file breaks the old edge, so there is no cycle.
    rows = [row(2, HEAD, STAFF1), row(3, STAFF1)]
    assert validate_roster(rows, existing, today=TODAY) == []


def test_too_deep_chain() -> None:
    rows = [row(2, nip_for(1))]
    for i in range(2, 70):
        rows.append(row(i + 1, nip_for(i), nip_for(i - 1)))
    errors = validate_roster(rows, {}, today=TODAY)
    assert [e.line for e in errors] == [67, 68, 69, 70]
    assert errors[0].params == {"max": 64}


def test_row_checks() -> None:
    rows = [
        row(2, HEAD, name=""),
        row(3, STAFF1, HEAD, name="x" * 201),
        row(4, STAFF2, HEAD, opd_code=""),
        row(5, HR, HEAD, opd_code="DIN KES"),
        row(6, SEK, HEAD, opd_name="Dinas Kesehatan Kota"),
        row(7, ADMIN, HEAD, roles=frozenset({"pegawai", "boss"}), language="jv"),
    ]
    assert messages(validate_roster(rows, {}, today=TODAY)) == [
        (2, "The name (nama) is empty."),
        (3, "nama is longer than 200 characters."),
        (4, "The OPD code (opd_kode) is empty."),
        (5, "OPD code DIN KES may only hold letters, digits, '_' and '-' (at most 32)."),
        (6, "OPD DINKES is named “Dinas Kesehatan Kota” here but “Dinas Kesehatan” on line 2."),
        (7, "Unknown role(s) boss in peran: use pegawai, hr or admin."),
        (7, "Unknown language jv in bahasa: use id or en, or leave it empty."),
    ]


def test_validation_reports_progress() -> None:
    nips = [nip_for(i % 999 + 1, birth=f"1985{i // 999 + 1:02d}01") for i in range(1200)]
    rows = [row(i + 2, nip) for i, nip in enumerate(nips)]
    calls: list[tuple[int, int]] = []
    assert validate_roster(rows, {}, today=TODAY, progress=lambda d, t: calls.append((d, t))) == []
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_format_progress_bar() -> None:
    assert format_progress_bar(12_000, 25_000, width=10) == "[####......] 12,000/25,000"
    assert format_progress_bar(0, 0, width=4) == "[####] 0/0"
    assert format_progress_bar(5, 5) == "[" + "#" * 30 + "] 5/5"


def test_birth_dates_in_the_future_use_the_given_today() -> None:
    future = "20300101" + "2050011001"
    errors = validate_roster([row(2, future)], {}, today=date(2026, 1, 1))
    assert [e.message for e in errors] == ["The birth date in the NIP is not plausible."]
