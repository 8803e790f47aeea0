"""/bahasa (/language): choose Bahasa Indonesia or English."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.config import SUPPORTED_LANGUAGES
from bot.context import BotContext
from bot.services import employees
from handlers.common import answer, edit_or_reply, keyboard, reply
from handlers.menus import set_chat_menu

# Language names are shown in their own language on purpose: not translated.
LANGUAGE_LABELS = {"id": "🇮🇩 Bahasa Indonesia", "en": "🇬🇧 English"}


async def ask_language(update: Update, context: BotContext) -> None:
    """Offer the supported languages as buttons."""
    _ = context.t._
    rows = [[(LANGUAGE_LABELS[lang], f"lang:{lang}")] for lang in SUPPORTED_LANGUAGES]
    await reply(update, context, _("Choose your language:"), keyboard(rows))


async def choose_language(update: Update, context: BotContext) -> None:
    """Store the chosen language and refresh the command menu."""
    query = update.callback_query
    assert query is not None
    lang = (query.data or "").removeprefix("lang:")
    if lang not in SUPPORTED_LANGUAGES:
        await answer(update, context.t._("This button is no longer valid."), alert=True)
        return
    deps = context.deps
    speaker = context.speaker
    if speaker is None:
        if context.user_data is not None:
            context.user_data["lang"] = lang
    else:
        chosen = await employees.choose_language(
            deps.sessions, speaker.id, lang, deps.clock.utcnow()
        )
        speaker = chosen or speaker
        context.speaker = speaker
        await set_chat_menu(context.bot, deps, speaker, lang)
    context.t = deps.i18n.for_language(lang)
    await answer(update)
    await edit_or_reply(
        update, context, context.t._("Done. I will talk to you in English from now on.")
    )


def build() -> list[BaseHandler[Update, Any, Any]]:
    return [
        CommandHandler(["bahasa", "language"], ask_language),
        CallbackQueryHandler(choose_language, pattern=r"^lang:"),
    ]
