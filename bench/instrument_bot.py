"""Run `kinerja-bot run` with wall-clock timers around the suspected hot spots (bench only).

    BENCH_TIMINGS=/tmp/t.json .venv/bin/python bench/instrument_bot.py run

bench/report_flow.py --instrument starts the bot this way. Nothing in bot/ or handlers/ is
changed: functions are wrapped before the Application is built, and on a clean exit the
totals are written as JSON to $BENCH_TIMINGS. Updates are handled one at a time, so the
timers inside process_update add up per update; background work (outbox drainer,
persistence flushes, getUpdates) is counted separately because it overlaps.
"""

from __future__ import annotations

import atexit
import contextvars
import functools
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402
from sqlmodel.ext.asyncio.session import AsyncSession as SQLModelSession  # noqa: E402
from telegram.ext import Application, BaseRateLimiter, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

import bot.delivery.drainer  # noqa: E402
import bot.runtime.persistence  # noqa: E402
import bot.services.access  # noqa: E402
import handlers.gate  # noqa: E402

# Which kind of work the current task does: "update" inside process_update, else background.
ROLE: contextvars.ContextVar[str] = contextvars.ContextVar("role", default="background")
totals: defaultdict[str, float] = defaultdict(float)
counts: defaultdict[str, int] = defaultdict(int)
longest: defaultdict[str, float] = defaultdict(float)
arrivals: dict[int, float] = {}  # update_id -> when its getUpdates answer came back
queue_waits: list[float] = []
update_times: list[float] = []


def note(key: str, seconds: float) -> None:
    totals[key] += seconds
    counts[key] += 1
    longest[key] = max(longest[key], seconds)


def timed(key: Callable[..., str] | str) -> Callable[[Any], Any]:
    """Wrap an async function; add its wall time to key (or key(*args)) per task role."""

    def decorate(fn: Any) -> Any:
        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                name = key(*args, **kwargs) if callable(key) else key
                note(f"{ROLE.get()}:{name}", time.perf_counter() - started)

        return wrapper

    return decorate


def install() -> None:
    """Wrap the functions whose time we want to see."""
    original_process = Application.process_update

    @functools.wraps(original_process)
    async def process_update(self: Any, update: object) -> None:
        started = time.perf_counter()
        update_id = getattr(update, "update_id", None)
        if update_id in arrivals:
            queue_waits.append(started - arrivals.pop(update_id))
        token = ROLE.set("update")
        try:
            await original_process(self, update)
        finally:
            ROLE.reset(token)
            update_times.append(time.perf_counter() - started)

    Application.process_update = process_update  # type: ignore[method-assign]

    original_get_updates = ExtBot.get_updates

    @functools.wraps(original_get_updates)
    async def get_updates(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = await original_get_updates(self, *args, **kwargs)
        now = time.perf_counter()
        for update in result:
            arrivals[update.update_id] = now
        if result:
            note("poll:batch size", float(len(result)))
        return result

    ExtBot.get_updates = get_updates  # type: ignore[method-assign]

    def endpoint(_self: Any, url: str, *args: Any, **kwargs: Any) -> str:
        return "http " + url.rsplit("/", 1)[-1]

    wrap(HTTPXRequest, "do_request", endpoint)
    # The limiter's own wait = this total minus the "http ..." time of the same requests.
    for limiter in _all_subclasses(BaseRateLimiter):
        if "process_request" in vars(limiter):
            wrap(limiter, "process_request", "rate limiter (incl. request)")
    wrap(handlers.gate, "identify", "gate.identify")
    wrap(handlers.gate, "refresh_menu_if_changed", "gate.refresh_menu")
    wrap(bot.services.access, "load_speaker", "access.load_speaker")
    for name in ("update_user_data", "update_conversation"):
        wrap(bot.runtime.persistence.DatabasePersistence, name, f"persistence.{name}")
    wrap(Application, "update_persistence", "persistence flush")
    wrap(AsyncSession, "commit", "db commit")
    wrap(SQLModelSession, "exec", "db exec")
    wrap(AsyncSession, "get", "db get")
    wrap(AsyncSession, "close", "db close")
    wrap(bot.delivery.drainer.OutboxDrainer, "drain_once", "outbox drain_once")


def wrap(owner: object, name: str, key: Callable[..., str] | str) -> None:
    """Replace owner.name (an async function) by its timed version."""
    setattr(owner, name, timed(key)(getattr(owner, name)))


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def dump() -> None:
    """Write the totals as JSON to $BENCH_TIMINGS (if set)."""
    path = os.environ.get("BENCH_TIMINGS")
    if not path:
        return
    data = {
        "updates": len(update_times),
        "process_update_total": sum(update_times),
        "queue_wait_total": sum(queue_waits),
        "queue_waits": queue_waits,
        "update_times": update_times,
        "totals": dict(totals),
        "counts": dict(counts),
        "longest": dict(longest),
    }
    Path(path).write_text(json.dumps(data))


def main() -> int:
    # bot.app imports every rate limiter the bot may use, so their subclasses exist now.
    import bot.app  # noqa: F401
    from bot.cli import main as cli_main

    install()
    atexit.register(dump)
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
