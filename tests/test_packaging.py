"""A built wheel works on its own: installed into a fresh virtualenv, without `make`.

Slow on purpose (10-30 s): it builds a wheel from a copy of the source tree with no compiled
catalogs, installs it into a new virtualenv and runs `migrate`, `seed-demo` and `run` from a
directory outside the checkout, so nothing can be read from the source tree.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.support.fakegram import FakeBotApiServer, FakeTelegram
from tests.support.instances import stop_bot

pytestmark = pytest.mark.package
ROOT = Path(__file__).resolve().parent.parent
# What a release tarball holds; the copy leaves out compiled catalogs, caches and build output.
BUILD_INPUTS = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "bot",
    "handlers",
    "models",
    "locales",
)
TOKEN = "123456:PACKAGE-TOKEN"
USERNAME = "kinerja_wheel_bot"


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def indonesian(msgid: str) -> str:
    with (ROOT / "locales" / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        message = read_po(handle, locale="id").get(msgid)
    assert message is not None and message.string and message.string != msgid
    return str(message.string)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build once from a copy of the sources (pip builds in place, leaving build/ behind)."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "*.pyc")
    for name in BUILD_INPUTS:
        item = ROOT / name
        if not item.exists():
            continue
        if item.is_dir():
            shutil.copytree(item, source / name, ignore=ignore)
        else:
            shutil.copy2(item, source / name)
    assert not list(source.rglob("*.mo"))
    dist = tmp_path / "dist"
    # Offline: the build uses this environment's setuptools and Babel (dev dependencies).
    offline = ("--no-deps", "--no-build-isolation", "--no-index")
    run(sys.executable, "-m", "pip", "wheel", *offline, "-w", dist, source, cwd=tmp_path)
    (built,) = dist.glob("kinerja_bot-*.whl")
    return built


def fresh_virtualenv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtualenv holding the wheel; third-party libraries come from this environment."""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python)
    run(*pip, "install", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    # Installing the dependencies again would take minutes and need the network. A path line
    # in a .pth file adds those directories but runs none of their .pth files, so the editable
    # install of this checkout stays invisible; our own packages come from the wheel alone.
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(run(python, "-c", where, cwd=tmp_path).strip())
    shared = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (purelib / "kinerja_test_dependencies.pth").write_text("\n".join(sorted(shared)) + "\n")
    return venv


def clean_env(venv: Path, database: Path) -> dict[str, str]:
    """The caller's environment without our settings and without any Python path overrides."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_", "DATABASE_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        BOT_USERNAME=USERNAME,
    )
    return env


def test_wheel_holds_catalogs_migrations_and_every_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("id", "en"):
        assert f"bot/locales/{lang}/LC_MESSAGES/messages.mo" in names
    assert "models/migrations/env.py" in names
    assert "models/migrations/script.py.mako" in names
    assert {"bot/web/static/app.js", "bot/web/static/app.css"} <= names  # the Mini App
    for package in ("bot", "handlers", "models"):
        for module in (ROOT / package).rglob("*.py"):
            assert module.relative_to(ROOT).as_posix() in names, module


async def test_installed_wheel_migrates_seeds_and_runs(wheel: Path, tmp_path: Path) -> None:
    venv = await asyncio.to_thread(fresh_virtualenv, tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(venv, elsewhere / "kinerja.db")
    script = venv / "bin" / "kinerja-bot"

    imported = (
        "import bot, handlers, models; print(bot.__file__, handlers.__file__, models.__file__)"
    )
    where = run(venv / "bin" / "python", "-c", imported, cwd=elsewhere, env=env)
    for path in where.split():
        assert Path(path).is_relative_to(venv), where

    out = await asyncio.to_thread(run, script, "migrate", cwd=elsewhere, env=env)
    assert out.strip() == indonesian("Database is up to date.")

    out = await asyncio.to_thread(
        run, script, "seed-demo", "--employees", "40", cwd=elsewhere, env=env
    )
    assert indonesian("Invite links for trying the bot:") in out
    links = [line.split("\t") for line in out.splitlines() if "t.me/" in line]
    assert [row[0] for row in links] == [
        indonesian("HR officer"),
        indonesian("Leader"),
        indonesian("Employee"),
    ]
    leader_code = links[1][3].split("?start=")[1]  # the demo leader has no language set

    fake = FakeTelegram(token=TOKEN, bot_username=USERNAME)
    async with FakeBotApiServer(fake) as server:
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            TELEGRAM_FILE_BASE_URL=server.base_file_url,
        )
        log = elsewhere / "run.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                script, "run", cwd=elsewhere, env=env, stdout=stderr, stderr=stderr
            )
            try:
                fake.user(7001, first_name="Demo", language_code="id")
                fake.send_text(7001, f"/start {leader_code}")
                await fake.wait_for_message(7001, contains="terhubung", timeout=60)
            finally:
                await stop_bot(process)
        assert process.returncode == 0, log.read_text()
