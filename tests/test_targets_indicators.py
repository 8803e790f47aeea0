"""An RHK with several IKIs: reports per IKI, the leader's assessment, the roll-up on screens."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.i18n import I18n
from bot.services import access, reports
from bot.services.progress import load_summary
from bot.services.reports.drafts import ReportDraft
from bot.services.reports.values import IkiValue
from bot.services.targets import achievement
from bot.services.targets.achievement_rules import Expectation, Measure
from bot.services.targets.assessing import AssessResult, assess
from bot.services.team import MemberDetail
from handlers.progress import texts as progress_texts
from handlers.team import texts as team_texts
from models import Employee, Indicator, IndicatorAssessment, ProgressReport, ReportValue, Target
from models.db import SessionFactory
from tests.support.factories import Org
from tests.test_reports_rules import NOW, PERIOD, save, setup

TODAY = date(2026, 11, 27)


async def rhk_with_three_ikis(
    sessions: SessionFactory, org: Org
) -> tuple[Target, list[Indicator]]:
    """Documents (cumulative, 10), delivered by 30 Nov (deadline), tidy work (qualitative)."""
    async with sessions() as session:
        target = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period=PERIOD,
            title="Arsip tertib",
            indicator="Dokumen diarsipkan",
            target_amount=Decimal(10),
            unit="dokumen",
            status="approved",
        )
        session.add(target)
        await session.flush()
        assert target.id is not None
        rows = [
            Indicator(
                target_id=target.id,
                position=0,
                text="Dokumen diarsipkan",
                target_amount=Decimal(10),
                unit="dokumen",
            ),
            Indicator(
                target_id=target.id,
                position=1,
                aspect="waktu",
                measure="deadline",
                text="Selesai tepat waktu",
                due_on=date(2026, 11, 30),
            ),
            Indicator(
                target_id=target.id,
                position=2,
                aspect="kualitas",
                measure="qualitative",
                text="Rapi",
                expectation="Mudah ditemukan",
            ),
        ]
        session.add_all(rows)
        await session.commit()
    return target, rows


async def test_a_report_gives_a_value_per_iki_and_the_rhk_rolls_up_with_the_cap(
    sessions: SessionFactory,
) -> None:
    org, _number, _words = await setup(sessions)
    assert org.staff.id is not None
    target, (docs, due, tidy) = await rhk_with_three_ikis(sessions, org)
    assert target.id and docs.id and due.id and tidy.id
    draft = ReportDraft(
        target.id,
        values=[
            IkiValue(docs.id, amount=Decimal(15)),
            IkiValue(due.id, done_on=date(2026, 11, 26)),
            IkiValue(tidy.id, note="Semua map berlabel"),
        ],
    )
    saved = await save(sessions, org.staff.id, draft)
    assert saved.result is reports.SaveResult.SAVED
    assert saved.report is not None
    assert saved.report.amount == Decimal(15)  # the first IKI's value, mirrored
    async with sessions() as session:
        stored = (await session.exec(select(ReportValue).order_by(col(ReportValue.id)))).all()
        assert [(v.indicator_id, v.amount, v.done_on, v.note) for v in stored] == [
            (docs.id, Decimal(15), None, ""),
            (due.id, None, date(2026, 11, 26), ""),
            (tidy.id, None, None, "Semua map berlabel"),
        ]
    summary = await load_summary(sessions, org.staff.id, TODAY)
    [line] = [li for li in summary.lines if li.target_id == target.id]
    assert line.rhk is not None
    [d, w, q] = line.rhk.ikis
    assert d.result.percent == Decimal(150)  # shown as measured
    assert w.result.percent == Decimal(100)
    assert q.result.percent is None and q.result.not_counted is not None  # not assessed yet
    # 150 % counts as 100 % in the roll-up, and the screen is told so.
    assert line.rhk.result.percent == Decimal(100)
    assert line.rhk.capped
    assert line.ratio == 1.0
    # The semester: utama RHKs together (this one and the single-IKI ones, none reported yet).
    semester = summary.semester
    assert semester.counted_utama == 2  # the qualitative one without an assessment is left out
    assert semester.utama == Decimal(50)
    assert semester.capped


async def test_the_leader_assesses_a_qualitative_iki_once(sessions: SessionFactory) -> None:
    org, _number, _words = await setup(sessions)
    target, (docs, _due, tidy) = await rhk_with_three_ikis(sessions, org)
    assert tidy.id and docs.id
    async with sessions() as session:
        leader = await access.speaker_for(session, org.leader)
        staff2 = await access.speaker_for(session, org.staff2)
    from bot.services.evaluation.summary import fingerprint

    async with sessions() as session:
        before = await fingerprint(session, org.staff.id or 0, PERIOD)
    first = await assess(sessions, leader, tidy.id, Expectation.ABOVE, now=NOW, note="Rapi")
    async with sessions() as session:
        # An open evaluation screen built before the assessment is now stale.
        assert await fingerprint(session, org.staff.id or 0, PERIOD) != before
    again = await assess(sessions, leader, tidy.id, Expectation.ABOVE, now=NOW, note="Rapi")
    assert (first.result, again.result) == (AssessResult.SAVED, AssessResult.UNCHANGED)
    assert (await assess(sessions, staff2, tidy.id, Expectation.BELOW, now=NOW)).result is (
        AssessResult.FORBIDDEN
    )
    assert (await assess(sessions, leader, docs.id, Expectation.MEETS, now=NOW)).result is (
        AssessResult.NOT_QUALITATIVE
    )
    later = NOW + timedelta(days=1)
    changed = await assess(sessions, leader, tidy.id, Expectation.MEETS, now=later)
    assert changed.result is AssessResult.SAVED
    async with sessions() as session:
        rows = (await session.exec(select(IndicatorAssessment))).all()
        assert [r.expectation for r in rows] == ["above", "meets"]
        progress = await achievement.rhk_progress(session, [target], TODAY)
    [_d, _w, q] = progress[target.id or 0].ikis
    assert q.assessment is Expectation.MEETS
    assert q.result.percent == Decimal(100)


async def test_a_plain_report_on_a_single_iki_target_counts_as_before(
    sessions: SessionFactory,
) -> None:
    """/lapor's amount goes to the one IKI (its row is written when missing); a correction too."""
    org, number, words = await setup(sessions)
    assert org.staff.id is not None
    saved = await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(3)))
    told = await save(
        sessions, org.staff.id, ReportDraft(words.id or 0, qualitative=True, note="Rapat tim")
    )
    assert told.result is reports.SaveResult.SAVED
    assert saved.report is not None
    fixed = await reports.correct_report(
        sessions,
        employee_id=org.staff.id,
        report_id=saved.report.id or 0,
        now=NOW + timedelta(hours=1),
        amount=Decimal(4),
    )
    assert fixed.result is reports.ChangeResult.OK
    async with sessions() as session:
        rows = (await session.exec(select(Indicator).order_by(col(Indicator.id)))).all()
        assert [(r.target_id, r.measure, r.aspect) for r in rows] == [
            (number.id, Measure.CUMULATIVE.value, "kuantitas"),
            (words.id, Measure.QUALITATIVE.value, "kualitas"),
        ]
        values = (await session.exec(select(ReportValue).order_by(col(ReportValue.id)))).all()
        assert [(v.amount, v.note) for v in values] == [(Decimal(4), ""), (None, "Rapat tim")]
        target = await session.get(Target, number.id)
        assert target is not None
        progress = await achievement.rhk_progress(session, [target], TODAY)
        sums = await achievement.achieved_by_target(session, [number.id or 0])
        report = await session.get(ProgressReport, saved.report.id)
    assert progress[number.id or 0].ratio == 0.1  # 4 of 40, as before
    assert sums[number.id or 0] == Decimal(4)
    assert report is not None and report.amount == Decimal(4)


async def test_a_value_for_another_targets_iki_or_without_a_number_is_refused(
    sessions: SessionFactory,
) -> None:
    org, number, _words = await setup(sessions)
    assert org.staff.id is not None
    target, (docs, due, _tidy) = await rhk_with_three_ikis(sessions, org)
    assert docs.id and due.id
    foreign = ReportDraft(number.id or 0, values=[IkiValue(docs.id, amount=Decimal(1))])
    empty = ReportDraft(target.id or 0, values=[IkiValue(due.id)])
    for draft in (foreign, empty):
        assert (await save(sessions, org.staff.id, draft)).result is (
            reports.SaveResult.INCOMPLETE
        )


async def test_the_skp_export_lists_rhk_aspek_iki_target_and_realisation(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    import csv

    from bot.services.exports import SKP_HEADER, export_skp

    org, number, _words = await setup(sessions)
    assert org.staff.id is not None
    target, (docs, due, tidy) = await rhk_with_three_ikis(sessions, org)
    assert target.id and docs.id and due.id and tidy.id
    draft = ReportDraft(
        target.id,
        values=[IkiValue(docs.id, amount=Decimal(4)), IkiValue(due.id, done_on=date(2026, 12, 2))],
    )
    assert (await save(sessions, org.staff.id, draft)).result is reports.SaveResult.SAVED
    async with sessions() as session:
        leader = await access.speaker_for(session, org.leader)
    await assess(sessions, leader, tidy.id, Expectation.ABOVE, now=NOW)
    out = tmp_path / "skp.csv"
    written = await export_skp(
        sessions, period=PERIOD, opd_code="DINKES", out=out, today=date(2026, 12, 31)
    )
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == list(SKP_HEADER)
    mine = [r[4:] for r in table[1:] if r[3] == "Arsip tertib"]
    assert written == len(table) - 1
    assert mine == [
        ["Utama", "Kuantitas", "Dokumen diarsipkan", "10.0", "dokumen", "4.0", "40.0", "63.3"],
        [
            "Utama",
            "Waktu",
            "Selesai tepat waktu",
            "2026-11-30",
            "tanggal",
            "Terlambat",
            "50.0",
            "63.3",
        ],
        [
            "Utama",
            "Kualitas",
            "Rapi",
            "Mudah ditemukan",
            "",
            "Di atas ekspektasi",
            "110.0",
            "63.3",
        ],
    ]
    # The single-IKI target is one row, as it always was one target.
    assert [r[6] for r in table[1:] if r[3] == number.title] == [""]


async def test_city_statistics_roll_up_cumulative_ikis_with_the_cap(
    sessions: SessionFactory,
) -> None:
    """Stats: an RHK's cumulative IKIs each count up to 100 %; a target without rows as before."""
    from bot.services.periods import parse_period
    from bot.services.stats import achievement_by_employee

    org, number, _words = await setup(sessions)
    assert org.staff.id is not None and org.staff2.id is not None
    target, (docs, _due, _tidy) = await rhk_with_three_ikis(sessions, org)
    assert target.id and docs.id
    async with sessions() as session:
        more = Indicator(
            target_id=target.id, position=3, text="Map", target_amount=Decimal(4), unit="map"
        )
        session.add(more)
        session.add(
            Target(
                employee_id=org.staff2.id,
                period=PERIOD,
                title="Surat",
                target_amount=Decimal(8),
                unit="surat",
                status="approved",
            )
        )
        await session.commit()
        assert more.id is not None
    values = [IkiValue(docs.id, amount=Decimal(15)), IkiValue(more.id, amount=Decimal(1))]
    assert (await save(sessions, org.staff.id, ReportDraft(target.id, values=values))).result is (
        reports.SaveResult.SAVED
    )
    await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(10)))
    async with sessions() as session:
        staff2_target = (
            await session.exec(select(Target).where(Target.employee_id == org.staff2.id))
        ).one()
        session.add(
            ProgressReport(
                target_id=staff2_target.id or 0, employee_id=org.staff2.id, amount=Decimal(2)
            )
        )
        await session.commit()
        means = await achievement_by_employee(session, None, parse_period(PERIOD))
    # Arsip: docs 150 % -> 100 %, map 25 %: 62.5 %; Laporan: 10 of 40 = 25 %. Mean 43.75 %.
    assert means[org.staff.id] == 0.4375
    assert means[org.staff2.id] == 0.25  # no indicator rows: its own amount and reports
    # The leader's newest assessment of the qualitative IKI counts too (below: 50 %).
    assert _tidy.id is not None and org.leader.id is not None
    async with sessions() as session:
        for expectation in ("above", "below"):
            session.add(
                IndicatorAssessment(
                    indicator_id=_tidy.id, assessor_id=org.leader.id, expectation=expectation
                )
            )
            await session.commit()
        means = await achievement_by_employee(session, None, parse_period(PERIOD))
    # Arsip: docs 100 %, map 25 %, tidy 50 %: 58.33 %; Laporan 25 %. Mean 41.67 %.
    assert round(means[org.staff.id], 6) == round((1 + 0.25 + 0.5) / 3 / 2 + 0.125, 6)


async def test_a_single_level_iki_shows_its_newest_value_not_a_sum(
    sessions: SessionFactory,
) -> None:
    """'Kepuasan layanan 90 %': 85 then 88 shows 88 of 90 (97.8%) on /kinerja and in /tim."""
    org, _number, _words = await setup(sessions)
    assert org.staff.id is not None
    async with sessions() as session:
        target = Target(
            employee_id=org.staff.id,
            period=PERIOD,
            title="Kepuasan layanan",
            indicator="Tingkat kepuasan",
            target_amount=Decimal(90),
            unit="%",
            status="approved",
        )
        session.add(target)
        await session.flush()
        assert target.id is not None
        level = Indicator(
            target_id=target.id,
            position=0,
            aspect="kualitas",
            measure="level",
            text="Tingkat kepuasan",
            target_amount=Decimal(90),
            unit="%",
        )
        session.add(level)
        await session.commit()
    assert target.id and level.id
    for amount, hours in [(85, 0), (88, 2)]:
        draft = ReportDraft(target.id, values=[IkiValue(level.id, amount=Decimal(amount))])
        saved = await save(sessions, org.staff.id, draft, now=NOW + timedelta(hours=hours))
        assert saved.result is reports.SaveResult.SAVED
    summary = await load_summary(sessions, org.staff.id, TODAY)
    [line] = [li for li in summary.lines if li.target_id == target.id]
    assert line.achieved == Decimal(88)
    assert line.ratio is not None and round(line.ratio, 3) == 0.978
    t = I18n("id", ZoneInfo("Asia/Jakarta")).for_language("en")
    own = progress_texts.render_summary(summary, t)
    async with sessions() as session:
        staff = await session.get(Employee, org.staff.id)
    assert staff is not None
    detail = MemberDetail(employee=staff, summary=summary, recent=[], leads=0, is_direct=True)
    for text in (own, team_texts.render_detail(detail, t)):
        assert "88 of 90" in text and "97.8%" in text
        assert "173" not in text and "Target reached" not in text
