"""What the delivery benches share: a network to Telegram, people chatting, the report.

`--api-latency MIN,MAX` (milliseconds) makes every Bot API call but getUpdates take a round
trip drawn from that range at the fake (tests/support/fakegram): a call reaches Telegram,
where flood control counts it, halfway through its round trip, as it would over a real
network (80-150 ms from a server in Indonesia). Without it the fake answers at once, which
hides the cost of waiting for answers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tests.support.fakegram import FakeTelegram
from tests.support.fakegram.server import parse_latency

TELEGRAM_LIMIT = 30.0  # messages per second Telegram lets one bot send
CHAT_EVERY = (1.0, 3.0)  # seconds between one chatting user's commands
REPLY_TIMEOUT = 10.0


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --api-latency to a bench's command line."""
    parser.add_argument(
        "--api-latency",
        metavar="MIN,MAX",
        type=parse_latency,
        default=None,
        help="round trip of every Bot API call but getUpdates, in ms (e.g. 80,150)",
    )


def describe_latency(latency: tuple[float, float] | None) -> str:
    """'80-150 ms per call' or 'no latency'."""
    if latency is None:
        return "no latency"
    return f"{latency[0] * 1000:.0f}-{latency[1] * 1000:.0f} ms per call"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values; 0 when there are none."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else 0.0


@dataclass
class Chatter:
    """People using the bot during a bulk send: each asks, waits for the answer, then asks
    again 1-3 s after the last question; the latencies of the answers are kept."""

    users: list[int]
    ask: Callable[[int], Awaitable[bool]]  # one question and its answer; False: no answer
    latencies: list[float] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> list[float]:
        """Chat until stopped; return the latencies in seconds."""
        await asyncio.gather(*(self._one(user, random.Random(user)) for user in self.users))
        return self.latencies

    async def _one(self, user: int, chance: random.Random) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                answered = await asyncio.wait_for(self.ask(user), REPLY_TIMEOUT)
            except TimeoutError:
                answered = False
            self.latencies.append(time.monotonic() - started if answered else REPLY_TIMEOUT)
            pause = chance.uniform(*CHAT_EVERY) - (time.monotonic() - started)
            if pause > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), pause)


def help_asker(
    fake: FakeTelegram, is_bulk: Callable[[str], bool]
) -> Callable[[int], Awaitable[bool]]:
    """A user sends /bantuan to the bot and waits until the answer reaches Telegram."""

    async def ask(user: int) -> bool:
        before = len([m for m in fake.sent(user) if not is_bulk(m.content)])
        fake.send_text(user, "/bantuan")
        while True:  # the fake has no event to wait on; its own helpers poll too
            if len([m for m in fake.sent(user) if not is_bulk(m.content)]) > before:
                return True
            await asyncio.sleep(0.005)

    return ask


def report(
    fake: FakeTelegram,
    *,
    sent: int,
    seconds: float,
    rate: float,
    latency: tuple[float, float] | None,
    latencies: list[float],
) -> dict[str, float]:
    """Print the drain rate against Telegram's 30/s, the 429s, the flood violations and
    the chatting users' latency; return the numbers."""
    achieved = (sent - 1) / seconds if seconds > 0 and sent > 1 else 0.0
    print(
        f"network: {describe_latency(latency)}; OUTBOX_RATE={rate:g}; "
        f"drain rate {achieved:.2f} msg/s = {achieved / TELEGRAM_LIMIT:.1%} of Telegram's "
        f"{TELEGRAM_LIMIT:.0f}/s ({achieved / rate:.1%} of OUTBOX_RATE)"
    )
    print(
        f"at the fake, counted on arrival: 429 answers {fake.rate_limited}, flood violations "
        f"{fake.flood_violations}, busiest second {fake.busiest_second} messages; all messages "
        f"{fake.messages_admitted:,} ({fake.messages_admitted - sent:,} besides the bulk ones)"
    )
    numbers = {
        "rate": achieved,
        "rate_limited": float(fake.rate_limited),
        "violations": float(fake.flood_violations),
        "p95": percentile(latencies, 95),
    }
    if latencies:
        print(
            f"interactive: n={len(latencies)} p50={percentile(latencies, 50) * 1000:.0f} ms "
            f"p95={percentile(latencies, 95) * 1000:.0f} ms max={max(latencies) * 1000:.0f} ms"
        )
    return numbers
