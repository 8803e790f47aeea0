"""Every step of every conversation answers what it cannot use; a refused button of another flow
leaves the current flow as it was (issue 11, "Trust")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import ConversationHandler

from handlers import MAIN_GROUP
from models import Employee, Target
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.fakegram import FakeTelegram
from tests.support.flow_steps import feedback_until_preview, report_until_summary
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
LEADER_TG, STAFF_TG, HR_TG = 2101, 2102, 2104
DB = tuple[str, AsyncEngine]
NOT_UNDERSTOOD = ("did not understand", "belum memahami")


async def setup(sessions: SessionFactory, leader_lang: str = "en") -> Org:
    """Link leader, staff and HR; leader and staff each get one approved target."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg, lang in [
            (org.leader, LEADER_TG, leader_lang),
            (org.staff, STAFF_TG, "en"),
            (org.hr, HR_TG, "en"),
        ]:
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        org.leader.notice_mode = "instant"
        for owner, title in [(org.staff, "Rekap absensi"), (org.leader, "Laporan bidang")]:
            session.add(
                Target(
                    employee_id=owner.id,  # type: ignore[arg-type]
                    period="2026-2",
                    title=title,
                    target_amount=Decimal(40),
                    unit="dokumen",
                    status="approved",
                )
            )
        await session.commit()
    return org


@asynccontextmanager
async def linked_bot(db: DB, fake: FakeTelegram | None = None) -> AsyncIterator[Harness]:
    async with running_bot(db[0], db[1], now=NOW, fake=fake) as bot:
        for tg in (LEADER_TG, STAFF_TG, HR_TG):
            bot.fake.user(tg, language_code="en")
            bot.fake.known_chats.add(tg)
        yield bot


def new_messages(bot: Harness, chat: int, since: int) -> list[Any]:
    return bot.fake.sent(chat)[since:]


async def test_every_step_of_every_conversation_takes_any_message(
    db: DB, sessions: SessionFactory
) -> None:
    """Text, a sticker, a photo, a document: each state has a handler for each of them."""
    await setup(sessions)
    async with linked_bot(db) as bot:
        fake = bot.fake
        messages = {
            "text": fake.send_text(STAFF_TG, "halo"),
            "sticker": fake.send_sticker(STAFF_TG),
            "photo": fake.send_photo(STAFF_TG),
            "document": fake.send_document(STAFF_TG),
        }
        updates = {kind: Update.de_json(data, bot.app.bot) for kind, data in messages.items()}
        conversations = [
            h for h in bot.app.handlers[MAIN_GROUP] if isinstance(h, ConversationHandler)
        ]
        assert len(conversations) >= 9
        silent = [
            f"{conversation.name} state {state}: {kind}"
            for conversation in conversations
            for state, handlers in conversation.states.items()
            for kind, update in updates.items()
            if not any(handler.check_update(update) for handler in handlers)
        ]
        assert silent == []


async def test_typing_at_a_button_step_gets_a_hint_and_the_buttons_again(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        # /siaran, then typing instead of pressing a button.
        await bot.send(HR_TG, "/siaran")
        menu = bot.fake.last(HR_TG)
        await bot.send(HR_TG, "saya mau kirim pengumuman")
        again = bot.fake.last(HR_TG)
        assert again.message_id != menu.message_id
        assert "Please choose with the buttons below." in again.content
        assert "What would you like to do?" in again.content
        assert again.buttons() == menu.buttons()
        assert not any(word in again.content for word in NOT_UNDERSTOOD)
        # The buttons sent again work: the flow goes on.
        await bot.press_label(HR_TG, "New broadcast")
        assert "Who should receive" in bot.last_text(HR_TG)

        # /lapor, then typing at the target step; a sticker there too.
        await bot.send(STAFF_TG, "/lapor")
        targets = bot.fake.last(STAFF_TG)
        await bot.send(STAFF_TG, "3")
        again = bot.fake.last(STAFF_TG)
        assert "Please choose with the buttons below." in again.content
        assert "Which target is this report for?" in again.content
        assert again.buttons() == targets.buttons()
        await bot.feed(bot.fake.send_sticker(STAFF_TG))
        assert bot.fake.last(STAFF_TG).buttons() == targets.buttons()
        await bot.press_label(STAFF_TG, "Rekap absensi")
        assert "How much have you achieved" in bot.last_text(STAFF_TG)


async def test_a_sticker_on_a_preview_shows_the_preview_buttons_again(
    db: DB, sessions: SessionFactory
) -> None:
    """The preview takes typed text (it replaces the draft) but nothing else."""
    await setup(sessions)
    async with linked_bot(db) as bot:
        await feedback_until_preview(bot, LEADER_TG, "Siti", "Terima kasih atas rekap yang rapi.")
        preview = bot.fake.last(LEADER_TG)
        await bot.feed(bot.fake.send_sticker(LEADER_TG))
        again = bot.fake.last(LEADER_TG)
        assert "Sorry, I cannot use that here. Please answer as asked below." in again.content
        assert "Preview of your feedback" in again.content
        assert again.buttons() == preview.buttons()
        await bot.press_label(LEADER_TG, "Send")
        assert "has been sent to Siti" in bot.last_text(LEADER_TG)


async def test_after_a_restart_a_button_step_still_answers_typing(
    db: DB, sessions: SessionFactory
) -> None:
    """The prompt is kept in memory only; after a restart the hint points to the message above."""
    await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(HR_TG, "/siaran")
        menu = bot.fake.last(HR_TG)
    async with linked_bot(db, fake=bot.fake) as bot:
        await bot.send(HR_TG, "halo")
        hint = bot.last_text(HR_TG)
        assert "buttons of my latest message above" in hint
        assert "/batal" in hint
        await bot.press(HR_TG, menu.message_id, menu.button("New broadcast"))
        assert "Who should receive" in menu.content  # the menu, edited


async def test_a_refused_button_of_another_flow_leaves_the_report_flow(
    db: DB, sessions: SessionFactory
) -> None:
    """At the /lapor amount step, an old "Beri umpan balik" button for someone who has left the
    team is refused, and the next "3" is still the amount."""
    org = await setup(sessions, leader_lang="id")
    async with linked_bot(db) as bot:
        await report_until_summary(bot, STAFF_TG, "Rekap absensi")
        await bot.press_label(STAFF_TG, "Send")
        await bot.drain()
        notice = bot.fake.last(LEADER_TG)
        assert "Beri umpan balik" in [label for label, _ in notice.buttons()]
        # Siti moves to another leader.
        async with sessions() as session:
            staff = await session.get(Employee, org.staff.id)
            assert staff is not None
            staff.supervisor_id = org.head.id
            session.add(staff)
            await session.commit()

        await bot.send(LEADER_TG, "/lapor")
        await bot.press_label(LEADER_TG, "Laporan bidang")
        assert "Berapa" in bot.last_text(LEADER_TG)
        before = len(bot.fake.sent(LEADER_TG))
        await bot.press(LEADER_TG, notice.message_id, notice.button("Beri umpan balik"))
        alert = bot.fake.calls_of("answerCallbackQuery")[-1]
        assert alert.get("show_alert") is True
        assert "hanya dapat memberi umpan balik kepada anggota tim Anda" in str(alert.get("text"))
        await bot.send(LEADER_TG, "3")
        answers = [m.content for m in new_messages(bot, LEADER_TG, before)]
        assert not any(word in text for text in answers for word in NOT_UNDERSTOOD), answers
        assert "Tambahkan catatan singkat tentang kualitas pekerjaan" in bot.last_text(LEADER_TG)
