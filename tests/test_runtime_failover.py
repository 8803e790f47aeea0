"""Active/standby on PostgreSQL: two real bot processes, the active one is killed.

The standby must take over on its own, answer what arrived while nobody was active, and
neither lose nor repeat a reply. Both processes talk to the fake Bot API HTTP server and to a
PostgreSQL database of their own, created for this test.

The second test kills the active process in the window that at-least-once delivery leaves
open: the effect is committed and the reply has reached the user, but the update is not yet
noted as handled. The process that takes over handles those updates again; each still has
exactly one effect.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from handlers.feedback import PREVIEW as FEEDBACK_PREVIEW
from handlers.reports.state import SUMMARY as REPORT_SUMMARY
from models import Employee, Feedback, OutboxMessage, ProgressReport
from models.db import create_engine, create_session_factory
from models.system import ConversationState
from tests.support.db import postgres_available, postgres_url
from tests.support.factories import nip
from tests.support.fakegram import FakeBotApiServer, FakeTelegram
from tests.support.fakegram.spec import method_name
from tests.support.instances import (
    create_database,
    cut_lock_connection,
    drop_database,
    free_port,
    start_bot,
    stop_bot,
    wait_role,
)
from tests.test_runtime_process import TOKEN, bot_env, cli

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

USERS = list(range(7001, 7013))
HELP_MARK = "What you can do here"


@pytest.fixture
def postgres_server() -> None:
    """Skip (or, in CI, fail) when PostgreSQL is not reachable."""
    ok, reason = postgres_available()
    if not ok:
        if os.environ.get("TEST_POSTGRES") == "required":
            pytest.fail(f"{reason} (TEST_POSTGRES=required)")
        pytest.skip(reason)


@pytest.fixture
async def failover_database_url(postgres_server: None) -> AsyncIterator[str]:
    """A PostgreSQL database of this test's own (the processes use its public schema)."""
    name = f"kinerja_failover_{os.getpid()}"
    url = await create_database(postgres_url(), name)
    try:
        yield url
    finally:
        await drop_database(postgres_url(), name)


async def start_pair(
    folder: Path, envs: list[dict[str, str]], ports: tuple[int, int]
) -> tuple[asyncio.subprocess.Process, asyncio.subprocess.Process]:
    """Start one process and wait until it is active, then a second one as its standby."""
    first = await start_bot(folder, envs[0], folder / "first.log")
    second: asyncio.subprocess.Process | None = None
    try:
        await wait_role(ports[0], "active")
        second = await start_bot(folder, envs[1], folder / "second.log")
        await wait_role(ports[1], "standby")
    except BaseException:
        for process in (first, second):
            if process is not None:
                await stop_bot(process)
        raise
    return first, second


def help_replies(fake: FakeTelegram, user: int) -> int:
    return sum(HELP_MARK in m.content for m in fake.sent(user))


async def everyone_answered(fake: FakeTelegram, expected: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    await fake.wait_for(
        lambda: all(help_replies(fake, user) >= expected for user in USERS), timeout=timeout
    )


async def test_standby_takes_over_without_losing_or_repeating(
    tmp_path: Path, failover_database_url: str
) -> None:
    fake = FakeTelegram(token=TOKEN, bot_username="kinerja_failover_bot")
    for user in USERS:
        fake.user(user, first_name="Staf", language_code="en")
    async with FakeBotApiServer(fake) as server:
        base = bot_env(server, tmp_path / "unused.db")
        if os.environ.get("FAILOVER_DEBUG"):
            base["LOG_LEVEL"] = "DEBUG"
        base["DATABASE_URL"] = failover_database_url
        ports = free_port(), free_port()
        envs = [dict(base, METRICS_PORT=str(port)) for port in ports]
        first, second = await start_pair(tmp_path, envs, ports)
        try:
            for user in USERS:
                fake.send_text(user, "/bantuan")
            await everyone_answered(fake, 1)

            # The active process dies once it has answered a burst and is polling again.
            burst = [fake.send_text(user, "/help") for user in USERS]
            await everyone_answered(fake, 2)
            burst_end = max(update["update_id"] for update in burst)
            await fake.wait_for(
                lambda: any(
                    (c.get("offset") or 0) > burst_end for c in fake.calls_of("getUpdates")
                ),
                timeout=30,
            )
            first.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            await first.wait()
            # More arrives while nobody is active.
            for user in USERS:
                fake.send_text(user, "/bantuan")

            active_at = await wait_role(ports[1], "active")
            await everyone_answered(fake, 3)
            print(f"standby active {active_at - killed_at:.1f} s after SIGKILL")

            for user in USERS:
                fake.send_text(user, "/help")
            await everyone_answered(fake, 4)

            # The first one comes back as standby; then the active one loses its database
            # connection (as on a network failure): it must step down and the other take over.
            first = await start_bot(tmp_path, envs[0], tmp_path / "first-again.log")
            await wait_role(ports[0], "standby")
            await cut_lock_connection(failover_database_url)
            await wait_role(ports[0], "active")
            await wait_role(ports[1], "standby")
            for user in USERS:
                fake.send_text(user, "/bantuan")
            await everyone_answered(fake, 5)

            await asyncio.sleep(1.0)  # a repeated reply would arrive about now
            assert {user: help_replies(fake, user) for user in USERS} == dict.fromkeys(USERS, 5)
            assert first.returncode is None
            assert second.returncode is None
        finally:
            for process in (first, second):
                await stop_bot(process)
        assert first.returncode == 0, (tmp_path / "first-again.log").read_text()[-3000:]
        assert second.returncode == 0, (tmp_path / "second.log").read_text()[-3000:]


# --- replayed updates: one effect each -------------------------------------------------------

LEADER_TG, STAFF_TG, NEWCOMER_TG = 7101, 7102, 7103
# What a replayed update must never make the user read.
ALARMING = ("Sorry", "Maaf", "went wrong", "already been used", "tell the HR", "no longer")


class HoldingTelegram(FakeTelegram):
    """The fake Telegram, able to take a call (the user sees its effect) and never answer it.

    That is the moment a crash is most costly: the reply went out, the bot does not know, and
    the update is not yet noted as handled.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._holds: set[tuple[str, str]] = set()
        self.held: list[tuple[str, str]] = []
        self._release: asyncio.Event | None = None

    def hold(self, method: str, chat_id: int) -> None:
        """Hold the next call of `method` to `chat_id` after carrying it out."""
        self._holds.add((method.lower(), str(chat_id)))

    def release(self) -> None:
        if self._release is not None:
            self._release.set()

    async def handle_async(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        answered = await super().handle_async(method, params, files)
        key = (method_name(method).lower(), str(params.get("chat_id")))
        if key in self._holds:
            self._holds.discard(key)
            self.held.append(key)
            self._release = self._release or asyncio.Event()
            await self._release.wait()
        return answered


def write_people(folder: Path) -> dict[str, str]:
    """Roster (a leader with two staff) and one approved target for Siti; return the NIPs."""
    people = {"leader": nip(), "staff": nip(gender="2"), "newcomer": nip()}
    with (folder / "pegawai.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["nip", "nama", "jabatan", "opd_kode", "opd_nama", "unit", "nip_atasan", "peran",
             "bahasa"]
        )  # fmt: skip
        unit = ("DINKES", "Dinas Kesehatan", "Bidang Pelayanan")
        writer.writerow([people["leader"], "Rina Harahap", "Kepala Bidang", *unit, "", "", "en"])
        for key, name in [("staff", "Siti Aminah"), ("newcomer", "Budi Santoso")]:
            writer.writerow([people[key], name, "Analis", *unit, people["leader"], "", "en"])
    with (folder / "target.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nip", "period", "title", "indicator", "target", "unit", "kind"])
        writer.writerow(
            [people["staff"], "2026-2", "Rekap absensi", "Jumlah rekap", "40", "dokumen",
             "kuantitatif"]
        )  # fmt: skip
    return people


async def invite_codes(folder: Path, env: dict[str, str], nips: list[str]) -> list[str]:
    code, out, err = await cli(folder, env, "invite", "--nip", *nips, "--format", "csv")
    assert code == 0, err
    by_nip = {row.split(",")[0]: row.split(",")[3] for row in out.strip().splitlines()[1:]}
    return [by_nip[n] for n in nips]


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Poll an async condition (a database query) until it holds."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{check.__qualname__} not true after {timeout}s")
        await asyncio.sleep(0.1)


def seen_by(fake: FakeTelegram, chat: int, queries: list[str]) -> list[str]:
    """What a user can read: the bot's messages (edited) and the pop-ups of their presses."""
    texts = [m.content for m in fake.sent(chat)]
    return texts + [str(fake.callback_answers.get(q, {}).get("text") or "") for q in queries]


def alarming(texts: list[str]) -> list[str]:
    return [t for t in texts if any(word in t for word in ALARMING)]


def labels(fake: FakeTelegram, chat: int) -> list[str]:
    """The button labels of the latest message in a chat."""
    return [label for label, _ in fake.last(chat).buttons()]


async def test_updates_handled_again_after_a_crash_have_one_effect(
    tmp_path: Path, failover_database_url: str
) -> None:
    fake = HoldingTelegram(token=TOKEN, bot_username="kinerja_failover_bot")
    for user in (LEADER_TG, STAFF_TG, NEWCOMER_TG):
        fake.user(user, first_name="Staf", language_code="en")
    engine = create_engine(failover_database_url)
    sessions = create_session_factory(engine)

    async def scalar(query: Any) -> Any:
        async with sessions() as session:
            return (await session.exec(query)).one()

    async with FakeBotApiServer(fake) as server:
        base = bot_env(server, tmp_path / "unused.db", BOT_CLOCK_START="2026-11-27T09:00+07:00")
        base["DATABASE_URL"] = failover_database_url
        people = write_people(tmp_path)
        for command in (["import-roster", "pegawai.csv"], ["import-targets", "target.csv"]):
            code, _out, err = await cli(tmp_path, base, *command)
            assert code == 0, err
        leader_code, staff_code, newcomer_code = await invite_codes(
            tmp_path, base, [people["leader"], people["staff"], people["newcomer"]]
        )
        ports = free_port(), free_port()
        envs = [dict(base, METRICS_PORT=str(port)) for port in ports]
        first, second = await start_pair(tmp_path, envs, ports)
        try:
            # Rina and Siti link their accounts; Siti reaches her report's summary and Rina
            # the preview of her feedback to Siti.
            for user, code in [(LEADER_TG, leader_code), (STAFF_TG, staff_code)]:
                fake.send_text(user, f"/start {code}")
                await fake.wait_for_message(user, contains="linked as", timeout=30)
            fake.send_text(STAFF_TG, "/lapor")
            targets = await fake.wait_for_message(STAFF_TG, contains="Which target", timeout=30)
            fake.press(STAFF_TG, targets.message_id, targets.button("Rekap absensi"))
            await fake.wait_for(lambda: "How much" in fake.last(STAFF_TG).content, timeout=30)
            fake.send_text(STAFF_TG, "3")
            for step in ("note on the quality", "evidence"):
                await fake.wait_for(lambda s=step: s in fake.last(STAFF_TG).content, timeout=30)
                last = fake.last(STAFF_TG)
                fake.press(STAFF_TG, last.message_id, last.button("Skip"))
            await fake.wait_for(lambda: "Send" in labels(fake, STAFF_TG), 30)
            summary = fake.last(STAFF_TG)

            fake.send_text(LEADER_TG, "/umpanbalik")
            for label in ("Siti", "General", "Appreciation", "Skip"):
                await fake.wait_for(
                    lambda lb=label: any(lb in text for text in labels(fake, LEADER_TG)), 30
                )
                last = fake.last(LEADER_TG)
                fake.press(LEADER_TG, last.message_id, last.button(label))
            await fake.wait_for(lambda: "Please type" in fake.last(LEADER_TG).content, 30)
            fake.send_text(LEADER_TG, "Terima kasih, rekapnya rapi dan tepat waktu.")
            await fake.wait_for(lambda: "Preview" in fake.last(LEADER_TG).content, 30)
            preview = fake.last(LEADER_TG)

            # Both steps are saved (persistence flushes every 2 s), as they would be by the
            # time someone presses Send: the summary and the preview, not an earlier step
            # whose row already exists.
            async def steps_saved() -> bool:
                async with sessions() as session:
                    rows = (
                        await session.exec(
                            select(ConversationState).where(
                                col(ConversationState.name).in_(["reports", "feedback"])
                            )
                        )
                    ).all()
                saved = {row.name: json.loads(row.state) for row in rows}
                return saved == {"reports": REPORT_SUMMARY, "feedback": FEEDBACK_PREVIEW}

            await until(steps_saved)

            # The three presses; each reply is carried out and then never answered.
            fake.hold("editMessageText", STAFF_TG)
            fake.hold("editMessageText", LEADER_TG)
            fake.hold("sendMessage", NEWCOMER_TG)
            send_report = fake.press(STAFF_TG, summary.message_id, summary.button("Send"))
            send_feedback = fake.press(LEADER_TG, preview.message_id, preview.button("Send"))
            fake.send_text(NEWCOMER_TG, f"/start {newcomer_code}")
            await fake.wait_for(lambda: len(fake.held) == 3, timeout=30)
            assert "your report has been saved" in summary.content
            assert "has been sent to Siti" in preview.content
            assert "linked as" in fake.last(NEWCOMER_TG).content

            # The notices those effects queued are delivered before the crash (the outbox's
            # own at-least-once window is not what this test is about).
            async def outbox_sent() -> bool:
                pending = await scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(col(OutboxMessage.status) != "sent")
                )
                return bool(pending == 0)

            await until(outbox_sent)
            queries = [
                send_report["callback_query"]["id"],
                send_feedback["callback_query"]["id"],
            ]
            newcomer_before = len(fake.sent(NEWCOMER_TG))
            first.send_signal(signal.SIGKILL)
            await first.wait()

            await wait_role(ports[1], "active")

            # The process that took over handles the three updates again.
            def answered_twice(query: str) -> bool:
                answers = fake.calls_of("answerCallbackQuery")
                return [c["callback_query_id"] for c in answers].count(query) == 2

            await fake.wait_for(lambda: all(answered_twice(q) for q in queries), timeout=60)
            await fake.wait_for(lambda: len(fake.sent(NEWCOMER_TG)) > newcomer_before, 60)
            await until(outbox_sent)
            await asyncio.sleep(1.0)  # a repeated notice would arrive about now

            # Exactly one effect each.
            report_rows = await scalar(select(func.count()).select_from(ProgressReport))
            feedback_rows = await scalar(select(func.count()).select_from(Feedback))
            linked = await scalar(
                select(func.count())
                .select_from(Employee)
                .where(col(Employee.telegram_user_id) == NEWCOMER_TG)
            )
            assert (report_rows, feedback_rows, linked) == (1, 1, 1)
            newcomer = await scalar(select(Employee).where(Employee.nip == people["newcomer"]))
            assert newcomer.telegram_user_id == NEWCOMER_TG
            leader_sees = [m.content for m in fake.sent(LEADER_TG)]
            staff_sees = [m.content for m in fake.sent(STAFF_TG)]
            assert sum("New progress report from Siti" in t for t in leader_sees) == 1
            assert sum("Feedback from Rina Harahap" in t for t in staff_sees) == 1
            # The Send buttons were really handled again (the thanks shown a second time,
            # unchanged), not merely skipped.
            for chat, thanks in [(STAFF_TG, "report has been saved"), (LEADER_TG, "sent to")]:
                edits = [
                    c["text"]
                    for c in fake.calls_of("editMessageText")
                    if c.get("chat_id") == chat and thanks in c["text"]
                ]
                assert len(edits) == 2, chat
                assert edits[0] == edits[1]
            # And nobody reads anything alarming.
            assert alarming(seen_by(fake, STAFF_TG, queries)) == []
            assert alarming(seen_by(fake, LEADER_TG, queries)) == []
            assert alarming(seen_by(fake, NEWCOMER_TG, [])) == []
            assert second.returncode is None
        finally:
            fake.release()
            for process in (first, second):
                await stop_bot(process)
            await engine.dispose()
        assert second.returncode == 0, (tmp_path / "second.log").read_text()[-3000:]
