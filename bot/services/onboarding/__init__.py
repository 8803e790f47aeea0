"""Onboarding: linking a Telegram account to an employee, by a single-use invite code or by a
NIP request approved by the direct supervisor or by HR.

- invites: codes (issued, hashed at rest, expiring) and their redemption;
- requests: NIP requests, their caps and their routing to the approvers;
- decisions: approving or rejecting a request, once;
- linking: one Telegram account to one employee;
- brake: the guessing brake for codes and NIPs;
- notices: the text of the queued notices.
"""

from bot.services.onboarding.brake import MAX_FAILURES
from bot.services.onboarding.decisions import DecisionOutcome, DecisionResult, decide_link
from bot.services.onboarding.invites import (
    IssuedInvite,
    RedeemResult,
    Redemption,
    hash_code,
    issue_invites,
    redeem,
)
from bot.services.onboarding.linking import Account
from bot.services.onboarding.requests import (
    ANSWERED_ALIKE,
    MAX_PENDING_PER_APPROVER,
    MAX_PENDING_PER_EMPLOYEE,
    PENDING_COUNTS_FOR,
    RequestOutcome,
    RequestResult,
    request_link,
)

__all__ = [
    "ANSWERED_ALIKE",
    "MAX_FAILURES",
    "MAX_PENDING_PER_APPROVER",
    "MAX_PENDING_PER_EMPLOYEE",
    "PENDING_COUNTS_FOR",
    "Account",
    "DecisionOutcome",
    "DecisionResult",
    "IssuedInvite",
    "RedeemResult",
    "Redemption",
    "RequestOutcome",
    "RequestResult",
    "decide_link",
    "hash_code",
    "issue_invites",
    "redeem",
    "request_link",
]
