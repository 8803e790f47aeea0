"""HR analytics (/statistik): compliance, achievement, predikat vs curve, broadcasts, scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access, periods, stats
from bot.services.evaluation.curve_outlook import SMALL_UNIT_NOTE
from bot.services.periods import Period
from models import (
    Broadcast,
    BroadcastAck,
    Employee,
    Evaluation,
    OrgRating,
    OutboxMessage,
    ProgressReport,
    Target,
)
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.harness import running_bot

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)  # Wednesday 10:00 WIB, Semester II 2026
THIS_WEEK = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
EARLIER_THIS_MONTH = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
LAST_MONTH = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
PERIOD = Period(2026, 2)
PNG = b"\x89PNG\r\n\x1a\n"
HR_TG, CITY_TG, STAFF_TG, ADMIN_TG = 5001, 5002, 5003, 5004
DB = tuple[str, AsyncEngine]


async def target(
    session: AsyncSession, emp: Employee, amount: str | None, **fields: object
) -> Target:
    """Add an approved quantitative target of Semester II 2026 (qualitative when amount=None)."""
    values: dict[str, object] = {
        "employee_id": emp.id,
        "period": "2026-2",
        "status": "approved",
        "kind": "kuantitatif" if amount else "kualitatif",
        "title": "Laporan",
        "target_amount": Decimal(amount) if amount else None,
    }
    values.update(fields)
    row = Target(**values)  # type: ignore[arg-type]
    session.add(row)
    await session.flush()
    return row


def report(session: AsyncSession, row: Target, amount: str, when: datetime, **kw: object) -> None:
    session.add(
        ProgressReport(
            target_id=row.id,
            employee_id=row.employee_id,
            amount=Decimal(amount),
            created_at=when,
            **kw,  # type: ignore[arg-type]
        )
    )


def evaluation(
    session: AsyncSession, emp: Employee, by: Employee, hasil: str, perilaku: str, pred: str
) -> None:
    session.add(
        Evaluation(
            period="2026-2",
            employee_id=emp.id,
            evaluator_id=by.id,
            hasil_kerja=hasil,
            perilaku_kerja=perilaku,
            predikat=pred,
            finalized_at=datetime(2026, 12, 20, 20, 0, tzinfo=UTC),  # 21 Dec in WIB
        )
    )


def outbox(session: AsyncSession, bid: int, emp: Employee, status: str) -> None:
    session.add(
        OutboxMessage(
            dedupe_key=f"bc:{bid}:{emp.id}",
            kind="broadcast",
            chat_id=9_000 + (emp.id or 0),
            employee_id=emp.id,
            payload="{}",
            status=status,
            broadcast_id=bid,
        )
    )


@dataclass
class Seeded:
    org: Org
    broadcast_id: int
    other_broadcast_id: int


async def seed(sessions: SessionFactory) -> Seeded:
    """DINKES: leader 10 %, staff 50 %, staff2 100 %; DISHUB: other staff 75 %.

    Reports: staff this week, staff2 earlier this month, leader last month (plus a
    withdrawn report this week), other staff this week. The head has only a qualitative
    target (eligible for compliance, not measured for achievement) - no: it is pending.
    """
    async with sessions() as session:
        org = await make_org(session)
        org.hr.telegram_user_id = HR_TG
        org.city_hr.telegram_user_id = CITY_TG
        org.staff.telegram_user_id = STAFF_TG
        await target(session, org.head, None, status="pending")
        t_leader = await target(session, org.leader, "100")
        t_staff = await target(session, org.staff, "10")
        t_staff2 = await target(session, org.staff2, "10")
        t_other = await target(session, org.other_opd_staff, "4")
        await target(session, org.staff, "5", period="2026-1")  # another semester: ignored
        report(session, t_leader, "10", LAST_MONTH)
        report(session, t_leader, "50", THIS_WEEK, status="withdrawn")
        report(session, t_staff, "2", THIS_WEEK)
        report(session, t_staff, "3", EARLIER_THIS_MONTH)
        report(session, t_staff2, "12", EARLIER_THIS_MONTH)
        report(session, t_other, "3", THIS_WEEK)
        evaluation(session, org.staff, org.leader, "sesuai", "sesuai", "baik")
        evaluation(session, org.staff2, org.leader, "sesuai", "sesuai", "baik")
        evaluation(session, org.hr, org.head, "sesuai", "sesuai", "baik")
        evaluation(session, org.leader, org.head, "di_bawah", "sesuai", "butuh_perbaikan")
        evaluation(session, org.other_opd_staff, org.head, "di_bawah", "di_bawah", "sangat_kurang")
        assert org.opd.id
        session.add(
            OrgRating(period="2026-2", opd_id=org.opd.id, rating="baik", set_by_id=org.city_hr.id)
        )
        first = Broadcast(
            created_by_id=org.city_hr.id or 0,
            text_html="<b>Rapat</b> &amp; apel",
            audience="{}",
            status="sent",
            recipients=4,
        )
        second = Broadcast(
            created_by_id=org.city_hr.id or 0,
            text_html="Dishub saja",
            audience="{}",
            status="sent",
            recipients=1,
        )
        session.add_all([first, second])
        await session.flush()
        assert first.id and second.id
        outbox(session, first.id, org.staff, "sent")
        outbox(session, first.id, org.staff2, "blocked")
        outbox(session, first.id, org.hr, "sending")
        outbox(session, first.id, org.other_opd_staff, "sent")
        outbox(session, second.id, org.other_opd_staff, "sent")
        session.add(
            BroadcastAck(broadcast_id=first.id, employee_id=org.staff.id or 0, at=THIS_WEEK)
        )
        session.add(BroadcastAck(broadcast_id=first.id, employee_id=org.other_opd_staff.id or 0))
        await session.commit()
        return Seeded(org, first.id, second.id)


async def speaker(sessions: SessionFactory, emp: Employee) -> access.Speaker:
    async with sessions() as session:
        row = await session.get(Employee, emp.id)
        assert row is not None
        return await access.speaker_for(session, row)


async def test_scope_rules(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    org = data.org
    opd_hr = await speaker(sessions, org.hr)
    city_hr = await speaker(sessions, org.city_hr)
    staff = await speaker(sessions, org.staff)
    assert org.opd.id and org.bkpsdm.id
    assert stats.resolve_scope(opd_hr) == frozenset({org.opd.id})
    assert stats.resolve_scope(opd_hr, org.opd.id) == frozenset({org.opd.id})
    with pytest.raises(stats.OutOfScope):
        stats.resolve_scope(opd_hr, org.bkpsdm.id)
    with pytest.raises(stats.OutOfScope):
        stats.resolve_scope(staff)
    assert stats.resolve_scope(city_hr) is None
    assert stats.resolve_scope(city_hr, org.bkpsdm.id) == frozenset({org.bkpsdm.id})


async def test_compliance_per_opd_and_scope(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    org = data.org
    everything = await stats.compliance(sessions, None, PERIOD, NOW, WIB)
    own = await stats.compliance(sessions, frozenset({org.opd.id or 0}), PERIOD, NOW, WIB)
    rows = {r.code: (r.eligible, r.week, r.month) for r in everything}
    # DINKES: leader, staff, staff2 eligible (head's target is pending); staff this week;
    # staff and staff2 this month; the leader's withdrawn report does not count.
    assert rows == {"DINKES": (3, 1, 2), "DISHUB": (1, 1, 1)}
    assert [r.code for r in own] == ["DINKES"]
    assert own[0].week_share == pytest.approx(1 / 3)
    total = stats.total_compliance(everything)
    assert (total.eligible, total.week, total.month) == (4, 2, 3)


async def test_week_starts_on_monday_wib() -> None:
    start = periods.week_start_utc(NOW, WIB)
    assert start == datetime(2026, 11, 15, 17, 0, tzinfo=UTC)  # Monday 00:00 WIB
    assert periods.month_start_utc(NOW, WIB) == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)


async def test_achievement_buckets(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    city = await stats.achievement_spread(sessions, None, PERIOD)
    own = await stats.achievement_spread(sessions, frozenset({data.org.opd.id or 0}), PERIOD)
    # leader 10 % -> 0-25; staff 50 % -> 50-75; staff2 120 % capped -> >=100; other 75 % -> 75-100
    assert own.buckets == (1, 0, 1, 0, 1)
    assert city.buckets == (1, 0, 1, 1, 1)
    assert city.measured == 4
    assert city.mean == pytest.approx((0.1 + 0.5 + 1.0 + 0.75) / 4)
    assert [stats.bucket_of(v) for v in (0, 0.249, 0.25, 0.75, 0.999, 1.0)] == [
        0,
        0,
        1,
        3,
        3,
        4,
    ]


async def test_predikat_against_the_curve(sessions: SessionFactory) -> None:
    await seed(sessions)
    rows = await stats.predikat_spread(sessions, None, PERIOD)
    earlier = await stats.predikat_spread(sessions, None, Period(2026, 1))
    by_code = {r.code: r for r in rows}
    dinkes = by_code["DINKES"]
    assert dinkes.counts["baik"] == 3
    assert dinkes.counts["butuh_perbaikan"] == 1
    assert dinkes.total == 4
    assert dinkes.org_rating == "baik"
    # Everyone DINKES evaluates is evaluated (the head has no evaluator in the bot): four
    # staff, too small for the curve (tests/test_evaluation_curve_warning.py has larger OPDs).
    assert dinkes.still_open == 0
    assert dinkes.outlook is not None
    assert (dinkes.outlook.warnings, dinkes.outlook.notes) == ([], [SMALL_UNIT_NOTE])
    dishub = by_code["DISHUB"]
    assert dishub.org_rating is None
    assert dishub.outlook is None
    assert dishub.counts["sangat_kurang"] == 1
    assert earlier == []


async def test_broadcast_rates_by_scope(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    own_scope = frozenset({data.org.opd.id or 0})
    city = await stats.broadcast_stats(sessions, None)
    own = await stats.broadcast_stats(sessions, own_scope)
    async with sessions() as session:
        assert await stats.broadcast_in_scope(session, own_scope, data.broadcast_id)
        assert not await stats.broadcast_in_scope(session, own_scope, data.other_broadcast_id)
        assert not await stats.broadcast_in_scope(session, None, 999_999)
    assert [b.broadcast_id for b in city] == [data.other_broadcast_id, data.broadcast_id]
    first = city[1]
    assert (first.recipients, first.sent, first.acknowledged) == (4, 2, 2)
    assert first.ack_share == pytest.approx(0.5)
    assert first.by_opd == {"DINKES": (3, 1), "DISHUB": (1, 1)}
    assert first.preview == "Rapat & apel"
    assert [b.broadcast_id for b in own] == [data.broadcast_id]
    assert own[0].statuses == {"sent": 1, "blocked": 1, "pending": 1}
    assert (own[0].recipients, own[0].acknowledged) == (3, 1)


async def test_struggling_units(sessions: SessionFactory) -> None:
    data = await seed(sessions)
    found = await stats.units_needing_support(sessions, None, PERIOD)
    assert found.period == PERIOD
    units = found.units
    assert len(units) == 1
    unit = units[0]
    assert unit.unit == data.org.unit.name
    assert (unit.evaluated, unit.below, unit.measured, unit.low) == (3, 1, 3, 1)


def test_charts_are_pngs() -> None:
    grouped = stats.render_bars(
        [("DINKES <&> 😀", [0.5, 0.75]), ("Dinas $ Perhubungan", [1.0, 0.0])],
        series=["This week", "This month"],
        title="Reporting",
        value_label=lambda v: f"{v * 100:.0f}%",
        limit=1.0,
    )
    stacked = stats.render_bars(
        [("DINKES", [1, 3, 1, 0, 0])],
        series=["SB", "B", "BP", "K", "SK"],
        title="Predikat",
        value_label=lambda v: f"{v:.0f}",
        stacked=True,
        colors=stats.PREDIKAT_COLORS,
        note="more",
    )
    empty = stats.render_bars([], series=["x"], title="None", value_label=str)
    for png in (grouped, stacked, empty):
        assert png.startswith(PNG)
        assert len(png) > 5_000


# --- /statistik through the real Application ----------------------------------------------


async def test_hr_sees_charts_and_summaries(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        data = await seed(bot.deps.sessions)
        bot.fake.user(CITY_TG, language_code="en")
        await bot.send(CITY_TG, "/stats")
        menu = bot.fake.last(CITY_TG)
        assert "All OPDs" in menu.text
        await bot.press_label(CITY_TG, "Reporting compliance")
        sent = bot.fake.sent(CITY_TG)
        photo = [m for m in sent if m.kind == "photo"][-1]
        assert "Reporting" in (photo.caption or "")
        text = bot.last_text(CITY_TG)
        assert "DINKES" in text and "this week 1 of 3" in text
        assert "DISHUB" in text and "this month 1 (100%)" in text
        photos = bot.fake.calls_of("sendPhoto")
        assert photos

        await bot.press_label(CITY_TG, "Back to statistics")
        await bot.press_label(CITY_TG, "Predikat vs the curve")
        await bot.press_label(CITY_TG, "Semester II 2026")
        text = bot.last_text(CITY_TG)
        assert "DINKES" in text and "B 3" in text
        assert "too small for the distribution curve" in text  # DINKES: four staff
        assert "no organisation rating yet" in text

        await bot.press_label(CITY_TG, "Back to statistics")
        await bot.press_label(CITY_TG, "Broadcast read rates")
        text = bot.last_text(CITY_TG)
        assert f"#{data.broadcast_id}" in text and "read 2 (50%)" in text
        assert "Rapat &amp; apel" in bot.fake.last(CITY_TG).html

        await bot.press_label(CITY_TG, "Back to statistics")
        await bot.press_label(CITY_TG, "Achievement")
        assert "75-100%: 1 people" in bot.last_text(CITY_TG)

        await bot.press_label(CITY_TG, "Back to statistics")
        await bot.press_label(CITY_TG, "Units that may need support")
        assert data.org.unit.name in bot.last_text(CITY_TG)

        await bot.press_label(CITY_TG, "Back to statistics")
        await bot.press_label(CITY_TG, "Choose an OPD")
        await bot.press_label(CITY_TG, "DISHUB")
        assert "Dinas Perhubungan" in bot.last_text(CITY_TG)
        await bot.press_label(CITY_TG, "Reporting compliance")
        text = bot.last_text(CITY_TG)
        assert "DISHUB" in text and "DINKES" not in text


async def test_opd_hr_scope_and_crafted_buttons(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        data = await seed(bot.deps.sessions)
        org = data.org
        bot.fake.user(HR_TG, language_code="en")
        await bot.send(HR_TG, "/statistik")
        menu = bot.fake.last(HR_TG)
        assert "Choose an OPD" not in str(menu.buttons())
        await bot.press_label(HR_TG, "Reporting compliance")
        text = bot.last_text(HR_TG)
        assert "DINKES" in text and "DISHUB" not in text
        photos_before = len(bot.fake.calls_of("sendPhoto"))
        for crafted in (
            f"st:c:{org.other_opd_staff.opd_id}",
            f"st:pp:{org.bkpsdm.id}:2026:2",
            "st:o",
        ):
            await bot.press_raw(HR_TG, menu.message_id, crafted)
            assert "outside your HR scope" in bot.last_text(HR_TG)
        await bot.press_raw(HR_TG, menu.message_id, "st:c:abc")
        await bot.press_raw(HR_TG, menu.message_id, "st:pp:0:2026:7")
        assert len(bot.fake.calls_of("sendPhoto")) == photos_before
        answers = [c.get("text", "") for c in bot.fake.calls_of("answerCallbackQuery")]
        assert any("no longer valid" in a for a in answers)


async def test_non_hr_is_refused_kindly_in_indonesian(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        await seed(bot.deps.sessions)
        bot.fake.user(STAFF_TG, language_code="id")
        await bot.send(STAFF_TG, "/statistik")
        assert "Statistik disediakan untuk petugas kepegawaian" in bot.last_text(STAFF_TG)
        await bot.press_raw(STAFF_TG, bot.fake.last(STAFF_TG).message_id, "st:c:0")
        assert "/kinerja" in bot.last_text(STAFF_TG)
        assert not bot.fake.calls_of("sendPhoto")


async def test_indonesian_hr_summary(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, now=NOW) as bot:
        await seed(bot.deps.sessions)
        bot.fake.user(HR_TG, language_code="id")
        await bot.send(HR_TG, "/statistik")
        await bot.press_label(HR_TG, "Kepatuhan pelaporan")
        text = bot.last_text(HR_TG)
        assert "minggu ini 1 dari 3" in text
        assert bot.fake.calls_of("sendPhoto")
