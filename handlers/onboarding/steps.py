"""The steps of onboarding: /start with an invite code, or the NIP typed and sent for approval;
and the approver's Approve / Reject buttons."""

from __future__ import annotations

import asyncio
import time

from telegram import Update

from bot.context import BotContext
from bot.i18n import normalize_language
from bot.services import access, onboarding
from bot.services.onboarding import Account, DecisionResult, RedeemResult, RequestResult
from bot.text import parse_callback
from handlers.common import answer, edit_or_reply, reply, require_speaker
from handlers.conversation import END, FlowSteps, refuse
from handlers.menus import set_chat_menu
from handlers.onboarding import texts

ASK_NIP = 1
CANCEL_DATA = "onb:nip:cancel"
ANSWER_NOT_BEFORE = 0.3  # seconds after a well-formed NIP arrives
# Nothing is drafted before the NIP is sent, so there is nothing to forget or to lose.
STEPS = FlowSteps(
    forget=lambda _context: None,
    cancel_data=CANCEL_DATA,
    lost_text=texts.STOPPED,
    cancelled_text=texts.STOPPED,
    edit_when_pressed=True,
)


def asking_account(update: Update, context: BotContext) -> Account:
    """The Telegram account speaking, with the language chosen before linking (or Telegram's)."""
    user = update.effective_user
    assert user is not None
    chosen = context.user_data.get("lang") if context.user_data is not None else None
    code = user.language_code
    default = context.deps.settings.bot_default_language
    language = str(chosen) if chosen else normalize_language(code, default) if code else None
    return Account(user.id, user.full_name, user.username, language)


async def start(update: Update, context: BotContext) -> int:
    """Greet the user: link by invite code, welcome back, or ask for the NIP."""
    if context.args:
        return await redeem_code(update, context, context.args[0])
    if context.speaker is not None:
        await reply(update, context, texts.welcome_back(context, context.speaker.employee))
        return END
    await reply(update, context, texts.welcome(context), STEPS.cancel_only(context))
    return ASK_NIP


async def redeem_code(update: Update, context: BotContext, code: str) -> int:
    """Link this Telegram account with a single-use invite code."""
    deps = context.deps
    account = asking_account(update, context)
    outcome = await onboarding.redeem(
        deps.sessions, deps.i18n, code[:128], account, now=deps.clock.utcnow()
    )
    context.wake_outbox()
    if outcome.result is RedeemResult.LINKED and outcome.speaker is not None:
        await welcome_linked(update, context, outcome.speaker)
    else:
        await reply(update, context, texts.invite_refused(context, outcome))
    return END


async def welcome_linked(update: Update, context: BotContext, speaker: access.Speaker) -> None:
    """Greet a freshly linked user in their language and set their command menu."""
    context.speaker = speaker
    context.t = context.deps.i18n.for_language(speaker.employee.language)
    if context.user_data is not None:
        context.user_data.pop("lang", None)
    await set_chat_menu(context.bot, context.deps, speaker, context.t.lang)
    await reply(update, context, texts.linked(context, speaker.employee))


async def receive_nip(update: Update, context: BotContext) -> int | None:
    """Take the typed NIP and send a link request to whoever can approve it."""
    message = update.effective_message
    assert message is not None
    text = (message.text or "").strip()
    if not text:
        await reply(update, context, context.t._(texts.TYPE_NIP))
        return None
    deps = context.deps
    started = time.monotonic()
    account = asking_account(update, context)
    outcome = await onboarding.request_link(
        deps.sessions, deps.i18n, text[:64], account, now=deps.clock.utcnow()
    )
    context.wake_outbox()
    if outcome.result in onboarding.ANSWERED_ALIKE:
        # A request that went out takes a little longer than an unknown NIP; answering all of
        # them no sooner than this hides the difference (bench/nip_answer_timing.py).
        await asyncio.sleep(max(0.0, ANSWER_NOT_BEFORE - (time.monotonic() - started)))
    return await answer_request(update, context, outcome)


async def answer_request(
    update: Update, context: BotContext, outcome: onboarding.RequestOutcome
) -> int | None:
    """Tell the requester what happens next; stay in the NIP step only for fixable input."""
    result = outcome.result
    if result is RequestResult.BAD_NIP:
        await reply(
            update, context, texts.nip_again(context, outcome.reason), STEPS.cancel_only(context)
        )
        return None
    if result is RequestResult.LOCKED and outcome.locked_until is not None:
        text = texts.locked_text(context, outcome.locked_until)
    elif result is RequestResult.ALREADY_LINKED:
        text = texts.already_linked_nip(context)
    else:
        # One answer for every well-formed NIP, so that nobody can learn from it whether a NIP
        # exists, whether it is linked, or whether its supervisor uses the bot.
        assert result in onboarding.ANSWERED_ALIKE
        text = texts.request_received(context)
    await reply(update, context, text)
    return END


async def not_text(update: Update, context: BotContext) -> None:
    """Ask for the NIP as text when something else arrives."""
    await reply(update, context, context.t._(texts.TYPE_NIP))


async def decide(update: Update, context: BotContext) -> None:
    """Approve or reject a link request from its buttons, if this user may decide it."""
    speaker = require_speaker(context)
    data = (update.callback_query.data if update.callback_query else None) or ""
    approve = data.startswith("onb:ok:")
    parsed = parse_callback(data, "onb:ok" if approve else "onb:no", 1)
    if parsed is None:
        await refuse(update, context, texts.BUTTON_INVALID)
        return
    deps = context.deps
    outcome = await onboarding.decide_link(
        deps.sessions, deps.i18n, speaker, parsed[0], approve=approve, now=deps.clock.utcnow()
    )
    if outcome.linked is not None and outcome.linked_language is not None:
        await set_chat_menu(context.bot, deps, outcome.linked, outcome.linked_language)
    context.wake_outbox()
    if outcome.result in (DecisionResult.FORBIDDEN, DecisionResult.NOT_FOUND):
        gone = outcome.result is DecisionResult.NOT_FOUND
        await refuse(update, context, texts.REQUEST_GONE if gone else texts.NOT_YOURS)
        return
    if outcome.result is DecisionResult.ALREADY_DECIDED:
        await answer(update, context.t._(texts.DECIDED_BEFORE))
    else:
        await answer(update)
    await edit_or_reply(update, context, texts.decided(context, outcome))
