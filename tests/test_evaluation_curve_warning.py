"""The curve warning through the real Application: after a leader confirms an evaluation, on
HR's spread view and on /statistik it counts everyone still to be evaluated in the OPD."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.evaluation.predikat import BAIK, SANGAT_BAIK
from models import Employee, Evaluation, OrgRating
from models.db import SessionFactory
from tests.support.factories import Org, add, make_org, nip
from tests.support.harness import Harness, running_bot

WIB = ZoneInfo("Asia/Jakarta")
IN_WINDOW = datetime(2026, 12, 21, 10, 0, tzinfo=WIB)
LEADER_TG, HR_TG = 4301, 4302
EXTRA_NAMES = ("Ani Lubis", "Desi Nasution", "Fajar Sitompul", "Gita Purba")
OLD_WARNING = "at least one Needs improvement"


async def opd_of(sessions: SessionFactory, extra: int, leader_language: str) -> list[Employee]:
    """DINKES rated Baik, with `extra` more staff under the leader; return everyone covered.

    Covered: the leader and the HR officer (both under the head), Siti and Budi, the extras.
    The head has no evaluator in the bot, so the OPD's evaluation does not cover them.
    """
    async with sessions() as session:
        org: Org = await make_org(session)
        assert org.opd.id is not None
        extras = [
            await add(
                session,
                nip=nip(),
                name=name,
                opd_id=org.opd.id,
                unit_id=org.unit.id,
                supervisor_id=org.leader.id,
                position="Staf",
            )
            for name in EXTRA_NAMES[:extra]
        ]
        for employee, tg, language in (
            (org.leader, LEADER_TG, leader_language),
            (org.hr, HR_TG, "en"),
        ):
            employee.telegram_user_id, employee.language = tg, language
            session.add(employee)
        session.add(
            OrgRating(period="2026-2", opd_id=org.opd.id, rating="baik", set_by_id=org.hr.id)
        )
        await session.commit()
        return [org.leader, org.hr, org.staff, org.staff2, *extras]


async def evaluated(sessions: SessionFactory, people: list[tuple[Employee, str]]) -> None:
    """Final evaluations made earlier (by whoever evaluates them; it does not matter here)."""
    async with sessions() as session:
        for employee, predikat in people:
            assert employee.id is not None and employee.supervisor_id is not None
            session.add(
                Evaluation(
                    period="2026-2",
                    employee_id=employee.id,
                    evaluator_id=employee.supervisor_id,
                    hasil_kerja="sesuai",
                    perilaku_kerja="sesuai" if predikat == BAIK else "di_atas",
                    predikat=predikat,
                    finalized_at=IN_WINDOW,
                )
            )
        await session.commit()


async def leader_rates_budi_baik(bot: Harness, rating: str) -> str:
    """The leader evaluates Budi with two `rating` buttons and confirms; return the reply."""
    await bot.send(LEADER_TG, "/nilai")
    await bot.press_label(LEADER_TG, "Budi")
    await bot.press_label(LEADER_TG, rating)
    await bot.press_label(LEADER_TG, rating)
    await bot.press_label(LEADER_TG, "Skip" if rating.startswith("Meets") else "Lewati")
    await bot.press_label(LEADER_TG, "Confirm" if rating.startswith("Meets") else "Konfirmasi")
    return bot.last_text(LEADER_TG)


async def hr_views(bot: Harness) -> tuple[str, str]:
    """HR's predikat spread (/nilai) and the predikat view of /statistik, in English."""
    bot.fake.user(HR_TG, language_code="en")
    await bot.send(HR_TG, "/nilai")
    await bot.press_label(HR_TG, "Predikat spread")
    spread = bot.last_text(HR_TG)
    await bot.send(HR_TG, "/statistik")
    await bot.press_label(HR_TG, "Predikat vs the curve")
    await bot.press_label(HR_TG, "Semester II 2026")
    return spread, bot.last_text(HR_TG)


async def test_the_first_evaluation_of_a_baik_opd_warns_of_nothing(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await opd_of(sessions, extra=4, leader_language="en")  # 8 staff to evaluate
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(LEADER_TG, language_code="en")
        reply = await leader_rates_budi_baik(bot, "Meets expectations")
        assert "is saved and final" in reply
        assert OLD_WARNING not in reply
        assert "gentle note" not in reply and "Rule:" not in reply
        spread, stats = await hr_views(bot)
    assert "Final evaluations: 1" in spread and "Still to be evaluated: 7" in spread
    assert "still open can still bring the spread within the guide for Good (Baik)" in spread
    assert "Rule:" not in spread and "Rule:" not in stats
    assert "Still to be evaluated: 7" in stats
    assert "still open can still bring it within the curve" in stats


async def test_a_maximum_the_open_evaluations_cannot_undo_is_named_with_its_count(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    leader, hr, _siti, _budi, ani, desi, fajar, _gita = await opd_of(sessions, 4, "en")
    await evaluated(sessions, [(p, BAIK) for p in (leader, hr, ani, desi, fajar)])
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(LEADER_TG, language_code="en")
        reply = await leader_rates_budi_baik(bot, "Meets expectations")
        spread, stats = await hr_views(bot)
    # 8 staff: at most 70 % = 5 Baik; Budi is the sixth, and 2 evaluations are still open.
    warning = (
        "Rule: at most 70% with Good (Baik). Already 6 of 8 staff have it, 1 more than the 5 "
        "the curve allows; the evaluations still open cannot change that."
    )
    assert "A gentle note" in reply and warning in reply
    assert "your judgement stands" in reply
    assert OLD_WARNING not in reply  # two are still open: one of them may still need it
    assert warning in spread and "Still to be evaluated: 2" in spread
    assert warning in stats


async def test_everyone_evaluated_and_the_spread_deviates_in_indonesian(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    leader, hr, siti, _budi, ani, desi, fajar, gita = await opd_of(sessions, 4, "id")
    await evaluated(
        sessions,
        [(leader, SANGAT_BAIK), (hr, SANGAT_BAIK), (siti, SANGAT_BAIK)]
        + [(p, BAIK) for p in (ani, desi, fajar, gita)],
    )
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(LEADER_TG, language_code="id")
        reply = await leader_rates_budi_baik(bot, "Sesuai ekspektasi")
        spread, stats = await hr_views(bot)
    assert "Penilaian" in reply and "disimpan" in reply
    assert (
        "Panduan kurva: paling sedikit satu pegawai dengan predikat Butuh Perbaikan atau Kurang. "
        "Semua pegawai sudah dinilai: 0 dari 8 pegawai"
    ) in reply
    english = (
        "Rule: at least one person with Needs improvement (Butuh Perbaikan) or Poor (Kurang). "
        "Everyone has been evaluated: 0 of 8 staff have it, 1 fewer than the 1 the curve asks for."
    )
    assert english in spread and "Still to be evaluated: 0" in spread
    assert english in stats


async def test_a_tiny_opd_gets_one_plain_sentence(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await opd_of(sessions, extra=0, leader_language="en")  # 4 staff to evaluate
    async with running_bot(db[0], db[1], now=IN_WINDOW) as bot:
        bot.fake.user(LEADER_TG, language_code="en")
        reply = await leader_rates_budi_baik(bot, "Meets expectations")
        spread, stats = await hr_views(bot)
    sentence = (
        "With 4 staff, this OPD is too small for the distribution curve to apply fairly; "
        "please simply rate each person on their own results."
    )
    for text in (reply, spread, stats):
        assert sentence in text
        assert "Rule:" not in text and OLD_WARNING not in text
    assert "gentle note" not in reply
