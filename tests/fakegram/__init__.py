"""A strict fake of the Telegram Bot API (validated against the vendored Bot API spec)."""

from typing import TYPE_CHECKING, Any

from tests.fakegram.core import FakeTelegram
from tests.fakegram.errors import ApiError
from tests.fakegram.models import SentMessage
from tests.fakegram.request import FakeRequest

if TYPE_CHECKING:
    from tests.fakegram.server import FakeBotApiServer

__all__ = ["ApiError", "FakeBotApiServer", "FakeRequest", "FakeTelegram", "SentMessage"]


def __getattr__(name: str) -> Any:
    """Import the aiohttp server lazily (keeps `python -m tests.fakegram.server` clean)."""
    if name == "FakeBotApiServer":
        from tests.fakegram.server import FakeBotApiServer

        return FakeBotApiServer
    raise AttributeError(name)
