"""Training: recommendations, sessions, invitations, RSVP, reminders, attendance and JP."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.context import BotContext
from bot.i18n import I18n
from bot.runtime.scheduler import (
    TRAINING_JOB,
    TRAINING_REMINDER_JOB,
    plan_training_reminders_job,
    plan_trainings_job,
)
from bot.services import training as tr
from bot.services.access import speaker_for
from bot.services.periods import Period
from bot.services.text_rules import TextProblem, check_text
from bot.services.training import planners as tp
from models import (
    Employee,
    Evaluation,
    Opd,
    OutboxMessage,
    ProgressReport,
    Target,
    TrainingInvite,
    TrainingRecommendation,
    TrainingSession,
    Unit,
)
from models.db import SessionFactory
from tests.support.factories import Org, add, make_org, nip
from tests.support.harness import Harness, running_bot
from tests.support.harness import test_settings as make_settings

WIB = ZoneInfo("Asia/Jakarta")
SETTINGS = make_settings("sqlite+aiosqlite://")
PERIOD = "2026-2"
DUE = datetime(2027, 1, 15, tzinfo=WIB)  # Semester II 2026 evaluations are due before this
NOW = datetime(2027, 1, 18, 9, 0, tzinfo=WIB)  # Monday after the window closed
HR_TG, CITY_TG, LEADER_TG, STAFF_TG, STAFF2_TG, OTHER_TG = range(7101, 7107)
DB = tuple[str, AsyncEngine]


def register(bot: Harness) -> None:
    """Make every linked test user known to the fake Telegram."""
    for tg, lang in [
        (HR_TG, "en"),
        (CITY_TG, "id"),
        (LEADER_TG, "en"),
        (STAFF_TG, "en"),
        (STAFF2_TG, "id"),
        (OTHER_TG, "en"),
    ]:
        bot.fake.user(tg, language_code=lang)
        bot.fake.known_chats.add(tg)


def i18n() -> I18n:
    return I18n("id", WIB)


async def evaluate(session: object, people: list[Employee], hasil: str, perilaku: str) -> None:
    for person in people:
        assert person.id is not None
        session.add(  # type: ignore[attr-defined]
            Evaluation(
                period=PERIOD,
                employee_id=person.id,
                evaluator_id=person.supervisor_id or person.id,
                hasil_kerja=hasil,
                perilaku_kerja=perilaku,
                predikat="baik",
            )
        )


async def unit_with(
    session: object, opd_id: int, name: str, count: int, boss: int | None = None
) -> list[Employee]:
    unit = Unit(opd_id=opd_id, name=name)
    session.add(unit)  # type: ignore[attr-defined]
    await session.flush()  # type: ignore[attr-defined]
    return [
        await add(
            session,  # type: ignore[arg-type]
            nip=nip(),
            name=f"{name} {i}",
            opd_id=opd_id,
            unit_id=unit.id,
            supervisor_id=boss,
        )
        for i in range(count)
    ]


async def target_with(session: object, person: Employee, amount: int, done: int) -> None:
    target = Target(
        employee_id=person.id or 0,
        period=PERIOD,
        title="Dokumen",
        target_amount=Decimal(amount),
        unit="dokumen",
        status="approved",
    )
    session.add(target)  # type: ignore[attr-defined]
    await session.flush()  # type: ignore[attr-defined]
    session.add(  # type: ignore[attr-defined]
        ProgressReport(target_id=target.id or 0, employee_id=person.id or 0, amount=Decimal(done))
    )


async def setup(sessions: SessionFactory) -> Org:
    """DINKES' unit: 2 of 3 behaviour below (BerAKHLAK); a 2-person unit all below (too small);
    DISHUB: a unit with half low achievement (SKP) and a unit at 25 % (under the threshold)."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg, lang in [
            (org.hr, HR_TG, "en"),
            (org.city_hr, CITY_TG, "id"),
            (org.leader, LEADER_TG, "en"),
            (org.staff, STAFF_TG, "en"),
            (org.staff2, STAFF2_TG, "id"),
            (org.other_opd_staff, OTHER_TG, "en"),
        ]:
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        await evaluate(session, [org.staff, org.staff2], "sesuai", "di_bawah")
        await evaluate(session, [org.leader], "sesuai", "sesuai")
        small = await unit_with(session, org.opd.id or 0, "Seksi Kecil", 2, org.head.id)
        await evaluate(session, small, "di_bawah", "di_bawah")
        dishub = org.other_opd_staff.opd_id
        traffic = await unit_with(session, dishub, "Bidang Lalu Lintas", 4)
        await evaluate(session, traffic[:1], "di_bawah", "sesuai")
        await evaluate(session, traffic[1:], "sesuai", "sesuai")
        for person, done in zip(traffic, [2, 5, 10, 12], strict=True):
            await target_with(session, person, 10, done)  # 20 %, 50 % low; 100 %, 120 % fine
        transport = await unit_with(session, dishub, "Bidang Angkutan", 4)
        await evaluate(session, transport[:1], "sesuai", "di_bawah")
        await evaluate(session, transport[1:], "sesuai", "sesuai")
        await session.commit()
    return org


async def outbox(sessions: SessionFactory, kind: str) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind)
        return list((await session.exec(query.order_by(col(OutboxMessage.id)))).all())


# --- recommendations ---------------------------------------------------------------------------


async def test_recommendations_rank_threshold_size_topic_and_idempotent(
    sessions: SessionFactory,
) -> None:
    org = await setup(sessions)
    assert tp.closed_period(DUE - timedelta(seconds=1), SETTINGS) == Period(2026, 1)
    assert tp.closed_period(DUE, SETTINGS) == Period(2026, 2)
    added = await tp.plan_trainings(sessions, i18n(), SETTINGS, NOW)
    assert added == 2 + 2  # two recommendations, one notice each for DINKES HR and city HR
    async with sessions() as session:
        recos = (
            await session.exec(
                select(TrainingRecommendation).order_by(col(TrainingRecommendation.score).desc())
            )
        ).all()
        units = {u.id: u.name for u in (await session.exec(select(Unit))).all()}
    assert [(units[r.unit_id], r.topic) for r in recos] == [
        ("Bidang Pelayanan Kesehatan", tr.TOPIC_BERAKHLAK),
        ("Bidang Lalu Lintas", tr.TOPIC_SKP),
    ]
    assert recos[0].below_share == round(2 / 3, 4) and recos[0].staff == 3
    assert recos[1].low_achievement_share == 0.5 and recos[1].below_share == 0.25
    assert all(r.period == PERIOD for r in recos)
    notices = await outbox(sessions, tp.KIND_RECO)
    by_chat = {n.chat_id: json.loads(n.payload)["params"] for n in notices}
    assert set(by_chat) == {HR_TG, CITY_TG}
    dinkes = by_chat[HR_TG]["text"]  # English
    assert "Bidang Pelayanan Kesehatan" in dinkes and "Lalu Lintas" not in dinkes
    assert "BerAKHLAK core values coaching" in dinkes and "66.7%" in dinkes
    city = by_chat[CITY_TG]["text"]  # Indonesian
    assert "Lalu Lintas" in city and "Penyusunan target" in city and "Seksi Kecil" not in city
    assert by_chat[CITY_TG]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "Lihat di /pelatihan",
        "callback_data": "pl:reco",
    }
    assert {n.dedupe_key for n in notices} == {
        f"training-reco:{PERIOD}:{org.hr.id}",
        f"training-reco:{PERIOD}:{org.city_hr.id}",
    }
    assert await tp.plan_trainings(sessions, i18n(), SETTINGS, NOW) == 0
    assert await tp.plan_trainings(sessions, i18n(), SETTINGS, NOW + timedelta(days=3)) == 0
    # Before the window closed only the previous semester counts: nothing to say.
    assert await tp.plan_trainings(sessions, i18n(), SETTINGS, DUE - timedelta(minutes=1)) == 0


async def test_recommendation_scope(sessions: SessionFactory) -> None:
    org = await setup(sessions)
    await tp.plan_trainings(sessions, i18n(), SETTINGS, NOW)
    async with sessions() as session:
        hr = await speaker_for(session, org.hr)
        city = await speaker_for(session, org.city_hr)
        staff = await speaker_for(session, org.staff)
    assert [r.unit_name for r in await tr.recommendations_for(sessions, hr)] == [
        "Bidang Pelayanan Kesehatan"
    ]
    everything = await tr.recommendations_for(sessions, city)
    assert len(everything) == 2
    assert await tr.recommendations_for(sessions, staff) == []
    dishub = next(r for r in everything if r.unit_name == "Bidang Lalu Lintas")
    assert dishub.reco.id is not None
    assert await tr.recommendation_for(sessions, hr, dishub.reco.id) is None
    assert await tr.recommendation_for(sessions, city, dishub.reco.id) is not None
    found = await tr.invitees_from_nips(
        sessions, hr, f"{org.staff.nip}, {org.other_opd_staff.nip}\n123456789012345678"
    )
    assert [e.id for e in found.found] == [org.staff.id]
    assert found.outside == [org.other_opd_staff.nip]
    assert found.unknown == ["123456789012345678"]


def test_typed_inputs() -> None:
    now = NOW
    bad = tr.parse_start("32-13-2026 25:00", now)
    assert bad.starts_at is None and bad.problem and "does not exist" in bad.problem.reason
    assert tr.parse_start("besok pagi", now).problem is not None
    past = tr.parse_start("17-01-2027 09:00", now)
    assert past.problem and "already passed" in past.problem.reason
    good = tr.parse_start("21-01-2027 09:30", now)
    assert good.starts_at == datetime(2027, 1, 21, 9, 30, tzinfo=WIB) and not good.not_working_day
    saturday = tr.parse_start("23/01/2027 09.00", now)
    assert saturday.starts_at is not None and saturday.not_working_day
    assert tr.parse_start("01-01-2029 09:00", now).problem is not None  # over a year ahead
    # A holiday is named in the language of the person typing.
    christmas = "25-12-2027 09:00"
    assert tr.parse_start(christmas, now, language="id").holiday == "Hari Raya Natal"
    assert tr.parse_start(christmas, now, language="en").holiday == "Christmas Day"
    problem = check_text("x" * 5000, minimum=1, limit=tr.MAX_PLACE)
    assert problem is not None and (problem.length, problem.limit) == (5000, 500)
    assert check_text("   ", minimum=1, limit=10) is not None
    assert tr.parse_capacity("25") == 25
    for raw in ("0", "-3", "2,5", "1e9", "teks", "", "501"):
        assert isinstance(tr.parse_capacity(raw), TextProblem), raw
    assert tr.parse_jp("2,5") == Decimal("2.5")
    for raw in ("0", "-3", "1e9", "abc", "101", "1,255"):
        assert isinstance(tr.parse_jp(raw), TextProblem), raw


# --- reminders ---------------------------------------------------------------------------------


async def test_reminders_at_the_right_times_and_idempotent(sessions: SessionFactory) -> None:
    org = await setup(sessions)
    start = datetime(2027, 1, 21, 9, 0, tzinfo=WIB)
    async with sessions() as session:
        hr = await speaker_for(session, org.hr)
    draft = tr.Draft(
        title="Pembinaan <BerAKHLAK>",
        topic=tr.TOPIC_BERAKHLAK,
        starts_at=start,
        place="Aula",
        capacity=10,
        jp=Decimal(2),
        recommendation_id=None,
        employee_ids=[org.staff.id or 0, org.staff2.id or 0, org.leader.id or 0],
    )
    created = await tr.create_session(sessions, hr, i18n(), draft, NOW.astimezone(UTC))
    assert created is not None and created.invited == 3
    async with sessions() as session:
        invites = {i.employee_id: i for i in (await session.exec(select(TrainingInvite))).all()}
    no = invites[org.leader.id or 0]
    answered = await tr.answer_invite(
        sessions, org.leader.id or 0, no.id or 0, False, NOW.astimezone(UTC)
    )
    assert answered.result == tr.RSVP_OK
    yes = invites[org.staff.id or 0]
    await tr.answer_invite(sessions, org.staff.id or 0, yes.id or 0, True, NOW.astimezone(UTC))

    async def plan(at: datetime) -> int:
        return await tp.plan_training_reminders(sessions, i18n(), SETTINGS, at)

    day_before = datetime(2027, 1, 20, 9, 0, tzinfo=WIB)
    assert await plan(day_before - timedelta(minutes=1)) == 0
    assert await plan(day_before) == 2  # staff (hadir) and staff2 (no answer), not the leader
    assert await plan(day_before + timedelta(hours=3)) == 0
    assert await plan(start - timedelta(hours=1, minutes=1)) == 0
    assert await plan(start - timedelta(hours=1)) == 2
    assert await plan(start - timedelta(minutes=5)) == 0
    assert await plan(start) == 0
    rows = await outbox(sessions, tp.KIND_REMINDER)
    assert sorted(r.dedupe_key for r in rows) == sorted(
        f"training-rem:{created.training.id}:{invites[e].id}:{w}"
        for e in (org.staff.id or 0, org.staff2.id or 0)
        for w in ("day", "hour")
    )
    english = next(r for r in rows if r.chat_id == STAFF_TG and r.dedupe_key.endswith("hour"))
    assert "starts in about an hour" in english.payload and "&lt;BerAKHLAK&gt;" in english.payload
    unanswered = next(r for r in rows if r.chat_id == STAFF2_TG and r.dedupe_key.endswith("day"))
    assert "sekadar mengingatkan" in unanswered.payload and "pl:rsvp:" in unanswered.payload
    # A session planned late gets its day reminder at once; a cancelled one gets nothing.
    soon = await tr.create_session(
        sessions,
        hr,
        i18n(),
        tr.Draft(
            "Besok",
            "",
            start + timedelta(days=7),
            "Aula",
            5,
            Decimal(1),
            None,
            [org.staff2.id or 0],
        ),
        NOW.astimezone(UTC),
    )
    assert soon is not None
    late = start + timedelta(days=7) - timedelta(hours=5)
    assert await plan(late) == 1
    async with sessions() as session:
        training = await session.get(TrainingSession, soon.training.id)
        assert training is not None
        training.status = tr.CANCELLED
        session.add(training)
        await session.commit()
    assert await plan(start + timedelta(days=7) - timedelta(minutes=30)) == 0


# --- the flow through the bot ------------------------------------------------------------------


async def test_hr_creates_session_staff_rsvp_attendance_and_jp(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        register(bot)
        org = await setup(bot.deps.sessions)
        await tp.plan_trainings(bot.deps.sessions, bot.deps.i18n, bot.deps.settings, NOW)
        await bot.drain()
        assert "Bidang Pelayanan Kesehatan" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "View in /pelatihan")
        text = bot.last_text(HR_TG)
        assert "Training recommendations" in text and "Lalu Lintas" not in text
        assert "3 staff" in text
        await bot.press_label(HR_TG, "Create session")
        assert "New session for" in bot.last_text(HR_TG)
        # Bad dates are refused, nothing is lost.
        await bot.send(HR_TG, "32-13-2026 25:00")
        assert "does not exist" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "10-01-2027 09:00")
        assert "already passed" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "23-01-2027 09:00")  # a Saturday: warned, accepted
        assert "not a working day" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "21-01-2027 09:00")  # a new date typed at the place step
        assert "Thursday, 21 January 2027, 09:00 WIB" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "x" * 5000)
        assert "5,000 characters, but at most 500 fit" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "Aula <BKPSDM> & Zoom 😀")
        await bot.send(HR_TG, "2,5")
        assert "whole number of seats" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "2")
        await bot.send(HR_TG, "0")
        assert "more than 0" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "2,5")
        await bot.press_label(HR_TG, "Invite the staff")
        preview = bot.fake.last(HR_TG)
        assert "Aula &lt;BKPSDM&gt; &amp; Zoom 😀" in str(preview.html)
        assert "1 people do not fit" in str(preview.text) and "Invitees: 2" in str(preview.text)
        await bot.press_label(HR_TG, "Save and invite")
        assert "Saved. 2 invitations" in bot.last_text(HR_TG)
        assert "1 people were left out" in bot.last_text(HR_TG)
        async with bot.deps.sessions() as session:
            training = (await session.exec(select(TrainingSession))).one()
            invites = (await session.exec(select(TrainingInvite))).all()
        assert training.place == "Aula <BKPSDM> & Zoom 😀" and training.jp == Decimal("2.5")
        assert training.starts_at == datetime(2027, 1, 21, 9, tzinfo=WIB)
        assert training.recommendation_id is not None and training.opd_id == org.opd.id
        # By name: Budi Santoso (staff2) and Rina Harahap (leader); Siti did not fit.
        by_emp = {i.employee_id: i for i in invites}
        assert set(by_emp) == {org.staff2.id, org.leader.id}
        await bot.drain()
        invitation = bot.fake.last(STAFF2_TG)  # Indonesian
        assert "Anda diundang" in str(invitation.text)
        assert "Jam pelajaran: 2,5 JP" in str(invitation.text)
        await bot.press_label(STAFF2_TG, "Hadir")
        assert "Terima kasih! Anda akan menghadiri" in bot.last_text(STAFF2_TG)
        assert "Undangan ini bukan" not in bot.last_text(STAFF2_TG)
        english = bot.fake.last(LEADER_TG)
        assert "you are invited" in str(english.text)
        # A crafted id: the leader answers Budi's invitation -> refused, nothing changes.
        budi = by_emp[org.staff2.id or 0]
        await bot.press_raw(LEADER_TG, english.message_id, f"pl:rsvp:{budi.id}:n")
        alert = bot.fake.calls_of("answerCallbackQuery")[-1]
        assert alert.get("text") == "Sorry, this invitation is not yours."
        await bot.press_raw(LEADER_TG, english.message_id, "pl:rsvp:abc:y")
        assert bot.fake.calls_of("answerCallbackQuery")[-1].get("text")
        await bot.press_label(LEADER_TG, "Not attending")
        async with bot.deps.sessions() as session:
            rows = {i.employee_id: i for i in (await session.exec(select(TrainingInvite))).all()}
        assert rows[org.staff2.id or 0].rsvp == "hadir"
        assert rows[org.leader.id or 0].rsvp == "tidak"
        # Staff see their invitations; attendance is refused before the start.
        await bot.send(STAFF2_TG, "/pelatihan")
        assert "akan hadir" in bot.last_text(STAFF2_TG)
        assert "0 JP" in bot.last_text(STAFF2_TG)
        await bot.press_raw(HR_TG, bot.fake.last(HR_TG).message_id, f"pl:a:{budi.id}:y")
        assert "once the session has started" in str(
            bot.fake.calls_of("answerCallbackQuery")[-1].get("text")
        )
        # After the session HR records attendance; JP accumulate.
        bot.deps.clock.freeze(datetime(2027, 1, 21, 11, 0, tzinfo=WIB))
        await bot.press_label(HR_TG, "Open session")
        assert "1 will attend, 1 will not" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Record attendance")
        sheet = bot.fake.last(HR_TG)
        budi_present = next(d for label, d in sheet.buttons() if d == f"pl:a:{budi.id}:y")
        await bot.press(HR_TG, sheet.message_id, budi_present)
        # Another employee's crafted attendance press is refused.
        await bot.press_raw(STAFF_TG, 1, f"pl:a:{budi.id}:n")
        assert "only HR officers" in str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text"))
        async with bot.deps.sessions() as session:
            done = await session.get(TrainingInvite, budi.id)
            assert done is not None and done.attended is True
            assert done.jp_awarded == Decimal("2.5")
        staff2 = org.staff2.id or 0
        assert (await tr.my_training(bot.deps.sessions, staff2, NOW, 2027)).jp == Decimal("2.5")
        assert (await tr.my_training(bot.deps.sessions, staff2, NOW, 2026)).jp == Decimal(0)
        await bot.send(STAFF2_TG, "/pelatihan")
        assert "2,5 JP" in bot.last_text(STAFF2_TG) and "hadir" in bot.last_text(STAFF2_TG)
        # RSVP after the start is closed.
        await bot.press_raw(STAFF2_TG, invitation.message_id, f"pl:rsvp:{budi.id}:n")
        assert "sudah dimulai" in str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text"))


async def test_staff_cannot_reach_hr_screens_and_cancel_keeps_nothing(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        register(bot)
        await setup(bot.deps.sessions)
        await bot.send(STAFF_TG, "/training")
        text = bot.last_text(STAFF_TG)
        assert "no training invitations" in text and "0 JP" in text
        assert bot.fake.last(STAFF_TG).buttons() == []
        for data in ("pl:reco", "pl:new", "pl:list", "pl:s:1", "pl:att:1:0"):
            await bot.press_raw(STAFF_TG, 1, data)
            assert "only HR officers" in str(
                bot.fake.calls_of("answerCallbackQuery")[-1].get("text")
            ), data
        # HR starts from scratch, then cancels: nothing saved.
        await bot.send(HR_TG, "/pelatihan")
        await bot.press_label(HR_TG, "New session")
        assert "What is the title?" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "Manajemen waktu")
        await bot.send(HR_TG, "SKP")
        await bot.send(HR_TG, "/batal")
        assert "Nothing was saved" in bot.last_text(HR_TG)
        async with bot.deps.sessions() as session:
            assert (await session.exec(select(TrainingSession))).all() == []


async def test_scheduler_runs_the_training_jobs(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        register(bot)
        await setup(bot.deps.sessions)
        queue = bot.app.job_queue
        assert queue is not None
        (job,) = queue.get_jobs_by_name(TRAINING_REMINDER_JOB)
        assert job.job.trigger.interval == timedelta(minutes=10)
        (job,) = queue.get_jobs_by_name(TRAINING_JOB)
        assert job.job.trigger.interval == timedelta(hours=3)
        await plan_trainings_job(BotContext(bot.app))
        await plan_training_reminders_job(BotContext(bot.app))
        assert len(await outbox(bot.deps.sessions, tp.KIND_RECO)) == 2


async def test_planners_refuse_a_naive_instant(sessions: SessionFactory) -> None:
    naive = datetime(2027, 1, 18, 9)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="aware"):
        await tp.plan_trainings(sessions, i18n(), SETTINGS, naive)
    with pytest.raises(ValueError, match="aware"):
        await tp.plan_training_reminders(sessions, i18n(), SETTINGS, naive)


async def test_hr_cancels_a_session_and_invitees_are_told(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        register(bot)
        org = await setup(bot.deps.sessions)
        async with bot.deps.sessions() as session:
            hr = await speaker_for(session, org.hr)
        draft = tr.Draft(
            title="Menulis <laporan> & SKP",
            topic="",
            starts_at=datetime(2027, 1, 21, 9, tzinfo=WIB),
            place="Aula",
            capacity=10,
            jp=Decimal(2),
            recommendation_id=None,
            employee_ids=[org.staff.id or 0, org.staff2.id or 0, org.leader.id or 0],
        )
        created = await tr.create_session(bot.deps.sessions, hr, bot.deps.i18n, draft, NOW)
        assert created is not None
        training_id = created.training.id
        await bot.drain()
        await bot.press_label(LEADER_TG, "Not attending")  # declined: not told again
        invitation = bot.fake.last(STAFF2_TG)
        # Staff cannot cancel, even with crafted buttons.
        for data in (f"pl:cx:{training_id}", f"pl:cxy:{training_id}"):
            await bot.press_raw(STAFF_TG, 1, data)
            assert "only HR officers" in str(
                bot.fake.calls_of("answerCallbackQuery")[-1].get("text")
            ), data
        await bot.press_raw(HR_TG, 1, f"pl:s:{training_id}")
        await bot.press_label(HR_TG, "Cancel this session")
        assert "2 invitee(s) who have not declined" in bot.last_text(HR_TG)
        assert "&lt;laporan&gt; &amp; SKP" in str(bot.fake.last(HR_TG).html)
        await bot.press_label(HR_TG, "Yes, cancel the session")
        assert "is cancelled. 2 invitee(s) will be told" in bot.last_text(HR_TG)
        await bot.drain()
        assert "has been cancelled" in bot.last_text(STAFF_TG)
        assert "dibatalkan" in bot.last_text(STAFF2_TG)  # in their own language
        assert "cancelled" not in bot.last_text(LEADER_TG)
        # A stale confirmation, an RSVP after cancelling, and the reminders: all refused.
        await bot.press_raw(HR_TG, 1, f"pl:cxy:{training_id}")
        assert "can no longer be cancelled" in bot.last_text(HR_TG)
        await bot.press(STAFF2_TG, invitation.message_id, invitation.button("Hadir"))
        assert bot.fake.calls_of("answerCallbackQuery")[-1].get("text")
        day_before = datetime(2027, 1, 20, 9, tzinfo=WIB)
        added = await tp.plan_training_reminders(
            bot.deps.sessions, bot.deps.i18n, bot.deps.settings, day_before
        )
        assert added == 0
        async with bot.deps.sessions() as session:
            training = await session.get(TrainingSession, training_id)
            assert training is not None and training.status == "cancelled"


# --- JP per OPD and unit, for HR -------------------------------------------------------------


async def seed_attendance(sessions: SessionFactory, org: Org) -> None:
    """JP of 2027 (WIB): DINKES staff 2.5 + 1.5, staff2 2.5 (its 2026 session does not count),
    an absent leader, an inactive person's JP left out; DISHUB two people with 2 each."""
    async with sessions() as session:
        traffic = (
            await session.exec(
                select(Employee).where(col(Employee.name) == "Bidang Lalu Lintas 0")
            )
        ).one()
        gone = await add(
            session,
            nip=nip(),
            name="Pensiunan",
            opd_id=org.opd.id,
            unit_id=org.unit.id,
            active=False,
        )

        async def held(start: datetime, jp: str, attended: list[tuple[Employee, bool]]) -> None:
            training = TrainingSession(
                title="Sesi",
                starts_at=start.astimezone(UTC),
                jp=Decimal(jp),
                created_by_id=org.hr.id or 0,
                status="done",
            )
            session.add(training)
            await session.flush()
            for person, present in attended:
                session.add(
                    TrainingInvite(
                        session_id=training.id or 0,
                        employee_id=person.id or 0,
                        attended=present,
                        jp_awarded=Decimal(jp) if present else Decimal(0),
                    )
                )

        await held(
            datetime(2027, 1, 5, 9, tzinfo=WIB),
            "2.5",
            [(org.staff, True), (org.staff2, True), (org.leader, False), (gone, True)],
        )
        await held(datetime(2027, 1, 1, 0, 30, tzinfo=WIB), "1.5", [(org.staff, True)])
        await held(datetime(2026, 12, 31, 20, tzinfo=WIB), "3", [(org.staff2, True)])
        await held(
            datetime(2027, 1, 10, 9, tzinfo=WIB),
            "2",
            [(traffic, True), (org.other_opd_staff, True)],
        )
        await session.commit()


async def test_jp_per_opd_and_unit_numbers(sessions: SessionFactory) -> None:
    org = await setup(sessions)
    await seed_attendance(sessions, org)
    async with sessions() as session:
        city = await speaker_for(session, org.city_hr)
        hr = await speaker_for(session, org.hr)
        staff = await speaker_for(session, org.staff)
        everything = await tr.jp_by_opd(sessions, city, 2027)
        assert [(g.name, g.staff, g.trained, g.total, g.average) for g in everything] == [
            ("Dinas Kesehatan", 7, 2, Decimal("6.5"), Decimal("0.93")),
            ("Dinas Perhubungan", 9, 2, Decimal(4), Decimal("0.44")),
            ("Badan Kepegawaian dan Pengembangan SDM", 1, 0, Decimal(0), Decimal(0)),
        ]
        whole = tr.jp_summary(everything)
        assert (whole.staff, whole.trained, whole.total, whole.average) == (
            17,
            4,
            Decimal("10.5"),
            Decimal("0.62"),
        )
        assert [g.name for g in await tr.jp_by_opd(sessions, hr, 2027)] == ["Dinas Kesehatan"]
        assert await tr.jp_by_opd(sessions, staff, 2027) == []
        last_year = await tr.jp_by_opd(sessions, city, 2026)
        assert [(g.trained, g.total) for g in last_year if g.total] == [(1, Decimal(3))]
        found = await tr.jp_by_unit(sessions, hr, org.opd.id or 0, 2027)
        assert found is not None
        assert [(g.name, g.staff, g.trained, g.total) for g in found[1]] == [
            ("Bidang Pelayanan Kesehatan", 3, 2, Decimal("6.5")),
            ("", 2, 0, Decimal(0)),  # the head and the HR officer have no unit
            ("Seksi Kecil", 2, 0, Decimal(0)),
        ]
        dishub = org.other_opd_staff.opd_id
        assert await tr.jp_by_unit(sessions, hr, dishub, 2027) is None
        assert await tr.jp_by_unit(sessions, staff, org.opd.id or 0, 2027) is None
        assert await tr.jp_by_unit(sessions, city, 987654, 2027) is None


async def test_hr_sees_jp_this_year_per_opd_and_unit(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        register(bot)
        org = await setup(bot.deps.sessions)
        await seed_attendance(bot.deps.sessions, org)
        dishub = org.other_opd_staff.opd_id
        # OPD-scoped HR (English): their OPD only; another OPD by crafted data is refused.
        await bot.send(HR_TG, "/pelatihan")
        await bot.press_label(HR_TG, "JP this year")
        text = bot.last_text(HR_TG)
        assert "Training hours (JP) in 2027" in text
        assert "All OPDs in your scope: 7 staff, 2 with JP, 6.5 JP in total" in text
        assert "1. Dinas Kesehatan: 7 staff, 2 with JP, 6.5 JP in total, 0.93 JP per staff" in text
        assert "Perhubungan" not in text and "Page" not in text
        await bot.press_label(HR_TG, "Dinas Kesehatan")
        text = bot.last_text(HR_TG)
        assert "Training hours (JP) in 2027: Dinas Kesehatan" in text
        assert "The whole OPD: 7 staff, 2 with JP, 6.5 JP in total, 0.93 JP per staff" in text
        assert "• Bidang Pelayanan Kesehatan: 3 staff, 2 with JP, 6.5 JP in total, 2.17" in text
        assert "• Without a unit: 2 staff, 0 with JP, 0 JP in total" in text
        assert "• Seksi Kecil: 2 staff" in text
        screen = bot.fake.last(HR_TG)
        await bot.press_raw(HR_TG, screen.message_id, f"pl:jpo:{dishub}:0")
        alert = bot.fake.calls_of("answerCallbackQuery")[-1]
        assert alert.get("text") == (
            "Sorry, that OPD is outside your HR scope, so its figures cannot be shown."
        )
        assert "Dinas Kesehatan" in bot.last_text(HR_TG)  # the screen is unchanged
        await bot.press_label(HR_TG, "Back")
        assert "All OPDs in your scope" in bot.last_text(HR_TG)
        # Staff are refused like on the other HR screens.
        for data in ("pl:jp:0", f"pl:jpo:{org.opd.id}:0"):
            await bot.press_raw(STAFF_TG, 1, data)
            assert "only HR officers" in str(
                bot.fake.calls_of("answerCallbackQuery")[-1].get("text")
            ), data
        # City-wide HR (Indonesian): every OPD by total, paged beyond ten.
        async with bot.deps.sessions() as session:
            session.add_all(Opd(code=f"KEC{i:02d}", name=f"Kecamatan {i:02d}") for i in range(12))
            await session.commit()
        await bot.send(CITY_TG, "/pelatihan")
        await bot.press_label(CITY_TG, "JP tahun ini")
        text = bot.last_text(CITY_TG)
        assert "Jam pelajaran (JP) tahun 2027" in text
        assert "Semua OPD dalam cakupan Anda: 17 pegawai, 4 memiliki JP, total 10,5 JP" in text
        assert "rata-rata 0,62 JP per pegawai" in text
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
        assert lines[first].startswith("1. Dinas Kesehatan: 7 pegawai, 2 memiliki JP, total 6,5")
        assert lines[first + 1].startswith("2. Dinas Perhubungan: 9 pegawai, 2 memiliki JP")
        assert "10. " in text and "11. " not in text and "Halaman 1 dari 2" in text
        await bot.press_label(CITY_TG, "›")
        text = bot.last_text(CITY_TG)
        assert "11. " in text and "15. " in text and "Halaman 2 dari 2" in text
        assert "Semua OPD dalam cakupan Anda: 17 pegawai" in text
        assert "Kecamatan 11" in text and "Dinas Kesehatan" not in text
        await bot.press_label(CITY_TG, "‹")
        await bot.press_label(CITY_TG, "Dinas Perhubungan")
        text = bot.last_text(CITY_TG)
        assert "Bidang Lalu Lintas: 4 pegawai, 1 memiliki JP, total 2 JP" in text
        assert "Tanpa unit: 1 pegawai, 1 memiliki JP, total 2 JP" in text
        assert bot.fake.last(CITY_TG).button("Kembali") == "pl:jp:0"
        await bot.press_raw(CITY_TG, bot.fake.last(CITY_TG).message_id, "pl:jpo:987654:0")
        assert "di luar cakupan" in str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text"))
