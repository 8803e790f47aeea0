"""Linking by NIP: a request, routed to the direct supervisor or to HR, within caps.

Every well-formed NIP is answered alike (ANSWERED_ALIKE): the answer never tells whether the
NIP exists, whether it is linked, or whether its supervisor uses the bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.i18n import I18n
from bot.services import access
from bot.services.nip import NipError, normalize_nip, parse_nip
from bot.services.onboarding.brake import Throttle, check_throttle, record_failure
from bot.services.onboarding.linking import Account
from bot.services.onboarding.notices import ask_approvers, warn_linked_account
from models import Employee, LinkRequest, Opd
from models.db import SessionFactory

MAX_REQUESTS_PER_DAY = 3  # requests forwarded for one Telegram account in a day
MAX_PENDING_PER_EMPLOYEE = 3  # undecided requests for one employee, from different accounts
MAX_PENDING_PER_APPROVER = 20  # undecided requests in one supervisor's (or OPD's HR) queue
# An undecided request stops counting against the caps after this, so a flood cannot keep a
# queue full for good; it can still be decided.
PENDING_COUNTS_FOR = timedelta(days=7)


class RequestResult(StrEnum):
    SENT = "sent"
    BAD_NIP = "bad_nip"
    NOT_FOUND = "not_found"
    ALREADY_LINKED = "already_linked"
    ALREADY_PENDING = "already_pending"
    TOO_MANY = "too_many"
    EMPLOYEE_BUSY = "employee_busy"
    APPROVER_BUSY = "approver_busy"
    LOCKED = "locked"
    NO_APPROVER = "no_approver"


# The requester hears the same answer for all of these: telling them apart would reveal
# whether a NIP exists, whether it is linked, or whether the supervisor uses the bot.
ANSWERED_ALIKE = frozenset(
    {
        RequestResult.SENT,
        RequestResult.NOT_FOUND,
        RequestResult.ALREADY_PENDING,
        RequestResult.TOO_MANY,
        RequestResult.EMPLOYEE_BUSY,
        RequestResult.APPROVER_BUSY,
        RequestResult.NO_APPROVER,
    }
)
ROUTE_SUPERVISOR = "supervisor"
ROUTE_HR = "hr"


@dataclass
class RequestOutcome:
    result: RequestResult
    reason: str = ""  # msgid for BAD_NIP
    request: LinkRequest | None = None
    employee: Employee | None = None
    approvers: list[Employee] = field(default_factory=list)
    locked_until: datetime | None = None

    @property
    def replaces_account(self) -> int | None:
        """The Telegram account that approving this request would disconnect, if any."""
        if self.request is None or self.employee is None:
            return None
        current = self.employee.telegram_user_id
        return current if current not in (None, self.request.telegram_user_id) else None


async def request_link(
    db: SessionFactory,
    i18n: I18n,
    nip_text: str,
    account: Account,
    *,
    now: datetime,
) -> RequestOutcome:
    """Record a Telegram account's request to be linked to the employee with this NIP, and
    queue it for its approvers (and a heads-up for the account approving it would disconnect)."""
    async with db() as session:
        outcome = await _request_link(session, nip_text, account, now)
        request, employee = outcome.request, outcome.employee
        if outcome.result is RequestResult.SENT and request and employee:
            current = outcome.replaces_account
            await ask_approvers(
                session,
                i18n,
                request,
                employee,
                outcome.approvers,
                replaces_account=current,
                now=now,
            )
            if current is not None:
                await warn_linked_account(session, i18n, request, employee, current, now)
        # Each well-formed NIP counts on the brake whatever the outcome: always commit.
        await session.commit()
    return outcome


async def _request_link(
    session: AsyncSession, nip_text: str, account: Account, now: datetime
) -> RequestOutcome:
    """Record a Telegram account's request to be linked to the employee with this NIP.

    Every well-formed NIP costs the same: one attempt on the guessing brake, one row lock,
    one lookup. Only then do the paths part, and the requester's answer does not tell them
    apart (ANSWERED_ALIKE).
    """
    telegram_user_id = account.telegram_user_id
    state, until = await check_throttle(session, telegram_user_id, now)
    if state is Throttle.LOCKED:
        return RequestOutcome(RequestResult.LOCKED, locked_until=until)
    try:
        parse_nip(nip_text, today=now.date())
    except NipError as exc:
        return RequestOutcome(RequestResult.BAD_NIP, reason=exc.reason)
    # Found or not, each NIP counts on the brake, so the brake says nothing about the NIP.
    await record_failure(session, telegram_user_id, now)
    employee = await locked_employee(session, normalize_nip(nip_text))
    if employee is None or not employee.active:
        return RequestOutcome(RequestResult.NOT_FOUND)
    if employee.telegram_user_id == telegram_user_id:
        return RequestOutcome(RequestResult.ALREADY_LINKED, employee=employee)
    mine = select(LinkRequest).where(LinkRequest.telegram_user_id == telegram_user_id)
    pending = (await session.exec(mine.where(LinkRequest.status == "pending"))).all()
    if any(r.employee_id == employee.id for r in pending):
        return RequestOutcome(RequestResult.ALREADY_PENDING, employee=employee)
    since_yesterday = col(LinkRequest.created_at) > now - timedelta(days=1)
    if await count_requests(session, mine.where(since_yesterday)) >= MAX_REQUESTS_PER_DAY:
        return RequestOutcome(RequestResult.TOO_MANY, employee=employee)
    routed_to, approvers = await approvers_for(session, employee)
    if not approvers:
        return RequestOutcome(RequestResult.NO_APPROVER, employee=employee)
    if await pending_for_employee(session, employee, now) >= MAX_PENDING_PER_EMPLOYEE:
        return RequestOutcome(RequestResult.EMPLOYEE_BUSY, employee=employee)
    if await pending_in_queue(session, employee, routed_to, now) >= MAX_PENDING_PER_APPROVER:
        return RequestOutcome(RequestResult.APPROVER_BUSY, employee=employee)
    for old in pending:
        old.status, old.decided_at = "superseded", now
    assert employee.id is not None
    request = LinkRequest(
        employee_id=employee.id,
        telegram_user_id=telegram_user_id,
        telegram_name=account.name[:200],
        telegram_username=account.username[:64] if account.username else None,
        telegram_language=account.language,
        routed_to=routed_to,
        created_at=now,
    )
    session.add(request)
    await session.flush()
    return RequestOutcome(
        RequestResult.SENT, request=request, employee=employee, approvers=approvers
    )


async def locked_employee(session: AsyncSession, nip: str) -> Employee | None:
    """Load the employee with this NIP, holding their row until commit.

    Requests for one employee are counted one after another: on PostgreSQL by this row lock;
    on SQLite the attempt just written already holds the database's one write lock.
    """
    query = select(Employee).where(Employee.nip == nip).with_for_update(key_share=True)
    return (await session.exec(query.execution_options(populate_existing=True))).first()


async def count_requests(session: AsyncSession, query: SelectOfScalar[LinkRequest]) -> int:
    counted = await session.exec(select(func.count()).select_from(query.subquery()))
    return int(counted.one())


def counting_pending(now: datetime) -> SelectOfScalar[LinkRequest]:
    """Undecided requests recent enough to count against the caps."""
    return select(LinkRequest).where(
        LinkRequest.status == "pending",
        col(LinkRequest.created_at) > now - PENDING_COUNTS_FOR,
    )


async def pending_for_employee(session: AsyncSession, employee: Employee, now: datetime) -> int:
    """Undecided requests for this employee, from any account."""
    return await count_requests(
        session, counting_pending(now).where(LinkRequest.employee_id == employee.id)
    )


async def pending_in_queue(
    session: AsyncSession, employee: Employee, routed_to: str, now: datetime
) -> int:
    """Undecided requests waiting for the same approvers as a request for this employee would.

    The supervisor's queue is their subordinates' requests; the HR queue is the OPD's. The
    queue's owner row (the supervisor, or the OPD) is locked first, so two requests from
    different employees of one queue cannot both take its last place.
    """
    queue = counting_pending(now).join(Employee, col(Employee.id) == LinkRequest.employee_id)
    if routed_to == ROUTE_SUPERVISOR:
        assert employee.supervisor_id is not None
        await session.exec(
            select(Employee.id)
            .where(Employee.id == employee.supervisor_id)
            .with_for_update(key_share=True)
        )
        queue = queue.where(
            LinkRequest.routed_to == ROUTE_SUPERVISOR,
            Employee.supervisor_id == employee.supervisor_id,
        )
    else:
        await session.exec(
            select(Opd.id).where(Opd.id == employee.opd_id).with_for_update(key_share=True)
        )
        queue = queue.where(LinkRequest.routed_to == ROUTE_HR, Employee.opd_id == employee.opd_id)
    return await count_requests(session, queue)


async def approvers_for(session: AsyncSession, employee: Employee) -> tuple[str, list[Employee]]:
    """Route to the linked supervisor when reachable, else to the HR officers of the OPD.

    A request for an employee who is already linked would disconnect their account if
    approved, so it goes to HR only, never to the supervisor.
    """
    if employee.supervisor_id is not None and employee.telegram_user_id is None:
        supervisor = await session.get(Employee, employee.supervisor_id)
        if (
            supervisor is not None
            and supervisor.active
            and supervisor.telegram_user_id is not None
            and supervisor.blocked_at is None
        ):
            return ROUTE_SUPERVISOR, [supervisor]
    officers = [
        o
        for o in await access.hr_officers_for(session, employee.opd_id)
        if o.blocked_at is None and o.id != employee.id
    ]
    return ROUTE_HR, officers
