"""Bot-level Bot API methods of the fake: getMe, webhooks, commands, descriptions, menu."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.support.fakegram.errors import bad_request
from tests.support.fakegram.markup import check_commands, check_language_code, check_web_app
from tests.support.fakegram.state import DEFAULT_UPDATES, FakeState

_BOT_TEXT_LIMITS = {"description": 512, "short_description": 120, "name": 64}


def scope_key(scope: dict[str, Any] | None) -> str:
    """Canonical JSON of a BotCommandScope (absent means default)."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True, separators=(",", ":"))


class BotSettings(FakeState):
    """Methods about the bot itself rather than about chats and messages."""

    # --- bot ---------------------------------------------------------------------------
    def _m_getme(self, _p: dict[str, Any]) -> dict[str, Any]:
        """getMe."""
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_setwebhook(self, p: dict[str, Any]) -> bool:
        """setWebhook: HTTPS URL on an allowed port, optional secret token."""
        url = p["url"]
        if url:
            match = re.fullmatch(r"https://([^/:?#]+)(?::(\d+))?([/?#].*)?", url)
            if not match:
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if match.group(2) and match.group(2) not in ("80", "88", "443", "8443"):
                raise bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in p:
            self._set_allowed(p["allowed_updates"])
        self.webhook = {"url": url, "secret_token": secret, **p} if url else {"url": ""}
        return True

    def _m_deletewebhook(self, p: dict[str, Any]) -> bool:
        """deleteWebhook."""
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": ""}
        return True

    def _m_getwebhookinfo(self, _p: dict[str, Any]) -> dict[str, Any]:
        """getWebhookInfo."""
        info: dict[str, Any] = {
            "url": self.webhook["url"],
            "has_custom_certificate": "certificate" in self.webhook,
            "pending_update_count": len(self._updates),
        }
        if self.webhook["url"]:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if "allowed_updates" in self.webhook:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _set_allowed(self, allowed: list[str]) -> None:
        """Store allowed_updates; an empty list restores the default set."""
        self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATES

    def _m_setmycommands(self, p: dict[str, Any]) -> bool:
        """setMyCommands, stored per (scope, language_code)."""
        check_commands(p["commands"])
        key = self._command_key(p)
        if p["commands"]:
            self._commands[key] = copy.deepcopy(p["commands"])
        else:
            self._commands.pop(key, None)
        return True

    def _m_getmycommands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        """getMyCommands for exactly that scope and language."""
        return copy.deepcopy(self._commands.get(self._command_key(p), []))

    def _m_deletemycommands(self, p: dict[str, Any]) -> bool:
        """deleteMyCommands."""
        self._commands.pop(self._command_key(p), None)
        return True

    def _command_key(self, p: dict[str, Any]) -> tuple[str, str]:
        """Validate scope chat and language; return the storage key."""
        language = p.get("language_code", "")
        check_language_code(language)
        scope = p.get("scope")
        if scope and "chat_id" in scope:
            self._resolve_chat(scope["chat_id"])
        return scope_key(scope), language

    def _set_bot_text(self, p: dict[str, Any], key: str) -> bool:
        """setMyDescription / setMyShortDescription / setMyName."""
        language = p.get("language_code", "")
        check_language_code(language)
        value = p.get(key, "")
        if len(value) > _BOT_TEXT_LIMITS[key]:
            raise bad_request(f"{key.replace('_', ' ')} is too long")
        self._bot_texts[key, language] = value
        return True

    def _get_bot_text(self, p: dict[str, Any], key: str) -> dict[str, str]:
        """getMyDescription / getMyShortDescription / getMyName."""
        language = p.get("language_code", "")
        check_language_code(language)
        value = self._bot_texts.get((key, language), self._bot_texts.get((key, ""), ""))
        return {key: value or (self.bot_first_name if key == "name" else "")}

    def _m_setmydescription(self, p: dict[str, Any]) -> bool:
        """setMyDescription."""
        return self._set_bot_text(p, "description")

    def _m_setmyshortdescription(self, p: dict[str, Any]) -> bool:
        """setMyShortDescription."""
        return self._set_bot_text(p, "short_description")

    def _m_setmyname(self, p: dict[str, Any]) -> bool:
        """setMyName."""
        return self._set_bot_text(p, "name")

    def _m_getmydescription(self, p: dict[str, Any]) -> dict[str, str]:
        """getMyDescription."""
        return self._get_bot_text(p, "description")

    def _m_getmyshortdescription(self, p: dict[str, Any]) -> dict[str, str]:
        """getMyShortDescription."""
        return self._get_bot_text(p, "short_description")

    def _m_getmyname(self, p: dict[str, Any]) -> dict[str, str]:
        """getMyName."""
        return self._get_bot_text(p, "name")

    def _m_setchatmenubutton(self, p: dict[str, Any]) -> bool:
        """setChatMenuButton for one private chat or the default."""
        chat = self._resolve_chat(p["chat_id"]) if "chat_id" in p else None
        button = p.get("menu_button") or {"type": "default"}
        if button.get("type") == "web_app":
            if not 1 <= len(button.get("text", "")) <= 64:
                raise bad_request("BUTTON_TEXT_INVALID")
            check_web_app(button.get("web_app") or {}, "menu button")
        self._menu_buttons[chat] = copy.deepcopy(button)
        return True

    def menu_button_of(self, chat_id: int | None) -> dict[str, Any] | None:
        """The menu button set for one chat (None: never set), for assertions."""
        return copy.deepcopy(self._menu_buttons.get(chat_id))

    def _m_getchatmenubutton(self, p: dict[str, Any]) -> dict[str, Any]:
        """getChatMenuButton."""
        chat = self._resolve_chat(p["chat_id"]) if "chat_id" in p else None
        button = self._menu_buttons.get(chat) or self._menu_buttons.get(None)
        return copy.deepcopy(button or {"type": "commands"})
