"""Build small organisations for tests (valid NIPs, a believable hierarchy)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access
from bot.services.onboarding.linking import link_account
from models import Employee, Opd, Unit
from models.db import SessionFactory

_serial = itertools.count(1)


def widest(length: int) -> str:
    """`length` characters as long as possible in Telegram's count, needing HTML escaping.

    Telegram counts UTF-16 units, so each emoji here counts two; '<' and '&' check escaping.
    """
    return "<&" + "😀" * (length - 2)


def nip(birth: str = "19850312", tmt: str = "201001", gender: str = "1") -> str:
    """Return a fresh valid NIP."""
    return f"{birth}{tmt}{gender}{next(_serial) % 999 + 1:03d}"


@dataclass
class Org:
    """A tiny OPD: head -> leader -> two staff; plus an HR officer and a city-wide HR."""

    opd: Opd
    bkpsdm: Opd
    unit: Unit
    head: Employee
    leader: Employee
    staff: Employee
    staff2: Employee
    hr: Employee
    city_hr: Employee
    other_opd_staff: Employee


async def add(session: AsyncSession, **fields: object) -> Employee:
    employee = Employee(**fields)  # type: ignore[arg-type]
    session.add(employee)
    await session.flush()
    return employee


async def make_org(session: AsyncSession) -> Org:
    """Create and commit the standard test organisation."""
    opd = Opd(code="DINKES", name="Dinas Kesehatan")
    bkpsdm = Opd(code="BKPSDM", name="Badan Kepegawaian dan Pengembangan SDM")
    other = Opd(code="DISHUB", name="Dinas Perhubungan")
    session.add_all([opd, bkpsdm, other])
    await session.flush()
    assert opd.id
    assert bkpsdm.id
    assert other.id
    unit = Unit(opd_id=opd.id, name="Bidang Pelayanan Kesehatan")
    session.add(unit)
    await session.flush()
    head = await add(
        session, nip=nip(), name="Dr. Hendra Siregar", opd_id=opd.id, position="Kepala Dinas"
    )
    leader = await add(
        session,
        nip=nip(),
        name="Rina Harahap",
        opd_id=opd.id,
        unit_id=unit.id,
        supervisor_id=head.id,
        position="Kepala Bidang",
    )
    staff = await add(
        session,
        nip=nip(gender="2"),
        name="Siti <Aminah> & Co 😀",
        opd_id=opd.id,
        unit_id=unit.id,
        supervisor_id=leader.id,
        position="Pengelola Data",
    )
    staff2 = await add(
        session,
        nip=nip(),
        name="Budi Santoso",
        opd_id=opd.id,
        unit_id=unit.id,
        supervisor_id=leader.id,
        position="Analis",
    )
    hr = await add(
        session,
        nip=nip(),
        name="Dewi Lubis",
        opd_id=opd.id,
        roles="pegawai;hr",
        supervisor_id=head.id,
        position="Kasubag Kepegawaian",
    )
    city_hr = await add(
        session,
        nip=nip(),
        name="Ahmad Nasution",
        opd_id=bkpsdm.id,
        roles="pegawai;hr",
        position="Analis SDM",
    )
    other_staff = await add(session, nip=nip(), name="Joko Pane", opd_id=other.id, position="Staf")
    await session.commit()
    return Org(opd, bkpsdm, unit, head, leader, staff, staff2, hr, city_hr, other_staff)


async def link_telegram(
    sessions: SessionFactory, employee: Employee, tg_id: int, *, now: datetime
) -> None:
    """Link an employee to a Telegram account, as a redeemed invite does."""
    async with sessions() as session:
        row = await session.get(Employee, employee.id)
        assert row is not None
        await link_account(
            session,
            row,
            telegram_user_id=tg_id,
            telegram_name="x",
            language=None,
            now=now,
            actor_id=None,
            via="test",
        )
        await session.commit()


async def speaker_of(sessions: SessionFactory, tg_id: int) -> access.Speaker:
    """The linked speaker behind a Telegram id (it must exist)."""
    async with sessions() as session:
        found = await access.load_speaker(session, tg_id)
    assert found is not None
    return found
