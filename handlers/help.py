"""/bantuan (/help): what this user can do, by role."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext
from bot.services.menu import command_name, commands_for
from handlers.common import reply


def help_text(context: BotContext) -> str:
    """Render the command list this speaker may use, in their language."""
    t = context.t
    _ = t._
    lines = [_("<b>What you can do here</b>")]
    for command in commands_for(context.speaker):
        lines.append(f"/{command_name(command, t.lang)} — {_(command.description)}")
    if context.speaker is None:
        lines.append("")
        lines.append(
            _(
                "Your account is not linked yet. Open the invite link from the HR officer of "
                "your OPD, or send /start and type your NIP."
            )
        )
    else:
        lines.append("")
        lines.append(_("Every step also has buttons, so you never need to remember a command."))
    return "\n".join(lines)


async def show_help(update: Update, context: BotContext) -> None:
    """List the commands this user's roles allow."""
    await reply(update, context, help_text(context))


def build() -> list[BaseHandler[Update, Any, Any]]:
    return [CommandHandler(["bantuan", "help"], show_help)]
