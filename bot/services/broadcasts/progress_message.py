"""A broadcast's progress as its sender sees it: the counts, the time left, and the buttons.

The progress message is sent once when HR presses Kirim and then edited by the delivery job
(bot/delivery/broadcast_progress.py) until nothing is pending. Its text is built here, in the
sender's language, because it is read long after the chat step that started it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_, I18n, Translator
from bot.services.broadcasts.reports import Progress, finish_if_done, progress, still_sending
from models import Broadcast, Employee
from models.db import SessionFactory

L_STOP = N_("Stop")
L_REPORT = N_("Report")
Rows = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class ProgressScreen:
    """The progress text and its button rows (label, callback data)."""

    text: str
    rows: Rows


@dataclass(frozen=True)
class ProgressEdit:
    """One progress message to bring up to date."""

    broadcast_id: int
    chat_id: int
    message_id: int
    screen: ProgressScreen
    final: bool


def progress_screen(
    t: Translator, broadcast: Broadcast, p: Progress, *, final: bool, outbox_rate: float
) -> ProgressScreen:
    """Build the progress text (sent / failed / blocked / remaining, time left) and buttons."""
    _ = t._
    n = t.number
    if broadcast.status == "cancelled":
        head = _("<b>Broadcast #{id} stopped.</b>")
    elif final:
        head = _("<b>Broadcast #{id} finished.</b>")
    else:
        head = _("<b>Broadcast #{id} is being sent…</b>")
    lines = [
        head.format(id=broadcast.id),
        _("Sent: {sent} of {total}").format(sent=n(p.sent), total=n(p.total)),
        _("Failed: {failed} · Blocked the bot: {blocked}").format(
            failed=n(p.failed), blocked=n(p.blocked)
        ),
    ]
    if p.cancelled:
        lines.append(_("Not sent (stopped): {n}").format(n=n(p.cancelled)))
    rows: Rows = [[(_(L_REPORT), f"bc:rep:{broadcast.id}")]]
    if not final and broadcast.status == "sending":
        minutes = max(1, round(p.pending / outbox_rate / 60))
        lines.append(
            _("Remaining: {n} (about {minutes} min)").format(n=n(p.pending), minutes=n(minutes))
        )
        rows.insert(0, [(_(L_STOP), f"bc:stop:{broadcast.id}")])
    return ProgressScreen("\n".join(lines), rows)


async def start_screen(
    db: SessionFactory, t: Translator, broadcast_id: int, *, outbox_rate: float
) -> ProgressScreen | None:
    """The first progress screen of a broadcast just sent (None when it is gone)."""
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None:
            return None
        p = await progress(session, broadcast_id)
    return progress_screen(t, broadcast, p, final=p.done, outbox_rate=outbox_rate)


async def remember_message(
    db: SessionFactory, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    """Remember where the progress message is, so the job finds it even after a restart."""
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is not None:
            broadcast.progress_chat_id = chat_id
            broadcast.progress_message_id = message_id
            session.add(broadcast)
            await session.commit()


async def edit_for(
    db: SessionFactory, i18n: I18n, broadcast_id: int, *, final: bool, outbox_rate: float
) -> ProgressEdit | None:
    """The progress edit of one broadcast, in its sender's language (None without a message)."""
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None:
            return None
        return await _edit(session, i18n, broadcast, final=final, outbox_rate=outbox_rate)


async def due_edits(
    db: SessionFactory, i18n: I18n, now: datetime, *, outbox_rate: float
) -> list[ProgressEdit]:
    """Finish the broadcasts that are done; return the edit of every one still shown as sending."""
    edits: list[ProgressEdit] = []
    async with db() as session:
        for broadcast in await still_sending(session):
            done = await finish_if_done(session, broadcast, now)
            edit = await _edit(session, i18n, broadcast, final=done, outbox_rate=outbox_rate)
            if edit is not None:
                edits.append(edit)
    return edits


async def _edit(
    session: AsyncSession, i18n: I18n, broadcast: Broadcast, *, final: bool, outbox_rate: float
) -> ProgressEdit | None:
    if (
        broadcast.id is None
        or broadcast.progress_chat_id is None
        or broadcast.progress_message_id is None
    ):
        return None
    creator = await session.get(Employee, broadcast.created_by_id)
    t = i18n.for_language(creator.language if creator else None)
    p = await progress(session, broadcast.id)
    screen = progress_screen(t, broadcast, p, final=final, outbox_rate=outbox_rate)
    return ProgressEdit(
        broadcast.id, broadcast.progress_chat_id, broadcast.progress_message_id, screen, final
    )
