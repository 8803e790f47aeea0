"""Target rules without Telegram: validation, approval by the direct leader, edits, cascade."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n
from bot.services import access, targets
from bot.services.periods import Period
from bot.services.targets import Outcome, overviews, vocabulary
from bot.services.targets import drafts as target_drafts
from bot.services.targets.drafts import TargetDraft
from models import AuditLog, Employee, OutboxMessage, ProgressReport, Target
from models.db import SessionFactory
from tests.support.factories import Org, make_org

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
PERIOD = Period(2026, 2)
I18N = I18n("id", ZoneInfo("Asia/Jakarta"))
LEADER_TG, STAFF_TG = 5001, 5002


def draft(**fields: object) -> TargetDraft:
    values: dict[str, object] = {
        "title": "Laporan evaluasi imunisasi",
        "indicator": "Jumlah laporan tepat waktu",
        "kind": vocabulary.KIND_QUANT,
        "amount": Decimal(12),
        "unit": "dokumen",
    }
    values.update(fields)
    return TargetDraft(**values)  # type: ignore[arg-type]


async def setup(session: AsyncSession) -> Org:
    org = await make_org(session)
    org.leader.telegram_user_id = LEADER_TG
    org.leader.language = "en"
    org.staff.telegram_user_id = STAFF_TG
    session.add_all([org.leader, org.staff])
    await session.commit()
    return org


async def speaker(session: AsyncSession, employee: Employee) -> access.Speaker:
    fresh = await session.get(Employee, employee.id)
    assert fresh is not None
    return await access.speaker_for(session, fresh)


async def approved_target(
    session: AsyncSession,
    owner: Employee,
    *,
    amount: int = 40,
    unit: str = "dokumen",
    **kw: object,
) -> Target:
    target = Target(
        employee_id=owner.id or 0,
        period=kw.pop("period", PERIOD.code),  # type: ignore[arg-type]
        title=kw.pop("title", f"Target {owner.name}"),  # type: ignore[arg-type]
        kind=kw.pop("kind", vocabulary.KIND_QUANT),  # type: ignore[arg-type]
        target_amount=Decimal(amount),
        unit=unit,
        status=kw.pop("status", vocabulary.STATUS_APPROVED),  # type: ignore[arg-type]
        source=kw.pop("source", vocabulary.SOURCE_CHAT),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    session.add(target)
    await session.flush()
    return target


async def reloaded(sessions: SessionFactory, target_id: int) -> Target:
    """The target as stored now (the services commit in sessions of their own)."""
    async with sessions() as session:
        target = await session.get(Target, target_id)
    assert target is not None
    return target


async def outbox(session: AsyncSession) -> list[OutboxMessage]:
    return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def audits(session: AsyncSession, action: str) -> list[AuditLog]:
    return list((await session.exec(select(AuditLog).where(AuditLog.action == action))).all())


def test_field_checks_state_limits() -> None:
    assert target_drafts.check_fields(draft()) == []
    problems = target_drafts.check_fields(draft(title="ab", indicator="x" * 501))
    assert [p.params for p in problems] == [{"min": 3}, {"max": 500, "length": 501}]
    long = target_drafts.check_title("x" * 5000)
    assert long is not None
    assert long.render(I18N.for_language("en")) == (
        "The work result may have at most 500 characters; yours has 5,000."
    )
    assert target_drafts.check_fields(draft(amount=Decimal(0)))[0].message == (
        "The amount must be more than 0."
    )
    assert target_drafts.check_fields(draft(amount=Decimal("1000000001")))
    assert target_drafts.check_fields(draft(amount=Decimal(-3)))
    assert target_drafts.check_fields(draft(unit=""))
    assert target_drafts.check_fields(draft(unit="u" * 51))
    qual = draft(kind=vocabulary.KIND_QUAL, amount=None, unit="", expectation="")
    assert target_drafts.check_fields(qual)[0].message.startswith("Please describe")
    assert target_drafts.check_fields(draft(kind=vocabulary.KIND_QUAL, expectation="e" * 2001))
    assert not target_drafts.check_fields(draft(kind=vocabulary.KIND_QUAL, expectation="Rapi"))
    assert target_drafts.check_fields(draft(jenis="lain"))
    assert target_drafts.check_fields(draft(kind="lain"))
    assert target_drafts.check_fields(draft(quality_standard="q" * 501))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("12", Decimal(12)), ("12,5", Decimal("12.5")), ("1.250", Decimal(1250)), ("95%", 95)],
)
def test_amounts_are_read_the_indonesian_way(typed: str, expected: Decimal) -> None:
    assert target_drafts.read_amount(typed) == expected


@pytest.mark.parametrize("typed", ["-3", "0", "1e9", "abc", "", "1000000001"])
def test_bad_amounts_are_refused_with_a_reason(typed: str) -> None:
    problem = target_drafts.read_amount(typed)
    assert isinstance(problem, target_drafts.Problem)
    assert problem.render(I18N.for_language("en"))


async def test_parent_must_be_an_approved_target_of_the_direct_supervisor(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await setup(session)
        good = await approved_target(session, org.leader)
        pending = await approved_target(session, org.leader, status=vocabulary.STATUS_PENDING)
        old = await approved_target(session, org.leader, period="2026-1")
        head = await approved_target(session, org.head)  # the supervisor's supervisor
        peer = await approved_target(session, org.staff2)
        await session.commit()
        for bad in (pending, old, head, peer):
            problems = await target_drafts.validate_draft(
                session, org.staff, PERIOD, draft(parent_target_id=bad.id)
            )
            assert [p.about for p in problems] == ["parent"], bad.title
        assert not await target_drafts.validate_draft(
            session, org.staff, PERIOD, draft(parent_target_id=good.id)
        )
        options = await target_drafts.parent_options(session, org.staff, PERIOD)
        assert [o.id for o in options] == [good.id]
        assert await target_drafts.parent_options(session, org.head, PERIOD) == []


async def test_propose_is_pending_and_asks_the_direct_leader(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await setup(session)
        me = await speaker(session, org.staff)
        result = await targets.propose(
            sessions, me, draft(title="<b>Rekap</b> & data"), period=PERIOD, now=NOW, i18n=I18N
        )
        await session.commit()
        assert result.outcome is Outcome.OK
        assert result.notified
        target = result.target
        assert target is not None
        assert (target.status, target.source, target.version) == ("pending", "chat", 1)
        assert target.proposed_by_id == org.staff.id
        [row] = await outbox(session)
        assert row.chat_id == LEADER_TG
        payload = json.loads(row.payload)["params"]
        assert "&lt;b&gt;Rekap&lt;/b&gt; &amp; data" in payload["text"]
        assert "New target for approval" in payload["text"]  # the leader reads English
        buttons = [b["callback_data"] for b in payload["reply_markup"]["inline_keyboard"][0]]
        assert buttons == [f"tg:ok:{target.id}:1", f"tg:ret:{target.id}:1"]
        # Invalid drafts and employees without a supervisor are refused, nothing stored.
        bad = await targets.propose(
            sessions, me, draft(title="x"), period=PERIOD, now=NOW, i18n=I18N
        )
        assert bad.outcome is Outcome.INVALID
        boss = await speaker(session, org.head)
        none = await targets.propose(sessions, boss, draft(), period=PERIOD, now=NOW, i18n=I18N)
        assert none.outcome is Outcome.NO_SUPERVISOR
        await session.commit()
        assert len((await session.exec(select(Target))).all()) == 1


async def test_only_the_direct_supervisor_decides_once_at_the_current_version(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await setup(session)
        me = await speaker(session, org.staff)
        result = await targets.propose(sessions, me, draft(), period=PERIOD, now=NOW, i18n=I18N)
        await session.commit()
        target = result.target
        assert target is not None
        assert target.id is not None
        for other in (org.head, org.staff2, org.hr, org.city_hr, org.staff):
            who = await speaker(session, other)
            refused = await targets.decide(
                sessions, who, target.id, 1, approve=True, now=NOW, i18n=I18N
            )
            assert refused.outcome is Outcome.FORBIDDEN, other.name
        leader = await speaker(session, org.leader)
        stale = await targets.decide(
            sessions, leader, target.id, 2, approve=True, now=NOW, i18n=I18N
        )
        assert stale.outcome is Outcome.STALE
        missing = await targets.decide(
            sessions, leader, 999_999, 1, approve=True, now=NOW, i18n=I18N
        )
        assert missing.outcome is Outcome.NOT_FOUND
        no_note = await targets.decide(
            sessions, leader, target.id, 1, approve=False, note="  ", now=NOW, i18n=I18N
        )
        assert no_note.outcome is Outcome.INVALID
        await session.commit()
        target = await reloaded(sessions, target.id)
        assert target.status == "pending"
        ok = await targets.decide(sessions, leader, target.id, 1, approve=True, now=NOW, i18n=I18N)
        await session.commit()
        assert ok.outcome is Outcome.OK
        target = await reloaded(sessions, target.id)
        assert (target.status, target.approved_by_id) == ("approved", org.leader.id)
        twice = await targets.decide(
            sessions, leader, target.id, 1, approve=False, note="x", now=NOW, i18n=I18N
        )
        assert twice.outcome is Outcome.ALREADY_DECIDED
        [approval] = await audits(session, "target_approve")
        assert approval.actor_employee_id == org.leader.id
        assert approval.subject_employee_id == org.staff.id
        told = [r for r in await outbox(session) if r.chat_id == STAFF_TG]
        assert len(told) == 1
        assert "menyetujui" in json.loads(told[0].payload)["params"]["text"]


async def test_return_with_note_reaches_the_employee_escaped(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await setup(session)
        me = await speaker(session, org.staff)
        result = await targets.propose(sessions, me, draft(), period=PERIOD, now=NOW, i18n=I18N)
        assert result.target is not None
        assert result.target.id is not None
        leader = await speaker(session, org.leader)
        back = await targets.decide(
            sessions,
            leader,
            result.target.id,
            1,
            approve=False,
            note="Tambah <rincian> & jadwal",
            now=NOW,
            i18n=I18N,
        )
        await session.commit()
        assert back.outcome is Outcome.OK
        assert back.target is not None
        assert (back.target.status, back.target.return_note) == (
            "returned",
            "Tambah <rincian> & jadwal",
        )
        [audit] = await audits(session, "target_return")
        assert json.loads(audit.details)["note"] == "Tambah <rincian> & jadwal"
        [told] = [r for r in await outbox(session) if r.chat_id == STAFF_TG]
        assert "Tambah &lt;rincian&gt; &amp; jadwal" in json.loads(told.payload)["params"]["text"]


async def test_edits_need_approval_again_and_are_audited(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await setup(session)
        me = await speaker(session, org.staff)
        result = await targets.propose(sessions, me, draft(), period=PERIOD, now=NOW, i18n=I18N)
        target = result.target
        assert target is not None
        assert target.id is not None
        leader = await speaker(session, org.leader)
        await targets.decide(sessions, leader, target.id, 1, approve=True, now=NOW, i18n=I18N)
        await session.commit()

        same = await targets.edit(sessions, me, target.id, 1, draft(), now=NOW, i18n=I18N)
        assert same.outcome is Outcome.UNCHANGED
        other = await speaker(session, org.staff2)
        assert (
            await targets.edit(
                sessions, other, target.id, 1, draft(amount=Decimal(3)), now=NOW, i18n=I18N
            )
        ).outcome is Outcome.FORBIDDEN
        stale = await targets.edit(
            sessions, me, target.id, 7, draft(amount=Decimal(3)), now=NOW, i18n=I18N
        )
        assert stale.outcome is Outcome.STALE
        invalid = await targets.edit(
            sessions, me, target.id, 1, draft(title="no"), now=NOW, i18n=I18N
        )
        assert invalid.outcome is Outcome.INVALID
        changed = await targets.edit(
            sessions, me, target.id, 1, draft(amount=Decimal(15)), now=NOW, i18n=I18N
        )
        await session.commit()
        assert changed.outcome is Outcome.OK
        target = await reloaded(sessions, target.id)
        assert (target.status, target.version, target.target_amount) == ("pending", 2, 15)
        assert target.approved_by_id is None
        [edit] = await audits(session, "target_edit")
        details = json.loads(edit.details)
        assert (details["before"]["amount"], details["after"]["amount"]) == ("12.0000", "15")
        asks = [r for r in await outbox(session) if r.chat_id == LEADER_TG]
        assert [r.dedupe_key for r in asks] == [
            f"target:ask:{target.id}:1",
            f"target:ask:{target.id}:2",
        ]
        # The old notice's buttons (version 1) are now stale.
        old = await targets.decide(
            sessions, leader, target.id, 1, approve=True, now=NOW, i18n=I18N
        )
        assert old.outcome is Outcome.STALE
        # Editing a pending target does not add another edit audit row.
        await targets.edit(
            sessions, me, target.id, 2, draft(amount=Decimal(16)), now=NOW, i18n=I18N
        )
        await session.commit()
        assert len(await audits(session, "target_edit")) == 1


async def test_imported_targets_are_not_edited_in_chat_and_withdraw_rules(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await setup(session)
        imported = await approved_target(session, org.staff, source=vocabulary.SOURCE_IMPORT)
        pending = await approved_target(
            session, org.staff, title="Usulan", status=vocabulary.STATUS_PENDING
        )
        await session.commit()
        assert imported.id is not None
        assert pending.id is not None
        me = await speaker(session, org.staff)
        no = await targets.edit(sessions, me, imported.id, 1, draft(), now=NOW, i18n=I18N)
        assert no.outcome is Outcome.NOT_EDITABLE
        assert (
            await targets.withdraw(sessions, me, imported.id, 1, now=NOW)
        ).outcome is Outcome.NOT_EDITABLE
        other = await speaker(session, org.staff2)
        assert (
            await targets.withdraw(sessions, other, pending.id, 1, now=NOW)
        ).outcome is Outcome.FORBIDDEN
        gone = await targets.withdraw(sessions, me, pending.id, 1, now=NOW)
        await session.commit()
        assert gone.outcome is Outcome.OK
        listed = await overviews.list_targets(session, org.staff.id or 0, PERIOD)
        assert [t.id for t in listed] == [imported.id]


async def test_leader_assigns_only_to_direct_subordinates(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await setup(session)
        parent = await approved_target(session, org.leader)
        await session.commit()
        leader = await speaker(session, org.leader)
        result = await targets.assign(
            sessions,
            leader,
            org.staff.id or 0,
            draft(parent_target_id=parent.id, jenis=vocabulary.JENIS_TAMBAHAN),
            period=PERIOD,
            now=NOW,
            i18n=I18N,
        )
        await session.commit()
        assert result.outcome is Outcome.OK
        target = result.target
        assert target is not None
        assert (target.status, target.source, target.approved_by_id) == (
            "approved",
            "leader",
            org.leader.id,
        )
        [row] = await audits(session, "target_assign")
        assert row.subject_employee_id == org.staff.id
        [told] = [r for r in await outbox(session) if r.chat_id == STAFF_TG]
        assert told.dedupe_key == f"target:assigned:{target.id}"
        head = await speaker(session, org.head)
        for who, whom in ((head, org.staff), (leader, org.other_opd_staff), (leader, org.head)):
            refused = await targets.assign(
                sessions, who, whom.id or 0, draft(), period=PERIOD, now=NOW, i18n=I18N
            )
            assert refused.outcome is Outcome.FORBIDDEN
        team = await targets.team(sessions, leader, PERIOD)
        assert [(m.employee.name, m.targets, m.pending) for m in team] == [
            ("Budi Santoso", 0, 0),
            ("Siti <Aminah> & Co 😀", 1, 0),
        ]
        assert await targets.overview(sessions, leader, org.staff.id or 0, PERIOD) is not None
        assert await targets.overview(sessions, head, org.staff.id or 0, PERIOD) is None


async def test_cascade_adds_only_matching_units(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await setup(session)
        parent = await approved_target(session, org.leader, amount=40, unit="Dokumen")
        mine = await approved_target(
            session, org.staff, amount=12, unit="dokumen", parent_target_id=parent.id
        )
        theirs = await approved_target(
            session, org.staff2, amount=10, unit=" DOKUMEN ", parent_target_id=parent.id
        )
        other_unit = await approved_target(
            session, org.staff2, amount=5, unit="laporan", parent_target_id=parent.id, title="L"
        )
        await approved_target(
            session,
            org.staff2,
            amount=99,
            parent_target_id=parent.id,
            status=vocabulary.STATUS_PENDING,
            title="P",
        )
        for target, amount in ((mine, 6), (theirs, 4), (other_unit, 3)):
            session.add(
                ProgressReport(
                    target_id=target.id or 0,
                    employee_id=target.employee_id,
                    amount=Decimal(amount),
                    created_at=NOW,
                )
            )
        await session.commit()
        cascade = await overviews.cascade_of(session, parent)
        assert len(cascade.children) == 3  # the pending child is not part of it
        assert cascade.summed_target == 22
        assert cascade.summed_achieved == 10
        assert cascade.ratio == pytest.approx(0.25)
        assert cascade.other_units == 1
        laporan = next(c for c in cascade.children if c.target.id == other_unit.id)
        assert (laporan.same_unit, laporan.share, laporan.reports) == (False, None, 1)
        contribution = await overviews.contribution_of(session, mine)
        assert contribution is not None
        assert contribution.share == pytest.approx(0.3)
        assert contribution.parent_owner_name == "Rina Harahap"
        assert (await overviews.contribution_of(session, other_unit)).share is None  # type: ignore[union-attr]
        assert await overviews.contribution_of(session, parent) is None
        leader = await speaker(session, org.leader)
        view = await targets.overview(sessions, leader, org.leader.id or 0, PERIOD)
        assert view is not None
        [line] = view.lines
        assert line.cascade is not None
        assert line.cascade.ratio == pytest.approx(0.25)


async def test_qualitative_parent_counts_children_only(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await setup(session)
        parent = Target(
            employee_id=org.leader.id or 0,
            period=PERIOD.code,
            title="Layanan prima",
            kind=vocabulary.KIND_QUAL,
            expectation="Keluhan ditangani cepat",
            status=vocabulary.STATUS_APPROVED,
        )
        session.add(parent)
        await session.flush()
        await approved_target(session, org.staff, amount=12, parent_target_id=parent.id)
        await session.commit()
        cascade = await overviews.cascade_of(session, parent)
        assert (len(cascade.children), cascade.ratio, cascade.summed_target) == (1, None, None)
        assert cascade.other_units == 1
