"""Real `kinerja-bot run` processes on a shared PostgreSQL database: start, watch, disrupt.

Used by tests/test_runtime_failover.py and bench/failover.py.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import create_engine


async def create_database(server_url: str, name: str) -> str:
    """(Re)create database `name` on the server of `server_url`; return its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def health(port: int, host: str = "127.0.0.1") -> dict[str, object] | None:
    """The process's /healthz answer, or None while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=2) as answer:
            body: dict[str, object] = json.loads(answer.read())
            return body
    except urllib.error.HTTPError as unhealthy:  # 503 still says which role
        body = json.loads(unhealthy.read())
        return body
    except OSError:
        return None


async def role_of(port: int, host: str = "127.0.0.1") -> str | None:
    answer = await asyncio.to_thread(health, port, host)
    details = answer.get("details") if answer else None
    return str(details.get("role")) if isinstance(details, dict) else None


async def wait_role(
    port: int,
    role: str,
    timeout: float = 60.0,  # noqa: ASYNC109
    host: str = "127.0.0.1",
) -> float:
    """Wait until the process on `port` reports `role`; return the monotonic time it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await role_of(port, host) == role:
            return time.monotonic()
        await asyncio.sleep(0.1)
    raise TimeoutError(f"process on {host}:{port} did not become {role} in {timeout}s")


async def start_bot(cwd: Path, env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as sink:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=cwd, env=env, stdout=sink, stderr=sink
        )


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


async def cut_lock_connection(database_url: str) -> None:
    """End the server session that holds the active process's advisory lock."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            ended = await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
            assert ended.scalars().all() == [True]
    finally:
        await engine.dispose()
