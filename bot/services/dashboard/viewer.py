"""Who opens the Mini App: the linked, active employee behind a Telegram user id."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import access
from bot.services.access import Speaker
from models.db import SessionFactory

UNLINKED = "unlinked"
BLOCKED = "blocked"
NOT_ALLOWED = "not_allowed"


class Refused(Exception):
    """The speaker may not see this (`reason`: unlinked, blocked or not_allowed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Viewer:
    """The speaker and which pages they may open."""

    speaker: Speaker
    name: str
    language: str | None
    leader: bool
    hr: bool


async def viewer_of(db: SessionFactory, telegram_user_id: int) -> Viewer:
    """Return the viewer behind a Telegram user; Refused when unlinked, inactive or blocked.

    Unlike a chat message, opening the Mini App does not unblock: someone who blocked the bot
    is told to open the chat again first."""
    async with db() as session:
        speaker = await access.load_speaker(session, telegram_user_id)
    if speaker is None:
        raise Refused(UNLINKED)
    if speaker.employee.blocked_at is not None:
        raise Refused(BLOCKED)
    return Viewer(
        speaker=speaker,
        name=speaker.employee.name,
        language=speaker.employee.language,
        leader=speaker.is_leader or speaker.is_hr,
        hr=speaker.is_hr,
    )
