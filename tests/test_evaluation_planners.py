"""Evaluation planners: the window, prompts, follow-ups, escalations, and their scheduling."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.context import BotContext
from bot.i18n import I18n
from bot.runtime.scheduler import (
    ESCALATION_JOB,
    EVALUATION_JOB,
    plan_escalations_job,
    plan_evaluations_job,
)
from bot.services.evaluation import planner_notices
from bot.services.evaluation import planners as ep
from bot.services.evaluation.window import evaluation_window
from bot.services.periods import Period
from models import ActingEvaluator, Employee, Evaluation, OutboxMessage
from models.db import SessionFactory
from tests.support.factories import Org, add, make_org, nip
from tests.support.harness import running_bot
from tests.support.harness import test_settings as make_settings

WIB = ZoneInfo("Asia/Jakarta")
SETTINGS = make_settings("sqlite+aiosqlite://")
S2_2026 = Period(2026, 2)
S1_2027 = Period(2027, 1)
HEAD_TG, LEADER_TG, HR_TG, CITY_HR_TG, STAFF_TG, DISHUB_HEAD_TG = range(5101, 5107)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


# --- the window ------------------------------------------------------------------------------


def test_window_of_semester_two_2026_spans_the_new_year() -> None:
    opens_at, due_at = evaluation_window(S2_2026, SETTINGS)
    assert opens_at == datetime(2026, 12, 18, tzinfo=WIB)
    assert due_at == datetime(2027, 1, 15, tzinfo=WIB)
    assert ep.last_day(due_at, SETTINGS) == date(2027, 1, 14)
    assert ep.open_period(opens_at - timedelta(seconds=1), SETTINGS) is None
    assert ep.open_period(opens_at, SETTINGS) == S2_2026
    assert ep.open_period(at(date(2027, 1, 4)), SETTINGS) == S2_2026  # already Semester I
    assert ep.open_period(due_at - timedelta(seconds=1), SETTINGS) == S2_2026
    assert ep.open_period(due_at, SETTINGS) is None
    assert ep.escalation_period(due_at - timedelta(seconds=1), SETTINGS) is None
    assert ep.escalation_period(due_at, SETTINGS) == S2_2026
    # Escalations stop when late evaluations are no longer accepted (60 days after due).
    assert ep.escalation_period(at(date(2027, 3, 15), 23, 59), SETTINGS) == S2_2026
    assert ep.escalation_period(at(date(2027, 3, 16), 0), SETTINGS) is None
    # ... or earlier, when the next window opens first.
    short = make_settings("sqlite+aiosqlite://", evaluation_opens_days=90, evaluation_due_days=40)
    opens_2027, _ = evaluation_window(S1_2027, short)
    assert ep.escalation_period(opens_2027 - timedelta(seconds=1), short) == S2_2026
    assert ep.escalation_period(opens_2027, short) is None


def test_window_of_semester_one_2027_and_settings() -> None:
    opens_at, due_at = evaluation_window(S1_2027, SETTINGS)
    assert (opens_at, due_at) == (
        datetime(2027, 6, 17, tzinfo=WIB),
        datetime(2027, 7, 15, tzinfo=WIB),
    )
    assert ep.open_period(at(date(2027, 6, 16), 23, 59), SETTINGS) is None
    assert ep.open_period(at(date(2027, 6, 17), 0), SETTINGS) == S1_2027
    assert ep.open_period(at(date(2027, 7, 14), 23, 59), SETTINGS) == S1_2027
    assert ep.escalation_period(at(date(2027, 7, 15), 0), SETTINGS) == S1_2027
    custom = make_settings("sqlite+aiosqlite://", evaluation_opens_days=7, evaluation_due_days=3)
    assert evaluation_window(S1_2027, custom) == (
        datetime(2027, 6, 24, tzinfo=WIB),
        datetime(2027, 7, 4, tzinfo=WIB),
    )


def test_follow_up_days_skip_weekends_and_holidays() -> None:
    def days(period: Period, until: date, settings: Any = SETTINGS) -> list[date]:
        seen: list[date] = []
        day = evaluation_window(period, settings)[0].date()
        while day <= until:
            follow = ep.followup_day(period, day, settings)
            if follow is not None and follow not in seen:
                seen.append(follow)
            day += timedelta(days=1)
        return seen

    # Opens Friday 18 Dec; 24 Dec cuti bersama, 25 Dec Christmas, 1 Jan New Year, 5 Jan 2027
    # Isra' Mi'raj are skipped; nothing after the last due day (14 Jan).
    assert days(S2_2026, date(2027, 1, 31)) == [
        date(2026, 12, 22),
        date(2026, 12, 28),
        date(2026, 12, 30),
        date(2027, 1, 4),
        date(2027, 1, 7),
        date(2027, 1, 11),
        date(2027, 1, 13),
    ]
    assert days(S1_2027, date(2027, 6, 25)) == [
        date(2027, 6, 21),
        date(2027, 6, 23),
        date(2027, 6, 25),
    ]
    every_three = make_settings("sqlite+aiosqlite://", evaluation_followup_workdays=3)
    assert days(S2_2026, date(2026, 12, 31), every_three)[:2] == [
        date(2026, 12, 23),
        date(2026, 12, 30),  # 28, 29, 30: 24 and 25 December do not count
    ]
    assert ep.followup_day(S2_2026, date(2026, 12, 20), SETTINGS) is None


def test_long_lists_end_with_and_n_more() -> None:
    t = I18n("id", WIB).for_language("en")
    names = [f"Pegawai {i:02d}" for i in range(35)]
    text = planner_notices.prompt_text(t, "A & B", S2_2026, date(2027, 1, 14), names)
    assert "Hello, A &amp; B." in text
    assert "Pegawai 29" in text
    assert "Pegawai 30" not in text
    assert "… and 5 more" in text
    assert "(35)" in text
    assert len(text) < 4096


# --- a small organisation --------------------------------------------------------------------


async def link(
    sessions: SessionFactory, employee: Employee, tg: int, lang: str | None, blocked: bool = False
) -> None:
    async with sessions() as session:
        row = await session.get(Employee, employee.id)
        assert row is not None
        row.telegram_user_id, row.language = tg, lang
        row.blocked_at = datetime(2026, 11, 1, tzinfo=UTC) if blocked else None
        session.add(row)
        await session.commit()


async def population(sessions: SessionFactory) -> Org:
    """Head (id) -> leader (en) -> staff, staff2; HR of DINKES (en); city-wide HR (id)."""
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.head, HEAD_TG, "id")
    await link(sessions, org.leader, LEADER_TG, "en")
    await link(sessions, org.hr, HR_TG, "en")
    await link(sessions, org.city_hr, CITY_HR_TG, "id")
    return org


async def evaluate(sessions: SessionFactory, employee: Employee, evaluator: Employee) -> None:
    async with sessions() as session:
        assert employee.id is not None
        assert evaluator.id is not None
        session.add(
            Evaluation(
                period="2026-2",
                employee_id=employee.id,
                evaluator_id=evaluator.id,
                hasil_kerja="sesuai",
                perilaku_kerja="sesuai",
                predikat="baik",
            )
        )
        await session.commit()


async def outbox(sessions: SessionFactory, kind: str | None = None) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list((await session.exec(query)).all())


def params(row: OutboxMessage) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(row.payload)["params"]
    return result


def buttons(row: OutboxMessage) -> list[tuple[str, str]]:
    markup = params(row)["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for line in markup for b in line]


I18N = I18n("id", WIB)


async def prompts(sessions: SessionFactory, as_of: datetime, **overrides: Any) -> int:
    return await ep.plan_evaluations(
        sessions, I18N, make_settings("sqlite+aiosqlite://", **overrides), as_of
    )


async def escalations(sessions: SessionFactory, as_of: datetime) -> int:
    return await ep.plan_escalations(sessions, I18N, SETTINGS, as_of)


OPENING = at(date(2026, 12, 18), 8)


# --- prompts and follow-ups ------------------------------------------------------------------


async def test_prompt_once_per_evaluator_listing_everyone_in_their_language(
    sessions: SessionFactory,
) -> None:
    org = await population(sessions)
    assert await prompts(sessions, OPENING.replace(day=16, hour=23, minute=59)) == 0
    assert await prompts(sessions, OPENING) == 2
    rows = await outbox(sessions)
    assert {r.dedupe_key for r in rows} == {
        f"eval-open:2026-2:{org.leader.id}",
        f"eval-open:2026-2:{org.head.id}",
    }
    assert all(r.kind == "eval-open" and r.working_hours_only for r in rows)
    by_chat = {r.chat_id: r for r in rows}
    english = params(by_chat[LEADER_TG])["text"]
    assert english.startswith("Hello, Rina Harahap. The performance evaluation for <b>Semester II")
    assert "Siti &lt;Aminah&gt; &amp; Co 😀" in english
    assert "<Aminah>" not in english
    assert "Budi Santoso" in english
    assert "Thursday, 14 January 2027" in english
    assert buttons(by_chat[LEADER_TG]) == [("Start evaluating", "ev:start")]
    indonesian = params(by_chat[HEAD_TG])["text"]
    assert "Penilaian kinerja <b>Semester II 2026</b> sudah dibuka" in indonesian
    assert "Rina Harahap" in indonesian
    assert "Dewi Lubis" in indonesian
    assert "Siti" not in indonesian  # only the head's direct reports
    assert buttons(by_chat[HEAD_TG]) == [("Mulai menilai", "ev:start")]
    # Idempotent: the same run, later that day and the next day add nothing.
    for later in (OPENING, OPENING + timedelta(hours=6), OPENING + timedelta(days=1)):
        assert await prompts(sessions, later) == 0
    assert len(await outbox(sessions)) == 2


async def test_follow_ups_every_two_working_days_until_everyone_is_evaluated(
    sessions: SessionFactory,
) -> None:
    org = await population(sessions)
    assert await prompts(sessions, OPENING) == 2
    assert await prompts(sessions, at(date(2026, 12, 21))) == 0  # one working day later
    assert await prompts(sessions, at(date(2026, 12, 19), 10)) == 0  # Saturday
    assert await prompts(sessions, at(date(2026, 12, 22), 7, 45)) == 2  # Tuesday
    assert await prompts(sessions, at(date(2026, 12, 22), 14)) == 0
    follow = await outbox(sessions, "eval-follow")
    assert {r.dedupe_key for r in follow} == {
        f"eval-follow:2026-2:{org.leader.id}:2026-12-22",
        f"eval-follow:2026-2:{org.head.id}:2026-12-22",
    }
    leader_row = next(r for r in follow if r.chat_id == LEADER_TG)
    assert "There are still 2 colleague(s) waiting" in params(leader_row)["text"]
    assert buttons(leader_row) == [("Start evaluating", "ev:start")]
    head_row = next(r for r in follow if r.chat_id == HEAD_TG)
    assert "Masih ada 2 pegawai yang menunggu penilaian" in params(head_row)["text"]
    # Staff is evaluated; the head finishes completely.
    await evaluate(sessions, org.staff, org.leader)
    await evaluate(sessions, org.leader, org.head)
    await evaluate(sessions, org.hr, org.head)
    # Christmas: 24 (cuti bersama) and 25 Dec do not count; the next follow-up is Monday 28.
    assert await prompts(sessions, at(date(2026, 12, 23))) == 0
    assert await prompts(sessions, at(date(2026, 12, 28))) == 1
    latest = (await outbox(sessions, "eval-follow"))[-1]
    assert latest.dedupe_key == f"eval-follow:2026-2:{org.leader.id}:2026-12-28"
    text = params(latest)["text"]
    assert "There are still 1 colleague(s)" in text
    assert "Budi Santoso" in text
    assert "Siti" not in text
    assert await prompts(sessions, at(date(2026, 12, 29))) == 0
    await evaluate(sessions, org.staff2, org.leader)
    assert await prompts(sessions, at(date(2026, 12, 30))) == 0  # everyone evaluated
    assert await prompts(sessions, at(date(2027, 1, 14), 15)) == 0
    assert len(await outbox(sessions)) == 5


async def test_acting_evaluator_takes_over_and_blocked_or_unlinked_are_skipped(
    sessions: SessionFactory,
) -> None:
    org = await population(sessions)
    async with sessions() as session:
        assert org.staff.id and org.hr.id and org.city_hr.id
        session.add(
            ActingEvaluator(
                period="2026-2",
                employee_id=org.staff.id,
                evaluator_id=org.hr.id,
                assigned_by_id=org.city_hr.id,
                reason="Kepala bidang cuti besar",
            )
        )
        await session.commit()
    await link(sessions, org.head, HEAD_TG, "id", blocked=True)
    assert await prompts(sessions, OPENING) == 2
    rows = {r.chat_id: params(r)["text"] for r in await outbox(sessions)}
    assert set(rows) == {LEADER_TG, HR_TG}  # the blocked head gets nothing
    assert "Siti" in rows[HR_TG]
    assert "Budi" not in rows[HR_TG]
    assert "Siti" not in rows[LEADER_TG]
    assert "Budi Santoso" in rows[LEADER_TG]
    # An evaluator who links later gets the opening prompt (not a follow-up) on the next run.
    async with sessions() as session:
        row = await session.get(Employee, org.leader.id)
        assert row is not None
        row.telegram_user_id = None
        session.add(row)
        await session.commit()
    await link(sessions, org.head, HEAD_TG, "en")
    assert await prompts(sessions, at(date(2026, 12, 22))) == 2  # head's prompt, HR follow-up
    kinds = {(r.kind, r.chat_id) for r in await outbox(sessions)}
    assert ("eval-open", HEAD_TG) in kinds
    assert ("eval-follow", HR_TG) in kinds
    assert ("eval-follow", HEAD_TG) not in kinds
    assert ("eval-follow", LEADER_TG) not in kinds  # unlinked now


# --- escalations -----------------------------------------------------------------------------


async def add_dishub_team(sessions: SessionFactory, org: Org) -> Employee:
    """Give DISHUB (no HR of its own) a linked head over Joko Pane."""
    async with sessions() as session:
        head = await add(
            session, nip=nip(), name="Kepala <Dishub>", opd_id=org.other_opd_staff.opd_id
        )
        joko = await session.get(Employee, org.other_opd_staff.id)
        assert joko is not None
        joko.supervisor_id = head.id
        session.add(joko)
        await session.commit()
    await link(sessions, head, DISHUB_HEAD_TG, "en")
    return head


async def test_escalations_after_due_once_per_working_day_to_supervisor_and_hr(
    sessions: SessionFactory,
) -> None:
    org = await population(sessions)
    dishub_head = await add_dishub_team(sessions, org)
    due = at(date(2027, 1, 15), 0)  # Friday; evaluations were due through 14 January
    assert await escalations(sessions, due) == 0  # never prompted: nothing to escalate
    assert await prompts(sessions, OPENING) == 3
    await evaluate(sessions, org.hr, org.head)
    assert await escalations(sessions, due - timedelta(minutes=1)) == 0
    assert await escalations(sessions, due + timedelta(hours=8)) == 3
    rows = await outbox(sessions, "eval-esc-sup") + await outbox(sessions, "eval-esc-hr")
    assert {r.dedupe_key for r in rows} == {
        f"eval-esc:2026-2:sup:{org.head.id}:2027-01-15",
        f"eval-esc:2026-2:hr:{org.hr.id}:2027-01-15",
        f"eval-esc:2026-2:hr:{org.city_hr.id}:2027-01-15",
    }
    assert all(r.working_hours_only and "reply_markup" not in params(r) for r in rows)
    texts = {r.chat_id: params(r)["text"] for r in rows}
    # The head hears about the leader's two people, in Indonesian; not one message per person.
    assert "Rina Harahap: 2 pegawai menunggu" in texts[HEAD_TG]
    assert "Siti" not in texts[HEAD_TG]
    # DINKES's own HR: the whole OPD, evaluator by evaluator (head: leader; leader: 2 staff).
    hr_text = texts[HR_TG]
    assert "<b>Dinas Kesehatan</b>: 3 employee(s) waiting, with 2 evaluator(s):" in hr_text
    assert "Rina Harahap: 2 employee(s) waiting" in hr_text
    assert "Dr. Hendra Siregar: 1 employee(s) waiting" in hr_text
    assert "Dinas Perhubungan" not in hr_text
    # DISHUB has no HR of its own: the city-wide HR covers it.
    city = texts[CITY_HR_TG]
    assert "<b>Dinas Perhubungan</b>: 1 pegawai menunggu" in city
    assert "Kepala &lt;Dishub&gt;: 1 pegawai menunggu" in city
    assert "Dinas Kesehatan" not in city
    assert dishub_head.id not in {r.employee_id for r in rows}  # has no supervisor
    # Once per working day: again today, and the weekend is keyed to Monday.
    assert await escalations(sessions, due + timedelta(hours=12)) == 0
    assert await escalations(sessions, at(date(2027, 1, 16), 10)) == 3  # Saturday -> Monday
    assert await escalations(sessions, at(date(2027, 1, 18), 9)) == 0  # Monday: already queued
    keys = {r.dedupe_key for r in await outbox(sessions) if r.kind.startswith("eval-esc")}
    assert f"eval-esc:2026-2:sup:{org.head.id}:2027-01-18" in keys
    # Prompts and follow-ups stop at the due date.
    assert await prompts(sessions, at(date(2027, 1, 18), 9)) == 0
    # Once everyone is evaluated, the summaries stop.
    for employee, evaluator in ((org.leader, org.head), (org.staff, org.leader)):
        await evaluate(sessions, employee, evaluator)
    await evaluate(sessions, org.staff2, org.leader)
    await evaluate(sessions, org.other_opd_staff, dishub_head)
    assert await escalations(sessions, at(date(2027, 1, 19), 9)) == 0


async def test_escalation_skips_blocked_recipients_and_falls_back_to_city_hr(
    sessions: SessionFactory,
) -> None:
    org = await population(sessions)
    assert await prompts(sessions, OPENING) == 2
    await link(sessions, org.head, HEAD_TG, "id", blocked=True)
    await link(sessions, org.hr, HR_TG, "en", blocked=True)
    assert await escalations(sessions, at(date(2027, 1, 15))) == 1
    (row,) = await outbox(sessions, "eval-esc-hr")
    assert row.chat_id == CITY_HR_TG
    assert (
        "<b>Dinas Kesehatan</b>: 4 pegawai menunggu, pada 2 pejabat penilai:"
        in params(row)["text"]
    )


# --- through the bot and the scheduler -------------------------------------------------------


async def test_prompt_drains_to_telegram_with_the_start_button(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await population(sessions)
    async with running_bot(db[0], db[1], now=OPENING + timedelta(hours=1)) as bot:
        bot.fake.known_chats.update({LEADER_TG, HEAD_TG})
        deps = bot.deps
        assert (
            await ep.plan_evaluations(deps.sessions, deps.i18n, deps.settings, deps.clock.now())
            == 2
        )
        await bot.drain()
        message = bot.fake.last(LEADER_TG)
        assert "Siti &lt;Aminah&gt; &amp; Co 😀" in message.html
        assert message.buttons() == [("Start evaluating", "ev:start")]
        assert bot.fake.last(HEAD_TG).buttons() == [("Mulai menilai", "ev:start")]
    assert {r.status for r in await outbox(sessions)} == {"sent"}


async def test_scheduler_runs_the_evaluation_jobs_in_working_hours(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await population(sessions)
    async with running_bot(db[0], db[1], now=at(date(2026, 12, 19), 10)) as bot:  # Saturday
        queue = bot.app.job_queue
        assert queue is not None
        for name in (EVALUATION_JOB, ESCALATION_JOB):
            (job,) = queue.get_jobs_by_name(name)
            assert job.job.trigger.interval == timedelta(minutes=30)
        await plan_evaluations_job(BotContext(bot.app))
        assert await outbox(sessions) == []  # not in working hours
    async with running_bot(db[0], db[1], now=OPENING + timedelta(hours=1)) as bot:
        await plan_evaluations_job(BotContext(bot.app))
        await plan_escalations_job(BotContext(bot.app))
        assert len(await outbox(sessions, "eval-open")) == 2


async def test_planners_refuse_a_naive_instant(sessions: SessionFactory) -> None:
    naive = datetime(2026, 12, 17, 9)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="aware"):
        await ep.plan_evaluations(sessions, I18N, SETTINGS, naive)
    with pytest.raises(ValueError, match="aware"):
        await ep.plan_escalations(sessions, I18N, SETTINGS, naive)
