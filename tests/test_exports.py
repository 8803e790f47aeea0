"""Exports (/ekspor and the CLI's export_evaluations): XLSX/CSV content, scope, delivery."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.i18n import I18n
from bot.services import exports
from bot.services.periods import Period
from models import Employee
from models.db import SessionFactory
from tests.support.harness import running_bot
from tests.test_stats_analytics import CITY_TG, DB, HR_TG, NOW, PERIOD, STAFF_TG, seed

STAFF_NAME = "Siti <Aminah> & Co 😀"
ENGLISH = I18n("id", ZoneInfo("Asia/Jakarta")).for_language("en")
INDONESIAN = I18n("id", ZoneInfo("Asia/Jakarta")).for_language("id")


def read_xlsx(data: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_evaluation_export_xlsx_and_csv(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    org = data.org
    scope = frozenset({org.opd.id or 0})
    xlsx = await exports.build_evaluation_export(sessions, scope, PERIOD)
    as_csv = await exports.build_evaluation_export(sessions, None, PERIOD, exports.CSV)
    assert xlsx.name == "hasil-evaluasi-2026-2-DINKES.xlsx"
    assert xlsx.rows == 4
    rows = read_xlsx(xlsx.data)
    assert tuple(rows[0]) == exports.EVALUATION_HEADER
    by_nip = {r[0]: r for r in rows[1:]}
    assert org.other_opd_staff.nip not in by_nip  # OPD scope only
    staff = by_nip[org.staff.nip]
    assert staff == [
        org.staff.nip,
        STAFF_NAME,
        "Pengelola Data",
        "Dinas Kesehatan",
        org.unit.name,
        "Sesuai ekspektasi",
        "Sesuai ekspektasi",
        "Baik",
        org.leader.nip,
        "2026-12-21",  # finalized 20:00 UTC on the 20th = the 21st in WIB
    ]
    assert by_nip[org.leader.nip][7] == "Butuh Perbaikan"
    assert by_nip[org.hr.nip][4] is None or by_nip[org.hr.nip][4] == ""

    assert as_csv.name == "hasil-evaluasi-2026-2.csv"
    parsed = read_csv(as_csv.data)
    assert tuple(parsed[0]) == exports.EVALUATION_HEADER
    assert len(parsed) == 6
    names = [r[1] for r in parsed[1:]]
    assert STAFF_NAME in names
    other = next(r for r in parsed if r[0] == org.other_opd_staff.nip)
    assert other[5:8] == ["Di bawah ekspektasi", "Di bawah ekspektasi", "Sangat Kurang"]


async def test_formula_like_names_stay_text(sessions: SessionFactory, tmp_path: Path) -> None:
    data = await seed(sessions)
    async with sessions() as session:
        staff = await session.get(Employee, data.org.staff.id)
        assert staff is not None
        staff.name = '=HYPERLINK("x")\x07'
        await session.commit()
    out = tmp_path / "e.xlsx"
    await exports.export_evaluations(sessions, period="2026-2", opd_code="dinkes", out=out)
    workbook = openpyxl.load_workbook(out)
    sheet = workbook.active
    assert sheet is not None
    values = [c.value for c in sheet["B"]]
    assert '=HYPERLINK("x")' in values  # control character dropped, kept as text
    cell = next(c for c in sheet["B"] if c.value == '=HYPERLINK("x")')
    assert cell.data_type == "s"
    out_csv = tmp_path / "e.csv"
    await exports.export_evaluations(sessions, period="2026-2", opd_code=None, out=out_csv)
    assert '\'=HYPERLINK(""x"")' in out_csv.read_text("utf-8-sig")


def test_csv_cells_a_spreadsheet_would_run_stay_text() -> None:
    cells = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "Siti", "", -5, 2.5]
    parsed = read_csv(exports.build_bytes("csv", [f"c{i}" for i in range(len(cells))], [cells]))
    assert parsed[1] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1+1", "'\r=1+1", "Siti", "", "-5", "2.5"
    ]  # fmt: skip


async def test_cli_export_errors_and_counts(sessions: SessionFactory, tmp_path: Path) -> None:
    await seed(sessions)
    out = tmp_path / "all.csv"
    assert await exports.export_evaluations(sessions, period="2026-2", opd_code=None, out=out) == 5
    assert len(read_csv(out.read_bytes())) == 6
    assert (
        await exports.export_evaluations(
            sessions, period="2026-2", opd_code="DISHUB", out=tmp_path / "d.xlsx"
        )
        == 1
    )
    assert await exports.export_evaluations(sessions, period="2025-1", opd_code=None, out=out) == 0
    with pytest.raises(ValueError, match="unknown OPD code"):
        await exports.export_evaluations(sessions, period="2026-2", opd_code="NOPE", out=out)
    with pytest.raises(ValueError, match="period"):
        await exports.export_evaluations(sessions, period="2026-3", opd_code=None, out=out)
    with pytest.raises(ValueError, match=r"\.xlsx or \.csv"):
        await exports.export_evaluations(
            sessions, period="2026-2", opd_code=None, out=tmp_path / "x.txt"
        )


async def test_compliance_export(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    org = data.org
    file = await exports.build_compliance_export(
        sessions, frozenset({org.opd.id or 0}), PERIOD, NOW, exports.CSV, t=INDONESIAN
    )
    assert file.name == "kepatuhan-laporan-2026-11-DINKES.csv"
    rows = read_csv(file.data)
    assert rows[0][:5] == ["NIP", "Nama", "OPD", "Unit kerja", "Target disetujui"]
    by_nip = {r[0]: r for r in rows[1:]}
    assert len(by_nip) == 5  # head, leader, staff, staff2, hr (active, in DINKES)
    assert by_nip[org.staff.nip] == [
        org.staff.nip,
        STAFF_NAME,
        "Dinas Kesehatan",
        org.unit.name,
        "1",
        "2",
        "2026-11-16",
        "50.0",
    ]
    assert by_nip[org.leader.nip][4:] == ["1", "0", "2026-10-20", "10.0"]
    assert by_nip[org.head.nip][4:] == ["0", "0", "", ""]


async def test_broadcast_export(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    org = data.org
    own = await exports.build_broadcast_export(
        sessions, frozenset({org.opd.id or 0}), data.broadcast_id, t=ENGLISH
    )
    everyone = await exports.build_broadcast_export(
        sessions, None, data.broadcast_id, exports.CSV, t=INDONESIAN
    )
    assert own is not None and everyone is not None
    # A broadcast that never reached the scope gives no file at all.
    assert (
        await exports.build_broadcast_export(
            sessions, frozenset({org.opd.id or 0}), data.other_broadcast_id
        )
        is None
    )
    rows = read_xlsx(own.data)
    assert rows[0] == ["NIP", "Name", "OPD", "Delivery", "Read at"]
    by_nip = {r[0]: r for r in rows[1:]}
    assert set(by_nip) == {org.staff.nip, org.staff2.nip, org.hr.nip}
    assert by_nip[org.staff.nip][3:] == ["delivered", "2026-11-16 09:00"]
    assert by_nip[org.staff2.nip][3] == "blocked the bot"
    assert by_nip[org.hr.nip][3] == "waiting"
    indonesian = read_csv(everyone.data)
    assert indonesian[0][3:] == ["Pengiriman", "Dibaca pada"]
    assert {r[3] for r in indonesian[1:]} >= {"terkirim", "memblokir bot", "menunggu"}
    assert everyone.rows == 4


def test_large_tables_are_written_whole() -> None:
    """Many rows with awkward characters survive both formats (speed is in bench/exports.py)."""
    import csv
    import io

    from openpyxl import load_workbook

    rows = [
        (
            f"1990010120200110{i % 100:02d}",
            f"Pegawai {i} <&> 😀",
            "Staf",
            "Dinas",
            "Unit",
            "Baik",
            "Baik",
            "Baik",
            "1",
            "2026-12-01",
        )
        for i in range(3_000)
    ]
    parsed = list(
        csv.reader(
            io.StringIO(
                exports.build_bytes(exports.CSV, exports.EVALUATION_HEADER, rows).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(parsed) == 3_001
    assert parsed[-1][1] == "Pegawai 2999 <&> 😀"
    sheet = load_workbook(
        io.BytesIO(exports.build_bytes(exports.XLSX, exports.EVALUATION_HEADER, rows)),
        read_only=True,
    ).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3_001
    assert values[-1][1] == "Pegawai 2999 <&> 😀"


# --- /ekspor through the real Application ---------------------------------------------------


async def test_hr_gets_the_document(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        data = await seed(bot.deps.sessions)
        org = data.org
        bot.fake.user(HR_TG, language_code="en")
        await bot.send(HR_TG, "/export")
        await bot.press_label(HR_TG, "Evaluation results")
        await bot.press_label(HR_TG, "Semester II 2026")
        doc = bot.fake.last(HR_TG)
        assert doc.kind == "document"
        call = bot.fake.calls_of("sendDocument")[-1]
        assert call["document"].filename == "hasil-evaluasi-2026-2-DINKES.xlsx"
        assert doc.file_id is not None
        rows = read_xlsx(bot.fake.files[doc.file_id].content())
        assert len(rows) == 5
        assert org.other_opd_staff.nip not in {r[0] for r in rows}
        assert "4 rows" in (doc.caption or "")
        await bot.press_label(HR_TG, "Same as CSV")  # the button under the XLSX document
        call = bot.fake.calls_of("sendDocument")[-1]
        assert call["document"].filename == "hasil-evaluasi-2026-2-DINKES.csv"
        csv_rows = read_csv(bot.fake.files[bot.fake.last(HR_TG).file_id or ""].content())
        assert [r[0] for r in csv_rows[1:]] == [r[0] for r in rows[1:]]
        await bot.press_raw(HR_TG, doc.message_id, f"ex:ec:2026:2:{org.other_opd_staff.opd_id}")
        assert "outside your HR scope" in bot.last_text(HR_TG)

        await bot.send(HR_TG, "/ekspor")
        await bot.press_label(HR_TG, "Broadcast delivery")
        menu = bot.fake.last(HR_TG)
        assert f"#{data.other_broadcast_id}" not in str(menu.buttons())
        await bot.press_label(HR_TG, f"#{data.broadcast_id}")
        assert bot.fake.calls_of("sendDocument")[-1]["document"].filename == (
            f"siaran-{data.broadcast_id}.xlsx"
        )
        documents = len(bot.fake.calls_of("sendDocument"))
        # Crafted: a broadcast that never reached DINKES, and an unknown one.
        for crafted in (f"ex:bb:{data.other_broadcast_id}", "ex:bb:99999"):
            await bot.press_raw(HR_TG, menu.message_id, crafted)
            assert "outside your HR scope" in bot.last_text(HR_TG)
        await bot.press_raw(HR_TG, menu.message_id, "ex:e:2026:9")
        assert len(bot.fake.calls_of("sendDocument")) == documents

        await bot.send(HR_TG, "/ekspor")
        await bot.press_label(HR_TG, "Reporting compliance")
        assert bot.fake.calls_of("sendDocument")[-1]["document"].filename == (
            "kepatuhan-laporan-2026-11-DINKES.xlsx"
        )

        await bot.send(HR_TG, "/ekspor")
        await bot.press_label(HR_TG, "SKP and realisation per indicator")
        assert bot.fake.calls_of("sendDocument")[-1]["document"].filename == (
            "skp-realisasi-2026-2-DINKES.xlsx"
        )


async def test_empty_and_too_big(db: DB, monkeypatch: pytest.MonkeyPatch) -> None:
    from handlers.exports import steps as handler

    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        await seed(bot.deps.sessions)
        bot.fake.user(CITY_TG, language_code="en")
        await bot.send(CITY_TG, "/ekspor")
        await bot.press_label(CITY_TG, "Evaluation results")
        await bot.press_label(CITY_TG, "Semester I 2026")
        await bot.press_label(CITY_TG, "Every OPD")
        assert "nothing to export" in bot.last_text(CITY_TG)
        monkeypatch.setattr(handler, "MAX_UPLOAD_BYTES", 100)
        await bot.send(CITY_TG, "/ekspor")
        await bot.press_label(CITY_TG, "Evaluation results")
        await bot.press_label(CITY_TG, "Semester II 2026")
        await bot.press_label(CITY_TG, "Every OPD")
        assert "kinerja-bot export" in bot.last_text(CITY_TG)
        assert not bot.fake.calls_of("sendDocument")


async def test_city_hr_chooses_one_opd_and_scoped_hr_cannot_reach_another(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        data = await seed(bot.deps.sessions)
        org = data.org
        bot.fake.user(CITY_TG, language_code="en")
        await bot.send(CITY_TG, "/ekspor")
        await bot.press_label(CITY_TG, "Evaluation results")
        await bot.press_label(CITY_TG, "Semester II 2026")
        assert "Which OPD?" in bot.last_text(CITY_TG)
        await bot.press_label(CITY_TG, org.opd.code)
        call = bot.fake.calls_of("sendDocument")[-1]
        assert call["document"].filename == f"hasil-evaluasi-2026-2-{org.opd.code}.xlsx"
        doc = bot.fake.last(CITY_TG)
        assert doc.file_id is not None
        nips = {r[0] for r in read_xlsx(bot.fake.files[doc.file_id].content())}
        assert org.other_opd_staff.nip not in nips
        assert org.staff.nip in nips

        await bot.send(CITY_TG, "/ekspor")
        await bot.press_label(CITY_TG, "Reporting compliance")
        await bot.press_label(CITY_TG, "Every OPD")
        rows = read_xlsx(bot.fake.files[bot.fake.last(CITY_TG).file_id or ""].content())
        assert org.other_opd_staff.nip in {r[0] for r in rows}

        # HR of one OPD goes straight to the file, and crafted data naming another OPD fails.
        bot.fake.user(HR_TG, language_code="en")
        await bot.send(HR_TG, "/ekspor")
        menu = bot.fake.last(HR_TG)
        documents = len(bot.fake.calls_of("sendDocument"))
        other = org.other_opd_staff.opd_id
        for crafted in (f"ex:eo:2026:2:{other}", f"ex:co:{other}"):
            await bot.press_raw(HR_TG, menu.message_id, crafted)
            assert "outside your HR scope" in bot.last_text(HR_TG)
        assert len(bot.fake.calls_of("sendDocument")) == documents


async def test_non_hr_refused(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        await seed(bot.deps.sessions)
        bot.fake.user(STAFF_TG, language_code="en")
        await bot.send(STAFF_TG, "/ekspor")
        assert "Exports are for HR officers" in bot.last_text(STAFF_TG)
        await bot.press_raw(STAFF_TG, bot.fake.last(STAFF_TG).message_id, "ex:e:2026:2")
        assert "Exports are for HR officers" in bot.last_text(STAFF_TG)
        assert not bot.fake.calls_of("sendDocument")


def test_period_helper() -> None:
    assert (
        exports.evaluation_file_name(Period(2026, 1), None, "csv") == "hasil-evaluasi-2026-1.csv"
    )
