"""Report rules without Telegram: checks, the atomic save, 24-hour changes, notices, digests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import col, func, select

from bot.config import Settings
from bot.i18n import I18n
from bot.services import access, reports
from bot.services.numbers import AmountError
from bot.services.reports import ChangeResult, SaveResult
from bot.services.reports import drafts as report_drafts
from bot.services.reports import planners as report_planners
from bot.services.reports.drafts import DraftError, Evidence, ReportDraft
from bot.services.targets import achievement
from models import AuditLog, Employee, OutboxMessage, ProgressReport, ReportEvidence, Target
from models.db import SessionFactory
from tests.support import harness
from tests.support.factories import Org, make_org

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
PERIOD = "2026-2"
MB = 1024 * 1024


def settings() -> Settings:
    return harness.test_settings("sqlite+aiosqlite://")


def i18n() -> I18n:
    return I18n("id", settings().tz)


def photo(n: int, size: int = 50_000) -> Evidence:
    return Evidence("photo", f"AgAC-photo-{n}", f"uniq-{n}", "", "image/jpeg", size)


def pdf(n: int, size: int = 100_000) -> Evidence:
    return Evidence(
        "document", f"BQAC-doc-{n}", f"uniq-doc-{n}", "bukti.pdf", "application/pdf", size
    )


async def setup(
    sessions: SessionFactory, *, leader_mode: str = "instant", leader_lang: str | None = "en"
) -> tuple[Org, Target, Target]:
    """The standard org, leader linked; staff has a quantitative and a qualitative target."""
    async with sessions() as session:
        org = await make_org(session)
        leader = await session.get(Employee, org.leader.id)
        assert leader is not None
        leader.telegram_user_id = 5001
        leader.notice_mode = leader_mode
        leader.language = leader_lang
        session.add(leader)
        number = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period=PERIOD,
            title="Laporan <bulanan> & rekap",
            target_amount=Decimal(40),
            unit="dokumen",
            status="approved",
        )
        words = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period=PERIOD,
            title="Pembinaan tim",
            kind="kualitatif",
            status="approved",
        )
        session.add_all([number, words])
        await session.commit()
        org.leader = leader
    return org, number, words


async def save(
    sessions: SessionFactory, employee_id: int, draft: ReportDraft, now: datetime = NOW
) -> reports.SaveOutcome:
    return await reports.submit_report(
        sessions, i18n(), employee_id=employee_id, draft=draft, period=PERIOD, now=now
    )


async def count(sessions: SessionFactory, model: type) -> int:
    async with sessions() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


# --- checks ---


def test_amounts_are_read_the_indonesian_way() -> None:
    assert report_drafts.parse_report_amount("2,5") == Decimal("2.5")
    assert report_drafts.parse_report_amount("1.250") == Decimal(1250)
    assert report_drafts.parse_report_amount("2.5") == Decimal("2.5")
    for bad in ["-3", "0", "1e9", "abc", "", "   ", "2000000000", "1,23456"]:
        with pytest.raises(AmountError):
            report_drafts.parse_report_amount(bad)


def test_note_and_narrative_limits_are_stated() -> None:
    assert report_drafts.check_note("  rapi <ok> & 😀 ") == "rapi <ok> & 😀"
    with pytest.raises(DraftError) as too_long:
        report_drafts.check_note("x" * 5000)
    assert too_long.value.params == {"length": 5000, "limit": 1000}
    with pytest.raises(DraftError):
        report_drafts.check_note("   ")
    assert report_drafts.check_narrative("y" * 2000)
    with pytest.raises(DraftError) as narrative:
        report_drafts.check_narrative("y" * 2001)
    assert narrative.value.params["limit"] == 2000


def test_evidence_rules() -> None:
    draft = ReportDraft(target_id=1)
    limit = 20 * MB
    assert report_drafts.add_evidence(draft, photo(1), max_bytes=limit)
    assert not report_drafts.add_evidence(draft, photo(1), max_bytes=limit)  # same file twice
    with pytest.raises(DraftError) as big:
        report_drafts.add_evidence(draft, pdf(2, size=30 * MB), max_bytes=limit)
    assert big.value.params == {"size": 30.0, "limit": 20.0}
    exe = Evidence("document", "f", "u-exe", "virus.exe", "application/x-msdownload", 10)
    with pytest.raises(DraftError):
        report_drafts.add_evidence(draft, exe, max_bytes=limit)
    # Accepted by extension even when the phone sends a generic MIME type (or none).
    assert report_drafts.add_evidence(
        draft,
        Evidence("document", "f2", "u-x", "rekap.XLSX", "application/octet-stream", 10),
        max_bytes=limit,
    )
    assert report_drafts.add_evidence(
        draft, Evidence("document", "f3", "u-z", "bukti.zip", "", 10), max_bytes=limit
    )
    assert report_drafts.add_evidence(
        draft,
        Evidence("document", "f4", "u-p", "surat.pdf", "application/pdf; charset=binary", 10),
        max_bytes=limit,
    )
    # An allowed extension is required, and a declared type must agree with it.
    for name, declared in [
        ("x.exe", "application/pdf"),
        ("", "application/zip"),
        ("laporan.pdf", "application/x-msdownload"),
        ("foto.png", "application/pdf"),
    ]:
        with pytest.raises(DraftError) as refused:
            report_drafts.add_evidence(
                draft, Evidence("document", "f5", "u-bad", name, declared, 10), max_bytes=limit
            )
        assert refused.value.params["types"] == report_drafts.ALLOWED_TYPES_LABEL
    with pytest.raises(DraftError):
        report_drafts.add_evidence(draft, Evidence("sticker", "s", "u-s"), max_bytes=limit)
    for n in range(10, 20):
        if len(draft.evidence) < report_drafts.MAX_EVIDENCE_FILES:
            report_drafts.add_evidence(draft, photo(n), max_bytes=limit)
    with pytest.raises(DraftError) as full:
        report_drafts.add_evidence(draft, photo(99), max_bytes=limit)
    assert full.value.params == {"limit": 10}


def test_draft_survives_json() -> None:
    draft = ReportDraft(target_id=7, amount=Decimal("2.5"), note="ok", evidence=[photo(1)])
    again = ReportDraft.from_data(json.loads(json.dumps(draft.to_data())))
    assert again == draft
    assert ReportDraft.from_data({"target_id": "x"}) is None
    assert ReportDraft.from_data(None) is None


# --- saving ---


async def test_save_is_atomic_with_evidence(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    draft = ReportDraft(
        target_id=number.id or 0,
        target_version=number.version,
        amount=Decimal("2.5"),
        note="Sudah diperiksa",
        evidence=[photo(1), pdf(2)],
    )
    outcome = await save(sessions, org.staff.id, draft)
    assert outcome.result is SaveResult.SAVED
    assert outcome.progress is not None
    assert outcome.progress.achieved == Decimal("2.5")
    async with sessions() as session:
        report = (await session.exec(select(ProgressReport))).one()
        files = (await session.exec(select(ReportEvidence))).all()
    assert report.amount == Decimal("2.5")
    assert report.created_at == NOW
    assert sorted(f.kind for f in files) == ["document", "photo"]
    assert {f.report_id for f in files} == {report.id}

    # A failing evidence row takes the report down with it: nothing half-saved.
    broken = ReportDraft(
        target_id=number.id or 0,
        amount=Decimal(1),
        evidence=[photo(3), Evidence("photo", None, "u-broken")],  # type: ignore[arg-type]
    )
    with pytest.raises((IntegrityError, DBAPIError)):
        await save(sessions, org.staff.id, broken)
    assert await count(sessions, ProgressReport) == 1
    assert await count(sessions, ReportEvidence) == 2


async def test_save_refused_for_targets_that_cannot_take_reports(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    assert org.staff2.id is not None
    draft = ReportDraft(target_id=number.id or 0, target_version=1, amount=Decimal(3))
    # Someone else's target.
    refused = await save(sessions, org.staff2.id, draft)
    assert refused.result is SaveResult.TARGET_UNAVAILABLE
    # Edited after the draft started (version bumped), still approved.
    async with sessions() as session:
        target = await session.get(Target, number.id)
        assert target is not None
        target.version = 2
        session.add(target)
        await session.commit()
    assert (await save(sessions, org.staff.id, draft)).result is SaveResult.TARGET_CHANGED
    # Returned for revision.
    async with sessions() as session:
        target = await session.get(Target, number.id)
        assert target is not None
        target.status = "returned"
        session.add(target)
        await session.commit()
    draft.target_version = 2
    assert (await save(sessions, org.staff.id, draft)).result is SaveResult.TARGET_UNAVAILABLE
    # An approved target of another semester.
    async with sessions() as session:
        old = Target(
            employee_id=org.staff.id,
            period="2026-1",
            title="Lama",
            target_amount=Decimal(5),
            unit="x",
            status="approved",
        )
        session.add(old)
        await session.commit()
    stale = ReportDraft(target_id=old.id or 0, amount=Decimal(1))
    assert (await save(sessions, org.staff.id, stale)).result is SaveResult.TARGET_UNAVAILABLE
    assert await count(sessions, ProgressReport) == 0
    assert await count(sessions, OutboxMessage) == 0


async def test_far_above_the_target_needs_confirmation(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    draft = ReportDraft(target_id=number.id or 0, amount=Decimal(81))  # 81 > 2 x 40
    assert (await save(sessions, org.staff.id, draft)).result is SaveResult.NEEDS_CONFIRMATION
    assert await count(sessions, ProgressReport) == 0
    draft.confirmed_large = True
    assert (await save(sessions, org.staff.id, draft)).result is SaveResult.SAVED
    assert not achievement.is_far_above(number, Decimal(0), Decimal(80))


async def test_qualitative_target_takes_a_narrative(sessions: SessionFactory) -> None:
    org, _, words = await setup(sessions)
    assert org.staff.id is not None
    empty = ReportDraft(target_id=words.id or 0, qualitative=True)
    assert (await save(sessions, org.staff.id, empty)).result is SaveResult.INCOMPLETE
    story = ReportDraft(target_id=words.id or 0, qualitative=True, note="Rapat koordinasi")
    outcome = await save(sessions, org.staff.id, story)
    assert outcome.result is SaveResult.SAVED
    assert outcome.report is not None
    assert outcome.report.amount is None
    assert outcome.report.note == "Rapat koordinasi"


# --- corrections and withdrawals ---


async def test_correct_and_withdraw_within_24_hours_are_audited(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    assert org.staff2.id is not None
    saved = await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(3)))
    assert saved.report is not None
    report_id = saved.report.id or 0
    later = NOW + timedelta(hours=23)
    async with sessions() as session:
        other = await reports.correct_report(
            sessions, employee_id=org.staff2.id, report_id=report_id, now=later, amount=Decimal(1)
        )
        assert other.result is ChangeResult.NOT_FOUND
        fixed = await reports.correct_report(
            sessions, employee_id=org.staff.id, report_id=report_id, now=later, amount=Decimal(4)
        )
        assert fixed.result is ChangeResult.OK
        assert fixed.progress is not None
        assert fixed.progress.achieved == Decimal(4)
        await session.commit()
    async with sessions() as session:
        row = await session.get(ProgressReport, report_id)
        assert row is not None
        assert row.amount == Decimal(4)
        assert row.corrections == 1
        log = (await session.exec(select(AuditLog))).one()
        details = json.loads(log.details)
        assert log.action == "report.correct"
        assert log.actor_employee_id == org.staff.id
        assert Decimal(details["before"]["amount"]) == 3
        assert Decimal(details["after"]["amount"]) == 4
        too_late = await reports.withdraw_report(
            sessions, employee_id=org.staff.id, report_id=report_id, now=NOW + timedelta(hours=24)
        )
        assert too_late.result is ChangeResult.TOO_LATE
        gone = await reports.withdraw_report(
            sessions, employee_id=org.staff.id, report_id=report_id, now=later
        )
        assert gone.result is ChangeResult.OK
        await session.commit()
    async with sessions() as session:
        sums = await achievement.achieved_by_target(session, [number.id or 0])
        assert sums[number.id or 0] == 0
        actions = (await session.exec(select(AuditLog.action).order_by(col(AuditLog.id)))).all()
        assert list(actions) == ["report.correct", "report.withdraw"]
        again = await reports.withdraw_report(
            sessions, employee_id=org.staff.id, report_id=report_id, now=later
        )
        assert again.result is ChangeResult.WITHDRAWN


async def test_correction_far_above_needs_confirmation(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    saved = await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(30)))
    assert saved.report is not None
    ask = await reports.correct_report(
        sessions,
        employee_id=org.staff.id,
        report_id=saved.report.id or 0,
        now=NOW,
        amount=Decimal(90),
    )
    assert ask.result is ChangeResult.NEEDS_CONFIRMATION
    ok = await reports.correct_report(
        sessions,
        employee_id=org.staff.id,
        report_id=saved.report.id or 0,
        now=NOW,
        amount=Decimal(90),
        confirmed=True,
    )
    assert ok.result is ChangeResult.OK


# --- leader notices ---


async def test_instant_notice_is_escaped_and_has_buttons(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    draft = ReportDraft(
        number.id or 0,
        amount=Decimal("2.5"),
        note="Rapi & <b>tuntas</b> 😀",
        evidence=[photo(1), pdf(2)],
    )
    outcome = await save(sessions, org.staff.id, draft)
    assert outcome.report is not None
    async with sessions() as session:
        row = (await session.exec(select(OutboxMessage))).one()
    assert row.dedupe_key == f"report:{outcome.report.id}:notice"
    assert row.priority == 10
    assert row.chat_id == 5001
    params = json.loads(row.payload)["params"]
    text = params["text"]
    assert "Siti &lt;Aminah&gt; &amp; Co 😀" in text
    assert "Laporan &lt;bulanan&gt; &amp; rekap" in text
    assert "Rapi &amp; &lt;b&gt;tuntas&lt;/b&gt; 😀" in text
    assert "+2.5 dokumen, now 2.5 of 40 dokumen (6.2%)" in text  # English: the leader's choice
    assert "Evidence files: 2" in text
    buttons = [b for r in params["reply_markup"]["inline_keyboard"] for b in r]
    assert buttons[0] == {
        "text": "Give feedback",
        "callback_data": f"fb:report:{outcome.report.id}",
    }
    assert buttons[1]["callback_data"] == f"rp:ev:{outcome.report.id}"


async def test_notice_in_indonesian_for_an_indonesian_leader(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions, leader_lang="id")
    assert org.staff.id is not None
    await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(4)))
    async with sessions() as session:
        row = (await session.exec(select(OutboxMessage))).one()
    text = json.loads(row.payload)["params"]["text"]
    assert "Laporan kemajuan baru dari" in text
    assert "kini 4 dari 40 dokumen (10%)" in text
    assert "Beri umpan balik" in row.payload


@pytest.mark.parametrize("mode", ["digest", "off"])
async def test_no_instant_notice_in_digest_or_off_mode(
    sessions: SessionFactory, mode: str
) -> None:
    org, number, _ = await setup(sessions, leader_mode=mode)
    assert org.staff.id is not None
    await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(4)))
    assert await count(sessions, OutboxMessage) == 0


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in November 2026, given in WIB."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))


async def test_digests_on_working_days_after_digest_time_and_idempotent(
    sessions: SessionFactory,
) -> None:
    org, number, words = await setup(sessions, leader_mode="digest")
    assert org.staff.id is not None
    assert org.staff2.id is not None
    await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(4)))
    await save(
        sessions,
        org.staff.id,
        ReportDraft(words.id or 0, qualitative=True, note="Bimbingan <tim>"),
    )
    plan = report_planners.plan_report_digests
    assert await plan(sessions, i18n(), settings(), wib(27, 15, 59)) == 0  # Friday, before 16:00
    assert await plan(sessions, i18n(), settings(), wib(28, 17)) == 0  # Saturday
    assert await plan(sessions, i18n(), settings(), wib(27, 16)) == 1
    assert await plan(sessions, i18n(), settings(), wib(27, 16)) == 0  # twice: nothing new
    assert await plan(sessions, i18n(), settings(), wib(27, 18)) == 0  # later the same day
    async with sessions() as session:
        row = (await session.exec(select(OutboxMessage))).one()
    assert row.dedupe_key == f"digest:{org.leader.id}:2026-11-27"
    assert row.chat_id == 5001
    text = json.loads(row.payload)["params"]["text"]
    assert "New reports since your last summary: 2" in text
    assert "Siti &lt;Aminah&gt; &amp; Co 😀" in text
    assert "Bimbingan &lt;tim&gt;" in text
    assert "+4 dokumen (target now at 10%)" in text
    # Monday: nothing new, nothing sent; a new report is in Tuesday's digest only.
    assert await plan(sessions, i18n(), settings(), wib(30, 16, 30)) == 0
    async with sessions() as session:
        target2 = Target(
            employee_id=org.staff2.id,
            period=PERIOD,
            title="Arsip",
            target_amount=Decimal(10),
            unit="berkas",
            status="approved",
        )
        session.add(target2)
        await session.commit()
    await save(
        sessions, org.staff2.id, ReportDraft(target2.id or 0, amount=Decimal(1)), wib(30, 17)
    )
    # Monday's 16:30 run sent nothing, so a report made after it still goes out today.
    assert await plan(sessions, i18n(), settings(), wib(30, 18)) == 1
    async with sessions() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    latest = json.loads(rows[-1].payload)["params"]["text"]
    assert "Budi Santoso" in latest
    assert "Siti" not in latest


async def test_no_digest_on_a_holiday(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions, leader_mode="digest")
    assert org.staff.id is not None
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)  # Friday 17:00 WIB, public holiday
    await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(4)), christmas)
    plan = report_planners.plan_report_digests
    assert await plan(sessions, i18n(), settings(), christmas) == 0
    assert await plan(sessions, i18n(), settings(), christmas + timedelta(days=3)) == 1  # Monday


async def test_digest_skips_reports_already_noticed_instantly(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    await save(sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(4)))
    async with sessions() as session:
        leader = await session.get(Employee, org.leader.id)
        assert leader is not None
        leader.notice_mode = "digest"
        session.add(leader)
        await session.commit()
    plan = report_planners.plan_report_digests
    assert await plan(sessions, i18n(), settings(), wib(27, 16)) == 0


# --- evidence access ---


async def test_evidence_only_for_author_leaders_and_hr(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions)
    assert org.staff.id is not None
    saved = await save(
        sessions, org.staff.id, ReportDraft(number.id or 0, amount=Decimal(1), evidence=[pdf(1)])
    )
    assert saved.report is not None
    report_id = saved.report.id or 0
    async with sessions() as session:
        for person, allowed in [
            (org.staff, True),
            (org.leader, True),
            (org.head, True),
            (org.hr, True),
            (org.city_hr, True),
            (org.staff2, False),
            (org.other_opd_staff, False),
        ]:
            speaker = await access.speaker_for(session, person)
            files = await reports.evidence_for_viewer(sessions, speaker, report_id)
            assert (files is not None) is allowed, person.name
        speaker = await access.speaker_for(session, org.leader)
        assert await reports.evidence_for_viewer(sessions, speaker, 999_999) is None


async def test_a_long_digest_stays_one_message(sessions: SessionFactory) -> None:
    org, number, _ = await setup(sessions, leader_mode="digest")
    async with sessions() as session:
        for n in range(60):
            session.add(
                ProgressReport(
                    target_id=number.id or 0,
                    employee_id=org.staff.id or 0,
                    amount=Decimal(1),
                    note=f"{n} " + "&" * 999,
                    created_at=NOW + timedelta(minutes=n),
                )
            )
        await session.commit()
    plan = report_planners.plan_report_digests
    assert await plan(sessions, i18n(), settings(), wib(27, 16)) == 1
    async with sessions() as session:
        row = (await session.exec(select(OutboxMessage))).one()
    text = json.loads(row.payload)["params"]["text"]
    assert "New reports since your last summary: 60" in text
    assert "more. Thank you" in text
    assert len(text.replace("&amp;", "&")) <= 4096
