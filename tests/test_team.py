"""/tim (/team): the leader's team overview, drill-downs, chart and report-notice choice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access, team
from models import Employee, ProgressReport, Target, Unit
from models.db import SessionFactory
from tests.support.factories import Org, add, make_org, nip
from tests.support.harness import Harness, running_bot

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
HEAD_TG, LEADER_TG, STAFF_TG, STAFF2_TG, OTHER_TG = 2000, 2001, 2002, 2003, 2009
PNG = b"\x89PNG\r\n\x1a\n"
DB = tuple[str, AsyncEngine]


async def target(session: AsyncSession, **fields: object) -> Target:
    """Add a target (approved, quantitative, Semester II 2026 unless told otherwise)."""
    values: dict[str, object] = {"period": "2026-2", "status": "approved", "kind": "kuantitatif"}
    values.update(fields)
    row = Target(**values)  # type: ignore[arg-type]
    session.add(row)
    await session.flush()
    return row


async def report(session: AsyncSession, row: Target, amount: str, when: datetime) -> None:
    session.add(
        ProgressReport(
            target_id=row.id, employee_id=row.employee_id, amount=Decimal(amount), created_at=when
        )
    )


@dataclass
class Setup:
    org: Org
    leader_target: Target


async def build(sessions: SessionFactory, leader_lang: str = "en") -> Setup:
    """Staff: 25 % + 130 % (capped) = 62.5 %, last report 20 days ago (stale).
    Staff2: one pending target and nothing approved (pending flag, not stale)."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg, lang in [
            (org.head, HEAD_TG, "en"),
            (org.leader, LEADER_TG, leader_lang),
            (org.staff, STAFF_TG, "en"),
            (org.staff2, STAFF2_TG, "en"),
            (org.other_opd_staff, OTHER_TG, "en"),
        ]:
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        leader_target = await target(
            session,
            employee_id=org.leader.id,
            title="Dokumen bidang",
            target_amount=Decimal(80),
            unit="dokumen",
        )
        documents = await target(
            session,
            employee_id=org.staff.id,
            title="Laporan <data> & rekap",
            target_amount=Decimal(40),
            unit="dokumen",
            parent_target_id=leader_target.id,
        )
        visits = await target(
            session,
            employee_id=org.staff.id,
            title="Kunjungan",
            target_amount=Decimal(10),
            unit="kunjungan",
        )
        await target(
            session,
            employee_id=org.staff2.id,
            title="Usulan",
            status="pending",
            target_amount=Decimal(5),
            unit="kegiatan",
        )
        await report(session, documents, "10", NOW - timedelta(days=20))
        await report(session, visits, "13", NOW - timedelta(days=40))
        await session.commit()
    return Setup(org, leader_target)


async def speaker(sessions: SessionFactory, employee: Employee) -> access.Speaker:
    async with sessions() as session:
        fresh = await session.get(Employee, employee.id)
        assert fresh is not None
        return await access.speaker_for(session, fresh)


@asynccontextmanager
async def linked_bot(db: DB) -> AsyncIterator[Harness]:
    async with running_bot(db[0], db[1], now=NOW) as bot:
        for tg in (HEAD_TG, LEADER_TG, STAFF_TG, STAFF2_TG, OTHER_TG):
            bot.fake.user(tg, language_code="en")
            bot.fake.known_chats.add(tg)
        yield bot


def last_alert(bot: Harness) -> str:
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text") or "")


# --- service ---


async def test_members_achievement_flags_and_rollup(sessions: SessionFactory) -> None:
    setup = await build(sessions)
    org = setup.org
    leader = await speaker(sessions, org.leader)
    view = await team.team_view(sessions, leader, leader.id, now=NOW, tz=WIB)
    assert view is not None
    assert view.own and view.total == 2 and view.pages == 1
    by_name = {m.name: m for m in view.members}
    staff = by_name["Siti <Aminah> & Co 😀"]
    assert staff.achievement == 0.625  # (0.25 + min(1.3, 1)) / 2
    assert staff.stale and staff.pending == 0 and staff.approved == 2
    assert staff.reports_this_month == 1  # 20 days ago is in November; 40 days ago is not
    assert staff.last_report == NOW - timedelta(days=20)
    staff2 = by_name["Budi Santoso"]
    assert staff2.achievement is None and not staff2.stale and staff2.pending == 1
    assert view.stale == 1 and view.pending == 1
    assert view.team_achievement == 0.625
    [roll] = view.rollups
    assert roll.title == "Dokumen bidang" and roll.achieved == 10 and roll.ratio == 0.125
    assert roll.contributors == 1


async def test_access_to_other_teams(sessions: SessionFactory) -> None:
    setup = await build(sessions)
    org = setup.org
    leader = await speaker(sessions, org.leader)
    head = await speaker(sessions, org.head)
    assert org.leader.id and org.other_opd_staff.id and org.staff.id and org.head.id
    # The head drills into the leader's team (someone in their tree).
    below = await team.team_view(sessions, head, org.leader.id, now=NOW, tz=WIB)
    assert below is not None and not below.own and below.total == 2
    heads_units = await team.units_view(sessions, head, org.head.id, now=NOW, tz=WIB)
    assert heads_units is not None
    # The leader cannot look up, sideways or into another OPD.
    assert await team.team_view(sessions, leader, org.head.id, now=NOW, tz=WIB) is None
    assert await team.units_view(sessions, leader, org.head.id, now=NOW, tz=WIB) is None
    assert (
        await team.member_detail(sessions, leader, org.other_opd_staff.id, now=NOW, tz=WIB) is None
    )
    assert await team.member_detail(sessions, leader, 999_999, now=NOW, tz=WIB) is None
    detail = await team.member_detail(sessions, leader, org.staff.id, now=NOW, tz=WIB)
    assert detail is not None and detail.is_direct and len(detail.recent) == 2
    assert await team.set_notice_mode(sessions, leader, "weekly") is False
    assert await team.set_notice_mode(sessions, leader, "off") is True
    async with sessions() as session:
        stored = await session.get(Employee, org.leader.id)
        assert stored is not None and stored.notice_mode == "off"


async def test_a_unit_is_named_only_in_the_leaders_opd_or_the_teams_units(
    sessions: SessionFactory,
) -> None:
    setup = await build(sessions)
    org = setup.org
    async with sessions() as session:
        elsewhere = Unit(opd_id=org.bkpsdm.id, name="Bidang Mutasi")  # type: ignore[arg-type]
        session.add(elsewhere)
        await session.commit()
    leader = await speaker(sessions, org.leader)
    assert org.leader.id and elsewhere.id
    refused = await team.team_view(
        sessions, leader, org.leader.id, now=NOW, tz=WIB, unit_id=elsewhere.id
    )
    assert refused is None
    # A team member seconded to a unit of another OPD keeps that unit's page viewable.
    async with sessions() as session:
        staff = await session.get(Employee, org.staff.id)
        assert staff is not None
        staff.unit_id = elsewhere.id
        await session.commit()
    shown = await team.team_view(
        sessions, leader, org.leader.id, now=NOW, tz=WIB, unit_id=elsewhere.id
    )
    assert shown is not None and shown.unit_name == "Bidang Mutasi" and shown.total == 1


# --- flows ---


async def test_leader_sees_flags_detail_and_feedback_button(
    db: DB, sessions: SessionFactory
) -> None:
    setup = await build(sessions)
    org = setup.org
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/team")
        text = bot.last_text(LEADER_TG)
        assert "Your team, Semester II 2026" in text
        assert "Siti &lt;Aminah&gt; &amp; Co 😀" in (bot.fake.last(LEADER_TG).html or "")
        assert "Siti <Aminah> & Co 😀: 62.5% ⏰" in text
        assert "Budi Santoso: – 📝\n   no reports yet · reports this month: 0" in text
        assert "last report 7 Nov 2026 · reports this month: 1" in text
        assert "no report for 14 days (1)" in text
        assert "targets waiting for your approval (1)" in text
        assert "Dokumen bidang: 10 of 80 dokumen (12.5%) from 1 staff" in text
        await bot.press_label(LEADER_TG, "Siti")
        detail = bot.last_text(LEADER_TG)
        assert "Overall achievement: 62.5%" in detail
        assert "10 of 40 dokumen (25%)" in detail
        assert "Laporan <data> & rekap" in detail
        assert bot.fake.last(LEADER_TG).button("Give feedback") == f"fb:emp:{org.staff.id}"
        await bot.press_label(LEADER_TG, "Back to the team")
        assert "Your team" in bot.last_text(LEADER_TG)

        # The head drills down into the leader's team, and sees the leader's staff.
        await bot.send(HEAD_TG, "/tim")
        # Her own target has no reports of hers (her staff's are shown as the roll-up).
        assert "Rina Harahap 👥: 0% ⏰" in bot.last_text(HEAD_TG)
        assert "Dewi Lubis: –\n" in bot.last_text(HEAD_TG)
        assert "leads a team too" in bot.last_text(HEAD_TG)
        await bot.press_label(HEAD_TG, "Rina Harahap")
        assert "Rina Harahap</b>" in (bot.fake.last(HEAD_TG).html or "")
        assert "Give feedback" in str(bot.fake.last(HEAD_TG).buttons())  # her direct leader
        await bot.press_label(HEAD_TG, "See their team")
        assert "Team of Rina Harahap" in bot.last_text(HEAD_TG)
        assert "Budi Santoso" in bot.last_text(HEAD_TG)
        assert "Report notices" not in str(bot.fake.last(HEAD_TG).buttons())


async def test_indonesian_team_screen(db: DB, sessions: SessionFactory) -> None:
    await build(sessions, leader_lang="id")
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/tim")
        text = bot.last_text(LEADER_TG)
        labels = [label for label, _ in bot.fake.last(LEADER_TG).buttons()]
        assert "Tim Anda, Semester II 2026" in text
        assert "Per unit" in labels and "Grafik tim" in labels
        assert "Pemberitahuan laporan" in labels


async def test_paging_25_subordinates_and_unit_drill_down(
    db: DB, sessions: SessionFactory
) -> None:
    setup = await build(sessions)
    org = setup.org
    async with sessions() as session:
        second = Unit(opd_id=org.opd.id, name="Seksi <Gizi>")  # type: ignore[arg-type]
        session.add(second)
        await session.flush()
        for i in range(25):
            await add(
                session,
                nip=nip(),
                name=f"Pegawai {i:02d}",
                opd_id=org.opd.id,
                unit_id=second.id if i < 5 else org.unit.id,
                supervisor_id=org.leader.id,
            )
        await session.commit()
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/team")
        first = bot.fake.last(LEADER_TG)
        assert "Direct team members: 27 · page 1 of 3" in first.text
        names = [label for label, data in first.buttons() if data.startswith("tm:e:")]
        assert len(names) == 10
        assert not any("Previous" in label for label, _ in first.buttons())
        await bot.press_label(LEADER_TG, "Next")
        assert "page 2 of 3" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Next")
        last = bot.fake.last(LEADER_TG)
        assert "page 3 of 3" in last.text
        assert len([d for _, d in last.buttons() if d.startswith("tm:e:")]) == 7
        assert not any("Next" in label for label, _ in last.buttons())
        await bot.press_label(LEADER_TG, "Previous")
        assert "page 2 of 3" in bot.last_text(LEADER_TG)
        assert len(bot.fake.sent(LEADER_TG)) == 1  # paging edits the one message

        await bot.press_label(LEADER_TG, "By unit")
        units = bot.last_text(LEADER_TG)
        assert "Bidang Pelayanan Kesehatan: 22 people" in units
        assert "Seksi <Gizi>: 5 people" in units
        await bot.press_label(LEADER_TG, "Seksi")
        unit_page = bot.last_text(LEADER_TG)
        assert "Unit: Seksi <Gizi>" in unit_page
        assert "Direct team members: 5" in unit_page
        assert "Pegawai 00" in unit_page and "Pegawai 05" not in unit_page
        await bot.press_label(LEADER_TG, "Everyone")
        assert "Direct team members: 27" in bot.last_text(LEADER_TG)


async def test_crafted_and_malformed_callbacks_show_nothing(
    db: DB, sessions: SessionFactory
) -> None:
    setup = await build(sessions)
    org = setup.org
    async with sessions() as session:
        elsewhere = Unit(opd_id=org.bkpsdm.id, name="Bidang Rahasia BKPSDM")  # type: ignore[arg-type]
        session.add(elsewhere)
        await session.commit()
        nowhere = (elsewhere.id or 0) + 1000  # the newest unit has the highest id
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/team")
        message = bot.fake.last(LEADER_TG)
        before = bot.last_text(LEADER_TG)
        for data in [
            # A unit of another OPD is refused like one that does not exist, never named.
            f"tm:l:{org.leader.id}:{elsewhere.id}:0",
            f"tm:c:{org.leader.id}:{elsewhere.id}:0",
            f"tm:l:{org.leader.id}:{nowhere}:0",
            f"tm:c:{org.leader.id}:{nowhere}:0",
            f"tm:e:{org.other_opd_staff.id}",
            f"tm:e:{org.head.id}",
            f"tm:l:{org.head.id}:a:0",
            f"tm:units:{org.head.id}",
            f"tm:c:{org.head.id}:a:0",
            f"tm:l:{org.other_opd_staff.id}:a:0",
            "tm:e:abc",
            "tm:l:1:x:0",
            "tm:l:-1:a:0",
            "tm:n:weekly",
            "tm:zzz",
        ]:
            await bot.press_raw(LEADER_TG, message.message_id, data)
            assert "Rahasia" not in bot.last_text(LEADER_TG), data
            assert "not part of your team" in last_alert(bot), data
        assert len(bot.fake.sent(LEADER_TG)) == 1
        assert bot.last_text(LEADER_TG) == before
        assert bot.fake.calls_of("sendPhoto") == []
        async with sessions() as session:
            stored = await session.get(Employee, org.leader.id)
            assert stored is not None and stored.notice_mode == "instant"


async def test_non_leader_is_refused_politely(db: DB, sessions: SessionFactory) -> None:
    await build(sessions)
    async with linked_bot(db) as bot:
        await bot.send(STAFF_TG, "/tim")
        text = bot.last_text(STAFF_TG)
        assert "The team overview is for leaders" in text
        assert "/kinerja" in text
        await bot.press_raw(STAFF_TG, 1, "tm:n")
        assert "not part of your team" in last_alert(bot)


async def test_notice_mode_is_stored_and_respected(db: DB, sessions: SessionFactory) -> None:
    setup = await build(sessions)
    org = setup.org
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/team")
        await bot.press_label(LEADER_TG, "Report notices")
        assert "How would you like to hear" in bot.last_text(LEADER_TG)
        assert "✓ At once" in str(bot.fake.last(LEADER_TG).buttons())
        await bot.press_label(LEADER_TG, "One summary a day at 16:00")
        assert "one summary of your team's reports at 16:00" in bot.last_text(LEADER_TG)
        async with sessions() as session:
            stored = await session.get(Employee, org.leader.id)
            assert stored is not None and stored.notice_mode == "digest"

        async def staff_reports() -> None:
            await bot.send(STAFF_TG, "/report")
            await bot.press_label(STAFF_TG, "Laporan")
            await bot.send(STAFF_TG, "2")
            await bot.press_label(STAFF_TG, "Skip")
            await bot.press_label(STAFF_TG, "Skip")
            await bot.press_label(STAFF_TG, "Send")

        leader_messages = len(bot.fake.sent(LEADER_TG))
        await staff_reports()
        await bot.drain()
        assert len(bot.fake.sent(LEADER_TG)) == leader_messages  # digest: nothing at once

        await bot.press_label(LEADER_TG, "At once")
        assert "a message for every report" in bot.last_text(LEADER_TG)
        await staff_reports()
        await bot.drain()
        assert "New progress report from" in bot.last_text(LEADER_TG)
        leader_messages = len(bot.fake.sent(LEADER_TG))

        await bot.send(LEADER_TG, "/team")
        await bot.press_label(LEADER_TG, "Report notices")
        await bot.press_label(LEADER_TG, "Off")
        leader_messages = len(bot.fake.sent(LEADER_TG))
        await staff_reports()
        await bot.drain()
        assert len(bot.fake.sent(LEADER_TG)) == leader_messages
        async with sessions() as session:
            count = len((await session.exec(select(ProgressReport))).all())
        assert count == 5  # 2 seeded + 3 reported; none lost whatever the notice mode


async def test_team_chart_is_a_png(db: DB, sessions: SessionFactory) -> None:
    await build(sessions)
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/team")
        await bot.press_label(LEADER_TG, "Team chart")
        photo = bot.fake.last(LEADER_TG)
        assert photo.kind == "photo"
        assert photo.caption is not None and "Team achievement, Semester II 2026" in photo.caption
        assert photo.file_id is not None
        assert bot.fake.files[photo.file_id].content().startswith(PNG)
