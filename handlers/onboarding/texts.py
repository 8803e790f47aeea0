"""The screens of onboarding: the welcome, an invite's outcome, the answer to a typed NIP, and
the approver's decision."""

from __future__ import annotations

from datetime import datetime

from bot.context import BotContext
from bot.i18n import N_
from bot.services.onboarding import DecisionOutcome, RedeemResult, Redemption
from bot.text import esc
from handlers.help import help_text
from models import Employee

TYPE_NIP = N_("Please type your NIP as 18 digits.")
STOPPED = N_("All right, nothing was sent. Send /start whenever you are ready.")
NOT_YOURS = N_("You cannot decide this request.")
REQUEST_GONE = N_("This request no longer exists.")
BUTTON_INVALID = N_("This button is no longer valid.")
DECIDED_BEFORE = N_("This request was already decided.")
INVITE_REFUSED = {
    RedeemResult.INVALID: N_(
        "Sorry, this invite link is not valid. Please check that you opened the whole link, "
        "or ask the HR officer of your OPD for a new one. You can also send /start and type "
        "your NIP."
    ),
    RedeemResult.USED: N_(
        "This invite link has already been used. If that was not you, please tell the HR "
        "officer of your OPD. You can ask for a new link, or send /start and type your NIP."
    ),
    RedeemResult.EXPIRED: N_(
        "This invite link has expired. Please ask the HR officer of your OPD for a new one, "
        "or send /start and type your NIP."
    ),
    RedeemResult.INACTIVE: N_(
        "This employee record is not active any more. Please contact the HR officer of your OPD."
    ),
}


def welcome_back(context: BotContext, employee: Employee) -> str:
    """A linked user's /start: welcome back, and what they can do."""
    welcome = context.t._("Welcome back, {name}!").format(name=esc(employee.name))
    return welcome + "\n\n" + help_text(context)


def welcome(context: BotContext) -> str:
    """An unlinked user's /start: open the invite link, or type the NIP."""
    return context.t._(
        "<b>Welcome to kinerja-bot of Pemerintah Kota Medan.</b>\n"
        "Here you can follow your performance targets, report progress and receive "
        "feedback, right in this chat.\n\n"
        "If the HR officer of your OPD sent you an invite link, simply open that link.\n\n"
        "Otherwise, please type your <b>NIP</b> (18 digits). Your direct supervisor, or "
        "the HR officer of your OPD, will confirm that this account is yours."
    )


def linked(context: BotContext, employee: Employee) -> str:
    """The greeting of a freshly linked user, in their language, with what they can do."""
    return (
        context.t._("Your account is now linked as <b>{name}</b> (NIP {nip}). Welcome!").format(
            name=esc(employee.name), nip=employee.nip
        )
        + "\n\n"
        + help_text(context)
    )


def invite_refused(context: BotContext, outcome: Redemption) -> str:
    """Why an invite link did not link this account (or that it already is linked)."""
    _ = context.t._
    if outcome.result is RedeemResult.ALREADY_LINKED and outcome.employee is not None:
        return _(
            "You are already linked as <b>{name}</b> (NIP {nip}). Send /bantuan to see "
            "what you can do."
        ).format(name=esc(outcome.employee.name), nip=outcome.employee.nip)
    if outcome.result is RedeemResult.LOCKED and outcome.locked_until is not None:
        return locked_text(context, outcome.locked_until)
    return _(INVITE_REFUSED.get(outcome.result, INVITE_REFUSED[RedeemResult.INVALID]))


def locked_text(context: BotContext, until: datetime) -> str:
    """Explain the guessing brake and when it ends."""
    return context.t._(
        "There were several attempts that did not work. To keep accounts safe, please wait "
        "until {time} and try again."
    ).format(time=context.t.date_time(until, "short"))


def nip_again(context: BotContext, reason: str) -> str:
    """A malformed NIP: why, and an example (this reveals nothing about any employee)."""
    _ = context.t._
    return (
        _(reason) + " " + _("Please type your 18-digit NIP again, for example 199001012015031001.")
    )


def already_linked_nip(context: BotContext) -> str:
    return context.t._(
        "This Telegram account is already linked to this NIP. Send /bantuan to see what "
        "you can do."
    )


def request_received(context: BotContext) -> str:
    """The one answer for every well-formed NIP: it never tells whether a NIP exists, whether
    it is linked, or whether its supervisor uses the bot."""
    return context.t._(
        "Thank you, we have received your request. Requests are confirmed by your direct "
        "supervisor or by the HR officer of your OPD, and you will get a message here once "
        "yours is decided.\n\n"
        "If you have not heard back within two working days, please check that the NIP is "
        "right, or ask the HR officer of your OPD for an invite link."
    )


def decided(context: BotContext, outcome: DecisionOutcome) -> str:
    """What the approver sees in place of the request's buttons."""
    _ = context.t._
    employee, request = outcome.employee, outcome.request
    assert employee is not None
    assert request is not None
    who = _("{name} (NIP {nip})").format(name=esc(employee.name), nip=employee.nip)
    if request.status == "approved" and outcome.replaced_telegram_id:
        return _(
            "Approved: {who} is now linked to the new Telegram account. The previous account "
            "was disconnected and has been told. Thank you."
        ).format(who=who)
    if request.status == "approved":
        return _("Approved: {who} is now linked to the bot. Thank you.").format(who=who)
    if request.status == "rejected":
        return _("Rejected: the link request for {who} was declined.").format(who=who)
    return _("This request for {who} is closed: a newer request or invite replaced it.").format(
        who=who
    )
