"""Onboarding rules: invite codes, NIP link requests, caps and races, on both databases."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.i18n import I18n
from bot.services import access, onboarding
from bot.services.onboarding import Account, DecisionResult, RequestResult, invites
from bot.services.onboarding.invites import RedeemResult
from models import AuditLog, Employee, InviteCode, LinkRequest
from models.db import SessionFactory
from tests.support.factories import add, link_telegram, make_org, nip, speaker_of

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
I18N = I18n("id", ZoneInfo("Asia/Jakarta"))  # the language of the notices the rules queue


async def link(sessions: SessionFactory, employee: Employee, tg_id: int) -> None:
    await link_telegram(sessions, employee, tg_id, now=NOW)


async def test_invite_is_single_use_hashed_and_expires(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
        [issued] = await invites.issue_invites(session, [org.staff], now=NOW, valid_days=30)
        await session.commit()
        stored = (await session.exec(select(InviteCode))).all()
    assert [s.code_hash for s in stored] == [invites.hash_code(issued.code)]
    assert issued.code not in stored[0].code_hash
    first = await invites.redeem(
        sessions,
        I18N,
        issued.code,
        Account(77, "Siti", language="id"),
        now=NOW,
    )
    assert first.result is RedeemResult.LINKED
    again = await invites.redeem(
        sessions,
        I18N,
        issued.code,
        Account(78, "Other", language="id"),
        now=NOW,
    )
    assert again.result is RedeemResult.USED
    async with sessions() as session:
        [late] = await invites.issue_invites(session, [org.staff2], now=NOW, valid_days=1)
        await session.commit()
    expired = await invites.redeem(
        sessions,
        I18N,
        late.code,
        Account(79),
        now=NOW + timedelta(days=2),
    )
    assert expired.result is RedeemResult.EXPIRED


async def test_new_invite_replaces_old_phone_and_revokes_old_codes(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await make_org(session)
        [old] = await invites.issue_invites(session, [org.staff], now=NOW, valid_days=30)
        [new] = await invites.issue_invites(session, [org.staff], now=NOW, valid_days=30)
        await session.commit()
    revoked = await invites.redeem(sessions, I18N, old.code, Account(10), now=NOW)
    assert revoked.result is RedeemResult.INVALID
    await link(sessions, org.staff, 11)
    result = await invites.redeem(sessions, I18N, new.code, Account(12), now=NOW)
    assert result.result is RedeemResult.LINKED
    assert result.replaced_telegram_id == 11
    async with sessions() as session:
        assert await access.load_speaker(session, 11) is None
        assert (await access.load_speaker(session, 12)) is not None


async def test_one_telegram_account_maps_to_one_employee(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.staff, 50)
    await link(sessions, org.staff2, 50)
    async with sessions() as session:
        linked = (
            await session.exec(select(Employee).where(Employee.telegram_user_id == 50))
        ).all()
        assert [e.id for e in linked] == [org.staff2.id]


async def test_repeated_failures_lock_the_user(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
        [good] = await invites.issue_invites(session, [org.staff], now=NOW, valid_days=30)
        await session.commit()
    for i in range(onboarding.MAX_FAILURES):
        outcome = await invites.redeem(
            sessions,
            I18N,
            f"guess{i}",
            Account(5),
            now=NOW,
        )
        assert outcome.result is RedeemResult.INVALID
    locked = await invites.redeem(
        sessions,
        I18N,
        good.code,
        Account(5),
        now=NOW + timedelta(minutes=1),
    )
    assert locked.result is RedeemResult.LOCKED
    assert locked.locked_until is not None
    later = await invites.redeem(
        sessions,
        I18N,
        good.code,
        Account(5),
        now=NOW + timedelta(hours=1),
    )
    assert later.result is RedeemResult.LINKED


async def test_nip_request_goes_to_linked_supervisor_else_hr(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.hr, 2)
    to_hr = await onboarding.request_link(
        sessions,
        I18N,
        org.staff.nip,
        Account(100, "Siti", language="id"),
        now=NOW,
    )
    assert to_hr.result is RequestResult.SENT
    assert to_hr.request is not None
    assert to_hr.request.routed_to == "hr"
    assert [a.id for a in to_hr.approvers] == [org.hr.id]
    await link(sessions, org.leader, 1)
    to_leader = await onboarding.request_link(
        sessions,
        I18N,
        org.staff2.nip,
        Account(101, "Budi", language="en"),
        now=NOW,
    )
    assert to_leader.request is not None
    assert to_leader.request.routed_to == "supervisor"
    assert [a.id for a in to_leader.approvers] == [org.leader.id]


async def test_nip_request_refusals(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
    bad = await onboarding.request_link(sessions, I18N, "123", Account(1), now=NOW)
    unknown = await onboarding.request_link(
        sessions,
        I18N,
        "199001012015031999",
        Account(1),
        now=NOW,
    )
    nobody = await onboarding.request_link(
        sessions,
        I18N,
        org.other_opd_staff.nip,
        Account(1),
        now=NOW,
    )
    assert bad.result is RequestResult.BAD_NIP
    assert "18" in bad.reason
    assert unknown.result is RequestResult.NOT_FOUND
    assert nobody.result is RequestResult.NO_APPROVER


async def test_only_the_supervisor_or_hr_decides_and_only_once(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.leader, 1)
    await link(sessions, org.staff2, 3)
    sent = await onboarding.request_link(
        sessions,
        I18N,
        org.staff.nip,
        Account(200, "Siti", language="id"),
        now=NOW,
    )
    assert sent.request is not None
    assert sent.request.id is not None
    request_id = sent.request.id
    intruder = await speaker_of(sessions, 3)
    refused = await onboarding.decide_link(
        sessions, I18N, intruder, request_id, approve=True, now=NOW
    )
    assert refused.result is DecisionResult.FORBIDDEN
    leader = await speaker_of(sessions, 1)
    approved = await onboarding.decide_link(
        sessions, I18N, leader, request_id, approve=True, now=NOW
    )
    assert approved.result is DecisionResult.APPROVED
    twice = await onboarding.decide_link(
        sessions, I18N, leader, request_id, approve=False, now=NOW
    )
    async with sessions() as session:
        linked = await access.load_speaker(session, 200)
        actions = [a.action for a in (await session.exec(select(AuditLog))).all()]
    assert twice.result is DecisionResult.ALREADY_DECIDED
    assert linked is not None
    assert linked.id == org.staff.id
    assert "link" in actions


async def ask(
    sessions: SessionFactory, nip: str, tg_id: int, now: datetime = NOW
) -> onboarding.RequestOutcome:
    """One Telegram account asks, in its own transaction, to be linked to this NIP."""
    return await onboarding.request_link(
        sessions, I18N, nip, Account(tg_id, "Siti", language="id"), now=now
    )


async def pending_requests(sessions: SessionFactory) -> list[LinkRequest]:
    async with sessions() as session:
        query = select(LinkRequest).where(LinkRequest.status == "pending")
        return list((await session.exec(query)).all())


async def test_many_accounts_at_once_cannot_pile_requests_on_one_employee(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.leader, 1)
    crowd = range(300, 300 + onboarding.MAX_PENDING_PER_EMPLOYEE + 3)
    outcomes = await asyncio.gather(*(ask(sessions, org.staff.nip, tg) for tg in crowd))
    results = Counter(o.result for o in outcomes)
    assert results == {
        RequestResult.SENT: onboarding.MAX_PENDING_PER_EMPLOYEE,
        RequestResult.EMPLOYEE_BUSY: 3,
    }
    assert len(await pending_requests(sessions)) == onboarding.MAX_PENDING_PER_EMPLOYEE
    # Requests left undecided for long stop counting, so the employee is not shut out for good.
    later = await ask(sessions, org.staff.nip, 400, NOW + onboarding.PENDING_COUNTS_FOR)
    assert later.result is RequestResult.SENT


async def test_many_accounts_at_once_cannot_flood_one_supervisor(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await make_org(session)
        subordinates = [
            await add(
                session,
                nip=nip(),
                name=f"Staf {i}",
                opd_id=org.opd.id,
                unit_id=org.unit.id,
                supervisor_id=org.leader.id,
            )
            for i in range(onboarding.MAX_PENDING_PER_APPROVER + 4)
        ]
        await session.commit()
    await link(sessions, org.leader, 1)
    nearly_full = onboarding.MAX_PENDING_PER_APPROVER - 2
    for i, subordinate in enumerate(subordinates[:nearly_full]):
        assert (await ask(sessions, subordinate.nip, 500 + i)).result is RequestResult.SENT
    # Six accounts race for the queue's last two places.
    last = subordinates[nearly_full:]
    outcomes = await asyncio.gather(*(ask(sessions, e.nip, 600 + i) for i, e in enumerate(last)))
    results = Counter(o.result for o in outcomes)
    assert results == {RequestResult.SENT: 2, RequestResult.APPROVER_BUSY: 4}
    assert len(await pending_requests(sessions)) == onboarding.MAX_PENDING_PER_APPROVER
    # Refusals beyond the caps get the requester's one answer, so they reveal nothing.
    assert RequestResult.APPROVER_BUSY in onboarding.ANSWERED_ALIKE
    assert RequestResult.EMPLOYEE_BUSY in onboarding.ANSWERED_ALIKE


async def test_found_and_unknown_nips_count_alike_on_the_brake(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.leader, 1)
    real = [org.staff.nip, org.staff2.nip, org.head.nip, org.hr.nip, org.leader.nip]
    unknown = [f"19900101201503100{i}" for i in range(1, 6)]
    for tg, nips in ((900, real), (901, unknown)):
        for value in nips[: onboarding.MAX_FAILURES]:
            outcome = await ask(sessions, value, tg)
            assert outcome.result in onboarding.ANSWERED_ALIKE
        locked = await ask(sessions, real[0], tg, NOW + timedelta(minutes=1))
        assert locked.result is RequestResult.LOCKED


async def test_a_supervisor_cannot_approve_a_request_that_disconnects_someone(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.leader, 1)
    await link(sessions, org.hr, 2)
    await link(sessions, org.staff, 3)
    sent = await ask(sessions, org.staff.nip, 700)
    assert sent.result is RequestResult.SENT
    assert sent.request is not None
    assert sent.request.id is not None
    assert sent.request.routed_to == "hr"
    assert [a.id for a in sent.approvers] == [org.hr.id]
    assert sent.replaces_account == 3
    leader = await speaker_of(sessions, 1)
    refused = await onboarding.decide_link(
        sessions, I18N, leader, sent.request.id, approve=True, now=NOW
    )
    assert refused.result is DecisionResult.FORBIDDEN
    hr = await speaker_of(sessions, 2)
    approved = await onboarding.decide_link(
        sessions, I18N, hr, sent.request.id, approve=True, now=NOW
    )
    assert approved.result is DecisionResult.APPROVED
    assert approved.replaced_telegram_id == 3
    async with sessions() as session:
        assert (await access.load_speaker(session, 700)) is not None
        assert (await access.load_speaker(session, 3)) is None


async def test_two_redemptions_of_one_code_at_once(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
        [issued] = await invites.issue_invites(session, [org.staff], now=NOW, valid_days=30)
        await session.commit()

    async def redeem(tg_id: int) -> invites.Redemption:
        return await invites.redeem(sessions, I18N, issued.code, Account(tg_id), now=NOW)

    outcomes = await asyncio.gather(redeem(801), redeem(802))
    assert sorted(o.result for o in outcomes) == sorted([RedeemResult.LINKED, RedeemResult.USED])
    [winner] = [tg for tg, o in zip((801, 802), outcomes, strict=True) if o.employee]
    async with sessions() as session:
        assert (await session.get(Employee, org.staff.id)).telegram_user_id == winner  # type: ignore[union-attr]
    again = await invites.redeem(sessions, I18N, issued.code, Account(winner), now=NOW)
    assert again.result is RedeemResult.ALREADY_LINKED


async def test_two_presses_at_once_decide_a_request_once(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
    await link(sessions, org.leader, 1)
    sent = await ask(sessions, org.staff.nip, 950)
    assert sent.request is not None
    assert sent.request.id is not None
    request_id = sent.request.id
    leader = await speaker_of(sessions, 1)

    async def press(approve: bool) -> DecisionResult:
        outcome = await onboarding.decide_link(
            sessions, I18N, leader, request_id, approve=approve, now=NOW
        )
        return outcome.result

    results = await asyncio.gather(press(True), press(False))
    assert DecisionResult.ALREADY_DECIDED in results
    assert len({*results} - {DecisionResult.ALREADY_DECIDED}) == 1


def test_invite_codes_never_start_like_a_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["-abc", "-def", "Xyz"])
    monkeypatch.setattr(invites.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert invites.new_code() == "Xyz"
