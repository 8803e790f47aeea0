"""Messages about targets to the other person: approval requests, decisions, assignments.

Each goes through the outbox in the recipient's language; a person who is not using the bot
(or is inactive) gets nothing and the caller is told (False).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import notices
from bot.services.target_drafts import STATUS_APPROVED, describe
from bot.text import esc
from models import Employee, Target


async def ask_leader(
    session: AsyncSession, target: Target, owner: Employee, *, now: datetime, i18n: I18n
) -> bool:
    """Queue the approval request, with Approve/Return buttons, for the direct leader."""
    if owner.supervisor_id is None:
        return False
    leader = await session.get(Employee, owner.supervisor_id)
    if leader is None or leader.telegram_user_id is None or not leader.active:
        return False
    parent = (
        await session.get(Target, target.parent_target_id) if target.parent_target_id else None
    )
    t = i18n.for_language(leader.language)
    _ = t._
    if target.version > 1:
        head = _("<b>Changed target for approval</b>\n{name} changed a target:")
    else:
        head = _("<b>New target for approval</b>\n{name} proposes a target:")
    text = "\n".join(
        [
            head.format(name=esc(owner.name)),
            "",
            *describe(t, target, parent),
            "",
            _("Please approve it, or return it with a short note on what to change."),
        ]
    )
    markup = notices.inline_keyboard(
        [
            [
                (_("Approve"), f"tg:ok:{target.id}:{target.version}"),
                (_("Return"), f"tg:ret:{target.id}:{target.version}"),
            ]
        ]
    )
    return await notices.enqueue(
        session,
        dedupe_key=f"target:ask:{target.id}:{target.version}",
        kind="target_request",
        chat_id=leader.telegram_user_id,
        employee_id=leader.id,
        text=text,
        reply_markup=markup,
        now=now,
    )


async def tell_decision(
    session: AsyncSession,
    target: Target,
    owner: Employee,
    leader: Employee,
    now: datetime,
    i18n: I18n,
) -> bool:
    """Tell the employee that their target was approved or returned (with the note)."""
    if owner.telegram_user_id is None:
        return False
    t = i18n.for_language(owner.language)
    _ = t._
    if target.status == STATUS_APPROVED:
        text = _(
            "Good news: {leader} approved your target “{title}”. You can now report progress "
            "on it."
        ).format(leader=esc(leader.name), title=esc(target.title))
    else:
        text = _(
            "{leader} returned your target “{title}” with this note:\n<i>{note}</i>\n\n"
            "Please adjust it with /target and send it again. This is a normal part of "
            "agreeing on targets."
        ).format(leader=esc(leader.name), title=esc(target.title), note=esc(target.return_note))
    return await notices.enqueue(
        session,
        dedupe_key=f"target:decided:{target.id}:{target.version}",
        kind="target_decision",
        chat_id=owner.telegram_user_id,
        employee_id=owner.id,
        text=text,
        now=now,
    )


async def tell_assigned(
    session: AsyncSession,
    target: Target,
    owner: Employee,
    leader: Employee,
    now: datetime,
    i18n: I18n,
) -> bool:
    """Tell the employee that their leader added a target for them."""
    if owner.telegram_user_id is None:
        return False
    parent = (
        await session.get(Target, target.parent_target_id) if target.parent_target_id else None
    )
    t = i18n.for_language(owner.language)
    _ = t._
    text = "\n".join(
        [
            _("<b>New target from your leader</b>\n{leader} added a target for you:").format(
                leader=esc(leader.name)
            ),
            "",
            *describe(t, target, parent),
            "",
            _("It is already approved. Send /target to see all your targets."),
        ]
    )
    return await notices.enqueue(
        session,
        dedupe_key=f"target:assigned:{target.id}",
        kind="target_assigned",
        chat_id=owner.telegram_user_id,
        employee_id=owner.id,
        text=text,
        now=now,
    )
