"""Anonymous means anonymous, end to end: the real bot process at LOG_LEVEL=DEBUG, the fake Bot
API HTTP server, and PostgreSQL behind a proxy that makes it slow during the anonymous steps.

One employee asks a named question, then an anonymous one. The anonymous steps take longer
than the poller's grace (so an ordinary update would be written to pending_update). While
they run, and again after the bot has stopped, every table is read (found by reflection, so
a new table is scanned too), and at the end the whole log: no row and no line that holds the
anonymous question's id or text also holds the asker's Telegram id, employee id, NIP or name.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url

from models.db import create_engine
from tests.support.db import postgres_url
from tests.support.factories import nip
from tests.support.fakegram import FakeBotApiServer, FakeTelegram
from tests.support.instances import create_database, drop_database, start_bot, stop_bot
from tests.support.tcp_proxy import TcpProxy
from tests.test_runtime_failover import postgres_server  # noqa: F401  (skips without PostgreSQL)
from tests.test_runtime_process import TOKEN, bot_env, cli

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ASKER_TG, LEADER_TG, HR_TG, CITY_TG = 7712345601, 7712345602, 7712345603, 7712345604
ASKER_NAME = "Lestari Wulandari Nasution"
FIRST_EMPLOYEE_ID = 48213  # ids nothing else in a row or a line is likely to contain
FIRST_QUESTION_ID = 90517
NAMED_TEXT = "Bagaimana cara mengajukan cuti tahunan tahun depan?"
ANON_TEXT = "Apakah tunjangan dipotong bila atasan menilai kabut lembayung?"
LATENCY = 0.3  # seconds added to every answer of the database during the anonymous steps


@pytest.fixture
async def database_url(postgres_server: None) -> AsyncIterator[str]:  # noqa: F811
    """A PostgreSQL database of this test's own."""
    name = f"kinerja_anonymity_{os.getpid()}"
    url = await create_database(postgres_url(), name)
    try:
        yield url
    finally:
        await drop_database(postgres_url(), name)


def write_roster(path: Path) -> str:
    """The asker, their leader, their OPD's HR and a city-wide HR; return the asker's NIP."""
    asker, leader, hr, city = nip(gender="2"), nip(), nip(), nip()
    rows = [
        [leader, "Rina Harahap", "Kepala Bidang", "DINKES", "Dinas Kesehatan", "Pelayanan", "",
         "pegawai", "en"],
        [asker, ASKER_NAME, "Analis", "DINKES", "Dinas Kesehatan", "Pelayanan", leader,
         "pegawai", "en"],
        [hr, "Dewi Lubis", "Kasubag Kepegawaian", "DINKES", "Dinas Kesehatan", "", leader,
         "pegawai;hr", "en"],
        [city, "Ahmad Sitorus", "Analis SDM", "BKPSDM", "BKPSDM Kota Medan", "", "",
         "pegawai;hr", "en"],
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["nip", "nama", "jabatan", "opd_kode", "opd_nama", "unit", "nip_atasan", "peran",
             "bahasa"]
        )  # fmt: skip
        writer.writerows(rows)
    return asker


async def prepare(tmp_path: Path, env: dict[str, str], url: str) -> tuple[str, int]:
    """Migrate, import the roster with distinctive ids, link the Telegram accounts; return the
    asker's NIP and employee id."""
    code, _out, err = await cli(tmp_path, env, "migrate")
    assert code == 0, err
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"ALTER SEQUENCE employee_id_seq RESTART {FIRST_EMPLOYEE_ID}"))
            await conn.execute(text(f"ALTER SEQUENCE question_id_seq RESTART {FIRST_QUESTION_ID}"))
        asker_nip = write_roster(tmp_path / "pegawai.csv")
        code, _out, err = await cli(tmp_path, env, "import-roster", "pegawai.csv")
        assert code == 0, err
        async with engine.begin() as conn:
            for tg, name in [
                (ASKER_TG, ASKER_NAME),
                (LEADER_TG, "Rina Harahap"),
                (HR_TG, "Dewi Lubis"),
                (CITY_TG, "Ahmad Sitorus"),
            ]:
                await conn.execute(
                    text("UPDATE employee SET telegram_user_id = :tg WHERE name = :name"),
                    {"tg": tg, "name": name},
                )
            asker_id = (
                await conn.execute(
                    text("SELECT id FROM employee WHERE nip = :n"), {"n": asker_nip}
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    return asker_nip, int(asker_id)


class Links:
    """What may never meet in one row or one log line: the asker and the anonymous question."""

    def __init__(self, asker_nip: str, asker_id: int) -> None:
        self.asker = [
            number(str(ASKER_TG)),
            number(str(asker_id)),
            number(asker_nip),
            re.compile(re.escape(ASKER_NAME)),
        ]
        self.question: list[re.Pattern[str]] = [re.compile(re.escape(ANON_TEXT))]

    def question_saved(self, question_id: int) -> None:
        self.question.append(number(str(question_id)))

    def found(self, where: str, texts: Iterable[str]) -> list[str]:
        """Each text that names the asker and holds the anonymous question."""
        return [
            f"{where}: {t[:300]}"
            for t in texts
            if any(p.search(t) for p in self.asker) and any(p.search(t) for p in self.question)
        ]


def number(digits: str) -> re.Pattern[str]:
    """A number on its own, not part of a longer one."""
    return re.compile(rf"(?<![0-9]){digits}(?![0-9])")


async def every_row(url: str) -> dict[str, list[str]]:
    """Every row of every table in the database, each as one JSON text."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            metadata = MetaData()
            await conn.run_sync(metadata.reflect)
            tables: dict[str, list[str]] = {}
            for table in metadata.sorted_tables:
                rows = (await conn.execute(table.select())).mappings().all()
                tables[table.name] = [
                    json.dumps(dict(r), default=str, ensure_ascii=False) for r in rows
                ]
    finally:
        await engine.dispose()
    return tables


async def no_link_in_database(url: str, links: Links) -> dict[str, list[str]]:
    tables = await every_row(url)
    found = [hit for name, rows in tables.items() for hit in links.found(name, rows)]
    assert found == []
    return tables


def confirmed(fake: FakeTelegram, update: dict[str, Any]) -> bool:
    """Telegram has been told the update is done (a later getUpdates offset)."""
    return any((p.get("offset") or 0) > update["update_id"] for p in fake.calls_of("getUpdates"))


def shows(fake: FakeTelegram, chat: int, words: str) -> bool:
    """Some message in the chat says `words` (messages are live: edits show up)."""
    return any(words in m.content for m in fake.sent(chat))


def latest(fake: FakeTelegram, chat: int, words: str) -> bool:
    """The chat's latest message says `words`."""
    sent = fake.sent(chat)
    return bool(sent) and words in sent[-1].content


def press(fake: FakeTelegram, chat: int, label: str) -> dict[str, Any]:
    message = fake.last(chat)
    return fake.press(chat, message.message_id, message.button(label))


async def test_nothing_ties_an_anonymous_question_to_its_asker(
    tmp_path: Path, database_url: str
) -> None:
    fake = FakeTelegram(token=TOKEN, bot_username="kinerja_anonymity_bot")
    for tg, first in [
        (ASKER_TG, "Lestari"),
        (LEADER_TG, "Rina"),
        (HR_TG, "Dewi"),
        (CITY_TG, "Ahmad"),
    ]:
        fake.user(tg, first_name=first, language_code="en")
        fake.known_chats.add(tg)
    target = make_url(database_url)
    async with (
        FakeBotApiServer(fake) as server,
        TcpProxy(target.host or "", target.port or 5432) as proxy,
    ):
        env = bot_env(server, tmp_path / "unused.db")
        env.update(DATABASE_URL=database_url, LOG_LEVEL="DEBUG")
        asker_nip, asker_id = await prepare(tmp_path, env, database_url)
        links = Links(asker_nip, asker_id)
        through_proxy = target.set(host="127.0.0.1", port=proxy.port)
        env["DATABASE_URL"] = through_proxy.render_as_string(hide_password=False)
        log = tmp_path / "bot.log"
        process = await start_bot(tmp_path, env, log)
        try:
            await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=60)
            # A named question first.
            fake.send_text(ASKER_TG, "/tanya")
            await fake.wait_for(lambda: shows(fake, ASKER_TG, "Ask HR a question"), timeout=30)
            press(fake, ASKER_TG, "With my name")
            await fake.wait_for(lambda: shows(fake, ASKER_TG, "Please type"), timeout=30)
            fake.send_text(ASKER_TG, NAMED_TEXT)
            await fake.wait_for(lambda: shows(fake, ASKER_TG, "Preview"), timeout=30)
            press(fake, ASKER_TG, "Send")
            await fake.wait_for(lambda: shows(fake, ASKER_TG, "receive the answer"), timeout=30)

            # Then an anonymous one, with the database slow for every step of it.
            fake.send_text(ASKER_TG, "/tanya")
            await fake.wait_for(lambda: latest(fake, ASKER_TG, "Ask HR a question"), timeout=30)
            proxy.latency = LATENCY
            steps: list[tuple[Callable[[], dict[str, Any]], str]] = [
                (lambda: press(fake, ASKER_TG, "Anonymous"), "Who should answer"),
                (lambda: press(fake, ASKER_TG, "HR of my OPD"), "do not write your name"),
                (lambda: fake.send_text(ASKER_TG, ANON_TEXT), "Preview of your question"),
                (lambda: press(fake, ASKER_TG, "Send"), "anonymous question has been sent"),
            ]
            for act, reply in steps:
                update = act()
                # While the step runs: once Telegram is told it is done, or it is answered.
                await fake.wait_for(
                    lambda u=update, r=reply: confirmed(fake, u) or latest(fake, ASKER_TG, r),  # type: ignore[misc]
                    timeout=60,
                )
                await no_link_in_database(database_url, links)
                await fake.wait_for(lambda r=reply: latest(fake, ASKER_TG, r), timeout=60)  # type: ignore[misc]
                await fake.wait_for(lambda u=update: confirmed(fake, u), timeout=60)  # type: ignore[misc]
            proxy.latency = 0.0
            await fake.wait_for(lambda: shows(fake, HR_TG, "New anonymous question"), timeout=60)
        finally:
            proxy.latency = 0.0
            await stop_bot(process)
        assert process.returncode == 0, log.read_text()[-3000:]

    tables = await no_link_in_database(database_url, links)
    [anonymous] = [json.loads(row) for row in tables["question"] if json.loads(row)["anonymous"]]
    assert anonymous["asker_id"] is None and anonymous["text"] == ANON_TEXT
    links.question_saved(int(anonymous["id"]))
    await no_link_in_database(database_url, links)
    assert any(f"qa:ans:{anonymous['id']}" in row for row in tables["outbox"])

    lines = log.read_text(encoding="utf-8").splitlines()
    assert links.found("log", lines) == []
    parsed = [json.loads(line) for line in lines if line.startswith("{")]
    # The steps were slow enough to be written down, were they not questions, at DEBUG.
    assert any("instead of writing them down" in line["message"] for line in parsed)
    assert not any(
        line["logger"].startswith("telegram") and line["level"] == "DEBUG" for line in parsed
    )
