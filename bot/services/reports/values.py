"""What a report says per IKI: a count or level, a delivery (a date or on time), or words.

A report on a single-IKI RHK gives its amount (or narrative) for that IKI, as /lapor always
did; a report on an RHK with several IKIs may give a value for each. The report's own
`amount` mirrors its value for the first IKI, so the sums that read it (the cascade, the
city-wide statistics) stay right. Helpers here work in the caller's session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_
from bot.services.targets import indicators
from bot.services.targets.achievement import IndicatorView, indicators_of
from bot.services.targets.achievement_rules import Measure
from models import ProgressReport, ReportValue, Target

NEEDS_POSITIVE = N_("Please type a number above 0.")
NEEDS_NUMBER = N_("Please type a number, 0 or more.")
NEEDS_DELIVERY = N_("Please say when it was done, or whether it was on time.")
NEEDS_WORDS = N_("Please describe in a few sentences what you achieved.")
NOT_THIS_TARGET = N_("This indicator does not belong to the target.")


@dataclass(frozen=True)
class IkiValue:
    """One IKI's value in a report (kept in a draft as JSON)."""

    indicator_id: int
    amount: Decimal | None = None
    done_on: date | None = None
    on_time: bool | None = None
    note: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "amount": str(self.amount) if self.amount is not None else None,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "on_time": self.on_time,
            "note": self.note,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> IkiValue:
        amount, done_on = data.get("amount"), data.get("done_on")
        on_time = data.get("on_time")
        try:
            return cls(
                indicator_id=int(data["indicator_id"]),
                amount=Decimal(str(amount)) if amount is not None else None,
                done_on=date.fromisoformat(str(done_on)) if done_on else None,
                on_time=bool(on_time) if on_time is not None else None,
                note=str(data.get("note") or ""),
            )
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(str(exc)) from exc


def check_value(row: IndicatorView, value: IkiValue) -> str | None:
    """The problem with a value for this IKI (msgid), or None when it can be counted."""
    if row.id is not None and value.indicator_id != row.id:
        return NOT_THIS_TARGET
    measure = Measure(row.measure)
    if measure is Measure.CUMULATIVE:
        return None if value.amount is not None and value.amount > 0 else NEEDS_POSITIVE
    if measure in (Measure.LEVEL, Measure.LOWER):
        return None if value.amount is not None and value.amount >= 0 else NEEDS_NUMBER
    if measure is Measure.DEADLINE:
        done = value.on_time is not None if row.periods else value.done_on is not None
        return None if done else NEEDS_DELIVERY
    return None if value.note.strip() else NEEDS_WORDS


async def first_indicator(session: AsyncSession, target: Target) -> IndicatorView:
    """In the caller's session: the target's first IKI row (written from its columns if none)."""
    [rows] = (await indicators_of(session, [target])).values()
    if rows[0].id is None:
        await indicators.sync_first(session, target)
        [rows] = (await indicators_of(session, [target])).values()
    return rows[0]


def first_value(row: IndicatorView, amount: Decimal | None, note: str) -> IkiValue:
    """The value a plain /lapor report (an amount, or a narrative) gives the first IKI."""
    assert row.id is not None
    if Measure(row.measure) is Measure.QUALITATIVE:
        return IkiValue(row.id, note=note.strip())
    return IkiValue(row.id, amount=amount)


def write_values(
    session: AsyncSession, report: ProgressReport, values: Sequence[IkiValue]
) -> None:
    """In the caller's session: add the report's value rows."""
    assert report.id is not None
    for v in values:
        session.add(
            ReportValue(
                report_id=report.id,
                indicator_id=v.indicator_id,
                amount=v.amount,
                done_on=v.done_on,
                on_time=v.on_time,
                note=v.note.strip(),
            )
        )


async def sync_first_value(session: AsyncSession, report: ProgressReport, target: Target) -> None:
    """In the caller's session: after a correction, the first IKI's value follows the report."""
    assert report.id is not None
    row = await first_indicator(session, target)
    assert row.id is not None
    value = (
        await session.exec(
            select(ReportValue).where(
                ReportValue.report_id == report.id, col(ReportValue.indicator_id) == row.id
            )
        )
    ).first()
    wanted = first_value(row, report.amount, report.note)
    if value is None:
        write_values(session, report, [wanted])
        return
    value.amount, value.note = wanted.amount, wanted.note
    session.add(value)
