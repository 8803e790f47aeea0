"""Messages about targets to the other person: approval requests, decisions, assignments.

Each goes through the outbox in the recipient's language; a person who is not using the bot
(or is inactive) gets nothing and the caller is told (False). A message is one Telegram
message: when a target's long fields would not fit, they are shortened and a "Show in full"
button (tg:full) shows the whole target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import N_, I18n, Translator
from bot.services.targets.achievement import indicators_of
from bot.services.targets.describing import describe
from bot.services.targets.drafts import TargetDraft
from bot.services.targets.vocabulary import STATUS_APPROVED
from bot.text import Fitted, esc, fit_fields
from models import Employee, Target

LABEL_FULL = N_("📄 Show in full")
SHORTENED_NOTE = N_("Some long parts are shortened here: press “Show in full” to read everything.")


def target_fields(target: Target, parent: Target | None) -> dict[str, str]:
    """The typed fields of a target (and its leader's target) a message shows."""
    return {
        "title": target.title,
        "indicator": target.indicator,
        "unit": target.unit,
        "expectation": target.expectation,
        "quality": target.quality_standard,
        "parent": parent.title if parent is not None else "",
    }


def describe_fields(
    t: Translator, target: Target, parent: Target | None, fields: Mapping[str, str]
) -> list[str]:
    """describe() with the typed fields replaced by (possibly shortened) values."""
    shown = replace(
        TargetDraft.of(target),
        title=fields["title"],
        indicator=fields["indicator"],
        unit=fields["unit"],
        expectation=fields["expectation"],
        quality_standard=fields["quality"],
    )
    return describe(t, shown, TargetDraft(title=fields["parent"]) if parent else None)


def request_text(
    t: Translator, target: Target, owner: Employee, parent: Target | None, indicators: int = 1
) -> Fitted:
    """The approval request a leader receives (shortened to one message when needed)."""
    _ = t._
    if target.version > 1:
        head = _("<b>Changed target for approval</b>\n{name} changed a target:")
    else:
        head = _("<b>New target for approval</b>\n{name} proposes a target:")

    more = (
        [
            _("It has {count} indicators (IKI); “Show in full” lists them all.").format(
                count=t.number(indicators)
            )
        ]
        if indicators > 1
        else []
    )

    def render(fields: Mapping[str, str]) -> str:
        return "\n".join(
            [
                head.format(name=esc(fields["name"])),
                "",
                *describe_fields(t, target, parent, fields),
                *more,
                "",
                _("Please approve it, or return it with a short note on what to change."),
            ]
        )

    fields = {"name": owner.name, **target_fields(target, parent)}
    return fit_fields(render, fields, note=_(SHORTENED_NOTE))


def decision_text(t: Translator, target: Target, leader: Employee) -> str:
    """Tell the owner their target was approved, or returned with the leader's note."""
    _ = t._
    if target.status == STATUS_APPROVED:
        template = _(
            "Good news: {leader} approved your target “{title}”. You can now report progress "
            "on it."
        )
    else:
        template = _(
            "{leader} returned your target “{title}” with this note:\n<i>{note}</i>\n\n"
            "Please adjust it with /target and send it again. This is a normal part of "
            "agreeing on targets."
        )

    def render(fields: Mapping[str, str]) -> str:
        return template.format(**{key: esc(value) for key, value in fields.items()})

    fields = {"leader": leader.name, "title": target.title, "note": target.return_note}
    return fit_fields(render, fields, note=_("The whole note is shown in /target.")).text


def assigned_text(
    t: Translator, target: Target, leader: Employee, parent: Target | None
) -> Fitted:
    """Tell the owner that their leader added a target for them."""
    _ = t._

    def render(fields: Mapping[str, str]) -> str:
        return "\n".join(
            [
                _("<b>New target from your leader</b>\n{leader} added a target for you:").format(
                    leader=esc(fields["leader"])
                ),
                "",
                *describe_fields(t, target, parent, fields),
                "",
                _("It is already approved. Send /target to see all your targets."),
            ]
        )

    fields = {"leader": leader.name, **target_fields(target, parent)}
    return fit_fields(render, fields, note=_(SHORTENED_NOTE))


def decision_buttons(t: Translator, target: Target) -> list[tuple[str, str]]:
    """Approve and Return for this version of a pending target."""
    return [
        (t._("Approve"), f"tg:ok:{target.id}:{target.version}"),
        (t._("Return"), f"tg:ret:{target.id}:{target.version}"),
    ]


def full_button(t: Translator, target: Target, fitted: Fitted) -> list[tuple[str, str]]:
    """The "Show in full" button, when the message had to shorten the target."""
    return [(t._(LABEL_FULL), f"tg:full:{target.id}")] if fitted.shortened else []


async def _parent_of(session: AsyncSession, target: Target) -> Target | None:
    if not target.parent_target_id:
        return None
    return await session.get(Target, target.parent_target_id)


async def ask_leader(
    session: AsyncSession, target: Target, owner: Employee, *, now: datetime, i18n: I18n
) -> bool:
    """Queue the approval request, with Approve/Return buttons, for the direct leader."""
    if owner.supervisor_id is None:
        return False
    leader = await session.get(Employee, owner.supervisor_id)
    if leader is None or leader.telegram_user_id is None or not leader.active:
        return False
    t = i18n.for_language(leader.language)
    count = len((await indicators_of(session, [target])).get(target.id or 0, []))
    fitted = request_text(t, target, owner, await _parent_of(session, target), count)
    full = full_button(t, target, fitted) or (
        [(t._(LABEL_FULL), f"tg:full:{target.id}")] if count > 1 else []
    )
    rows = [row for row in (decision_buttons(t, target), full) if row]
    return await outbox_queue.enqueue(
        session,
        dedupe_key=f"target:ask:{target.id}:{target.version}",
        kind="target_request",
        chat_id=leader.telegram_user_id,
        employee_id=leader.id,
        text=fitted.text,
        reply_markup=outbox_queue.inline_keyboard(rows),
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
    return await outbox_queue.enqueue(
        session,
        dedupe_key=f"target:decided:{target.id}:{target.version}",
        kind="target_decision",
        chat_id=owner.telegram_user_id,
        employee_id=owner.id,
        text=decision_text(i18n.for_language(owner.language), target, leader),
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
    t = i18n.for_language(owner.language)
    fitted = assigned_text(t, target, leader, await _parent_of(session, target))
    button = full_button(t, target, fitted)
    return await outbox_queue.enqueue(
        session,
        dedupe_key=f"target:assigned:{target.id}",
        kind="target_assigned",
        chat_id=owner.telegram_user_id,
        employee_id=owner.id,
        text=fitted.text,
        reply_markup=outbox_queue.inline_keyboard([button]) if button else None,
        now=now,
    )
