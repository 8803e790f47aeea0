"""The per-update context: who is speaking, in which language, and the shared services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.drainer import OutboxDrainer
from bot.i18n import I18n, Translator
from bot.runtime.private_drafts import QuestionDrafts
from bot.services.access import Speaker
from bot.services.questions import AnonymousTally
from models.db import SessionFactory

DEPS_KEY = "deps"


@dataclass
class Deps:
    """Long-lived services shared by every handler and job."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    clock: Clock
    i18n: I18n
    drainer: OutboxDrainer | None = None
    bot_username: str = ""
    # In memory only, never persisted: see bot/runtime/private_drafts.py and AnonymousTally.
    question_drafts: QuestionDrafts = field(default_factory=QuestionDrafts)
    anonymous_tally: AnonymousTally = field(default_factory=AnonymousTally)
    extras: dict[str, Any] = field(default_factory=dict)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with our services; `speaker` and `t` are set by the identify gate."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.speaker: Speaker | None = None
        self.t: Translator = self.deps.i18n.for_language(None)

    @property
    def deps(self) -> Deps:
        deps: Deps = self.application.bot_data[DEPS_KEY]
        return deps

    def wake_outbox(self) -> None:
        """Ask the drainer to look at the outbox now."""
        if self.deps.drainer is not None:
            self.deps.drainer.wake()


# The bot's Application, typed with our context (defined here so that runtime modules can name
# it without importing the composition root).
KinerjaApp = Application[Any, BotContext, Any, Any, Any, Any]
