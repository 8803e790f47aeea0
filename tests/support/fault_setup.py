"""Shared setup of the fault-tolerance tests: a linked organisation and a report in progress."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import SQLModel, func, select

from bot.delivery.send_budget import SharedRateLimiter
from models import Employee, OutboxMessage, Target
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.harness import Harness

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
LEADER_TG, STAFF_TG, STAFF2_TG, HR_TG, CITY_TG = 6001, 6002, 6003, 6004, 6005
# (attribute of Org, Telegram id, the language the employee chose)
LINKS = [
    ("leader", LEADER_TG, "en"),
    ("staff", STAFF_TG, "en"),
    ("staff2", STAFF2_TG, "id"),
    ("hr", HR_TG, "en"),
    ("city_hr", CITY_TG, "en"),
]
SUMMARY_SEND = "Send"


async def linked_org(sessions: SessionFactory) -> tuple[Org, Target]:
    """The standard organisation, linked, and one approved target for staff."""
    async with sessions() as session:
        org = await make_org(session)
        for attr, tg, lang in LINKS:
            person: Employee = getattr(org, attr)
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        target = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period="2026-2",
            title="Laporan bulanan",
            target_amount=Decimal(12),
            unit="dokumen",
            status="approved",
        )
        session.add(target)
        await session.commit()
    return org, target


def open_chats(bot: Harness) -> None:
    """Every linked user has talked to the bot before, in their own language."""
    for _attr, tg, lang in LINKS:
        bot.fake.user(tg, language_code=lang)
        bot.fake.known_chats.add(tg)


def quick_retries(bot: Harness) -> None:
    """Keep the interactive retry policy but wait milliseconds instead of seconds."""
    limiter = bot.app.bot.rate_limiter
    assert isinstance(limiter, SharedRateLimiter)
    limiter.backoff = tuple(0.01 for _ in limiter.backoff)


async def report_summary(bot: Harness, tg: int = STAFF_TG) -> None:
    """/report -> the target -> 3 -> a note -> one photo -> Done: the summary is shown."""
    await bot.send(tg, "/report")
    await bot.press(tg, bot.fake.last(tg).message_id, bot.fake.last(tg).buttons()[0][1])
    await bot.send(tg, "3")
    await bot.send(tg, "Rapi dan lengkap")
    await bot.feed(bot.fake.send_photo(tg))
    await bot.press_label(tg, "Done")
    assert "Please check your report" in bot.last_text(tg)


async def rows(sessions: SessionFactory, model: type[SQLModel]) -> int:
    async with sessions() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def outbox_statuses(sessions: SessionFactory) -> Counter[str]:
    async with sessions() as session:
        found = (await session.exec(select(OutboxMessage.status))).all()
    return Counter(found)


async def drain_until_settled(bot: Harness, rounds: int = 12) -> None:
    """Drain, then let the clock pass each retry's backoff, until nothing is pending."""
    for _ in range(rounds):
        await bot.drain()
        statuses = await outbox_statuses(bot.deps.sessions)
        if statuses["pending"] == statuses["sending"] == 0:
            return
        bot.deps.clock.advance(timedelta(minutes=10))
    raise AssertionError(f"outbox still pending: {await outbox_statuses(bot.deps.sessions)}")


def texts(bot: Harness, tg: int) -> list[str]:
    return [m.text or "" for m in bot.fake.sent(tg)]


def last_alert(bot: Harness) -> str:
    calls: list[dict[str, Any]] = bot.fake.calls_of("answerCallbackQuery")
    return str(calls[-1].get("text") or "") if calls else ""
