"""Time active/standby takeovers on PostgreSQL (target: within 10 s).

    .venv/bin/python bench/failover.py [--trials 5] [--database-url URL]

Two real `kinerja-bot run` processes share a fresh PostgreSQL database (created and dropped
by this script on the server of --database-url) and the fake Bot API HTTP server. Each trial
disrupts the active process and times, from the disruption:
- takeover: until the other process reports "active" on /healthz;
- first reply: until a user who wrote right after the disruption has an answer.
Two disruptions alternate: SIGKILL of the active process (it is restarted as the standby for
the next trial), and cutting the active process's lock connection on the server
(pg_terminate_backend, as on a network failure: it must step down and stay as standby).
Every user message must be answered exactly once; the script prints lost and repeated counts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.support.db import DEFAULT_PG_URL  # noqa: E402
from tests.support.fakegram import FakeBotApiServer, FakeTelegram  # noqa: E402
from tests.support.instances import (  # noqa: E402
    create_database,
    cut_lock_connection,
    drop_database,
    free_port,
    role_of,
    start_bot,
    stop_bot,
    wait_role,
)
from tests.test_runtime_process import TOKEN, bot_env  # noqa: E402

USER = 9001
MARK = "What you can do here"


def answers(fake: FakeTelegram) -> int:
    return sum(MARK in m.content for m in fake.sent(USER))


async def trial(
    fake: FakeTelegram,
    ports: list[int],
    kind: str,
    database_url: str,
    kill: asyncio.subprocess.Process,
) -> tuple[float, float]:
    """Disrupt the active process; return (takeover seconds, first reply seconds)."""
    active = 0 if await role_of(ports[0]) == "active" else 1
    other = 1 - active
    expected = answers(fake) + 1
    start = time.monotonic()
    if kind == "sigkill":
        kill.send_signal(signal.SIGKILL)
    else:
        await cut_lock_connection(database_url)
    fake.send_text(USER, "/help")
    took_over = await wait_role(ports[other], "active", timeout=60) - start
    await fake.wait_for(lambda: answers(fake) >= expected, timeout=60)
    replied = time.monotonic() - start
    return took_over, replied


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument(
        "--database-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
    )
    args = parser.parse_args()
    name = f"kinerja_bench_failover_{os.getpid()}"
    url = await create_database(args.database_url, name)
    fake = FakeTelegram(token=TOKEN, bot_username="kinerja_bench_bot")
    fake.user(USER, first_name="Staf", language_code="en")
    results: dict[str, list[tuple[float, float]]] = {"sigkill": [], "lost connection": []}
    sent = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with FakeBotApiServer(fake) as server:
            env = bot_env(server, folder / "unused.db")
            env["DATABASE_URL"] = url
            ports = [free_port(), free_port()]
            envs = [dict(env, METRICS_PORT=str(port)) for port in ports]
            processes = [await start_bot(folder, envs[0], folder / "a.log")]
            await wait_role(ports[0], "active")
            processes.append(await start_bot(folder, envs[1], folder / "b.log"))
            await wait_role(ports[1], "standby")
            try:
                for number in range(args.trials):
                    kind = "sigkill" if number % 2 == 0 else "lost connection"
                    active = 0 if await role_of(ports[0]) == "active" else 1
                    results[kind].append(
                        await trial(fake, ports, kind.split()[0], url, processes[active])
                    )
                    sent += 1
                    if kind == "sigkill":  # bring the killed one back as the standby
                        await processes[active].wait()
                        processes[active] = await start_bot(
                            folder, envs[active], folder / f"{'ab'[active]}.log"
                        )
                    await wait_role(ports[active], "standby", timeout=60)
                await asyncio.sleep(2)  # a repeated answer would show up by now
            finally:
                for process in processes:
                    await stop_bot(process)
    await drop_database(args.database_url, name)
    got = answers(fake)
    print(f"trials: {args.trials}, user messages: {sent}, answers: {got}")
    print(f"lost: {max(0, sent - got)}, repeated: {max(0, got - sent)}")
    for kind, rows in results.items():
        if not rows:
            continue
        takeover = [row[0] for row in rows]
        reply = [row[1] for row in rows]
        print(
            f"{kind:16} takeover s: min {min(takeover):.2f} median "
            f"{statistics.median(takeover):.2f} max {max(takeover):.2f} | first reply s: "
            f"min {min(reply):.2f} median {statistics.median(reply):.2f} max {max(reply):.2f}"
            f" | target < 10 s: {'ok' if max(takeover) < 10 else 'OVER'}"
        )


if __name__ == "__main__":
    asyncio.run(main())
