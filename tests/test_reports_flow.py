"""/lapor through the real Application: bad input, evidence, notices, corrections, restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.services.reports import planners as report_planners
from models import AuditLog, Employee, OutboxMessage, ProgressReport, ReportEvidence, Target
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
LEADER_TG, STAFF_TG, STAFF2_TG, OTHER_TG = 2001, 2002, 2003, 2009
MB = 1024 * 1024
DB = tuple[str, AsyncEngine]


async def setup(
    sessions: SessionFactory,
    *,
    leader_mode: str = "instant",
    staff_lang: str = "en",
    target_amount: int = 40,
) -> tuple[Org, Target]:
    """Link leader, staff, staff2 and another OPD's staff; give staff one approved target."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg, lang in [
            (org.leader, LEADER_TG, "en"),
            (org.staff, STAFF_TG, staff_lang),
            (org.staff2, STAFF2_TG, "id"),
            (org.other_opd_staff, OTHER_TG, "en"),
        ]:
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        org.leader.notice_mode = leader_mode
        target = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period="2026-2",
            title="Laporan <bulanan> & rekap",
            target_amount=Decimal(target_amount),
            unit="dokumen",
            status="approved",
        )
        session.add(target)
        await session.commit()
    return org, target


@asynccontextmanager
async def linked_bot(db: DB, fake: FakeTelegram | None = None) -> AsyncIterator[Harness]:
    """The bot at NOW; every linked user has opened a chat with it before."""
    async with running_bot(db[0], db[1], now=NOW, fake=fake) as bot:
        for tg in (LEADER_TG, STAFF_TG, STAFF2_TG, OTHER_TG):
            bot.fake.user(tg, language_code="en")
            bot.fake.known_chats.add(tg)
        yield bot


def last_alert(bot: Harness) -> str:
    """The text of the latest answerCallbackQuery (the pop-up the user saw)."""
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text") or "")


async def report_rows(sessions: SessionFactory) -> list[ProgressReport]:
    async with sessions() as session:
        rows = await session.exec(select(ProgressReport).order_by(col(ProgressReport.id)))
        return list(rows.all())


async def begin(bot: Harness, tg: int = STAFF_TG) -> None:
    """/report, then press the first target."""
    await bot.send(tg, "/report")
    await bot.press(tg, bot.fake.last(tg).message_id, bot.fake.last(tg).buttons()[0][1])


def photo_in_album(bot: Harness, tg: int, group: str) -> dict[str, Any]:
    update = bot.fake.send_photo(tg)
    update["message"]["media_group_id"] = group
    return update


async def test_full_report_with_bad_input_album_and_instant_notice(
    db: DB, sessions: SessionFactory
) -> None:
    _, target = await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/report")
        listing = bot.fake.last(STAFF_TG)
        assert "Which target" in listing.text
        assert listing.buttons()[0] == ("Laporan <bulanan> & rekap · 0%", f"rp:t:{target.id}")
        await bot.press_label(STAFF_TG, "Laporan")
        assert "How much have you achieved" in bot.last_text(STAFF_TG)

        for bad, says in [
            ("abc", "number only"),
            ("-3", "cannot be negative"),
            ("0", "more than 0"),
            ("1e9", "number only"),
            ("   ", "Please type a number"),
            ("<b>&amp;</b> 😀", "number only"),
        ]:
            await bot.send(STAFF_TG, bad)
            assert says in bot.last_text(STAFF_TG), bad
        await bot.feed(bot.fake.send_sticker(STAFF_TG))
        assert "as a number" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "2,5")
        assert "note on the quality" in bot.last_text(STAFF_TG)

        await bot.send(STAFF_TG, "x" * 5000)
        assert "5,000 characters" in bot.last_text(STAFF_TG)
        assert "at most 1,000" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "Rapi <ok> & 😀")
        assert "send your evidence" in bot.last_text(STAFF_TG)

        await bot.feed(bot.fake.send_sticker(STAFF_TG))
        assert "Stickers" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "ini buktinya")
        assert "Please send a photo or a document" in bot.last_text(STAFF_TG)
        await bot.feed(bot.fake.send_document(STAFF_TG, "besar.pdf", file_size=30 * MB))
        assert "30 MB" in bot.last_text(STAFF_TG)
        assert "at most 20 MB" in bot.last_text(STAFF_TG)
        await bot.feed(
            bot.fake.send_document(STAFF_TG, "setup.exe", "application/x-msdownload", 1000)
        )
        assert "cannot be used as evidence" in bot.last_text(STAFF_TG)

        before = len(bot.fake.sent(STAFF_TG))
        await bot.feed(photo_in_album(bot, STAFF_TG, "album-1"))
        await bot.feed(photo_in_album(bot, STAFF_TG, "album-1"))
        assert len(bot.fake.sent(STAFF_TG)) == before + 1  # one acknowledgement, updated
        assert "2 of at most 10" in bot.last_text(STAFF_TG)
        await bot.feed(bot.fake.send_document(STAFF_TG, "rekap.xlsx", "application/zip"))
        assert "3 of at most 10" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Done")

        summary = bot.fake.last(STAFF_TG)
        assert "Please check your report" in summary.text
        assert "Amount: +2.5 dokumen" in summary.text
        assert "Rapi &lt;ok&gt; &amp; 😀" in (summary.html or "")
        assert "Evidence files: 3" in summary.text
        send_data = summary.button("Send")
        await bot.press(STAFF_TG, summary.message_id, send_data)
        thanks = bot.fake.last(STAFF_TG)
        assert thanks.message_id == summary.message_id  # the summary became the thank-you
        assert "Thank you, your report has been saved!" in thanks.text
        assert "▓░░░░░░░░░ 6.2%" in thanks.text
        assert "2.5 of 40 dokumen" in thanks.text
        [report] = await report_rows(sessions)
        assert [label for label, _ in thanks.buttons()] == ["Correct", "Withdraw"]
        assert thanks.button("Correct") == f"rp:fix:{report.id}"

        # A stale "Send" from the finished flow is answered, and saves nothing twice.
        await bot.press_raw(STAFF_TG, summary.message_id, send_data)
        assert "no longer active" in last_alert(bot)
        assert len(await report_rows(sessions)) == 1

        assert report.amount == Decimal("2.5")
        assert report.note == "Rapi <ok> & 😀"
        async with sessions() as session:
            files = (await session.exec(select(ReportEvidence))).all()
        assert [f.kind for f in files] == ["photo", "photo", "document"]

        assert await bot.drain() == 1
        notice = bot.fake.last(LEADER_TG)
        assert "New progress report from Siti <Aminah> & Co 😀" in notice.text
        assert "Siti &lt;Aminah&gt; &amp; Co 😀" in (notice.html or "")
        assert "+2.5 dokumen, now 2.5 of 40 dokumen (6.2%)" in notice.text
        assert "Evidence files: 3" in notice.text
        assert notice.button("Give feedback") == f"fb:report:{report.id}"

        # The leader may look at the files; another employee may not.
        await bot.press_label(LEADER_TG, "View evidence")
        assert len(bot.fake.calls_of("sendPhoto")) == 2
        assert len(bot.fake.calls_of("sendDocument")) == 1
        await bot.press_raw(STAFF2_TG, 1, f"rp:ev:{report.id}")
        assert "tidak dapat melihat" in last_alert(bot)
        assert len(bot.fake.calls_of("sendPhoto")) == 2


async def test_thousands_dot_and_far_above_confirmation(db: DB, sessions: SessionFactory) -> None:
    _, target = await setup(sessions, target_amount=1000)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "2.500")  # 2,500 > 2 x 1,000
        ask = bot.last_text(STAFF_TG)
        assert "far above the target" in ask
        assert "2,500 dokumen" in ask
        await bot.press_label(STAFF_TG, "Type it again")
        assert "How much have you achieved" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "1.250")
        assert "note on the quality" in bot.last_text(STAFF_TG)  # 1,250 is not far above
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        assert "Amount: +1,250 dokumen" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Send")
        [report] = await report_rows(sessions)
        assert report.amount == Decimal(1250)
        assert report.target_id == target.id

        await begin(bot)
        await bot.send(STAFF_TG, "900")  # 1,250 + 900 > 2,000
        assert "far above" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Yes, it is correct")
        assert "note on the quality" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Send")
        assert "You have reached this target" in bot.last_text(STAFF_TG)
        assert "▓▓▓▓▓▓▓▓▓▓ 215%" in bot.last_text(STAFF_TG)
        assert len(await report_rows(sessions)) == 2


async def test_change_goes_back_to_the_amount_and_keeps_note_and_files(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "3")
        await bot.send(STAFF_TG, "Catatan awal")
        await bot.feed(bot.fake.send_photo(STAFF_TG))
        await bot.press_label(STAFF_TG, "Done")
        await bot.press_label(STAFF_TG, "Change")
        assert "How much have you achieved" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "4")
        assert "Your current note: Catatan awal" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Skip")
        assert "Files attached so far: 1" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Send")
        [report] = await report_rows(sessions)
        assert report.amount == 4
        assert report.note == "Catatan awal"


async def test_cancel_by_button_and_command(db: DB, sessions: SessionFactory) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.press_label(STAFF_TG, "Cancel")
        assert "nothing was sent" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "5")
        assert "did not understand" in bot.last_text(STAFF_TG)  # the flow really ended
        await begin(bot)
        await bot.send(STAFF_TG, "/cancel")
        assert "nothing was sent" in bot.last_text(STAFF_TG)
        assert await report_rows(sessions) == []


async def test_no_approved_targets_explains_how_to_add_one(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(STAFF2_TG, "/lapor")
        text = bot.last_text(STAFF2_TG)
        assert "belum memiliki target yang disetujui" in text  # Indonesian by preference
        assert "/target" in text
        assert not bot.fake.last(STAFF2_TG).buttons()


async def test_indonesian_flow_and_check_in_button(db: DB, sessions: SessionFactory) -> None:
    await setup(sessions, staff_lang="id")
    async with linked_bot(db) as bot:
        reminder = bot.fake.send_text(STAFF_TG, "pengingat")  # any message to press on
        await bot.feed(reminder)
        await bot.press_raw(STAFF_TG, reminder["message"]["message_id"], "rp:start")
        assert "Laporan ini untuk target yang mana?" in bot.last_text(STAFF_TG)
        await bot.press(
            STAFF_TG, bot.fake.last(STAFF_TG).message_id, bot.fake.last(STAFF_TG).buttons()[0][1]
        )
        assert "Ketik angka dalam satuan dokumen" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "x" * 5000)
        assert "angka" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "2")
        await bot.send(STAFF_TG, "y" * 5000)
        assert "5.000 karakter" in bot.last_text(STAFF_TG)
        assert "1.000 karakter" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Lewati")
        await bot.press_label(STAFF_TG, "Lewati")
        await bot.press_label(STAFF_TG, "Kirim")
        assert "Terima kasih, laporan Anda sudah tersimpan!" in bot.last_text(STAFF_TG)
        assert "2 dari 40 dokumen" in bot.last_text(STAFF_TG)


async def test_disguised_files_are_refused_in_the_users_language(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions, staff_lang="id")
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "2")
        await bot.press_label(STAFF_TG, "Lewati")  # no quality note: now the evidence step
        for name, declared in [
            ("x.exe", "application/pdf"),  # the extension decides what a viewer's phone runs
            ("laporan.pdf.exe", "application/pdf"),
            ("", "application/pdf"),
            ("laporan.pdf", "application/x-msdownload"),  # named as a PDF, but it is not one
            ("laporan.pdf", "application/vnd.android.package-archive"),
        ]:
            await bot.feed(bot.fake.send_document(STAFF_TG, name, declared, 1000))
            refusal = bot.last_text(STAFF_TG)
            assert "tidak dapat dipakai sebagai bukti" in refusal, (name, declared)
            assert "PDF, Word, Excel, PowerPoint, JPG, PNG, ZIP" in refusal, (name, declared)
        # Phones often send office files as a generic type; the name then decides.
        await bot.feed(
            bot.fake.send_document(STAFF_TG, "Rekap.DOCX", "application/octet-stream", 1000)
        )
        assert "1 dari paling banyak 10" in bot.last_text(STAFF_TG)
        await bot.feed(bot.fake.send_photo(STAFF_TG))
        assert "2 dari paling banyak 10" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Selesai")
        await bot.press_label(STAFF_TG, "Kirim")
        assert "Terima kasih" in bot.last_text(STAFF_TG)
        async with sessions() as session:
            files = (await session.exec(select(ReportEvidence))).all()
        assert sorted((f.kind, f.file_name) for f in files) == [
            ("document", "Rekap.DOCX"),
            ("photo", ""),
        ]


async def test_qualitative_target_takes_a_description(db: DB, sessions: SessionFactory) -> None:
    org, target = await setup(sessions)
    async with sessions() as session:
        row = await session.get(Target, target.id)
        assert row is not None
        row.status = "archived"
        session.add(row)
        session.add(
            Target(
                employee_id=org.staff.id,  # type: ignore[arg-type]
                period="2026-2",
                title="Pembinaan tim",
                kind="kualitatif",
                status="approved",
            )
        )
        await session.commit()
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/report")
        assert bot.fake.last(STAFF_TG).buttons()[0][0] == "Pembinaan tim · 0 reports"
        await bot.press_label(STAFF_TG, "Pembinaan")
        assert "qualitative" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "z" * 2001)
        assert "at most 2,000" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "Membimbing 3 staf baru <hebat>")
        assert "send your evidence" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Skip")
        assert "Description: Membimbing 3 staf baru <hebat>" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Send")
        assert "Reports on this target so far: 1" in bot.last_text(STAFF_TG)
        [report] = await report_rows(sessions)
        assert report.amount is None
        assert report.note == "Membimbing 3 staf baru <hebat>"


async def test_target_returned_mid_flow_is_refused_politely_and_draft_kept(
    db: DB, sessions: SessionFactory
) -> None:
    org, target = await setup(sessions)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "3")
        await bot.send(STAFF_TG, "Catatan penting")
        await bot.press_label(STAFF_TG, "Skip")
        async with sessions() as session:
            row = await session.get(Target, target.id)
            assert row is not None
            row.status = "returned"
            session.add(row)
            other = Target(
                employee_id=org.staff.id,  # type: ignore[arg-type]
                period="2026-2",
                title="Rekap arsip",
                target_amount=Decimal(10),
                unit="berkas",
                status="approved",
            )
            session.add(other)
            await session.commit()
        await bot.press_label(STAFF_TG, "Send")
        assert "cannot take reports any more" in bot.last_text(STAFF_TG)
        assert await report_rows(sessions) == []
        await bot.press_label(STAFF_TG, "Choose another target")
        assert bot.fake.last(STAFF_TG).buttons()[0][0].startswith("Rekap")
        await bot.press_label(STAFF_TG, "Rekap arsip")
        await bot.send(STAFF_TG, "2")
        assert "Your current note: Catatan penting" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Send")
        [report] = await report_rows(sessions)
        assert report.target_id == other.id
        assert report.note == "Catatan penting"


async def test_crafted_fix_and_withdraw_for_someone_elses_report_change_nothing(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "3")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Send")
        [report] = await report_rows(sessions)
        message_id = 1  # a crafted client needs no real message to press on
        for crafted in [
            f"rp:fix:{report.id}",
            f"rp:del:{report.id}",
            f"rp:delok:{report.id}",
            "rp:fix:abc",
            "rp:fix:-1",
            f"rp:fix:{report.id}:9",
            "rp:delok:999999",
        ]:
            await bot.press_raw(OTHER_TG, message_id, crafted)
            assert "cannot be changed from your account" in last_alert(bot), crafted
        await bot.send(OTHER_TG, "99")  # no correction flow was opened for them
        assert "did not understand" in bot.last_text(OTHER_TG)
        [after] = await report_rows(sessions)
        assert after.amount == 3
        assert after.status == "active"
        assert after.corrections == 0
        async with sessions() as session:
            assert (await session.exec(select(AuditLog))).all() == []


async def test_correct_and_withdraw_within_24_hours(db: DB, sessions: SessionFactory) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "3")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Send")
        thanks = bot.fake.last(STAFF_TG)
        assert "until" in thanks.text
        await bot.press(STAFF_TG, thanks.message_id, thanks.button("Correct"))
        assert "What would you like to correct?" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Amount")
        await bot.send(STAFF_TG, "-3")
        assert "cannot be negative" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "5")
        assert "Your report has been corrected" in bot.last_text(STAFF_TG)
        assert "5 of 40 dokumen" in bot.last_text(STAFF_TG)
        [report] = await report_rows(sessions)
        assert report.amount == 5
        assert report.corrections == 1

        await bot.press(STAFF_TG, thanks.message_id, thanks.button("Correct"))
        await bot.press_label(STAFF_TG, "Note")
        await bot.send(STAFF_TG, "Dikoreksi & <lengkap>")
        [report] = await report_rows(sessions)
        assert report.note == "Dikoreksi & <lengkap>"

        bot.deps.clock.freeze(NOW + timedelta(hours=25))
        await bot.press(STAFF_TG, thanks.message_id, thanks.button("Withdraw"))
        assert "only within 24 hours" in last_alert(bot)
        await bot.press(STAFF_TG, thanks.message_id, thanks.button("Correct"))
        assert "only within 24 hours" in last_alert(bot)

        bot.deps.clock.freeze(NOW + timedelta(hours=2))
        await bot.press(STAFF_TG, thanks.message_id, thanks.button("Withdraw"))
        assert "Withdraw this report?" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Yes, withdraw it")
        assert "The report has been withdrawn" in bot.last_text(STAFF_TG)
        assert "0 of 40 dokumen" in bot.last_text(STAFF_TG)
        [report] = await report_rows(sessions)
        assert report.status == "withdrawn"
        async with sessions() as session:
            actions = (await session.exec(select(AuditLog.action))).all()
        assert sorted(actions) == ["report.correct", "report.correct", "report.withdraw"]


async def test_digest_leader_hears_nothing_until_the_planner_runs(
    db: DB, sessions: SessionFactory
) -> None:
    org, _ = await setup(sessions, leader_mode="digest")
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "4")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Send")
        assert await bot.drain() == 0
        assert bot.fake.sent(LEADER_TG) == []
        deps = bot.deps
        at_four = NOW + timedelta(hours=7)  # 16:00 WIB
        deps.clock.freeze(at_four)
        added = await report_planners.plan_report_digests(
            deps.sessions, deps.i18n, deps.settings, at_four
        )
        assert added == 1
        assert await bot.drain() == 1
        digest = bot.last_text(LEADER_TG)
        assert "Progress reports from your team" in digest
        assert "Siti <Aminah> & Co 😀" in digest
        assert "+4 dokumen (target now at 10%)" in digest
        async with sessions() as session:
            row = (await session.exec(select(OutboxMessage))).one()
        assert row.dedupe_key == f"digest:{org.leader.id}:2026-11-27"


async def test_report_flow_survives_a_restart(db: DB, sessions: SessionFactory) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "7")
        await bot.send(STAFF_TG, "Sebelum restart")
        await bot.feed(bot.fake.send_photo(STAFF_TG))
        fake = bot.fake
    async with linked_bot(db, fake) as bot:
        await bot.press_label(STAFF_TG, "Done")
        summary = bot.last_text(STAFF_TG)
        assert "Amount: +7 dokumen" in summary
        assert "Note: Sebelum restart" in summary
        assert "Evidence files: 1" in summary
        await bot.press_label(STAFF_TG, "Send")
        [report] = await report_rows(sessions)
        assert report.amount == 7
        async with sessions() as session:
            assert len((await session.exec(select(ReportEvidence))).all()) == 1
            staff = (
                await session.exec(select(Employee).where(Employee.telegram_user_id == STAFF_TG))
            ).one()
        assert staff.id == report.employee_id


async def test_stale_send_from_an_earlier_summary_in_a_new_flow(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await begin(bot)
        await bot.send(STAFF_TG, "1")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        old = bot.fake.last(STAFF_TG)
        old_send = old.button("Send")
        await begin(bot)  # start over without sending
        await bot.send(STAFF_TG, "2")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press(STAFF_TG, old.message_id, old_send)
        assert "earlier summary" in last_alert(bot)
        assert await report_rows(sessions) == []
        await bot.press_label(STAFF_TG, "Send")
        [report] = await report_rows(sessions)
        assert report.amount == 2


async def test_an_rhk_with_several_ikis_is_reported_one_indicator_at_a_time(
    db: DB, sessions: SessionFactory
) -> None:
    """/lapor asks each IKI in turn (a number, a delivery button, words), then sends them all."""
    from datetime import date

    from models import Indicator, ReportValue

    org, _single = await setup(sessions)
    async with sessions() as session:
        rhk = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period="2026-2",
            title="Arsip tertib",
            indicator="Dokumen diarsipkan",
            target_amount=Decimal(10),
            unit="dokumen",
            status="approved",
        )
        session.add(rhk)
        await session.flush()
        assert rhk.id is not None
        session.add_all(
            [
                Indicator(
                    target_id=rhk.id,
                    position=0,
                    text="Dokumen diarsipkan",
                    target_amount=Decimal(10),
                    unit="dokumen",
                ),
                Indicator(
                    target_id=rhk.id,
                    position=1,
                    aspect="waktu",
                    measure="deadline",
                    text="Rekap selesai",
                    due_on=date(2026, 12, 15),
                ),
                Indicator(
                    target_id=rhk.id,
                    position=2,
                    aspect="kualitas",
                    measure="qualitative",
                    text="Rapi",
                ),
                Indicator(
                    target_id=rhk.id,
                    position=3,
                    aspect="kuantitas",
                    measure="lower",
                    text="Map hilang",
                    target_amount=Decimal(2),
                    unit="map",
                ),
            ]
        )
        await session.commit()
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/report")
        await bot.press_label(STAFF_TG, "Arsip")
        first = bot.last_text(STAFF_TG)
        assert "Indicator 1 of 4 (Quantity): Dokumen diarsipkan" in first
        assert "How much did you add?" in first
        await bot.send(STAFF_TG, "abc")
        assert "number only" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "3")
        assert "Indicator 2 of 4 (Time): Rekap selesai" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "sudah")  # a delivery is answered by its button
        assert "Indicator 2 of 4" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Done today")
        assert "your leader will assess it" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "Semua map diberi label")
        assert "lower is better" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "0")  # none lost: zero is a fine level
        assert "short note" in bot.last_text(STAFF_TG) or "Skip" in str(
            bot.fake.last(STAFF_TG).buttons()
        )
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Skip")
        summary = bot.last_text(STAFF_TG)
        assert "• Dokumen diarsipkan: 3 dokumen" in summary
        assert "• Rapi: Semua map diberi label" in summary
        assert "• Map hilang: 0 map" in summary
        await bot.press_label(STAFF_TG, "Send")
        assert "Thank you, your report has been saved!" in bot.last_text(STAFF_TG)
        await bot.drain()
        notice = bot.fake.last(LEADER_TG).content
        assert "• Quantity: Dokumen diarsipkan — 3 of 10 dokumen (30%)" in notice
        assert "• Quality: Rapi — not yet assessed by the leader" in notice
    async with sessions() as session:
        values = (await session.exec(select(ReportValue).order_by(col(ReportValue.id)))).all()
        report = (await session.exec(select(ProgressReport))).one()
    assert report.amount == Decimal(3)
    assert [(v.amount, v.done_on, v.note) for v in values] == [
        (Decimal(3), None, ""),
        (None, date(2026, 11, 27), ""),
        (None, None, "Semua map diberi label"),
        (Decimal(0), None, ""),
    ]


async def test_a_single_level_iki_asks_for_the_level_and_never_adds_it_up(
    db: DB, sessions: SessionFactory
) -> None:
    """'Kepuasan 90 %' reported 85 then 88: the level, not 173 and not 'Target reached'."""
    from models import Indicator

    org, _single = await setup(sessions)
    async with sessions() as session:
        rhk = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period="2026-2",
            title="Kepuasan layanan",
            indicator="Tingkat kepuasan",
            target_amount=Decimal(90),
            unit="%",
            status="approved",
        )
        session.add(rhk)
        await session.flush()
        assert rhk.id is not None
        session.add(
            Indicator(
                target_id=rhk.id,
                position=0,
                aspect="kualitas",
                measure="level",
                text="Tingkat kepuasan",
                target_amount=Decimal(90),
                unit="%",
            )
        )
        await session.commit()
    async with linked_bot(db) as bot:
        for level in ("85", "88"):
            await bot.send(STAFF_TG, "/report")
            await bot.press_label(STAFF_TG, "Kepuasan")
            assert "Indicator 1 of 1 (Quality): Tingkat kepuasan" in bot.last_text(STAFF_TG)
            await bot.send(STAFF_TG, level)
            await bot.press_label(STAFF_TG, "Skip")
            await bot.press_label(STAFF_TG, "Skip")
            await bot.press_label(STAFF_TG, "Send")
            assert "Thank you, your report has been saved!" in bot.last_text(STAFF_TG)
        await bot.drain()
        notice = bot.fake.last(LEADER_TG).content
        assert "88 of 90 % (97.8%)" in notice and "173" not in notice
        await bot.send(STAFF_TG, "/kinerja")
        screen = bot.last_text(STAFF_TG)
        assert "88 of 90 % (97.8%)" in screen
        assert "173" not in screen and "Target reached" not in screen
        await bot.send(STAFF_TG, "/target")
        listing = bot.last_text(STAFF_TG)
        assert "88 of 90 % (97.8%)" in listing and "173" not in listing
