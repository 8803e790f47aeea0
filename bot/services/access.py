"""Who may see and act on whom. Every handler asks here; callback data is never trusted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Employee, Opd
from models.db import SessionFactory

ROLE_EMPLOYEE = "pegawai"
ROLE_HR = "hr"
ROLE_ADMIN = "admin"
KNOWN_ROLES = (ROLE_EMPLOYEE, ROLE_HR, ROLE_ADMIN)
CITY_WIDE_HR_OPD = "BKPSDM"
CITY_SCOPE = "kota"
MAX_CHAIN = 64  # deeper supervisor chains than this are data errors, not organisations


@dataclass(frozen=True)
class Speaker:
    """The linked employee behind an update, with everything access decisions need."""

    employee: Employee
    roles: frozenset[str]
    is_leader: bool
    hr_opd_ids: frozenset[int] | None  # None = city-wide; empty = not HR

    @property
    def id(self) -> int:
        assert self.employee.id is not None
        return self.employee.id

    @property
    def is_hr(self) -> bool:
        return ROLE_HR in self.roles or self.is_admin

    @property
    def is_admin(self) -> bool:
        return ROLE_ADMIN in self.roles

    @property
    def is_city_wide_hr(self) -> bool:
        """True for admins and for HR officers who cover every OPD (BKPSDM, or scope `kota`)."""
        return self.is_admin or (ROLE_HR in self.roles and self.hr_opd_ids is None)

    @property
    def scoped_opd_ids(self) -> frozenset[int]:
        """The OPDs a scoped HR officer covers; empty for city-wide HR and for staff."""
        return self.hr_opd_ids or frozenset()

    def hr_covers(self, opd_id: int) -> bool:
        """True when this speaker is HR (or admin) for the given OPD."""
        if self.is_admin:
            return True
        if ROLE_HR not in self.roles:
            return False
        return self.hr_opd_ids is None or opd_id in self.hr_opd_ids


def parse_roles(raw: str) -> frozenset[str]:
    """Split a stored or typed ';'-list of roles (unknown names are kept for validation)."""
    return frozenset(r.strip().lower() for r in raw.replace(",", ";").split(";") if r.strip())


def format_roles(roles: frozenset[str] | set[str]) -> str:
    """Store roles in a canonical order so reimports compare equal."""
    order = {name: i for i, name in enumerate(KNOWN_ROLES)}
    return ";".join(sorted(roles, key=lambda r: (order.get(r, 99), r)))


async def has_subordinates(session: AsyncSession, employee_id: int) -> bool:
    """Return True when anyone active reports directly to this employee."""
    query = (
        select(func.count())
        .select_from(Employee)
        .where(Employee.supervisor_id == employee_id, col(Employee.active).is_(True))
    )
    return bool((await session.exec(query)).one())


async def hr_scope_of(session: AsyncSession, employee: Employee) -> frozenset[int] | None:
    """Return the OPD ids an HR officer covers: None for city-wide, else their own OPD."""
    if employee.hr_scope == CITY_SCOPE:
        return None
    opd = await session.get(Opd, employee.opd_id)
    if opd is not None and opd.code.upper() == CITY_WIDE_HR_OPD:
        return None
    return frozenset({employee.opd_id})


async def speaker_for(session: AsyncSession, employee: Employee) -> Speaker:
    """Build the access profile of a linked employee."""
    assert employee.id is not None
    roles = employee.role_set
    hr_opds: frozenset[int] | None = frozenset()
    if ROLE_HR in roles:
        hr_opds = await hr_scope_of(session, employee)
    return Speaker(
        employee=employee,
        roles=roles,
        is_leader=await has_subordinates(session, employee.id),
        hr_opd_ids=hr_opds,
    )


async def load_speaker(session: AsyncSession, telegram_user_id: int) -> Speaker | None:
    """Return the linked, active employee for a Telegram user, or None (onboarding only)."""
    query = select(Employee).where(
        Employee.telegram_user_id == telegram_user_id, col(Employee.active).is_(True)
    )
    employee = (await session.exec(query)).first()
    if employee is None:
        return None
    return await speaker_for(session, employee)


async def identify(db: SessionFactory, telegram_user_id: int) -> Speaker | None:
    """Who is speaking: the linked, active employee (None: onboarding only).

    Someone who had blocked the bot and writes again is reachable again.
    """
    async with db() as session:
        speaker = await load_speaker(session, telegram_user_id)
        if speaker is not None and speaker.employee.blocked_at is not None:
            speaker.employee.blocked_at = None
            session.add(speaker.employee)
            await session.commit()
    return speaker


def is_direct_supervisor(speaker: Speaker, target: Employee) -> bool:
    """True when the speaker is the target's atasan langsung."""
    return target.supervisor_id == speaker.id


async def is_in_subtree(session: AsyncSession, speaker: Speaker, target: Employee) -> bool:
    """True when the target reports to the speaker, directly or through other leaders."""
    current = target.supervisor_id
    for _ in range(MAX_CHAIN):
        if current is None:
            return False
        if current == speaker.id:
            return True
        current = (
            await session.exec(select(Employee.supervisor_id).where(Employee.id == current))
        ).first()
    return False


async def can_view(session: AsyncSession, speaker: Speaker, target: Employee) -> bool:
    """Self, anyone in the speaker's reporting tree, or HR within scope may be viewed."""
    if target.id == speaker.id or speaker.hr_covers(target.opd_id):
        return True
    return await is_in_subtree(session, speaker, target)


def can_decide_link(speaker: Speaker, target: Employee) -> bool:
    """The direct supervisor, or HR covering the target's OPD, approves a link request."""
    return is_direct_supervisor(speaker, target) or speaker.hr_covers(target.opd_id)


async def hr_officers_for(session: AsyncSession, opd_id: int) -> list[Employee]:
    """Linked HR officers who cover an OPD: its own HR first, then city-wide HR."""
    query = select(Employee).where(
        col(Employee.roles).contains(ROLE_HR),
        col(Employee.telegram_user_id).is_not(None),
        col(Employee.active).is_(True),
    )
    officers = list((await session.exec(query)).all())
    own = [e for e in officers if e.opd_id == opd_id and e.hr_scope != CITY_SCOPE]
    if own:
        return own
    city: list[Employee] = []
    for officer in officers:
        if ROLE_HR in officer.role_set and await hr_scope_of(session, officer) is None:
            city.append(officer)
    return city
