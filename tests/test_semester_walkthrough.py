"""A whole semester for a small OPD, as new users would live it, through the real bot.

Targets are proposed and approved, progress is reported, feedback given and thanked, HR rates
the organisation, the evaluation window opens with a prompt, the leader evaluates (and sees the
curve warning), the employee accepts, and the unfinished evaluation escalates after the due
date to the leader's own supervisor and HR.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.services.evaluation.planners import plan_escalations, plan_evaluations
from bot.services.onboarding import invites
from models import Employee, Evaluation, Feedback, ProgressReport, Target
from models.db import SessionFactory
from tests.support.factories import make_org
from tests.support.harness import Harness, running_bot

JULY = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB, Semester II begins
WINDOW_OPENS = datetime(2026, 12, 18, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB
AFTER_DUE = datetime(2027, 1, 15, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, the day after due
HEAD, LEADER, SITI, BUDI, HR = 7001, 7002, 7003, 7004, 7005


async def propose(bot: Harness, tg: int, title: str) -> None:
    await bot.send(tg, "/target")
    await bot.press_label(tg, "Add target")
    await bot.press_label(tg, "Main")
    await bot.press_label(tg, "Quantitative")
    await bot.send(tg, title)
    await bot.send(tg, "Number of documents finished on time")
    await bot.send(tg, "12")
    await bot.press_label(tg, "dokumen")
    await bot.press_label(tg, "Skip")
    await bot.press_label(tg, "Save")


async def test_a_whole_semester(db: tuple[str, AsyncEngine], sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
        people = [org.head, org.leader, org.staff, org.staff2, org.hr]
        issued = await invites.issue_invites(session, people, now=JULY, valid_days=30)
        await session.commit()
    async with running_bot(db[0], db[1], now=JULY) as bot:
        for tg, invite in zip((HEAD, LEADER, SITI, BUDI, HR), issued, strict=True):
            bot.fake.user(tg, language_code="en")
            await bot.send(tg, f"/start {invite.code}")
            assert "linked as" in bot.last_text(tg)

        # July: both staff propose a target; the leader approves from the notice.
        await propose(bot, SITI, "Monthly health data report")
        await propose(bot, BUDI, "Vaccination follow-up letters")
        await bot.drain()
        for _ in range(2):
            notice = next(
                m
                for m in bot.fake.sent(LEADER)
                if m.buttons() and "Approve" in " ".join(label for label, _ in m.buttons())
            )
            await bot.press(LEADER, notice.message_id, notice.button("Approve"))
        await bot.drain()
        assert "approved your target" in bot.last_text(SITI)

        # Siti reports the whole target; the leader is told and gives feedback on it.
        await bot.send(SITI, "/lapor")
        await bot.press_label(SITI, "Monthly health")
        await bot.send(SITI, "12")
        await bot.press_label(SITI, "Skip")
        await bot.press_label(SITI, "Skip")
        await bot.press_label(SITI, "Send")
        assert "100%" in bot.last_text(SITI)
        await bot.drain()
        await bot.press_label(LEADER, "Give feedback")
        await bot.press_label(LEADER, "Appreciation")
        await bot.press_label(LEADER, "Skip")
        await bot.send(LEADER, "The monthly report was complete and on time. Thank you!")
        await bot.press_label(LEADER, "Send")
        await bot.drain()
        await bot.press_label(SITI, "Thank you")

        # HR rates the OPD "Good" for the semester (SE MenPANRB 3/2023, step 1).
        bot.deps.clock.freeze(WINDOW_OPENS)
        await bot.send(HR, "/nilai")
        await bot.press_label(HR, "Organisation rating")
        await bot.press_label(HR, "Good (Baik)")

        # December: the window opens; the leader is prompted and evaluates Siti.
        deps = bot.deps
        assert await plan_evaluations(deps.sessions, deps.i18n, deps.settings, WINDOW_OPENS) > 0
        await bot.drain()
        prompt = bot.fake.last(LEADER)
        assert "Siti" in prompt.text and "Budi" in prompt.text
        await bot.press(LEADER, prompt.message_id, prompt.button("Start evaluating"))
        await bot.press_label(LEADER, "Siti")
        # 12 of 12: exactly on target meets the expectation; the leader may rate higher.
        assert "Suggested work results rating: Meets expectations" in bot.last_text(LEADER)
        await bot.press_label(LEADER, "Above expectations")
        await bot.press_label(LEADER, "Above expectations")
        assert "Very good (Sangat Baik)" in bot.last_text(LEADER)
        await bot.press_label(LEADER, "Skip")
        await bot.press_label(LEADER, "Confirm")
        # DINKES has four staff to evaluate: too small for the curve, so one plain sentence.
        assert "too small for the distribution curve" in "\n".join(bot.texts(LEADER)[-2:])
        await bot.drain()
        assert "Very good (Sangat Baik)" in bot.last_text(SITI)
        await bot.press_label(SITI, "Accept")

        # January: Budi is still not evaluated after the due date: summaries escalate.
        bot.deps.clock.freeze(AFTER_DUE)
        assert await plan_escalations(deps.sessions, deps.i18n, deps.settings, AFTER_DUE) == 2
        await bot.drain()
        to_head = bot.last_text(HEAD)
        assert "still have evaluations to finish" in to_head
        assert "Rina Harahap: 1 employee(s) waiting" in to_head
        to_hr = bot.last_text(HR)
        assert "These are not finished yet" in to_hr
        assert "Dinas Kesehatan" in to_hr

    async with sessions() as session:
        assert len((await session.exec(select(Target))).all()) == 2
        assert len((await session.exec(select(ProgressReport))).all()) == 1
        feedback = (await session.exec(select(Feedback))).one()
        assert feedback.acknowledged_at is not None
        evaluation = (await session.exec(select(Evaluation))).one()
        siti = await session.get(Employee, org.staff.id)
    assert siti is not None
    assert (evaluation.employee_id, evaluation.predikat) == (siti.id, "sangat_baik")
    assert evaluation.acknowledged_at is not None
