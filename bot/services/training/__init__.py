"""Training: who may organise, session inputs, invitations, RSVP, attendance and JP hours.

HR (OPD HR for its own OPD, city-wide HR and admins everywhere) creates a session, possibly
from a recommendation of the planner (bot.services.training.planners), invites staff (the
recommended unit, or typed NIPs inside its scope) up to the capacity, and records attendance
after the start; attending earns the session's JP (jam pelajaran). Invitees answer Hadir /
Tidak on their own invitation only. No Telegram imports here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import N_, I18n, Translator
from bot.services import audit, workdays
from bot.services.access import Speaker
from bot.services.numbers import AmountError, parse_amount
from bot.text import esc
from models import (
    Employee,
    Opd,
    OutboxMessage,
    TrainingInvite,
    TrainingRecommendation,
    TrainingSession,
    Unit,
)

WIB = ZoneInfo("Asia/Jakarta")
KIND_INVITE = "training-invite"
MAX_TITLE = 200  # TrainingSession.title column
MAX_TOPIC = 200  # TrainingSession.topic column
MAX_PLACE = 500  # an address or a meeting link; longer is a paste mistake
MAX_CAPACITY = 500  # the largest hall in Balai Kota holds fewer
MAX_JP = Decimal(100)  # a JP is 45 minutes; 100 JP is already a multi-week course
MAX_NIPS = 200  # NIPs in one typed invitee list
RSVP_YES = "hadir"
RSVP_NO = "tidak"
PLANNED = "planned"
CANCELLED = "cancelled"

# Suggested topics, stored by key in TrainingRecommendation.topic and translated when shown.
TOPIC_BERAKHLAK = "berakhlak"
TOPIC_SKP = "skp"
TOPICS = {
    TOPIC_BERAKHLAK: N_("BerAKHLAK core values coaching"),
    TOPIC_SKP: N_("Target setting and performance planning (SKP) and time management"),
}

_DATE_TIME = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s+(\d{1,2})[:.](\d{2})$")


def topic_label(t: Translator, topic: str) -> str:
    """Translate a stored topic key; free text typed by HR is returned unchanged."""
    msgid = TOPICS.get(topic)
    return t._(msgid) if msgid else topic


# --- scope ------------------------------------------------------------------------------------


def covers_session(speaker: Speaker, training: TrainingSession) -> bool:
    """True when this HR officer may manage the session (city-wide sessions: city HR only)."""
    if not speaker.is_hr:
        return False
    if training.opd_id is None:
        return speaker.is_city_wide_hr
    return speaker.hr_covers(training.opd_id)


def organiser_opd(speaker: Speaker) -> int | None:
    """The OPD a new session belongs to: the officer's own OPD, None for city-wide HR."""
    if speaker.is_city_wide_hr:
        return None
    return speaker.employee.opd_id


@dataclass(frozen=True)
class RecommendationRow:
    """A recommendation with the names HR needs to read it."""

    reco: TrainingRecommendation
    unit_name: str
    opd_name: str


async def recommendations_for(session: AsyncSession, speaker: Speaker) -> list[RecommendationRow]:
    """Return the recommendations of the latest period in the speaker's scope, worst first."""
    if not speaker.is_hr:
        return []
    latest = (await session.exec(select(func.max(TrainingRecommendation.period)))).one()
    if latest is None:
        return []
    query = (
        select(TrainingRecommendation, Unit.name, Opd.name)
        .join(Unit, col(Unit.id) == TrainingRecommendation.unit_id)
        .join(Opd, col(Opd.id) == TrainingRecommendation.opd_id)
        .where(TrainingRecommendation.period == latest)
        .order_by(col(TrainingRecommendation.score).desc(), col(Unit.name))
    )
    rows = (await session.exec(query)).all()
    return [
        RecommendationRow(reco, unit_name, opd_name)
        for reco, unit_name, opd_name in rows
        if speaker.hr_covers(reco.opd_id)
    ]


async def recommendation_for(
    session: AsyncSession, speaker: Speaker, reco_id: int
) -> RecommendationRow | None:
    """Return one recommendation if it is in the speaker's scope (ids come from buttons)."""
    reco = await session.get(TrainingRecommendation, reco_id)
    if reco is None or not speaker.hr_covers(reco.opd_id):
        return None
    unit = await session.get(Unit, reco.unit_id)
    opd = await session.get(Opd, reco.opd_id)
    return RecommendationRow(reco, unit.name if unit else "", opd.name if opd else "")


# --- typed inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a typed value cannot be used: a msgid and the numbers it mentions."""

    reason: str
    limit: int = 0
    length: int = 0


def check_text(text: str, limit: int) -> Problem | None:
    """Refuse empty text and text over `limit` characters."""
    length = len(text.strip())
    if length == 0:
        return Problem(N_("Please type a few words."))
    if length > limit:
        return Problem(
            N_("That is {length} characters; the limit is {limit}. Please shorten it."),
            limit,
            length,
        )
    return None


@dataclass(frozen=True)
class StartParse:
    """A parsed start time, or the problem; `holiday` warns about a non-working day."""

    starts_at: datetime | None = None
    problem: Problem | None = None
    not_working_day: bool = False
    holiday: str = ""


def parse_start(raw: str, now: datetime, tz: ZoneInfo = WIB) -> StartParse:
    """Read 'dd-mm-yyyy hh:mm' (WIB) in the future; warn when it is not a working day."""
    match = _DATE_TIME.match(" ".join(raw.split()))
    if match is None:
        return StartParse(
            problem=Problem(
                N_(
                    "Please type the date and time as dd-mm-yyyy hh:mm, for example "
                    "15-01-2027 09:00."
                )
            )
        )
    day, month, year, hour, minute = (int(g) for g in match.groups())
    try:
        starts_at = datetime.combine(date(year, month, day), time(hour, minute), tzinfo=tz)
    except ValueError:
        return StartParse(
            problem=Problem(
                N_(
                    "That date or time does not exist. Please check the day, month and hour, "
                    "for example 15-01-2027 09:00."
                )
            )
        )
    if starts_at <= now:
        return StartParse(
            problem=Problem(N_("That moment has already passed. Please choose a future time."))
        )
    if starts_at - now > timedelta(days=366):
        return StartParse(
            problem=Problem(N_("Please choose a time within the next twelve months."))
        )
    local_day = starts_at.date()
    working = workdays.is_working_day(local_day)
    return StartParse(
        starts_at=starts_at,
        not_working_day=not working,
        holiday=(workdays.holiday_name(local_day) or "") if not working else "",
    )


def parse_capacity(raw: str) -> int | Problem:
    """Read a whole number of seats between 1 and MAX_CAPACITY."""
    try:
        value = parse_amount(raw)
    except AmountError as exc:
        return Problem(exc.reason)
    if value != value.to_integral_value() or value < 1 or value > MAX_CAPACITY:
        return Problem(
            N_("Please type a whole number of seats from 1 to {limit}."), limit=MAX_CAPACITY
        )
    return int(value)


def parse_jp(raw: str) -> Decimal | Problem:
    """Read the JP (jam pelajaran) the session is worth: more than 0, at most MAX_JP."""
    try:
        value = parse_amount(raw)
    except AmountError as exc:
        return Problem(exc.reason)
    if value <= 0 or value > MAX_JP or value != value.quantize(Decimal("0.01")):
        msgid = N_("Please type the JP as a number above 0 and at most {limit}.")
        return Problem(msgid, int(MAX_JP))
    return value


@dataclass
class Invitees:
    """Who a typed NIP list names: found in scope, unknown and outside the officer's scope."""

    found: list[Employee] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


async def invitees_from_nips(session: AsyncSession, speaker: Speaker, raw: str) -> Invitees:
    """Resolve typed NIPs (any separators) to active employees the officer covers."""
    nips = list(dict.fromkeys(re.findall(r"\d+", raw)))[:MAX_NIPS]
    result = Invitees()
    if not nips:
        return result
    query = select(Employee).where(col(Employee.nip).in_(nips), col(Employee.active).is_(True))
    by_nip = {e.nip: e for e in (await session.exec(query)).all()}
    for nip in nips:
        employee = by_nip.get(nip)
        if employee is None:
            result.unknown.append(nip)
        elif not speaker.hr_covers(employee.opd_id):
            result.outside.append(nip)
        else:
            result.found.append(employee)
    return result


async def unit_staff(session: AsyncSession, unit_id: int) -> list[Employee]:
    """Active employees of a unit, by name."""
    query = (
        select(Employee)
        .where(Employee.unit_id == unit_id, col(Employee.active).is_(True))
        .order_by(col(Employee.name), col(Employee.id))
    )
    return list((await session.exec(query)).all())


# --- creating a session and inviting ----------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """Everything a session needs, as checked by the handler's steps."""

    title: str
    topic: str
    starts_at: datetime
    place: str
    capacity: int
    jp: Decimal
    recommendation_id: int | None
    employee_ids: list[int]
    request_key: str = ""  # the draft's nonce: saving the same draft twice saves one session


@dataclass(frozen=True)
class Created:
    """The saved session, how many were invited and how many did not fit."""

    training: TrainingSession
    invited: int
    left_out: int


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
        _("When: {day}, {time} WIB").format(
            day=t.date(training.starts_at), time=t.time(training.starts_at)
        ),
        _("Where: {place}").format(place=esc(training.place)),
        _("Worth: {jp} JP").format(jp=t.number(training.jp)),
        "",
        _("Will you attend? Please answer with the buttons below."),
    ]
    return "\n".join(lines)


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


async def create_session(
    session: AsyncSession, speaker: Speaker, i18n: I18n, draft: Draft, now: datetime
) -> Created | None:
    """Save the session, invite up to capacity (in scope only) and queue the invitations.

    The same draft saved again (its Save handled twice, e.g. after a failover) returns the
    session saved the first time and invites nobody a second time.
    """
    if not speaker.is_hr:
        return None
    if draft.request_key:
        saved = await session_of_draft(session, speaker.id, draft.request_key)
        if saved is not None:
            return saved
    if draft.recommendation_id is not None:
        reco = await session.get(TrainingRecommendation, draft.recommendation_id)
        if reco is None or not speaker.hr_covers(reco.opd_id):
            return None
        opd_id: int | None = reco.opd_id
    else:
        opd_id = organiser_opd(speaker)
    training = TrainingSession(
        title=draft.title.strip(),
        topic=draft.topic.strip(),
        starts_at=draft.starts_at.astimezone(UTC),
        place=draft.place.strip(),
        capacity=draft.capacity,
        jp=draft.jp,
        opd_id=opd_id,
        recommendation_id=draft.recommendation_id,
        created_by_id=speaker.id,
        created_at=now,
        request_key=draft.request_key or None,
    )
    session.add(training)
    await session.flush()
    assert training.id is not None
    wanted = list(dict.fromkeys(draft.employee_ids))
    people = (
        (await session.exec(select(Employee).where(col(Employee.id).in_(wanted)))).all()
        if wanted
        else []
    )
    by_id = {e.id: e for e in people if e.active and speaker.hr_covers(e.opd_id)}
    chosen = [by_id[i] for i in wanted if i in by_id]
    invited = chosen[: draft.capacity]
    invites = [TrainingInvite(session_id=training.id, employee_id=e.id or 0) for e in invited]
    session.add_all(invites)
    await session.flush()
    rows = [
        invitee_notice(
            i18n,
            employee,
            now,
            kind=KIND_INVITE,
            dedupe_key=f"training-invite:{training.id}:{invite.id}",
            text=partial(invite_text, training=training, name=employee.name),
            keyboard=partial(rsvp_keyboard, invite_id=invite.id or 0),
        )
        for invite, employee in zip(invites, invited, strict=True)
    ]
    await outbox_queue.enqueue_many(session, [row for row in rows if row is not None])
    audit.record(
        session,
        action="training.create",
        at=now,
        actor_id=speaker.id,
        training_id=training.id,
        invited=len(invited),
        left_out=len(chosen) - len(invited),
    )
    return Created(training, len(invited), len(chosen) - len(invited))


async def session_of_draft(
    session: AsyncSession, organiser_id: int, request_key: str
) -> Created | None:
    """The session this organiser already saved from this draft, with its invitations."""
    training = (
        await session.exec(
            select(TrainingSession).where(
                TrainingSession.created_by_id == organiser_id,
                TrainingSession.request_key == request_key,
            )
        )
    ).first()
    if training is None:
        return None
    invited = await session.exec(
        select(func.count()).where(TrainingInvite.session_id == training.id)
    )
    return Created(training, int(invited.one()), 0)


# --- RSVP, attendance, JP ---------------------------------------------------------------------

RSVP_OK = "ok"
RSVP_NOT_YOURS = "not_yours"
RSVP_CLOSED = "closed"


async def answer_invite(
    session: AsyncSession, employee_id: int, invite_id: int, attend: bool, now: datetime
) -> tuple[str, TrainingSession | None]:
    """Record the invitee's answer; refuse other people's invitations and past sessions."""
    invite = await session.get(TrainingInvite, invite_id)
    if invite is None or invite.employee_id != employee_id:
        return RSVP_NOT_YOURS, None
    training = await session.get(TrainingSession, invite.session_id)
    if training is None or training.status == CANCELLED or training.starts_at <= now:
        return RSVP_CLOSED, training
    invite.rsvp = RSVP_YES if attend else RSVP_NO
    invite.rsvp_at = now
    session.add(invite)
    return RSVP_OK, training


@dataclass(frozen=True)
class InviteRow:
    """One invitee of a session, for HR."""

    invite: TrainingInvite
    employee: Employee


async def session_for_hr(
    session: AsyncSession, speaker: Speaker, session_id: int
) -> tuple[TrainingSession, list[InviteRow]] | None:
    """Return a session in the officer's scope with its invitees, or None."""
    training = await session.get(TrainingSession, session_id)
    if training is None or not covers_session(speaker, training):
        return None
    query = (
        select(TrainingInvite, Employee)
        .join(Employee, col(Employee.id) == TrainingInvite.employee_id)
        .where(TrainingInvite.session_id == session_id)
        .order_by(col(Employee.name), col(Employee.id))
    )
    rows = [InviteRow(i, e) for i, e in (await session.exec(query)).all()]
    return training, rows


async def sessions_for_hr(session: AsyncSession, speaker: Speaker) -> list[TrainingSession]:
    """The officer's sessions (in scope), newest start first, at most 20."""
    if not speaker.is_hr:
        return []
    query = select(TrainingSession).order_by(col(TrainingSession.starts_at).desc()).limit(200)
    found = [s for s in (await session.exec(query)).all() if covers_session(speaker, s)]
    return found[:20]


CANCEL_OK = "ok"
CANCEL_REFUSED = "refused"
CANCEL_TOO_LATE = "too_late"
KIND_CANCELLED = "training-cancelled"


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
            _("When: {day}, {time} WIB").format(
                day=t.date(training.starts_at), time=t.time(training.starts_at)
            ),
            "",
            _("You do not need to do anything. HR will invite you again if it is rescheduled."),
        ]
    )


async def cancel_session(
    session: AsyncSession, speaker: Speaker, i18n: I18n, session_id: int, now: datetime
) -> tuple[str, TrainingSession | None, int]:
    """Cancel a planned session before it starts; tell invitees who had not declined.

    Returns (CANCEL_*, the session, how many were told). Invitations still waiting in the
    outbox are withdrawn, and the reminder planner skips cancelled sessions.
    """
    training = await session.get(TrainingSession, session_id)
    if training is None or not covers_session(speaker, training):
        return CANCEL_REFUSED, None, 0
    if training.status != PLANNED or training.starts_at <= now:
        return CANCEL_TOO_LATE, training, 0
    training.status = CANCELLED
    session.add(training)
    # Invitations not sent yet are withdrawn; the prefix ends in ":" so session 1 is not 12.
    await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.dedupe_key).startswith(f"training-invite:{training.id}:"),
            col(OutboxMessage.status) == "pending",
        )
        .values(status="cancelled", last_error="training cancelled")
    )
    query = (
        select(TrainingInvite, Employee)
        .join(Employee, col(Employee.id) == TrainingInvite.employee_id)
        .where(TrainingInvite.session_id == session_id, TrainingInvite.rsvp != RSVP_NO)
    )
    found = [
        invitee_notice(
            i18n,
            employee,
            now,
            kind=KIND_CANCELLED,
            dedupe_key=f"training-cancelled:{training.id}:{invite.id}",
            text=partial(cancelled_text, training=training, name=employee.name),
        )
        for invite, employee in (await session.exec(query)).all()
    ]
    rows = [row for row in found if row is not None]
    await outbox_queue.enqueue_many(session, rows)
    audit.record(
        session, action="training.cancel", at=now, actor_id=speaker.id, training_id=training.id
    )
    return CANCEL_OK, training, len(rows)


ATTEND_OK = "ok"
ATTEND_REFUSED = "refused"
ATTEND_TOO_EARLY = "too_early"


async def mark_attendance(
    session: AsyncSession, speaker: Speaker, invite_id: int, attended: bool, now: datetime
) -> tuple[str, TrainingInvite | None]:
    """Record attendance after the start; attending earns the session's JP."""
    invite = await session.get(TrainingInvite, invite_id)
    if invite is None:
        return ATTEND_REFUSED, None
    training = await session.get(TrainingSession, invite.session_id)
    if training is None or not covers_session(speaker, training):
        return ATTEND_REFUSED, None
    if training.starts_at > now:
        return ATTEND_TOO_EARLY, invite
    invite.attended = attended
    invite.jp_awarded = training.jp if attended else Decimal(0)
    session.add(invite)
    if training.status == PLANNED:
        training.status = "done"
        session.add(training)
    return ATTEND_OK, invite


def year_bounds(year: int, tz: ZoneInfo = WIB) -> tuple[datetime, datetime]:
    """The first instant of a WIB year and of the next one."""
    return (
        datetime(year, 1, 1, tzinfo=tz).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=tz).astimezone(UTC),
    )


async def jp_total(session: AsyncSession, employee_id: int, year: int) -> Decimal:
    """JP earned by attending sessions that started in this WIB year."""
    start, end = year_bounds(year)
    query = (
        select(func.coalesce(func.sum(TrainingInvite.jp_awarded), 0))
        .join(TrainingSession, col(TrainingSession.id) == TrainingInvite.session_id)
        .where(
            TrainingInvite.employee_id == employee_id,
            col(TrainingInvite.attended).is_(True),
            TrainingSession.starts_at >= start,
            TrainingSession.starts_at < end,
        )
    )
    return Decimal(str((await session.exec(query)).one()))


async def invitations_of(
    session: AsyncSession, employee_id: int, now: datetime
) -> list[tuple[TrainingInvite, TrainingSession]]:
    """The employee's invitations: upcoming first (soonest first), then the last 5 past."""
    query = (
        select(TrainingInvite, TrainingSession)
        .join(TrainingSession, col(TrainingSession.id) == TrainingInvite.session_id)
        .where(TrainingInvite.employee_id == employee_id)
        .order_by(col(TrainingSession.starts_at))
    )
    rows = [(i, s) for i, s in (await session.exec(query)).all()]
    upcoming = [r for r in rows if r[1].starts_at > now and r[1].status != CANCELLED]
    past = [r for r in rows if r[1].starts_at <= now][-5:]
    return upcoming + list(reversed(past))


async def my_training(
    session: AsyncSession, employee_id: int, now: datetime, year: int
) -> tuple[list[tuple[TrainingInvite, TrainingSession]], Decimal]:
    """An employee's invitations and the JP they earned this WIB year."""
    return await invitations_of(session, employee_id, now), await jp_total(
        session, employee_id, year
    )


# --- JP per OPD and unit, for HR ----------------------------------------------------------------


@dataclass(frozen=True)
class JpGroup:
    """JP of one OPD or unit in a WIB year: staff, staff with JP, total and average."""

    id: int  # OPD or unit id; 0 for staff without a unit
    name: str
    staff: int
    trained: int
    total: Decimal

    @property
    def average(self) -> Decimal:
        """JP per staff member, to 0.01."""
        if not self.staff:
            return Decimal(0)
        return (self.total / self.staff).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def jp_summary(groups: list[JpGroup], name: str = "") -> JpGroup:
    """The figures of several groups together."""
    return JpGroup(
        id=0,
        name=name,
        staff=sum(g.staff for g in groups),
        trained=sum(g.trained for g in groups),
        total=sum((g.total for g in groups), Decimal(0)),
    )


def jp_scope(speaker: Speaker) -> frozenset[int] | None:
    """The OPD ids whose JP an HR officer may see: None for city-wide HR and admins."""
    if speaker.is_city_wide_hr:
        return None
    return speaker.hr_opd_ids


def _jp_per_employee(year: int) -> Any:
    """A subquery: (employee_id, jp) of everyone who earned JP in sessions of this WIB year."""
    start, end = year_bounds(year)
    jp = func.sum(TrainingInvite.jp_awarded)
    return (
        select(col(TrainingInvite.employee_id).label("employee_id"), jp.label("jp"))
        .join(TrainingSession, col(TrainingSession.id) == TrainingInvite.session_id)
        .where(
            col(TrainingInvite.attended).is_(True),
            TrainingSession.starts_at >= start,
            TrainingSession.starts_at < end,
        )
        .group_by(col(TrainingInvite.employee_id))
        .having(jp > 0)
        .subquery("earned")
    )


def _jp_groups(rows: Any) -> list[JpGroup]:
    """Rows (id, name, staff, trained, total) as groups, largest total first."""
    groups = [
        JpGroup(
            id=group_id or 0,
            name=name or "",
            staff=int(staff or 0),
            trained=int(trained or 0),
            total=Decimal(str(total or 0)).quantize(Decimal("0.01")),
        )
        for group_id, name, staff, trained, total in rows
    ]
    return sorted(groups, key=lambda g: (-g.total, -g.staff, g.name.casefold(), g.id))


async def jp_by_opd(session: AsyncSession, speaker: Speaker, year: int) -> list[JpGroup]:
    """JP of active staff per OPD in the officer's scope (one grouped query), largest first."""
    if not speaker.is_hr:
        return []
    earned = _jp_per_employee(year)
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            col(Opd.id),
            col(Opd.name),
            func.count(col(Employee.id)),
            func.count(earned.c.employee_id),
            func.coalesce(func.sum(earned.c.jp), 0),
        )
        .select_from(Opd)
        .outerjoin(Employee, (col(Employee.opd_id) == Opd.id) & col(Employee.active).is_(True))
        .outerjoin(earned, earned.c.employee_id == Employee.id)
        .group_by(col(Opd.id), col(Opd.name))
    )
    scope = jp_scope(speaker)
    if scope is not None:
        query = query.where(col(Opd.id).in_(sorted(scope)))
    return _jp_groups((await session.exec(query)).all())


async def jp_by_unit(
    session: AsyncSession, speaker: Speaker, opd_id: int, year: int
) -> tuple[Opd, list[JpGroup]] | None:
    """The OPD and the JP of its active staff per unit, or None outside the officer's scope."""
    opd = await session.get(Opd, opd_id) if speaker.is_hr and speaker.hr_covers(opd_id) else None
    if opd is None:
        return None
    earned = _jp_per_employee(year)
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            col(Employee.unit_id),
            col(Unit.name),
            func.count(col(Employee.id)),
            func.count(earned.c.employee_id),
            func.coalesce(func.sum(earned.c.jp), 0),
        )
        .select_from(Employee)
        .outerjoin(Unit, col(Unit.id) == Employee.unit_id)
        .outerjoin(earned, earned.c.employee_id == Employee.id)
        .where(col(Employee.opd_id) == opd_id, col(Employee.active).is_(True))
        .group_by(col(Employee.unit_id), col(Unit.name))
    )
    return opd, _jp_groups((await session.exec(query)).all())
