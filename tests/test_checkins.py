"""Weekly check-ins: when they are due, who gets them, and the reminder's buttons."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.context import BotContext
from bot.i18n import I18n
from bot.runtime.scheduler import (
    CATCH_UP_JOB,
    CHECKIN_JOB,
    DIGEST_JOB,
    catch_up_job,
    plan_checkins_job,
    schedule_planners,
)
from bot.services import checkins
from bot.services.checkins import DateProblem, due_checkin, parse_pause_date, plan_checkins
from models import CheckinPause, Employee, OutboxMessage, ProgressReport, Target
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.harness import Harness, running_bot
from tests.support.harness import test_settings as make_settings

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY_0900 = datetime(2026, 11, 27, 9, 0, tzinfo=WIB)  # ISO week 2026-W48
STAFF_TG, STAFF2_TG, LEADER_TG, HR_TG, CITY_HR_TG, OTHER_TG, GONE_TG = range(3001, 3008)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


# --- when is a check-in due ----------------------------------------------------------------


def test_due_on_friday_at_nine_and_not_before() -> None:
    settings = make_settings("sqlite+aiosqlite://")
    assert due_checkin(FRIDAY_0900 - timedelta(minutes=1), settings) is None
    assert due_checkin(at(date(2026, 11, 23), 12), settings) is None  # Monday
    week = due_checkin(FRIDAY_0900, settings)
    assert week is not None
    assert week.due == FRIDAY_0900
    assert week.dedupe_key(7) == "checkin:2026-W48:emp:7"
    # The weekend after still belongs to that week.
    for later in (at(date(2026, 11, 28), 10), at(date(2026, 11, 29), 22)):
        again = due_checkin(later, settings)
        assert again is not None
        assert again.week_code == "2026-W48"
    assert due_checkin(at(date(2026, 11, 30), 9), settings) is None  # next Monday: not yet


def test_holiday_friday_moves_to_the_next_working_day() -> None:
    settings = make_settings("sqlite+aiosqlite://")
    # 24 Dec 2026 is cuti bersama, 25 Dec Christmas: the check-in moves to Monday 28 Dec.
    assert due_checkin(at(date(2026, 12, 25), 10), settings) is None
    assert due_checkin(at(date(2026, 12, 28), 8, 59), settings) is None
    week = due_checkin(at(date(2026, 12, 28), 9), settings)
    assert week is not None
    assert week.due == at(date(2026, 12, 28), 9)
    assert week.week_code == "2026-W52"  # the nominal week, not the week it moved into
    # New Year's Day (Fri 1 Jan 2027) moves into the next week, which has its own Friday.
    moved = due_checkin(at(date(2027, 1, 4), 9, 30), settings)
    assert moved is not None
    assert moved.week_code == "2026-W53"
    own = due_checkin(at(date(2027, 1, 8), 9), settings)
    assert own is not None
    assert own.week_code == "2027-W01"


def test_weekday_and_time_come_from_settings() -> None:
    settings = make_settings("sqlite+aiosqlite://", checkin_weekday=0, checkin_time=time(10, 0))
    monday = date(2026, 11, 30)
    assert due_checkin(at(monday, 9, 59), settings) is None
    week = due_checkin(at(monday, 10), settings)
    assert week is not None
    assert week.due == at(monday, 10)


def test_typed_pause_dates() -> None:
    today = date(2026, 11, 27)
    assert parse_pause_date("15-12-2026", today) == date(2026, 12, 15)
    assert parse_pause_date(" 15/12/2026 ", today) == date(2026, 12, 15)
    assert parse_pause_date("5.1.2027", today) == date(2027, 1, 5)
    assert parse_pause_date("32-13-2026", today) is DateProblem.UNREADABLE
    assert parse_pause_date("31-11-2026", today) is DateProblem.UNREADABLE
    assert parse_pause_date("besok", today) is DateProblem.UNREADABLE
    assert parse_pause_date("1" * 5000, today) is DateProblem.UNREADABLE
    assert parse_pause_date("27-11-2026", today) is DateProblem.NOT_FUTURE
    assert parse_pause_date("20-11-2026", today) is DateProblem.NOT_FUTURE
    assert parse_pause_date("27-05-2027", today) == date(2027, 5, 27)  # exactly 6 months
    assert parse_pause_date("28-05-2027", today) is DateProblem.TOO_FAR
    assert parse_pause_date("27-06-2027", today) is DateProblem.TOO_FAR
    assert checkins.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


# --- the planner ----------------------------------------------------------------------------


async def population(sessions: SessionFactory) -> Org:
    """Everyone the planner must include or leave out, one reason each."""
    async with sessions() as session:
        org = await make_org(session)
        links = {
            org.staff.id: (STAFF_TG, "en"),
            org.staff2.id: (STAFF2_TG, None),  # default language: Indonesian
            org.leader.id: (LEADER_TG, None),  # reported two days ago
            org.hr.id: (HR_TG, None),  # blocked the bot
            org.city_hr.id: (CITY_HR_TG, None),  # only a pending target
            org.other_opd_staff.id: (OTHER_TG, None),  # on leave
        }
        for employee in (await session.exec(select(Employee))).all():
            if employee.id in links:
                employee.telegram_user_id, employee.language = links[employee.id]
            if employee.id == org.hr.id:
                employee.blocked_at = FRIDAY_0900.astimezone(UTC) - timedelta(days=3)
            session.add(employee)
        gone = Employee(
            nip="198503122010011999",
            name="Pensiunan",
            opd_id=org.opd.id,
            telegram_user_id=GONE_TG,
            active=False,
        )
        session.add(gone)
        await session.flush()
        targets = {}
        for employee in (org.staff, org.staff2, org.leader, org.hr, org.head, org.other_opd_staff):
            row = Target(
                employee_id=employee.id,
                period="2026-2",
                title="Laporan",
                target_amount=Decimal(10),
                unit="dokumen",
                status="approved",
            )
            session.add(row)
            targets[employee.id] = row
        session.add_all(
            [
                Target(employee_id=org.city_hr.id, period="2026-2", title="Usulan"),
                Target(employee_id=gone.id, period="2026-2", title="Lama", status="approved"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                ProgressReport(
                    target_id=targets[org.leader.id].id,
                    employee_id=org.leader.id,
                    amount=Decimal(1),
                    created_at=FRIDAY_0900.astimezone(UTC) - timedelta(days=2),
                ),
                ProgressReport(  # eight days ago: due for a reminder again
                    target_id=targets[org.staff2.id].id,
                    employee_id=org.staff2.id,
                    amount=Decimal(1),
                    created_at=FRIDAY_0900.astimezone(UTC) - timedelta(days=8),
                ),
                ProgressReport(  # withdrawn reports do not count as reporting
                    target_id=targets[org.staff.id].id,
                    employee_id=org.staff.id,
                    amount=Decimal(1),
                    status="withdrawn",
                    created_at=FRIDAY_0900.astimezone(UTC) - timedelta(days=1),
                ),
                CheckinPause(employee_id=org.other_opd_staff.id, until=date(2026, 11, 30)),
            ]
        )
        await session.commit()
    return org


async def outbox(sessions: SessionFactory, kind: str | None = None) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list((await session.exec(query)).all())


def payload(row: OutboxMessage) -> dict[str, Any]:
    params: dict[str, Any] = json.loads(row.payload)["params"]
    return params


async def run(sessions: SessionFactory, as_of: datetime, **overrides: Any) -> int:
    settings = make_settings("sqlite+aiosqlite://", **overrides)
    return await plan_checkins(sessions, I18n("id", WIB), settings, as_of)


async def test_planner_reaches_the_right_people_once(sessions: SessionFactory) -> None:
    org = await population(sessions)
    assert await run(sessions, FRIDAY_0900 - timedelta(minutes=1)) == 0
    assert await run(sessions, FRIDAY_0900) == 2
    rows = await outbox(sessions)
    assert {r.employee_id for r in rows} == {org.staff.id, org.staff2.id}
    assert {r.dedupe_key for r in rows} == {
        f"checkin:2026-W48:emp:{org.staff.id}",
        f"checkin:2026-W48:emp:{org.staff2.id}",
    }
    for row in rows:
        assert row.kind == "checkin"
        assert row.working_hours_only is True
        assert row.not_before == FRIDAY_0900.astimezone(UTC)
        assert row.status == "pending"
    by_chat = {r.chat_id: payload(r) for r in rows}
    english, indonesian = by_chat[STAFF_TG], by_chat[STAFF2_TG]
    assert english["text"].startswith("Good morning, Siti &lt;Aminah&gt; &amp; Co 😀!")
    assert "shaming" not in english["text"]
    buttons = [b for row in english["reply_markup"]["inline_keyboard"] for b in row]
    assert [(b["text"], b["callback_data"]) for b in buttons] == [
        ("Report now", "rp:start"),
        ("Remind me tomorrow", "ci:later"),
        ("I am on leave until …", "ci:leave"),
    ]
    assert indonesian["text"].startswith("Selamat pagi, Budi Santoso!")
    assert "Yuk laporkan" in indonesian["text"]
    # Idempotent: again, later that day and over the weekend nothing new is queued.
    for later in (FRIDAY_0900, FRIDAY_0900 + timedelta(hours=5), at(date(2026, 11, 29), 8)):
        assert await run(sessions, later) == 0
    assert len(await outbox(sessions)) == 2


async def test_planner_run_at_the_weekend_queues_for_working_hours(
    sessions: SessionFactory,
) -> None:
    await population(sessions)
    saturday = at(date(2026, 11, 28), 20)
    assert await run(sessions, saturday) == 2
    rows = await outbox(sessions)
    assert all(r.not_before == saturday.astimezone(UTC) for r in rows)
    assert all(r.working_hours_only for r in rows)  # the drainer holds them until Monday
    assert "Good afternoon" in payload(next(r for r in rows if r.chat_id == STAFF_TG))["text"]


async def test_planner_on_a_moved_due_day_uses_the_nominal_week(sessions: SessionFactory) -> None:
    org = await population(sessions)
    assert await run(sessions, at(date(2026, 12, 25), 10)) == 0  # Christmas
    # By then the leader's report is old and the pause is over: four people.
    assert await run(sessions, at(date(2026, 12, 28), 9, 15)) == 4
    keys = {r.dedupe_key for r in await outbox(sessions)}
    assert f"checkin:2026-W52:emp:{org.staff.id}" in keys


async def test_next_week_everyone_not_reporting_is_reminded_again(
    sessions: SessionFactory,
) -> None:
    org = await population(sessions)
    assert await run(sessions, FRIDAY_0900) == 2
    # A week later the leader's report is nine days old and the pause has ended.
    added = await run(sessions, FRIDAY_0900 + timedelta(days=7))
    assert added == 4
    week49 = {r.employee_id for r in await outbox(sessions) if "2026-W49" in r.dedupe_key}
    assert week49 == {org.staff.id, org.staff2.id, org.leader.id, org.other_opd_staff.id}


# --- the buttons, through the bot ------------------------------------------------------------


async def linked_staff(sessions: SessionFactory) -> Org:
    async with sessions() as session:
        org = await make_org(session)
        for employee, tg, lang in ((org.staff, STAFF_TG, "en"), (org.staff2, STAFF2_TG, None)):
            row = await session.get(Employee, employee.id)
            assert row is not None
            row.telegram_user_id, row.language = tg, lang
            session.add(row)
            session.add(
                Target(
                    employee_id=employee.id,
                    period="2026-2",
                    title="Laporan",
                    target_amount=Decimal(10),
                    unit="dokumen",
                    status="approved",
                )
            )
        await session.commit()
    return org


async def deliver_checkins(bot: Harness) -> int:
    """Plan as of the bot's clock and send; the linked users have started the bot before."""
    bot.fake.known_chats.update({STAFF_TG, STAFF2_TG})
    deps = bot.deps
    added = await plan_checkins(deps.sessions, deps.i18n, deps.settings, deps.clock.now())
    await bot.drain()
    return added


async def test_remind_me_tomorrow_queues_one_reminder_for_the_next_working_day(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await linked_staff(sessions)
    async with running_bot(db[0], db[1], now=FRIDAY_0900 + timedelta(minutes=30)) as bot:
        bot.fake.user(STAFF_TG, first_name="Siti", language_code="en")
        assert await deliver_checkins(bot) == 2
        reminder = bot.fake.last(STAFF_TG)
        assert reminder.text.startswith("Good morning, Siti <Aminah> & Co 😀!")
        await bot.press(STAFF_TG, reminder.message_id, "ci:later")
        assert "I will remind you again on Monday, 30 November 2026 at 09:00" in bot.last_text(
            STAFF_TG
        )
        await bot.press(STAFF_TG, reminder.message_id, "ci:later")  # pressed twice
        later = await outbox(sessions, "checkin-later")
        assert len(later) == 1
        assert later[0].dedupe_key == f"checkin-later:{org.staff.id}:2026-11-30"
        assert later[0].not_before == at(date(2026, 11, 30), 9).astimezone(UTC)
        assert later[0].working_hours_only is True
        sent_before = len(bot.fake.sent(STAFF_TG))
        await bot.drain()
        assert len(bot.fake.sent(STAFF_TG)) == sent_before  # not yet
        bot.deps.clock.freeze(at(date(2026, 11, 30), 9))
        await bot.drain()
        again = bot.fake.last(STAFF_TG)
        assert again.text.startswith("Good morning")
        assert again.button("Report now") == "rp:start"


async def test_leave_with_a_typed_date_is_validated_and_pauses_reminders(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await linked_staff(sessions)
    async with running_bot(db[0], db[1], now=FRIDAY_0900 + timedelta(minutes=30)) as bot:
        bot.fake.user(STAFF_TG, language_code="en")
        await deliver_checkins(bot)
        reminder = bot.fake.last(STAFF_TG)
        await bot.press(STAFF_TG, reminder.message_id, "ci:later")
        await bot.press(STAFF_TG, reminder.message_id, "ci:leave")
        choices = bot.fake.last(STAFF_TG)
        assert [label for label, _ in choices.buttons()] == [
            "1 week",
            "2 weeks",
            "End of this month",
            "Type a date",
            "Cancel",
        ]
        await bot.press_label(STAFF_TG, "Type a date")
        assert "day-month-year, for example 11-12-2026" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "32-13-2026")
        assert "could not read that date" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "20-11-2026")
        assert "not in the future" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "27-06-2027")
        assert "up to 6 months, that is until Thursday, 27 May 2027" in bot.last_text(STAFF_TG)
        await bot.feed(bot.fake.send_sticker(STAFF_TG))
        assert "type the date as text" in bot.last_text(STAFF_TG)
        async with sessions() as session:
            assert (await session.exec(select(CheckinPause))).first() is None
        await bot.send(STAFF_TG, "15/12/2026")
        assert "paused until Tuesday, 15 December 2026" in bot.last_text(STAFF_TG)
        async with sessions() as session:
            pause = (await session.exec(select(CheckinPause))).one()
        assert (pause.employee_id, pause.until) == (org.staff.id, date(2026, 12, 15))
        # The "remind me tomorrow" row queued earlier is dropped too.
        assert [r.status for r in await outbox(sessions, "checkin-later")] == ["cancelled"]
        # The flow is over: the same text now is not read as a date.
        await bot.send(STAFF_TG, "16/12/2026")
        assert "paused until" not in bot.last_text(STAFF_TG)
    # Next Friday only the colleague is reminded.
    assert await run(sessions, FRIDAY_0900 + timedelta(days=7)) == 1
    assert {r.employee_id for r in await outbox(sessions) if "W49" in r.dedupe_key} == {
        org.staff2.id
    }


async def test_leave_buttons_in_indonesian_and_resume(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await linked_staff(sessions)
    async with running_bot(db[0], db[1], now=FRIDAY_0900 + timedelta(minutes=30)) as bot:
        bot.fake.user(STAFF2_TG, language_code="id")
        await deliver_checkins(bot)
        reminder = bot.fake.last(STAFF2_TG)
        assert [label for label, _ in reminder.buttons()] == [
            "Lapor sekarang",
            "Ingatkan besok",
            "Saya sedang cuti sampai …",
        ]
        await bot.press_label(STAFF2_TG, "Saya sedang cuti")
        assert [label for label, _ in bot.fake.last(STAFF2_TG).buttons()] == [
            "1 minggu",
            "2 minggu",
            "Akhir bulan ini",
            "Ketik tanggal",
            "Batal",
        ]
        await bot.press_label(STAFF2_TG, "Akhir bulan ini")
        assert "sampai Senin, 30 November 2026" in bot.last_text(STAFF2_TG)
        async with sessions() as session:
            pause = (await session.exec(select(CheckinPause))).one()
        assert (pause.employee_id, pause.until) == (org.staff2.id, date(2026, 11, 30))
        await bot.send(STAFF2_TG, "/kinerja")
        await bot.press_label(STAFF2_TG, "Aktifkan lagi")
        assert "aktif lagi" in bot.last_text(STAFF2_TG)
        async with sessions() as session:
            assert (await session.exec(select(CheckinPause))).first() is None


async def test_one_week_button_cancel_and_crafted_data(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await linked_staff(sessions)
    async with running_bot(db[0], db[1], now=FRIDAY_0900 + timedelta(minutes=30)) as bot:
        bot.fake.user(STAFF_TG, language_code="en")
        await deliver_checkins(bot)
        reminder = bot.fake.last(STAFF_TG)
        await bot.press_raw(STAFF_TG, reminder.message_id, "ci:pause:w9")  # crafted
        answers = bot.fake.calls_of("answerCallbackQuery")
        assert "no longer active" in answers[-1]["text"]
        await bot.press(STAFF_TG, reminder.message_id, "ci:leave")
        await bot.press_label(STAFF_TG, "Cancel")
        assert "stay as they are" in bot.last_text(STAFF_TG)
        await bot.press(STAFF_TG, reminder.message_id, "ci:leave")
        await bot.send(STAFF_TG, "/batal")
        assert "stay as they are" in bot.last_text(STAFF_TG)
        async with sessions() as session:
            assert (await session.exec(select(CheckinPause))).first() is None
        await bot.press(STAFF_TG, reminder.message_id, "ci:leave")
        await bot.press_label(STAFF_TG, "1 week")
        assert "paused until Friday, 4 December 2026" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "/kinerja")
        await bot.press_label(STAFF_TG, "Resume check-in reminders")
        assert "on again" in bot.last_text(STAFF_TG)
        await bot.press_raw(STAFF_TG, reminder.message_id, "ci:resume")  # stale button
        assert "already on" in bot.last_text(STAFF_TG)
    async with sessions() as session:
        assert (await session.exec(select(CheckinPause))).first() is None
        assert org.staff.id is not None


# --- the scheduler ---------------------------------------------------------------------------


async def test_scheduler_registers_jobs_and_the_checkin_job_plans_and_wakes(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await linked_staff(sessions)
    async with running_bot(db[0], db[1], now=FRIDAY_0900 + timedelta(minutes=5)) as bot:
        queue = bot.app.job_queue
        assert queue is not None
        assert {CHECKIN_JOB, DIGEST_JOB, CATCH_UP_JOB} <= {job.name for job in queue.jobs()}
        checkin_job = queue.get_jobs_by_name(CHECKIN_JOB)[0]
        assert checkin_job.job.misfire_grace_time == 300
        assert checkin_job.job.trigger.interval == timedelta(minutes=15)
        drainer = bot.deps.drainer
        assert drainer is not None
        drainer._wake.clear()
        await plan_checkins_job(BotContext(bot.app))
        assert len(await outbox(sessions, "checkin")) == 2
        assert drainer._wake.is_set()
        await plan_checkins_job(BotContext(bot.app))  # idempotent
        assert len(await outbox(sessions, "checkin")) == 2


async def test_sweep_waits_for_working_hours_but_the_start_up_catch_up_does_not(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await linked_staff(sessions)
    async with running_bot(db[0], db[1], now=at(date(2026, 11, 28), 11)) as bot:  # Saturday
        await plan_checkins_job(BotContext(bot.app))
        assert await outbox(sessions, "checkin") == []
        await catch_up_job(BotContext(bot.app))  # every planner, digests included, runs
        assert len(await outbox(sessions, "checkin")) == 2


@pytest.mark.parametrize("weekday", [5, 6])
def test_settings_refuse_weekend_checkins(weekday: int) -> None:
    with pytest.raises(ValueError, match="checkin_weekday"):
        make_settings("sqlite+aiosqlite://", checkin_weekday=weekday)


def test_schedule_without_job_queue_is_a_no_op() -> None:
    app = SimpleNamespace(job_queue=None, bot_data={})
    schedule_planners(app)  # type: ignore[arg-type]


async def test_a_reminder_button_leaves_a_half_finished_report(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await linked_staff(sessions)
    async with running_bot(db[0], db[1], now=FRIDAY_0900 + timedelta(minutes=30)) as bot:
        bot.fake.user(STAFF_TG, language_code="en")
        await deliver_checkins(bot)
        reminder = bot.fake.last(STAFF_TG)
        await bot.press(STAFF_TG, reminder.message_id, "rp:start")  # into the report flow
        await bot.press_label(STAFF_TG, "Laporan")  # picks the target: now at the amount step
        assert "how much have you achieved" in bot.last_text(STAFF_TG).lower()
        await bot.press(STAFF_TG, reminder.message_id, "ci:leave")  # then changes their mind
        await bot.press_label(STAFF_TG, "Type a date")
        await bot.send(STAFF_TG, "15/12/2026")  # read by the leave flow, not as an amount
        assert "paused until Tuesday, 15 December 2026" in bot.last_text(STAFF_TG)
        async with sessions() as session:
            pause = (await session.exec(select(CheckinPause))).one()
        assert pause.employee_id == org.staff.id
