"""A button press handled twice has one effect (issue 11, "Trust").

Updates arrive at least once: when the active process dies after its reply went out but before
it noted the update as handled, the process that takes over handles it again, with the
conversation state and drafts as they were last saved. Here a second Application is started on
the same database while the first one has not saved anything since the press (what a crash
leaves behind), and is given the very same update. tests/test_runtime_failover.py does the same
with
two real processes and a real kill.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.services import broadcasts as bc
from bot.services.access import load_speaker
from handlers.broadcasts.steps import DRAFT_KEY, BroadcastDraft
from models import (
    AuditLog,
    Broadcast,
    Employee,
    Feedback,
    OutboxMessage,
    ProgressReport,
    Target,
    TrainingInvite,
    TrainingSession,
)
from models.db import SessionFactory
from tests.support.factories import make_org
from tests.support.fakegram import FakeTelegram, SentMessage
from tests.support.flow_steps import feedback_until_preview, report_until_summary
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
LEADER_TG, STAFF_TG, HR_TG = 2201, 2202, 2204
DB = tuple[str, AsyncEngine]
# Words of an apology or a refusal: none of them may follow a replayed press.
ALARMING = ("Sorry", "Maaf", "went wrong", "no longer", "not saved")


async def setup(sessions: SessionFactory) -> None:
    """Leader, staff and HR linked (English); staff has one approved target."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg in [(org.leader, LEADER_TG), (org.staff, STAFF_TG), (org.hr, HR_TG)]:
            person.telegram_user_id = tg
            person.language = "en"
            session.add(person)
        org.leader.notice_mode = "instant"
        session.add(
            Target(
                employee_id=org.staff.id,  # type: ignore[arg-type]
                period="2026-2",
                title="Rekap absensi",
                target_amount=Decimal(40),
                unit="dokumen",
                status="approved",
            )
        )
        await session.commit()


@asynccontextmanager
async def process(db: DB, fake: FakeTelegram | None = None) -> AsyncIterator[Harness]:
    """One bot process on the shared database (and the one fake Telegram)."""
    async with running_bot(db[0], db[1], now=NOW, fake=fake) as bot:
        for tg in (LEADER_TG, STAFF_TG, HR_TG):
            bot.fake.user(tg, language_code="en")
            bot.fake.known_chats.add(tg)
        yield bot


async def count(sessions: SessionFactory, model: Any) -> int:
    async with sessions() as session:
        return len((await session.exec(select(model))).all())


async def notices(sessions: SessionFactory, kind: str) -> int:
    async with sessions() as session:
        rows = await session.exec(select(OutboxMessage).where(col(OutboxMessage.kind) == kind))
        return len(rows.all())


def seen_by(bot: Harness, chat: int) -> list[str]:
    """What the user can read: message texts (with edits) and the pop-ups of their presses."""
    texts = [m.content for m in bot.fake.sent(chat)]
    texts += [str(a.get("text") or "") for a in bot.fake.callback_answers.values()]
    return texts


def alarming(texts: list[str]) -> list[str]:
    return [t for t in texts if any(word in t for word in ALARMING)]


async def press_once(bot: Harness, user: int, label: str) -> tuple[dict[str, Any], SentMessage]:
    """Press `label` on the user's latest message, with the step before it saved (as the
    periodic flush would have done by then); return the update and the pressed message."""
    message = bot.fake.last(user)
    await bot.app.update_persistence()
    press = bot.fake.press(user, message.message_id, message.button(label))
    await bot.feed(press)
    return press, message


async def test_a_report_confirmation_handled_twice_saves_one_report(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with process(db) as first:
        await report_until_summary(first, STAFF_TG, "Rekap absensi")
        press, summary = await press_once(first, STAFF_TG, "Send")
        assert "your report has been saved" in summary.content
        shown = seen_by(first, STAFF_TG)
        # The process dies here, before it saves anything more. The next one gets the press.
        async with process(db, fake=first.fake) as second:
            await second.feed(press)
            assert await count(sessions, ProgressReport) == 1
            assert await notices(sessions, "report_notice") == 1
            assert seen_by(second, STAFF_TG) == shown
            # It had really handled it: it tried to answer the press and to show the thanks.
            answers = [c for c in first.fake.calls_of("answerCallbackQuery")]
            assert [c["callback_query_id"] for c in answers].count(
                press["callback_query"]["id"]
            ) == 2
            # Handled once more after its state was saved: still nothing new.
            await second.app.update_persistence()
        async with process(db, fake=first.fake) as third:
            await third.feed(press)
        assert seen_by(first, STAFF_TG) == shown
        assert alarming(shown) == []
    assert await count(sessions, ProgressReport) == 1


async def test_a_feedback_send_handled_twice_sends_one_feedback(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with process(db) as first:
        await feedback_until_preview(
            first, LEADER_TG, "Siti", "Terima kasih atas rekap yang rapi."
        )
        press, preview = await press_once(first, LEADER_TG, "Send")
        assert "has been sent to Siti" in preview.content
        shown = seen_by(first, LEADER_TG)
        async with process(db, fake=first.fake) as second:
            await second.feed(press)
            assert await count(sessions, Feedback) == 1
            assert await notices(sessions, "feedback") == 1
            assert seen_by(second, LEADER_TG) == shown
            edits = [
                c
                for c in first.fake.calls_of("editMessageText")
                if c.get("message_id") == preview.message_id
            ]
            assert len(edits) == 2  # the second process showed the same thanks again
            await second.drain()
        staff_sees = [m.content for m in first.fake.sent(STAFF_TG)]
        assert sum("Feedback from Rina Harahap" in text for text in staff_sees) == 1
        assert alarming(shown) == []


async def test_a_training_save_handled_twice_invites_once(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with sessions() as session:
        staff = (
            await session.exec(select(Employee).where(Employee.telegram_user_id == STAFF_TG))
        ).one()
    async with process(db) as first:
        await first.send(HR_TG, "/pelatihan")
        await first.press_label(HR_TG, "New session")
        for answer in ("Manajemen waktu", "SKP", "10-01-2027 09:00", "Aula BKPSDM", "20", "2"):
            await first.send(HR_TG, answer)
        await first.send(HR_TG, staff.nip)
        press, _preview = await press_once(first, HR_TG, "Save")
        assert "Saved. 1 invitations" in first.last_text(HR_TG)
        async with process(db, fake=first.fake) as second:
            await second.feed(press)
            assert await count(sessions, TrainingSession) == 1
            assert await count(sessions, TrainingInvite) == 1
            assert await notices(sessions, "training-invite") == 1
            assert "Saved. 1 invitations" in second.last_text(HR_TG)
        assert alarming(seen_by(first, HR_TG)) == []


async def test_a_correction_handled_twice_is_counted_once(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with process(db) as first:
        await report_until_summary(first, STAFF_TG, "Rekap absensi")
        await first.press_label(STAFF_TG, "Send")
        await first.press_label(STAFF_TG, "Correct")
        await first.press_label(STAFF_TG, "Amount")
        await first.app.update_persistence()
        typed = first.fake.send_text(STAFF_TG, "4")
        await first.feed(typed)
        assert "Your report has been corrected." in first.last_text(STAFF_TG)
        async with process(db, fake=first.fake) as second:
            await second.feed(typed)
            assert "Your report has been corrected." in second.last_text(STAFF_TG)
    async with sessions() as session:
        [report] = (await session.exec(select(ProgressReport))).all()
        assert (report.amount, report.corrections) == (Decimal(4), 1)
        actions = (await session.exec(select(AuditLog.action))).all()
        assert list(actions).count("report.correct") == 1


async def test_a_broadcast_send_handled_again_still_shows_its_progress(
    db: DB, sessions: SessionFactory
) -> None:
    """The broadcast was saved, then the process died before its progress message went out."""
    await setup(sessions)
    async with process(db) as first:
        await first.send(HR_TG, "/siaran")
        await first.press_label(HR_TG, "New broadcast")
        await first.press_label(HR_TG, "Leaders only")
        await first.send(HR_TG, "Rapat pimpinan hari Senin.")
        preview = first.fake.last(HR_TG)
        await first.app.update_persistence()
        draft = BroadcastDraft.from_data(first.app.user_data[HR_TG][DRAFT_KEY])
        assert draft is not None
        async with sessions() as session:
            hr = await load_speaker(session, HR_TG)
        assert hr is not None
        created = await bc.send(  # what the first process saved before it died
            sessions,
            hr,
            draft.to_service(),
            now=NOW,
            ack_label=lambda _lang: "I have read this",
            progress_chat_id=HR_TG,
        )
        assert created.broadcast is not None and not created.duplicate
        async with process(db, fake=first.fake) as second:
            await second.press(HR_TG, preview.message_id, preview.button("Send"))
            assert await count(sessions, Broadcast) == 1
            assert "is being sent" in second.last_text(HR_TG)
        async with sessions() as session:
            [saved] = (await session.exec(select(Broadcast))).all()
            assert saved.progress_message_id == first.fake.last(HR_TG).message_id
