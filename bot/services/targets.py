"""SKP targets per semester: drafts, proposal, approval by the direct leader, and the cascade.

An employee proposes a target (pending) and their atasan langsung approves or returns it; a
leader may also assign a target to a direct subordinate (approved at once). Every screen
carries the target's `version`, so a button built from an older state is refused as stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_, I18n, Translator
from bot.services import access, achievement, audit, notices
from bot.services.access import Speaker
from bot.services.numbers import MAX_AMOUNT, AmountError, parse_amount
from bot.services.periods import Period, parse_period
from bot.text import esc
from models import Employee, Target

KIND_QUANT = "kuantitatif"
KIND_QUAL = "kualitatif"
KINDS = (KIND_QUANT, KIND_QUAL)
JENIS_UTAMA = "utama"
JENIS_TAMBAHAN = "tambahan"
JENIS = (JENIS_UTAMA, JENIS_TAMBAHAN)
STATUS_PENDING = "pending"
STATUS_APPROVED = "approved"
STATUS_RETURNED = "returned"
STATUS_ARCHIVED = "archived"
SOURCE_CHAT = "chat"
SOURCE_LEADER = "leader"
SOURCE_IMPORT = "import"

MIN_TITLE = 3
MAX_TITLE = 500
MAX_INDICATOR = 500
MAX_UNIT = 50
MAX_EXPECTATION = 2000
MAX_QUALITY = 500
MAX_NOTE = 1000
COMMON_UNITS = ("dokumen", "kegiatan", "laporan", "orang", "%")


@dataclass(frozen=True)
class Problem:
    """Why some input was refused: an English msgid and the values for its placeholders."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)
    about: str = ""  # the draft field to ask again, when one is to blame

    def render(self, t: Translator) -> str:
        """Translate the message and fill its placeholders (numbers in the user's locale)."""
        values = {k: t.number(v) if isinstance(v, int) else v for k, v in self.params.items()}
        return t._(self.message).format(**values)


@dataclass
class TargetDraft:
    """A target being written: the fields an employee or a leader types, step by step."""

    title: str = ""
    indicator: str = ""
    kind: str = KIND_QUANT
    amount: Decimal | None = None
    unit: str = ""
    expectation: str = ""
    quality_standard: str = ""
    jenis: str = JENIS_UTAMA
    parent_target_id: int | None = None

    @classmethod
    def of(cls, target: Target) -> TargetDraft:
        """Return a draft holding a stored target's current values."""
        return cls(
            title=target.title,
            indicator=target.indicator,
            kind=target.kind,
            amount=target.target_amount,
            unit=target.unit,
            expectation=target.expectation,
            quality_standard=target.quality_standard,
            jenis=target.jenis,
            parent_target_id=target.parent_target_id,
        )

    def normalized(self) -> TargetDraft:
        """Trim text and drop the fields the other kind uses."""
        quant = self.kind == KIND_QUANT
        return TargetDraft(
            title=self.title.strip(),
            indicator=self.indicator.strip(),
            kind=self.kind,
            amount=self.amount if quant else None,
            unit=self.unit.strip() if quant else "",
            expectation="" if quant else self.expectation.strip(),
            quality_standard=self.quality_standard.strip(),
            jenis=self.jenis,
            parent_target_id=self.parent_target_id or None,
        )

    def same_as(self, target: Target) -> bool:
        """True when saving this draft would change nothing in the stored target."""
        return TargetDraft.of(target).normalized() == self.normalized()


# --------------------------------------------------------------------------- validation


def check_title(text: str) -> Problem | None:
    """Check a rencana hasil kerja: 3 to 500 characters."""
    text = text.strip()
    if len(text) < MIN_TITLE:
        return Problem(N_("The work result needs at least {min} characters."), {"min": MIN_TITLE})
    if len(text) > MAX_TITLE:
        return Problem(
            N_("The work result may have at most {max} characters; yours has {length}."),
            {"max": MAX_TITLE, "length": len(text)},
        )
    return None


def check_indicator(text: str) -> Problem | None:
    """Check an indicator: at most 500 characters."""
    if len(text.strip()) > MAX_INDICATOR:
        return Problem(
            N_("The indicator may have at most {max} characters; yours has {length}."),
            {"max": MAX_INDICATOR, "length": len(text.strip())},
        )
    return None


def check_unit(text: str) -> Problem | None:
    """Check a unit of measure (satuan): 1 to 50 characters."""
    text = text.strip()
    if not text:
        return Problem(N_("Please give a unit of measure, for example dokumen or %."))
    if len(text) > MAX_UNIT:
        return Problem(
            N_("The unit may have at most {max} characters; yours has {length}."),
            {"max": MAX_UNIT, "length": len(text)},
        )
    return None


def check_expectation(text: str) -> Problem | None:
    """Check the expectation of a qualitative target: required, at most 2000 characters."""
    text = text.strip()
    if not text:
        return Problem(N_("Please describe what is expected for this qualitative target."))
    if len(text) > MAX_EXPECTATION:
        return Problem(
            N_("The expectation may have at most {max} characters; yours has {length}."),
            {"max": MAX_EXPECTATION, "length": len(text)},
        )
    return None


def check_quality(text: str) -> Problem | None:
    """Check an optional quality standard: at most 500 characters."""
    if len(text.strip()) > MAX_QUALITY:
        return Problem(
            N_("The quality standard may have at most {max} characters; yours has {length}."),
            {"max": MAX_QUALITY, "length": len(text.strip())},
        )
    return None


def check_note(text: str) -> Problem | None:
    """Check a leader's return note: required, at most 1000 characters."""
    text = text.strip()
    if not text:
        return Problem(N_("Please type a short note on what should be changed."))
    if len(text) > MAX_NOTE:
        return Problem(
            N_("The note may have at most {max} characters; yours has {length}."),
            {"max": MAX_NOTE, "length": len(text)},
        )
    return None


def read_amount(raw: str) -> Decimal | Problem:
    """Parse a typed target amount the Indonesian way ('12', '12,5', '1.250')."""
    try:
        return parse_amount(raw)
    except AmountError as exc:
        return Problem(exc.reason)


def check_amount(amount: Decimal | None) -> Problem | None:
    """Check a stored or parsed amount: more than 0 and at most one billion."""
    if amount is None:
        return Problem(N_("Please type the target amount, for example 12."))
    if amount <= 0:
        return Problem(N_("The amount must be more than 0."))
    if amount > MAX_AMOUNT:
        return Problem(N_("That number is too large. Please check it."))
    return None


def check_fields(draft: TargetDraft) -> list[Problem]:
    """Check everything in a draft that needs no database."""
    d = draft.normalized()
    problems: list[Problem | None] = [check_title(d.title), check_indicator(d.indicator)]
    if d.jenis not in JENIS:
        problems.append(Problem(N_("Choose utama or tambahan.")))
    if d.kind == KIND_QUANT:
        problems += [check_amount(d.amount), check_unit(d.unit)]
    elif d.kind == KIND_QUAL:
        problems.append(check_expectation(d.expectation))
    else:
        problems.append(Problem(N_("Choose quantitative or qualitative.")))
    problems.append(check_quality(d.quality_standard))
    return [p for p in problems if p is not None]


async def parent_options(
    session: AsyncSession, employee: Employee, period: Period
) -> list[Target]:
    """The approved targets of the employee's direct supervisor that a target may support."""
    if employee.supervisor_id is None:
        return []
    query = (
        select(Target)
        .where(
            Target.employee_id == employee.supervisor_id,
            Target.period == period.code,
            Target.status == STATUS_APPROVED,
        )
        .order_by(col(Target.jenis).desc(), col(Target.id))  # utama before tambahan
    )
    return list((await session.exec(query)).all())


async def validate_draft(
    session: AsyncSession, employee: Employee, period: Period, draft: TargetDraft
) -> list[Problem]:
    """Check a draft fully: fields, and that a named parent is the leader's approved target."""
    problems = check_fields(draft)
    parent_id = draft.parent_target_id
    if parent_id:
        options = {t.id for t in await parent_options(session, employee, period)}
        if parent_id not in options:
            problems.append(
                Problem(
                    N_(
                        "The leader's target you chose is not an approved target of your direct "
                        "supervisor for this semester any more. Please choose again."
                    ),
                    about="parent",
                )
            )
    return problems


# --------------------------------------------------------------------------- outcomes


class Outcome(StrEnum):
    OK = "ok"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    STALE = "stale"
    ALREADY_DECIDED = "already_decided"
    NOT_EDITABLE = "not_editable"
    NO_SUPERVISOR = "no_supervisor"


@dataclass
class TargetResult:
    """What a target operation did, with what the handler needs to answer."""

    outcome: Outcome
    target: Target | None = None
    owner: Employee | None = None
    problems: list[Problem] = field(default_factory=list)
    notified: bool = False  # a notice was queued for the other person


async def _load(session: AsyncSession, target_id: int) -> tuple[Target, Employee] | None:
    target = await session.get(Target, target_id)
    if target is None:
        return None
    owner = await session.get(Employee, target.employee_id)
    return (target, owner) if owner is not None else None


def is_editable(target: Target) -> bool:
    """Owners edit their own chat and leader targets; imported ones follow the official SKP."""
    return target.source != SOURCE_IMPORT and target.status in (
        STATUS_PENDING,
        STATUS_RETURNED,
        STATUS_APPROVED,
    )


def is_withdrawable(target: Target) -> bool:
    """Only a target that is not approved (pending or returned) can be withdrawn."""
    return target.status in (STATUS_PENDING, STATUS_RETURNED)


# --------------------------------------------------------------------------- actions


async def propose(
    session: AsyncSession,
    speaker: Speaker,
    draft: TargetDraft,
    *,
    period: Period,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Save the speaker's own target as pending and ask the direct leader to approve it."""
    employee = speaker.employee
    if employee.supervisor_id is None:
        return TargetResult(Outcome.NO_SUPERVISOR, owner=employee)
    problems = await validate_draft(session, employee, period, draft)
    if problems:
        return TargetResult(Outcome.INVALID, owner=employee, problems=problems)
    d = draft.normalized()
    target = Target(
        employee_id=speaker.id,
        period=period.code,
        title=d.title,
        indicator=d.indicator,
        kind=d.kind,
        target_amount=d.amount,
        unit=d.unit,
        expectation=d.expectation,
        quality_standard=d.quality_standard,
        jenis=d.jenis,
        parent_target_id=d.parent_target_id,
        status=STATUS_PENDING,
        source=SOURCE_CHAT,
        proposed_by_id=speaker.id,
        created_at=now,
        updated_at=now,
    )
    session.add(target)
    await session.flush()
    notified = await _ask_leader(session, target, employee, now=now, i18n=i18n)
    return TargetResult(Outcome.OK, target=target, owner=employee, notified=notified)


async def subordinate(
    session: AsyncSession, speaker: Speaker, employee_id: int
) -> Employee | None:
    """Return the active employee if the speaker is their direct supervisor, else None."""
    employee = await session.get(Employee, employee_id)
    if (
        employee is None
        or not employee.active
        or not access.is_direct_supervisor(speaker, employee)
    ):
        return None
    return employee


async def assign(
    session: AsyncSession,
    speaker: Speaker,
    employee_id: int,
    draft: TargetDraft,
    *,
    period: Period,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Create an approved target for a direct subordinate and tell them."""
    employee = await subordinate(session, speaker, employee_id)
    if employee is None:
        return TargetResult(Outcome.FORBIDDEN)
    problems = await validate_draft(session, employee, period, draft)
    if problems:
        return TargetResult(Outcome.INVALID, owner=employee, problems=problems)
    d = draft.normalized()
    target = Target(
        employee_id=employee_id,
        period=period.code,
        title=d.title,
        indicator=d.indicator,
        kind=d.kind,
        target_amount=d.amount,
        unit=d.unit,
        expectation=d.expectation,
        quality_standard=d.quality_standard,
        jenis=d.jenis,
        parent_target_id=d.parent_target_id,
        status=STATUS_APPROVED,
        source=SOURCE_LEADER,
        proposed_by_id=speaker.id,
        approved_by_id=speaker.id,
        approved_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(target)
    await session.flush()
    audit.record(
        session,
        action="target_assign",
        at=now,
        actor_id=speaker.id,
        subject_id=employee_id,
        target_id=target.id,
        period=period.code,
        title=target.title,
    )
    notified = await _tell_assigned(session, target, employee, speaker.employee, now, i18n)
    return TargetResult(Outcome.OK, target=target, owner=employee, notified=notified)


async def check_decision(
    session: AsyncSession, speaker: Speaker, target_id: int, version: int
) -> TargetResult:
    """Say whether the speaker may decide this target at this version now (nothing changes)."""
    loaded = await _load(session, target_id)
    if loaded is None:
        return TargetResult(Outcome.NOT_FOUND)
    target, owner = loaded
    if not access.is_direct_supervisor(speaker, owner):
        return TargetResult(Outcome.FORBIDDEN)
    if target.status != STATUS_PENDING:
        return TargetResult(Outcome.ALREADY_DECIDED, target=target, owner=owner)
    if target.version != version:
        return TargetResult(Outcome.STALE, target=target, owner=owner)
    return TargetResult(Outcome.OK, target=target, owner=owner)


async def decide(
    session: AsyncSession,
    speaker: Speaker,
    target_id: int,
    version: int,
    *,
    approve: bool,
    note: str = "",
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Approve, or return with a note, a pending target of a direct subordinate."""
    result = await check_decision(session, speaker, target_id, version)
    if result.outcome is not Outcome.OK:
        return result
    note = note.strip()
    if not approve and (problem := check_note(note)):
        return TargetResult(Outcome.INVALID, result.target, result.owner, [problem])
    values: dict[str, Any] = {"updated_at": now}
    if approve:
        values |= {
            "status": STATUS_APPROVED,
            "approved_by_id": speaker.id,
            "approved_at": now,
            "return_note": "",
        }
    else:
        values |= {"status": STATUS_RETURNED, "return_note": note}
    # The WHERE repeats the checks, so two leaders' presses (or replicas) cannot both win.
    changed = await session.exec(
        update(Target)
        .where(
            col(Target.id) == target_id,
            col(Target.version) == version,
            col(Target.status) == STATUS_PENDING,
        )
        .values(**values)
    )
    if changed.rowcount != 1:
        return TargetResult(Outcome.STALE, result.target, result.owner)
    target, owner = result.target, result.owner
    assert target is not None
    assert owner is not None
    await session.refresh(target)
    audit.record(
        session,
        action="target_approve" if approve else "target_return",
        at=now,
        actor_id=speaker.id,
        subject_id=owner.id,
        target_id=target.id,
        version=version,
        title=target.title,
        **({} if approve else {"note": note}),
    )
    notified = await _tell_decision(session, target, owner, speaker.employee, now, i18n)
    return TargetResult(Outcome.OK, target=target, owner=owner, notified=notified)


async def check_edit(
    session: AsyncSession, speaker: Speaker, target_id: int, version: int
) -> TargetResult:
    """Say whether the speaker may start editing this target (their own, editable, current)."""
    loaded = await _load(session, target_id)
    if loaded is None:
        return TargetResult(Outcome.NOT_FOUND)
    target, owner = loaded
    if owner.id != speaker.id:
        return TargetResult(Outcome.FORBIDDEN)
    if not is_editable(target):
        return TargetResult(Outcome.NOT_EDITABLE, target=target, owner=owner)
    if target.version != version:
        return TargetResult(Outcome.STALE, target=target, owner=owner)
    return TargetResult(Outcome.OK, target=target, owner=owner)


async def edit(
    session: AsyncSession,
    speaker: Speaker,
    target_id: int,
    version: int,
    draft: TargetDraft,
    *,
    now: datetime,
    i18n: I18n,
) -> TargetResult:
    """Change the speaker's own target; it goes (back) to the leader for approval."""
    result = await check_edit(session, speaker, target_id, version)
    if result.outcome is not Outcome.OK:
        return result
    target, owner = result.target, result.owner
    assert target is not None
    assert owner is not None
    if owner.supervisor_id is None:
        return TargetResult(Outcome.NO_SUPERVISOR, target, owner)
    period = parse_period(target.period)
    problems = await validate_draft(session, owner, period, draft)
    if problems:
        return TargetResult(Outcome.INVALID, target, owner, problems)
    # A returned target sent back unchanged is a resubmission; otherwise no-op edits stay put.
    if draft.same_as(target) and target.status in (STATUS_PENDING, STATUS_APPROVED):
        return TargetResult(Outcome.UNCHANGED, target, owner)
    before = TargetDraft.of(target)
    was = target.status
    d = draft.normalized()
    changed = await session.exec(
        update(Target)
        .where(col(Target.id) == target_id, col(Target.version) == version)
        .values(
            title=d.title,
            indicator=d.indicator,
            kind=d.kind,
            target_amount=d.amount,
            unit=d.unit,
            expectation=d.expectation,
            quality_standard=d.quality_standard,
            jenis=d.jenis,
            parent_target_id=d.parent_target_id,
            status=STATUS_PENDING,
            return_note="",
            approved_by_id=None,
            approved_at=None,
            version=version + 1,
            updated_at=now,
        )
    )
    if changed.rowcount != 1:
        return TargetResult(Outcome.STALE, target, owner)
    await session.refresh(target)
    if was == STATUS_APPROVED:
        audit.record(
            session,
            action="target_edit",
            at=now,
            actor_id=speaker.id,
            subject_id=owner.id,
            target_id=target.id,
            version=target.version,
            before=_audit_fields(before),
            after=_audit_fields(d),
        )
    notified = await _ask_leader(session, target, owner, now=now, i18n=i18n)
    return TargetResult(Outcome.OK, target, owner, notified=notified)


def _audit_fields(draft: TargetDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "indicator": draft.indicator,
        "kind": draft.kind,
        "amount": str(draft.amount) if draft.amount is not None else None,
        "unit": draft.unit,
        "expectation": draft.expectation,
        "quality_standard": draft.quality_standard,
        "jenis": draft.jenis,
        "parent_target_id": draft.parent_target_id,
    }


async def withdraw(
    session: AsyncSession, speaker: Speaker, target_id: int, version: int, *, now: datetime
) -> TargetResult:
    """Archive the speaker's own pending or returned target."""
    loaded = await _load(session, target_id)
    if loaded is None:
        return TargetResult(Outcome.NOT_FOUND)
    target, owner = loaded
    if owner.id != speaker.id:
        return TargetResult(Outcome.FORBIDDEN)
    if not is_withdrawable(target):
        return TargetResult(Outcome.NOT_EDITABLE, target, owner)
    changed = await session.exec(
        update(Target)
        .where(
            col(Target.id) == target_id,
            col(Target.version) == version,
            col(Target.status).in_([STATUS_PENDING, STATUS_RETURNED]),
        )
        .values(status=STATUS_ARCHIVED, version=version + 1, updated_at=now)
    )
    if changed.rowcount != 1:
        return TargetResult(Outcome.STALE, target, owner)
    await session.refresh(target)
    return TargetResult(Outcome.OK, target, owner)


# --------------------------------------------------------------------------- reading


async def list_targets(session: AsyncSession, employee_id: int, period: Period) -> list[Target]:
    """Return an employee's targets of a semester (not archived): utama first, oldest first."""
    query = (
        select(Target)
        .where(
            Target.employee_id == employee_id,
            Target.period == period.code,
            Target.status != STATUS_ARCHIVED,
        )
        .order_by(col(Target.jenis).desc(), col(Target.id))
    )
    return list((await session.exec(query)).all())


@dataclass
class ChildShare:
    """One subordinate's approved target that contributes to a leader's target."""

    target: Target
    employee_name: str
    achieved: Decimal
    reports: int
    same_unit: bool
    share: float | None  # child target / parent target, when the units match


@dataclass
class Cascade:
    """A leader's target with the approved targets that contribute to it."""

    parent: Target
    children: list[ChildShare]
    summed_target: Decimal | None  # children with the same unit only
    summed_achieved: Decimal | None
    ratio: float | None  # summed_achieved / the parent's amount
    other_units: int  # children in another unit: counted, never added


@dataclass
class Contribution:
    """How one target feeds its leader's target."""

    target: Target
    parent: Target
    parent_owner_name: str
    share: float | None
    cascade: Cascade


def units_match(a: Target, b: Target) -> bool:
    """True when both are quantitative with amounts in the same unit (case-insensitive)."""
    return (
        a.kind == KIND_QUANT
        and b.kind == KIND_QUANT
        and a.target_amount is not None
        and b.target_amount is not None
        and a.unit.strip().casefold() == b.unit.strip().casefold()
    )


def _share(child: Target, parent: Target) -> float | None:
    if not units_match(child, parent) or not parent.target_amount:
        return None
    assert child.target_amount is not None
    return float(child.target_amount / parent.target_amount)


async def cascade_of(session: AsyncSession, parent: Target) -> Cascade:
    """Return the approved children of a target with their amounts and reported sums."""
    assert parent.id is not None
    rows = (
        await session.exec(
            select(Target, Employee.name)
            .join(Employee, col(Employee.id) == Target.employee_id)
            .where(Target.parent_target_id == parent.id, Target.status == STATUS_APPROVED)
            .order_by(col(Employee.name), col(Target.id))
        )
    ).all()
    ids = [t.id for t, _name in rows if t.id is not None]
    sums = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    children: list[ChildShare] = []
    summed_target = Decimal(0)
    summed_achieved = Decimal(0)
    matching = 0
    for child, name in rows:
        assert child.id is not None
        same = units_match(child, parent)
        children.append(
            ChildShare(child, name, sums[child.id], counts[child.id], same, _share(child, parent))
        )
        if same:
            assert child.target_amount is not None
            matching += 1
            summed_target += child.target_amount
            summed_achieved += sums[child.id]
    ratio = None
    if matching and parent.kind == KIND_QUANT and parent.target_amount:
        ratio = float(summed_achieved / parent.target_amount)
    return Cascade(
        parent=parent,
        children=children,
        summed_target=summed_target if matching else None,
        summed_achieved=summed_achieved if matching else None,
        ratio=ratio,
        other_units=len(children) - matching,
    )


async def contribution_of(session: AsyncSession, target: Target) -> Contribution | None:
    """Return how a target feeds its leader's target, or None when it names none."""
    if target.parent_target_id is None:
        return None
    parent = await session.get(Target, target.parent_target_id)
    if parent is None or parent.status == STATUS_ARCHIVED:
        return None
    owner = await session.get(Employee, parent.employee_id)
    return Contribution(
        target=target,
        parent=parent,
        parent_owner_name=owner.name if owner else "",
        share=_share(target, parent),
        cascade=await cascade_of(session, parent),
    )


@dataclass
class TargetLine:
    """One target on a list screen, with progress and its place in the cascade."""

    target: Target
    achieved: Decimal
    reports: int
    contribution: Contribution | None
    cascade: Cascade | None  # only when approved children exist


@dataclass
class Overview:
    """An employee's targets of one semester, as the employee or their leader sees them."""

    employee: Employee
    period: Period
    lines: list[TargetLine]
    has_supervisor: bool
    pending: int


async def overview(
    session: AsyncSession, speaker: Speaker, employee_id: int, period: Period
) -> Overview | None:
    """Return the targets screen for oneself or a direct subordinate; None for anyone else."""
    if employee_id == speaker.id:
        employee: Employee | None = speaker.employee
    else:
        employee = await subordinate(session, speaker, employee_id)
    if employee is None:
        return None
    targets = await list_targets(session, employee_id, period)
    ids = [t.id for t in targets if t.id is not None]
    sums = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    lines: list[TargetLine] = []
    for target in targets:
        assert target.id is not None
        cascade = None
        if target.status == STATUS_APPROVED:
            cascade = await cascade_of(session, target)
            cascade = cascade if cascade.children else None
        lines.append(
            TargetLine(
                target=target,
                achieved=sums[target.id],
                reports=counts[target.id],
                contribution=await contribution_of(session, target),
                cascade=cascade,
            )
        )
    return Overview(
        employee=employee,
        period=period,
        lines=lines,
        has_supervisor=employee.supervisor_id is not None,
        pending=sum(1 for t in targets if t.status == STATUS_PENDING),
    )


@dataclass
class TeamMember:
    """A direct subordinate on the leader's team screen."""

    employee: Employee
    targets: int
    pending: int


async def team(session: AsyncSession, speaker: Speaker, period: Period) -> list[TeamMember]:
    """Return the speaker's active direct subordinates with their target counts."""
    people = (
        await session.exec(
            select(Employee)
            .where(Employee.supervisor_id == speaker.id, col(Employee.active).is_(True))
            .order_by(col(Employee.name))
        )
    ).all()
    ids = [p.id for p in people]
    counts = (
        await session.exec(
            select(Target.employee_id, Target.status, func.count())
            .where(
                col(Target.employee_id).in_(ids),
                Target.period == period.code,
                Target.status != STATUS_ARCHIVED,
            )
            .group_by(col(Target.employee_id), col(Target.status))
        )
    ).all()
    total: dict[int, int] = {}
    pending: dict[int, int] = {}
    for emp_id, status, n in counts:
        total[emp_id] = total.get(emp_id, 0) + int(n)
        if status == STATUS_PENDING:
            pending[emp_id] = int(n)
    return [TeamMember(p, total.get(p.id or 0, 0), pending.get(p.id or 0, 0)) for p in people]


# --------------------------------------------------------------------------- rendering


def amount_text(t: Translator, target: Target | TargetDraft) -> str:
    """Render '12 dokumen' or the qualitative expectation, escaped."""
    if isinstance(target, Target):
        kind, amount, unit = target.kind, target.target_amount, target.unit
        expectation = target.expectation
    else:
        kind, amount, unit, expectation = (
            target.kind,
            target.amount,
            target.unit,
            target.expectation,
        )
    if kind == KIND_QUANT:
        number = t.number(amount) if amount is not None else "-"
        return f"{number} {esc(unit)}".strip()
    return esc(expectation)


def jenis_label(t: Translator, jenis: str) -> str:
    """Translate utama/tambahan."""
    return t._("Main (utama)") if jenis == JENIS_UTAMA else t._("Additional (tambahan)")


def kind_label(t: Translator, kind: str) -> str:
    """Translate kuantitatif/kualitatif."""
    return t._("Quantitative") if kind == KIND_QUANT else t._("Qualitative")


def describe(
    t: Translator, target: Target | TargetDraft, parent: Target | None = None
) -> list[str]:
    """Render a target's fields as HTML lines (every typed value escaped)."""
    _ = t._
    lines = [_("<b>Work result:</b> {title}").format(title=esc(target.title))]
    if target.indicator:
        lines.append(_("Indicator: {indicator}").format(indicator=esc(target.indicator)))
    if target.kind == KIND_QUANT:
        lines.append(_("Target: {amount}").format(amount=amount_text(t, target)))
    else:
        lines.append(_("Expectation: {text}").format(text=amount_text(t, target)))
    if target.quality_standard:
        lines.append(_("Quality standard: {text}").format(text=esc(target.quality_standard)))
    lines.append(
        _("Type: {jenis}, {kind}").format(
            jenis=jenis_label(t, target.jenis), kind=kind_label(t, target.kind)
        )
    )
    if parent is not None:
        lines.append(_("Supports the leader's target: {title}").format(title=esc(parent.title)))
    return lines


# --------------------------------------------------------------------------- notices


async def _ask_leader(
    session: AsyncSession, target: Target, owner: Employee, *, now: datetime, i18n: I18n
) -> bool:
    """Queue the approval request, with Approve/Return buttons, for the direct leader."""
    if owner.supervisor_id is None:
        return False
    leader = await session.get(Employee, owner.supervisor_id)
    if leader is None or leader.telegram_user_id is None or not leader.active:
        return False
    parent = (
        await session.get(Target, target.parent_target_id) if target.parent_target_id else None
    )
    t = i18n.for_language(leader.language)
    _ = t._
    if target.version > 1:
        head = _("<b>Changed target for approval</b>\n{name} changed a target:")
    else:
        head = _("<b>New target for approval</b>\n{name} proposes a target:")
    text = "\n".join(
        [
            head.format(name=esc(owner.name)),
            "",
            *describe(t, target, parent),
            "",
            _("Please approve it, or return it with a short note on what to change."),
        ]
    )
    markup = notices.inline_keyboard(
        [
            [
                (_("Approve"), f"tg:ok:{target.id}:{target.version}"),
                (_("Return"), f"tg:ret:{target.id}:{target.version}"),
            ]
        ]
    )
    return await notices.enqueue(
        session,
        dedupe_key=f"target:ask:{target.id}:{target.version}",
        kind="target_request",
        chat_id=leader.telegram_user_id,
        employee_id=leader.id,
        text=text,
        reply_markup=markup,
        now=now,
    )


async def _tell_decision(
    session: AsyncSession,
    target: Target,
    owner: Employee,
    leader: Employee,
    now: datetime,
    i18n: I18n,
) -> bool:
    """Tell the employee that their target was approved or returned (with the note)."""
    if owner.telegram_user_id is None:
        return False
    t = i18n.for_language(owner.language)
    _ = t._
    if target.status == STATUS_APPROVED:
        text = _(
            "Good news: {leader} approved your target “{title}”. You can now report progress "
            "on it."
        ).format(leader=esc(leader.name), title=esc(target.title))
    else:
        text = _(
            "{leader} returned your target “{title}” with this note:\n<i>{note}</i>\n\n"
            "Please adjust it with /target and send it again. This is a normal part of "
            "agreeing on targets."
        ).format(leader=esc(leader.name), title=esc(target.title), note=esc(target.return_note))
    return await notices.enqueue(
        session,
        dedupe_key=f"target:decided:{target.id}:{target.version}",
        kind="target_decision",
        chat_id=owner.telegram_user_id,
        employee_id=owner.id,
        text=text,
        now=now,
    )


async def _tell_assigned(
    session: AsyncSession,
    target: Target,
    owner: Employee,
    leader: Employee,
    now: datetime,
    i18n: I18n,
) -> bool:
    """Tell the employee that their leader added a target for them."""
    if owner.telegram_user_id is None:
        return False
    parent = (
        await session.get(Target, target.parent_target_id) if target.parent_target_id else None
    )
    t = i18n.for_language(owner.language)
    _ = t._
    text = "\n".join(
        [
            _("<b>New target from your leader</b>\n{leader} added a target for you:").format(
                leader=esc(leader.name)
            ),
            "",
            *describe(t, target, parent),
            "",
            _("It is already approved. Send /target to see all your targets."),
        ]
    )
    return await notices.enqueue(
        session,
        dedupe_key=f"target:assigned:{target.id}",
        kind="target_assigned",
        chat_id=owner.telegram_user_id,
        employee_id=owner.id,
        text=text,
        now=now,
    )
