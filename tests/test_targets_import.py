"""import-targets: CSV/XLSX, all or nothing with line numbers, idempotent, dry run."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import col, select

from bot.services.targets.importing import import_targets
from models import AuditLog, Target
from models.db import SessionFactory
from tests.support.factories import Org, make_org

NOW = datetime(2026, 7, 10, 3, 0, tzinfo=UTC)
HEADER = "nip,period,title,indicator,target,unit,kind,jenis,kualitas"


async def setup(sessions: SessionFactory) -> Org:
    async with sessions() as session:
        return await make_org(session)


async def stored(sessions: SessionFactory) -> list[Target]:
    async with sessions() as session:
        return list((await session.exec(select(Target).order_by(col(Target.id)))).all())


def write_csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_csv(tmp_path: Path, org: Org, indicator: str = "Jumlah dokumen") -> Path:
    return write_csv(
        tmp_path / "targets.csv",
        HEADER,
        f"{org.staff.nip},2026-2,Laporan bulanan,{indicator},12,dokumen,kuantitatif,,",
        f'{org.staff.nip},2026-2,Rekap data,Data lengkap,"12,5",%,quantitative,tambahan,Rapi',
        f"{org.staff2.nip},2026-2,Surat keluar,Surat terkirim,1.250,surat,kuantitatif,utama,",
        f'{org.staff2.nip},2026-2,Layanan ramah,Kepuasan,"Semua pemohon dilayani sopan",,'
        "qualitative,,",
    )


async def test_csv_import_creates_approved_targets_and_rerun_changes_nothing(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    org = await setup(sessions)
    path = good_csv(tmp_path, org)
    summary = await import_targets(sessions, path, dry_run=False, now=NOW)
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged, summary.total) == (4, 0, 0, 4)
    rows = await stored(sessions)
    assert [(t.title, t.target_amount, t.unit, t.kind, t.jenis) for t in rows] == [
        ("Laporan bulanan", Decimal(12), "dokumen", "kuantitatif", "utama"),
        ("Rekap data", Decimal("12.5"), "%", "kuantitatif", "tambahan"),
        ("Surat keluar", Decimal(1250), "surat", "kuantitatif", "utama"),
        ("Layanan ramah", None, "", "kualitatif", "utama"),
    ]
    assert rows[3].expectation == "Semua pemohon dilayani sopan"
    assert rows[1].quality_standard == "Rapi"
    assert {(t.status, t.source, t.version, t.period) for t in rows} == {
        ("approved", "import", 1, "2026-2")
    }
    assert all(t.approved_at == NOW for t in rows)

    again = await import_targets(sessions, path, dry_run=False, now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert [(t.id, t.version, t.updated_at) for t in await stored(sessions)] == [
        (t.id, t.version, t.updated_at) for t in rows
    ]

    changed = good_csv(tmp_path, org, indicator="Jumlah dokumen final")
    third = await import_targets(sessions, changed, dry_run=False, now=NOW)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    first = (await stored(sessions))[0]
    assert (first.indicator, first.version) == ("Jumlah dokumen final", 2)
    async with sessions() as session:
        audits = (
            await session.exec(select(AuditLog).where(AuditLog.action == "target_import"))
        ).all()
    assert [a.actor_label for a in audits] == ["cli:import-targets"] * 2  # not the no-op rerun


async def test_errors_are_listed_by_line_and_nothing_is_written(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    org = await setup(sessions)
    nip = org.staff.nip
    path = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        f"{nip},2026-2,Baris yang benar,Ind,12,dokumen,kuantitatif,,",  # 2: fine on its own
        "199001012015031999,2026-2,Tidak dikenal,Ind,1,dokumen,kuantitatif,,",  # 3
        f"{nip},2026-3,Periode salah,Ind,1,dokumen,kuantitatif,,",  # 4
        f"{nip},2026-2,Angka salah,Ind,abc,dokumen,kuantitatif,,",  # 5
        f"{nip},2026-2,Negatif,Ind,-3,dokumen,kuantitatif,,",  # 6
        f"{nip},2026-2,,Ind,1,dokumen,kuantitatif,,",  # 7
        f"{nip},2026-2,Baris yang benar,Ind,12,dokumen,kuantitatif,,",  # 8: duplicate
        f"{nip},2026-2,Jenis aneh,Ind,1,dokumen,campuran,,",  # 9
        f"{nip},2026-2,Tanpa satuan,Ind,1,,kuantitatif,,",  # 10
        f"{nip},2026-2,Jenis lain,Ind,1,dokumen,kuantitatif,pokok,",  # 11
        f"{nip},2026-2,Kualitatif kosong,Ind,,,kualitatif,,",  # 12
        f"{nip},2026-2,{'x' * 501},Ind,1,dokumen,kuantitatif,,",  # 13
    )
    summary = await import_targets(sessions, path, dry_run=False, now=NOW)
    by_line = {e.line: e for e in summary.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "not an active employee" in by_line[3].message
    assert by_line[4].params == {"period": "2026-3"}
    assert by_line[5].params["reason"] == "Please type a number only, for example 12 or 12,5."
    assert by_line[6].params["reason"] == "The amount cannot be negative."
    assert by_line[7].params == {"min": 3}
    assert by_line[8].params == {"other_line": 2}
    assert by_line[9].params == {"kind": "campuran"}
    assert "unit of measure" in by_line[10].message
    assert by_line[11].params == {"jenis": "pokok"}
    assert "qualitative" in by_line[12].message
    assert by_line[13].params == {"max": 500, "length": 501}
    assert (summary.created, summary.updated) == (0, 0)
    assert await stored(sessions) == []


async def test_missing_columns_and_empty_files(sessions: SessionFactory, tmp_path: Path) -> None:
    await setup(sessions)
    missing = write_csv(tmp_path / "m.csv", "nip,period,title", "1,2026-2,x")
    summary = await import_targets(sessions, missing, dry_run=False, now=NOW)
    [error] = summary.errors
    assert (error.line, error.params["columns"]) == (1, "indicator, target, unit, kind")
    empty = write_csv(tmp_path / "e.csv", "")
    assert (await import_targets(sessions, empty, dry_run=False, now=NOW)).errors
    header_only = write_csv(tmp_path / "h.csv", HEADER)
    assert (await import_targets(sessions, header_only, dry_run=False, now=NOW)).errors
    other = tmp_path / "t.pdf"
    other.write_bytes(b"%PDF")
    assert (await import_targets(sessions, other, dry_run=False, now=NOW)).errors


async def test_xlsx_numbers_are_taken_as_numbers(sessions: SessionFactory, tmp_path: Path) -> None:
    org = await setup(sessions)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["NIP", "Period", "Title", "Indicator", "Target", "Unit", "Kind"])
    sheet.append([org.staff.nip, "2026-2", "Laporan", "Ind", 12, "dokumen", "kuantitatif"])
    sheet.append([org.staff.nip, "2026-2", "Pecahan", "Ind", 1.125, "ton", "Kuantitatif"])
    sheet.append([org.staff2.nip, "2026-2", "Teks", "Ind", "1.250", "surat", "kuantitatif"])
    sheet.append([org.staff2.nip, "2026-2", "Nol", "Ind", 0, "surat", "kuantitatif"])
    path = tmp_path / "targets.xlsx"
    workbook.save(path)
    summary = await import_targets(sessions, path, dry_run=False, now=NOW)
    [error] = summary.errors
    assert (error.line, error.params["reason"]) == (5, "The amount must be more than 0.")
    sheet.delete_rows(5)
    workbook.save(path)
    summary = await import_targets(sessions, path, dry_run=False, now=NOW)
    assert summary.errors == []
    assert [t.target_amount for t in await stored(sessions)] == [
        Decimal(12),
        Decimal("1.125"),  # a spreadsheet number, not "one thousand one hundred ..."
        Decimal(1250),  # typed text, read the Indonesian way
    ]


async def test_dry_run_counts_but_writes_nothing_and_import_approves_chat_drafts(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    org = await setup(sessions)
    async with sessions() as session:
        session.add(
            Target(
                employee_id=org.staff.id or 0,
                period="2026-2",
                title="Laporan bulanan",
                indicator="Jumlah dokumen",
                target_amount=Decimal(12),
                unit="dokumen",
                status="pending",
            )
        )
        await session.commit()
    path = good_csv(tmp_path, org)
    dry = await import_targets(sessions, path, dry_run=True, now=NOW)
    assert (dry.dry_run, dry.created, dry.updated, dry.unchanged) == (True, 3, 1, 0)
    assert [t.status for t in await stored(sessions)] == ["pending"]
    real = await import_targets(sessions, path, dry_run=False, now=NOW)
    assert (real.created, real.updated) == (3, 1)
    first = (await stored(sessions))[0]
    assert (first.status, first.source, first.version) == ("approved", "import", 2)


EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples"
EXAMPLE_NIP = "198503152010011001"


async def test_rows_with_one_title_form_one_rhk_with_several_ikis(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    """The example file: aspek and jenis_indikator make IKIs; rerunning changes nothing."""
    from models import Indicator

    org = await setup(sessions)
    text = (EXAMPLE / "targets-with-indicators.csv").read_text(encoding="utf-8")
    path = tmp_path / "ikis.csv"
    path.write_text(text.replace(EXAMPLE_NIP, org.staff.nip), encoding="utf-8")
    summary = await import_targets(sessions, path, dry_run=False, now=NOW)
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged, summary.total) == (3, 0, 0, 7)
    rows = await stored(sessions)
    assert [(t.title, t.indicator, t.target_amount, t.jenis) for t in rows] == [
        ("Laporan data kesehatan bulanan", "Laporan yang diserahkan", Decimal(6), "utama"),
        (
            "Penanganan pengaduan",
            "Pengaduan yang belum ditangani di akhir bulan",
            Decimal(3),
            "utama",
        ),
        ("Panitia hari kesehatan nasional", "Kegiatan terlaksana", Decimal(1), "tambahan"),
    ]
    async with sessions() as session:
        ikis = (
            await session.exec(
                select(Indicator).order_by(col(Indicator.target_id), col(Indicator.position))
            )
        ).all()
    assert [(i.target_id, i.position, i.aspect, i.measure) for i in ikis] == [
        (rows[0].id, 0, "kuantitas", "cumulative"),
        (rows[0].id, 1, "waktu", "deadline"),
        (rows[0].id, 2, "kualitas", "level"),
        (rows[0].id, 3, "kualitas", "qualitative"),
        (rows[1].id, 0, "kuantitas", "lower"),
        (rows[1].id, 1, "waktu", "deadline"),
        (rows[2].id, 0, "kuantitas", "cumulative"),
    ]
    assert (ikis[1].periods, ikis[1].due_on) == (6, None)
    assert ikis[5].due_on is not None and ikis[5].due_on.isoformat() == "2026-12-15"
    assert ikis[3].expectation == "Pimpinan dapat memakai laporan tanpa perbaikan"

    again = await import_targets(sessions, path, dry_run=False, now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    # One IKI's target changes: that RHK is updated, its IKIs rewritten in place.
    path.write_text(
        text.replace(EXAMPLE_NIP, org.staff.nip).replace(",95,%", ",90,%"), encoding="utf-8"
    )
    third = await import_targets(sessions, path, dry_run=False, now=NOW)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    async with sessions() as session:
        level = (await session.exec(select(Indicator).where(Indicator.measure == "level"))).one()
    assert (level.id, level.target_amount) == (ikis[2].id, Decimal(90))


async def test_indicator_columns_are_checked_by_line(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    org = await setup(sessions)
    nip = org.staff.nip
    header = HEADER + ",aspek,jenis_indikator"
    path = write_csv(
        tmp_path / "bad-ikis.csv",
        header,
        f"{nip},2026-2,Arsip,Dokumen,12,dokumen,kuantitatif,,,kuantitas,",  # 2: fine
        f"{nip},2026-2,Arsip,Tepat waktu,besok,,kuantitatif,,,waktu,deadline",  # 3
        f"{nip},2026-2,Arsip,Rapi,Rapi sekali,,kuantitatif,,,kualitas,kualitatif",  # 4
        f"{nip},2026-2,Arsip,Biaya,10,rupiah,kuantitatif,,,ongkos,",  # 5
        f"{nip},2026-2,Arsip,Naik,10,%,kuantitatif,,,,naik",  # 6
        f"{nip},2026-2,Arsip,Lain,10,%,kuantitatif,tambahan,,,",  # 7: jenis differs
        f"{nip},2026-2,Arsip,Periode,2.5,bulan,kuantitatif,,,waktu,deadline",  # 8
    )
    summary = await import_targets(sessions, path, dry_run=False, now=NOW)
    by_line = {e.line: e for e in summary.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8]
    assert "number" in by_line[3].params["reason"]
    assert by_line[4].params == {"value": "kualitatif", "kind": "kuantitatif"}
    assert by_line[5].params == {"value": "ongkos"}
    assert by_line[6].params == {"value": "naik"}
    assert by_line[7].params == {"other_line": 2}
    assert "whole number" in by_line[8].params["reason"]
    assert await stored(sessions) == []
