"""Semester evaluation: window, evaluator and Plt, finalize rules, HR tools, and the flows."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.i18n import I18n
from bot.runtime.persistence import encode_key
from bot.services import access, evaluation
from bot.services.evaluation import Draft, Problem
from bot.services.evaluation.summary import fingerprint
from bot.services.evaluation.window import (
    CLOSED,
    LATE,
    NOT_YET,
    OPEN,
    current_evaluation_period,
    evaluation_window,
    evaluator_for,
    pending_evaluations,
    window_state,
)
from bot.services.periods import Period
from models import (
    ActingEvaluator,
    AuditLog,
    Employee,
    Evaluation,
    EvaluationCorrection,
    OrgRating,
    OutboxMessage,
    ProgressReport,
    Target,
)
from models.db import SessionFactory
from models.system import ConversationState, UserDataRow
from tests.support.factories import Org, make_org
from tests.support.harness import Harness, running_bot
from tests.support.harness import test_settings as make_settings

WIB = ZoneInfo("Asia/Jakarta")
IN_WINDOW = datetime(2026, 12, 21, 10, 0, tzinfo=WIB)
S2 = Period(2026, 2)
LEADER_TG, STAFF_TG, STAFF2_TG, HR_TG, CITY_HR_TG, HEAD_TG, OTHER_TG = range(4101, 4108)
SETTINGS = make_settings("sqlite+aiosqlite://")
I18N = I18n("id", WIB)


# --- the window ----------------------------------------------------------------------------


def test_window_edges_around_the_end_of_2026() -> None:
    opens, due = evaluation_window(S2, SETTINGS)
    assert opens == datetime(2026, 12, 18, 0, 0, tzinfo=WIB)
    assert due == datetime(2027, 1, 15, 0, 0, tzinfo=WIB)
    assert opens.tzinfo is not None
    assert window_state(S2, opens - timedelta(seconds=1), SETTINGS) == NOT_YET
    assert window_state(S2, opens, SETTINGS) == OPEN
    assert window_state(S2, datetime(2026, 12, 31, 23, 59, tzinfo=WIB), SETTINGS) == OPEN
    assert window_state(S2, due - timedelta(seconds=1), SETTINGS) == OPEN
    assert window_state(S2, due, SETTINGS) == LATE
    assert window_state(S2, due + timedelta(days=60), SETTINGS) == CLOSED
    # Semester I: 30 Jun end, window 17 Jun .. 15 Jul.
    assert evaluation_window(Period(2027, 1), SETTINGS)[0] == datetime(2027, 6, 17, tzinfo=WIB)


def test_window_follows_settings() -> None:
    settings = make_settings("sqlite+aiosqlite://", evaluation_opens_days=7, evaluation_due_days=3)
    opens, due = evaluation_window(S2, settings)
    assert opens == datetime(2026, 12, 25, tzinfo=WIB)
    assert due == datetime(2027, 1, 4, tzinfo=WIB)


def test_current_period_moves_with_the_clock() -> None:
    before = current_evaluation_period(datetime(2026, 11, 28, 9, tzinfo=WIB), SETTINGS)
    assert (before.period, before.state) == (S2, NOT_YET)
    after_new_year = current_evaluation_period(datetime(2027, 1, 10, 9, tzinfo=WIB), SETTINGS)
    assert (after_new_year.period, after_new_year.state) == (S2, OPEN)
    late = current_evaluation_period(datetime(2027, 2, 1, 9, tzinfo=WIB), SETTINGS)
    assert (late.period, late.state) == (S2, LATE)
    in_june = current_evaluation_period(datetime(2027, 6, 20, 9, tzinfo=WIB), SETTINGS)
    assert (in_june.period, in_june.state) == (Period(2027, 1), OPEN)


# --- services ------------------------------------------------------------------------------


async def org_with_targets(sessions: SessionFactory) -> Org:
    async with sessions() as session:
        org = await make_org(session)
        links = {
            org.leader.id: (LEADER_TG, "en"),
            org.staff.id: (STAFF_TG, "en"),
            org.staff2.id: (STAFF2_TG, None),
            org.hr.id: (HR_TG, "en"),
            org.city_hr.id: (CITY_HR_TG, "en"),
            org.head.id: (HEAD_TG, "en"),
            org.other_opd_staff.id: (OTHER_TG, "en"),
        }
        for employee_id, (tg, lang) in links.items():
            row = await session.get(Employee, employee_id)
            assert row is not None
            row.telegram_user_id, row.language = tg, lang
            session.add(row)
        for employee in (org.staff, org.staff2):
            assert employee.id is not None
            target = Target(
                employee_id=employee.id,
                period="2026-2",
                title="Laporan <kegiatan>",
                target_amount=Decimal(10),
                unit="dokumen",
                status="approved",
            )
            session.add(target)
            await session.flush()
            assert target.id is not None
            session.add(
                ProgressReport(target_id=target.id, employee_id=employee.id, amount=Decimal(10))
            )
        await session.commit()
    return org


async def speaker(sessions: SessionFactory, employee: Employee) -> access.Speaker:
    async with sessions() as session:
        row = await session.get(Employee, employee.id)
        assert row is not None
        return await access.speaker_for(session, row)


def draft_for(employee: Employee, fingerprint: str, **kw: str) -> Draft:
    assert employee.id is not None
    return Draft(
        employee_id=employee.id,
        period="2026-2",
        fingerprint=fingerprint,
        hasil_kerja=kw.get("hasil", "di_atas"),
        perilaku_kerja=kw.get("perilaku", "di_atas"),
        comment=kw.get("comment", ""),
    )


async def fingerprint_of(sessions: SessionFactory, employee: Employee) -> str:
    async with sessions() as session:
        assert employee.id is not None
        return await fingerprint(session, employee.id, "2026-2")


async def test_evaluator_is_the_supervisor_or_the_plt(sessions: SessionFactory) -> None:
    org = await org_with_targets(sessions)
    hr = await speaker(sessions, org.hr)
    async with sessions() as session:
        staff = await session.get(Employee, org.staff.id)
        assert staff is not None
        evaluator = await evaluator_for(session, staff, "2026-2")
        assert evaluator is not None
        assert evaluator.id == org.leader.id
        pending = await pending_evaluations(session, org.leader.id or 0, "2026-2")
        assert {e.id for e in pending} == {org.staff.id, org.staff2.id}
    assert org.staff.id is not None
    assert org.head.id is not None
    problem = await evaluation.assign_acting(
        sessions, hr, org.staff.id, org.head.id, "2026-2", "Kepala Bidang cuti", IN_WINDOW
    )
    assert problem is None
    async with sessions() as session:
        staff = await session.get(Employee, org.staff.id)
        assert staff is not None
        evaluator = await evaluator_for(session, staff, "2026-2")
        assert evaluator is not None
        assert evaluator.id == org.head.id
        assert {
            e.id for e in await pending_evaluations(session, org.leader.id or 0, "2026-2")
        } == {org.staff2.id}
        head_pending = await pending_evaluations(session, org.head.id or 0, "2026-2")
        assert org.staff.id in {e.id for e in head_pending}
        audit_rows = (
            await session.exec(select(AuditLog).where(AuditLog.action == "evaluation.acting"))
        ).all()
        assert len(audit_rows) == 1
        assert "cuti" in audit_rows[0].details
    # Out-of-scope HR (other OPD scoped HR) cannot assign; an empty reason is refused.
    city = await speaker(sessions, org.city_hr)
    other, leader = org.other_opd_staff.id, org.leader.id
    assert other is not None
    assert leader is not None
    assert (
        await evaluation.assign_acting(sessions, hr, other, leader, "2026-2", "x", IN_WINDOW)
        == Problem.NOT_HR
    )
    assert (
        await evaluation.assign_acting(sessions, city, other, leader, "2026-2", " ", IN_WINDOW)
        == Problem.EMPTY
    )


async def test_finalize_rules(sessions: SessionFactory) -> None:
    org = await org_with_targets(sessions)
    leader = await speaker(sessions, org.leader)
    head = await speaker(sessions, org.head)
    fp = await fingerprint_of(sessions, org.staff)
    # Not the evaluator (the head is two levels up).
    saved = await evaluation.finalize(
        sessions, I18N, head, draft_for(org.staff, fp), IN_WINDOW, SETTINGS
    )
    assert saved.problem == Problem.NOT_EVALUATOR
    # Before the window: refused with the opening date.
    early = datetime(2026, 12, 1, 9, tzinfo=WIB)
    saved = await evaluation.finalize(
        sessions, I18N, leader, draft_for(org.staff, fp), early, SETTINGS
    )
    assert saved.problem == Problem.NOT_YET
    assert saved.opens_at == datetime(2026, 12, 18, tzinfo=WIB)
    saved = await evaluation.finalize(
        sessions,
        I18N,
        leader,
        draft_for(org.staff, fp, hasil="di_atas", perilaku="sesuai", comment="Bagus & rapi"),
        IN_WINDOW,
        SETTINGS,
    )
    assert saved.problem is None
    assert saved.late is False
    async with sessions() as session:
        row = (await session.exec(select(Evaluation))).one()
        assert (row.predikat, row.evaluator_id, row.comment) == (
            "baik",
            org.leader.id,
            "Bagus & rapi",
        )
        audit_rows = (
            await session.exec(select(AuditLog).where(AuditLog.action == "evaluation.finalize"))
        ).all()
        assert len(audit_rows) == 1
        notice = (await session.exec(select(OutboxMessage))).one()
        payload = json.loads(notice.payload)
        assert notice.chat_id == STAFF_TG
        assert "Good (Baik)" in payload["params"]["text"]
        buttons = payload["params"]["reply_markup"]["inline_keyboard"][0]
        assert [b["callback_data"] for b in buttons] == [f"ev:ack:{row.id}", f"ev:obj:{row.id}"]
    # Twice: refused, nothing changes.
    saved = await evaluation.finalize(
        sessions, I18N, leader, draft_for(org.staff, fp, hasil="di_bawah"), IN_WINDOW, SETTINGS
    )
    assert saved.problem == Problem.ALREADY
    # Late: after the due date it is accepted and marked late.
    fp2 = await fingerprint_of(sessions, org.staff2)
    saved = await evaluation.finalize(
        sessions,
        I18N,
        leader,
        draft_for(org.staff2, fp2),
        datetime(2027, 1, 20, tzinfo=WIB),
        SETTINGS,
    )
    assert saved.problem is None
    assert saved.late is True


async def test_a_stale_screen_is_refused(sessions: SessionFactory) -> None:
    org = await org_with_targets(sessions)
    leader = await speaker(sessions, org.leader)
    fp = await fingerprint_of(sessions, org.staff)
    async with sessions() as session:
        target = (
            await session.exec(select(Target).where(Target.employee_id == org.staff.id))
        ).one()
        assert target.id is not None
        session.add(
            ProgressReport(target_id=target.id, employee_id=org.staff.id or 0, amount=Decimal(1))
        )
        await session.commit()
    saved = await evaluation.finalize(
        sessions, I18N, leader, draft_for(org.staff, fp), IN_WINDOW, SETTINGS
    )
    assert saved.problem == Problem.STALE
    async with sessions() as session:
        assert (await session.exec(select(Evaluation))).first() is None
    # Bad ratings from a crafted draft are refused too.
    fresh = await fingerprint_of(sessions, org.staff)
    saved = await evaluation.finalize(
        sessions,
        I18N,
        leader,
        draft_for(org.staff, fresh, hasil="luar_biasa"),
        IN_WINDOW,
        SETTINGS,
    )
    assert saved.problem == Problem.BAD_RATING


async def test_correction_is_hr_only_and_audited(sessions: SessionFactory) -> None:
    org = await org_with_targets(sessions)
    leader = await speaker(sessions, org.leader)
    hr = await speaker(sessions, org.hr)
    fp = await fingerprint_of(sessions, org.staff)
    saved = await evaluation.finalize(
        sessions, I18N, leader, draft_for(org.staff, fp), IN_WINDOW, SETTINGS
    )
    assert saved.evaluation is not None
    evaluation_id = saved.evaluation.id or 0
    problem, _ = await evaluation.correct(
        sessions, I18N, leader, evaluation_id, "sesuai", "sesuai", "salah input", IN_WINDOW
    )
    assert problem == Problem.NOT_HR
    problem, _ = await evaluation.correct(
        sessions, I18N, hr, evaluation_id, "sesuai", "sesuai", "  ", IN_WINDOW
    )
    assert problem == Problem.EMPTY
    problem, _corrected = await evaluation.correct(
        sessions,
        I18N,
        hr,
        evaluation_id,
        "sesuai",
        "di_bawah",
        "Salah input <penilai>",
        IN_WINDOW,
    )
    assert problem is None
    async with sessions() as session:
        row = await session.get(Evaluation, evaluation_id)
        assert row is not None
        assert (row.predikat, row.version) == ("kurang", 2)
        correction = (await session.exec(select(EvaluationCorrection))).one()
        assert json.loads(correction.before)["predikat"] == "sangat_baik"
        assert json.loads(correction.after)["predikat"] == "kurang"
        assert correction.hr_id == org.hr.id
        assert (
            await session.exec(select(AuditLog).where(AuditLog.action == "evaluation.correct"))
        ).one()
        told = (
            await session.exec(
                select(OutboxMessage).where(OutboxMessage.kind == "evaluation-correction")
            )
        ).all()
        assert {m.chat_id for m in told} == {STAFF_TG, LEADER_TG}
        assert all("Salah input &lt;penilai&gt;" in m.payload for m in told)


async def test_org_rating_scope_and_spread(sessions: SessionFactory) -> None:
    org = await org_with_targets(sessions)
    hr = await speaker(sessions, org.hr)
    leader = await speaker(sessions, org.leader)
    assert org.other_opd_staff.opd_id is not None
    assert (
        await evaluation.set_org_rating(
            sessions, hr, org.other_opd_staff.opd_id, "2026-2", "baik", IN_WINDOW
        )
        == Problem.NOT_HR
    )
    assert (
        await evaluation.set_org_rating(
            sessions, hr, org.opd.id or 0, "2026-2", "hebat", IN_WINDOW
        )
        == Problem.BAD_RATING
    )
    assert (
        await evaluation.set_org_rating(sessions, hr, org.opd.id or 0, "2026-2", "baik", IN_WINDOW)
        is None
    )
    fp = await fingerprint_of(sessions, org.staff)
    saved = await evaluation.finalize(
        sessions,
        I18N,
        leader,
        draft_for(org.staff, fp, hasil="sesuai", perilaku="sesuai"),
        IN_WINDOW,
        SETTINGS,
    )
    assert saved.problem is None
    async with sessions() as session:
        assert (await session.exec(select(OrgRating))).one().rating == "baik"
    spread = (await evaluation.spread_for_hr(sessions, hr, "2026-2", opd_id=org.opd.id)).spread
    assert spread is not None
    assert spread.counts["baik"] == 1
    assert spread.org_rating == "baik"
    # Four staff to evaluate (the head has no evaluator in the bot): too small for the curve.
    assert spread.still_open == 3
    assert spread.outlook is not None
    assert (spread.outlook.warnings, spread.outlook.total) == ([], 4)


# --- the flows through the bot -------------------------------------------------------------


async def deliver(bot: Harness) -> None:
    bot.fake.known_chats.update({LEADER_TG, STAFF_TG, STAFF2_TG, HR_TG, CITY_HR_TG, HEAD_TG})
    await bot.drain()


async def test_leader_evaluates_in_english_and_the_employee_accepts(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        for tg in (LEADER_TG, STAFF_TG, OTHER_TG):
            bot.fake.user(tg, language_code="en")
        await bot.send(LEADER_TG, "/evaluate")
        listing = bot.fake.last(LEADER_TG)
        assert "Evaluation for Semester II 2026" in listing.text
        assert "Thursday, 14 January 2027" in listing.text
        # A crafted pick for someone else's staff is refused politely.
        await bot.press_raw(LEADER_TG, listing.message_id, f"ev:pick:{org.other_opd_staff.id}")
        assert "only this employee's evaluator" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "/evaluate")
        await bot.press_label(LEADER_TG, "Siti")
        summary = bot.last_text(LEADER_TG)
        assert "Laporan <kegiatan>" in summary  # escaped in HTML, shown as typed
        assert "100%" in summary
        # Exactly on target meets the expectation (PermenPANRB 6/2022; achievement_rules).
        assert "Suggested work results rating: Meets expectations" in summary
        await bot.press_label(LEADER_TG, "Above expectations")
        await bot.press_label(LEADER_TG, "Add a note on a BerAKHLAK value")
        await bot.press_label(LEADER_TG, "Service-oriented")
        await bot.send(LEADER_TG, "x" * 600)
        assert "the limit is 500" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "Ramah & cekatan <3")
        assert "Ramah &amp; cekatan &lt;3" in bot.fake.last(LEADER_TG).html
        await bot.press_label(LEADER_TG, "Meets expectations")
        assert "Predikat: Good (Baik)" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "Terus semangat 😀")
        assert "Please check the evaluation" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Confirm")
        assert "is saved and final" in bot.last_text(LEADER_TG)
        # The screen's buttons are spent: confirming again is not possible.
        await bot.send(LEADER_TG, "/evaluate")
        assert "✓ Siti <Aminah> & Co 😀: Good (Baik)" in bot.last_text(LEADER_TG)
        await deliver(bot)
        result = bot.fake.last(STAFF_TG)
        assert "Predikat: Good (Baik)" in result.text
        assert "Terus semangat 😀" in result.text
        async with sessions() as session:
            row = (await session.exec(select(Evaluation))).one()
            assert json.loads(row.behaviour_notes) == {
                "berorientasi_pelayanan": "Ramah & cekatan <3"
            }
            assert row.suggested_hasil_kerja == "sesuai"
        # Someone else pressing a crafted Accept for this evaluation is refused.
        await bot.press_raw(OTHER_TG, result.message_id, f"ev:ack:{row.id}")
        assert "not yours" in bot.last_text(OTHER_TG)
        # /nilai shows an employee their own result, with the buttons again.
        await bot.send(STAFF_TG, "/nilai")
        own = bot.fake.last(STAFF_TG)
        assert "Your evaluation for Semester II 2026" in own.text
        assert own.button("Accept") == f"ev:ack:{row.id}"
        await bot.press(STAFF_TG, result.message_id, f"ev:ack:{row.id}")
        assert "acceptance is recorded" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "/nilai")
        assert [label for label, _ in bot.fake.last(STAFF_TG).buttons()] == ["Object"]
    async with sessions() as session:
        row = (await session.exec(select(Evaluation))).one()
        assert row.acknowledged_at is not None
        assert row.predikat == "baik"


async def test_objection_reaches_hr_and_hr_corrects(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        for tg in (LEADER_TG, STAFF_TG, HR_TG):
            bot.fake.user(tg, language_code="en")
        await bot.send(LEADER_TG, "/nilai")
        await bot.press_label(LEADER_TG, "Siti")
        await bot.press_label(LEADER_TG, "Below expectations")
        await bot.press_label(LEADER_TG, "Meets expectations")
        await bot.press_label(LEADER_TG, "Skip")
        await bot.press_label(LEADER_TG, "Confirm")
        await deliver(bot)
        result = bot.fake.last(STAFF_TG)
        assert "Needs improvement" in result.text
        await bot.press_label(STAFF_TG, "Object")
        await bot.send(STAFF_TG, "y" * 2001)
        assert "the limit is 2000" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "Target saya tercapai <100%> & laporan lengkap")
        assert "sent to HR" in bot.last_text(STAFF_TG)
        await deliver(bot)
        hr_text = bot.last_text(HR_TG)
        assert "Objection to an evaluation" in hr_text
        assert "Target saya tercapai <100%> & laporan lengkap" in hr_text
        # Objecting twice is refused.
        await bot.press(STAFF_TG, result.message_id, result.button("Object"))
        assert "already been done" in bot.last_text(STAFF_TG)
        # HR corrects through the menu.
        await bot.send(HR_TG, "/nilai")
        await bot.press_label(HR_TG, "Correct an evaluation")
        await bot.send(HR_TG, "123")
        assert "could not find an active employee" in bot.last_text(HR_TG)
        await bot.send(HR_TG, org.staff.nip)
        assert "Needs improvement" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Meets expectations")
        await bot.press_label(HR_TG, "Meets expectations")
        assert "will be <b>Good (Baik)</b>" in bot.fake.last(HR_TG).html
        await bot.send(HR_TG, "Laporan terlambat diverifikasi")
        assert "correction is saved" in bot.last_text(HR_TG)
        await deliver(bot)
        assert "corrected by HR" in bot.last_text(STAFF_TG)
        assert "corrected by HR" in bot.last_text(LEADER_TG)
    async with sessions() as session:
        row = (await session.exec(select(Evaluation))).one()
        assert (row.predikat, row.version) == ("baik", 2)
        assert row.objection.startswith("Target saya")
        assert (await session.exec(select(EvaluationCorrection))).one().reason == (
            "Laporan terlambat diverifikasi"
        )


async def test_hr_sets_org_rating_assigns_plt_and_sees_the_spread(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        for tg in (HR_TG, CITY_HR_TG, HEAD_TG, LEADER_TG):
            bot.fake.user(tg, language_code="en")
        await bot.send(HR_TG, "/nilai")
        await bot.press_label(HR_TG, "Organisation rating")
        assert "Organisation rating of Dinas Kesehatan" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Outstanding")
        assert "organisation rating is Outstanding" in bot.last_text(HR_TG)
        # City-wide HR types the OPD code.
        await bot.send(CITY_HR_TG, "/nilai")
        await bot.press_label(CITY_HR_TG, "Predikat spread")
        await bot.send(CITY_HR_TG, "nope")
        assert "could not find an OPD" in bot.last_text(CITY_HR_TG)
        await bot.send(CITY_HR_TG, "dinkes")
        assert "Predikat spread of Dinas Kesehatan" in bot.last_text(CITY_HR_TG)
        assert "Final evaluations: 0" in bot.last_text(CITY_HR_TG)
        # Plt: staff2 is evaluated by the head this semester.
        await bot.send(HR_TG, "/nilai")
        await bot.press_label(HR_TG, "Assign an acting evaluator")
        await bot.send(HR_TG, org.staff2.nip)
        await bot.send(HR_TG, org.head.nip)
        await bot.send(HR_TG, "Kepala Bidang tugas belajar")
        assert "is now the acting evaluator of Budi Santoso" in bot.last_text(HR_TG)
        await bot.send(LEADER_TG, "/nilai")
        assert "Budi" not in bot.last_text(LEADER_TG)
        await bot.send(HEAD_TG, "/nilai")
        assert "Budi Santoso" in bot.last_text(HEAD_TG)
        # Nothing to correct yet.
        await bot.send(HR_TG, "/nilai")
        await bot.press_label(HR_TG, "Correct an evaluation")
        await bot.send(HR_TG, org.staff.nip)
        assert "has no final evaluation yet" in bot.last_text(HR_TG)
        # Out of scope: the DINKES HR officer cannot correct someone in DISHUB.
        await bot.send(HR_TG, "/nilai")
        await bot.press_label(HR_TG, "Correct an evaluation")
        await bot.send(HR_TG, org.other_opd_staff.nip)
        assert "only HR covering this OPD" in bot.last_text(HR_TG)
        # A leader (not HR) pressing a crafted HR button is refused.
        listing = bot.fake.last(LEADER_TG)
        await bot.press_raw(LEADER_TG, listing.message_id, "ev:hr:org")
        assert "only HR covering this OPD" in bot.last_text(LEADER_TG)
    async with sessions() as session:
        assert (await session.exec(select(OrgRating))).one().rating == "istimewa"
        acting = (await session.exec(select(ActingEvaluator))).one()
        assert (acting.employee_id, acting.evaluator_id) == (org.staff2.id, org.head.id)


async def test_before_the_window_the_leader_sees_the_opening_date(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    async with running_bot(db[0], db[1], now=datetime(2026, 11, 28, 9, tzinfo=WIB)) as bot:
        bot.fake.user(LEADER_TG, language_code="en")
        await bot.send(LEADER_TG, "/nilai")
        text = bot.last_text(LEADER_TG)
        assert "opens on Friday, 18 December 2026" in text
        assert bot.fake.last(LEADER_TG).buttons() == []
        await bot.press_raw(
            LEADER_TG, bot.fake.last(LEADER_TG).message_id, f"ev:pick:{org.staff.id}"
        )
        assert "not open yet. It opens on Friday, 18 December 2026" in bot.last_text(LEADER_TG)
        # The planners' prompt button opens the same list.
        await bot.press_raw(LEADER_TG, bot.fake.last(LEADER_TG).message_id, "ev:start")
        assert "opens on Friday, 18 December 2026" in bot.last_text(LEADER_TG)
    async with sessions() as session:
        assert (await session.exec(select(Evaluation))).first() is None


async def test_the_flow_in_indonesian(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    async with sessions() as session:
        leader = await session.get(Employee, org.leader.id)
        assert leader is not None
        leader.language = "id"
        session.add(leader)
        await session.commit()
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(LEADER_TG, language_code="id")
        bot.fake.user(STAFF2_TG, language_code="id")
        await bot.send(LEADER_TG, "/nilai")
        text = bot.last_text(LEADER_TG)
        assert "Penilaian kinerja Semester II 2026" in text
        assert "Mohon selesaikan penilaian paling lambat Kamis, 14 Januari 2027" in text
        await bot.press_label(LEADER_TG, "Budi")
        assert "Saran penilaian hasil kerja: Sesuai ekspektasi" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Di atas ekspektasi")
        await bot.press_label(LEADER_TG, "Di atas ekspektasi")
        assert "Predikat: Sangat Baik" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "/batal")
        assert "Tidak ada yang disimpan" in bot.last_text(LEADER_TG)
        async with sessions() as session:
            assert (await session.exec(select(Evaluation))).first() is None
        await bot.send(LEADER_TG, "/nilai")
        await bot.press_label(LEADER_TG, "Budi")
        await bot.press_label(LEADER_TG, "Sesuai ekspektasi")
        await bot.press_label(LEADER_TG, "Sesuai ekspektasi")
        await bot.press_label(LEADER_TG, "Lewati")
        await bot.press_label(LEADER_TG, "Konfirmasi")
        assert "sudah disimpan dan bersifat final" in bot.last_text(LEADER_TG)
        await deliver(bot)
        result = bot.fake.last(STAFF2_TG)
        assert "Predikat: Baik" in result.text
        assert [label for label, _ in result.buttons()] == ["Terima", "Ajukan keberatan"]
        await bot.press_label(STAFF2_TG, "Ajukan keberatan")
        await bot.send(STAFF2_TG, "Mohon ditinjau kembali")
        assert "sudah dikirim ke bagian kepegawaian" in bot.last_text(STAFF2_TG)


async def test_stale_screen_sticker_and_crafted_buttons_in_the_flow(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(LEADER_TG, language_code="en")
        await bot.send(LEADER_TG, "/nilai")
        await bot.press_label(LEADER_TG, "Siti")
        screen = bot.fake.last(LEADER_TG)
        await bot.press_raw(LEADER_TG, screen.message_id, "ev:h:9")  # crafted index
        assert "no longer active" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "/nilai")
        await bot.press_label(LEADER_TG, "Siti")
        await bot.press_label(LEADER_TG, "Meets expectations")
        await bot.press_label(LEADER_TG, "Meets expectations")
        await bot.feed(bot.fake.send_sticker(LEADER_TG))
        assert "type your answer as text" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "c" * 2001)
        assert "the limit is 2000" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Skip")
        # Meanwhile the employee reports more progress: the screen is stale.
        async with sessions() as session:
            target = (
                await session.exec(select(Target).where(Target.employee_id == org.staff.id))
            ).one()
            session.add(
                ProgressReport(
                    target_id=target.id or 0, employee_id=org.staff.id or 0, amount=Decimal(2)
                )
            )
            await session.commit()
        await bot.press_label(LEADER_TG, "Confirm")
        assert "Something changed while you were working" in bot.last_text(LEADER_TG)
        async with sessions() as session:
            assert (await session.exec(select(Evaluation))).first() is None


# --- HR conversations saved before each HR step was a state of its own -----------------------


async def saved_hr_step(sessions: SessionFactory, state: int, draft: dict[str, object]) -> None:
    """Store a conversation as the version before the upgrade left it (HR_TEXT or HR_CHOICE)."""
    async with sessions() as session:
        session.add(
            ConversationState(
                name="evaluation", key=encode_key((HR_TG, HR_TG)), state=json.dumps(state)
            )
        )
        session.add(UserDataRow(user_id=HR_TG, data=json.dumps({"ev_hr": draft})))
        await session.commit()


async def test_a_plt_assignment_saved_at_the_old_text_step_continues(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    waiting_for_the_evaluator = {
        "employee_id": org.staff2.id,
        "name": org.staff2.name,
        "step": "plt_eval",
    }
    await saved_hr_step(sessions, 7, waiting_for_the_evaluator)  # 7: HR_TEXT
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(HR_TG, language_code="en")
        await bot.send(HR_TG, "123")
        assert "could not find an active employee" in bot.last_text(HR_TG)
        await bot.send(HR_TG, org.head.nip)
        assert "reason for this assignment" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "Kepala Bidang tugas belajar")
        assert "is now the acting evaluator of Budi Santoso" in bot.last_text(HR_TG)
    async with sessions() as session:
        acting = (await session.exec(select(ActingEvaluator))).one()
        assert (acting.employee_id, acting.evaluator_id) == (org.staff2.id, org.head.id)


async def test_a_correction_saved_at_the_old_button_step_continues(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await org_with_targets(sessions)
    leader = await speaker(sessions, org.leader)
    fp = await fingerprint_of(sessions, org.staff)
    saved = await evaluation.finalize(
        sessions, I18N, leader, draft_for(org.staff, fp, hasil="di_bawah"), IN_WINDOW, SETTINGS
    )
    assert saved.evaluation is not None
    hasil_chosen = {
        "evaluation_id": saved.evaluation.id,
        "name": org.staff.name,
        "hasil": "sesuai",
        "step": "cor_p",
    }
    await saved_hr_step(sessions, 8, hasil_chosen)  # 8: HR_CHOICE
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(HR_TG, language_code="en")
        await bot.press_raw(HR_TG, 1, "ev:cp:1")
        assert "will be <b>Good (Baik)</b>" in bot.fake.last(HR_TG).html
        await bot.send(HR_TG, "Laporan terlambat diverifikasi")
        assert "correction is saved" in bot.last_text(HR_TG)
    async with sessions() as session:
        row = (await session.exec(select(Evaluation))).one()
        assert (row.predikat, row.version) == ("baik", 2)
