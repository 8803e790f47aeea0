"""Anonymous means anonymous: nothing the bot keeps or logs ties an anonymous question to its
asker (the outbox, the daily limit, drafts, logs, SQL errors, pending_update), on both
databases. tests/test_questions_anonymity_process.py checks all of it at once in the real
process."""

from __future__ import annotations

import io
import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import event, inspect, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from telegram import Update

from bot.runtime.logging_setup import NEVER_DEBUG, NOISY_LOGGERS, configure_logging
from bot.runtime.webhook_server import SECRET_HEADER
from bot.services import questions as qs
from models import ConversationState, OutboxMessage, PendingUpdate, Question, UserDataRow
from models.db import SessionFactory, create_engine
from models.migrate import alembic_config
from tests.support.db import postgres_engine, postgres_url, reset_postgres
from tests.support.factories import add, nip
from tests.support.fakegram import FakeTelegram
from tests.support.harness import TOKEN, Harness
from tests.test_questions_flow import (
    CITY_TG,
    DB,
    HR_TG,
    NOW,
    STAFF2_TG,
    STAFF_TG,
    TODAY,
    all_questions,
    all_rows,
    linked_bot,
    setup,
)
from tests.test_runtime_update_poller import polling
from tests.test_runtime_webhook import take_update, webhook_bot

ANON_TEXT = "Apakah tunjangan dipotong bila atasan menilai kabut lembayung?"
NAMED_TEXT = "Bagaimana cara mengajukan cuti tahunan?"
SECOND_CITY_TG = 3006


async def step(bot: Harness, update: dict[str, Any]) -> int:
    """Feed one update the fake made, through the update processor as the poller does (which
    sets the update's logging context); return its id."""
    app = bot.app
    parsed = Update.de_json(update, app.bot)
    await app.update_processor.process_update(parsed, app.process_update(parsed))
    return int(update["update_id"])


async def press(bot: Harness, user: int, label: str) -> int:
    """Press the button labelled `label` on the user's latest message; return the update id."""
    message = bot.fake.last(user)
    return await step(bot, bot.fake.press(user, message.message_id, message.button(label)))


async def ask(bot: Harness, user: int, question: str, *, route: str | None = None) -> list[int]:
    """Ask a question through the bot (anonymously when `route` names where it goes); return
    the ids of the updates of its steps after /tanya."""
    ids = [await step(bot, bot.fake.send_text(user, "/tanya"))]
    if route is None:
        ids.append(await press(bot, user, "With my name"))
    else:
        ids.append(await press(bot, user, "Anonymous"))
        ids.append(await press(bot, user, route))
    ids.append(await step(bot, bot.fake.send_text(user, question)))
    ids.append(await press(bot, user, "Send"))
    assert "Thank you" in bot.last_text(user)
    return ids[1:]


# --- the outbox ---


async def test_an_hr_officer_asking_anonymously_is_notified_like_every_other_officer(
    db: DB, sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with sessions() as session:
        second = await add(
            session, nip=nip(), name="Maya Ginting", opd_id=org.bkpsdm.id, roles="pegawai;hr",
            position="Analis SDM",
        )  # fmt: skip
        second.telegram_user_id, second.language = SECOND_CITY_TG, "en"
        session.add(second)
        await session.commit()
    async with linked_bot(db) as bot:
        bot.fake.user(SECOND_CITY_TG, language_code="en")
        await step(bot, bot.fake.send_text(CITY_TG, "/tanya"))
        await press(bot, CITY_TG, "Ask a question")
        await press(bot, CITY_TG, "Anonymous")
        await press(bot, CITY_TG, "BKPSDM")
        await step(bot, bot.fake.send_text(CITY_TG, ANON_TEXT))
        await press(bot, CITY_TG, "Send")
    async with sessions() as session:
        notices = (await session.exec(select(OutboxMessage))).all()
    # Both city-wide officers hear of it, the asker among them, in the very same words:
    # the outbox cannot tell who asked.
    assert sorted(n.chat_id for n in notices) == [CITY_TG, SECOND_CITY_TG]
    assert len({json.loads(n.payload)["params"]["text"] for n in notices}) == 1


# --- the daily limit ---


async def test_an_anonymous_question_changes_no_row_a_named_one_left(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        await ask(bot, STAFF_TG, NAMED_TEXT)
        await bot.app.update_persistence()
        before = await all_rows(db[1])
        await ask(bot, STAFF_TG, ANON_TEXT, route="BKPSDM")
        await bot.app.update_persistence()
        after = await all_rows(db[1])
    for table, rows in before.items():
        for row in rows:
            assert row in after[table], f"the anonymous question changed a row of {table}: {row}"
    added = {table: [r for r in rows if r not in before[table]] for table, rows in after.items()}
    assert {table for table, rows in added.items() if rows} == {"question", "outbox"}
    assert [(q["asker_id"], q["text"]) for q in added["question"]] == [(None, ANON_TEXT)]
    assert all(r["chat_id"] == CITY_TG for r in added["outbox"])


async def test_the_limit_counts_anonymous_questions_without_a_row(
    db: DB, sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with linked_bot(db) as bot:
        await ask(bot, STAFF_TG, NAMED_TEXT)
        for n in range(qs.DAILY_LIMIT - 1):
            await ask(bot, STAFF_TG, f"{ANON_TEXT} ({n})", route="BKPSDM")
        await step(bot, bot.fake.send_text(STAFF_TG, "/tanya"))
        assert "daily limit" in bot.last_text(STAFF_TG)
        # Another employee still has all of theirs.
        await step(bot, bot.fake.send_text(STAFF2_TG, "/tanya"))
        assert "Anda masih dapat bertanya 5" in bot.last_text(STAFF2_TG)
    async with sessions() as session:
        named = await session.exec(select(Question).where(col(Question.asker_id).is_not(None)))
        assert [q.asker_id for q in named.all()] == [org.staff.id]
    assert len(await all_questions(sessions)) == qs.DAILY_LIMIT


# --- drafts ---


async def persisted_steps(bot: Harness, user: int) -> tuple[str, str]:
    """Flush PTB persistence; return the user's stored user_data and questions state."""
    await bot.app.update_persistence()
    async with bot.deps.sessions() as session:
        data = await session.get(UserDataRow, user)
        states = await session.exec(
            select(ConversationState).where(ConversationState.name == "questions")
        )
        state = next((s.state for s in states.all() if json.loads(s.key)[-1] == user), "")
    return (data.data if data is not None else ""), state


async def test_an_anonymous_draft_is_never_persisted(db: DB, sessions: SessionFactory) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        named: list[tuple[str, str]] = []
        anonymous: list[tuple[str, str]] = []
        await step(bot, bot.fake.send_text(STAFF2_TG, "/tanya"))
        named.append(await persisted_steps(bot, STAFF2_TG))
        await press(bot, STAFF2_TG, "Dengan nama")
        named.append(await persisted_steps(bot, STAFF2_TG))
        await step(bot, bot.fake.send_text(STAFF2_TG, NAMED_TEXT))
        named.append(await persisted_steps(bot, STAFF2_TG))

        await step(bot, bot.fake.send_text(STAFF_TG, "/tanya"))
        anonymous.append(await persisted_steps(bot, STAFF_TG))
        await press(bot, STAFF_TG, "Anonymous")
        anonymous.append(await persisted_steps(bot, STAFF_TG))
        await press(bot, STAFF_TG, "BKPSDM")
        anonymous.append(await persisted_steps(bot, STAFF_TG))
        await step(bot, bot.fake.send_text(STAFF_TG, ANON_TEXT))
        anonymous.append(await persisted_steps(bot, STAFF_TG))
        await press(bot, STAFF_TG, "Send")
        assert "anonymous question has been sent" in bot.last_text(STAFF_TG)
        anonymous.append(await persisted_steps(bot, STAFF_TG))
    for data, _state in anonymous:
        assert ANON_TEXT not in data and "anonym" not in data and "question" not in data
    # Every step an anonymous asker is stored in is one a named asker is stored in too.
    assert {state for _data, state in anonymous} <= {state for _data, state in named} | {""}


async def test_a_restart_forgets_the_draft_and_keeps_what_is_typed_next(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    fake = FakeTelegram(token=TOKEN)
    async with linked_bot(db, fake) as bot:
        await step(bot, fake.send_text(STAFF_TG, "/tanya"))
        await press(bot, STAFF_TG, "Anonymous")
        await press(bot, STAFF_TG, "BKPSDM")
    async with linked_bot(db, fake) as bot:  # restarted: the draft was in memory only
        await step(bot, fake.send_text(STAFF_TG, ANON_TEXT))
        told = bot.last_text(STAFF_TG)
        assert "Question drafts are never saved" in told and "Your text is kept" in told
        await press(bot, STAFF_TG, "Anonymous")
        await press(bot, STAFF_TG, "BKPSDM")
        preview = fake.last(STAFF_TG)
        assert "Preview of your question" in preview.content and ANON_TEXT in preview.content
    async with linked_bot(db, fake) as bot:  # restarted again, before Send was pressed
        await step(bot, fake.press(STAFF_TG, preview.message_id, preview.button("Send")))
        told = bot.last_text(STAFF_TG)
        assert "Question drafts are never saved" in told and "/tanya" in told
    assert await all_questions(sessions) == []


# --- logs ---


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The CLI's logging set up with LOG_LEVEL=DEBUG, writing JSON lines to a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    names = [*NEVER_DEBUG, *NOISY_LOGGERS]
    levels = {name: logging.getLogger(name).level for name in names}
    stream = io.StringIO()
    configure_logging("DEBUG", TOKEN, json=True, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)


async def anonymous_question_logged(
    bot: Harness, sessions: SessionFactory
) -> tuple[list[int], Question]:
    """Ask a named, then an anonymous question, with Telegram asking the bot to slow down as
    it shows the anonymous preview (a line logged within the step); return the ids of the
    anonymous steps' updates and the saved question."""
    await ask(bot, STAFF_TG, NAMED_TEXT)
    await step(bot, bot.fake.send_text(STAFF_TG, "/tanya"))
    anonymous = [await press(bot, STAFF_TG, "Anonymous"), await press(bot, STAFF_TG, "BKPSDM")]
    bot.fake.faults.add("sendMessage", retry_after=1)
    anonymous.append(await step(bot, bot.fake.send_text(STAFF_TG, ANON_TEXT)))
    anonymous.append(await press(bot, STAFF_TG, "Send"))
    [saved] = [q for q in await all_questions(sessions) if q.anonymous]
    return anonymous, saved


async def test_anonymous_steps_bind_no_employee_to_their_log_lines(
    db: DB, sessions: SessionFactory, debug_log: io.StringIO
) -> None:
    await setup(sessions)
    async with linked_bot(db) as bot:
        anonymous, _saved = await anonymous_question_logged(bot, sessions)
    lines = [json.loads(line) for line in debug_log.getvalue().splitlines()]
    during = [line for line in lines if line.get("update_id") in anonymous]
    assert any("asked to wait" in line["message"] for line in during)
    assert [line for line in during if "employee_id" in line] == []


async def test_library_loggers_stay_at_info_with_log_level_debug(
    db: DB, sessions: SessionFactory, debug_log: io.StringIO
) -> None:
    org = await setup(sessions)
    assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
    async with linked_bot(db) as bot:
        _anonymous, saved = await anonymous_question_logged(bot, sessions)
    assert all(logging.getLogger(n).getEffectiveLevel() >= logging.INFO for n in NEVER_DEBUG)
    lines = [json.loads(line) for line in debug_log.getvalue().splitlines()]
    assert org.staff.id is not None
    asker = [str(STAFF_TG), org.staff.nip, "Aminah"]
    anon = [ANON_TEXT, f"question:{saved.id}:", f"qa:ans:{saved.id}"]
    for line in lines:
        dumped = json.dumps(line, ensure_ascii=False)
        assert ANON_TEXT not in dumped, line
        if any(marker in dumped for marker in anon):
            assert line.get("employee_id") != org.staff.id, line
            assert not any(marker in dumped for marker in asker), line


# --- SQL errors ---


async def test_database_errors_never_print_what_was_typed(db: DB) -> None:
    _url, engine = db
    async with engine.connect() as conn:
        statement = Question.__table__.insert().values(  # type: ignore[attr-defined]
            opd_id=987654, anonymous=True, text=ANON_TEXT, answer="", status="open"
        )
        with pytest.raises(sa_exc.IntegrityError) as caught:  # no such OPD
            await conn.execute(statement)
    printed = "".join(traceback.format_exception(caught.value))
    assert "foreign key" in printed.lower()
    assert ANON_TEXT not in printed


# --- pending_update ---


async def test_a_slow_question_step_is_never_written_to_pending_update(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    written: list[str] = []

    def record(_mapper: Any, _connection: Any, row: PendingUpdate) -> None:
        written.append(row.payload)

    event.listen(PendingUpdate, "before_insert", record)
    try:
        async with linked_bot(db) as bot, polling(bot):
            fake = bot.fake
            fake.send_text(STAFF_TG, "/tanya")
            await fake.wait_for_message(STAFF_TG, contains="Ask HR a question")
            for label, shown in [("Anonymous", "Who should answer"), ("BKPSDM", "do not write")]:
                last = fake.last(STAFF_TG)
                fake.press(STAFF_TG, last.message_id, last.button(label))
                await fake.wait_for_message(STAFF_TG, contains=shown)
            # Both replies take longer than the poller's grace: the ordinary update is written
            # down, the question's text is not.
            fake.faults.add("sendMessage", delay=2.5, count=2)
            typed = fake.send_text(STAFF_TG, ANON_TEXT)
            fake.send_text(STAFF2_TG, "/bantuan")
            await fake.wait_for(lambda: bool(preview_call(fake.calls)), timeout=15)
            await fake.wait_for(lambda: bool(fake.sent(STAFF2_TG)), timeout=15)
            await fake.wait_for(lambda: bool(confirmation(fake.calls, typed)), timeout=15)
    finally:
        event.remove(PendingUpdate, "before_insert", record)
    assert any("/bantuan" in payload for payload in written)  # the slow path did run
    assert not any(ANON_TEXT in payload for payload in written)
    # Telegram was told about the question's step only once it was answered.
    assert preview_call(fake.calls) < confirmation(fake.calls, typed)


def preview_call(calls: list[tuple[str, dict[str, Any]]]) -> int:
    """Index of the call that showed the question's preview (0: none yet)."""
    return next(
        (i for i, (name, p) in enumerate(calls) if name == "sendMessage" and
         "Preview of your question" in str(p.get("text"))),
        0,
    )  # fmt: skip


def confirmation(calls: list[tuple[str, dict[str, Any]]], update: dict[str, Any]) -> int:
    """Index of the getUpdates that confirmed the update to Telegram (0: not yet)."""
    return next(
        (i for i, (name, p) in enumerate(calls) if name == "getUpdates" and
         (p.get("offset") or 0) > update["update_id"]),
        0,
    )  # fmt: skip


async def test_a_slow_question_step_by_webhook_is_never_written_down(
    db: DB, sessions: SessionFactory
) -> None:
    await setup(sessions)
    written: list[str] = []

    def record(_mapper: Any, _connection: Any, row: PendingUpdate) -> None:
        written.append(row.payload)

    event.listen(PendingUpdate, "before_insert", record)
    try:
        async with webhook_bot(db) as (bot, url, secret), httpx.AsyncClient() as client:
            fake = bot.fake
            fake.known_chats.update({STAFF_TG, STAFF2_TG})

            async def deliver(update: dict[str, Any]) -> None:
                taken = take_update(bot, update)
                answer = await client.post(url, json=taken, headers={SECRET_HEADER: secret})
                assert answer.status_code == 200

            await deliver(fake.send_text(STAFF_TG, "/tanya"))
            for label in ("Anonymous", "BKPSDM"):
                last = fake.last(STAFF_TG)
                await deliver(fake.press(STAFF_TG, last.message_id, last.button(label)))
            fake.faults.add("sendMessage", delay=2.5)  # the preview takes longer than the grace
            await deliver(fake.send_text(STAFF_TG, ANON_TEXT))
            # Telegram heard 200 only once the preview was shown.
            assert "Preview of your question" in fake.last(STAFF_TG).content
            fake.faults.add("sendMessage", delay=2.5)
            await deliver(fake.send_text(STAFF2_TG, "/bantuan"))
    finally:
        event.remove(PendingUpdate, "before_insert", record)
    assert any("/bantuan" in payload for payload in written)  # the slow path did run
    assert not any(ANON_TEXT in payload for payload in written)


# --- the migration ---


async def test_migration_drops_the_quota_and_persisted_question_drafts(
    db_kind: str, tmp_path: Path
) -> None:
    draft = {"anonymous": True, "to_own_opd": False, "text": ANON_TEXT, "nonce": "ab12cd34"}
    if db_kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        engine: AsyncEngine = create_engine(url)
    else:
        url = postgres_url()
        engine = postgres_engine()
        await reset_postgres(engine)

    def migrate(revision: str, down: bool = False) -> Any:
        def run(connection: Connection) -> None:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)

        return run

    async with engine.begin() as conn:
        await conn.run_sync(migrate("0006"))
    async with engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO user_data (user_id, data, updated_at) VALUES (:u, :d, :t)"),
            [
                {"u": STAFF_TG, "d": json.dumps({"question_draft": draft}), "t": NOW},
                {
                    "u": HR_TG,
                    "d": json.dumps({"question_draft": draft, "lang_seen": "id"}),
                    "t": NOW,
                },
            ],
        )
        await conn.execute(
            text(
                "INSERT INTO conversationstate (name, key, state, updated_at) "
                "VALUES ('questions', :k, '2', :t)"
            ),
            {"k": json.dumps([STAFF_TG, STAFF_TG]), "t": NOW},
        )
        await conn.execute(
            text("INSERT INTO questionquota (key, day, count) VALUES ('k', :d, 2)"), {"d": TODAY}
        )
    async with engine.begin() as conn:
        await conn.run_sync(migrate("head"))
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        data = dict((await conn.execute(text("SELECT user_id, data FROM user_data"))).all())
        states = (await conn.execute(text("SELECT state FROM conversationstate"))).all()
    assert "questionquota" not in tables
    assert data == {HR_TG: json.dumps({"lang_seen": "id"})}
    assert [tuple(s) for s in states] == [("1",)]
    async with engine.begin() as conn:  # and back
        await conn.run_sync(migrate("0006", down=True))
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    await engine.dispose()
    assert "questionquota" in tables
