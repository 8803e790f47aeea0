"""Records the fake keeps: messages the bot sent and files it knows about."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

MessageKind = Literal["text", "photo", "document", "sticker", "other"]
_FILE_PREFIX = {"photo": "AgAC", "document": "BQAC", "sticker": "CAAC"}
_FOLDER = {"photo": "photos", "document": "documents", "sticker": "stickers"}


@dataclass
class SentMessage:
    """A message the bot sent to a chat, in its current (possibly edited) state."""

    message_id: int
    chat_id: int
    kind: MessageKind
    text: str | None = None
    html: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    file_id: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    date: int = 0

    @property
    def content(self) -> str:
        """The visible text: the message text, else the caption, else ''."""
        return self.text if self.text is not None else self.caption or ""

    def buttons(self) -> list[tuple[str, str]]:
        """Flatten the inline keyboard into (text, callback_data) for callback buttons."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            (b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b
        ]

    def url_buttons(self) -> list[tuple[str, str]]:
        """Flatten the inline keyboard into (text, url) for URL buttons."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b["url"]) for row in rows for b in row if "url" in b]

    def web_app_buttons(self) -> list[tuple[str, str]]:
        """Flatten the inline keyboard into (text, Mini App URL) for web_app buttons."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b["web_app"]["url"]) for row in rows for b in row if "web_app" in b]

    def keyboard(self) -> list[str]:
        """Texts of the buttons of a reply (non-inline) keyboard, flattened."""
        rows = (self.reply_markup or {}).get("keyboard", [])
        return [b["text"] for row in rows for b in row]

    def button(self, text_substring: str) -> str:
        """Return the callback_data of the first button whose text contains the substring."""
        for text, data in self.buttons():
            if text_substring in text:
                return data
        raise AssertionError(
            f"no button containing {text_substring!r} in message {self.message_id}; "
            f"buttons: {self.buttons()!r}"
        )


@dataclass
class FileRecord:
    """A file Telegram stores: uploaded bytes or a synthesized user file."""

    file_id: str
    file_unique_id: str
    kind: str
    size: int
    path: str
    data: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    group: list[dict[str, Any]] = field(default_factory=list)

    def content(self) -> bytes:
        """The file bytes: the uploaded data or deterministic filler of the right size."""
        if self.data is not None:
            return self.data
        head = b"%PDF-1.4\n" if (self.mime_type or "").endswith("pdf") else b""
        body = (self.file_unique_id.encode() + b"\n") * (self.size // 8 + 1)
        return (head + body)[: self.size]

    def as_file(self) -> dict[str, Any]:
        """The File object getFile answers with."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.path,
        }


def make_file(
    number: int,
    kind: str,
    size: int,
    *,
    data: bytes | None = None,
    file_name: str | None = None,
    mime_type: str | None = None,
) -> FileRecord:
    """Create a file record with realistic-looking ids and a storage path."""
    prefix = _FILE_PREFIX.get(kind, "BAAC")
    ext = (file_name or "").rsplit(".", 1)[-1] if "." in (file_name or "") else ""
    ext = ext or {"photo": "jpg", "sticker": "webp"}.get(kind, "bin")
    return FileRecord(
        file_id=f"{prefix}AgUAAxkBAAI{number:08d}",
        file_unique_id=f"AQAD{number:06d}",
        kind=kind,
        size=size,
        path=f"{_FOLDER.get(kind, 'documents')}/file_{number}.{ext}",
        data=data,
        file_name=file_name,
        mime_type=mime_type,
    )


def user_json(
    user_id: int,
    first_name: str,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> dict[str, Any]:
    """A User object; optional fields are omitted when empty, as Telegram does."""
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    for key, value in (
        ("last_name", last_name),
        ("username", username),
        ("language_code", language_code),
    ):
        if value:
            user[key] = value
    return user


def private_chat_json(user: dict[str, Any]) -> dict[str, Any]:
    """The private Chat object for a user."""
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def message_kind(message: dict[str, Any]) -> MessageKind:
    """Classify a Message object by its content."""
    for kind in ("text", "photo", "document", "sticker"):
        if kind in message:
            return kind
    return "other"


def message_file_id(message: dict[str, Any]) -> str | None:
    """The file_id of a media message (largest photo size), if any."""
    if "photo" in message:
        return str(message["photo"][-1]["file_id"])
    for kind in ("document", "sticker"):
        if kind in message:
            return str(message[kind]["file_id"])
    return None
