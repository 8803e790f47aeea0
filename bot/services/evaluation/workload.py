"""Who evaluates whom in one semester, read for the whole city at once, and which HR officers
hear about an OPD's overdue evaluations (the planners' view of the organisation).

The evaluator of an employee is the acting evaluator (Plt) of that period if HR assigned one,
else the direct supervisor; an active employee without an Evaluation row is still to evaluate.
load_workload applies that rule in Python for the planners, still_open_by_opd in SQL for the
curve (one grouped query, whatever the size of the city).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.access import CITY_SCOPE, CITY_WIDE_HR_OPD, ROLE_HR
from bot.services.periods import Period
from models import ActingEvaluator, Employee, Evaluation, Opd


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


async def still_open_by_opd(
    session: AsyncSession, period: str, opd_ids: Collection[int]
) -> dict[int, int]:
    """Return, per OPD, how many staff the period's evaluation covers who have none yet.

    In the caller's session. Covered is load_workload's rule: active, with an evaluator (the
    Plt of the period, else the direct supervisor) other than themselves.
    """
    if not opd_ids:
        return {}
    evaluator = func.coalesce(ActingEvaluator.evaluator_id, Employee.supervisor_id)
    query = (
        select(Employee.opd_id, func.count())
        .outerjoin(
            ActingEvaluator,
            and_(
                col(ActingEvaluator.employee_id) == col(Employee.id),
                col(ActingEvaluator.period) == period,
            ),
        )
        .outerjoin(
            Evaluation,
            and_(
                col(Evaluation.employee_id) == col(Employee.id), col(Evaluation.period) == period
            ),
        )
        .where(
            col(Employee.active).is_(True),
            col(Employee.opd_id).in_(sorted(opd_ids)),
            col(Evaluation.id).is_(None),
            evaluator.is_not(None),
            evaluator != col(Employee.id),
        )
        .group_by(col(Employee.opd_id))
    )
    return {int(opd_id): int(n) for opd_id, n in (await session.exec(query)).all()}


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
