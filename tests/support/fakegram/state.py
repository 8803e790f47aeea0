"""The in-memory state of the fake Telegram and the helpers shared by its methods."""

from __future__ import annotations

import copy
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tests.support.fakegram.errors import ApiError, bad_request
from tests.support.fakegram.faults import Faults
from tests.support.fakegram.flood import FloodControl
from tests.support.fakegram.models import (
    FileRecord,
    SentMessage,
    make_file,
    message_file_id,
    message_kind,
    private_chat_json,
    user_json,
)

DEFAULT_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


class FakeState:
    """All mutable state of one fake Telegram, guarded by a re-entrant lock."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "kinerja_test_bot",
        bot_id: int | None = None,
        flood_limits: bool = False,
        latency: tuple[float, float] | None = None,
        uplink_share: float = 0.5,
    ) -> None:
        """Create an empty Telegram with one bot and no users."""
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id if bot_id is not None else int(token.split(":", 1)[0])
        self.bot_first_name = "Kinerja Test Bot"
        self.flood_limits = flood_limits
        # A network between the bot and Telegram: every call but getUpdates takes a round trip
        # drawn from `latency` (seconds). The call reaches Telegram (and is counted by flood
        # control) after `uplink_share` of it; its answer takes the rest.
        self.latency = latency
        self.uplink_share = uplink_share
        self._latency_random = random.Random(14)
        self.in_flight = 0  # calls on their way to Telegram or back (getUpdates aside)
        self.most_in_flight = 0
        self.clock: Callable[[], float] = time.monotonic
        self.flood_violations = 0
        self.rate_limited = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[tuple[str, int, str]] = []
        self.users: dict[int, dict[str, Any]] = {}
        self.known_chats: set[int] = set()
        self.blocked: set[int] = set()
        self.files: dict[str, FileRecord] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.faults = Faults()
        self._lock = threading.RLock()
        self._flood = FloodControl()
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._deleted: set[tuple[int, int]] = set()
        self._sent: defaultdict[int, list[SentMessage]] = defaultdict(list)
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        self._last_message_id: defaultdict[int, int] = defaultdict(int)
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self._poll_generation = 0
        self._counter = 0
        self._queries: dict[str, bool] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._menu_buttons: dict[int | None, dict[str, Any]] = {}

    def round_trip(self, method: str) -> tuple[float, float]:
        """Seconds a call spends on its way to Telegram and back (0, 0 without latency)."""
        if self.latency is None or method.lower() == "getupdates":
            return 0.0, 0.0
        with self._lock:
            total = self._latency_random.uniform(*self.latency)
        return total * self.uplink_share, total * (1.0 - self.uplink_share)

    @property
    def messages_admitted(self) -> int:
        """Messages flood control let through (bulk and replies alike)."""
        return self._flood.admitted

    @property
    def busiest_second(self) -> int:
        """The most messages flood control let through within one second."""
        return self._flood.peak

    def _next(self) -> int:
        """A fresh number for file and query ids."""
        self._counter += 1
        return self._counter

    def bot_user(self) -> dict[str, Any]:
        """The bot's own User object."""
        return user_json(self.bot_id, self.bot_first_name, username=self.bot_username, is_bot=True)

    def user(
        self,
        user_id: int,
        first_name: str = "Pegawai",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> dict[str, Any]:
        """Register (or update) a Telegram user and return its User object."""
        with self._lock:
            self.users[user_id] = user_json(
                user_id, first_name, last_name, username, language_code or None
            )
            return dict(self.users[user_id])

    def _ensure_user(self, user_id: int) -> dict[str, Any]:
        """The registered user, registering one with defaults if needed."""
        if user_id not in self.users:
            self.user(user_id, first_name=f"User{user_id}")
        return self.users[user_id]

    def block(self, user_id: int) -> None:
        """Make the user block the bot: later sends answer 403."""
        with self._lock:
            self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """Undo block()."""
        with self._lock:
            self.blocked.discard(user_id)

    def _chat_json(self, chat_id: int) -> dict[str, Any]:
        """The Chat object of a known chat."""
        return private_chat_json(self._ensure_user(chat_id))

    def _resolve_chat(self, chat_id: int | str) -> int:
        """Map a chat_id parameter to a known chat, or raise 'chat not found'."""
        if isinstance(chat_id, int) and chat_id in self.known_chats:
            return chat_id
        raise bad_request("chat not found")

    def _target_chat(self, chat_id: int | str) -> int:
        """A chat the bot may send to now: known and not blocked."""
        chat = self._resolve_chat(chat_id)
        if chat in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _new_message(self, chat_id: int, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        """Create and store a Message in a chat with the next message_id."""
        self._last_message_id[chat_id] += 1
        message = {
            "message_id": self._last_message_id[chat_id],
            "from": sender,
            "chat": self._chat_json(chat_id),
            "date": int(time.time()),
            **{k: v for k, v in content.items() if v not in (None, [], "")},
        }
        self._messages[chat_id, message["message_id"]] = message
        return message

    def _find_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A stored, not deleted message."""
        if (chat_id, message_id) in self._deleted:
            return None
        return self._messages.get((chat_id, message_id))

    def _record_sent(
        self, message: dict[str, Any], raw: str | None, parse_mode: str | None
    ) -> SentMessage:
        """Remember a message the bot sent, for the test-facing sent()/last() views."""
        chat_id = message["chat"]["id"]
        sent = SentMessage(
            message_id=message["message_id"],
            chat_id=chat_id,
            kind=message_kind(message),
            text=message.get("text"),
            html=raw,
            caption=message.get("caption"),
            parse_mode=parse_mode,
            reply_markup=copy.deepcopy(message.get("reply_markup")),
            file_id=message_file_id(message),
            entities=list(message.get("entities") or message.get("caption_entities") or []),
            date=message["date"],
        )
        self._sent[chat_id].append(sent)
        self._sent_index[chat_id, sent.message_id] = sent
        return sent

    def _new_file(self, kind: str, size: int, **extra: Any) -> FileRecord:
        """Register a new stored file."""
        record = make_file(self._next(), kind, size, **extra)
        self.files[record.file_id] = record
        return record

    def _photo_sizes(self, size: int, data: bytes | None = None) -> list[dict[str, Any]]:
        """Register a photo as three PhotoSize files; the largest carries the real size."""
        sizes: list[dict[str, Any]] = []
        for width, fraction in ((90, 0.02), (320, 0.2), (1280, 1.0)):
            part = max(1, int(size * fraction))
            record = self._new_file("photo", part, data=data if fraction == 1.0 else None)
            sizes.append(
                {
                    "file_id": record.file_id,
                    "file_unique_id": record.file_unique_id,
                    "width": width,
                    "height": width * 3 // 4,
                    "file_size": part,
                }
            )
        for item in sizes:
            self.files[item["file_id"]].group = sizes
        return sizes

    def _enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create an update with the next update_id; queue it if allowed_updates permits."""
        with self._lock:
            update = {"update_id": self._next_update_id, **body}
            self._next_update_id += 1
            kind = next(iter(body))
            if kind in self._allowed_updates:
                self._updates.append(update)
            return copy.deepcopy(update)

    def _take_updates(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        """Confirm updates before offset (negative: keep the last -offset) and return a batch."""
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        elif offset is not None:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        return copy.deepcopy(self._updates[:limit])

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by an offset."""
        with self._lock:
            return copy.deepcopy(self._updates)
