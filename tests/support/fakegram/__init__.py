"""A strict fake of the Telegram Bot API (validated against the vendored Bot API spec)."""

from typing import TYPE_CHECKING, Any

from tests.support.fakegram.core import FakeTelegram
from tests.support.fakegram.errors import ApiError
from tests.support.fakegram.models import SentMessage
from tests.support.fakegram.request import FakeRequest

if TYPE_CHECKING:
    from tests.support.fakegram.server import FakeBotApiServer

__all__ = ["ApiError", "FakeBotApiServer", "FakeRequest", "FakeTelegram", "SentMessage"]


def __getattr__(name: str) -> Any:
    """Import the aiohttp server lazily (keeps `python -m tests.support.fakegram.server` clean)."""
    if name == "FakeBotApiServer":
        from tests.support.fakegram.server import FakeBotApiServer

        return FakeBotApiServer
    raise AttributeError(name)
