"""Achievement sums ignore withdrawn reports; last report dates are aware datetimes."""

from datetime import UTC, datetime
from decimal import Decimal

from bot.services.targets import achievement
from models import ProgressReport, Target
from models.db import SessionFactory
from tests.support.factories import make_org


async def test_sums_counts_and_last_report(sessions: SessionFactory) -> None:
    async with sessions() as session:
        org = await make_org(session)
        target = Target(
            employee_id=org.staff.id,
            period="2026-2",
            title="Laporan",
            target_amount=Decimal(40),
            unit="dokumen",
            status="approved",
        )
        other = Target(
            employee_id=org.staff.id,
            period="2026-2",
            title="Lain",
            target_amount=Decimal(5),
            unit="kegiatan",
            status="approved",
        )
        session.add_all([target, other])
        await session.flush()
        when = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
        session.add_all(
            [
                ProgressReport(
                    target_id=target.id,
                    employee_id=org.staff.id,
                    amount=Decimal("12.5"),
                    created_at=when,
                ),
                ProgressReport(
                    target_id=target.id,
                    employee_id=org.staff.id,
                    amount=Decimal(3),
                    created_at=when,
                ),
                ProgressReport(
                    target_id=target.id,
                    employee_id=org.staff.id,
                    amount=Decimal(100),
                    status="withdrawn",
                    created_at=datetime(2026, 11, 25, tzinfo=UTC),
                ),
            ]
        )
        await session.commit()
        assert target.id and other.id
        sums = await achievement.achieved_by_target(session, [target.id, other.id])
        counts = await achievement.report_counts(session, [target.id, other.id])
        last = await achievement.last_report_at(session, org.staff.id)
        none = await achievement.last_report_at(session, org.staff2.id)
    assert sums == {target.id: Decimal("15.5"), other.id: Decimal(0)}
    assert counts == {target.id: 2, other.id: 0}
    assert last == when
    assert none is None
    assert achievement.ratio(Decimal("15.5"), target) == 15.5 / 40
