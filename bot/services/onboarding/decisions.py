"""Deciding a link request: the direct supervisor, or HR, approves or rejects it, once.

HR alone decides when the supervisor is not on the bot, and when approving would disconnect
the account the employee has linked already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import access, audit
from bot.services.onboarding.linking import account_label, link_account
from bot.services.onboarding.notices import requester_translator, tell_replaced, tell_requester
from bot.services.onboarding.requests import ROUTE_HR
from models import Employee, LinkRequest
from models.db import SessionFactory


def may_decide(speaker: access.Speaker, request: LinkRequest, employee: Employee) -> bool:
    """HR decides any request; the supervisor only one routed to them that disconnects nobody."""
    current = employee.telegram_user_id
    if request.routed_to == ROUTE_HR or current not in (None, request.telegram_user_id):
        return speaker.hr_covers(employee.opd_id)
    return access.can_decide_link(speaker, employee)


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
    linked: access.Speaker | None = None  # the freshly linked requester (APPROVED only)
    linked_language: str | None = None  # the language they are told in


async def decide_link(
    db: SessionFactory,
    i18n: I18n,
    speaker: access.Speaker,
    request_id: int,
    *,
    approve: bool,
    now: datetime,
) -> DecisionOutcome:
    """Approve or reject a pending link request, if this speaker may decide it; tell the
    requester (and, when approving replaced an account, that account)."""
    async with db() as session:
        outcome = await _decide(session, speaker, request_id, approve=approve, now=now)
        request, employee = outcome.request, outcome.employee
        approved = outcome.result is DecisionResult.APPROVED
        if request and employee and (approved or outcome.result is DecisionResult.REJECTED):
            if approved:
                outcome.linked = await access.speaker_for(session, employee)
                t = requester_translator(i18n, request, employee, approved)
                outcome.linked_language = t.lang
            if outcome.replaced_telegram_id:
                old = outcome.replaced_telegram_id
                await tell_replaced(session, i18n, employee, old, now, speaker.employee)
            await tell_requester(session, i18n, request, employee, approved=approved, now=now)
        await session.commit()
    return outcome


async def _decide(
    session: AsyncSession,
    speaker: access.Speaker,
    request_id: int,
    *,
    approve: bool,
    now: datetime,
) -> DecisionOutcome:
    """Approve or reject a pending link request, in the caller's transaction."""
    request = await session.get(LinkRequest, request_id)
    if request is None:
        return DecisionOutcome(DecisionResult.NOT_FOUND)
    employee = await session.get(Employee, request.employee_id)
    if employee is None or not may_decide(speaker, request, employee):
        return DecisionOutcome(DecisionResult.FORBIDDEN)
    if not await close_request(
        session, request, "approved" if approve else "rejected", speaker, now
    ):
        return DecisionOutcome(DecisionResult.ALREADY_DECIDED, request=request, employee=employee)
    if not approve:
        audit.record(
            session,
            action="link_rejected",
            at=now,
            actor_id=speaker.id,
            subject_id=employee.id,
            telegram_user_id=request.telegram_user_id,
        )
        return DecisionOutcome(DecisionResult.REJECTED, request=request, employee=employee)
    replaced = await link_account(
        session,
        employee,
        telegram_user_id=request.telegram_user_id,
        telegram_name=account_label(request.telegram_name, request.telegram_username),
        language=request.telegram_language,
        now=now,
        actor_id=speaker.id,
        via="approval",
    )
    return DecisionOutcome(
        DecisionResult.APPROVED, request=request, employee=employee, replaced_telegram_id=replaced
    )


async def close_request(
    session: AsyncSession,
    request: LinkRequest,
    status: str,
    speaker: access.Speaker,
    now: datetime,
) -> bool:
    """Decide a pending request unless someone else just did (two approvers, one press each)."""
    closed = await session.exec(
        update(LinkRequest)
        .where(col(LinkRequest.id) == request.id, col(LinkRequest.status) == "pending")
        .values(status=status, decided_at=now, decided_by_id=speaker.id)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    return bool(closed.rowcount == 1)
