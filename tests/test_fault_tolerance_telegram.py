"""Bot API outages (5xx, timeouts, dropped connections, 429 storms): the bot keeps serving
and, once Telegram is back, everyone has their reply or an honest note, and every queued
message is delivered."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery import outbox_queue
from models import ProgressReport, ReportEvidence
from models.db import create_session_factory
from tests.support.fault_setup import (
    LEADER_TG,
    LINKS,
    NOW,
    STAFF2_TG,
    STAFF_TG,
    drain_until_settled,
    linked_org,
    open_chats,
    outbox_statuses,
    quick_retries,
    report_summary,
    rows,
    texts,
)
from tests.support.harness import running_bot

DB = tuple[str, AsyncEngine]
EVERYONE = [tg for _attr, tg, _lang in LINKS]
REPLY_MISSING_EN = "Telegram did not answer in time, so my reply may be missing"
REPLY_MISSING_ID = "Telegram tidak menjawab tepat waktu"
HELP = {"en": "What you can do here", "id": "Yang dapat Anda lakukan di sini"}
LANG = {tg: lang for _attr, tg, lang in LINKS}


async def test_short_5xx_blips_are_invisible_to_users(db: DB) -> None:
    """Two 502/503 answers per call are retried: every user gets just their reply."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        quick_retries(bot)
        bot.fake.faults.add("sendMessage", status=502, count=2)
        bot.fake.faults.add("sendMessage", status=503, html=True, count=2)
        await asyncio.gather(*(bot.send(tg, "/bantuan") for tg in EVERYONE))
        for tg in EVERYONE:
            assert len(texts(bot, tg)) == 1, texts(bot, tg)
            assert HELP[LANG[tg]] in texts(bot, tg)[0]
        assert [kind for _, kind in bot.fake.faults.hit] == ["502"] * 2 + ["503"] * 2
        assert await outbox_statuses(sessions) == {}


async def test_outage_everyone_hears_back_once_telegram_returns(
    db: DB, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers 502 to everything for a while. Nobody's reply can be delivered, so
    each user's honest note goes to the outbox and arrives, in their language, once Telegram
    is back; then the bot serves normally, without a restart."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        quick_retries(bot)
        outage = bot.fake.faults.add(status=502, count=None)
        with caplog.at_level(logging.WARNING, logger="kinerja.errors"):
            await asyncio.gather(*(bot.send(tg, "/bantuan") for tg in EVERYONE))
        assert all(texts(bot, tg) == [] for tg in EVERYONE)
        assert "Telegram did not answer" in caplog.text
        assert (await outbox_statuses(sessions))["pending"] == len(EVERYONE)
        # The drainer keeps trying while Telegram is down; nothing is given up.
        await bot.drain()
        bot.deps.clock.advance(timedelta(minutes=1))
        await bot.drain()
        assert (await outbox_statuses(sessions))["pending"] == len(EVERYONE)

        bot.fake.faults.remove(outage)
        await drain_until_settled(bot)
        for _attr, tg, lang in LINKS:
            [note] = texts(bot, tg)
            assert (REPLY_MISSING_EN if lang == "en" else REPLY_MISSING_ID) in note
        assert await outbox_statuses(sessions) == {"sent": len(EVERYONE)}

        await asyncio.gather(*(bot.send(tg, "/bantuan") for tg in EVERYONE))
        for tg in EVERYONE:
            assert HELP[LANG[tg]] in texts(bot, tg)[-1]


async def test_report_sent_while_telegram_is_down_is_saved_once(db: DB) -> None:
    """The report is saved even though the thank-you cannot be delivered. The user is told
    (honestly) that the step may already be saved, the supervisor's notice goes out once
    Telegram is back, and pressing Send again saves nothing twice."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        quick_retries(bot)
        await report_summary(bot)
        summary = bot.fake.last(STAFF_TG)
        send = summary.button("Send")
        before = len(texts(bot, STAFF_TG))
        outage = bot.fake.faults.add(status=504, count=None)
        await bot.press(STAFF_TG, summary.message_id, send)
        assert await rows(sessions, ProgressReport) == 1
        assert await rows(sessions, ReportEvidence) == 1
        assert "Please check your report" in (summary.text or "")  # edit never arrived

        bot.fake.faults.remove(outage)
        await drain_until_settled(bot)
        assert REPLY_MISSING_EN in texts(bot, STAFF_TG)[-1]
        assert len(texts(bot, STAFF_TG)) == before + 1
        assert "New progress report" in bot.last_text(LEADER_TG)
        assert await outbox_statuses(sessions) == {"sent": 2}  # the note and the notice

        await bot.press(STAFF_TG, summary.message_id, send)  # "did it work? let me retry"
        assert await rows(sessions, ProgressReport) == 1
        await bot.send(STAFF_TG, "/kinerja")
        assert "3 of 12" in bot.last_text(STAFF_TG)


@pytest.mark.parametrize("processed", [False, True])
async def test_reply_timing_out_is_never_sent_twice(db: DB, processed: bool) -> None:
    """A reply whose answer never comes may or may not have been delivered; it is not
    repeated (no duplicates), and the user gets the honest note right after."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        quick_retries(bot)
        bot.fake.faults.client_timeout = 0.2
        bot.fake.faults.add("sendMessage", delay=60, processed=processed)
        await bot.send(STAFF2_TG, "/bantuan")
        sent = texts(bot, STAFF2_TG)
        assert len(sent) == (2 if processed else 1)
        assert REPLY_MISSING_ID in sent[-1]
        assert [name for name, _ in bot.fake.faults.hit] == ["sendMessage"]


async def test_dropped_connections_while_sending_bulk_deliver_everything(db: DB) -> None:
    """Outbox rows whose send fails (dropped connection, 5xx) are retried after a backoff
    until Telegram accepts them; each reaches its user (at least once when the drop came
    after Telegram had delivered it)."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "/bantuan")  # staff's chat is open; now queue bulk mail
        async with sessions() as session:
            for _attr, tg, _lang in LINKS:
                await outbox_queue.enqueue(
                    session,
                    dedupe_key=f"test:{tg}",
                    kind="test",
                    chat_id=tg,
                    text=f"Pengumuman untuk {tg}",
                    now=NOW,
                )
            await session.commit()
        bot.fake.faults.add("sendMessage", drop=True, processed=True, count=1)
        bot.fake.faults.add("sendMessage", drop=True, count=1)
        bot.fake.faults.add("sendMessage", status=500, count=2)
        await drain_until_settled(bot)
        for _attr, tg, _lang in LINKS:
            copies = [t for t in texts(bot, tg) if t == f"Pengumuman untuk {tg}"]
            assert 1 <= len(copies) <= 2
        total = sum(t.startswith("Pengumuman") for _a, tg, _l in LINKS for t in texts(bot, tg))
        assert total == len(LINKS) + 1  # exactly the one delivered-but-unanswered send
        assert await outbox_statuses(sessions) == {"sent": len(LINKS)}


async def test_429_storm_holds_sends_and_delivers_everything(db: DB) -> None:
    """A storm of 429s: interactive replies wait out retry_after and still arrive; bulk rows
    pause and are all delivered exactly once."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        async with sessions() as session:
            for _attr, tg, _lang in LINKS:
                await outbox_queue.enqueue(
                    session,
                    dedupe_key=f"storm:{tg}",
                    kind="test",
                    chat_id=tg,
                    text="Pengingat",
                    now=NOW,
                )
            await session.commit()
        bot.fake.faults.add(retry_after=1, count=2)
        await bot.send(STAFF_TG, "/bantuan")  # two 429s, then the reply (within 2 retries)
        assert HELP["en"] in bot.last_text(STAFF_TG)
        bot.fake.faults.add(retry_after=1, count=2)
        await drain_until_settled(bot)
        for _attr, tg, _lang in LINKS:
            assert texts(bot, tg).count("Pengingat") == 1
        assert await outbox_statuses(sessions) == {"sent": len(LINKS)}
        assert [kind for _, kind in bot.fake.faults.hit] == ["429"] * 4


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the drainer's policy, not the database's
async def test_long_outage_loses_no_queued_mail(db: DB) -> None:
    """Telegram is down for 45 minutes: queued rows wait (backing off) and are all delivered
    when it returns, instead of being given up after a fixed number of attempts."""
    sessions = create_session_factory(db[1])
    await linked_org(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        async with sessions() as session:
            await outbox_queue.enqueue(
                session, dedupe_key="long", kind="test", chat_id=STAFF_TG, text="Penting", now=NOW
            )
            await session.commit()
        outage = bot.fake.faults.add("sendMessage", status=502, count=None)
        for _ in range(9):  # 45 minutes of 502s, the drainer trying whenever a row is due
            await bot.drain()
            bot.deps.clock.advance(timedelta(minutes=5))
        bot.fake.faults.remove(outage)
        await drain_until_settled(bot)
        assert texts(bot, STAFF_TG).count("Penting") == 1
        assert await outbox_statuses(sessions) == {"sent": 1}
