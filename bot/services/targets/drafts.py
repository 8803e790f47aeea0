"""The target being written: its fields, their checks, and what the draft's steps look up.

Field checks return a Problem (an untranslated msgid with its values) instead of raising, so
a handler can ask for exactly that field again. Lengths follow the one text rule
(bot.services.text_rules.check_text), told in each field's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_, Translator
from bot.services.access import Speaker
from bot.services.numbers import MAX_AMOUNT, AmountError, parse_amount
from bot.services.periods import Period
from bot.services.targets.indicators import IndicatorDraft
from bot.services.targets.vocabulary import (
    JENIS,
    JENIS_UTAMA,
    KIND_QUAL,
    KIND_QUANT,
    MAX_EXPECTATION,
    MAX_INDICATOR,
    MAX_NOTE,
    MAX_QUALITY,
    MAX_TITLE,
    MAX_UNIT,
    MIN_TITLE,
    STATUS_APPROVED,
)
from bot.services.text_rules import TOO_SHORT, check_text
from models import Employee, Target
from models.db import SessionFactory


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
    # IKIs after the first (the fields above describe the first); written in this order.
    extra_indicators: tuple[IndicatorDraft, ...] = ()

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
            extra_indicators=self.extra_indicators,
        )

    def same_as(self, target: Target) -> bool:
        """True when saving this draft would change nothing in the stored target."""
        return TargetDraft.of(target).normalized() == self.normalized()


# --------------------------------------------------------------------------- validation


def _checked(
    text: str,
    *,
    limit: int,
    too_long: str,
    minimum: int = 0,
    too_short: Problem | None = None,
) -> Problem | None:
    """Apply the text rule to a field: `too_short` when under `minimum`, `too_long` over it."""
    problem = check_text(text, minimum=minimum, limit=limit)
    if problem is None:
        return None
    if problem.reason == TOO_SHORT and too_short is not None:
        return too_short
    return Problem(too_long, {"max": limit, "length": problem.length})


def check_title(text: str) -> Problem | None:
    """Check a rencana hasil kerja: 3 to 500 characters."""
    return _checked(
        text,
        limit=MAX_TITLE,
        too_long=N_("The work result may have at most {max} characters; yours has {length}."),
        minimum=MIN_TITLE,
        too_short=Problem(
            N_("The work result needs at least {min} characters."), {"min": MIN_TITLE}
        ),
    )


INDICATOR_TOO_LONG = N_("The indicator may have at most {max} characters; yours has {length}.")


def check_indicator(text: str) -> Problem | None:
    """Check an indicator: at most 500 characters (an import may leave it empty)."""
    return _checked(text, limit=MAX_INDICATOR, too_long=INDICATOR_TOO_LONG)


def check_typed_indicator(text: str) -> Problem | None:
    """Check an indicator typed in the chat: required there, at most 500 characters."""
    return _checked(
        text,
        limit=MAX_INDICATOR,
        too_long=INDICATOR_TOO_LONG,
        minimum=1,
        too_short=Problem(N_("Please type the indicator.")),
    )


def check_unit(text: str) -> Problem | None:
    """Check a unit of measure (satuan): 1 to 50 characters."""
    return _checked(
        text,
        limit=MAX_UNIT,
        too_long=N_("The unit may have at most {max} characters; yours has {length}."),
        minimum=1,
        too_short=Problem(N_("Please give a unit of measure, for example dokumen or %.")),
    )


def check_expectation(text: str) -> Problem | None:
    """Check the expectation of a qualitative target: required, at most 2000 characters."""
    return _checked(
        text,
        limit=MAX_EXPECTATION,
        too_long=N_("The expectation may have at most {max} characters; yours has {length}."),
        minimum=1,
        too_short=Problem(N_("Please describe what is expected for this qualitative target.")),
    )


def check_quality(text: str) -> Problem | None:
    """Check an optional quality standard: at most 500 characters."""
    return _checked(
        text,
        limit=MAX_QUALITY,
        too_long=N_("The quality standard may have at most {max} characters; yours has {length}."),
    )


def check_note(text: str) -> Problem | None:
    """Check a leader's return note: required, at most 1000 characters."""
    return _checked(
        text,
        limit=MAX_NOTE,
        too_long=N_("The note may have at most {max} characters; yours has {length}."),
        minimum=1,
        too_short=Problem(N_("Please type a short note on what should be changed.")),
    )


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


# --------------------------------------------------------------------------- the draft's steps


@dataclass(frozen=True)
class DraftSetting:
    """What a draft's summary names besides the typed fields: whose target, which parent."""

    owner: Employee
    parent: Target | None


async def _owner(session: AsyncSession, speaker: Speaker, employee_id: int) -> Employee:
    """The employee the draft's target is for: the speaker, or the assigned subordinate."""
    if employee_id == speaker.id:
        return speaker.employee
    employee = await session.get(Employee, employee_id)
    assert employee is not None
    return employee


async def parent_choices(
    db: SessionFactory, speaker: Speaker, employee_id: int, period: Period
) -> list[Target]:
    """The leader's targets a draft for this employee may support (see parent_options)."""
    async with db() as session:
        return await parent_options(session, await _owner(session, speaker, employee_id), period)


async def draft_setting(
    db: SessionFactory, speaker: Speaker, employee_id: int, parent_id: int | None
) -> DraftSetting:
    """Load whose target the draft is and the leader's target it names, for its summary."""
    async with db() as session:
        owner = await _owner(session, speaker, employee_id)
        parent = await session.get(Target, parent_id) if parent_id else None
    return DraftSetting(owner, parent)
