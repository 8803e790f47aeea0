"""End to end: the real `kinerja-bot` process against the fake Bot API HTTP server."""

from __future__ import annotations

import asyncio
import csv
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.support.factories import nip
from tests.support.fakegram import FakeBotApiServer, FakeTelegram
from tests.support.instances import stop_bot

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-TOKEN"
LEADER_TG, STAFF_TG = 5001, 5002


def bot_env(server: FakeBotApiServer | None, database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{database}", LOG_LEVEL="INFO", **extra)
    if server is not None:
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            TELEGRAM_FILE_BASE_URL=server.base_file_url,
        )
    return env


async def cli(cwd: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@asynccontextmanager
async def bot_process(cwd: Path, env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        await stop_bot(process)


def write_roster(path: Path) -> tuple[str, str]:
    leader, staff = nip(), nip(gender="2")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "nip",
                "nama",
                "jabatan",
                "opd_kode",
                "opd_nama",
                "unit",
                "nip_atasan",
                "peran",
                "bahasa",
            ]
        )
        writer.writerow(
            [
                leader,
                "Rina Harahap",
                "Kepala Bidang",
                "DINKES",
                "Dinas Kesehatan",
                "Bidang Pelayanan",
                "",
                "pegawai",
                "id",
            ]
        )
        writer.writerow(
            [
                staff,
                "Siti & Sons <Test>",
                "Analis",
                "DINKES",
                "Dinas Kesehatan",
                "Bidang Pelayanan",
                leader,
                "pegawai",
                "",
            ]
        )
    return leader, staff


async def test_missing_token_explains_botfather(tmp_path: Path) -> None:
    code, _out, err = await cli(tmp_path, bot_env(None, tmp_path / "k.db"), "run")
    assert code == 2
    assert "@BotFather" in err
    assert ".env" in err


async def test_onboarding_both_ways_in_the_real_process(tmp_path: Path) -> None:
    fake = FakeTelegram(token=TOKEN, bot_username="kinerja_e2e_bot")
    async with FakeBotApiServer(fake) as server:
        env = bot_env(server, tmp_path / "kinerja.db")
        leader_nip, staff_nip = write_roster(tmp_path / "pegawai.csv")
        code, out, err = await cli(tmp_path, env, "import-roster", "pegawai.csv")
        assert code == 0, err
        assert "Baru: 2" in out
        code, out, err = await cli(tmp_path, env, "invite", "--nip", leader_nip, "--format", "csv")
        assert code == 0, err
        header, row = out.strip().splitlines()
        assert header == "nip,name,link,code"
        link, invite_code = row.split(",")[2:4]
        assert link == f"https://t.me/kinerja_e2e_bot?start={invite_code}"

        async with bot_process(tmp_path, env) as process:
            await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=60)
            second = await cli(tmp_path, env, "run")
            assert second[0] != 0
            assert "sudah berjalan" in second[2]

            fake.send_text(LEADER_TG, f"/start {invite_code}")
            await fake.wait_for_message(LEADER_TG, contains="terhubung", timeout=30)

            fake.user(STAFF_TG, first_name="Siti", language_code="en")
            fake.send_text(STAFF_TG, "/start")
            await fake.wait_for_message(STAFF_TG, contains="NIP", timeout=30)
            fake.send_text(STAFF_TG, staff_nip)
            await fake.wait_for_message(STAFF_TG, contains="direct supervisor", timeout=30)
            ask = await fake.wait_for_message(LEADER_TG, contains=staff_nip, timeout=30)
            fake.press(LEADER_TG, ask.message_id, ask.button("Setujui"))
            await fake.wait_for_message(STAFF_TG, contains="linked as", timeout=30)
            await fake.wait_for(
                lambda: (
                    "Disetujui" in (fake.message(LEADER_TG, ask.message_id) or {}).get("text", "")
                ),
                timeout=30,
            )
            assert process.returncode is None
        assert process.returncode == 0
        assert fake.calls_of("setMyCommands")
