"""Fault injection: make the fake Bot API fail the way api.telegram.org does on a bad day.

    fake.faults.add(status=502, count=5)                  # the next 5 calls get 502 Bad Gateway
    fake.faults.add("sendMessage", status=503, html=True)  # nginx's HTML page, not JSON
    fake.faults.add(retry_after=2, count=20)               # a 429 storm
    fake.faults.add("sendMessage", delay=30)               # slower than the client's timeout
    fake.faults.add("sendMessage", drop=True, processed=True)  # delivered, answer lost

Faulted calls are still validated against the Bot API spec first (a malformed call is
answered 400 as usual), so a test never hides a bad call behind an outage. `processed=True`
lets the call take effect before the failure: the ambiguous case of a real outage, where the
message reached the user but the bot never heard back.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from tests.support.fakegram.errors import ApiError
from tests.support.fakegram.spec import method_name, validate

if TYPE_CHECKING:
    from tests.support.fakegram.core import FakeTelegram

HTML_ERROR = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    """One injected failure, applied to the next `count` matching calls (None: until removed)."""

    methods: frozenset[str] | None = None  # lower-case Bot API method names; None = all
    status: int | None = None  # a 5xx answer
    retry_after: int | None = None  # a 429 answer with parameters.retry_after
    delay: float = 0.0  # seconds before anything is answered
    drop: bool = False  # the connection is cut instead of answering
    html: bool = False  # a 5xx answered with the front proxy's HTML page
    processed: bool = False  # the call takes effect although the answer fails
    count: int | None = 1
    hits: int = 0

    def matches(self, name: str) -> bool:
        return self.methods is None or name.lower() in self.methods

    @property
    def kind(self) -> str:
        """A short label for logs and assertions: '502', '429', 'timeout', 'drop', 'slow'."""
        if self.retry_after is not None:
            return "429"
        if self.status is not None:
            return str(self.status)
        return "drop" if self.drop else "slow"


@dataclass
class Faults:
    """The faults waiting to strike, and a record of every call they hit."""

    active: list[Fault] = field(default_factory=list)
    hit: list[tuple[str, str]] = field(default_factory=list)  # (method, fault kind)
    # When set, the in-process FakeRequest gives up on a slow answer after this many seconds
    # (instead of its own client_timeout), so a test of timeouts need not wait 5 s.
    client_timeout: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self,
        method: str | Iterable[str] | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        drop: bool = False,
        html: bool = False,
        processed: bool = False,
        count: int | None = 1,
    ) -> Fault:
        """Inject a fault for the next `count` calls of `method` (a name, names, or None)."""
        outcomes = (status is not None) + (retry_after is not None) + drop
        if outcomes > 1:
            raise ValueError("choose one of status, retry_after and drop")
        if outcomes == 0 and delay <= 0:
            raise ValueError("a fault needs a status, retry_after, drop or a delay")
        if status is not None and not 500 <= status <= 599:
            raise ValueError("status must be a 5xx code (use retry_after for 429)")
        if retry_after is not None and (retry_after < 1 or processed):
            raise ValueError("retry_after must be >= 1, and a 429 call never takes effect")
        if html and status is None:
            raise ValueError("html applies to a 5xx status")
        if count is not None and count < 1:
            raise ValueError("count must be positive (or None for 'until cleared')")
        names = [method] if isinstance(method, str) else method
        fault = Fault(
            methods=None if names is None else frozenset(n.lower() for n in names),
            status=status,
            retry_after=retry_after,
            delay=delay,
            drop=drop,
            html=html,
            processed=processed,
            count=count,
        )
        with self._lock:
            self.active.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        with self._lock:
            if fault in self.active:
                self.active.remove(fault)

    def clear(self) -> None:
        """Telegram works again."""
        with self._lock:
            self.active.clear()

    @property
    def pending(self) -> bool:
        with self._lock:
            return bool(self.active)

    def take(self, name: str) -> Fault | None:
        """The first fault matching this call (used up by it), or None."""
        with self._lock:
            for fault in self.active:
                if fault.matches(name):
                    fault.hits += 1
                    if fault.count is not None and fault.hits >= fault.count:
                        self.active.remove(fault)
                    self.hit.append((name, fault.kind))
                    return fault
            return None


@dataclass
class Outcome:
    """What the transport should do with a call: answer it, time out, or cut the connection."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    html: str | None = None
    timed_out: bool = False
    dropped: bool = False

    def payload(self) -> bytes:
        return self.html.encode() if self.html is not None else json.dumps(self.body).encode()


async def answer_call(
    fake: FakeTelegram,
    method: str,
    params: Mapping[str, str],
    files: Mapping[str, Any] | None,
    *,
    timeout: float | None = None,  # noqa: ASYNC109 - the client's read timeout, not ours
    client_gone: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Answer one Bot API call, applying the first injected fault that matches it.

    `timeout` is the client's read timeout when the transport has to enforce it itself (the
    in-process FakeRequest); over HTTP the real client gives up on its own. With the fake's
    `latency` set, the call first travels to Telegram (flood control counts it when it
    arrives, as Telegram does), then its answer travels back: a call already on its way
    arrives even if the client has gone meanwhile.
    """
    uplink, downlink = fake.round_trip(method)
    counted = method.lower() != "getupdates"  # a long poll is not a call on its way
    fake.in_flight += counted
    fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
    try:
        if uplink:
            await asyncio.sleep(uplink)
        outcome = await _answer(
            fake, method, params, files, timeout=timeout, client_gone=client_gone
        )
        if downlink:
            await asyncio.sleep(downlink)
        return outcome
    finally:
        fake.in_flight -= counted


async def _answer(
    fake: FakeTelegram,
    method: str,
    params: Mapping[str, str],
    files: Mapping[str, Any] | None,
    *,
    timeout: float | None,  # noqa: ASYNC109 - the client's read timeout, not ours
    client_gone: Callable[[], bool],
) -> Outcome:
    """Answer one call that has arrived at Telegram (see answer_call)."""
    try:
        name = method_name(method)
    except ApiError:
        name = method
    fault = fake.faults.take(name)
    if fault is None:
        return Outcome(*await fake.handle_async(method, params, files))
    try:
        validate(name, params, files)
    except ApiError as exc:
        return Outcome(*fake.fail(method, exc))
    answered = await fake.handle_async(method, params, files) if fault.processed else None
    if fault.delay:
        await asyncio.sleep(fault.delay if timeout is None else min(fault.delay, timeout))
        if timeout is not None and fault.delay > timeout:
            fake.record_error(name, 0, f"client timed out after {timeout:g} s")
            return Outcome(timed_out=True)
        if client_gone():
            return Outcome(dropped=True)
    if fault.drop:
        fake.record_error(name, 0, "connection dropped")
        return Outcome(dropped=True)
    if fault.retry_after is not None:
        error = ApiError(
            429, f"Too Many Requests: retry after {fault.retry_after}", fault.retry_after
        )
        return Outcome(*fake.fail(method, error))
    if fault.status is not None:
        phrase = HTTPStatus(fault.status).phrase
        status, body = fake.fail(method, ApiError(fault.status, phrase))
        html = HTML_ERROR.format(code=fault.status, phrase=phrase) if fault.html else None
        return Outcome(status, body, html)
    if answered is not None:  # only slow: the answer arrives after all
        return Outcome(*answered)
    return Outcome(*await fake.handle_async(method, params, files))
