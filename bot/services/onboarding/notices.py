"""The queued notices of onboarding: a link request for its approvers, a heads-up for the
account it would disconnect, the decision for the requester, and the news for an account that
was replaced."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services import employees
from bot.text import esc
from models import Employee, LinkRequest


async def ask_approvers(
    session: AsyncSession,
    i18n: I18n,
    request: LinkRequest,
    employee: Employee,
    approvers: list[Employee],
    *,
    replaces_account: int | None,
    now: datetime,
) -> None:
    """Queue the approval request, with Approve/Reject buttons, for each approver."""
    opd_name, unit_name = await employees.describe(session, employee)
    for approver in approvers:
        if approver.telegram_user_id is None:
            continue
        t = i18n.for_language(approver.language)
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
        if replaces_account is not None:
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
    session: AsyncSession,
    i18n: I18n,
    request: LinkRequest,
    employee: Employee,
    current: int,
    now: datetime,
) -> None:
    """Tell a linked employee, before anyone decides, that someone asks for their account."""
    t = i18n.for_language(employee.language)
    await outbox_queue.enqueue(
        session,
        dedupe_key=f"link:heads-up:{request.id}",
        kind="link_heads_up",
        chat_id=current,
        employee_id=employee.id,
        text=t._(
            "<b>Someone asked to link your employee account to another Telegram account.</b>\n"
            "The request went to the HR officer of your OPD, who will check it. This chat stays "
            "linked unless they approve.\n\n"
            "If it was you, for example on a new phone, there is nothing else to do. If it was "
            "not you, please tell the HR officer of your OPD so they can reject it."
        ),
        now=now,
    )


async def tell_replaced(
    session: AsyncSession,
    i18n: I18n,
    employee: Employee,
    old_chat_id: int,
    now: datetime,
    approver: Employee | None = None,
) -> None:
    """Tell the previously linked account (an old phone, or its owner) what happened."""
    t = i18n.for_language(employee.language)
    _ = t._
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


def requester_translator(
    i18n: I18n, request: LinkRequest, employee: Employee, approved: bool
) -> Translator:
    """The requester's language: the employee's once linked, else the one they asked in."""
    lang = employee.language if approved else None
    return i18n.for_language(lang or request.telegram_language)


async def tell_requester(
    session: AsyncSession,
    i18n: I18n,
    request: LinkRequest,
    employee: Employee,
    *,
    approved: bool,
    now: datetime,
) -> None:
    """Queue the decision for the person who asked to be linked."""
    _ = requester_translator(i18n, request, employee, approved)._
    if approved:
        text = _(
            "Good news: your account is now linked as <b>{name}</b> (NIP {nip}). Welcome! "
            "Send /bantuan to see what you can do."
        ).format(name=esc(employee.name), nip=employee.nip)
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
        now=now,
    )
