"""What an SKP target consists of, the draft being written, its checks, and its rendering.

The vocabulary (kinds, jenis, statuses, sources, limits) is shared by the chat flow and the
import. Field checks return a Problem (an untranslated msgid with its values) instead of
raising, so a handler can ask for exactly that field again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_, Translator
from bot.services.numbers import MAX_AMOUNT, AmountError, parse_amount
from bot.services.periods import Period
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
    t: Translator, target: Target | TargetDraft, parent: Target | TargetDraft | None = None
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
