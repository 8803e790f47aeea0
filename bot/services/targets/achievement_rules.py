"""How achievement is computed: per IKI, per RHK, per semester, and the hasil-kerja suggestion.

An SKP holds work results (RHK), utama or tambahan; each RHK has one or more indicators (IKI),
each with an aspek (kuantitas, kualitas, waktu, biaya) and one way of being measured:

- cumulative: reports add up ("12 dokumen");
- level: the newest reported value counts ("kepuasan layanan 90 %");
- lower is better: at or under the target is 100 %, above it falls ("keluhan paling banyak 5");
- deadline: done on or before a date, or on time in N of M periods ("12 dari 12 bulan");
- qualitative: the leader's assessment (below / meets / above expectation) is the achievement.

These are pure functions of plain values (the queries that feed them live beside them), so
each rule is one named function with a table test. An IKI's own achievement is shown as
measured, above 100 % included: that is where "above expectation" becomes visible. In a
roll-up each IKI counts at most ROLLUP_CAP (100 %), so one exceeded IKI can never hide another's
shortfall; the result says when the cap applied. An RHK is above expectation when none of its
indicators falls short and most of them are above their targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.i18n import N_

HUNDRED = Decimal(100)
# In a roll-up, one IKI counts at most this much, so an exceeded indicator cannot make up for
# another indicator's shortfall (the exceeding shows in the RHK's expectation instead).
ROLLUP_CAP = HUNDRED


class Measure(StrEnum):
    """How an IKI is measured."""

    CUMULATIVE = "cumulative"
    LEVEL = "level"
    LOWER = "lower"
    DEADLINE = "deadline"
    QUALITATIVE = "qualitative"


class Aspect(StrEnum):
    """The aspek of an IKI (PermenPANRB 6/2022); biaya is optional."""

    KUANTITAS = "kuantitas"
    KUALITAS = "kualitas"
    WAKTU = "waktu"
    BIAYA = "biaya"


class Expectation(StrEnum):
    """A result against expectation: the three levels of the regulation."""

    BELOW = "below"
    MEETS = "meets"
    ABOVE = "above"


# What a leader's assessment of a qualitative IKI counts as, so that it rolls up like a
# measured one: below, at, or above its target.
QUALITATIVE_PERCENT = {
    Expectation.BELOW: Decimal(50),
    Expectation.MEETS: HUNDRED,
    Expectation.ABOVE: Decimal(110),
}
# A deadline met late counts this much (done, but not when it was due).
LATE_PERCENT = Decimal(50)

# Why an IKI or RHK is not counted (msgids, translated where they are shown).
NOT_REPORTED = N_("no value reported yet")
NOT_ASSESSED = N_("not yet assessed by the leader")
NOT_DUE = N_("not due yet")
NO_TARGET = N_("no target value set")
NOTHING_COUNTED = N_("none of its indicators can be measured yet")


@dataclass(frozen=True)
class Indicator:
    """What a rule needs to know of an IKI.

    `target` is the number for cumulative, level and lower; for a deadline it is the number of
    periods (M) when the deadline repeats, else None with `due` the date.
    """

    measure: Measure
    target: Decimal | None = None
    due: date | None = None


@dataclass(frozen=True)
class Observation:
    """One reported value for an IKI, oldest first in the lists the rules receive.

    `value` is the number reported (cumulative, level, lower). For a deadline, `done_on` is the
    day the work was delivered (single date) and `on_time` whether a period's work was on time.
    """

    reported_on: date
    value: Decimal | None = None
    done_on: date | None = None
    on_time: bool | None = None


@dataclass(frozen=True)
class IkiResult:
    """An IKI's achievement as measured (None when it cannot be counted yet, with the reason)."""

    percent: Decimal | None
    measured: Decimal | None = None  # the number shown: a sum, the newest level, periods on time
    not_counted: str | None = None  # msgid
    done_on: date | None = None  # a single-date deadline: the day it was first delivered

    @property
    def counted(self) -> bool:
        return self.percent is not None


@dataclass(frozen=True)
class RhkResult:
    """An RHK's achievement: the mean of its counted IKIs, each capped at ROLLUP_CAP."""

    percent: Decimal | None
    counted: int
    capped: bool = False  # True when at least one IKI was counted lower than measured
    not_counted: str | None = None  # msgid, when no IKI could be counted
    above: int = 0  # counted IKIs above their target

    @property
    def expectation(self) -> Expectation | None:
        """Below when any IKI falls short; above when most IKIs exceed; else meets."""
        if self.percent is None:
            return None
        if self.percent < HUNDRED:
            return Expectation.BELOW
        return Expectation.ABOVE if self.above * 2 > self.counted else Expectation.MEETS


@dataclass(frozen=True)
class SemesterResult:
    """A semester's achievement: the mean of the counted utama RHKs (tambahan apart)."""

    utama: Decimal | None
    tambahan: Decimal | None
    counted_utama: int
    counted_tambahan: int
    not_counted: int  # RHKs with nothing measurable yet
    capped: bool = False


@dataclass(frozen=True)
class Suggestion:
    """The suggested hasil-kerja rating, with the counts behind it and what was left out."""

    rating: Expectation | None
    counted: int
    above: int
    meets: int
    below: int
    utama_counted: int
    utama_below: int
    not_counted: list[str] = field(default_factory=list)  # RHK titles left out
    reason: str = ""  # msgid: the rule that decided


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """Return part / whole in percent (whole > 0)."""
    return part * HUNDRED / whole


def expectation_of(percent: Decimal) -> Expectation:
    """Exactly on target is sesuai; any shortfall is below, anything beyond is above."""
    if percent > HUNDRED:
        return Expectation.ABOVE
    if percent == HUNDRED:
        return Expectation.MEETS
    return Expectation.BELOW


def cumulative_achievement(target: Decimal | None, values: Sequence[Decimal]) -> IkiResult:
    """Reports add up: the sum against the target (0 % before the first report)."""
    if target is None or target <= 0:
        return IkiResult(None, not_counted=NO_TARGET)
    total = sum(values, Decimal(0))
    return IkiResult(percent_of(total, target), measured=total)


def level_achievement(target: Decimal | None, values: Sequence[Decimal]) -> IkiResult:
    """The newest reported level against the target."""
    if target is None or target <= 0:
        return IkiResult(None, not_counted=NO_TARGET)
    if not values:
        return IkiResult(None, not_counted=NOT_REPORTED)
    newest = values[-1]
    return IkiResult(percent_of(newest, target), measured=newest)


def lower_achievement(target: Decimal | None, values: Sequence[Decimal]) -> IkiResult:
    """Lower is better: at or under the target is 100 %; above it, target / actual."""
    if target is None or target < 0:
        return IkiResult(None, not_counted=NO_TARGET)
    if not values:
        return IkiResult(None, not_counted=NOT_REPORTED)
    newest = values[-1]
    if newest <= target:
        return IkiResult(HUNDRED, measured=newest)
    return IkiResult(percent_of(target, newest), measured=newest)


def deadline_achievement(
    due: date | None, periods: Decimal | None, observations: Sequence[Observation], today: date
) -> IkiResult:
    """On time: a single due date (done by then), or N of M periods delivered on time."""
    if periods is not None:
        if periods <= 0:
            return IkiResult(None, not_counted=NO_TARGET)
        on_time = Decimal(sum(1 for o in observations if o.on_time))
        if not observations:
            return IkiResult(None, not_counted=NOT_REPORTED)
        return IkiResult(percent_of(min(on_time, periods), periods), measured=on_time)
    if due is None:
        return IkiResult(None, not_counted=NO_TARGET)
    done = [o.done_on for o in observations if o.done_on is not None]
    if done:
        first = min(done)
        return IkiResult(HUNDRED if first <= due else LATE_PERCENT, done_on=first)
    if today > due:
        return IkiResult(Decimal(0))
    return IkiResult(None, not_counted=NOT_DUE)


def qualitative_achievement(assessment: Expectation | None) -> IkiResult:
    """The leader's newest assessment is the achievement."""
    if assessment is None:
        return IkiResult(None, not_counted=NOT_ASSESSED)
    return IkiResult(QUALITATIVE_PERCENT[assessment])


def iki_achievement(
    indicator: Indicator,
    observations: Sequence[Observation],
    assessment: Expectation | None,
    today: date,
) -> IkiResult:
    """An IKI's achievement, as measured, by its measurement kind."""
    values = [o.value for o in observations if o.value is not None]
    if indicator.measure is Measure.CUMULATIVE:
        return cumulative_achievement(indicator.target, values)
    if indicator.measure is Measure.LEVEL:
        return level_achievement(indicator.target, values)
    if indicator.measure is Measure.LOWER:
        return lower_achievement(indicator.target, values)
    if indicator.measure is Measure.DEADLINE:
        return deadline_achievement(indicator.due, indicator.target, observations, today)
    return qualitative_achievement(assessment)


def rhk_achievement(ikis: Sequence[IkiResult]) -> RhkResult:
    """An RHK's achievement: the mean of its counted IKIs, each capped at ROLLUP_CAP."""
    counted = [r.percent for r in ikis if r.percent is not None]
    if not counted:
        # One reason shared by every IKI ("not yet assessed by the leader") says more.
        reasons = {r.not_counted for r in ikis}
        reason = reasons.pop() if len(reasons) == 1 else None
        return RhkResult(None, 0, not_counted=reason or NOTHING_COUNTED)
    capped = [min(p, ROLLUP_CAP) for p in counted]
    mean = sum(capped, Decimal(0)) / len(capped)
    return RhkResult(
        mean,
        len(capped),
        capped=any(p > ROLLUP_CAP for p in counted),
        above=sum(1 for p in counted if expectation_of(p) is Expectation.ABOVE),
    )


def semester_achievement(rhks: Sequence[tuple[RhkResult, bool]]) -> SemesterResult:
    """A semester: the mean of counted utama RHKs, and of tambahan RHKs apart.

    Each entry is (result, is_utama).
    """
    utama = [r.percent for r, is_utama in rhks if is_utama and r.percent is not None]
    tambahan = [r.percent for r, is_utama in rhks if not is_utama and r.percent is not None]

    def mean(values: list[Decimal]) -> Decimal | None:
        return sum(values, Decimal(0)) / len(values) if values else None

    return SemesterResult(
        utama=mean(utama),
        tambahan=mean(tambahan),
        counted_utama=len(utama),
        counted_tambahan=len(tambahan),
        not_counted=sum(1 for r, _ in rhks if r.percent is None),
        capped=any(r.capped for r, _ in rhks),
    )


MOST_ABOVE = N_("most or all results are above expectation and no main result is below it")
MOST_BELOW = N_("most or all results are below expectation")
MAIN_BELOW = N_("half or more of the main results are below expectation")
MOSTLY_MEETS = N_("most results meet expectation")
NOTHING_YET = N_("no result can be measured yet")


def suggest_hasil_kerja(rhks: Sequence[tuple[str, RhkResult, bool]]) -> Suggestion:
    """Suggest the hasil-kerja rating by PermenPANRB 6/2022 (each entry: title, result, utama).

    - di atas: most or all results above expectation, and no utama result below;
    - di bawah: most or all results below expectation, or half or more of the utama results
      below (more than "a small part");
    - sesuai: otherwise (most or all meet; only a small part of the utama results below).
    Exactly on target is sesuai. Results that cannot be measured yet are named, not counted.
    """
    counted = [(r.expectation, utama) for _, r, utama in rhks if r.expectation is not None]
    left_out = [title for title, r, _ in rhks if r.expectation is None]
    above = sum(1 for e, _ in counted if e is Expectation.ABOVE)
    meets = sum(1 for e, _ in counted if e is Expectation.MEETS)
    below = sum(1 for e, _ in counted if e is Expectation.BELOW)
    utama = [e for e, is_utama in counted if is_utama]
    utama_below = sum(1 for e in utama if e is Expectation.BELOW)
    total = len(counted)
    rating: Expectation | None
    if total == 0:
        rating, reason = None, NOTHING_YET
    elif below * 2 > total:
        rating, reason = Expectation.BELOW, MOST_BELOW
    elif utama and utama_below * 2 >= len(utama):
        rating, reason = Expectation.BELOW, MAIN_BELOW
    elif above * 2 > total and utama_below == 0:
        rating, reason = Expectation.ABOVE, MOST_ABOVE
    else:
        rating, reason = Expectation.MEETS, MOSTLY_MEETS
    return Suggestion(
        rating=rating,
        counted=total,
        above=above,
        meets=meets,
        below=below,
        utama_counted=len(utama),
        utama_below=utama_below,
        not_counted=left_out,
        reason=reason,
    )
