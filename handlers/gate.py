"""The identify gate: resolve who is speaking before any handler; unlinked users get onboarding."""

from __future__ import annotations

from typing import Any

from telegram import ChatMember, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    ChatMemberHandler,
    TypeHandler,
)

from bot.context import BotContext
from bot.i18n import SUPPORTED_LANGUAGES, normalize_language
from bot.runtime.logging_setup import bind_employee
from bot.services import access, employees
from handlers.common import answer, reply
from handlers.conversation import end_open_flows, entered_flow
from handlers.menus import reset_menu_button, set_chat_menu

CHOSEN_LANGUAGE_KEY = "lang"  # set by /bahasa before the account is linked
SEEN_LANGUAGE_KEY = "lang_seen"  # the language of the latest update, for the error handler

ONBOARDING_COMMANDS = frozenset(
    {"start", "bantuan", "help", "bahasa", "language", "batal", "cancel"}
)
ONBOARDING_CALLBACKS = ("lang:", "onb:nip:")
# Commands that may be used in the middle of a flow without leaving it; /batal is answered
# by the flow itself. Any other command leaves the current flow; a button leaves it only once
# the flow it belongs to has started (handlers.conversation).
FLOW_KEEPING_COMMANDS = frozenset({"bantuan", "help", "bahasa", "language", "batal", "cancel"})


def command_of(update: Update) -> str | None:
    """Return the command name of a message such as '/start@bot abc', else None.

    Only a message the user sent counts: a pressed button's message is the bot's own.
    """
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    return (
        message.text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
        if len(message.text) > 1
        else ""
    )


def onboarding_allows(update: Update) -> bool:
    """Say whether an unlinked user's update may reach the handlers."""
    if update.callback_query is not None:
        return (update.callback_query.data or "").startswith(ONBOARDING_CALLBACKS)
    command = command_of(update)
    if command is not None:
        return command in ONBOARDING_COMMANDS
    return update.effective_message is not None


def speaker_language(
    context: BotContext, speaker: access.Speaker | None, telegram_code: str | None
) -> str:
    """The employee's language; before linking, the /bahasa choice, else Telegram's.

    The result is kept in user_data as well, so the error handler can still apologise in the
    right language when the database is what failed.
    """
    data = context.user_data
    chosen = data.get(CHOSEN_LANGUAGE_KEY) if data is not None else None
    if speaker is not None and speaker.employee.language:
        lang = speaker.employee.language
    elif chosen in SUPPORTED_LANGUAGES:
        lang = str(chosen)
    else:
        lang = normalize_language(telegram_code, context.deps.settings.bot_default_language)
    if data is not None and data.get(SEEN_LANGUAGE_KEY) != lang:
        data[SEEN_LANGUAGE_KEY] = lang
    return lang


async def identify(update: object, context: BotContext) -> None:
    """Load the speaker and their language; stop updates an unlinked user may not reach."""
    if not isinstance(update, Update) or update.effective_user is None:
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and chat.type != chat.PRIVATE:
        raise ApplicationHandlerStop  # the bot works in private chats only
    user = update.effective_user
    deps = context.deps
    speaker = await access.identify(deps.sessions, user.id)
    context.speaker = speaker
    # A step of an anonymous question must not name its asker in any log line.
    anonymous = deps.question_drafts.anonymous(update)
    bind_employee(speaker.id if speaker is not None and not anonymous else None)
    lang = speaker_language(context, speaker, user.language_code)
    context.t = deps.i18n.for_language(lang)
    if speaker is not None:
        await refresh_menu_if_changed(context, speaker)
    elif deps.settings.webapp_url and context.user_data and context.user_data.pop("menu", None):
        await reset_menu_button(context.bot, deps, user.id)  # was linked, is not any more
    command = command_of(update)
    if command is not None and command not in FLOW_KEEPING_COMMANDS:
        end_open_flows(update, context, keep=entered_flow(update, context))
    if speaker is None and not onboarding_allows(update):
        _ = context.t._
        text = _(
            "Your Telegram account is not linked to an employee yet, so this is not available. "
            "Send /start to link it: with the invite link from your OPD, or with your NIP."
        )
        if update.callback_query is not None:
            await answer(update, text, alert=True)
        else:
            await reply(update, context, text)
        raise ApplicationHandlerStop


def menu_signature(context: BotContext, speaker: access.Speaker) -> str:
    """Summarise what the menu depends on: language, roles, leadership, the Mini App."""
    roles = access.format_roles(set(speaker.roles))
    signature = f"{context.t.lang}|{roles}|{int(speaker.is_leader)}"
    # The Mini App's menu button is set with the menu: a newly set WEBAPP_URL sets it once.
    return signature + "|webapp" if context.deps.settings.webapp_url else signature


async def refresh_menu_if_changed(context: BotContext, speaker: access.Speaker) -> None:
    """Re-set this chat's command menu when roles changed since it was last set (e.g. a
    roster import made someone HR, or their last subordinate moved away)."""
    if context.user_data is None:
        return
    signature = menu_signature(context, speaker)
    if context.user_data.get("menu") != signature:
        await set_chat_menu(context.bot, context.deps, speaker, context.t.lang)
        context.user_data["menu"] = signature


async def track_membership(update: Update, context: BotContext) -> None:
    """Mark a user who blocked (or unblocked) the bot; such updates need no answer."""
    member = update.my_chat_member
    if member is not None and member.chat.type == member.chat.PRIVATE:
        deps = context.deps
        await employees.record_chat_status(
            deps.sessions,
            member.chat.id,
            blocked=member.new_chat_member.status == ChatMember.BANNED,
            now=deps.clock.utcnow(),
        )
    raise ApplicationHandlerStop


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the gate handlers: membership tracking first, then identification."""
    return [
        ChatMemberHandler(track_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        TypeHandler(Update, identify),
    ]
