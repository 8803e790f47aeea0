"""Onboarding: /start with an invite code, or by NIP with the supervisor's (or HR's) approval."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.delivery import outbox_queue
from bot.i18n import Translator, normalize_language
from bot.services import access, employees, onboarding
from bot.services.onboarding import DecisionResult, RequestResult, invites
from bot.services.onboarding.invites import RedeemResult
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker
from handlers.help import help_text
from handlers.menus import set_chat_menu
from models import Employee, LinkRequest

ASK_NIP = 1
CANCEL_DATA = "onb:nip:cancel"
ANSWER_NOT_BEFORE = 0.3  # seconds after a well-formed NIP arrives


def telegram_name(update: Update) -> str:
    user = update.effective_user
    if user is None:
        return ""
    return onboarding.account_label(user.full_name, user.username)


def preferred_language(update: Update, context: BotContext) -> str | None:
    """Return the language the user chose before linking, or their Telegram language."""
    chosen = context.user_data.get("lang") if context.user_data is not None else None
    if chosen:
        return str(chosen)
    code = update.effective_user.language_code if update.effective_user else None
    return normalize_language(code, context.deps.settings.bot_default_language) if code else None


async def start(update: Update, context: BotContext) -> int:
    """Greet the user: link by invite code, welcome back, or ask for the NIP."""
    _ = context.t._
    if context.args:
        return await redeem_code(update, context, context.args[0])
    if context.speaker is not None:
        name = esc(context.speaker.employee.name)
        await reply(
            update,
            context,
            _("Welcome back, {name}!").format(name=name) + "\n\n" + help_text(context),
        )
        return ConversationHandler.END
    await reply(
        update,
        context,
        _(
            "<b>Welcome to kinerja-bot of Pemerintah Kota Medan.</b>\n"
            "Here you can follow your performance targets, report progress and receive "
            "feedback, right in this chat.\n\n"
            "If the HR officer of your OPD sent you an invite link, simply open that link.\n\n"
            "Otherwise, please type your <b>NIP</b> (18 digits). Your direct supervisor, or "
            "the HR officer of your OPD, will confirm that this account is yours."
        ),
        keyboard([[(_("Cancel"), CANCEL_DATA)]]),
    )
    return ASK_NIP


async def redeem_code(update: Update, context: BotContext, code: str) -> int:
    """Link this Telegram account with a single-use invite code."""
    _ = context.t._
    user = update.effective_user
    assert user is not None
    deps = context.deps
    now = deps.clock.utcnow()
    async with deps.sessions() as session:
        outcome = await invites.redeem(
            session,
            code[:128],
            telegram_user_id=user.id,
            telegram_name=telegram_name(update),
            language=preferred_language(update, context),
            now=now,
        )
        if outcome.replaced_telegram_id and outcome.employee is not None:
            await notify_replaced(context, session, outcome.employee, outcome.replaced_telegram_id)
        speaker = await access.speaker_for(session, outcome.employee) if outcome.employee else None
        await session.commit()
    context.wake_outbox()
    if outcome.result is RedeemResult.LINKED and speaker is not None:
        await welcome_linked(update, context, speaker)
        return ConversationHandler.END
    if outcome.result is RedeemResult.ALREADY_LINKED and outcome.employee is not None:
        await reply(
            update,
            context,
            _(
                "You are already linked as <b>{name}</b> (NIP {nip}). Send /bantuan to see "
                "what you can do."
            ).format(name=esc(outcome.employee.name), nip=outcome.employee.nip),
        )
        return ConversationHandler.END
    messages = {
        RedeemResult.INVALID: _(
            "Sorry, this invite link is not valid. Please check that you opened the whole link, "
            "or ask the HR officer of your OPD for a new one. You can also send /start and type "
            "your NIP."
        ),
        RedeemResult.USED: _(
            "This invite link has already been used. If that was not you, please tell the HR "
            "officer of your OPD. You can ask for a new link, or send /start and type your NIP."
        ),
        RedeemResult.EXPIRED: _(
            "This invite link has expired. Please ask the HR officer of your OPD for a new one, "
            "or send /start and type your NIP."
        ),
        RedeemResult.INACTIVE: _(
            "This employee record is not active any more. Please contact the HR officer of "
            "your OPD."
        ),
    }
    if outcome.result is RedeemResult.LOCKED and outcome.locked_until is not None:
        text = locked_text(context, outcome.locked_until)
    else:
        text = messages.get(outcome.result, messages[RedeemResult.INVALID])
    await reply(update, context, text)
    return ConversationHandler.END


def locked_text(context: BotContext, until: datetime) -> str:
    """Explain the guessing brake and when it ends."""
    _ = context.t._
    return _(
        "There were several attempts that did not work. To keep accounts safe, please wait "
        "until {time} and try again."
    ).format(time=context.t.date_time(until, "short"))


async def welcome_linked(update: Update, context: BotContext, speaker: access.Speaker) -> None:
    """Greet a freshly linked user in their language and set their command menu."""
    context.speaker = speaker
    context.t = context.deps.i18n.for_language(speaker.employee.language)
    _ = context.t._
    employee = speaker.employee
    if context.user_data is not None:
        context.user_data.pop("lang", None)
    await set_chat_menu(context.bot, context.deps, speaker, context.t.lang)
    await reply(
        update,
        context,
        _("Your account is now linked as <b>{name}</b> (NIP {nip}). Welcome!").format(
            name=esc(employee.name), nip=employee.nip
        )
        + "\n\n"
        + help_text(context),
    )


async def receive_nip(update: Update, context: BotContext) -> int | None:
    """Take the typed NIP and send a link request to whoever can approve it."""
    _ = context.t._
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    text = (message.text or "").strip()
    if not text:
        await reply(update, context, _("Please type your NIP as 18 digits."))
        return None
    deps = context.deps
    now = deps.clock.utcnow()
    started = time.monotonic()
    async with deps.sessions() as session:
        outcome = await onboarding.request_link(
            session,
            text[:64],
            telegram_user_id=user.id,
            telegram_name=user.full_name,
            telegram_username=user.username,
            language=preferred_language(update, context),
            now=now,
        )
        if outcome.result is RequestResult.SENT:
            await notify_approvers(context, session, outcome)
            await warn_linked_account(context, session, outcome)
        await session.commit()
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
    _ = context.t._
    result = outcome.result
    if result is RequestResult.BAD_NIP:
        await reply(
            update,
            context,
            _(outcome.reason)
            + " "
            + _("Please type your 18-digit NIP again, for example 199001012015031001."),
            keyboard([[(_("Cancel"), CANCEL_DATA)]]),
        )
        return None
    if result is RequestResult.LOCKED and outcome.locked_until is not None:
        await reply(update, context, locked_text(context, outcome.locked_until))
        return ConversationHandler.END
    if result is RequestResult.ALREADY_LINKED:
        text = _(
            "This Telegram account is already linked to this NIP. Send /bantuan to see what "
            "you can do."
        )
    else:
        # One answer for every well-formed NIP, so that nobody can learn from it whether a NIP
        # exists, whether it is linked, or whether its supervisor uses the bot.
        assert result in onboarding.ANSWERED_ALIKE
        text = _(
            "Thank you, we have received your request. Requests are confirmed by your direct "
            "supervisor or by the HR officer of your OPD, and you will get a message here once "
            "yours is decided.\n\n"
            "If you have not heard back within two working days, please check that the NIP is "
            "right, or ask the HR officer of your OPD for an invite link."
        )
    await reply(update, context, text)
    return ConversationHandler.END


async def notify_approvers(
    context: BotContext, session: AsyncSession, outcome: onboarding.RequestOutcome
) -> None:
    """Queue the approval request, with Approve/Reject buttons, for each approver."""
    request, employee = outcome.request, outcome.employee
    assert request is not None
    assert employee is not None
    assert request.id is not None
    opd_name, unit_name = await employees.describe(session, employee)
    now = context.deps.clock.utcnow()
    for approver in outcome.approvers:
        if approver.telegram_user_id is None:
            continue
        t = context.deps.i18n.for_language(approver.language)
        _ = t._
        text = _(
            "<b>Account link request</b>\n"
            "Someone asks to link a Telegram account to this employee:\n\n"
            "Name: {name}\nNIP: {nip}\nPosition: {position}\nUnit: {unit}, {opd}\n"
        ).format(
            name=esc(employee.name),
            nip=employee.nip,
            position=esc(employee.position or "-"),
            unit=esc(unit_name or "-"),
            opd=esc(opd_name),
        )
        text += "\n" + requester_text(t, request)
        approve_label = _("Approve")
        if outcome.replaces_account is not None:
            text += "\n\n" + takeover_warning(t, employee)
            approve_label = _("Approve and disconnect the old account")
        text += "\n\n" + _(
            "Anyone can give their Telegram account any name, so check the Telegram ID and "
            "username. Please approve only if you know this account belongs to them."
        )
        markup = outbox_queue.inline_keyboard(
            [[(approve_label, f"onb:ok:{request.id}"), (_("Reject"), f"onb:no:{request.id}")]]
        )
        await outbox_queue.enqueue(
            session,
            dedupe_key=f"link:ask:{request.id}:{approver.id}",
            kind="link_request",
            chat_id=approver.telegram_user_id,
            employee_id=approver.id,
            text=text,
            reply_markup=markup,
            now=now,
        )


def requester_text(t: Translator, request: LinkRequest) -> str:
    """Describe the asking Telegram account by what cannot be copied: its id and @username."""
    _ = t._
    username = f"@{request.telegram_username}" if request.telegram_username else _("no username")
    return _(
        "<b>Telegram account asking</b>\n"
        "Name shown in Telegram: {telegram}\nUsername: {username}\nTelegram ID: {telegram_id}"
    ).format(
        telegram=esc(request.telegram_name or "-"),
        username=esc(username),
        telegram_id=request.telegram_user_id,
    )


def takeover_warning(t: Translator, employee: Employee) -> str:
    """Warn HR that approving moves a linked employee's account to the one asking."""
    _ = t._
    since = t.date(employee.linked_at, "long") if employee.linked_at else "-"
    return _(
        "⚠️ <b>This employee is already linked to another Telegram account</b> (Telegram ID "
        "{current_id}, since {since}). Approving <b>disconnects that account</b>: from then "
        "on their messages, feedback, answers and evaluation prompts go to the account "
        "asking here. Approve only after you have confirmed with the employee in person or by "
        "phone, for example because they changed phones."
    ).format(current_id=employee.telegram_user_id, since=since)


async def warn_linked_account(
    context: BotContext, session: AsyncSession, outcome: onboarding.RequestOutcome
) -> None:
    """Tell a linked employee, before anyone decides, that someone asks for their account."""
    current = outcome.replaces_account
    if current is None or outcome.request is None or outcome.employee is None:
        return
    t = context.deps.i18n.for_language(outcome.employee.language)
    await outbox_queue.enqueue(
        session,
        dedupe_key=f"link:heads-up:{outcome.request.id}",
        kind="link_heads_up",
        chat_id=current,
        employee_id=outcome.employee.id,
        text=t._(
            "<b>Someone asked to link your employee account to another Telegram account.</b>\n"
            "The request went to the HR officer of your OPD, who will check it. This chat stays "
            "linked unless they approve.\n\n"
            "If it was you, for example on a new phone, there is nothing else to do. If it was "
            "not you, please tell the HR officer of your OPD so they can reject it."
        ),
        now=context.deps.clock.utcnow(),
    )


async def notify_replaced(
    context: BotContext,
    session: AsyncSession,
    employee: Employee,
    old_chat_id: int,
    approver: Employee | None = None,
) -> None:
    """Tell the previously linked account (an old phone, or its owner) what happened."""
    t = context.deps.i18n.for_language(employee.language)
    _ = t._
    now = context.deps.clock.utcnow()
    if approver is not None:
        what = _(
            "This Telegram account is no longer linked to your employee account (NIP {nip}): "
            "{approver} approved a request to link it to another Telegram account. Your "
            "messages, feedback and evaluation prompts now go there."
        ).format(nip=employee.nip, approver=esc(approver.name))
    else:
        what = _(
            "This Telegram account is no longer linked to your employee account (NIP {nip}): "
            "an invite link from HR linked it to another Telegram account. Your messages, "
            "feedback and evaluation prompts now go there."
        ).format(nip=employee.nip)
    text = (
        what
        + "\n\n"
        + _(
            "If you changed phones or accounts, there is nothing else to do. If this was not "
            "you, please contact the HR officer of your OPD right away, so that your access "
            "can be restored."
        )
    )
    await outbox_queue.enqueue(
        session,
        dedupe_key=f"link:replaced:{employee.id}:{old_chat_id}:{now.timestamp():.0f}",
        kind="link_replaced",
        chat_id=old_chat_id,
        text=text,
        now=now,
    )


async def not_text(update: Update, context: BotContext) -> None:
    """Ask for the NIP as text when something else arrives."""
    _ = context.t._
    await reply(update, context, _("Please type your NIP as 18 digits."))


async def cancel_nip(update: Update, context: BotContext) -> int:
    """Stop onboarding on request."""
    _ = context.t._
    await answer(update)
    text = _("All right, nothing was sent. Send /start whenever you are ready.")
    if update.callback_query is not None:
        await edit_or_reply(update, context, text)
    else:
        await reply(update, context, text)
    return ConversationHandler.END


async def decide(update: Update, context: BotContext) -> None:
    """Approve or reject a link request from its buttons, if this user may decide it."""
    _ = context.t._
    query = update.callback_query
    assert query is not None
    speaker = require_speaker(context)
    data = query.data or ""
    approve = data.startswith("onb:ok:")
    parsed = parse_callback(data, "onb:ok" if approve else "onb:no", 1)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    request_id = parsed[0]
    deps = context.deps
    now = deps.clock.utcnow()
    async with deps.sessions() as session:
        outcome = await onboarding.decide_link(
            session, speaker, request_id, approve=approve, now=now
        )
        if outcome.result in (DecisionResult.APPROVED, DecisionResult.REJECTED):
            await notify_requester(context, session, outcome, speaker.employee)
        await session.commit()
    context.wake_outbox()
    if outcome.result is DecisionResult.FORBIDDEN:
        await answer(update, _("You cannot decide this request."), alert=True)
        return
    if outcome.result is DecisionResult.NOT_FOUND:
        await answer(update, _("This request no longer exists."), alert=True)
        return
    employee = outcome.employee
    assert employee is not None
    assert outcome.request is not None
    who = _("{name} (NIP {nip})").format(name=esc(employee.name), nip=employee.nip)
    status = outcome.request.status
    if outcome.result is DecisionResult.ALREADY_DECIDED:
        await answer(update, _("This request was already decided."))
    else:
        await answer(update)
    if status == "approved" and outcome.replaced_telegram_id:
        text = _(
            "Approved: {who} is now linked to the new Telegram account. The previous account "
            "was disconnected and has been told. Thank you."
        ).format(who=who)
    elif status == "approved":
        text = _("Approved: {who} is now linked to the bot. Thank you.").format(who=who)
    elif status == "rejected":
        text = _("Rejected: the link request for {who} was declined.").format(who=who)
    else:
        text = _(
            "This request for {who} is closed: a newer request or invite replaced it."
        ).format(who=who)
    await edit_or_reply(update, context, text)


async def notify_requester(
    context: BotContext,
    session: AsyncSession,
    outcome: onboarding.DecisionOutcome,
    decider: Employee,
) -> None:
    """Queue the decision for the person who asked to be linked."""
    request, employee = outcome.request, outcome.employee
    assert request is not None
    assert employee is not None
    deps = context.deps
    lang = employee.language if outcome.result is DecisionResult.APPROVED else None
    t = deps.i18n.for_language(lang or request.telegram_language)
    _ = t._
    if outcome.result is DecisionResult.APPROVED:
        text = _(
            "Good news: your account is now linked as <b>{name}</b> (NIP {nip}). Welcome! "
            "Send /bantuan to see what you can do."
        ).format(name=esc(employee.name), nip=employee.nip)
        speaker = await access.speaker_for(session, employee)
        await set_chat_menu(context.bot, deps, speaker, t.lang)
        if outcome.replaced_telegram_id:
            await notify_replaced(
                context, session, employee, outcome.replaced_telegram_id, decider
            )
    else:
        text = _(
            "Your request to link this account to NIP {nip} was not approved. If you think "
            "this is a mistake, please contact your supervisor or the HR officer of your OPD."
        ).format(nip=employee.nip)
    await outbox_queue.enqueue(
        session,
        dedupe_key=f"link:decided:{request.id}",
        kind="link_decision",
        chat_id=request.telegram_user_id,
        text=text,
        now=deps.clock.utcnow(),
    )


def build() -> list[BaseHandler[Update, Any, Any]]:
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={
            ASK_NIP: [
                CallbackQueryHandler(cancel_nip, pattern=f"^{CANCEL_DATA}$"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, receive_nip),
                MessageHandler(~filters.COMMAND, not_text),
            ]
        },
        fallbacks=[
            CommandHandler(["batal", "cancel"], cancel_nip),
            CallbackQueryHandler(cancel_nip, pattern=f"^{CANCEL_DATA}$"),
        ],
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, CallbackQueryHandler(decide, pattern=r"^onb:(ok|no):")]
