"""The training notices queued in the outbox, each in its recipient's language: invitations,
cancellations, reminders, and HR's summary of the recommendations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services.periods import Period, semester_name
from bot.services.training.recommendations import topic_label
from bot.text import esc, fit_fields
from models import Employee, TrainingSession

KIND_INVITE = "training-invite"
KIND_CANCELLED = "training-cancelled"
MAX_LISTED = 20  # recommendations listed in HR's summary; the rest are counted
RecoLine = tuple[str, str, float, float, str]  # unit, OPD, below share, low share, topic


def _when(t: Translator, training: TrainingSession) -> str:
    """'When: Jumat, 15 Januari 2027, 09.00 WIB'."""
    return t._("When: {day}, {time} WIB").format(
        day=t.date(training.starts_at), time=t.time(training.starts_at)
    )


def invite_text(t: Translator, training: TrainingSession, name: str) -> str:
    """The invitation an employee receives (HTML, user text escaped)."""
    _ = t._
    lines = [
        _("Hello {name}, you are invited to a training session.").format(name=esc(name)),
        "",
        "<b>" + esc(training.title) + "</b>",
    ]
    if training.topic:
        lines.append(_("Topic: {topic}").format(topic=esc(topic_label(t, training.topic))))
    lines += [
        _when(t, training),
        _("Where: {place}").format(place=esc(training.place)),
        _("Worth: {jp} JP").format(jp=t.number(training.jp)),
        "",
        _("Will you attend? Please answer with the buttons below."),
    ]
    return "\n".join(lines)


def cancelled_text(t: Translator, training: TrainingSession, name: str) -> str:
    """The notice an invitee receives when HR cancels a session (HTML, user text escaped)."""
    _ = t._
    return "\n".join(
        [
            _("Hello {name}, the training session below has been cancelled.").format(
                name=esc(name)
            ),
            "",
            "<b>" + esc(training.title) + "</b>",
            _when(t, training),
            "",
            _("You do not need to do anything. HR will invite you again if it is rescheduled."),
        ]
    )


def reminder_text(t: Translator, training: TrainingSession, name: str, which: str) -> str:
    """The reminder an invitee receives the day before ('day') or an hour before ('hour')."""
    _ = t._
    if which == "day":
        head = _("Hello {name}, a reminder: your training session is coming up soon.")
    else:
        head = _("Hello {name}, your training session starts in about an hour.")
    return "\n".join(
        [
            head.format(name=esc(name)),
            "",
            "<b>" + esc(training.title) + "</b>",
            _when(t, training),
            _("Where: {place}").format(place=esc(training.place)),
        ]
    )


def reco_text(t: Translator, name: str, period: Period, lines: list[RecoLine]) -> str:
    """The summary HR receives: unit, OPD, shares and suggested topic per line."""
    _ = t._
    listed = lines[:MAX_LISTED]

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello {name}. Looking at the results of {period}, these units may benefit from "
            "a training session:"
        ).format(name=esc(fields["name"]), period=semester_name(period, t))
        parts = [
            _(
                "• <b>{unit}</b> ({opd}): below expectations {below}, low achievement {low}. "
                "Suggested: {topic}"
            ).format(
                unit=esc(fields[f"unit{i}"]),
                opd=esc(fields[f"opd{i}"]),
                below=t.percent(below),
                low=t.percent(low),
                topic=esc(fields[f"topic{i}"]),
            )
            for i, (_unit, _opd, below, low, _topic) in enumerate(listed)
        ]
        if len(lines) > MAX_LISTED:
            parts.append(_("… and {count} more.").format(count=len(lines) - MAX_LISTED))
        tail = _("You can create a session and invite the staff from /pelatihan.")
        return head + "\n\n" + "\n".join(parts) + "\n\n" + tail

    fields = {"name": name}
    for i, (unit, opd, _below, _low, topic) in enumerate(listed):
        fields.update({f"unit{i}": unit, f"opd{i}": opd, f"topic{i}": topic})
    return fit_fields(render, fields).text


def rsvp_keyboard(t: Translator, invite_id: int) -> dict[str, Any]:
    """The Hadir / Tidak buttons of an invitation."""
    return outbox_queue.inline_keyboard(
        [
            [
                (t._("Attend"), f"pl:rsvp:{invite_id}:y"),
                (t._("Not attending"), f"pl:rsvp:{invite_id}:n"),
            ]
        ]
    )


def invitee_notice(
    i18n: I18n,
    employee: Employee,
    now: datetime,
    *,
    kind: str,
    dedupe_key: str,
    text: Callable[[Translator], str],
    keyboard: Callable[[Translator], dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """An outbox row for one invitee, in their language; None when the bot cannot reach them."""
    if employee.telegram_user_id is None or employee.blocked_at is not None:
        return None
    t = i18n.for_language(employee.language)
    return outbox_queue.outbox_row(
        dedupe_key=dedupe_key,
        kind=kind,
        chat_id=employee.telegram_user_id,
        text=text(t),
        now=now,
        employee_id=employee.id,
        priority=outbox_queue.PRIORITY_DIRECT,
        reply_markup=keyboard(t) if keyboard is not None else None,
    )
