"""FakeTelegram: the in-memory Bot API plus the user-side helpers tests drive it with."""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from tests.support.fakegram.errors import ApiError
from tests.support.fakegram.html import utf16_len
from tests.support.fakegram.methods import BotMethods
from tests.support.fakegram.models import SentMessage
from tests.support.fakegram.settings import scope_key
from tests.support.fakegram.spec import load_spec, method_name, validate

T = TypeVar("T")
POLL_INTERVAL = 0.02
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_MESSAGE_METHODS = re.compile(r"(send(?!chataction$)\w+|copymessages?|forwardmessages?|edit\w+)")
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?=\s|$)")
Response = tuple[int, dict[str, Any]]


class FakeTelegram(BotMethods):
    """An in-memory Telegram: answers Bot API calls and lets tests act as users."""

    # --- Bot API entry points ----------------------------------------------------------
    def handle(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> Response:
        """Answer one Bot API call (getUpdates never waits here) as (HTTP status, JSON body)."""
        try:
            with self._lock:
                name, decoded = self._prepare(method, params, files)
                if name == "getUpdates":
                    self._poll_generation += 1
                    result = self._updates_now(decoded)
                else:
                    result = self._dispatch(name, decoded)
                if hasattr(self, f"_m_{name.lower()}") or name == "getUpdates":
                    load_spec().check_result(name, result)
            return 200, {"ok": True, "result": result}
        except ApiError as exc:
            return self.fail(method, exc)

    async def handle_async(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> Response:
        """Like handle(), but getUpdates long-polls for up to `timeout` seconds."""
        if method.lower() != "getupdates":
            return self.handle(method, params, files)
        try:
            with self._lock:
                _, decoded = self._prepare(method, params, files)
                self._poll_generation += 1
                generation = self._poll_generation
                batch = self._updates_now(decoded)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + max(0, decoded.get("timeout", 0))
            while not batch and loop.time() < deadline:
                await asyncio.sleep(min(POLL_INTERVAL, max(0.0, deadline - loop.time())))
                with self._lock:
                    if self._poll_generation != generation:
                        raise ApiError(409, CONFLICT_POLL)
                    batch = self._take_updates(None, self._limit(decoded))
            load_spec().check_result("getUpdates", batch)
            return 200, {"ok": True, "result": batch}
        except ApiError as exc:
            return self.fail(method, exc)

    def _prepare(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None
    ) -> tuple[str, dict[str, Any]]:
        """Resolve, validate and record a call, then apply flood control."""
        name = method_name(method)
        decoded = validate(name, params, files)
        self.calls.append((name, decoded))
        if self.flood_limits and _MESSAGE_METHODS.fullmatch(name.lower()):
            verdict = self._flood.check(decoded.get("chat_id"), self.clock())
            if verdict.retry_after is not None:
                self.rate_limited += 1
                self.flood_violations += verdict.violation
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {verdict.retry_after}",
                    verdict.retry_after,
                )
        return name, decoded

    def fail(self, method: str, exc: ApiError) -> Response:
        """Record an error answer and return it."""
        self.record_error(method, exc.code, exc.description)
        return exc.code, exc.body()

    _fail = fail  # the name bench/report_flow.py's subclass uses

    def record_error(self, method: str, code: int, description: str) -> None:
        """Remember a failed call (code 0: no HTTP answer at all, e.g. a client timeout)."""
        with self._lock:
            self.errors.append((method, code, description))

    @staticmethod
    def _limit(decoded: dict[str, Any]) -> int:
        """getUpdates limit, clamped to 1..100 (default 100)."""
        limit = decoded.get("limit", 100)
        return 100 if limit <= 0 else min(limit, 100)

    def _updates_now(self, decoded: dict[str, Any]) -> list[dict[str, Any]]:
        """getUpdates without waiting: webhook conflict, allowed_updates, offset, limit."""
        if self.webhook["url"]:
            raise ApiError(409, CONFLICT_WEBHOOK)
        if "allowed_updates" in decoded:
            self._set_allowed(decoded["allowed_updates"])
        return self._take_updates(decoded.get("offset"), self._limit(decoded))

    # --- acting as users -----------------------------------------------------------------
    def _user_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        """Store a message sent by a user in their private chat (which becomes known)."""
        user = self._ensure_user(user_id)
        self.known_chats.add(user_id)
        return self._new_message(user_id, dict(user), **content)

    def send_text(self, user_id: int, text: str) -> dict[str, Any]:
        """The user sends a text; a leading /command gets a bot_command entity."""
        with self._lock:
            match = _COMMAND.match(text)
            entities = (
                [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]
                if match
                else None
            )
            message = self._user_message(user_id, text=text, entities=entities)
            return self._enqueue({"message": copy.deepcopy(message)})

    def send_photo(
        self, user_id: int, file_size: int = 50_000, caption: str | None = None
    ) -> dict[str, Any]:
        """The user sends a photo (three sizes, all downloadable via getFile)."""
        with self._lock:
            sizes = self._photo_sizes(file_size)
            message = self._user_message(user_id, photo=sizes, caption=caption)
            return self._enqueue({"message": copy.deepcopy(message)})

    def send_document(
        self,
        user_id: int,
        file_name: str = "laporan.pdf",
        mime_type: str = "application/pdf",
        file_size: int = 100_000,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> dict[str, Any]:
        """The user sends a document; `content` (if given) is what a download returns."""
        with self._lock:
            size = len(content) if content is not None else file_size
            record = self._new_file(
                "document", size, data=content, file_name=file_name, mime_type=mime_type
            )
            document = {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": size,
            }
            message = self._user_message(user_id, document=document, caption=caption)
            return self._enqueue({"message": copy.deepcopy(message)})

    def send_sticker(self, user_id: int, emoji: str = "👍") -> dict[str, Any]:
        """The user sends a regular sticker."""
        with self._lock:
            record = self._new_file("sticker", 20_000)
            sticker = {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": record.size,
            }
            message = self._user_message(user_id, sticker=sticker)
            return self._enqueue({"message": copy.deepcopy(message)})

    def press(self, user_id: int, message_id: int, callback_data: str) -> dict[str, Any]:
        """The user presses a button currently shown on a bot message in their chat."""
        with self._lock:
            message = self._find_message(user_id, message_id)
            sent = self._sent_index.get((user_id, message_id))
            if message is None or sent is None:
                raise AssertionError(f"no bot message {message_id} in chat {user_id} to press")
            if callback_data not in [data for _, data in sent.buttons()]:
                raise AssertionError(
                    f"message {message_id} has no button with data {callback_data!r}; "
                    f"buttons: {sent.buttons()!r}"
                )
            return self._callback(user_id, message, callback_data)

    def press_raw(self, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        """A crafted callback query: no check that the message or button exists."""
        with self._lock:
            user = self._ensure_user(user_id)
            self.known_chats.add(user_id)
            message = self._find_message(user_id, message_id) or {
                "chat": self._chat_json(user["id"]),
                "message_id": message_id,
                "date": 0,
            }
            return self._callback(user_id, message, data)

    def _callback(self, user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
        """Queue a callback_query update and register its id for answerCallbackQuery."""
        query_id = str(4_200_000_000_000_000 + self._next())
        self._queries[query_id] = False
        query = {
            "id": query_id,
            "from": dict(self.users[user_id]),
            "message": copy.deepcopy(message),
            "chat_instance": str(-(7_000_000_000 + user_id)),
            "data": data,
        }
        return self._enqueue({"callback_query": query})

    # --- views for assertions --------------------------------------------------------------
    def sent(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first (live objects: edits show up)."""
        with self._lock:
            return list(self._sent.get(chat_id, []))

    def last(self, chat_id: int) -> SentMessage:
        """The last message the bot sent to a chat."""
        messages = self.sent(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The commands stored for exactly this scope and language."""
        with self._lock:
            return copy.deepcopy(self._commands.get((scope_key(scope), language_code), []))

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Decoded parameters of every successful-to-validate call of one method."""
        with self._lock:
            return [params for name, params in self.calls if name.lower() == method.lower()]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current Message object (None if unknown or deleted)."""
        with self._lock:
            return copy.deepcopy(self._find_message(chat_id, message_id))

    def file_bytes(self, file_path: str) -> bytes | None:
        """Download a file by the file_path getFile returned (None if unknown or too big)."""
        with self._lock:
            for record in self.files.values():
                if record.path == file_path and record.size <= 20 * 1024 * 1024:
                    return record.content()
            return None

    # --- waiting -----------------------------------------------------------------------------
    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the documented helper API
    ) -> T:
        """Poll predicate() every 20 ms until truthy; return its value or raise TimeoutError."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                raise TimeoutError(
                    f"{getattr(predicate, '__qualname__', predicate)!s} not true after "
                    f"{timeout}s; "
                    f"last calls: {[name for name, _ in self.calls[-8:]]}; "
                    f"last errors: {self.errors[-3:]}"
                )
            await asyncio.sleep(POLL_INTERVAL)

    async def wait_for_message(
        self,
        chat_id: int,
        count: int | None = None,
        contains: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the documented helper API
    ) -> SentMessage:
        """Wait for the count-th message (1-based) or the latest one containing a substring."""

        def find() -> SentMessage | None:
            messages = self.sent(chat_id)
            if count is not None:
                if len(messages) < count:
                    return None
                found = messages[count - 1]
                return found if contains is None or contains in found.content else None
            pool = [m for m in messages if contains is None or contains in m.content]
            return pool[-1] if pool else None

        try:
            return await self.wait_for(find, timeout)
        except TimeoutError:
            seen = [m.content[:80] for m in self.sent(chat_id)]
            raise TimeoutError(
                f"no message (count={count}, contains={contains!r}) in chat {chat_id} after "
                f"{timeout}s; sent so far: {seen}; last errors: {self.errors[-3:]}"
            ) from None
