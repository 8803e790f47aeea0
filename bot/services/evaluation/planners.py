"""Semester evaluation planners: prompts when the window opens, follow-ups and escalations.

The window of a semester opens ``settings.evaluation_opens_days`` before its last day (at the
start of that day, WIB) and is due ``settings.evaluation_due_days`` after the semester ends
(Semester II 2026: 17 Dec 2026 00:00 to 15 Jan 2027 00:00, i.e. through 14 January). Who
waits for whom is read by workload; the messages are written by planner_notices.

Both planners are pure, idempotent functions of (database, as_of). They read the whole city
with a handful of set-based queries and insert their rows in bulk; dedupe keys make reruns,
a second replica or a restart add nothing:

- ``eval-open:{period}:{evaluator}``: one prompt per evaluator, listing who is waiting;
- ``eval-follow:{period}:{evaluator}:{day}``: a friendly follow-up every
  ``evaluation_followup_workdays`` working days after the opening, until done or due;
- ``eval-esc:{period}:sup:{id}:{day}`` and ``eval-esc:{period}:hr:{id}:{day}``: after the due
  date, one summary per working day to the evaluators' own supervisors and to HR.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services import workdays
from bot.services.evaluation.planner_notices import (
    followup_text,
    hr_text,
    prompt_text,
    start_keyboard,
    supervisor_text,
)
from bot.services.evaluation.window import evaluation_window
from bot.services.evaluation.workload import Person, hr_recipients, load_workload
from bot.services.periods import Period, period_of
from models import OutboxMessage
from models.db import SessionFactory

KIND_OPEN = "eval-open"
KIND_FOLLOW = "eval-follow"
KIND_ESC_SUPERVISOR = "eval-esc-sup"
KIND_ESC_HR = "eval-esc-hr"
# Late evaluations are accepted this many days after the due date (window.LATE_GRACE_DAYS);
# escalating after that would ask for something the bot no longer takes.
ESCALATE_DAYS = 60


# --- the window ----------------------------------------------------------------------------


def last_day(due_at: datetime, settings: Settings) -> date:
    """The last day evaluations are due on (the day before due_at, WIB)."""
    return (due_at.astimezone(settings.tz) - timedelta(microseconds=1)).date()


def _candidates(as_of: datetime, settings: Settings) -> list[Period]:
    """Semesters whose windows may matter at as_of, oldest first."""
    current = period_of(as_of.astimezone(settings.tz).date())
    return [current.previous().previous(), current.previous(), current, current.next()]


def open_period(as_of: datetime, settings: Settings) -> Period | None:
    """Return the semester whose evaluation window contains as_of, or None between windows."""
    for period in _candidates(as_of, settings):
        opens_at, due_at = evaluation_window(period, settings)
        if opens_at <= as_of < due_at:
            return period
    return None


def escalation_period(as_of: datetime, settings: Settings) -> Period | None:
    """Return the semester whose evaluations are overdue at as_of, or None.

    Escalations for a semester run from its due date for ESCALATE_DAYS (while late
    evaluations are still accepted) and stop earlier when the next semester's window opens.
    (plan_escalations also requires that the semester's prompts went out, so a freshly
    installed bot never escalates an old semester.)
    """
    for period in reversed(_candidates(as_of, settings)):
        _, due_at = evaluation_window(period, settings)
        next_opens, _ = evaluation_window(period.next(), settings)
        if due_at <= as_of < min(next_opens, due_at + timedelta(days=ESCALATE_DAYS)):
            return period
    return None


def followup_day(period: Period, today: date, settings: Settings) -> date | None:
    """Return the latest follow-up day on or before today, or None before the first one.

    Follow-ups fall every evaluation_followup_workdays working days after the opening day
    (weekends, holidays and cuti bersama do not count) and stop after the last due day.
    """
    opens_at, due_at = evaluation_window(period, settings)
    final = last_day(due_at, settings)
    day = opens_at.date()
    latest: date | None = None
    while True:
        day = workdays.add_working_days(day, settings.evaluation_followup_workdays)
        if day > today or day > final:
            return latest
        latest = day


class _Translators:
    """One Translator per language, made once per planner run."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n
        self.cache: dict[str | None, Translator] = {}

    def __call__(self, lang: str | None) -> Translator:
        if lang not in self.cache:
            self.cache[lang] = self.i18n.for_language(lang)
        return self.cache[lang]


def _open_rows(period: Period) -> ColumnElement[bool]:
    """WHERE clause of the opening prompts of one period in the outbox."""
    prefix = f"{KIND_OPEN}:{period.code}:"
    return and_(
        col(OutboxMessage.kind) == KIND_OPEN, col(OutboxMessage.dedupe_key).startswith(prefix)
    )


async def _opened(session: AsyncSession, period: Period, settings: Settings) -> dict[int, date]:
    """Return evaluator id -> WIB day their opening prompt was queued (from the outbox)."""
    prefix = f"{KIND_OPEN}:{period.code}:"
    query = select(OutboxMessage.dedupe_key, OutboxMessage.created_at).where(_open_rows(period))
    rows = (await session.exec(query)).all()
    opened: dict[int, date] = {}
    for key, created_at in rows:
        tail = key[len(prefix) :]
        if tail.isdigit():
            opened[int(tail)] = created_at.astimezone(settings.tz).date()
    return opened


async def plan_evaluations(
    sessions: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
) -> int:
    """Queue evaluation prompts and follow-ups due at as_of; return how many rows were added.

    An evaluator who has not had the opening prompt gets it (also one linked later); the
    others get the follow-up of the latest follow-up day, if it falls after their prompt.
    """
    if as_of.tzinfo is None:
        raise ValueError("plan_evaluations needs an aware as_of")
    period = open_period(as_of, settings)
    if period is None:
        return 0
    _, due_at = evaluation_window(period, settings)
    due = last_day(due_at, settings)
    today = as_of.astimezone(settings.tz).date()
    follow = followup_day(period, today, settings)
    now = as_of.astimezone(UTC)
    translators = _Translators(i18n)
    async with sessions() as session:
        work = await load_workload(session, period)
        opened = await _opened(session, period, settings)
        rows: list[dict[str, Any]] = []
        for evaluator_id, employee_ids in work.pending.items():
            evaluator = work.people[evaluator_id]
            if not evaluator.reachable or evaluator.chat_id is None:
                continue
            t = translators(evaluator.language)
            names = [work.people[i].name for i in employee_ids]
            if evaluator_id not in opened:
                key = f"{KIND_OPEN}:{period.code}:{evaluator_id}"
                kind, priority = KIND_OPEN, outbox_queue.PRIORITY_DIRECT
                text = prompt_text(t, evaluator.name, period, due, names)
            elif follow is not None and opened[evaluator_id] < follow:
                key = f"{KIND_FOLLOW}:{period.code}:{evaluator_id}:{follow.isoformat()}"
                kind, priority = KIND_FOLLOW, outbox_queue.PRIORITY_REMINDER
                text = followup_text(t, evaluator.name, period, due, names)
            else:
                continue
            rows.append(
                outbox_queue.outbox_row(
                    dedupe_key=key,
                    kind=kind,
                    chat_id=evaluator.chat_id,
                    text=text,
                    now=now,
                    employee_id=evaluator_id,
                    priority=priority,
                    reply_markup=start_keyboard(t),
                    working_hours_only=True,
                )
            )
        added = await outbox_queue.enqueue_many(session, rows)
        await session.commit()
    return added


# --- escalations ---------------------------------------------------------------------------


async def plan_escalations(
    sessions: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
) -> int:
    """Queue the overdue-evaluation summaries for supervisors and HR; return rows added.

    At most one summary per recipient and working day: a run on a weekend or holiday is keyed
    to (and, working_hours_only, delivered on) the next working day.
    """
    if as_of.tzinfo is None:
        raise ValueError("plan_escalations needs an aware as_of")
    period = escalation_period(as_of, settings)
    if period is None:
        return 0
    _, due_at = evaluation_window(period, settings)
    due = last_day(due_at, settings)
    day = workdays.next_working_day(as_of.astimezone(settings.tz).date()).isoformat()
    now = as_of.astimezone(UTC)
    translators = _Translators(i18n)
    async with sessions() as session:
        prompted = (await session.exec(select(OutboxMessage.id).where(_open_rows(period)))).first()
        if prompted is None:
            return 0  # the bot never prompted this semester: nothing to escalate
        work = await load_workload(session, period)
        people = work.people
        # supervisor -> [(evaluator name, count)]; OPD -> evaluator -> count
        for_supervisor: dict[int, list[tuple[str, int]]] = defaultdict(list)
        per_opd: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for evaluator_id, employee_ids in work.pending.items():
            evaluator = people[evaluator_id]
            boss = evaluator.supervisor_id
            if boss is not None and boss in people and boss != evaluator_id:
                for_supervisor[boss].append((evaluator.name, len(employee_ids)))
            for employee_id in employee_ids:
                per_opd[people[employee_id].opd_id][evaluator_id] += 1
        rows: list[dict[str, Any]] = []

        def add(recipient: Person, kind: str, role: str, text: str) -> None:
            assert recipient.chat_id is not None
            rows.append(
                outbox_queue.outbox_row(
                    dedupe_key=f"eval-esc:{period.code}:{role}:{recipient.id}:{day}",
                    kind=kind,
                    chat_id=recipient.chat_id,
                    text=text,
                    now=now,
                    employee_id=recipient.id,
                    priority=outbox_queue.PRIORITY_REMINDER,
                    working_hours_only=True,
                )
            )

        for supervisor_id, lines in for_supervisor.items():
            supervisor = people[supervisor_id]
            if not supervisor.reachable:
                continue
            lines.sort(key=lambda line: (-line[1], line[0].casefold()))
            t = translators(supervisor.language)
            add(
                supervisor,
                KIND_ESC_SUPERVISOR,
                "sup",
                supervisor_text(t, supervisor.name, period, due, lines),
            )

        for_hr: dict[int, list[int]] = defaultdict(list)
        for opd_id, officers in hr_recipients(work, per_opd).items():
            for officer in officers:
                for_hr[officer].append(opd_id)
        for hr_id, opd_ids in for_hr.items():
            hr = people[hr_id]
            t = translators(hr.language)
            summary = []
            for opd_id in opd_ids:
                counts = per_opd[opd_id]
                lines = sorted(
                    ((people[e].name, n) for e, n in counts.items()),
                    key=lambda line: (-line[1], line[0].casefold()),
                )
                opd_name = work.opds.get(opd_id, ("", str(opd_id)))[1]
                summary.append((opd_name, sum(counts.values()), len(counts), lines))
            summary.sort(key=lambda s: (-s[1], s[0].casefold()))
            add(hr, KIND_ESC_HR, "hr", hr_text(t, hr.name, period, due, summary))
        added = await outbox_queue.enqueue_many(session, rows)
        await session.commit()
    return added
