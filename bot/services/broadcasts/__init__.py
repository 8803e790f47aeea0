"""HR socialization broadcasts: audiences, outbox rows, progress, acknowledgement, reports.

A broadcast is written to the outbox (one row per recipient, two when a photo's caption is
too long) in the same transaction that creates it, so a crash loses no recipient: the
drainer continues after a restart and re-sends at most the messages that were in flight.
Every function here checks the speaker's scope itself; callback data is never trusted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.services import audit
from bot.services.access import KNOWN_ROLES, Speaker
from bot.text import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS, visible_length
from bot.text import plain_text as shown_text
from models import Broadcast, BroadcastAck, Employee, Opd, OutboxMessage, Unit

TEXT_LIMIT = MAX_MESSAGE_CHARS
CAPTION_LIMIT = MAX_CAPTION_CHARS
KIND_MAIN = "broadcast"  # the row that counts for progress (one per recipient)
KIND_PART2 = "broadcast_part2"  # the text after a photo whose caption was too long
AUDIENCE_KINDS = ("city", "opd", "unit", "role", "leaders", "nonack")
MEDIA_KINDS = ("", "photo", "document")


def plain_text(text_html: str) -> str:
    """Return the text without HTML tags, on one line (for labels)."""
    return " ".join(shown_text(text_html).split())


def can_broadcast(speaker: Speaker) -> bool:
    """True for HR officers and admins."""
    return speaker.is_hr


def city_wide(speaker: Speaker) -> bool:
    """True when the speaker may reach every OPD (admin or city-wide HR)."""
    return speaker.is_city_wide_hr


# --- audiences ---


@dataclass(frozen=True)
class Recipient:
    employee_id: int
    chat_id: int
    opd_id: int
    language: str | None


@dataclass
class AudiencePreview:
    """What the HR officer sees before sending: the exact count, by OPD when several."""

    total: int
    by_opd: list[tuple[str, int]] = field(default_factory=list)


def _int_list(value: Any) -> list[int]:
    """Return a list of non-negative ints from untrusted JSON, or [] when malformed."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, int) and not isinstance(v, bool) and v >= 0]


async def audience_allowed(
    session: AsyncSession, speaker: Speaker, audience: dict[str, Any]
) -> bool:
    """True when the speaker may send to this audience (scoped HR: their own OPD only)."""
    if not can_broadcast(speaker):
        return False
    kind = audience.get("kind")
    if kind not in AUDIENCE_KINDS:
        return False
    if kind == "city":
        return city_wide(speaker)
    if kind == "opd":
        ids = _int_list(audience.get("ids"))
        return bool(ids) and all(speaker.hr_covers(i) for i in ids)
    if kind == "unit":
        ids = _int_list(audience.get("ids"))
        if not ids:
            return False
        opds = (await session.exec(select(Unit.opd_id).where(col(Unit.id).in_(ids)))).all()
        return len(opds) == len(set(ids)) and all(speaker.hr_covers(o) for o in opds)
    if kind == "role":
        roles = audience.get("roles")
        return isinstance(roles, list) and bool(roles) and all(r in KNOWN_ROLES for r in roles)
    if kind == "nonack":
        source = audience.get("broadcast_id")
        if not isinstance(source, int):
            return False
        original = await session.get(Broadcast, source)
        return original is not None and await can_manage(session, speaker, original)
    return True  # leaders: restricted to the speaker's scope when resolved


async def resolve_recipients(
    session: AsyncSession, speaker: Speaker, audience: dict[str, Any]
) -> list[Recipient] | None:
    """Return linked, active, not-blocked recipients in the speaker's scope; None if refused."""
    if not await audience_allowed(session, speaker, audience):
        return None
    query = select(Employee).where(
        col(Employee.telegram_user_id).is_not(None),
        col(Employee.active).is_(True),
        col(Employee.blocked_at).is_(None),
    )
    if not city_wide(speaker):
        query = query.where(col(Employee.opd_id).in_(sorted(speaker.hr_opd_ids or ())))
    kind = audience["kind"]
    if kind == "opd":
        query = query.where(col(Employee.opd_id).in_(_int_list(audience["ids"])))
    elif kind == "unit":
        query = query.where(col(Employee.unit_id).in_(_int_list(audience["ids"])))
    elif kind == "leaders":
        subordinate = select(Employee.supervisor_id).where(
            col(Employee.active).is_(True), col(Employee.supervisor_id).is_not(None)
        )
        query = query.where(col(Employee.id).in_(subordinate))
    elif kind == "nonack":
        source = audience["broadcast_id"]
        received = select(OutboxMessage.employee_id).where(
            OutboxMessage.broadcast_id == source,
            OutboxMessage.kind == KIND_MAIN,
            OutboxMessage.status == "sent",
        )
        acked = select(BroadcastAck.employee_id).where(BroadcastAck.broadcast_id == source)
        query = query.where(col(Employee.id).in_(received), col(Employee.id).not_in(acked))
    employees = (await session.exec(query.order_by(col(Employee.id)))).all()
    if kind == "role":
        wanted = set(audience["roles"])
        employees = [e for e in employees if wanted & set(e.role_set)]
    return [
        Recipient(e.id, e.telegram_user_id, e.opd_id, e.language)  # type: ignore[arg-type]
        for e in employees
    ]


async def preview(
    session: AsyncSession, speaker: Speaker, audience: dict[str, Any]
) -> AudiencePreview | None:
    """Count the recipients exactly, with a per-OPD breakdown; None when not allowed."""
    recipients = await resolve_recipients(session, speaker, audience)
    if recipients is None:
        return None
    counts: dict[int, int] = {}
    for r in recipients:
        counts[r.opd_id] = counts.get(r.opd_id, 0) + 1
    names = await opd_names(session, list(counts))
    by_opd = sorted(((names.get(i, "?"), n) for i, n in counts.items()), key=lambda x: x[0])
    return AudiencePreview(len(recipients), by_opd)


async def opd_names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    """Return OPD names by id."""
    if not ids:
        return {}
    rows = (await session.exec(select(Opd).where(col(Opd.id).in_(ids)))).all()
    return {o.id: o.name for o in rows if o.id is not None}


async def opds_in_scope(session: AsyncSession, speaker: Speaker) -> list[Opd]:
    """The OPDs the speaker may address, by name."""
    query = select(Opd).order_by(col(Opd.name))
    if not city_wide(speaker):
        query = query.where(col(Opd.id).in_(sorted(speaker.hr_opd_ids or ())))
    return list((await session.exec(query)).all())


async def units_in_scope(session: AsyncSession, speaker: Speaker) -> list[tuple[int, str]]:
    """The units the speaker may address, as (id, "OPD code · unit name"), by OPD then name."""
    query = (
        select(Unit.id, Opd.code, Unit.name)
        .join(Opd, col(Opd.id) == col(Unit.opd_id))
        .order_by(col(Opd.code), col(Unit.name))
    )
    if not city_wide(speaker):
        query = query.where(col(Unit.opd_id).in_(sorted(speaker.hr_opd_ids or ())))
    return [
        (uid, f"{code} · {name}") for uid, code, name in (await session.exec(query)).all() if uid
    ]


# --- rendering ---


def render(
    text_html: str,
    media_kind: str,
    media_file_id: str,
    ack: tuple[str, str] | None,
) -> list[dict[str, Any]]:
    """Return the Bot API calls ({"method", "params"}) one recipient gets, in order.

    `ack` is (label, callback_data) of the acknowledgement button, on the last message. A
    caption over 1024 characters is sent as the media alone, then the text as a message.
    """
    markup = outbox_queue.inline_keyboard([[ack]]) if ack else None
    text_params: dict[str, Any] = {
        "text": text_html,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if not media_kind:
        return [{"method": "sendMessage", "params": _with(text_params, markup)}]
    method = "sendPhoto" if media_kind == "photo" else "sendDocument"
    media: dict[str, Any] = {media_kind: media_file_id}
    if not text_html:
        return [{"method": method, "params": _with(media, markup)}]
    if visible_length(text_html) <= CAPTION_LIMIT:
        caption = dict(media, caption=text_html, parse_mode="HTML")
        return [{"method": method, "params": _with(caption, markup)}]
    return [
        {"method": method, "params": media},
        {"method": "sendMessage", "params": _with(text_params, markup)},
    ]


def _with(params: dict[str, Any], markup: dict[str, Any] | None) -> dict[str, Any]:
    """Add reply_markup when there is one."""
    return dict(params, reply_markup=markup) if markup else dict(params)


def check_text(text_html: str, media_kind: str) -> int | None:
    """Return the visible length when the text is over Telegram's limit, else None."""
    length = visible_length(text_html)
    if length > TEXT_LIMIT or (not media_kind and length == 0):
        return length
    return None


# --- creating ---


@dataclass
class Draft:
    """A composed broadcast before it is sent (kept as JSON in user_data by the handler)."""

    audience: dict[str, Any]
    text_html: str
    media_kind: str = ""
    media_file_id: str = ""
    ask_ack: bool = True
    nonce: str = ""
    resend_of_id: int | None = None


@dataclass
class Created:
    broadcast: Broadcast | None
    recipients: int = 0
    duplicate: bool = False  # this draft was already sent (double press)
    refused: bool = False


AckLabel = Callable[[str | None], str]


async def create(
    session: AsyncSession,
    speaker: Speaker,
    draft: Draft,
    *,
    now: datetime,
    ack_label: AckLabel,
    progress_chat_id: int | None = None,
) -> Created:
    """Create the broadcast and all its outbox rows in one transaction, then commit.

    A second call with the same draft nonce returns the first broadcast (double press).
    """
    if not draft.media_kind and not draft.text_html.strip():
        return Created(None, refused=True)
    if draft.media_kind not in MEDIA_KINDS or check_text(draft.text_html, draft.media_kind):
        return Created(None, refused=True)
    recipients = await resolve_recipients(session, speaker, draft.audience)
    if recipients is None:
        return Created(None, refused=True)
    audience = dict(draft.audience, nonce=draft.nonce)
    if draft.nonce:
        existing = (
            await session.exec(
                select(Broadcast).where(
                    Broadcast.created_by_id == speaker.id,
                    col(Broadcast.audience).contains(json.dumps({"nonce": draft.nonce})[1:-1]),
                )
            )
        ).first()
        if existing is not None:
            return Created(existing, existing.recipients, duplicate=True)
    broadcast = Broadcast(
        created_by_id=speaker.id,
        text_html=draft.text_html,
        media_kind=draft.media_kind,
        media_file_id=draft.media_file_id,
        audience=json.dumps(audience, ensure_ascii=False),
        ask_ack=draft.ask_ack,
        status="sending",
        recipients=len(recipients),
        resend_of_id=draft.resend_of_id,
        progress_chat_id=progress_chat_id,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    assert broadcast.id is not None
    rows = outbox_rows(broadcast, recipients, now=now, ack_label=ack_label)
    await outbox_queue.enqueue_many(session, rows)
    if not recipients:
        broadcast.status = "sent"
        broadcast.sent_at = now
    audit.record(
        session,
        action="broadcast",
        at=now,
        actor_id=speaker.id,
        broadcast_id=broadcast.id,
        audience=draft.audience,
        recipients=len(recipients),
        resend_of=draft.resend_of_id,
    )
    await session.commit()
    return Created(broadcast, len(recipients))


def outbox_rows(
    broadcast: Broadcast, recipients: list[Recipient], *, now: datetime, ack_label: AckLabel
) -> list[dict[str, Any]]:
    """Return the outbox rows of a broadcast, per recipient in order (ids keep the order)."""
    rows: list[dict[str, Any]] = []
    labels: dict[str | None, str] = {}
    for r in recipients:
        ack = None
        if broadcast.ask_ack:
            if r.language not in labels:
                labels[r.language] = ack_label(r.language)
            ack = (labels[r.language], f"bc:ack:{broadcast.id}")
        calls = render(broadcast.text_html, broadcast.media_kind, broadcast.media_file_id, ack)
        for part, call in enumerate(calls, start=1):
            key = f"bc:{broadcast.id}:emp:{r.employee_id}"
            row = outbox_queue.outbox_row(
                dedupe_key=key if part == 1 else f"{key}:{part}",
                kind=KIND_MAIN if part == 1 else KIND_PART2,
                chat_id=r.chat_id,
                text="",
                now=now,
                employee_id=r.employee_id,
                priority=outbox_queue.PRIORITY_BROADCAST,
                broadcast_id=broadcast.id,
            )
            row["payload"] = json.dumps(call, ensure_ascii=False)
            rows.append(row)
    return rows


# --- managing ---


async def can_manage(session: AsyncSession, speaker: Speaker, broadcast: Broadcast) -> bool:
    """The creator, an admin/city-wide HR, or HR covering the creator's OPD."""
    if not can_broadcast(speaker):
        return False
    if broadcast.created_by_id == speaker.id or city_wide(speaker):
        return True
    creator = await session.get(Employee, broadcast.created_by_id)
    return creator is not None and speaker.hr_covers(creator.opd_id)


async def managed(session: AsyncSession, speaker: Speaker, broadcast_id: int) -> Broadcast | None:
    """Return the broadcast when the speaker may manage it, else None."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or not await can_manage(session, speaker, broadcast):
        return None
    return broadcast


@dataclass
class Progress:
    total: int
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0
    pending: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


async def progress(session: AsyncSession, broadcast_id: int) -> Progress:
    """Count the recipients' main rows by status."""
    query = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.kind == KIND_MAIN)
        .group_by(col(OutboxMessage.status))
    )
    result = Progress(total=0)
    for status, count in (await session.exec(query)).all():
        result.total += count
        if status in ("pending", "sending"):
            result.pending += count
        elif status in ("sent", "failed", "blocked", "cancelled"):
            setattr(result, status, getattr(result, status) + count)
    return result


async def sending(session: AsyncSession) -> list[Broadcast]:
    """Broadcasts still sending (the progress job finds them again after a restart)."""
    query = select(Broadcast).where(Broadcast.status == "sending").order_by(col(Broadcast.id))
    return list((await session.exec(query)).all())


async def finish_if_done(session: AsyncSession, broadcast: Broadcast, now: datetime) -> bool:
    """Mark a sending broadcast sent when nothing is pending; return True when it is over."""
    if broadcast.status != "sending":
        return True
    if not (await progress(session, broadcast.id or 0)).done:
        return False
    broadcast.status = "sent"
    broadcast.sent_at = now
    session.add(broadcast)
    await session.commit()
    return True


async def stop(
    session: AsyncSession, speaker: Speaker, broadcast_id: int, now: datetime
) -> tuple[Broadcast | None, int]:
    """Cancel the rows not yet sent; return (broadcast, rows cancelled); None when refused."""
    broadcast = await managed(session, speaker, broadcast_id)
    if broadcast is None:
        return None, 0
    if broadcast.status != "sending":
        return broadcast, 0
    result = await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.broadcast_id) == broadcast_id,
            col(OutboxMessage.status) == "pending",
        )
        .values(status="cancelled")
    )
    broadcast.status = "cancelled"
    broadcast.cancelled_at = now
    session.add(broadcast)
    audit.record(
        session, action="broadcast_stop", at=now, actor_id=speaker.id, broadcast_id=broadcast_id
    )
    await session.commit()
    return broadcast, int(result.rowcount or 0)


async def acknowledge(
    session: AsyncSession, employee_id: int, broadcast_id: int, now: datetime
) -> str:
    """Record "I have read it" once; return "ok", "already" or "refused" (not a recipient)."""
    received = (
        await session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.broadcast_id == broadcast_id,
                OutboxMessage.employee_id == employee_id,
                OutboxMessage.kind == KIND_MAIN,
                col(OutboxMessage.status).in_(("sent", "sending")),
            )
        )
    ).first()
    if received is None:
        return "refused"
    known = (
        await session.exec(
            select(BroadcastAck.id).where(
                BroadcastAck.broadcast_id == broadcast_id, BroadcastAck.employee_id == employee_id
            )
        )
    ).first()
    if known is not None:
        return "already"
    session.add(BroadcastAck(broadcast_id=broadcast_id, employee_id=employee_id, at=now))
    try:
        await session.commit()
    except IntegrityError:  # a double tap raced us; the unique constraint kept one
        await session.rollback()
        return "already"
    return "ok"


@dataclass
class OpdLine:
    name: str
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    pending: int = 0
    cancelled: int = 0
    acknowledged: int = 0


async def report(
    session: AsyncSession, speaker: Speaker, broadcast_id: int
) -> list[OpdLine] | None:
    """Counts by OPD of sent, blocked, failed, pending, cancelled and acknowledged."""
    broadcast = await managed(session, speaker, broadcast_id)
    if broadcast is None:
        return None
    rows = (
        await session.exec(
            select(Employee.opd_id, OutboxMessage.status, func.count())
            .select_from(OutboxMessage)
            .join(Employee, col(Employee.id) == col(OutboxMessage.employee_id))
            .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.kind == KIND_MAIN)
            .group_by(col(Employee.opd_id), col(OutboxMessage.status))
        )
    ).all()
    acks = (
        await session.exec(
            select(Employee.opd_id, func.count())
            .select_from(BroadcastAck)
            .join(Employee, col(Employee.id) == col(BroadcastAck.employee_id))
            .where(BroadcastAck.broadcast_id == broadcast_id)
            .group_by(col(Employee.opd_id))
        )
    ).all()
    names = await opd_names(session, list({r[0] for r in rows} | {a[0] for a in acks}))
    lines: dict[int, OpdLine] = {}
    for opd_id, status, count in rows:
        line = lines.setdefault(opd_id, OpdLine(names.get(opd_id, "?")))
        key = "pending" if status == "sending" else status
        if hasattr(line, key):
            setattr(line, key, getattr(line, key) + count)
    for opd_id, count in acks:
        lines.setdefault(opd_id, OpdLine(names.get(opd_id, "?"))).acknowledged += count
    return sorted(lines.values(), key=lambda line: line.name)


async def resend_to_non_ackers(
    session: AsyncSession,
    speaker: Speaker,
    broadcast_id: int,
    *,
    now: datetime,
    ack_label: AckLabel,
    progress_chat_id: int | None = None,
) -> Created:
    """Send broadcast X again, only to its recipients who have not acknowledged it."""
    original = await managed(session, speaker, broadcast_id)
    if original is None:
        return Created(None, refused=True)
    draft = Draft(
        audience={"kind": "nonack", "broadcast_id": broadcast_id},
        text_html=original.text_html,
        media_kind=original.media_kind,
        media_file_id=original.media_file_id,
        ask_ack=True,
        # One resend per original and officer per minute: a double press makes one broadcast.
        nonce=f"resend-{broadcast_id}-{now:%Y%m%d%H%M}",
        resend_of_id=broadcast_id,
    )
    return await create(
        session, speaker, draft, now=now, ack_label=ack_label, progress_chat_id=progress_chat_id
    )


async def history(session: AsyncSession, speaker: Speaker, limit: int = 10) -> list[Broadcast]:
    """The latest broadcasts the speaker may manage, newest first."""
    if not can_broadcast(speaker):
        return []
    query = select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit * 5)
    found: list[Broadcast] = []
    for broadcast in (await session.exec(query)).all():
        if await can_manage(session, speaker, broadcast):
            found.append(broadcast)
            if len(found) == limit:
                break
    return found


def audience_of(broadcast: Broadcast) -> dict[str, Any]:
    """Decode the stored audience JSON ({} when unreadable)."""
    try:
        value = json.loads(broadcast.audience)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
