"""The one error handler: log the cause for the operator, tell the user the truth politely.

Three kinds of failure get their own words, because the user's next step differs:
- the database is away (restart, network), locked, full or read-only: the step was not saved
  (every step is one transaction), so trying again later is right;
- Telegram did not answer: the step may well have been saved and only the reply was lost, so
  the user is asked to check before repeating it;
- anything else: a bug; a generic apology.
When Telegram itself is failing, the apology is queued in the outbox, whose drainer keeps
retrying, so the user hears from the bot once Telegram is back.
"""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.delivery import outbox_queue
from bot.i18n import SUPPORTED_LANGUAGES, Translator, normalize_language
from bot.runtime.update_order import mark_update_failed
from bot.services import employees
from bot.text import MAX_ALERT_CHARS, utf16_len
from handlers.common import answer
from handlers.gate import SEEN_LANGUAGE_KEY
from models.db import StorageProblem, describe_problem, storage_problem

log = logging.getLogger("kinerja.errors")


def telegram_unreachable(error: object) -> bool:
    """Return True for Bot API failures that say nothing about the request itself."""
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with its cause; tell the user what happened; stop the update there."""
    mark_update_failed()  # counted as an error in the update metrics
    await report_error(update, context)
    # PTB would go on with the next handler group: after a failed identify gate that would
    # run a feature handler without knowing the speaker, and apologise a second time.
    raise ApplicationHandlerStop


async def report_error(update: object, context: BotContext) -> None:
    """Log the failure with its cause; tell the user what happened; mark users who blocked us."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_chat:
        await remember_blocked(context, update.effective_chat.id)
        return
    problem = None if isinstance(error, TelegramError) else storage_problem(error)
    if problem is not None and error is not None:
        log.error("update %s not handled: %s", update_id, describe_problem(problem, error))
        log.debug("database failure in update %s", update_id, exc_info=error)
    elif telegram_unreachable(error):
        log.warning("update %s: Telegram did not answer (%s)", update_id, error)
    else:
        log.error("error while handling update %s", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    t = translator_for(update, context)
    text = apology(t, problem, telegram_failed=telegram_unreachable(error))
    await tell(update, context, text, can_queue=problem is None)


async def remember_blocked(context: BotContext, chat_id: int) -> None:
    """Mark the employee unreachable so nothing more is queued for them."""
    log.info("chat %s blocked the bot", chat_id)
    deps = context.deps
    try:
        await employees.record_blocked(deps.sessions, chat_id, deps.clock.utcnow())
    except Exception as exc:  # the database may be the next thing failing
        problem = storage_problem(exc)
        if problem is None:
            raise
        log.warning("could not record that chat %s blocked the bot: %s", chat_id, problem.value)


def translator_for(update: Update, context: BotContext) -> Translator:
    """The speaker's language; Telegram's language when the gate could not load the speaker."""
    if context.speaker is not None or update.effective_user is None:
        return context.t
    deps = context.deps
    # The error handler gets a fresh context: the gate's choice survives in user_data.
    seen = context.user_data.get(SEEN_LANGUAGE_KEY) if context.user_data is not None else None
    if seen in SUPPORTED_LANGUAGES:
        return deps.i18n.for_language(str(seen))
    lang = normalize_language(
        update.effective_user.language_code, deps.settings.bot_default_language
    )
    return deps.i18n.for_language(lang)


def apology(t: Translator, problem: StorageProblem | None, *, telegram_failed: bool) -> str:
    """What went wrong, in words that tell the user what to do next."""
    _ = t._
    if problem in (StorageProblem.UNAVAILABLE, StorageProblem.BUSY):
        return _(
            "Sorry, the bot's database is briefly unavailable, so your last step was not "
            "saved. Please try again in a minute."
        )
    if problem is StorageProblem.FULL:
        return _(
            "Sorry, the server's storage is full, so your last step was not saved. Please try "
            "again later; if it keeps happening, tell the HR officer of your OPD."
        )
    if problem is StorageProblem.READ_ONLY:
        return _(
            "Sorry, the bot cannot save anything at the moment, so your last step was not "
            "saved. Please try again later; if it keeps happening, tell the HR officer of "
            "your OPD."
        )
    if telegram_failed:
        return _(
            "Sorry, Telegram did not answer in time, so my reply may be missing. Your last "
            "step may already be saved: please check before doing it again."
        )
    return _(
        "Sorry, something went wrong on our side and your last step was not completed. "
        "Please try again in a moment. If it keeps happening, tell the HR officer of your OPD."
    )


async def tell(update: Update, context: BotContext, text: str, *, can_queue: bool) -> None:
    """Show the apology now; if Telegram is failing, queue it (when the database works)."""
    chat = update.effective_chat
    assert chat is not None
    try:
        if update.callback_query is not None and utf16_len(text) <= MAX_ALERT_CHARS:
            await answer(update, text, alert=True)
        else:
            await answer(update)
            await context.bot.send_message(chat.id, text)
        return
    except TelegramError as exc:
        if not (can_queue and telegram_unreachable(exc)):
            log.warning("could not tell chat %s about the error: %s", chat.id, exc)
            return
    await queue_apology(context, chat.id, update.update_id, text)


async def queue_apology(context: BotContext, chat_id: int, update_id: int, text: str) -> None:
    """Leave the apology to the outbox drainer, which retries until Telegram accepts it."""
    deps = context.deps
    try:
        await outbox_queue.enqueue_now(
            deps.sessions,
            dedupe_key=f"error:{chat_id}:{update_id}",
            kind="error_notice",
            chat_id=chat_id,
            text=html.escape(text, quote=False),  # the outbox sends HTML
            now=deps.clock.utcnow(),
            priority=outbox_queue.PRIORITY_DIRECT,
        )
    except Exception:
        log.exception("could not queue the error notice for chat %s", chat_id)
        return
    context.wake_outbox()
    log.info("Telegram unreachable: error notice for chat %s queued in the outbox", chat_id)
