"""Snapshots (bot/services/dashboard/snapshots.py): the HR page's short-lived results. Time is
moved by hand (time.monotonic replaced), never waited for."""

from __future__ import annotations

import asyncio

import pytest

from bot.services.dashboard import snapshots
from bot.services.dashboard.snapshots import Snapshots


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(snapshots.time, "monotonic", lambda: now[0])
    return now


async def test_fresh_then_stale_while_one_refresh_runs_then_recomputed(
    clock: list[float],
) -> None:
    cache: Snapshots[int] = Snapshots(fresh_for=30, keep_for=600)
    calls: list[int] = []
    release = asyncio.Event()

    async def compute() -> int:
        calls.append(1)
        if len(calls) > 1:
            await release.wait()
        return len(calls)

    assert await cache.get("city", compute) == 1
    clock[0] += 29
    assert await cache.get("city", compute) == 1 and len(calls) == 1  # fresh: not recomputed
    clock[0] += 2
    # Stale: served at once; one refresh starts, and a second asker does not start another.
    assert await cache.get("city", compute) == 1
    assert await cache.get("city", compute) == 1
    await asyncio.sleep(0)
    assert len(calls) == 2
    release.set()
    for _ in range(3):
        await asyncio.sleep(0)
    assert await cache.get("city", compute) == 2
    clock[0] += 601  # too old to serve: computed while the asker waits
    assert await cache.get("city", compute) == 3
    assert await cache.get("opd-1", compute) == 4  # keys do not share results


async def test_concurrent_first_askers_share_one_computation(clock: list[float]) -> None:
    cache: Snapshots[str] = Snapshots(fresh_for=30, keep_for=600)
    started = 0

    async def compute() -> str:
        nonlocal started
        started += 1
        await asyncio.sleep(0)
        return "page"

    assert await asyncio.gather(*(cache.get("k", compute) for _ in range(5))) == ["page"] * 5
    assert started == 1


async def test_a_failed_refresh_keeps_the_last_result(clock: list[float]) -> None:
    cache: Snapshots[str] = Snapshots(fresh_for=30, keep_for=600)

    async def good() -> str:
        return "old"

    async def bad() -> str:
        raise ConnectionError("database away")

    assert await cache.get("k", good) == "old"
    clock[0] += 31
    assert await cache.get("k", bad) == "old"
    for _ in range(3):
        await asyncio.sleep(0)
    assert await cache.get("k", good) == "old"  # still stale; a new refresh started
    with pytest.raises(ConnectionError):
        await Snapshots[str](fresh_for=30, keep_for=600).get("k", bad)
