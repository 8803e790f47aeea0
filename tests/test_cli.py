"""The command line as operators use it: import errors, invites, demo data, backups."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.factories import nip

HEADER = [
    "nip",
    "nama",
    "jabatan",
    "opd_kode",
    "opd_nama",
    "unit",
    "nip_atasan",
    "peran",
    "bahasa",
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_USERNAME", "BOT_DEFAULT_LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'k.db'}")
    monkeypatch.setenv("BOT_USERNAME", "kinerja_cli_bot")
    return tmp_path


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_bad_roster_prints_every_bad_row_and_imports_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = nip()
    path = write(
        workdir / "r.csv",
        [
            [head, "Kepala", "Kepala Dinas", "DINKES", "Dinas Kesehatan", "", "", "", ""],
            ["12345", "Salah", "Staf", "DINKES", "Dinas Kesehatan", "", head, "", ""],
            [nip(), "Tanpa Atasan", "Staf", "DINKES", "Dinas Kesehatan", "", nip(), "boss", "fr"],
        ],
    )
    assert main(["import-roster", str(path)]) == 1
    err = capsys.readouterr().err
    assert "baris 3" in err and "baris 4" in err
    assert "18 digit" in err and "peran" in err and "bahasa" in err
    db = sqlite3.connect(workdir / "k.db")
    try:
        assert db.execute("select count(*) from employee").fetchone() == (0,)
    finally:
        db.close()


def test_import_invite_and_dry_run(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head, staff = nip(), nip()
    path = write(
        workdir / "r.csv",
        [
            [head, "Kepala", "Kepala Dinas", "DINKES", "Dinas Kesehatan", "", "", "", ""],
            [staff, "Siti", "Staf", "DINKES", "Dinas Kesehatan", "Umum", head, "", "en"],
        ],
    )
    assert main(["import-roster", str(path), "--dry-run"]) == 0
    assert "Baru: 2" in capsys.readouterr().out
    assert main(["import-roster", str(path)]) == 0
    assert main(["import-roster", str(path)]) == 0
    assert "tidak berubah: 2" in capsys.readouterr().out
    assert main(["invite", "--opd", "dinkes"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    nip_, name, link = lines[0].split("\t")
    assert nip_ == head and name == "Kepala"
    assert link.startswith("https://t.me/kinerja_cli_bot?start=")
    out = workdir / "links.csv"
    assert main(["invite", "--all", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["nip"] for r in rows] == sorted([head, staff])
    assert all(r["link"].endswith(r["code"]) for r in rows)
    assert main(["invite", "--nip", "199001012015031999"]) == 1


def test_invite_csv_keeps_formula_like_names_as_text(workdir: Path) -> None:
    names = ['=HYPERLINK("http://x","klik")', "+62 Siti", "-Budi", "@Rina", "\t=1+1", "\r=1+1"]
    rows = [[nip(), name, "Staf", "DINKES", "Dinas Kesehatan", "", "", "", ""] for name in names]
    assert main(["import-roster", str(write(workdir / "r.csv", rows))]) == 0
    # Names pasted from other systems can carry a leading tab or carriage return; the roster
    # import trims them, so put them in place the way another tool writing the database would.
    with sqlite3.connect(workdir / "k.db") as connection:
        for (nip_, *_rest), name in zip(rows, names, strict=True):
            connection.execute("UPDATE employee SET name = ? WHERE nip = ?", (name, nip_))
    out = workdir / "links.csv"
    assert main(["invite", "--all", "--format", "csv", "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        written = {row["nip"]: row for row in csv.DictReader(handle)}
    for (nip_, *_rest), name in zip(rows, names, strict=True):
        assert written[nip_]["name"] == "'" + name
        assert written[nip_]["link"].startswith("https://t.me/")


def test_seed_demo_and_backup(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed-demo", "--employees", "120"]) == 0
    out = capsys.readouterr().out
    assert out.count("https://t.me/kinerja_cli_bot?start=") == 3
    assert main(["backup", "--out", str(workdir / "copy" / "k.db")]) == 0
    copy = sqlite3.connect(workdir / "copy" / "k.db")
    try:
        assert copy.execute("select count(*) from employee").fetchone() == (120,)
    finally:
        copy.close()


def test_invalid_settings_are_reported(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTBOX_RATE", "fast")
    assert main(["migrate"]) == 2
    assert "OUTBOX_RATE" in capsys.readouterr().err


def test_import_targets_through_the_cli(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head, staff = nip(), nip()
    roster = write(
        workdir / "r.csv",
        [
            [head, "Kepala", "Kepala Dinas", "DINKES", "Dinas Kesehatan", "", "", "", ""],
            [staff, "Siti", "Staf", "DINKES", "Dinas Kesehatan", "Umum", head, "", ""],
        ],
    )
    assert main(["import-roster", str(roster)]) == 0
    targets = workdir / "t.csv"
    with targets.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nip", "period", "title", "indicator", "target", "unit", "kind"])
        writer.writerow(
            [
                staff,
                "2026-2",
                "Laporan bulanan",
                "Jumlah laporan",
                "1.250",
                "dokumen",
                "kuantitatif",
            ]
        )
        writer.writerow(
            [staff, "2026-2", "Pelayanan ramah", "Survei", "Tanpa keluhan", "", "kualitatif"]
        )
    capsys.readouterr()
    assert main(["import-targets", str(targets)]) == 0
    assert "Baru: 2" in capsys.readouterr().out
    assert main(["import-targets", str(targets)]) == 0
    assert "tidak berubah: 2" in capsys.readouterr().out
    db = sqlite3.connect(workdir / "k.db")
    try:
        rows = db.execute("select target_amount, status from target order by id").fetchall()
    finally:
        db.close()
    assert rows[0] == (1250, "approved")
    bad = workdir / "bad.csv"
    bad.write_text(
        "nip,period,title,indicator,target,unit,kind\n"
        f"{staff},2026-3,X,Y,-3,dokumen,kuantitatif\n",
        encoding="utf-8",
    )
    assert main(["import-targets", str(bad)]) == 1
    assert "baris 2" in capsys.readouterr().err


def test_plan_checkins_is_idempotent(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head, staff = nip(), nip()
    roster = write(
        workdir / "r.csv",
        [
            [head, "Kepala", "Kepala Dinas", "DINKES", "Dinas Kesehatan", "", "", "", ""],
            [staff, "Siti", "Staf", "DINKES", "Dinas Kesehatan", "Umum", head, "", ""],
        ],
    )
    assert main(["import-roster", str(roster)]) == 0
    targets = workdir / "t.csv"
    targets.write_text(
        "nip,period,title,indicator,target,unit,kind\n"
        f"{staff},2026-2,Laporan,Jumlah,12,dokumen,kuantitatif\n",
        encoding="utf-8",
    )
    assert main(["import-targets", str(targets)]) == 0
    db = sqlite3.connect(workdir / "k.db")
    try:
        db.execute("update employee set telegram_user_id = 4242 where nip = ?", (staff,))
        db.commit()
    finally:
        db.close()
    capsys.readouterr()
    assert main(["plan", "checkins", "--as-of", "2026-11-27T08:00+07:00"]) == 0
    assert capsys.readouterr().out.strip() == "added 0"  # before 09:00 on Friday
    assert main(["plan", "checkins", "--as-of", "2026-11-27T09:30+07:00"]) == 0
    assert capsys.readouterr().out.strip() == "added 1"
    assert main(["plan", "checkins", "--as-of", "2026-11-27T10:00+07:00"]) == 0
    assert capsys.readouterr().out.strip() == "added 0"
    assert main(["plan", "digests", "--as-of", "2026-11-27T16:30+07:00"]) == 0
    assert capsys.readouterr().out.strip() == "added 0"
    assert main(["plan", "checkins", "--as-of", "2026-11-27T09:30"]) == 2


def test_export_evaluations_through_the_cli(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head, staff = nip(), nip()
    roster = write(
        workdir / "r.csv",
        [
            [head, "Kepala", "Kepala Dinas", "DINKES", "Dinas Kesehatan", "", "", "", ""],
            [staff, "Siti <&> 😀", "Staf", "DINKES", "Dinas Kesehatan", "Umum", head, "", ""],
        ],
    )
    assert main(["import-roster", str(roster)]) == 0
    db = sqlite3.connect(workdir / "k.db")
    try:
        ids = dict(db.execute("select nip, id from employee").fetchall())
        db.execute(
            "insert into evaluation (period, employee_id, evaluator_id, hasil_kerja,"
            " perilaku_kerja, predikat, suggested_hasil_kerja, behaviour_notes, comment, status,"
            " finalized_at, objection, version) values ('2026-2', ?, ?, 'sesuai', 'di_atas',"
            " 'baik', '', '{}', '', 'final', '2026-12-20 03:00:00', '', 1)",
            (ids[staff], ids[head]),
        )
        db.commit()
    finally:
        db.close()
    capsys.readouterr()
    out = workdir / "hasil.csv"
    assert main(["export", "--period", "2026-2", "--opd", "dinkes", "--out", str(out)]) == 0
    assert "1 hasil penilaian Semester II 2026 ditulis" in capsys.readouterr().out
    lines = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0][:3] == ["NIP", "Nama", "Jabatan"]
    assert lines[1][0] == staff
    assert lines[1][1] == "Siti <&> 😀"
    capsys.readouterr()
    assert main(["export", "--period", "2026-3", "--out", str(out)]) == 2
    assert "2026-2" in capsys.readouterr().err  # the message shows the right form
    assert main(["export", "--period", "2026-2", "--out", str(workdir / "hasil.txt")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert main(["export", "--period", "2026-2", "--opd", "NOPE", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "NOPE" in error
    assert "OPD" in error
    assert "unknown" not in error  # Indonesian (BOT_DEFAULT_LANGUAGE), not the service's text
