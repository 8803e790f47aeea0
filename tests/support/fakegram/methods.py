"""Bot API method implementations of the fake (one `_m_<lowercase name>` per method)."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from tests.support.fakegram.errors import ApiError, bad_request
from tests.support.fakegram.html import check_caption, check_message_text, parse_text, utf16_len
from tests.support.fakegram.markup import check_reply_markup
from tests.support.fakegram.models import FileRecord, SentMessage
from tests.support.fakegram.settings import BotSettings
from tests.support.fakegram.spec import UploadedFile

MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_UPLOAD = 50 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_COPY_SKIP = frozenset(
    {"message_id", "from", "chat", "date", "reply_markup", "reply_to_message", "edit_date"}
)


class BotMethods(BotSettings):
    """The Bot API surface: every method validated by the spec lands in one of these."""

    def _dispatch(self, name: str, params: dict[str, Any]) -> Any:
        """Run the implementation of a method; unimplemented spec methods answer True."""
        handler = getattr(self, f"_m_{name.lower()}", None)
        return True if handler is None else handler(params)

    # --- chats -------------------------------------------------------------------------
    def _m_getchat(self, p: dict[str, Any]) -> dict[str, Any]:
        """getChat: a ChatFullInfo for a known private chat."""
        chat = self._resolve_chat(p["chat_id"])
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), True
        )
        return {
            **self._chat_json(chat),
            "accent_color_id": chat % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {**gifts, "gifts_from_channels": True},
        }

    def _m_getchatmember(self, p: dict[str, Any]) -> dict[str, Any]:
        """getChatMember in a private chat: the user is a member."""
        chat = self._resolve_chat(p["chat_id"])
        if p["user_id"] not in (chat, self.bot_id):
            raise bad_request("user not found")
        user = self.bot_user() if p["user_id"] == self.bot_id else dict(self.users[chat])
        return {"status": "member", "user": user}

    def _m_sendchataction(self, p: dict[str, Any]) -> bool:
        """sendChatAction."""
        if p["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._target_chat(p["chat_id"])
        return True

    # --- sending -------------------------------------------------------------------------
    def _prepare_text(
        self, p: dict[str, Any], key: str, entities_key: str
    ) -> tuple[str | None, list[dict[str, Any]]]:
        """Parse a text/caption parameter with its parse_mode or explicit entities."""
        if key not in p:
            return None, []
        return parse_text(p[key], p.get("parse_mode"), p.get(entities_key))

    def _send(self, p: dict[str, Any], raw: str | None, **content: Any) -> dict[str, Any]:
        """Common tail of send* methods: markup, chat, reply, store and record."""
        markup = p.get("reply_markup")
        check_reply_markup(markup)
        chat = self._target_chat(p["chat_id"])
        reply = p.get("reply_parameters")
        if reply:
            source = self._find_message(
                self._resolve_chat(reply.get("chat_id", chat)), reply["message_id"]
            )
            if source is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            content["reply_to_message"] = copy.deepcopy(source)
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = copy.deepcopy(markup)
        message = self._new_message(chat, self.bot_user(), **content)
        sent = self._record_sent(message, raw, p.get("parse_mode"))
        if markup and "inline_keyboard" not in markup:
            sent.reply_markup = copy.deepcopy(markup)
        return copy.deepcopy(message)

    def _m_sendmessage(self, p: dict[str, Any]) -> dict[str, Any]:
        """sendMessage."""
        text, entities = self._prepare_text(p, "text", "entities")
        check_message_text(text or "")
        return self._send(p, p["text"], text=text, entities=entities)

    def _media_file(self, value: UploadedFile | str, kind: str) -> FileRecord:
        """Resolve an upload, a known file_id or a URL to a stored file of that kind."""
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            if len(value.data) > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo":
                return self.files[self._photo_sizes(len(value.data), value.data)[-1]["file_id"]]
            return self._new_file(
                kind,
                len(value.data),
                data=value.data,
                file_name=value.filename,
                mime_type=value.mime_type,
            )
        if re.match(r"https?://\S+\.\S+", value):
            if kind == "photo":
                return self.files[self._photo_sizes(50_000)[-1]["file_id"]]
            name = value.rsplit("/", 1)[-1] or "file"
            return self._new_file(
                kind, 50_000, file_name=name, mime_type="application/octet-stream"
            )
        record = self.files.get(value)
        if record is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if record.kind != kind:
            raise bad_request("type of file mismatch")
        return record

    def _caption(self, p: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
        """Parse and length-check an optional caption."""
        caption, entities = self._prepare_text(p, "caption", "caption_entities")
        check_caption(caption or "")
        return caption, entities

    def _m_sendphoto(self, p: dict[str, Any]) -> dict[str, Any]:
        """sendPhoto."""
        caption, entities = self._caption(p)
        check_reply_markup(p.get("reply_markup"))
        self._target_chat(p["chat_id"])
        record = self._media_file(p["photo"], "photo")
        photo = copy.deepcopy(record.group)
        return self._send(
            p, p.get("caption"), photo=photo, caption=caption, caption_entities=entities
        )

    def _m_senddocument(self, p: dict[str, Any]) -> dict[str, Any]:
        """sendDocument."""
        caption, entities = self._caption(p)
        check_reply_markup(p.get("reply_markup"))
        self._target_chat(p["chat_id"])
        record = self._media_file(p["document"], "document")
        document = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_name": record.file_name,
            "mime_type": record.mime_type,
            "file_size": record.size,
        }
        document = {k: v for k, v in document.items() if v is not None}
        return self._send(
            p, p.get("caption"), document=document, caption=caption, caption_entities=entities
        )

    def _source(self, p: dict[str, Any], action: str) -> dict[str, Any]:
        """The message a copy/forward refers to."""
        chat = self._resolve_chat(p["from_chat_id"])
        source = self._find_message(chat, p["message_id"])
        if source is None:
            raise bad_request(f"message to {action} not found")
        return source

    def _m_copymessage(self, p: dict[str, Any]) -> dict[str, int]:
        """copyMessage: same content (optionally new caption), no link to the original."""
        source = self._source(p, "copy")
        content = {k: copy.deepcopy(v) for k, v in source.items() if k not in _COPY_SKIP}
        content.pop("forward_origin", None)
        raw = source.get("text")
        if "caption" in p:
            content["caption"], content["caption_entities"] = self._caption(p)
            raw = p["caption"]
        elif "caption" in source:
            raw = source["caption"]
        return {"message_id": self._send(p, raw, **content)["message_id"]}

    def _m_forwardmessage(self, p: dict[str, Any]) -> dict[str, Any]:
        """forwardMessage: same content plus forward_origin."""
        source = self._source(p, "forward")
        content = {k: copy.deepcopy(v) for k, v in source.items() if k not in _COPY_SKIP}
        origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
        content.setdefault("forward_origin", origin)
        return self._send(
            {"chat_id": p["chat_id"]}, source.get("text") or source.get("caption"), **content
        )

    # --- editing -----------------------------------------------------------------------
    def _edit_target(self, p: dict[str, Any]) -> tuple[dict[str, Any], SentMessage]:
        """The bot message an edit* call refers to."""
        if "inline_message_id" in p:
            raise bad_request("MESSAGE_ID_INVALID")
        if "chat_id" not in p or "message_id" not in p:
            raise bad_request("message identifier is not specified")
        chat = self._resolve_chat(p["chat_id"])
        message = self._find_message(chat, p["message_id"])
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise bad_request("message can't be edited")
        return message, self._sent_index[chat, p["message_id"]]

    def _apply_edit(
        self,
        method: str,
        p: dict[str, Any],
        target: tuple[dict[str, Any], SentMessage],
        changes: dict[str, Any],
    ) -> dict[str, Any]:
        """Apply changed fields (None removes) or raise 'message is not modified'."""
        message, sent = target
        markup = p.get("reply_markup")
        check_reply_markup(markup, inline_only=True)
        changes["reply_markup"] = markup
        if all(message.get(k) == (v or None) for k, v in changes.items()):
            raise bad_request(NOT_MODIFIED)
        self._target_chat(message["chat"]["id"])
        for key, value in changes.items():
            if value:
                message[key] = copy.deepcopy(value)
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        sent.text, sent.caption = message.get("text"), message.get("caption")
        sent.reply_markup = copy.deepcopy(markup)
        sent.entities = list(message.get("entities") or message.get("caption_entities") or [])
        if "text" in changes or "caption" in changes:
            sent.html, sent.parse_mode = p.get("text", p.get("caption")), p.get("parse_mode")
        snapshot = {
            "method": method,
            "text": sent.text,
            "html": sent.html,
            "caption": sent.caption,
        }
        sent.edits.append({**snapshot, "reply_markup": markup, "date": message["edit_date"]})
        return copy.deepcopy(message)

    def _m_editmessagetext(self, p: dict[str, Any]) -> dict[str, Any]:
        """editMessageText."""
        target = self._edit_target(p)
        if "text" not in target[0]:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._prepare_text(p, "text", "entities")
        check_message_text(text or "")
        changes = {"text": text, "entities": entities}
        return self._apply_edit("editMessageText", p, target, changes)

    def _m_editmessagecaption(self, p: dict[str, Any]) -> dict[str, Any]:
        """editMessageCaption."""
        target = self._edit_target(p)
        if "text" in target[0]:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._caption(p)
        changes = {"caption": caption, "caption_entities": entities}
        return self._apply_edit("editMessageCaption", p, target, changes)

    def _m_editmessagereplymarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        """editMessageReplyMarkup."""
        return self._apply_edit("editMessageReplyMarkup", p, self._edit_target(p), {})

    def _m_deletemessage(self, p: dict[str, Any]) -> bool:
        """deleteMessage (bot's or the user's message in a private chat)."""
        chat = self._resolve_chat(p["chat_id"])
        if self._find_message(chat, p["message_id"]) is None:
            raise bad_request("message to delete not found")
        self._deleted.add((chat, p["message_id"]))
        if (chat, p["message_id"]) in self._sent_index:
            self._sent_index[chat, p["message_id"]].deleted = True
        return True

    # --- callbacks and files -----------------------------------------------------------------
    def _m_answercallbackquery(self, p: dict[str, Any]) -> bool:
        """answerCallbackQuery: once per existing query, text up to 200 characters."""
        query_id = p["callback_query_id"]
        if self._queries.get(query_id, True):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if utf16_len(p.get("text", "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._queries[query_id] = True
        self.callback_answers[query_id] = dict(p)
        return True

    def _m_getfile(self, p: dict[str, Any]) -> dict[str, Any]:
        """getFile: a download path for files up to 20 MB."""
        record = self.files.get(p["file_id"])
        if record is None:
            raise bad_request("invalid file_id")
        if record.size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return record.as_file()
