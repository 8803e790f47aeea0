"""HR broadcasts: audiences, preview, sending through the outbox, ack, stop, report, resend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.services import broadcasts as bc
from bot.services.access import load_speaker
from bot.services.broadcasts import audiences
from bot.text import visible_length
from models import AuditLog, Broadcast, BroadcastAck, Employee, OutboxMessage
from models.db import SessionFactory
from tests.support.factories import Org, add, make_org
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB
HEAD_TG, LEADER_TG, STAFF_TG, STAFF2_TG, HR_TG, CITY_TG, OTHER_TG = (
    3000,
    3001,
    3002,
    3003,
    3004,
    3005,
    3009,
)
DB = tuple[str, AsyncEngine]
LINKS = [
    ("head", HEAD_TG, "en"),
    ("leader", LEADER_TG, "en"),
    ("staff", STAFF_TG, "en"),
    ("staff2", STAFF2_TG, "id"),
    ("hr", HR_TG, "en"),
    ("city_hr", CITY_TG, "en"),
    ("other_opd_staff", OTHER_TG, "en"),
]


def label(lang: str | None) -> str:
    return "I have read this" if lang == "en" else "Saya sudah membaca"


async def setup(sessions: SessionFactory) -> Org:
    """Link everyone in the standard organisation."""
    async with sessions() as session:
        org = await make_org(session)
        for attr, tg, lang in LINKS:
            person: Employee = getattr(org, attr)
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        await session.commit()
    return org


@asynccontextmanager
async def linked_bot(db: DB, **overrides: object) -> AsyncIterator[Harness]:
    async with running_bot(db[0], db[1], now=NOW, **overrides) as bot:
        for _attr, tg, lang in LINKS:
            bot.fake.user(tg, language_code=lang)
            bot.fake.known_chats.add(tg)
        yield bot


def last_alert(bot: Harness) -> str:
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text") or "")


async def broadcasts(sessions: SessionFactory) -> list[Broadcast]:
    async with sessions() as session:
        return list((await session.exec(select(Broadcast).order_by(col(Broadcast.id)))).all())


async def outbox(sessions: SessionFactory, broadcast_id: int) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id)
        return list((await session.exec(query.order_by(col(OutboxMessage.id)))).all())


async def send_formatted(bot: Harness, user_id: int) -> None:
    """The officer types 'Rapat <penting> & wajib' with 'Rapat' in bold."""
    update = bot.fake.send_text(user_id, "Rapat <penting> & wajib")
    update["message"]["entities"] = [{"type": "bold", "offset": 0, "length": 5}]
    await bot.feed(update)


async def compose_to_own_opd(bot: Harness, user_id: int = HR_TG) -> None:
    """/siaran -> New -> Choose OPDs -> the first OPD -> Done -> formatted text."""
    await bot.send(user_id, "/siaran")
    await bot.press_label(user_id, "New broadcast")
    await bot.press_label(user_id, "Choose OPDs")
    await bot.press_label(user_id, "Dinas Kesehatan")
    await bot.press_label(user_id, "Done choosing")
    await send_formatted(bot, user_id)


# --- service ---


async def test_audiences_and_scope(sessions: SessionFactory) -> None:
    org = await setup(sessions)
    async with sessions() as session:
        hr = await load_speaker(session, HR_TG)
        city = await load_speaker(session, CITY_TG)
        staff = await load_speaker(session, STAFF_TG)
        assert hr and city and staff
        assert org.opd.id and org.bkpsdm.id and org.unit.id
        other_opd = org.other_opd_staff.opd_id
        # The city-wide HR reaches everyone linked; the scoped HR only their own OPD.
        everyone = await audiences.resolve_recipients(session, city, {"kind": "city"})
        assert everyone is not None and len(everyone) == 7
        assert await audiences.resolve_recipients(session, hr, {"kind": "city"}) is None
        assert (
            await audiences.resolve_recipients(session, hr, {"kind": "opd", "ids": [other_opd]})
            is None
        )
        own = await bc.count_audience(sessions, hr, {"kind": "opd", "ids": [org.opd.id]})
        assert own is not None and own.total == 5
        several = await bc.count_audience(
            sessions, city, {"kind": "opd", "ids": [org.opd.id, other_opd]}
        )
        assert several is not None and several.total == 6 and len(several.by_opd) == 2
        units = await audiences.resolve_recipients(
            session, hr, {"kind": "unit", "ids": [org.unit.id]}
        )
        assert units is not None and {r.chat_id for r in units} == {STAFF_TG, STAFF2_TG, LEADER_TG}
        leaders = await audiences.resolve_recipients(session, city, {"kind": "leaders"})
        assert leaders is not None and {r.chat_id for r in leaders} == {HEAD_TG, LEADER_TG}
        roles = await audiences.resolve_recipients(session, hr, {"kind": "role", "roles": ["hr"]})
        assert roles is not None and [r.chat_id for r in roles] == [HR_TG]  # not the city HR
        assert await audiences.resolve_recipients(session, staff, {"kind": "city"}) is None
        assert (
            await audiences.resolve_recipients(session, city, {"kind": "opd", "ids": "x"}) is None
        )
        assert await audiences.resolve_recipients(session, city, {"kind": "nope"}) is None
        # Blocked and unlinked employees are not recipients.
        await add(session, nip="198503122010011999", name="Belum Tertaut", opd_id=org.opd.id)
        blocked = await session.get(Employee, org.staff2.id)
        assert blocked is not None
        blocked.blocked_at = NOW
        session.add(blocked)
        await session.commit()
        own = await bc.count_audience(sessions, hr, {"kind": "opd", "ids": [org.opd.id]})
        assert own is not None and own.total == 4


def test_render_splits_long_caption() -> None:
    short = bc.render("<b>Hi</b>", "photo", "F", ("Read", "bc:ack:1"))
    assert [c["method"] for c in short] == ["sendPhoto"]
    assert short[0]["params"]["caption"] == "<b>Hi</b>"
    long_text = "<b>x</b>" + "y" * 1100
    parts = bc.render(long_text, "photo", "F", ("Read", "bc:ack:1"))
    assert [c["method"] for c in parts] == ["sendPhoto", "sendMessage"]
    assert "caption" not in parts[0]["params"] and "reply_markup" not in parts[0]["params"]
    assert parts[1]["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
        "bc:ack:1"
    )
    # Tags and entities do not count: 1,024 visible characters still fit in a caption.
    assert visible_length("<b>&lt;</b>" + "a" * 1023) == 1024
    assert len(bc.render("<b>&lt;</b>" + "a" * 1023, "photo", "F", None)) == 1
    assert bc.length_telegram_refuses("a" * 4097, "") == 4097
    assert bc.length_telegram_refuses("a" * 4096, "") is None


# --- through the bot ---


async def test_non_hr_is_refused_kindly(db: DB) -> None:
    await setup(db_sessions(db))
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/siaran")
        assert "HR officers" in bot.last_text(STAFF_TG)
        await bot.send(STAFF2_TG, "/broadcast")
        assert "petugas Kepegawaian" in bot.last_text(STAFF2_TG) or "HR" in bot.last_text(
            STAFF2_TG
        )
        # A crafted stop / report button from a non-HR user changes nothing.
        await bot.press_raw(STAFF_TG, 1, "bc:stop:1")
        assert "outside your area" in last_alert(bot)
        assert await broadcasts(db_sessions(db)) == []


def db_sessions(db: DB) -> SessionFactory:
    from models.db import create_session_factory

    return create_session_factory(db[1])


async def test_compose_preview_send_ack_report(db: DB) -> None:
    sessions = db_sessions(db)
    org = await setup(sessions)
    async with linked_bot(db) as bot:
        await compose_to_own_opd(bot)
        sent = bot.fake.sent(HR_TG)
        preview = sent[-2]
        # Formatting kept and the user's '<' escaped, exactly as recipients will see it.
        assert preview.html == "<b>Rapat</b> &lt;penting&gt; &amp; wajib"
        assert preview.text == "Rapat <penting> & wajib"
        assert preview.buttons() == [("I have read this", "bc:pv")]
        control = bot.last_text(HR_TG)
        assert "Recipients: 5 employees" in control
        # A crafted OPD toggle for another OPD is refused, the draft is unchanged.
        await bot.press_raw(HR_TG, bot.fake.last(HR_TG).message_id, "bc:o:3:0")
        send_data = bot.fake.last(HR_TG).button("Send")
        message_id = bot.fake.last(HR_TG).message_id
        await bot.press(HR_TG, message_id, send_data)
        await bot.press_raw(HR_TG, message_id, send_data)  # double press
        rows = await broadcasts(sessions)
        assert len(rows) == 1
        broadcast = rows[0]
        assert broadcast.status == "sending" and broadcast.recipients == 5
        assert broadcast.progress_message_id is not None
        out = await outbox(sessions, broadcast.id or 0)
        assert len(out) == 5
        assert {r.dedupe_key for r in out} == {
            f"bc:{broadcast.id}:emp:{e.id}"
            for e in (org.head, org.leader, org.staff, org.staff2, org.hr)
        }
        assert all(r.priority == 90 for r in out)
        async with sessions() as session:
            audits = (
                await session.exec(select(AuditLog).where(AuditLog.action == "broadcast"))
            ).all()
            assert len(audits) == 1
        progress = bot.fake.last(HR_TG)
        assert "is being sent" in progress.text and "Sent: 0 of 5" in progress.text
        await bot.drain()
        received = bot.fake.last(STAFF_TG)
        assert received.html == "<b>Rapat</b> &lt;penting&gt; &amp; wajib"
        assert received.buttons() == [("I have read this", f"bc:ack:{broadcast.id}")]
        assert bot.fake.last(STAFF2_TG).buttons()[0][0] == "Saya sudah membaca"
        assert bot.fake.sent(OTHER_TG) == []
        # The progress job edits once to the final summary, then stays quiet.
        from handlers import broadcasts as handler

        await run_progress_job(bot, handler)
        assert "finished" in progress.text and "Sent: 5 of 5" in progress.text
        edits = len(progress.edits)
        await run_progress_job(bot, handler)
        assert len(progress.edits) == edits
        assert (await broadcasts(sessions))[0].status == "sent"
        # Acknowledge once; twice is still one row; a non-recipient is refused.
        await bot.press(STAFF_TG, received.message_id, f"bc:ack:{broadcast.id}")
        assert "Thank you" in last_alert(bot)
        await bot.press(STAFF_TG, received.message_id, f"bc:ack:{broadcast.id}")
        await bot.press_raw(OTHER_TG, 1, f"bc:ack:{broadcast.id}")
        assert "not valid" in last_alert(bot)
        await bot.press_raw(STAFF_TG, 1, "bc:ack:999")
        assert "not valid" in last_alert(bot)
        async with sessions() as session:
            acks = (await session.exec(select(BroadcastAck))).all()
            assert [a.employee_id for a in acks] == [org.staff.id]
        # Report by OPD; the other OPD's staff may not read it.
        await bot.press(HR_TG, progress.message_id, progress.button("Report"))
        report = bot.last_text(HR_TG)
        assert "Dinas Kesehatan" in report and "sent 5 · read 1" in report
        await bot.press_raw(OTHER_TG, 1, f"bc:rep:{broadcast.id}")
        assert "outside your area" in last_alert(bot)
        # Resend only to those who have not read it (4 people; staff acknowledged).
        await bot.press_label(HR_TG, "Send again")
        rows = await broadcasts(sessions)
        assert len(rows) == 2 and rows[1].resend_of_id == broadcast.id
        again = await outbox(sessions, rows[1].id or 0)
        assert len(again) == 4
        assert org.staff.id not in {r.employee_id for r in again}


async def run_progress_job(bot: Harness, handler: object) -> None:
    """Run the scheduled progress job once (as the JobQueue would)."""
    assert bot.app.job_queue is not None
    (job,) = bot.app.job_queue.get_jobs_by_name("broadcast-progress")
    await job.run(bot.app)


async def test_scoped_hr_cannot_target_other_opd(db: DB) -> None:
    sessions = db_sessions(db)
    org = await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(HR_TG, "/siaran")
        await bot.press_label(HR_TG, "New broadcast")
        labels = [t for t, _d in bot.fake.last(HR_TG).buttons()]
        assert "Whole city" not in labels
        await bot.press_label(HR_TG, "Choose OPDs")
        opd_labels = [t for t, _d in bot.fake.last(HR_TG).buttons()]
        assert any("Dinas Kesehatan" in t for t in opd_labels)
        assert not any("Perhubungan" in t for t in opd_labels)
        other = org.other_opd_staff.opd_id
        await bot.press_raw(HR_TG, bot.fake.last(HR_TG).message_id, f"bc:o:{other}:0")
        assert "outside your area" in last_alert(bot)
        await bot.send(HR_TG, "/siaran")
        await bot.press_label(HR_TG, "New broadcast")
        await bot.press_raw(HR_TG, bot.fake.last(HR_TG).message_id, "bc:au:city")
        assert "outside your area" in last_alert(bot)
        # Units: only those of the officer's own OPD are offered and accepted.
        await bot.press_label(HR_TG, "Choose units")
        assert next(t for t, _d in bot.fake.last(HR_TG).buttons()) == (
            "DINKES · Bidang Pelayanan Kesehatan"
        )
        await bot.press_raw(HR_TG, bot.fake.last(HR_TG).message_id, "bc:o:999:0")
        assert "outside your area" in last_alert(bot)
        await bot.press_label(HR_TG, "Done choosing")
        assert "at least one" in last_alert(bot)
        await bot.press_label(HR_TG, "Bidang Pelayanan")
        await bot.press_label(HR_TG, "Done choosing")
        await bot.send(HR_TG, "Untuk bidang")
        assert "Recipients: 3 employees" in bot.last_text(HR_TG)
    async with sessions() as session:
        hr = await load_speaker(session, HR_TG)
    assert hr is not None
    created = await bc.send(
        sessions,
        hr,
        bc.Draft({"kind": "opd", "ids": [other]}, "x", nonce="n1"),
        now=NOW,
        ack_label=label,
    )
    assert created.refused and created.broadcast is None
    assert await broadcasts(sessions) == []


async def test_stop_cancels_rest_and_report_counts_blocked(db: DB) -> None:
    sessions = db_sessions(db)
    org = await setup(sessions)
    async with linked_bot(db) as bot:
        bot.fake.block(OTHER_TG)
        await bot.send(CITY_TG, "/siaran")
        await bot.press_label(CITY_TG, "New broadcast")
        await bot.press_label(CITY_TG, "Whole city")
        await bot.send(CITY_TG, "Sosialisasi 😀")
        assert "Recipients: <b>7</b>" in (bot.fake.last(CITY_TG).html or "") or (
            "Recipients: 7" in bot.last_text(CITY_TG)
        )
        await bot.press_label(CITY_TG, "Send")
        broadcast = (await broadcasts(sessions))[0]
        drainer = bot.deps.drainer
        assert drainer is not None
        # Send the first three rows by hand (ordered by id), then stop.
        rows = (await drainer.due_rows())[:3]
        for row in rows:
            await drainer.send(row)
        # The HR of the creator's OPD? No: a scoped HR of another OPD may not stop it.
        await bot.press_raw(HR_TG, 1, f"bc:stop:{broadcast.id}")
        assert "outside your area" in last_alert(bot)
        await bot.press_label(CITY_TG, "Stop")
        out = await outbox(sessions, broadcast.id or 0)
        assert [r.status for r in out].count("cancelled") == 4
        assert await bot.drain() == 0
        assert "stopped" in bot.last_text(CITY_TG)
        # Stop the second broadcast after the blocked user: the report counts it.
        await bot.send(CITY_TG, "/siaran")
        await bot.press_label(CITY_TG, "New broadcast")
        await bot.press_label(CITY_TG, "Choose OPDs")
        await bot.press_label(CITY_TG, "Perhubungan")
        await bot.press_label(CITY_TG, "Dinas Kesehatan")
        await bot.press_label(CITY_TG, "Done choosing")
        await bot.send(CITY_TG, "Kedua")
        control = bot.last_text(CITY_TG)
        assert "Recipients: 6" in control and "Dinas Perhubungan: 1" in control
        await bot.press_label(CITY_TG, "Send")
        await bot.drain()
        second = (await broadcasts(sessions))[1]
        async with sessions() as session:
            city = await load_speaker(session, CITY_TG)
        assert city is not None
        found = await bc.report(sessions, city, second.id or 0)
        assert found is not None
        by_name = {line.name: line for line in found.lines}
        assert by_name["Dinas Perhubungan"].blocked == 1
        assert by_name["Dinas Kesehatan"].sent == 5
        assert org.other_opd_staff.id


async def test_photo_with_long_caption_is_split(db: DB) -> None:
    sessions = db_sessions(db)
    await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(CITY_TG, "/siaran")
        await bot.press_label(CITY_TG, "New broadcast")
        await bot.press_label(CITY_TG, "Leaders only")
        caption = "Jadwal <apel> " + "x" * 1100
        await bot.feed(bot.fake.send_photo(CITY_TG, caption=caption))
        assert "Recipients: 2 employees" in bot.last_text(CITY_TG)
        await bot.press_label(CITY_TG, "Send")
        broadcast = (await broadcasts(sessions))[0]
        out = await outbox(sessions, broadcast.id or 0)
        assert len(out) == 4
        keys = [r.dedupe_key for r in out]
        assert keys[1] == keys[0] + ":2"
        await bot.drain()
        for tg in (HEAD_TG, LEADER_TG):
            got = bot.fake.sent(tg)
            assert [m.kind for m in got] == ["photo", "text"]
            assert not got[0].caption
            assert got[1].text == caption
            assert got[1].buttons()[0][1] == f"bc:ack:{broadcast.id}"
        # A sticker or an over-long text gets a clear answer and the draft stays.
        await bot.send(CITY_TG, "/siaran")
        await bot.press_label(CITY_TG, "New broadcast")
        await bot.press_label(CITY_TG, "Leaders only")
        await bot.feed(bot.fake.send_sticker(CITY_TG))
        assert "Stickers" in bot.last_text(CITY_TG)
        await bot.send(CITY_TG, "a" * 5000)
        assert "5,000 characters" in bot.last_text(CITY_TG) and "4,096" in bot.last_text(CITY_TG)
        await bot.send(CITY_TG, "/batal")
        assert "Nothing was sent" in bot.last_text(CITY_TG)
        assert len(await broadcasts(sessions)) == 1


async def test_restart_mid_broadcast_no_loss_no_duplicates(db: DB) -> None:
    sessions = db_sessions(db)
    await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(CITY_TG, "/siaran")
        await bot.press_label(CITY_TG, "New broadcast")
        await bot.press_label(CITY_TG, "Whole city")
        await bot.send(CITY_TG, "Satu kali saja")
        await bot.press_label(CITY_TG, "Send")
        drainer = bot.deps.drainer
        assert drainer is not None
        for row in (await drainer.due_rows())[:2]:
            await drainer.send(row)
        fake = bot.fake
    # A new process on the same database continues where the first stopped.
    async with running_bot(db[0], db[1], now=NOW, fake=fake) as bot2:
        await bot2.drain()
        from handlers import broadcasts as handler

        await run_progress_job(bot2, handler)
        for _attr, tg, _lang in LINKS:
            copies = [
                m
                for m in fake.sent(tg)
                if m.text == "Satu kali saja" and m.buttons()[0][1].startswith("bc:ack:")
            ]
            assert len(copies) == 1, tg
        broadcast = (await broadcasts(sessions))[0]
        assert broadcast.status == "sent"
        progress = fake.message(CITY_TG, broadcast.progress_message_id or 0)
        assert progress is not None and "Sent: 7 of 7" in progress["text"]


async def test_create_twice_with_same_draft_makes_one_broadcast(sessions: SessionFactory) -> None:
    org = await setup(sessions)
    assert org.opd.id
    draft = bc.Draft({"kind": "opd", "ids": [org.opd.id]}, "<i>Halo</i>", nonce="abc")
    async with sessions() as session:
        hr = await load_speaker(session, HR_TG)
    assert hr is not None
    first = await bc.send(sessions, hr, draft, now=NOW, ack_label=label)
    second = await bc.send(sessions, hr, draft, now=NOW, ack_label=label)
    assert first.broadcast is not None and not first.duplicate
    assert second.duplicate and second.broadcast is not None
    assert second.broadcast.id == first.broadcast.id
    assert len(await broadcasts(sessions)) == 1
    assert len(await outbox(sessions, first.broadcast.id or 0)) == 5
