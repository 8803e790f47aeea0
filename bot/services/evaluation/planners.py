"""Semester evaluation planners: prompts when the window opens, follow-ups and escalations.

The window of a semester opens ``settings.evaluation_opens_days`` before its last day (at the
start of that day, WIB) and is due ``settings.evaluation_due_days`` after the semester ends
(Semester II 2026: 17 Dec 2026 00:00 to 15 Jan 2027 00:00, i.e. through 14 January). The
evaluator of an employee is the acting evaluator (Plt) of that period if HR assigned one,
else the direct supervisor; an active employee without an Evaluation row is still to evaluate.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import N_, I18n, Translator
from bot.services import workdays
from bot.services.access import CITY_SCOPE, CITY_WIDE_HR_OPD, ROLE_HR
from bot.services.evaluation.window import evaluation_window
from bot.services.periods import Period, period_of
from bot.text import esc, fit_fields
from models import ActingEvaluator, Employee, Evaluation, Opd, OutboxMessage
from models.db import SessionFactory

KIND_OPEN = "eval-open"
KIND_FOLLOW = "eval-follow"
KIND_ESC_SUPERVISOR = "eval-esc-sup"
KIND_ESC_HR = "eval-esc-hr"
START = "ev:start"  # the evaluation flow's entry button (owned by the evaluation feature)
MAX_LISTED = 30  # names per message before "and N more" (long names are shortened to fit)
# Late evaluations are accepted this many days after the due date (evaluation_window.py's
# LATE_GRACE_DAYS); escalating after that would ask for something the bot no longer takes.
ESCALATE_DAYS = 60

LABEL_START = N_("Start evaluating")


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


def period_label(period: Period) -> str:
    """'Semester II 2026' (the same in Indonesian and English)."""
    return f"Semester {'I' if period.half == 1 else 'II'} {period.year}"


# --- who evaluates whom (one read of the city) ---------------------------------------------


@dataclass(frozen=True, slots=True)  # a whole city of them is loaded at once
class Person:
    """The columns the planners need of one employee."""

    id: int
    name: str
    opd_id: int
    supervisor_id: int | None
    chat_id: int | None
    language: str | None
    blocked: bool
    active: bool
    roles: str
    hr_scope: str

    @property
    def reachable(self) -> bool:
        """Active, linked to Telegram and not blocking the bot."""
        return self.active and self.chat_id is not None and not self.blocked


@dataclass
class Workload:
    """Everyone still to evaluate in one period, grouped by evaluator."""

    people: dict[int, Person]
    opds: dict[int, tuple[str, str]]  # id -> (code, name)
    pending: dict[int, list[int]] = field(default_factory=dict)  # evaluator -> employees


async def load_workload(session: AsyncSession, period: Period) -> Workload:
    """Read employees, evaluations and Plt assignments of a period: three set-based queries."""
    query = select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
        Employee.id,
        Employee.name,
        Employee.opd_id,
        Employee.supervisor_id,
        Employee.telegram_user_id,
        Employee.language,
        col(Employee.blocked_at).is_not(None),
        Employee.active,
        Employee.roles,
        Employee.hr_scope,
    )
    people = {
        int(row[0]): Person(
            int(row[0]),
            row[1],
            int(row[2]),
            row[3],
            int(row[4]) if row[4] is not None else None,
            row[5],
            bool(row[6]),
            bool(row[7]),
            row[8],
            row[9],
        )
        for row in await session.exec(query)
    }
    evaluated = set(
        (
            await session.exec(
                select(Evaluation.employee_id).where(Evaluation.period == period.code)
            )
        ).all()
    )
    acting = dict(
        (
            await session.exec(
                select(ActingEvaluator.employee_id, ActingEvaluator.evaluator_id).where(
                    ActingEvaluator.period == period.code
                )
            )
        ).all()
    )
    opds = {
        int(i or 0): (code, name)
        for i, code, name in (await session.exec(select(Opd.id, Opd.code, Opd.name))).all()
    }
    pending: dict[int, list[int]] = defaultdict(list)
    for person in people.values():
        if not person.active or person.id in evaluated:
            continue
        evaluator = acting.get(person.id) or person.supervisor_id
        if evaluator is None or evaluator not in people or evaluator == person.id:
            continue
        pending[evaluator].append(person.id)
    for ids in pending.values():
        ids.sort(key=lambda i: (people[i].name.casefold(), i))
    return Workload(people, opds, dict(pending))


class _Translators:
    """One Translator per language, made once per planner run."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n
        self.cache: dict[str | None, Translator] = {}

    def __call__(self, lang: str | None) -> Translator:
        if lang not in self.cache:
            self.cache[lang] = self.i18n.for_language(lang)
        return self.cache[lang]


def _bullets(t: Translator, lines: list[str], total: int) -> str:
    """Bullet the (already escaped) lines, then 'and N more' for the rest of `total`."""
    shown = "\n".join(f"• {line}" for line in lines)
    rest = total - len(lines)
    if rest > 0:
        shown += "\n" + t._("… and {count} more").format(count=t.number(rest))
    return shown


def _listed(names: Iterable[str]) -> dict[str, str]:
    """The names a message lists (at most MAX_LISTED) as fit_fields fields: '0', '1', ..."""
    return {str(i): name for i, name in enumerate(list(names)[:MAX_LISTED])}


def _escaped(fields: Mapping[str, str], count: int) -> list[str]:
    """The first `count` listed names of fit_fields' (possibly shortened) fields, escaped."""
    return [esc(fields[str(i)]) for i in range(min(count, MAX_LISTED))]


def start_keyboard(t: Translator) -> dict[str, Any]:
    """The prompt's single button: start evaluating."""
    return outbox_queue.inline_keyboard([[(t._(LABEL_START), START)]])


# --- prompts and follow-ups ----------------------------------------------------------------


def prompt_text(t: Translator, name: str, period: Period, due: date, names: list[str]) -> str:
    """Return the HTML of the prompt sent when the window opens."""
    _ = t._
    ask = _("These colleagues are waiting for your evaluation ({count}):").format(
        count=t.number(len(names))
    )
    tail = _(
        "Tap <b>Start evaluating</b> whenever you are ready. The bot suggests a rating from each "
        "person's reported achievement; you always make the final decision."
    )

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. The performance evaluation for <b>{period}</b> is now open and "
            "runs until {due}."
        ).format(name=esc(fields["name"]), period=period_label(period), due=t.date(due))
        listed = _bullets(t, _escaped(fields, len(names)), len(names))
        return f"{head}\n\n{ask}\n{listed}\n\n{tail}"

    return fit_fields(render, {"name": name, **_listed(names)}).text


def followup_text(t: Translator, name: str, period: Period, due: date, names: list[str]) -> str:
    """Return the HTML of a friendly follow-up listing who is still waiting."""
    _ = t._
    tail = _(
        "The evaluations are due by {due}. Thank you for taking the time; every evaluation "
        "helps your team grow. Tap <b>Start evaluating</b> to continue."
    ).format(due=t.date(due))

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. There are still {count} colleague(s) waiting for your "
            "<b>{period}</b> evaluation:"
        ).format(name=esc(fields["name"]), count=t.number(len(names)), period=period_label(period))
        return f"{head}\n{_bullets(t, _escaped(fields, len(names)), len(names))}\n\n{tail}"

    return fit_fields(render, {"name": name, **_listed(names)}).text


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


def _is_city_wide(person: Person, opds: dict[int, tuple[str, str]]) -> bool:
    """HR of BKPSDM, or with scope 'kota', covers the whole city (as access.hr_scope_of)."""
    code = opds.get(person.opd_id, ("", ""))[0]
    return person.hr_scope == CITY_SCOPE or code.upper() == CITY_WIDE_HR_OPD


def hr_recipients(work: Workload, opd_ids: Iterable[int]) -> dict[int, list[int]]:
    """Return OPD id -> HR officer ids, by the rule of access.hr_officers_for.

    The OPD's own HR first; when it has none (reachable), the city-wide HR. Officers who
    blocked the bot are left out before choosing, so a summary still reaches someone.
    """
    officers = [
        p
        for p in work.people.values()
        if p.reachable and ROLE_HR in {r for r in p.roles.split(";") if r}
    ]
    city = [p.id for p in officers if _is_city_wide(p, work.opds)]
    result: dict[int, list[int]] = {}
    for opd_id in opd_ids:
        own = [p.id for p in officers if p.opd_id == opd_id and p.hr_scope != CITY_SCOPE]
        result[opd_id] = own or city
    return result


def supervisor_text(
    t: Translator, name: str, period: Period, due: date, lines: list[tuple[str, int]]
) -> str:
    """Return the HTML of the supervisor's summary: evaluator -> employees still waiting."""
    _ = t._
    tail = _(
        "A friendly word or a little help from you may make it easier for them to finish. "
        "Thank you for your support."
    )

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. A short update on the <b>{period}</b> evaluations, which were due "
            "by {due}. Some members of your team still have evaluations to finish:"
        ).format(name=esc(fields["name"]), period=period_label(period), due=t.date(due))
        items = _waiting(t, _escaped(fields, len(lines)), lines)
        return f"{head}\n{_bullets(t, items, len(lines))}\n\n{tail}"

    fields = {"name": name, **_listed(evaluator for evaluator, _count in lines)}
    return fit_fields(render, fields).text


def _waiting(t: Translator, evaluators: list[str], lines: list[tuple[str, int]]) -> list[str]:
    """'Evaluator: N employee(s) waiting' for each (escaped) evaluator name shown."""
    return [
        t._("{evaluator}: {count} employee(s) waiting").format(
            evaluator=evaluator, count=t.number(count)
        )
        for evaluator, (_name, count) in zip(evaluators, lines, strict=False)
    ]


def hr_text(
    t: Translator,
    name: str,
    period: Period,
    due: date,
    by_opd: list[tuple[str, int, int, list[tuple[str, int]]]],
) -> str:
    """Return the HTML of an HR summary: per OPD, employees waiting and their evaluators."""
    _ = t._
    tail = _(
        "Some evaluators may need a hand: a reminder, help with the bot, or an acting "
        "evaluator (Plt) when they are away. Thank you for supporting them."
    )
    single = len(by_opd) == 1
    # One OPD lists its evaluators; several OPDs list themselves.
    listed = [e for e, _count in by_opd[0][3]] if single else [o for o, *_rest in by_opd]

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. A short update on the <b>{period}</b> evaluations, which were due "
            "by {due}. These are not finished yet:"
        ).format(name=esc(fields["name"]), period=period_label(period), due=t.date(due))
        names = _escaped(fields, len(listed))
        if single:
            _opd, employees, evaluators, lines = by_opd[0]
            summary = _(
                "<b>{opd}</b>: {count} employee(s) waiting, with {evaluators} evaluator(s):"
            ).format(
                opd=esc(fields["opd"]), count=t.number(employees), evaluators=t.number(evaluators)
            )
            parts = [summary, _bullets(t, _waiting(t, names, lines), len(lines))]
        else:
            items = [
                _(
                    "<b>{opd}</b>: {count} employee(s) waiting, with {evaluators} evaluator(s)"
                ).format(opd=opd, count=t.number(employees), evaluators=t.number(evaluators))
                for opd, (_name, employees, evaluators, _lines) in zip(names, by_opd, strict=False)
            ]
            parts = [_bullets(t, items, len(by_opd))]
        return f"{head}\n\n" + "\n".join(parts) + f"\n\n{tail}"

    fields = {"name": name, "opd": by_opd[0][0] if single else "", **_listed(listed)}
    return fit_fields(render, fields).text


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
