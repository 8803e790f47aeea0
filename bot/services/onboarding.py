"""Linking by NIP, approved by the direct supervisor (or HR when the supervisor is not linked)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access, audit, invites
from bot.services.nip import NipError, normalize_nip, parse_nip
from models import Employee, LinkRequest

MAX_REQUESTS_PER_DAY = 3


class RequestResult(StrEnum):
    SENT = "sent"
    BAD_NIP = "bad_nip"
    NOT_FOUND = "not_found"
    ALREADY_LINKED = "already_linked"
    ALREADY_PENDING = "already_pending"
    TOO_MANY = "too_many"
    LOCKED = "locked"
    NO_APPROVER = "no_approver"


@dataclass
class RequestOutcome:
    result: RequestResult
    reason: str = ""  # msgid for BAD_NIP
    request: LinkRequest | None = None
    employee: Employee | None = None
    approvers: list[Employee] = field(default_factory=list)
    locked_until: datetime | None = None


async def request_link(
    session: AsyncSession,
    nip_text: str,
    *,
    telegram_user_id: int,
    telegram_name: str,
    language: str | None,
    now: datetime,
) -> RequestOutcome:
    """Record a Telegram user's request to be linked to the employee with this NIP."""
    state, until = await invites.check_throttle(session, telegram_user_id, now)
    if state is invites.Throttle.LOCKED:
        return RequestOutcome(RequestResult.LOCKED, locked_until=until)
    try:
        parse_nip(nip_text, today=now.date())
    except NipError as exc:
        return RequestOutcome(RequestResult.BAD_NIP, reason=exc.reason)
    nip = normalize_nip(nip_text)
    employee = (await session.exec(select(Employee).where(Employee.nip == nip))).first()
    if employee is None or not employee.active:
        await invites.record_failure(session, telegram_user_id, now)
        return RequestOutcome(RequestResult.NOT_FOUND)
    if employee.telegram_user_id == telegram_user_id:
        return RequestOutcome(RequestResult.ALREADY_LINKED, employee=employee)
    mine = select(LinkRequest).where(LinkRequest.telegram_user_id == telegram_user_id)
    pending = (await session.exec(mine.where(LinkRequest.status == "pending"))).all()
    if any(r.employee_id == employee.id for r in pending):
        return RequestOutcome(RequestResult.ALREADY_PENDING, employee=employee)
    recent = await session.exec(
        select(func.count())
        .select_from(LinkRequest)
        .where(
            LinkRequest.telegram_user_id == telegram_user_id,
            col(LinkRequest.created_at) > now - timedelta(days=1),
        )
    )
    if recent.one() >= MAX_REQUESTS_PER_DAY:
        return RequestOutcome(RequestResult.TOO_MANY)
    routed_to, approvers = await approvers_for(session, employee)
    if not approvers:
        return RequestOutcome(RequestResult.NO_APPROVER, employee=employee)
    for old in pending:
        old.status, old.decided_at = "superseded", now
    assert employee.id is not None
    request = LinkRequest(
        employee_id=employee.id,
        telegram_user_id=telegram_user_id,
        telegram_name=telegram_name[:200],
        telegram_language=language,
        routed_to=routed_to,
        created_at=now,
    )
    session.add(request)
    await session.flush()
    return RequestOutcome(
        RequestResult.SENT, request=request, employee=employee, approvers=approvers
    )


async def approvers_for(session: AsyncSession, employee: Employee) -> tuple[str, list[Employee]]:
    """Route to the linked supervisor when reachable, else to the HR officers of the OPD."""
    if employee.supervisor_id is not None:
        supervisor = await session.get(Employee, employee.supervisor_id)
        if (
            supervisor is not None
            and supervisor.active
            and supervisor.telegram_user_id is not None
            and supervisor.blocked_at is None
        ):
            return "supervisor", [supervisor]
    officers = [
        o
        for o in await access.hr_officers_for(session, employee.opd_id)
        if o.blocked_at is None and o.id != employee.id
    ]
    return "hr", officers


class DecisionResult(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    ALREADY_DECIDED = "already_decided"


@dataclass
class DecisionOutcome:
    result: DecisionResult
    request: LinkRequest | None = None
    employee: Employee | None = None
    replaced_telegram_id: int | None = None


async def decide_link(
    session: AsyncSession,
    speaker: access.Speaker,
    request_id: int,
    *,
    approve: bool,
    now: datetime,
) -> DecisionOutcome:
    """Approve or reject a pending link request, if this speaker may decide it."""
    request = await session.get(LinkRequest, request_id)
    if request is None:
        return DecisionOutcome(DecisionResult.NOT_FOUND)
    employee = await session.get(Employee, request.employee_id)
    if employee is None or not access.can_decide_link(speaker, employee):
        return DecisionOutcome(DecisionResult.FORBIDDEN)
    if request.status != "pending":
        return DecisionOutcome(DecisionResult.ALREADY_DECIDED, request=request, employee=employee)
    request.decided_at, request.decided_by_id = now, speaker.id
    if not approve:
        request.status = "rejected"
        audit.record(
            session,
            action="link_rejected",
            at=now,
            actor_id=speaker.id,
            subject_id=employee.id,
            telegram_user_id=request.telegram_user_id,
        )
        return DecisionOutcome(DecisionResult.REJECTED, request=request, employee=employee)
    request.status = "approved"
    replaced = await invites.link_account(
        session,
        employee,
        telegram_user_id=request.telegram_user_id,
        telegram_name=request.telegram_name,
        language=request.telegram_language,
        now=now,
        actor_id=speaker.id,
        via="approval",
    )
    return DecisionOutcome(
        DecisionResult.APPROVED, request=request, employee=employee, replaced_telegram_id=replaced
    )
