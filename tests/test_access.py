"""Access rules: leader and HR scopes, and unlinked Telegram users."""

from datetime import UTC, datetime

from bot.services import access
from models import Employee
from models.db import SessionFactory
from tests.support.factories import link_telegram, make_org, speaker_of

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


async def link(sessions: SessionFactory, employee: Employee, tg_id: int) -> None:
    await link_telegram(sessions, employee, tg_id, now=NOW)


async def test_leader_and_hr_scopes(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
    for employee, tg in [(org.leader, 1), (org.hr, 2), (org.city_hr, 3), (org.staff, 4)]:
        await link(sessions, employee, tg)
    leader, hr, city_hr, staff = [await speaker_of(sessions, tg) for tg in (1, 2, 3, 4)]
    assert leader.is_leader
    assert not staff.is_leader
    assert hr.hr_covers(org.opd.id)
    assert not hr.hr_covers(org.other_opd_staff.opd_id)
    assert city_hr.hr_covers(org.other_opd_staff.opd_id)
    async with sessions() as session:
        assert await access.can_view(session, leader, org.staff)
        assert not await access.can_view(session, staff, org.staff2)
        assert not await access.can_view(session, leader, org.other_opd_staff)
        head_speaker = await access.speaker_for(session, org.head)
        assert await access.is_in_subtree(session, head_speaker, org.staff)
    assert access.can_decide_link(leader, org.staff)
    assert not access.can_decide_link(leader, org.hr)
    assert not access.can_decide_link(staff, org.staff2)


async def test_unlinked_telegram_user_has_no_speaker(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await make_org(session)
        assert await access.load_speaker(session, 999) is None
