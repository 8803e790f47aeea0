"""The synthetic Medan organisation: valid, deterministic, importable, and demo-ready."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.demo_org import (
    generate_roster,
    pick_demo_people,
    write_roster_csv,
    write_roster_xlsx,
)
from bot.services.nip import parse_nip
from bot.services.roster import ROSTER_COLUMNS, import_roster, read_roster, validate_roster
from models.db import SessionFactory

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(scope="module")
def city() -> list[dict[str, str]]:
    """A full-size city (every OPD) shared by the read-only tests."""
    return generate_roster(25_000)


def roles(row: dict[str, str]) -> set[str]:
    return set(row["peran"].split(";"))


def test_deterministic_for_a_seed() -> None:
    assert generate_roster(300, seed=7) == generate_roster(300, seed=7)
    assert generate_roster(300, seed=7) != generate_roster(300, seed=8)


def test_default_demo_has_the_named_opds() -> None:
    rows = generate_roster()
    assert len(rows) == 300
    assert set(rows[0]) == set(ROSTER_COLUMNS)
    names = {r["opd_kode"]: r["opd_nama"] for r in rows}
    assert names == {
        "SETDA": "Sekretariat Daerah",
        "DISDIKBUD": "Dinas Pendidikan dan Kebudayaan",
        "DINKES": "Dinas Kesehatan",
        "BKPSDM": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "DISKOMINFO": "Dinas Komunikasi dan Informatika",
        "KEC_AMPLAS": "Kecamatan Medan Amplas",
    }


def test_nips_are_valid_and_unique(city: list[dict[str, str]]) -> None:
    nips = [r["nip"] for r in city]
    assert len(city) == 25_000
    assert len(set(nips)) == len(nips)
    kinds = Counter(parse_nip(nip, today=NOW.date()).kind for nip in nips)
    assert kinds["pns"] > kinds["pppk"] > 0
    for nip in nips:
        info = parse_nip(nip, today=NOW.date())
        assert 1965 <= info.birth_date.year <= 2000
        assert info.appointment_year >= info.birth_date.year + 20


def test_hierarchy_is_one_tree_without_cycles(city: list[dict[str, str]], tmp_path: Path) -> None:
    write_roster_csv(city, tmp_path / "city.csv")
    rows, errors = read_roster(tmp_path / "city.csv")
    assert errors == []
    assert validate_roster(rows, {}, today=NOW.date()) == []
    heads = [r for r in city if not r["nip_atasan"]]
    assert [h["jabatan"] for h in heads] == ["Sekretaris Daerah"]


def test_realistic_shape(city: list[dict[str, str]]) -> None:
    sizes = Counter(r["opd_kode"] for r in city)
    assert len(sizes) == 53  # 32 agencies and the 21 kecamatan
    assert [code for code, _n in sizes.most_common(2)] == ["DISDIKBUD", "DINKES"]
    team = Counter(r["nip_atasan"] for r in city if r["nip_atasan"])
    assert any(30 <= n <= 40 for n in team.values())
    assert sum(1 for n in team.values() if n <= 40) > 0.9 * len(team)
    units = {r["unit"] for r in city}
    assert any(u.startswith("Seksi ") for u in units)
    assert any(u.startswith("Bidang ") for u in units)
    assert any(u.startswith("Puskesmas ") for u in units)
    assert any(u.startswith("SD Negeri ") for u in units)


def test_every_opd_has_hr_and_bkpsdm_has_city_officers(city: list[dict[str, str]]) -> None:
    for code in {r["opd_kode"] for r in city}:
        hr_desk = [
            r
            for r in city
            if r["opd_kode"] == code
            and "hr" in roles(r)
            and r["unit"] == "Subbagian Umum dan Kepegawaian"
        ]
        assert hr_desk, code
    bkpsdm = [r for r in city if r["opd_kode"] == "BKPSDM"]
    assert sum(1 for r in bkpsdm if "hr" in roles(r)) >= 3
    admins = [r for r in city if "admin" in roles(r)]
    assert len(admins) == 1
    assert admins[0]["opd_kode"] == "BKPSDM"


def test_small_rosters_and_opd_count() -> None:
    rows = generate_roster(40, opd_count=3)
    assert len(rows) == 40
    assert {r["opd_kode"] for r in rows} == {"SETDA", "DISDIKBUD", "BKPSDM"}
    with pytest.raises(ValueError, match="at least"):
        generate_roster(5)


def test_a_province_sized_roster_has_unique_nips() -> None:
    rows = generate_roster(100_000)
    assert len(rows) == 100_000
    assert len({r["nip"] for r in rows}) == 100_000


@pytest.mark.parametrize("size", [16, 300, 25_000])
def test_pick_demo_people(size: int) -> None:
    rows = generate_roster(size)
    people = pick_demo_people(rows)
    by_nip = {r["nip"]: r for r in rows}
    bosses = {r["nip_atasan"] for r in rows}
    hr, leader, employee = (by_nip[people[k]] for k in ("hr", "leader", "employee"))
    assert "hr" in roles(hr)
    assert leader["nip"] in bosses
    assert roles(leader) == {"pegawai"}
    assert roles(employee) == {"pegawai"}
    assert employee["nip"] not in bosses
    assert employee["nip_atasan"] == leader["nip"]
    assert hr["opd_kode"] == leader["opd_kode"]


def test_writers_round_trip(tmp_path: Path) -> None:
    rows = generate_roster(300)
    write_roster_csv(rows, tmp_path / "demo.csv")
    write_roster_xlsx(rows, tmp_path / "demo.xlsx")
    from_csv, csv_errors = read_roster(tmp_path / "demo.csv")
    from_xlsx, xlsx_errors = read_roster(tmp_path / "demo.xlsx")
    assert csv_errors == xlsx_errors == []
    assert from_csv == from_xlsx
    assert [r.nip for r in from_csv] == [r["nip"] for r in rows]
    assert from_csv[0].line == 2


async def test_demo_imports_cleanly(sessions: SessionFactory, tmp_path: Path) -> None:
    rows = generate_roster(300)
    path = tmp_path / "demo.csv"
    write_roster_csv(rows, path)

    first = await import_roster(sessions, path, dry_run=False, now=NOW)
    again = await import_roster(sessions, path, dry_run=False, now=NOW)

    assert first.errors == []
    assert (first.created, first.opds_created) == (300, 6)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 300)
