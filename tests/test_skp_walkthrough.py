"""One employee's SKP through a semester, with all five ways of measuring, through the real bot.

Siti links her account with an invite, proposes one work result (RHK) with five indicators
(IKI) chosen by buttons: a count that adds up, a satisfaction level, complaints where lower is
better, a deadline and a qualitative expectation. Her leader approves it, she reports three
times, the leader assesses the qualitative IKI, and at the evaluation the leader's summary shows
each IKI's achievement by aspek, the timeliness, the assessment, the quality notes and
narratives, and the suggestion with what it did not count.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.services.onboarding import invites
from models import Evaluation, Indicator, IndicatorAssessment, ReportValue
from models.db import SessionFactory
from tests.support.factories import make_org
from tests.support.harness import Harness, running_bot

JULY = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB, Semester II begins
AUGUST = datetime(2026, 8, 14, 3, 0, tzinfo=UTC)  # Friday 10:00 WIB
OCTOBER = datetime(2026, 10, 9, 3, 0, tzinfo=UTC)  # Friday 10:00 WIB
DECEMBER = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # Friday 10:00 WIB, before the due date
IN_WINDOW = datetime(2026, 12, 21, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
LEADER, SITI = 8002, 8003
TITLE = "Layanan data kesehatan"
LONG_NOTE = (
    "Rekap dikirim ke Kepala Bidang dan seluruh puskesmas; format baru dipakai dua dinas "
    "mulai Januari 2027, dengan tabel kunjungan per kelurahan."
)


async def add_iki(bot: Harness, aspect: str, measure: str, *answers: str) -> None:
    """From the target summary: one more IKI, its aspek and kind by buttons, then typed."""
    await bot.press_label(SITI, "Add another indicator")
    await bot.press_label(SITI, aspect)
    await bot.press_label(SITI, measure)
    for answer in answers:
        await bot.send(SITI, answer)


async def propose_rhk(bot: Harness) -> None:
    """Siti proposes one main RHK with five IKIs, one of each kind."""
    await bot.send(SITI, "/target")
    await bot.press_label(SITI, "Add target")
    await bot.press_label(SITI, "Main")
    await bot.press_label(SITI, "Quantitative")
    await bot.send(SITI, TITLE)
    await bot.send(SITI, "Laporan data diserahkan")
    await bot.send(SITI, "12")
    await bot.press_label(SITI, "laporan")
    await bot.send(SITI, "Data lengkap & tervalidasi")  # the quality standard
    await add_iki(bot, "Quality", "Latest level", "Kepuasan pengguna data", "90", "persen")
    await add_iki(bot, "Quantity", "Lower is better", "Keluhan pengguna", "5", "keluhan")
    await add_iki(bot, "Time", "Deadline", "Rekap semester diserahkan", "15-12-2026")
    await add_iki(
        bot, "Quality", "Leader's judgement", "Laporan rapi", "Dapat dipakai tanpa perbaikan"
    )
    summary = bot.last_text(SITI)
    assert "IKI 5 (Quality, leader's judgement): Laporan rapi" in summary
    await bot.press_label(SITI, "Save")
    assert "sent to your leader" in bot.last_text(SITI)


async def propose_additional(bot: Harness) -> None:
    """An additional, qualitative RHK that the leader never gets round to assessing."""
    await bot.send(SITI, "/target")
    await bot.press_label(SITI, "Add target")
    await bot.press_label(SITI, "Additional")
    await bot.press_label(SITI, "Qualitative")
    await bot.send(SITI, "Pendampingan magang")
    await bot.send(SITI, "Mahasiswa magang terbimbing")
    await bot.send(SITI, "Tugas magang selesai dengan baik")
    await bot.press_label(SITI, "Skip")
    await bot.press_label(SITI, "Save")


async def report(bot: Harness, when: datetime, *steps: str, note: str = "") -> str:
    """One /lapor on the RHK: each IKI answered by typing or by a button ("[label]")."""
    bot.deps.clock.freeze(when)
    await bot.send(SITI, "/lapor")
    await bot.press_label(SITI, "Layanan data")
    for step in steps:
        if step.startswith("["):
            await bot.press_label(SITI, step[1:-1])
        else:
            await bot.send(SITI, step)
    if note:
        await bot.send(SITI, note)
    else:
        await bot.press_label(SITI, "Skip")
    await bot.press_label(SITI, "Skip")  # no evidence files
    await bot.press_label(SITI, "Send")
    text = bot.last_text(SITI)
    assert "your report has been saved" in text
    await bot.drain()
    return text


async def test_one_employee_one_semester_five_kinds_of_indicator(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    async with sessions() as session:
        org = await make_org(session)
        issued = await invites.issue_invites(
            session, [org.leader, org.staff], now=JULY, valid_days=30
        )
        await session.commit()
    async with running_bot(db[0], db[1], now=JULY) as bot:
        for tg, invite in zip((LEADER, SITI), issued, strict=True):
            bot.fake.user(tg, language_code="en")
            await bot.send(tg, f"/start {invite.code}")
            assert "linked as" in bot.last_text(tg)

        # July: Siti proposes the RHK with its five IKIs; the leader approves from the notice.
        await propose_rhk(bot)
        await bot.drain()
        notice = bot.fake.last(LEADER)
        assert "It has 5 indicators (IKI)" in notice.content
        await bot.press(LEADER, notice.message_id, notice.button("Approve"))
        await propose_additional(bot)
        await bot.drain()
        notice = bot.fake.last(LEADER)
        await bot.press(LEADER, notice.message_id, notice.button("Approve"))
        await bot.drain()
        assert "approved your target" in bot.last_text(SITI)

        # August: 5 reports, satisfaction 85 %, 3 complaints, a narrative on the quality IKI.
        await report(
            bot, AUGUST, "5", "85", "3", "[Skip this indicator]", "Tabel diberi keterangan"
        )
        # October: 4 more, satisfaction 88 % (the newest level counts, never the sum).
        await report(
            bot,
            OCTOBER,
            "4",
            "88",
            "[Skip this indicator]",
            "[Skip this indicator]",
            "[Skip this indicator]",
            note="Dua dinas minta format baru",
        )
        await bot.send(SITI, "/kinerja")
        mine = bot.last_text(SITI)
        assert "Kepuasan pengguna data — 88 of 90 persen (97.8%)" in mine
        assert "173" not in mine
        # December: 3 more, satisfaction 91 %, the semester recap delivered before it is due.
        await report(
            bot,
            DECEMBER,
            "3",
            "91",
            "[Skip this indicator]",
            "[Done today]",
            "[Skip this indicator]",
            note=LONG_NOTE,
        )

        # The leader assesses the qualitative IKI from the team's target screen.
        await bot.send(LEADER, "/target")
        await bot.press_label(LEADER, "Team targets")
        await bot.press_label(LEADER, "Siti")
        await bot.press_label(LEADER, "Assess")
        assert "Expectation: Dapat dipakai tanpa perbaikan" in bot.last_text(LEADER)
        await bot.press_label(LEADER, "Meets expectation")

        # The evaluation window: the leader's summary shows quality and timeliness.
        bot.deps.clock.freeze(IN_WINDOW)
        await bot.send(LEADER, "/evaluate")
        await bot.press_label(LEADER, "Siti")
        summary = bot.last_text(LEADER)
        assert f"{TITLE} (main): 100%" in summary
        assert "Quality standard: Data lengkap & tervalidasi" in summary
        assert "Quantity: Laporan data diserahkan — 12 of 12 laporan (100%)" in summary
        # An IKI is shown as measured; in the RHK's roll-up it counts up to 100 %.
        assert "Quality: Kepuasan pengguna data — 91 of 90 persen (101.1%)" in summary
        assert "each indicator counts up to 100%" in summary
        assert "Quantity: Keluhan pengguna — 3 of at most 5 keluhan (100%)" in summary
        assert (
            "Time: Rekap semester diserahkan — delivered on 4 Dec 2026, due 15 Dec 2026: "
            "on time (100%)"
        ) in summary
        assert "Quality: Laporan rapi — meets expectation" in summary
        # The latest quality notes, shortened, and the narrative given for the qualitative IKI.
        assert "Rekap dikirim ke Kepala Bidang" in summary and LONG_NOTE not in summary
        assert "Dua dinas minta format baru" in summary
        assert "…and 1 earlier note" in summary
        assert "Suggested work results rating: Meets expectations" in summary
        assert (
            "Pendampingan magang (additional): Quality: not yet assessed by the leader" in summary
        )
        assert "Not counted: Pendampingan magang (not yet assessed by the leader)" in summary
        await bot.press_label(LEADER, "All report notes")
        notes = bot.last_text(LEADER)
        assert LONG_NOTE in notes
        assert "Laporan rapi: Tabel diberi keterangan" in notes
        await bot.press_label(LEADER, "Meets expectations")
        await bot.press_label(LEADER, "Meets expectations")
        await bot.press_label(LEADER, "Skip")
        await bot.press_label(LEADER, "Confirm")
        assert "is saved and final" in bot.last_text(LEADER)

    async with sessions() as session:
        ikis = (
            await session.exec(
                select(Indicator).order_by(col(Indicator.target_id), col(Indicator.position))
            )
        ).all()
        values = (await session.exec(select(ReportValue))).all()
        assessment = (await session.exec(select(IndicatorAssessment))).one()
        evaluation = (await session.exec(select(Evaluation))).one()
    assert [(i.aspect, i.measure) for i in ikis] == [
        ("kuantitas", "cumulative"),
        ("kualitas", "level"),
        ("kuantitas", "lower"),
        ("waktu", "deadline"),
        ("kualitas", "qualitative"),
        ("kualitas", "qualitative"),  # the additional RHK's one IKI
    ]
    assert len(values) == 9  # 4 + 2 + 3: only the IKIs answered, never the skipped ones
    assert (assessment.expectation, assessment.assessor_id) == ("meets", org.leader.id)
    assert (evaluation.suggested_hasil_kerja, evaluation.hasil_kerja) == ("sesuai", "sesuai")
