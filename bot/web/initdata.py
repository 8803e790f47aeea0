"""Telegram Mini App launch data (initData): checked exactly as the Bot API documents it.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app:
the data-check-string is every field except `hash`, as `key=value`, sorted by key and joined by
newlines; the secret key is HMAC-SHA-256 of the bot token keyed with "WebAppData"; `hash` is
the hex HMAC-SHA-256 of the data-check-string under that secret key. The launch data is also
refused once `auth_date` is older than WEBAPP_AUTH_MAX_AGE, so a copied URL stops working.
This is the Mini App's only sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

CLOCK_SKEW_SECONDS = 60  # an auth_date this far in the future is still accepted


class InitDataError(Exception):
    """The launch data is missing, forged, stale or names no user (the reason is for logs)."""


@dataclass(frozen=True)
class WebAppUser:
    """The Telegram user Telegram vouches for."""

    id: int
    first_name: str
    language_code: str | None
    auth_date: int


def secret_key(token: str) -> bytes:
    """HMAC_SHA256(key="WebAppData", msg=bot_token)."""
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Every field except hash, as key=value lines sorted by key."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], token: str) -> str:
    """The hex hash Telegram would put next to these fields (tests and benches sign with it)."""
    return hmac.new(
        secret_key(token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()


def validate(raw: str, token: str, *, now: datetime, max_age: int) -> WebAppUser:
    """Return the user of a signed, fresh initData query string; InitDataError otherwise."""
    if not raw:
        raise InitDataError("no launch data")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError("launch data is not a query string") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("a field appears twice")
    given = fields.get("hash", "")
    if not hmac.compare_digest(given.encode(), sign(fields, token).encode()):
        raise InitDataError("the hash does not match")
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError as exc:
        raise InitDataError("no auth_date") from exc
    age = now.timestamp() - auth_date
    if age > max_age or age < -CLOCK_SKEW_SECONDS:
        raise InitDataError(f"auth_date is {int(age)} s old")
    return _user(fields.get("user"), auth_date)


def _user(raw: str | None, auth_date: int) -> WebAppUser:
    """The `user` field (JSON) of signed launch data."""
    if not raw:
        raise InitDataError("no user")
    try:
        data = json.loads(raw)
        user_id = int(data["id"])
    except (ValueError, TypeError, KeyError) as exc:
        raise InitDataError("user is not a Telegram user") from exc
    language = data.get("language_code")
    return WebAppUser(
        id=user_id,
        first_name=str(data.get("first_name", "")),
        language_code=language if isinstance(language, str) else None,
        auth_date=auth_date,
    )
