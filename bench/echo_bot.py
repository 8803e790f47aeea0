"""A bare python-telegram-bot echo bot: the baseline bench/report_flow.py measures us against.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=... .venv/bin/python bench/echo_bot.py

It uses the same PTB defaults as kinerja-bot (ApplicationBuilder, run_polling, updates
handled one at a time) but nothing else: no database, persistence, rate limiter, gate or
translations. Every text, photo or button press is answered at once with one sendMessage
that carries a "Next" button, so a simulated user can take the same kind of step (type or
press) as in the real /lapor flow.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

NEXT_DATA = "echo:next"
NEXT_LABEL = "Next"
ECHO_TEXT = "echo"
NEXT = InlineKeyboardMarkup([[InlineKeyboardButton(NEXT_LABEL, callback_data=NEXT_DATA)]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer any message or button press with one sendMessage."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, ECHO_TEXT, reply_markup=NEXT)


def build(
    token: str, base_url: str, base_file_url: str
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the echo Application against a (fake) Bot API."""
    app = Application.builder().token(token).base_url(base_url).base_file_url(base_file_url)
    application = app.build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(echo))
    return application


def main() -> None:
    """Poll until SIGTERM/SIGINT, like `kinerja-bot run`."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    application = build(
        os.environ["TELEGRAM_BOT_TOKEN"],
        os.environ.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
        os.environ.get("TELEGRAM_FILE_BASE_URL", "https://api.telegram.org/file/bot"),
    )
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])


if __name__ == "__main__":
    main()
