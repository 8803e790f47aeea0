"""Time a takeover after a real network partition of the active process (target: within 10 s).

    sudo .venv/bin/python bench/partition.py [--trials 3]

Needs root, iproute2 and PostgreSQL's server binaries (/usr/lib/postgresql/*/bin). The script
builds its own little network and database, and removes both at the end:
- a network namespace `kbpart` joined to this machine by a veth pair (10.211.0.1 <-> .2);
- a throwaway PostgreSQL cluster listening on 10.211.0.1:5433 (and 127.0.0.1:5433);
- the fake Bot API HTTP server on 10.211.0.1.
Process A runs inside the namespace, process B on the machine; both `kinerja-bot run` on the
same database. Each trial makes the active one A, then takes the namespace's link down: no
FIN, no RST, packets simply vanish, as when a cable or a switch fails. Printed per trial:
when B reports "active" and when a user who wrote right after the cut has an answer; and
whether A, once the link is back, is standby (it must have stepped down by itself).
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.support.fakegram import FakeBotApiServer, FakeTelegram  # noqa: E402
from tests.support.instances import free_port, stop_bot, wait_role  # noqa: E402
from tests.test_runtime_process import TOKEN, bot_env  # noqa: E402

NS, HOST_IF, NS_IF = "kbpart", "kbp-host", "kbp-ns"
HOST_IP, NS_IP, PG_PORT = "10.211.0.1", "10.211.0.2", 5433
USER = 9101
MARK = "What you can do here"


def sh(*args: str, check: bool = True) -> None:
    subprocess.run(args, check=check, capture_output=True)


def network_up() -> None:
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF)
    sh("ip", "link", "set", NS_IF, "netns", NS)
    sh("ip", "addr", "add", f"{HOST_IP}/24", "dev", HOST_IF)
    sh("ip", "link", "set", HOST_IF, "up")
    sh("ip", "netns", "exec", NS, "ip", "addr", "add", f"{NS_IP}/24", "dev", NS_IF)
    sh("ip", "netns", "exec", NS, "ip", "link", "set", NS_IF, "up")
    sh("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up")


def link(up: bool) -> None:
    sh("ip", "netns", "exec", NS, "ip", "link", "set", NS_IF, "up" if up else "down")


def network_down() -> None:
    sh("ip", "netns", "del", NS, check=False)
    sh("ip", "link", "del", HOST_IF, check=False)


def postgres_up(folder: Path) -> str:
    """Start a throwaway cluster as the postgres user; return its bin folder."""
    bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    shutil.chown(folder, "postgres")
    data = folder / "data"
    as_postgres = ["su", "postgres", "-c"]
    sh(*as_postgres, f"{bindir}/initdb -D {data} -A trust -U postgres")
    with (data / "pg_hba.conf").open("a") as hba:  # let the namespace in
        hba.write(f"host all all {NS_IP}/32 trust\n")
    options = f"-h {HOST_IP},127.0.0.1 -p {PG_PORT} -k {folder}"
    sh(*as_postgres, f'{bindir}/pg_ctl -D {data} -o "{options}" -l {folder}/pg.log -w start')
    sh(*as_postgres, f"{bindir}/createdb -h 127.0.0.1 -p {PG_PORT} kinerja")
    return bindir


def postgres_down(folder: Path, bindir: str) -> None:
    sh("su", "postgres", "-c", f"{bindir}/pg_ctl -D {folder}/data -m immediate stop", check=False)


async def start(
    env: dict[str, str], log: Path, *, in_namespace: bool
) -> asyncio.subprocess.Process:
    prefix = ["ip", "netns", "exec", NS] if in_namespace else []
    with log.open("ab") as sink:
        return await asyncio.create_subprocess_exec(
            *prefix, sys.executable, "-m", "bot", "run",
            cwd=log.parent, env=env, stdout=sink, stderr=sink,
        )  # fmt: skip


def answers(fake: FakeTelegram) -> int:
    return sum(MARK in m.content for m in fake.sent(USER))


async def bench(trials: int, folder: Path) -> None:
    fake = FakeTelegram(token=TOKEN, bot_username="kinerja_partition_bot")
    fake.user(USER, first_name="Staf", language_code="en")
    async with FakeBotApiServer(fake, host=HOST_IP) as server:
        base = bot_env(server, folder / "unused.db")
        ports = free_port(), free_port()
        env_a = dict(
            base,
            DATABASE_URL=f"postgresql+asyncpg://postgres@{HOST_IP}:{PG_PORT}/kinerja",
            METRICS_HOST=NS_IP,
            METRICS_PORT=str(ports[0]),
        )
        env_b = dict(
            base,
            DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{PG_PORT}/kinerja",
            METRICS_PORT=str(ports[1]),
        )
        a = await start(env_a, folder / "a.log", in_namespace=True)
        await wait_role(ports[0], "active", 60, NS_IP)
        b = await start(env_b, folder / "b.log", in_namespace=False)
        await wait_role(ports[1], "standby", 60)
        rows = []
        try:
            for number in range(trials):
                if number:  # make A active again: restart B so that A takes the lock
                    await stop_bot(b)
                    await wait_role(ports[0], "active", 60, NS_IP)
                    b = await start(env_b, folder / "b.log", in_namespace=False)
                    await wait_role(ports[1], "standby", 60)
                expected = answers(fake) + 1
                cut = time.monotonic()
                link(up=False)
                fake.send_text(USER, "/help")
                took_over = await wait_role(ports[1], "active", 60) - cut
                await fake.wait_for(lambda e=expected: answers(fake) >= e, timeout=60)
                replied = time.monotonic() - cut
                link(up=True)
                stepped_down = await wait_role(ports[0], "standby", 60, NS_IP) - cut
                rows.append((took_over, replied, stepped_down))
                print(
                    f"trial {number + 1}: standby active after {took_over:.2f} s, first reply "
                    f"{replied:.2f} s; the cut-off process reports standby once reachable "
                    f"({stepped_down:.1f} s)"
                )
        finally:
            link(up=True)
            for process in (a, b):
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            await stop_bot(a)
            await stop_bot(b)
    sent = len(rows)
    got = answers(fake)
    takeover = [r[0] for r in rows]
    print(f"messages sent during cuts: {sent}; answers: {got}; lost {max(0, sent - got)}")
    print(
        f"takeover s: min {min(takeover):.2f} median {statistics.median(takeover):.2f} "
        f"max {max(takeover):.2f} | target < 10 s: {'ok' if max(takeover) < 10 else 'OVER'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench/partition.py needs root (network namespaces)")
    folder = Path(tempfile.mkdtemp(prefix="bench-partition-"))
    network_down()
    network_up()
    bindir = ""
    try:
        bindir = postgres_up(folder)
        asyncio.run(bench(args.trials, folder))
    finally:
        if bindir:
            postgres_down(folder, bindir)
        network_down()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
