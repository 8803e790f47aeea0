"""Training planners: recommendations after a semester, reminders before a session.

plan_trainings runs for the latest semester whose evaluation window has closed. A unit is
recommended when it has at least MIN_UNIT_SIZE active staff and its score, the larger of
(a) the share of evaluated staff rated *di bawah ekspektasi* on hasil or perilaku kerja and
(b) the share of staff with quantitative targets whose capped mean achievement is under
LOW_ACHIEVEMENT, reaches THRESHOLD. Mostly perilaku below suggests BerAKHLAK coaching;
otherwise target setting (SKP) and time management. Rows are inserted once per (period, unit);
each HR officer gets one summary per period (dedupe ``training-reco:{period}:{hr_id}``).

plan_training_reminders reminds invitees who said hadir (or have not answered) the day
before (from 09:00 WIB, or at once when the session was planned later than that) and one
hour before the start; never after the start, never for a cancelled session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import col, select

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import I18n
from bot.services.access import ROLE_HR, hr_scope_of
from bot.services.evaluation.window import evaluation_window
from bot.services.periods import Period, period_of
from bot.services.stats import capped_means, mean_below
from bot.services.training.notices import (
    invitee_notice,
    reco_text,
    reminder_text,
    rsvp_keyboard,
)
from bot.services.training.recommendations import TOPIC_BERAKHLAK, TOPIC_SKP, topic_label
from bot.services.training.sessions import CANCELLED, RSVP_NO
from models import (
    Employee,
    Evaluation,
    Opd,
    TrainingInvite,
    TrainingRecommendation,
    TrainingSession,
    Unit,
)
from models.db import SessionFactory

# A unit of one or two people is a person, not a pattern; recommending training for it would
# single them out.
MIN_UNIT_SIZE = 3
# A third of a unit struggling is a pattern worth a session; below that, coaching by the
# leader is the better tool.
THRESHOLD = 0.3
# Capped mean achievement under 60 % at the end of the semester counts as low.
LOW_ACHIEVEMENT = 0.6
# HR hears about a period's recommendations only this long after the window closes: an
# officer linking months later finds them in /pelatihan instead of as stale news.
NOTIFY_DAYS = 60
BELOW = "di_bawah"
KIND_RECO = "training-reco"
KIND_REMINDER = "training-reminder"
RECO_BUTTON = "pl:reco"
REMIND_DAY_AT = time(9, 0)
REMIND_HOUR_BEFORE = timedelta(hours=1)


def closed_period(as_of: datetime, settings: Settings) -> Period:
    """The latest semester whose evaluation window closed at or before as_of."""
    period = period_of(as_of.astimezone(settings.tz).date())
    while evaluation_window(period, settings)[1] > as_of:
        period = period.previous()
    return period


@dataclass
class UnitScore:
    """How one unit did in a semester."""

    unit_id: int
    opd_id: int
    staff: int = 0
    evaluated: int = 0
    hasil_below: int = 0
    perilaku_below: int = 0
    any_below: int = 0
    measured: int = 0
    low: int = 0
    hasil_or_low: int = 0

    @property
    def below_share(self) -> float:
        return self.any_below / self.evaluated if self.evaluated else 0.0

    @property
    def low_share(self) -> float:
        return self.low / self.measured if self.measured else 0.0

    @property
    def score(self) -> float:
        return max(self.below_share, self.low_share)

    @property
    def topic(self) -> str:
        return TOPIC_BERAKHLAK if self.perilaku_below > self.hasil_or_low else TOPIC_SKP


async def score_units(session: Any, period: Period) -> list[UnitScore]:
    """Score every unit in one grouped query (staff, evaluations, achievement per unit).

    The database does the counting: a city has ~100,000 staff, a quarter of a million targets
    and over a million reports; only one row per unit comes back.
    """
    means = capped_means(None, period)
    hasil_below = col(Evaluation.hasil_kerja) == BELOW
    perilaku_below = col(Evaluation.perilaku_kerja) == BELOW
    low = mean_below(means.c.mean, LOW_ACHIEVEMENT)

    def count_where(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            Employee.unit_id,
            func.min(Employee.opd_id),
            func.count(),
            func.count(col(Evaluation.id)),
            count_where(hasil_below),
            count_where(perilaku_below),
            count_where(or_(hasil_below, perilaku_below)),
            func.count(means.c.mean),
            count_where(low),
            count_where(or_(hasil_below, low)),
        )
        .outerjoin(
            Evaluation,
            and_(
                col(Evaluation.employee_id) == Employee.id, col(Evaluation.period) == period.code
            ),
        )
        .outerjoin(means, means.c.employee_id == Employee.id)
        .where(col(Employee.active).is_(True), col(Employee.unit_id).is_not(None))
        .group_by(col(Employee.unit_id))
    )
    return [
        UnitScore(*(int(value or 0) for value in row)) for row in (await session.exec(query)).all()
    ]


def recommended(scores: list[UnitScore]) -> list[UnitScore]:
    """Units big enough and over the threshold, worst first."""
    picked = [s for s in scores if s.staff >= MIN_UNIT_SIZE and s.score >= THRESHOLD]
    return sorted(picked, key=lambda s: (-s.score, s.unit_id))


async def plan_trainings(
    sessions: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
) -> int:
    """Store the recommendations of the last closed semester and tell HR once; rows added."""
    if as_of.tzinfo is None:
        raise ValueError("plan_trainings needs an aware as_of")
    period = closed_period(as_of, settings)
    _, due_at = evaluation_window(period, settings)
    now = as_of.astimezone(UTC)
    added = 0
    async with sessions() as session:
        existing = set(
            (
                await session.exec(
                    select(TrainingRecommendation.unit_id).where(
                        TrainingRecommendation.period == period.code
                    )
                )
            ).all()
        )
        for score in recommended(await score_units(session, period)):
            if score.unit_id in existing:
                continue
            session.add(
                TrainingRecommendation(
                    period=period.code,
                    opd_id=score.opd_id,
                    unit_id=score.unit_id,
                    staff=score.staff,
                    below_share=round(score.below_share, 4),
                    low_achievement_share=round(score.low_share, 4),
                    score=round(score.score, 4),
                    topic=score.topic,
                    created_at=now,
                )
            )
            added += 1
        await session.flush()
        if as_of - due_at <= timedelta(days=NOTIFY_DAYS):
            added += await _notify_hr(session, i18n, period, now)
        await session.commit()
    return added


async def _notify_hr(session: Any, i18n: I18n, period: Period, now: datetime) -> int:
    """Queue one summary per linked HR officer whose scope has recommendations."""
    query = (
        select(TrainingRecommendation, Unit.name, Opd.name)
        .join(Unit, col(Unit.id) == TrainingRecommendation.unit_id)
        .join(Opd, col(Opd.id) == TrainingRecommendation.opd_id)
        .where(TrainingRecommendation.period == period.code)
        .order_by(col(TrainingRecommendation.score).desc(), col(Unit.name))
    )
    recos = (await session.exec(query)).all()
    if not recos:
        return 0
    officers = (
        await session.exec(
            select(Employee).where(
                col(Employee.roles).contains(ROLE_HR),
                col(Employee.telegram_user_id).is_not(None),
                col(Employee.active).is_(True),
                col(Employee.blocked_at).is_(None),
            )
        )
    ).all()
    rows = []
    for officer in officers:
        if ROLE_HR not in officer.role_set or officer.telegram_user_id is None:
            continue
        scope = await hr_scope_of(session, officer)
        mine = [r for r in recos if scope is None or r[0].opd_id in scope]
        if not mine:
            continue
        t = i18n.for_language(officer.language)
        lines = [
            (unit, opd, r.below_share, r.low_achievement_share, topic_label(t, r.topic))
            for r, unit, opd in mine
        ]
        rows.append(
            outbox_queue.outbox_row(
                dedupe_key=f"training-reco:{period.code}:{officer.id}",
                kind=KIND_RECO,
                chat_id=officer.telegram_user_id,
                text=reco_text(t, officer.name, period, lines),
                now=now,
                employee_id=officer.id,
                priority=outbox_queue.PRIORITY_DIRECT,
                reply_markup=outbox_queue.inline_keyboard(
                    [[(t._("View in /pelatihan"), RECO_BUTTON)]]
                ),
                working_hours_only=True,
            )
        )
    return await outbox_queue.enqueue_many(session, rows)


# --- reminders ---------------------------------------------------------------------------------


def reminder_due(starts_at: datetime, as_of: datetime, tz: Any) -> str | None:
    """Which reminder is due at as_of: 'day', 'hour' or None (never after the start)."""
    if as_of >= starts_at:
        return None
    hour_at = starts_at - REMIND_HOUR_BEFORE
    if as_of >= hour_at:
        return "hour"
    local_start = starts_at.astimezone(tz)
    day_at = datetime.combine(local_start.date() - timedelta(days=1), REMIND_DAY_AT, tzinfo=tz)
    return "day" if as_of >= day_at else None


async def plan_training_reminders(
    sessions: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
) -> int:
    """Queue the day-before and hour-before reminders that are due; return rows added."""
    if as_of.tzinfo is None:
        raise ValueError("plan_training_reminders needs an aware as_of")
    now = as_of.astimezone(UTC)
    async with sessions() as session:
        query = (
            select(TrainingSession, TrainingInvite, Employee)
            .join(TrainingInvite, col(TrainingInvite.session_id) == TrainingSession.id)
            .join(Employee, col(Employee.id) == TrainingInvite.employee_id)
            .where(
                TrainingSession.status != CANCELLED,
                TrainingSession.starts_at > now,
                TrainingSession.starts_at <= now + timedelta(days=2),
                TrainingInvite.rsvp != RSVP_NO,
                col(Employee.active).is_(True),
                col(Employee.telegram_user_id).is_not(None),
                col(Employee.blocked_at).is_(None),
            )
        )
        rows = []
        for training, invite, employee in (await session.exec(query)).all():
            which = reminder_due(training.starts_at, as_of, settings.tz)
            if which is None or invite.id is None:
                continue
            row = invitee_notice(
                i18n,
                employee,
                now,
                kind=KIND_REMINDER,
                dedupe_key=f"training-rem:{training.id}:{invite.id}:{which}",
                text=partial(reminder_text, training=training, name=employee.name, which=which),
                # Only someone who has not answered yet gets the Hadir / Tidak buttons again.
                keyboard=partial(rsvp_keyboard, invite_id=invite.id) if not invite.rsvp else None,
            )
            if row is not None:
                rows.append(row)
        added = await outbox_queue.enqueue_many(session, rows)
        await session.commit()
    return added
