"""Personal progress (/kinerja): the summary text, the chart PNG, and the flow through the bot."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import I18n, Translator
from bot.services import charts, progress
from handlers.progress import texts as progress_texts
from models import CheckinPause, Employee, ProgressReport, Target
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.harness import running_bot

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 11, 27)  # a Friday in Semester II 2026: 35 days left including today
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)
REPORTED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # Friday 20 November 2026, 10:00 WIB
STAFF_TG, STAFF2_TG = 2002, 2003
PNG = b"\x89PNG\r\n\x1a\n"


def translator(lang: str = "en") -> Translator:
    return I18n("id", WIB).for_language(lang)


@dataclass
class Setup:
    org: Org
    documents: Target  # 40 dokumen, 16 reported, linked to the leader's 40 dokumen
    visits: Target  # 10 kunjungan, 13 reported (130 %)
    coaching: Target  # qualitative, two reports


async def target(session: AsyncSession, **fields: object) -> Target:
    """Add a target (approved, quantitative, Semester II 2026 unless told otherwise)."""
    values: dict[str, object] = {"period": "2026-2", "status": "approved", "kind": "kuantitatif"}
    values.update(fields)
    row = Target(**values)  # type: ignore[arg-type]
    session.add(row)
    await session.flush()
    return row


async def report(
    session: AsyncSession,
    target: Target,
    amount: str | None,
    when: datetime = REPORTED,
    **extra: object,
) -> None:
    """Add a progress report (active unless told otherwise)."""
    session.add(
        ProgressReport(
            target_id=target.id,
            employee_id=target.employee_id,
            amount=Decimal(amount) if amount is not None else None,
            created_at=when,
            **extra,  # type: ignore[arg-type]
        )
    )


async def build(sessions: SessionFactory) -> Setup:
    """The standard org; the staff member has targets in every state."""
    async with sessions() as session:
        org = await make_org(session)
        unit_target = await target(
            session,
            employee_id=org.leader.id,
            title="Dokumen perencanaan bidang",
            target_amount=Decimal(40),
            unit="dokumen",
        )
        documents = await target(
            session,
            employee_id=org.staff.id,
            title="Laporan <data> & rekap 😀",
            target_amount=Decimal(40),
            unit="Dokumen ",
            parent_target_id=unit_target.id,
        )
        visits = await target(
            session,
            employee_id=org.staff.id,
            title="Kunjungan puskesmas",
            target_amount=Decimal(10),
            unit="kunjungan",
            parent_target_id=unit_target.id,  # another unit: no contribution line
        )
        coaching = await target(
            session,
            employee_id=org.staff.id,
            title="Pembinaan kader",
            kind="kualitatif",
            expectation="Kader aktif",
        )
        await target(
            session,
            employee_id=org.staff.id,
            title="Usulan baru",
            status="pending",
            target_amount=Decimal(5),
            unit="kegiatan",
        )
        await target(
            session,
            employee_id=org.staff.id,
            title="Perlu diperbaiki",
            status="returned",
            target_amount=Decimal(5),
            unit="kegiatan",
        )
        await target(  # last semester: not shown
            session,
            employee_id=org.staff.id,
            period="2026-1",
            title="Semester lalu",
            target_amount=Decimal(5),
            unit="kegiatan",
        )
        await report(session, documents, "12", datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
        await report(session, documents, "4")
        await report(session, documents, "100", status="withdrawn")
        await report(session, visits, "13", datetime(2026, 10, 1, 3, 0, tzinfo=UTC))
        await report(session, coaching, None, datetime(2026, 11, 10, 3, 0, tzinfo=UTC))
        await report(session, coaching, None)
        await session.commit()
    return Setup(org, documents, visits, coaching)


async def summary_of(sessions: SessionFactory, employee: Employee) -> progress.ProgressSummary:
    assert employee.id is not None
    return await progress.load_summary(sessions, employee.id, TODAY)


def test_progress_bar_caps_at_ten_cells() -> None:
    assert progress_texts.progress_bar(0) == "░" * 10
    assert progress_texts.progress_bar(0.4) == "▓▓▓▓░░░░░░"
    assert progress_texts.progress_bar(0.999) == "▓" * 9 + "░"
    assert progress_texts.progress_bar(1.3) == "▓" * 10
    assert progress_texts.progress_bar(-1) == "░" * 10


async def test_summary_text_shows_bars_real_percentages_and_how_overall_is_computed(
    sessions: SessionFactory,
) -> None:
    setup = await build(sessions)
    summary = await summary_of(sessions, setup.org.staff)
    assert [line.title for line in summary.lines] == [
        "Laporan <data> & rekap 😀",
        "Kunjungan puskesmas",
        "Pembinaan kader",
    ]
    assert summary.lines[0].achieved == Decimal(16)  # withdrawn reports do not count
    assert summary.overall == 0.7  # (0.4 + min(1.3, 1)) / 2
    text = progress_texts.render_summary(summary, translator("en"))
    assert "<b>Your performance, Semester II 2026</b>" in text
    assert "Days left in this semester: 35" in text
    assert "Your last report: Friday, 20 November 2026" in text
    assert "<b>1. Laporan &lt;data&gt; &amp; rekap 😀</b>" in text  # user text escaped
    assert "▓▓▓▓░░░░░░ 40%" in text
    assert "16 of 40 Dokumen" in text
    assert "▓▓▓▓▓▓▓▓▓▓ 130%" in text  # bar capped, real percentage shown
    assert "Target reached. Well done!" in text
    assert "Reports: 2, the last on Friday, 20 November 2026" in text  # qualitative
    assert "<b>Overall achievement: 70%</b>" in text
    assert "each counted up to 100%" in text
    # Contribution only where the units match (dokumen, not kunjungan).
    assert "Your 16 Dokumen make up 40% of Rina Harahap's 40 Dokumen" in text
    assert text.count("make up") == 1
    waiting = text.split("<b>Waiting for approval</b>", 1)[1]
    assert "• Usulan baru" in waiting
    assert "• Perlu diperbaiki (returned to you for changes)" in waiting
    assert "Semester lalu" not in text
    assert "paused" not in text


async def test_summary_in_indonesian_with_pause_and_decimal_comma(
    sessions: SessionFactory,
) -> None:
    setup = await build(sessions)
    async with sessions() as session:
        await report(session, setup.documents, "0.5")
        session.add(CheckinPause(employee_id=setup.org.staff.id, until=date(2026, 12, 15)))
        await session.commit()
    text = progress_texts.render_summary(
        await summary_of(sessions, setup.org.staff), translator("id")
    )
    assert "<b>Kinerja Anda, Semester II 2026</b>" in text
    assert "Sisa hari pada semester ini: 35" in text
    assert "16,5 dari 40 Dokumen" in text
    assert "41,2%" in text
    assert "<b>Menunggu persetujuan</b>" in text
    assert "sampai Selasa, 15 Desember 2026" in text


async def test_employee_without_targets_gets_a_friendly_explanation(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        org = await make_org(session)
    summary = await summary_of(sessions, org.staff2)
    assert summary.overall is None
    text = progress_texts.render_summary(summary, translator("en"))
    assert "no approved targets for this semester yet" in text
    assert "Overall" not in text


async def test_chart_is_a_png_drawn_in_a_thread_even_with_emoji_dollar_and_html() -> None:
    bars = [
        ("Laporan <b>bulanan</b> & rekap 😀🎉 yang sangat panjang sekali", 0.4),
        ("Biaya $5 $$ a$b", 1.3),
        ("😀", 0.0),
        *[(f"Target {i}", i / 20) for i in range(15)],
    ]
    png = await asyncio.to_thread(
        charts.render_progress_chart,
        bars,
        title="Kemajuan Anda, Semester II 2026 $",
        target_label="Target",
        more_label="6 target lainnya ada di /kinerja",
        formatter=translator("id").percent,
    )
    assert png.startswith(PNG)
    assert len(png) > 10_000


def test_chart_labels_are_short_and_safe() -> None:
    assert charts.chart_text("a" * 40).endswith("…")
    assert len(charts.chart_text("a" * 40)) == charts.MAX_LABEL_CHARS
    assert charts.chart_text("Rp $5") == r"Rp \$5"
    assert charts.chart_text("🎉 Laporan 👍") == "Laporan"  # glyphs the font lacks
    assert charts.chart_text("🎉") == "…"


async def link(sessions: SessionFactory, employee: Employee, tg: int) -> None:
    async with sessions() as session:
        row = await session.get(Employee, employee.id)
        assert row is not None
        row.telegram_user_id = tg
        session.add(row)
        await session.commit()


async def test_kinerja_command_chart_button_and_alias(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    setup = await build(sessions)
    await link(sessions, setup.org.staff, STAFF_TG)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        bot.fake.user(STAFF_TG, first_name="Siti", language_code="en")
        await bot.send(STAFF_TG, "/kinerja")
        message = bot.fake.last(STAFF_TG)
        assert "▓▓▓▓░░░░░░ 40%" in message.text
        assert "Laporan <data> & rekap 😀" in message.text
        assert message.buttons() == [("Chart", "pg:chart"), ("Report now", "rp:start")]
        await bot.press(STAFF_TG, message.message_id, "pg:chart")
        photo = bot.fake.last(STAFF_TG)
        assert photo.kind == "photo"
        assert photo.caption is not None
        assert "Your progress, Semester II 2026" in photo.caption
        assert "Overall achievement: 70%" in photo.caption
        assert photo.file_id is not None
        assert bot.fake.files[photo.file_id].content().startswith(PNG)
        await bot.send(STAFF_TG, "/progress")
        assert "Your performance" in bot.last_text(STAFF_TG)


async def test_kinerja_in_indonesian_and_without_numeric_targets(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    setup = await build(sessions)
    await link(sessions, setup.org.staff, STAFF_TG)
    await link(sessions, setup.org.staff2, STAFF2_TG)
    async with sessions() as session:
        await target(
            session, employee_id=setup.org.staff2.id, title="Pembinaan", kind="kualitatif"
        )
        await session.commit()
    async with running_bot(db[0], db[1], now=NOW) as bot:
        bot.fake.user(STAFF_TG, language_code="id")
        await bot.send(STAFF_TG, "/kinerja")
        message = bot.fake.last(STAFF_TG)
        assert "Kinerja Anda" in message.text
        assert [label for label, _ in message.buttons()] == ["Grafik", "Lapor sekarang"]
        bot.fake.user(STAFF2_TG, language_code="en")
        await bot.send(STAFF2_TG, "/kinerja")
        message = bot.fake.last(STAFF2_TG)
        assert message.buttons() == [("Report now", "rp:start")]  # nothing to draw
        # A stale or crafted chart button still gets a kind answer and no photo.
        await bot.press_raw(STAFF2_TG, message.message_id, "pg:chart")
        answers = bot.fake.calls_of("answerCallbackQuery")
        assert "no numeric targets" in answers[-1]["text"]
        assert all(m.kind == "text" for m in bot.fake.sent(STAFF2_TG))


async def test_kinerja_offers_resume_when_paused(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    setup = await build(sessions)
    await link(sessions, setup.org.staff, STAFF_TG)
    async with sessions() as session:
        session.add(CheckinPause(employee_id=setup.org.staff.id, until=date(2026, 12, 15)))
        await session.commit()
    async with running_bot(db[0], db[1], now=NOW) as bot:
        bot.fake.user(STAFF_TG, language_code="en")
        await bot.send(STAFF_TG, "/kinerja")
        message = bot.fake.last(STAFF_TG)
        assert "Check-in reminders are paused until Tuesday, 15 December 2026." in message.text
        await bot.press_label(STAFF_TG, "Resume check-in reminders")
        assert "on again" in bot.last_text(STAFF_TG)
        async with sessions() as session:
            assert (await session.exec(select(CheckinPause))).first() is None


async def test_a_long_target_list_is_split_with_the_buttons_on_the_last_part(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    async with sessions() as session:
        org = await make_org(session)
        for n in range(30):
            await target(
                session,
                employee_id=org.staff.id,
                title=f"Target nomor {n} " + "uraian panjang " * 30,
                target_amount=Decimal(10),
                unit="dokumen",
            )
        await session.commit()
    await link(sessions, org.staff, STAFF_TG)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        bot.fake.user(STAFF_TG, language_code="en")
        await bot.send(STAFF_TG, "/kinerja")
        parts = bot.fake.sent(STAFF_TG)
        assert len(parts) >= 4
        assert all(len(p.text or "") <= 4096 for p in parts)
        assert all(not p.buttons() for p in parts[:-1])
        assert parts[-1].button("Chart") == "pg:chart"
        assert "Target nomor 29" in parts[-1].text or "Target nomor 29" in parts[-2].text
        await bot.press(STAFF_TG, parts[-1].message_id, "pg:chart")
        photo = bot.fake.last(STAFF_TG)
        assert photo.kind == "photo"
        assert photo.caption is not None
