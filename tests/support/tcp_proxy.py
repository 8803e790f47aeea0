"""A TCP proxy a test can "restart": drop every connection and refuse new ones, then recover.

The bot's engine points at the proxy instead of the database server, so a test can take
PostgreSQL away from the bot (as a server restart or a network cut would) without touching
the real server or anyone else's schema. It can also make the database slow: with `latency`
set, every answer of the server is held back that long (each query's round trip grows by it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

CHUNK = 65536


class TcpProxy:
    """Forward 127.0.0.1:<port> to target_host:target_port until told to go down."""

    def __init__(self, target_host: str, target_port: int, host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.host = host
        self.port = 0
        self.accepted = 0  # connections forwarded so far
        self.dropped = 0  # connections cut by go_down()
        self.latency = 0.0  # seconds each chunk from the server waits before it is forwarded
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def is_up(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        """Listen (on a free port the first time, on the same port after a restart)."""
        self._server = await asyncio.start_server(
            self._serve, self.host, self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def go_down(self) -> None:
        """Stop listening (new connections are refused) and cut every open connection.

        Synchronous on purpose: a test may call it from a SQLAlchemy event listener, at the
        exact statement where the outage should strike.
        """
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()  # RST, as when the server process dies
            self.dropped += 1
        self._writers.clear()

    async def come_back(self) -> None:
        """Accept connections again on the same port."""
        if self._server is None:
            await self.start()

    @asynccontextmanager
    async def outage(self) -> AsyncIterator[None]:
        """The database is unreachable inside the block and reachable again after it."""
        self.go_down()
        try:
            yield
        finally:
            await self.come_back()

    async def stop(self) -> None:
        """Go down and wait for the forwarding tasks to end."""
        self.go_down()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def __aenter__(self) -> TcpProxy:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        """Connect to the target and copy bytes both ways until either side closes."""
        if self._server is None:  # accepted just before going down
            client_w.transport.abort()
            return
        try:
            server_r, server_w = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            client_w.transport.abort()
            return
        self.accepted += 1
        self._writers.update((client_w, server_w))
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await asyncio.gather(
                _pipe(client_r, server_w), _pipe(server_r, client_w, lambda: self.latency)
            )
        finally:
            self._tasks.discard(task)
            for writer in (client_w, server_w):
                self._writers.discard(writer)
                writer.transport.abort()


async def _pipe(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    hold: Callable[[], float] | None = None,
) -> None:
    """Copy bytes from reader to writer, each chunk held back hold() seconds; an error on
    either side ends the copy."""
    try:
        while data := await reader.read(CHUNK):
            if hold is not None and (seconds := hold()) > 0:
                await asyncio.sleep(seconds)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.transport.abort()
