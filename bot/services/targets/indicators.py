"""An RHK's indicators (IKI) as they are written: the first one mirrors the target's columns.

A target's `indicator`, `kind`, `target_amount`, `unit` and `expectation` describe its first
IKI (position 0), so every screen and flow written for one indicator keeps working. Whoever
writes those columns calls `sync_first` in the same transaction; an RHK with several IKIs
(from `import-targets`) gets them all with `replace_all`. Helpers here work in the caller's
session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_
from bot.services.numbers import AmountError, parse_amount
from bot.services.targets.achievement_rules import Aspect, Measure
from bot.services.targets.vocabulary import KIND_QUAL, KIND_QUANT
from models import Indicator, Target


@dataclass(frozen=True)
class IndicatorDraft:
    """One IKI to be written: its aspek, how it is measured, its target."""

    aspect: Aspect
    measure: Measure
    text: str
    amount: Decimal | None = None
    unit: str = ""
    due_on: date | None = None
    periods: int | None = None
    expectation: str = ""

    @property
    def kind(self) -> str:
        """The target kind this IKI stands for when it is the first (qualitative or not)."""
        return KIND_QUAL if self.measure is Measure.QUALITATIVE else KIND_QUANT


WHOLE_PERIODS = N_("Please type a whole number of periods, for example 12.")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")


def parse_typed_deadline(text: str) -> tuple[date | None, int | None]:
    """A deadline typed in the chat: a date (15-12-2026, 15/12/2026, 2026-12-15), or a whole
    number of periods that must each be on time. Raises AmountError with a msgid."""
    raw = text.strip()
    for fmt in DATE_FORMATS:
        try:
            # Only the calendar day is kept, so no time zone is involved.
            return datetime.strptime(raw, fmt).date(), None  # noqa: DTZ007
        except ValueError:
            continue
    amount = parse_amount(raw)
    if amount != amount.to_integral_value():
        raise AmountError(WHOLE_PERIODS)
    return None, int(amount)


def draft_from_data(data: dict[str, Any]) -> IndicatorDraft:
    """An IKI draft from its JSON form (a chat draft keeps it so); ValueError when unreadable."""
    amount, due = data.get("amount"), data.get("due_on")
    return IndicatorDraft(
        aspect=Aspect(data["aspect"]),
        measure=Measure(data["measure"]),
        text=str(data.get("text") or ""),
        amount=Decimal(str(amount)) if amount not in (None, "") else None,
        unit=str(data.get("unit") or ""),
        due_on=date.fromisoformat(str(due)) if due else None,
        periods=int(data["periods"]) if data.get("periods") else None,
        expectation=str(data.get("expectation") or ""),
    )


def default_measure(kind: str) -> Measure:
    """A kuantitatif target's IKI adds up; a kualitatif one is the leader's assessment."""
    return Measure.QUALITATIVE if kind == KIND_QUAL else Measure.CUMULATIVE


def default_aspect(measure: Measure) -> Aspect:
    """The aspek an IKI has when none is given: kualitas for qualitative, waktu for deadlines."""
    if measure is Measure.QUALITATIVE:
        return Aspect.KUALITAS
    if measure is Measure.DEADLINE:
        return Aspect.WAKTU
    return Aspect.KUANTITAS


def _fill(row: Indicator, draft: IndicatorDraft) -> None:
    row.aspect = draft.aspect.value
    row.measure = draft.measure.value
    row.text = draft.text
    row.target_amount = draft.amount
    row.unit = draft.unit
    row.due_on = draft.due_on
    row.periods = draft.periods
    row.expectation = draft.expectation


async def _rows(session: AsyncSession, target_id: int) -> list[Indicator]:
    query = (
        select(Indicator).where(Indicator.target_id == target_id).order_by(col(Indicator.position))
    )
    return list((await session.exec(query)).all())


async def sync_first(session: AsyncSession, target: Target) -> None:
    """In the caller's session: write the first IKI from the target's own columns.

    Its measure and aspek are kept while they still fit the target's kind (an imported
    'level' IKI stays a level), else they follow the kind.
    """
    assert target.id is not None
    rows = await _rows(session, target.id)
    row = rows[0] if rows else Indicator(target_id=target.id, position=0)
    kind_now = default_measure(target.kind)
    measure = Measure(row.measure) if rows else kind_now
    if (measure is Measure.QUALITATIVE) != (kind_now is Measure.QUALITATIVE):
        measure = kind_now
    aspect = Aspect(row.aspect) if rows and measure.value == row.measure else None
    _fill(
        row,
        IndicatorDraft(
            aspect=aspect or default_aspect(measure),
            measure=measure,
            text=target.indicator,
            amount=target.target_amount if measure is not Measure.QUALITATIVE else None,
            unit=target.unit,
            due_on=row.due_on if measure is Measure.DEADLINE else None,
            periods=row.periods if measure is Measure.DEADLINE else None,
            expectation=target.expectation,
        ),
    )
    session.add(row)
    await session.flush()


async def replace_all(
    session: AsyncSession, target_id: int, drafts: Sequence[IndicatorDraft]
) -> None:
    """In the caller's session: make the target's IKIs exactly these, in order.

    Rows at positions that stay are updated in place (their reported values stay with them);
    rows beyond the new count are removed.
    """
    assert drafts
    rows = await _rows(session, target_id)
    for position, draft in enumerate(drafts):
        row = rows[position] if position < len(rows) else Indicator(target_id=target_id)
        row.position = position
        _fill(row, draft)
        session.add(row)
    if len(rows) > len(drafts):
        gone = [r.id for r in rows[len(drafts) :] if r.id is not None]
        await session.exec(delete(Indicator).where(col(Indicator.id).in_(gone)))
    await session.flush()


MAX_INDICATORS = 10  # IKIs per RHK (the SKP form has a few; more is most likely a mistake)


async def add_extras(
    session: AsyncSession, target: Target, extras: Sequence[IndicatorDraft]
) -> None:
    """In the caller's session: after the first IKI, add these (a new target's further IKIs)."""
    if not extras:
        return
    assert target.id is not None
    rows = await _rows(session, target.id)
    start = rows[-1].position + 1 if rows else 1
    for position, draft in enumerate(extras[: MAX_INDICATORS - 1], start=start):
        row = Indicator(target_id=target.id, position=position)
        _fill(row, draft)
        session.add(row)
    await session.flush()


def row_signature(r: Indicator) -> tuple[str, ...]:
    """An IKI row as a comparable tuple (import idempotency)."""
    return (
        r.aspect,
        r.measure,
        r.text,
        str(Decimal(str(r.target_amount)).normalize()) if r.target_amount is not None else "",
        r.unit,
        r.due_on.isoformat() if r.due_on else "",
        str(r.periods or ""),
        r.expectation,
    )


async def signatures(
    session: AsyncSession, targets: dict[int, Target]
) -> dict[int, list[tuple[str, ...]]]:
    """In the caller's session: each target's IKIs as comparable tuples, in order.

    A target without rows has the one IKI its own columns describe.
    """
    found: dict[int, list[tuple[str, ...]]] = {}
    ids = sorted(targets)
    for start in range(0, len(ids), 1000):
        query = (
            select(Indicator)
            .where(col(Indicator.target_id).in_(ids[start : start + 1000]))
            .order_by(col(Indicator.target_id), col(Indicator.position))
        )
        for row in (await session.exec(query)).all():
            found.setdefault(row.target_id, []).append(row_signature(row))
    for target_id, target in targets.items():
        if target_id not in found:
            found[target_id] = [row_signature(implied_row(target))]
    return found


def implied_row(target: Target) -> Indicator:
    """The one IKI a target's own columns describe (for a target without rows)."""
    measure = default_measure(target.kind)
    return Indicator(
        target_id=target.id or 0,
        position=0,
        aspect=default_aspect(measure).value,
        measure=measure.value,
        text=target.indicator,
        target_amount=target.target_amount,
        unit=target.unit,
        expectation=target.expectation,
    )
