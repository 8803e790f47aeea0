"""FakeRequest: a python-telegram-bot request backend that talks to a FakeTelegram in-process."""

from __future__ import annotations

import json
from urllib.parse import unquote, urlsplit

import httpx
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from tests.support.fakegram.core import FakeTelegram
from tests.support.fakegram.faults import answer_call

# PTB's HTTPXRequest default read timeout: how long a client waits for an injected slow answer.
CLIENT_TIMEOUT = 5.0


class FakeRequest(BaseRequest):
    """Route PTB's calls to a FakeTelegram; pass it as request and get_updates_request."""

    def __init__(self, fake: FakeTelegram, client_timeout: float = CLIENT_TIMEOUT) -> None:
        """Bind to the fake Telegram; `client_timeout` bounds injected delays like httpx would."""
        self.fake = fake
        self.client_timeout = client_timeout

    @property
    def read_timeout(self) -> float | None:
        """No default read timeout: the fake answers immediately or after its long-poll."""
        return None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer a Bot API call or a file download like api.telegram.org would."""
        path = unquote(urlsplit(url).path)
        file_prefix = f"/file/bot{self.fake.token}/"
        if path.startswith("/file/bot"):
            content = self.fake.file_bytes(path[len(file_prefix) :])
            if not path.startswith(file_prefix) or content is None:
                return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
            return 200, content
        token, _, api_method = path.rpartition("/")
        if token.rpartition("/bot")[2] != self.fake.token:
            body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return 401, json.dumps(body).encode()
        params = dict(request_data.json_parameters) if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        timeout = DefaultValue.get_value(read_timeout)
        if timeout is None:
            timeout = self.fake.faults.client_timeout or self.client_timeout
        outcome = await answer_call(self.fake, api_method, params, files, timeout=timeout)
        # Raised exactly as HTTPXRequest raises them, so retry rules see the same causes.
        if outcome.timed_out:
            raise TimedOut from httpx.ReadTimeout("injected: no answer in time")
        if outcome.dropped:
            error = httpx.RemoteProtocolError("Server disconnected without sending a response.")
            raise NetworkError(f"httpx.RemoteProtocolError: {error}") from error
        return outcome.status, outcome.payload()
