"""Keep each user's command menu (setMyCommands) in step with their roles and language, and,
when WEBAPP_URL is set, their menu button (setChatMenuButton) opening the Mini App."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.context import Deps
from bot.services.access import Speaker
from bot.services.menu import command_name, commands_for

log = logging.getLogger(__name__)


def bot_commands(deps: Deps, speaker: Speaker | None, lang: str) -> list[BotCommand]:
    """Return the menu entries for a speaker in a language."""
    t = deps.i18n.for_language(lang)
    return [BotCommand(command_name(c, t.lang), t._(c.description)) for c in commands_for(speaker)]


async def set_default_menus(bot: ExtBot[None], deps: Deps) -> None:
    """Set the pre-linking menu: default language, plus one per supported client language."""
    default = deps.settings.bot_default_language
    await bot.set_my_commands(bot_commands(deps, None, default), scope=BotCommandScopeDefault())
    for lang in ("id", "en"):
        await bot.set_my_commands(
            bot_commands(deps, None, lang), scope=BotCommandScopeDefault(), language_code=lang
        )


async def set_chat_menu(bot: ExtBot[None], deps: Deps, speaker: Speaker, lang: str) -> None:
    """Set one linked user's menu for their roles and language; a failure is only logged."""
    chat_id = speaker.employee.telegram_user_id
    if chat_id is None:
        return
    try:
        await bot.set_my_commands(
            bot_commands(deps, speaker, lang), scope=BotCommandScopeChat(chat_id)
        )
    except TelegramError as exc:
        log.warning("could not set the command menu for chat %s: %s", chat_id, exc)
    url = deps.settings.webapp_url
    if url:
        t = deps.i18n.for_language(lang)
        button = MenuButtonWebApp(t._("Dashboard"), WebAppInfo(url.rstrip("/") + "/"))
        try:
            await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
        except TelegramError as exc:
            log.warning("could not set the menu button for chat %s: %s", chat_id, exc)


async def reset_menu_button(bot: ExtBot[None], deps: Deps, chat_id: int) -> None:
    """Take the Mini App's menu button away from a chat that is no longer linked."""
    if not deps.settings.webapp_url:
        return
    try:
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=MenuButtonDefault())
    except TelegramError as exc:
        log.warning("could not reset the menu button of chat %s: %s", chat_id, exc)
