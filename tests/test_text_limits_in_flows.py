"""No message is mangled or dropped because of its length (issue 11), end to end.

Each test drives the real Application through the fake Bot API, which refuses what Telegram
refuses: unparsable HTML, and texts over 4,096 (captions 1,024) UTF-16 units once parsed.
"""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.delivery import outbox_queue
from bot.i18n import I18n
from bot.services import questions as qs
from bot.services import targets
from bot.services.access import load_speaker
from bot.services.periods import Period
from bot.services.targets import TargetDraft, vocabulary
from bot.text import esc
from models import Employee, Question, Target
from models.db import SessionFactory
from tests import test_reports_flow as reports_flow
from tests.support.factories import Org, make_org, widest
from tests.support.harness import Harness, running_bot

DB = tuple[str, AsyncEngine]
NOW = reports_flow.NOW
LEADER_TG, STAFF_TG, HR_TG = 5001, 5002, 5003
WIB = ZoneInfo("Asia/Jakarta")


async def link(sessions: SessionFactory) -> Org:
    """The test organisation with the leader, the staff member and HR linked (English)."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg in ((org.leader, LEADER_TG), (org.staff, STAFF_TG), (org.hr, HR_TG)):
            person.telegram_user_id = tg
            person.language = "en"
            session.add(person)
        await session.commit()
    return org


def open_chats(bot: Harness) -> None:
    for tg in (LEADER_TG, STAFF_TG, HR_TG):
        bot.fake.user(tg, language_code="en")
        bot.fake.known_chats.add(tg)


async def test_hr_answer_screen_for_a_thousand_ampersands(
    db: DB, sessions: SessionFactory
) -> None:
    org = await link(sessions)
    async with sessions() as session:
        asker = await session.get(Employee, org.staff.id)
    assert asker is not None
    asked = await qs.ask(
        sessions, I18n("en", WIB), tally=qs.AnonymousTally(), asker=asker,
        text="&" * 1000, anonymous=False, to_own_opd=True, now=NOW.astimezone(WIB),
    )  # fmt: skip
    assert asked.question is not None
    question_id = asked.question.id
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.drain()
        notice = bot.fake.last(HR_TG)
        assert "&" * 1000 in notice.content
        await bot.press_label(HR_TG, "Answer")
        screen = bot.fake.last(HR_TG)
        assert "&" * 1000 in screen.content
        assert bot.fake.errors == []
        await bot.press_label(HR_TG, "Close without answering")
        await bot.send(HR_TG, "Pertanyaan ini tidak dapat dijawab & sudah ditutup.")
        assert bot.fake.errors == []
    async with sessions() as session:
        closed = await session.get(Question, question_id)
    assert closed is not None and closed.status == qs.STATUS_CLOSED


async def test_target_screen_after_a_long_return_note(db: DB, sessions: SessionFactory) -> None:
    org = await link(sessions)
    async with sessions() as session:
        target = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period="2026-2",
            title="Rekap <data> & laporan",
            target_amount=Decimal(12),
            unit="dokumen",
            status="pending",
        )
        session.add(target)
        await session.commit()
        await session.refresh(target)
    note = "&" * 600 + "<i>" + "&" * 397  # 1,000 characters, the most a note may have
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.press_raw(LEADER_TG, 1, f"tg:ret:{target.id}:1")
        await bot.send(LEADER_TG, note)
        assert "Returned" in bot.last_text(LEADER_TG)
        await bot.drain()
        assert note in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "/target")
        screen = bot.fake.last(STAFF_TG)
        assert note in screen.content
        assert any("Change 1" in label for label, _data in screen.buttons())
        assert bot.fake.errors == []


async def test_a_space_inside_a_reported_amount_is_refused(
    db: DB, sessions: SessionFactory
) -> None:
    await reports_flow.setup(sessions, target_amount=10)
    async with reports_flow.linked_bot(db) as bot:
        await reports_flow.begin(bot)
        await bot.send(reports_flow.STAFF_TG, "5 5")
        text = bot.last_text(reports_flow.STAFF_TG)
        assert "space inside the number" in text
        assert "far above" not in text and "55" not in text
        await bot.send(reports_flow.STAFF_TG, "5")
        assert "note on the quality" in bot.last_text(reports_flow.STAFF_TG)
    async with sessions() as session:
        assert (await session.exec(select(Employee))).first() is not None


async def test_approval_request_for_the_longest_target_reaches_the_leader(
    db: DB, sessions: SessionFactory
) -> None:
    org = await link(sessions)
    async with sessions() as session:
        parent = Target(
            employee_id=org.leader.id,  # type: ignore[arg-type]
            period="2026-2",
            title=widest(vocabulary.MAX_TITLE),
            kind=vocabulary.KIND_QUAL,
            expectation="Semua layanan tepat waktu",
            status="approved",
        )
        session.add(parent)
        await session.commit()
        draft = TargetDraft(
            title=widest(vocabulary.MAX_TITLE),
            indicator=widest(vocabulary.MAX_INDICATOR),
            kind=vocabulary.KIND_QUAL,
            expectation=widest(vocabulary.MAX_EXPECTATION),
            quality_standard=widest(vocabulary.MAX_QUALITY),
            parent_target_id=parent.id,
        )
        speaker = await load_speaker(session, STAFF_TG)
        assert speaker is not None
    proposed = await targets.propose(
        sessions, speaker, draft, period=Period(2026, 2), now=NOW, i18n=I18n("en", WIB)
    )
    assert proposed.target is not None and proposed.notified
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        assert await bot.drain() == 1
        notice = bot.fake.last(LEADER_TG)
        assert "New target for approval" in notice.content
        assert "Please approve it" in notice.content
        assert [label for label, _data in notice.buttons()] == [
            "Approve",
            "Return",
            "📄 Show in full",
        ]
        await bot.press_label(LEADER_TG, "Show in full")
        full = bot.fake.sent(LEADER_TG)[1:]
        assert len(full) > 1  # too long for one message: split, every part valid
        shown = "".join(message.content for message in full)
        for value in (draft.title, draft.indicator, draft.expectation, draft.quality_standard):
            assert value.replace(" ", "") in shown.replace(" ", "").replace("\n", "")
        await bot.press_label(LEADER_TG, "Approve")
        assert "Approved" in bot.last_text(LEADER_TG)
        assert bot.fake.errors == []
    async with sessions() as session:
        saved = await session.get(Target, proposed.target.id)
    assert saved is not None and saved.status == "approved"


async def test_the_outbox_cuts_an_over_long_notice_instead_of_losing_it(
    db: DB, sessions: SessionFactory
) -> None:
    await link(sessions)
    text = "<b>Pemberitahuan</b>\n" + "<i>" + esc("&😀" * 3000) + "</i>"  # 9,000 units
    async with sessions() as session:
        await outbox_queue.enqueue(
            session, dedupe_key="long", kind="test", chat_id=STAFF_TG, text=text, now=NOW
        )
        await session.commit()
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        assert await bot.drain() == 1
        delivered = bot.last_text(STAFF_TG)
        assert delivered.startswith("Pemberitahuan\n&😀&😀") and delivered.endswith("…")
        assert bot.fake.errors == []
