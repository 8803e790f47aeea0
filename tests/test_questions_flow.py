"""Questions to HR (named and anonymous), HR's inbox and answers, and /faq, through the real
Application (both databases). tests/test_questions_rules.py has the rules alone."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select

from bot.i18n import I18n
from bot.services import questions as qs
from bot.services.access import load_speaker
from bot.services.questions import HrResult
from models import AuditLog, Employee, FaqEntry, Question
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB
WIB = ZoneInfo("Asia/Jakarta")
LOCAL_NOW = NOW.astimezone(WIB)
TODAY = date(2026, 11, 27)
STAFF_TG, STAFF2_TG, HR_TG, CITY_TG, OTHER_TG = 3001, 3002, 3003, 3004, 3005
DB = tuple[str, AsyncEngine]


def i18n() -> I18n:
    return I18n("id", ZoneInfo("Asia/Jakarta"))


async def setup(sessions: SessionFactory, staff_lang: str = "en") -> Org:
    """Link staff, staff2, both HR officers and another OPD's staff."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg, lang in [
            (org.staff, STAFF_TG, staff_lang),
            (org.staff2, STAFF2_TG, "id"),
            (org.hr, HR_TG, "en"),
            (org.city_hr, CITY_TG, "en"),
            (org.other_opd_staff, OTHER_TG, "en"),
        ]:
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        await session.commit()
    return org


@asynccontextmanager
async def linked_bot(db: DB, fake: FakeTelegram | None = None) -> AsyncIterator[Harness]:
    """The bot with everyone's chat known; pass `fake` to restart against the same Telegram."""
    async with running_bot(db[0], db[1], now=NOW, fake=fake) as bot:
        for tg in (STAFF_TG, STAFF2_TG, HR_TG, CITY_TG, OTHER_TG):
            bot.fake.user(tg, language_code="en")
            bot.fake.known_chats.add(tg)
        yield bot


def last_alert(bot: Harness) -> str:
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text") or "")


async def all_questions(sessions: SessionFactory) -> list[Question]:
    async with sessions() as session:
        return list((await session.exec(select(Question).order_by(col(Question.id)))).all())


async def employee_of(sessions: SessionFactory, employee_id: int | None) -> Employee:
    async with sessions() as session:
        employee = await session.get(Employee, employee_id)
    assert employee is not None
    return employee


async def speaker_of(sessions: SessionFactory, tg: int) -> Any:
    async with sessions() as session:
        speaker = await load_speaker(session, tg)
    assert speaker is not None
    return speaker


# --- through the bot ---


async def test_named_question_answered_and_published(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/ask")
        intro = bot.last_text(STAFF_TG)
        assert "HR will not know who asked and cannot answer you personally" in intro
        assert "You can ask 5 more question(s) today." in intro
        await bot.press_label(STAFF_TG, "With my name")
        assert "10 to 2,000 characters" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "pendek")
        assert "at least 10 characters" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "x" * 5000)
        assert "5,000 characters" in bot.last_text(STAFF_TG)
        assert "at most 2,000" in bot.last_text(STAFF_TG)
        await bot.feed(bot.fake.send_sticker(STAFF_TG))
        assert "type your text" in bot.last_text(STAFF_TG)
        question = "Bagaimana cara <b>cuti</b> & izin? 😀"
        await bot.send(STAFF_TG, question)
        preview = bot.fake.last(STAFF_TG)
        assert "Preview of your question" in preview.content
        assert "Bagaimana cara &lt;b&gt;cuti&lt;/b&gt; &amp; izin? 😀" in (preview.html or "")
        assert await all_questions(sessions) == []
        send_data = preview.button("Send")
        await bot.press_label(STAFF_TG, "Send")
        assert "You will receive the answer in this chat" in bot.last_text(STAFF_TG)
        [saved] = await all_questions(sessions)
        assert (saved.asker_id, saved.opd_id, saved.anonymous) == (org.staff.id, org.opd.id, False)
        assert saved.text == question
        # The old Send button does nothing more.
        await bot.press_raw(STAFF_TG, preview.message_id, send_data)
        assert "no longer active" in last_alert(bot)
        assert len(await all_questions(sessions)) == 1

        assert await bot.drain() == 1
        notice = bot.fake.last(HR_TG)
        assert "New question from Siti <Aminah> & Co 😀" in notice.content
        assert "&lt;b&gt;cuti&lt;/b&gt; &amp;" in (notice.html or "")
        assert notice.buttons() == [("Answer", f"qa:ans:{saved.id}")]
        assert bot.fake.sent(CITY_TG) == []

        # Another OPD's HR crafting the button is refused; so is a staff member.
        await bot.press_raw(OTHER_TG, 1, f"qa:ans:{saved.id}")
        assert "not in your HR scope" in last_alert(bot)
        await bot.press_raw(STAFF2_TG, 1, f"qa:ans:{saved.id}")
        assert "tidak termasuk dalam cakupan" in last_alert(bot)
        await bot.press_raw(HR_TG, 1, "qa:ans:zz")
        assert "not in your HR scope" in last_alert(bot)

        # HR sees it in the inbox and answers.
        await bot.send(HR_TG, "/tanya")
        inbox = bot.fake.last(HR_TG)
        assert "1 open question(s)" in inbox.content
        assert ("Ask a question", "qa:new") in inbox.buttons()
        await bot.press_label(HR_TG, f"Answer #{saved.id}")
        assert "at most 3,000 characters" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "y" * 3001)
        assert "at most 3,000" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "Ajukan lewat <SIASN> & atasan 👍")
        await bot.press_label(HR_TG, "Send")
        done = bot.fake.last(HR_TG)
        assert "sent to the asker" in done.content
        assert done.buttons() == [("Publish to FAQ", f"qa:pub:{saved.id}")]
        assert await bot.drain() == 1
        answer = bot.fake.last(STAFF_TG)
        assert "HR has answered your question" in answer.content
        assert "Ajukan lewat &lt;SIASN&gt; &amp; atasan 👍" in (answer.html or "")
        [saved] = await all_questions(sessions)
        assert (saved.status, saved.answered_by_id) == ("answered", org.hr.id)

        # Publish with a reworded question.
        await bot.press_label(HR_TG, "Publish to FAQ")
        assert "FAQ entry preview" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Reword")
        await bot.send(HR_TG, "Bagaimana cara mengajukan cuti & izin?")
        assert "Bagaimana cara mengajukan cuti" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Publish")
        assert "Published" in bot.last_text(HR_TG)
        async with sessions() as session:
            [entry] = (await session.exec(select(FaqEntry))).all()
        assert entry.question == "Bagaimana cara mengajukan cuti & izin?"
        assert entry.answer == "Ajukan lewat <SIASN> & atasan 👍"
        await bot.press_raw(HR_TG, 1, f"qa:pub:{saved.id}")
        await bot.press_label(HR_TG, "Publish")
        assert "already in the FAQ" in bot.last_text(HR_TG)

        # Browsing the FAQ: English and Indonesian.
        await bot.send(STAFF_TG, "/faq")
        listing = bot.fake.last(STAFF_TG)
        assert "Frequently asked questions" in listing.content
        assert listing.buttons() == [
            ("Bagaimana cara mengajukan cuti & izin?", f"faq:e:{entry.id}")
        ]
        await bot.press_label(STAFF_TG, "Bagaimana cara")
        shown = bot.fake.last(STAFF_TG)
        assert "Ajukan lewat &lt;SIASN&gt; &amp; atasan 👍" in (shown.html or "")
        assert ("Hide from FAQ", f"faq:hide:{entry.id}") not in shown.buttons()
        await bot.send(STAFF2_TG, "/faq")
        assert "Pertanyaan yang sering diajukan" in bot.last_text(STAFF2_TG)
        await bot.press_label(STAFF2_TG, "Bagaimana cara")
        assert "Jawaban:" in bot.last_text(STAFF2_TG)
        # A staff member cannot hide it; crafted ids are refused.
        await bot.press_raw(STAFF_TG, 1, f"faq:hide:{entry.id}")
        assert "cannot hide" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, "faq:e:99999")
        assert "not available" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, "faq:e:-1")
        assert "not available" in last_alert(bot)
        # HR hides it.
        await bot.press_raw(HR_TG, 1, f"faq:e:{entry.id}")
        await bot.press_label(HR_TG, "Hide from FAQ")
        assert "hidden" in bot.last_text(HR_TG)
        await bot.send(STAFF_TG, "/faq")
        assert "Nothing has been published yet" in bot.last_text(STAFF_TG)


async def test_anonymous_question_leaves_no_link(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions)
    assert org.staff.id
    question = "Apakah penilaian <kinerja> & tunjangan berkaitan? 🙏"
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/tanya")
        await bot.press_label(STAFF_TG, "Anonymous")
        route = bot.last_text(STAFF_TG)
        assert "not who you are" in route
        await bot.press_label(STAFF_TG, "BKPSDM")
        assert "do not write your name or NIP" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, question)
        assert "HR sees neither your name nor your OPD" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Send")
        assert "you will not receive a personal answer" in bot.last_text(STAFF_TG)
        assert await bot.drain() == 1
        notice = bot.fake.last(CITY_TG)
        assert "New anonymous question" in notice.content
        assert "Siti" not in notice.content
        assert bot.fake.sent(HR_TG) == []
        [saved] = await all_questions(sessions)
        assert (saved.asker_id, saved.opd_id, saved.anonymous) == (None, None, True)
        # Dinkes HR cannot answer a BKPSDM question; city-wide HR can, and is told why the
        # asker will not hear.
        await bot.press_raw(HR_TG, 1, f"qa:ans:{saved.id}")
        assert "not in your HR scope" in last_alert(bot)
        await bot.press_label(CITY_TG, "Answer")
        assert "This question is anonymous" in bot.last_text(CITY_TG)
        await bot.send(CITY_TG, "Ya, berkaitan dengan capaian.")
        await bot.press_label(CITY_TG, "Send")
        assert "cannot be told personally" in bot.last_text(CITY_TG)
        assert await bot.drain() == 0
        await bot.press_label(CITY_TG, "Publish to FAQ")
        await bot.press_label(CITY_TG, "Publish")
        assert "Published" in bot.last_text(CITY_TG)
        # Later, a second anonymous question to the HR of the asker's OPD keeps only the OPD.
        await bot.send(STAFF_TG, "/tanya")
        await bot.press_label(STAFF_TG, "Anonymous")
        await bot.press_label(STAFF_TG, "HR of my OPD")
        await bot.send(STAFF_TG, "Pertanyaan anonim kedua untuk HR Dinkes")
        await bot.press_label(STAFF_TG, "Send")
        assert await bot.drain() == 1
        assert "From an employee of: Dinas Kesehatan" in bot.last_text(HR_TG)
    # After the bot stopped (persistence flushed), scan every table.
    async with sessions() as session:
        staff = await session.get(Employee, org.staff.id)
        assert staff is not None
        rows = await all_rows(db[1])
        questions = [r for r in rows["question"]]
        assert [(q["asker_id"], q["opd_id"]) for q in questions] == [
            (None, None),
            (None, org.opd.id),
        ]
        markers = [str(STAFF_TG), staff.nip, "Siti", "Aminah"]
        for table, table_rows in rows.items():
            if table in {"employee", "alembic_version"}:
                continue
            if table == "user_data":
                # The row exists for other features (the menu cache); it must hold no draft.
                for row in table_rows:
                    assert "question" not in row["data"] and "anonym" not in row["data"]
                    assert "kinerja" not in row["data"]
                continue
            for row in table_rows:
                dumped = json.dumps(row, default=str)
                for marker in markers:
                    assert marker not in dumped, (table, row)
                for column, value in row.items():
                    if column.endswith("_id") and column not in {"opd_id", "unit_id"}:
                        assert value != org.staff.id, (table, row)
                    if column in {"user_id", "chat_id", "telegram_user_id"}:
                        assert value != STAFF_TG, (table, row)
        assert rows["auditlog"] == [] or all(
            r["actor_employee_id"] == org.city_hr.id for r in rows["auditlog"]
        )
        assert not any(r["name"] == "questions" for r in rows["conversationstate"])
        # The daily limit of anonymous questions is counted in memory: no table holds it.
        assert not any("quota" in table for table in rows)


async def all_rows(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as dicts (for the anonymity scan)."""
    result: dict[str, list[dict[str, Any]]] = {}
    async with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await conn.execute(table.select())).mappings().all()
            result[table.name] = [dict(r) for r in rows]
    return result


async def test_limit_refusals_and_cancel(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions, staff_lang="id")
    async with linked_bot(db) as bot:
        # Two named and two anonymous questions already today: the limit counts both.
        staff = await employee_of(sessions, org.staff2.id)
        for i in range(qs.DAILY_LIMIT - 1):
            await qs.ask(
                sessions, i18n(), tally=bot.deps.anonymous_tally, asker=staff,
                text=f"Pertanyaan nomor {i}", anonymous=i % 2 == 0, to_own_opd=False,
                now=LOCAL_NOW,
            )  # fmt: skip
        # Indonesian: the fifth question goes through, then the limit is explained.
        await bot.send(STAFF2_TG, "/tanya")
        assert "Anda masih dapat bertanya 1" in bot.last_text(STAFF2_TG)
        await bot.press_label(STAFF2_TG, "Dengan nama")
        await bot.send(STAFF2_TG, "Pertanyaan kelima hari ini")
        # A stale button from an earlier step is answered, not acted upon.
        await bot.press_raw(STAFF2_TG, bot.fake.last(STAFF2_TG).message_id, "qa:mode:anon")
        assert "langkah sebelumnya" in last_alert(bot)
        await bot.press_label(STAFF2_TG, "Kirim")
        assert "Terima kasih" in bot.last_text(STAFF2_TG)
        await bot.send(STAFF2_TG, "/tanya")
        limit = bot.last_text(STAFF2_TG)
        assert "batas harian" in limit and "Sabtu, 28 November 2026" in limit
        assert len(await all_questions(sessions)) == 5

        # Cancel by button and by /batal: nothing is saved.
        await bot.send(STAFF_TG, "/tanya")
        await bot.press_label(STAFF_TG, "Batal")
        assert "Dibatalkan" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "/tanya")
        await bot.press_label(STAFF_TG, "Dengan nama")
        await bot.send(STAFF_TG, "Pertanyaan yang tidak jadi dikirim")
        await bot.send(STAFF_TG, "/batal")
        assert "Dibatalkan" in bot.last_text(STAFF_TG)
        assert len(await all_questions(sessions)) == 5
        # A staff member cannot page an inbox; malformed data is refused.
        await bot.press_raw(STAFF_TG, 1, "qa:pg:0")
        assert "cakupan" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, "qa:close:1")
        assert "cakupan" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, "qa:pub:1")
        assert "cakupan" in last_alert(bot)

        # HR closes a question with a reason (not answered; the anonymous asker is not told).
        [first, *_rest] = await all_questions(sessions)
        await bot.press_raw(CITY_TG, 1, f"qa:close:{first.id}")
        assert "reason for closing" in bot.last_text(CITY_TG)
        await bot.send(CITY_TG, "Spam <x>")
        assert f"Question #{first.id} is closed" in bot.last_text(CITY_TG)
        await bot.press_raw(CITY_TG, 1, f"qa:ans:{first.id}")
        assert "already been answered or closed" in last_alert(bot)
        [first, *_rest] = await all_questions(sessions)
        assert (first.status, first.answer) == ("closed", "Spam <x>")


async def test_inbox_is_paged(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions)
    async with sessions() as session:
        for n in range(12):
            session.add(
                Question(asker_id=org.staff.id, opd_id=org.opd.id, text=f"Soal nomor {n:02d}")
            )
        await session.commit()
    async with linked_bot(db) as bot:
        await bot.send(HR_TG, "/tanya")
        first = bot.fake.last(HR_TG)
        assert "12 open question(s)" in first.content and "Page 1 of 3" in first.content
        await bot.press_label(HR_TG, "Next")
        assert "Page 2 of 3" in bot.last_text(HR_TG)
        await bot.press_raw(HR_TG, first.message_id, "qa:pg:99")
        assert "Page 1 of 3" in bot.last_text(HR_TG)
        # HR can ask a question too.
        await bot.press_label(HR_TG, "Ask a question")
        assert "Ask HR a question" in bot.last_text(HR_TG)


async def test_hr_answers_and_publishes_in_indonesian(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions, staff_lang="id")
    async with sessions() as session:
        hr = await session.get(Employee, org.hr.id)
        assert hr is not None
        hr.language = "id"
        session.add(hr)
        await session.commit()
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/tanya")
        await bot.press_label(STAFF_TG, "Anonim")
        assert "bukan siapa Anda" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Kepegawaian OPD saya")
        await bot.send(STAFF_TG, "Kapan jadwal pengisian SKP semester depan?")
        assert "Pratinjau pertanyaan Anda" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Kirim")
        assert "Pertanyaan anonim Anda telah dikirim" in bot.last_text(STAFF_TG)
        assert await bot.drain() == 1
        notice = bot.fake.last(HR_TG)
        assert "Pertanyaan anonim baru" in notice.content
        assert "Dari pegawai: Dinas Kesehatan" in notice.content
        await bot.press_label(HR_TG, "Jawab")
        assert "Pertanyaan ini anonim" in bot.last_text(HR_TG)
        await bot.send(HR_TG, "Mulai minggu pertama Januari.")
        await bot.press_label(HR_TG, "Kirim")
        await bot.press_label(HR_TG, "Terbitkan ke FAQ")
        assert "Pratinjau entri FAQ" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Terbitkan")
        assert "Sudah diterbitkan" in bot.last_text(HR_TG)
        await bot.send(STAFF_TG, "/faq")
        await bot.press_label(STAFF_TG, "Kapan jadwal")
        shown = bot.last_text(STAFF_TG)
        assert "Pertanyaan:" in shown and "Mulai minggu pertama Januari." in shown


async def settle_some(sessions: SessionFactory, org: Org) -> dict[str, int]:
    """A named answered, an anonymous closed (Dinkes), another OPD's answered, one open."""
    tally = qs.AnonymousTally()
    staff = await employee_of(sessions, org.staff.id)
    staff2 = await employee_of(sessions, org.staff2.id)
    other = await employee_of(sessions, org.other_opd_staff.id)
    hr = await speaker_of(sessions, HR_TG)
    city_hr = await speaker_of(sessions, CITY_TG)
    ids: dict[str, int] = {}
    for name, asker, anonymous, text in [
        ("named", staff, False, "Bagaimana cara <b>cuti</b> & izin?"),
        ("anon", staff, True, "Pertanyaan anonim untuk HR Dinkes"),
        ("other", other, False, "Pertanyaan dari Dishub soal SKP"),
        ("open", staff, False, "Pertanyaan yang masih menunggu"),
        ("staff2", staff2, False, "Pertanyaan milik pegawai lain"),
    ]:
        asked = await qs.ask(
            sessions, i18n(), tally=tally, asker=asker, text=text,
            anonymous=anonymous, to_own_opd=True, now=LOCAL_NOW,
        )  # fmt: skip
        assert asked.question and asked.question.id
        ids[name] = asked.question.id
    for speaker, name, reply in [
        (hr, "named", "Ajukan lewat <SIASN> & atasan"),
        (city_hr, "other", "Lihat panduan SKP"),
        (hr, "staff2", "Sudah dijawab"),
    ]:
        done = await qs.answer(
            sessions, i18n(), speaker=speaker, question_id=ids[name], text=reply, now=NOW
        )
        assert done.result is HrResult.DONE
    closed = await qs.close(
        sessions, i18n(), speaker=hr, question_id=ids["anon"], reason="Duplikat <x>", now=NOW
    )
    assert closed.result is HrResult.DONE
    return ids


async def test_hr_sees_answered_and_closed(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions)
    ids = await settle_some(sessions, org)
    hr = await speaker_of(sessions, HR_TG)
    city_hr = await speaker_of(sessions, CITY_TG)
    settled = await qs.settled_page(sessions, hr, 0, 10)
    rows, total = [r.question for r in settled.rows], settled.total
    assert total == 3 and ids["other"] not in [q.id for q in rows]
    assert ids["open"] not in [q.id for q in rows]
    assert (await qs.settled_page(sessions, city_hr, 0, 10)).total == 4
    async with linked_bot(db) as bot:
        await bot.send(HR_TG, "/tanya")
        await bot.press_label(HR_TG, "Answered and closed")
        listing = bot.fake.last(HR_TG)
        assert "3 question(s), newest first" in listing.content
        assert "Anonymous (Dinas Kesehatan)" in listing.content
        assert "Closed without an answer" in listing.content
        assert "&lt;b&gt;cuti&lt;/b&gt; &amp;" in (listing.html or "")
        assert "Dishub" not in listing.content
        assert ("Open questions", "qa:pg:0") in listing.buttons()

        # An answered question: the answer, who answered and when; then publish from here.
        await bot.press_label(HR_TG, f"Open #{ids['named']}")
        shown = bot.fake.last(HR_TG)
        assert "Siti" in shown.content and "Ajukan lewat &lt;SIASN&gt; &amp;" in (shown.html or "")
        assert "By Dewi Lubis on" in shown.content
        assert ("Publish to FAQ", f"qa:pub:{ids['named']}") in shown.buttons()
        await bot.press_label(HR_TG, "Publish to FAQ")
        assert "FAQ entry preview" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Publish")
        assert "Published" in bot.last_text(HR_TG)
        await bot.press_raw(HR_TG, 1, f"qa:dq:{ids['named']}")
        again = bot.fake.last(HR_TG)
        assert "published in /faq" in again.content
        assert all(label != "Publish to FAQ" for label, _data in again.buttons())

        # A closed anonymous question: the reason, and still nobody named.
        await bot.press_raw(HR_TG, 1, f"qa:dq:{ids['anon']}")
        closed = bot.fake.last(HR_TG)
        assert "Closed without an answer. Reason:" in closed.content
        assert "Duplikat &lt;x&gt;" in (closed.html or "")
        assert "Anonymous (Dinas Kesehatan)" in closed.content and "Siti" not in closed.content
        assert all(label != "Publish to FAQ" for label, _data in closed.buttons())

        # Crafted data: another OPD's question, a staff member, malformed ids.
        await bot.press_raw(HR_TG, 1, f"qa:dq:{ids['other']}")
        assert "not in your HR scope" in last_alert(bot)
        await bot.press_raw(HR_TG, 1, f"qa:pub:{ids['other']}")
        assert "not in your HR scope" in last_alert(bot)
        await bot.press_raw(HR_TG, 1, "qa:dq:-5")
        assert "not in your HR scope" in last_alert(bot)
        await bot.press_raw(STAFF2_TG, 1, "qa:done:0")
        assert "cakupan" in last_alert(bot)
        await bot.press_raw(STAFF2_TG, 1, f"qa:dq:{ids['named']}")
        assert "cakupan" in last_alert(bot)
        # A stale page number falls back to the first page.
        await bot.press_raw(HR_TG, closed.message_id, "qa:done:7")
        assert "3 question(s)" in closed.content
        # City-wide HR sees the other OPD's question too.
        await bot.send(CITY_TG, "/tanya")
        await bot.press_label(CITY_TG, "Answered and closed")
        assert "4 question(s)" in bot.last_text(CITY_TG)
        assert "Dishub" in bot.last_text(CITY_TG)


async def test_my_questions(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions, staff_lang="id")
    ids = await settle_some(sessions, org)
    async with linked_bot(db) as bot:
        # Indonesian: named questions with status and answer; anonymous ones explained.
        await bot.send(STAFF_TG, "/tanya")
        await bot.press_label(STAFF_TG, "Pertanyaan saya")
        mine = bot.fake.last(STAFF_TG)
        assert "Pertanyaan saya" in mine.content
        assert "Menunggu jawaban" in mine.content and "Dijawab" in mine.content
        assert "Jawaban: Ajukan lewat &lt;SIASN&gt; &amp; atasan" in (mine.html or "")
        assert "Pertanyaan anonim tidak tampil" in mine.content
        assert "Pertanyaan anonim untuk HR Dinkes" not in mine.content
        assert "milik pegawai lain" not in mine.content
        assert [data for _label, data in mine.buttons() if data.startswith("qa:myq:")] == [
            f"qa:myq:{ids['open']}",
            f"qa:myq:{ids['named']}",
        ]
        await bot.press_label(STAFF_TG, f"Buka #{ids['named']}")
        opened = bot.fake.last(STAFF_TG)
        assert "Pertanyaan Anda #" in opened.content and "Dijawab" in opened.content
        assert "&lt;b&gt;cuti&lt;/b&gt;" in (opened.html or "")
        await bot.press_raw(STAFF_TG, 1, f"qa:myq:{ids['open']}")
        assert "Bagian kepegawaian belum menjawab" in bot.last_text(STAFF_TG)
        # Someone else's question, an anonymous one, and malformed ids are refused.
        for crafted in (ids["staff2"], ids["anon"], ids["other"]):
            await bot.press_raw(STAFF_TG, 1, f"qa:myq:{crafted}")
            assert "tidak tersedia" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, "qa:myq:x")
        assert "tidak tersedia" in last_alert(bot)
        # A stale page number shows the first page; the list leaves the question flow.
        await bot.press_raw(STAFF_TG, opened.message_id, "qa:mine:9")
        assert "Pertanyaan anonim tidak tampil" in opened.content
        await bot.send(STAFF_TG, "Teks yang tidak boleh menjadi pertanyaan")
        assert len(await all_questions(sessions)) == 5

        # English, with nothing asked by name: one kind line about anonymous questions.
        await bot.send(OTHER_TG, "/tanya")
        await bot.press_label(OTHER_TG, "My questions")
        own = bot.last_text(OTHER_TG)
        assert "Waiting" not in own and "Answered" in own  # Joko asked one, answered
        await bot.send(HR_TG, "/tanya")
        await bot.press_label(HR_TG, "Ask a question")
        await bot.press_label(HR_TG, "My questions")
        hr_own = bot.last_text(HR_TG)
        assert "You have not asked a question with your name yet." in hr_own
        assert "Anonymous questions are not listed" in hr_own
        # After the daily limit, the list is still reachable.
        staff = await employee_of(sessions, org.staff.id)
        for n in range(3):  # two named earlier, and these three anonymous ones
            await qs.ask(
                sessions, i18n(), tally=bot.deps.anonymous_tally, asker=staff,
                text=f"Pertanyaan tambahan {n}", anonymous=True, to_own_opd=False,
                now=LOCAL_NOW,
            )  # fmt: skip
        await bot.send(STAFF_TG, "/tanya")
        assert "batas harian" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Pertanyaan saya")
        assert "Menunggu jawaban" in bot.last_text(STAFF_TG)


async def test_hidden_faq_entries_shown_again(db: DB, sessions: SessionFactory) -> None:
    org = await setup(sessions)
    ids = await settle_some(sessions, org)
    async with sessions() as session:
        hr = await session.get(Employee, org.hr.id)
        assert hr is not None
        hr.language = "id"
        session.add(hr)
        await session.commit()
    city_hr = await speaker_of(sessions, CITY_TG)
    published = await qs.publish(
        sessions, speaker=city_hr, question_id=ids["named"], question_text=None, now=NOW
    )
    other = await qs.publish(
        sessions, speaker=city_hr, question_id=ids["other"], question_text=None, now=NOW
    )
    assert published.faq and published.faq.id and other.faq and other.faq.id
    entry_id, other_id = published.faq.id, other.faq.id
    for hidden in (entry_id, other_id):
        assert await qs.hide(sessions, speaker=city_hr, entry_id=hidden, now=NOW)
    async with linked_bot(db) as bot:
        # Staff see nothing and no hidden list; crafted buttons are refused.
        await bot.send(STAFF_TG, "/faq")
        assert bot.fake.last(STAFF_TG).buttons() == []
        await bot.press_raw(STAFF_TG, 1, "faq:hid:0")
        assert "not available" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, f"faq:he:{entry_id}")
        assert "not available" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, f"faq:show:{entry_id}")
        assert "cannot show" in last_alert(bot)
        # Dinkes HR (Indonesian) sees only the entry of its own scope, and shows it again.
        await bot.send(HR_TG, "/faq")
        await bot.press_label(HR_TG, "Entri FAQ yang disembunyikan (1)")
        hidden = bot.fake.last(HR_TG)
        assert "Entri FAQ yang disembunyikan" in hidden.content
        assert [data for _label, data in hidden.buttons()] == [f"faq:he:{entry_id}", "faq:pg:0"]
        await bot.press_raw(HR_TG, 1, f"faq:he:{other_id}")
        assert "tidak tersedia" in last_alert(bot)
        await bot.press_raw(HR_TG, 1, f"faq:show:{other_id}")
        assert "tidak dapat menampilkan kembali" in last_alert(bot)
        await bot.press_label(HR_TG, "Bagaimana cara")
        entry = bot.fake.last(HR_TG)
        assert "Disembunyikan dari /faq" in entry.content
        assert "&lt;b&gt;cuti&lt;/b&gt;" in (entry.html or "")
        await bot.press_label(HR_TG, "Tampilkan lagi di FAQ")
        assert "kembali ditampilkan di /faq" in bot.last_text(HR_TG)
        # The stale button does nothing more.
        await bot.press_raw(HR_TG, entry.message_id, f"faq:show:{entry_id}")
        assert "tidak dapat menampilkan kembali" in last_alert(bot)
        await bot.send(STAFF_TG, "/faq")
        assert bot.fake.last(STAFF_TG).buttons() == [
            ("Bagaimana cara <b>cuti</b> & izin?", f"faq:e:{entry_id}")
        ]
        # City-wide HR still sees the other hidden entry, in English.
        await bot.send(CITY_TG, "/faq")
        assert ("Hidden FAQ entries (1)", "faq:hid:0") in bot.fake.last(CITY_TG).buttons()
    async with sessions() as session:
        audits = (await session.exec(select(AuditLog).order_by(col(AuditLog.id)))).all()
        unhides = [a for a in audits if a.action == "faq.unhide"]
        assert [(a.actor_employee_id, json.loads(a.details)["faq_id"]) for a in unhides] == [
            (org.hr.id, entry_id)
        ]
        [shown] = (await session.exec(select(FaqEntry).where(FaqEntry.id == entry_id))).all()
        assert not shown.hidden
    # Published anew while hidden: the old entry stays hidden (no duplicate in /faq).
    city_hr = await speaker_of(sessions, CITY_TG)
    again = await qs.publish(
        sessions, speaker=city_hr, question_id=ids["other"], question_text=None, now=NOW
    )
    assert again.result is HrResult.DONE
    kept = await qs.unhide(sessions, speaker=city_hr, entry_id=other_id, now=NOW)
    assert kept.result is HrResult.ALREADY
    async with sessions() as session:
        assert (await session.get(FaqEntry, other_id)).hidden  # type: ignore[union-attr]
