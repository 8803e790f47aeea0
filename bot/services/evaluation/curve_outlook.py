"""Whether an OPD can still end within the curve, counting everyone still to be evaluated.

The curve (curve.py) describes the whole OPD's spread at the end. While evaluations are still
open, a count of the ones finished so far says nothing on its own: the first evaluation of a
"Baik" OPD always lacks its Butuh Perbaikan, and warning then would nudge leaders to rate the
next people down, the opposite of the policy's aim. So a rule is reported only when

- the evaluations still open can no longer bring the OPD within it (a maximum already passed,
  a minimum that even every open evaluation could not reach), or
- everyone has been evaluated and the result deviates.

Each warning names the rule and by how many people. An OPD too small for the curve (SMALL_UNIT
staff or fewer, where one person is a quarter or more of it) gets one plain sentence instead,
never a demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.i18n import N_
from bot.services.evaluation.curve import (
    AT_LEAST_ONE,
    CURVE,
    MAX_SHARE,
    MIN_SHARE,
    NONE_ALLOWED,
    Rule,
    needed_count,
)

SMALL_UNIT = 4  # staff; domain README §4.2: rounding for units of 1-4 is not specified

OVER_MAX = N_(
    "{rule} Already {count} of {total} staff have it, {over} more than the {allowed} the curve "
    "allows; the evaluations still open cannot change that."
)
UNREACHABLE_MIN = N_(
    "{rule} It needs {needed} of {total} staff; {count} have it so far and only {open} "
    "evaluations are still open, so it cannot be reached: {short} short."
)
UNREACHABLE_TOGETHER = N_(
    "Together, the curve's minimums need {needed} more people than the {open} evaluations still "
    "open."
)
FINAL_OVER = N_(
    "{rule} Everyone has been evaluated: {count} of {total} staff have it, {over} more than the "
    "{allowed} the curve allows."
)
FINAL_SHORT = N_(
    "{rule} Everyone has been evaluated: {count} of {total} staff have it, {short} fewer than "
    "the {needed} the curve asks for."
)
SMALL_UNIT_NOTE = N_(
    "With {total} staff, this OPD is too small for the distribution curve to apply fairly; "
    "please simply rate each person on their own results."
)

RULE_NAMES = {
    MAX_SHARE: N_("Rule: at most {limit} with {predikat}."),
    MIN_SHARE: N_("Rule: at least {limit} with {predikat}."),
    AT_LEAST_ONE: N_("Rule: at least one person with {predikat}."),
    NONE_ALLOWED: N_("Rule: nobody with {predikat}."),
}


@dataclass(frozen=True)
class CurveWarning:
    """One rule the OPD cannot meet any more (or did not meet): a msgid with its numbers.

    `rule` is the rule itself (its kind, predikats and limit) for the caller to name it.
    """

    message: str
    rule: Rule | None
    params: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CurveOutlook:
    """What to tell the evaluator and HR about the curve now."""

    warnings: list[CurveWarning]
    notes: list[str]  # msgids of plain sentences, formatted with {total} (small OPDs)
    complete: bool  # everyone has been evaluated
    total: int  # staff counted: evaluated plus still open


def _is_minimum(rule: Rule) -> bool:
    return rule.kind in (MIN_SHARE, AT_LEAST_ONE)


def _count(rule: Rule, counts: Mapping[str, int]) -> int:
    return sum(max(0, counts.get(p, 0)) for p in rule.predikats)


def curve_outlook(org_rating: str, counts: Mapping[str, int], open_count: int) -> CurveOutlook:
    """Judge the finished evaluations' spread, counting the `open_count` still to come."""
    rules = CURVE.get(org_rating)
    if rules is None:
        raise ValueError(f"unknown organisation rating: {org_rating!r}")
    open_count = max(0, open_count)
    total = sum(max(0, n) for n in counts.values()) + open_count
    complete = open_count == 0
    if total == 0:
        return CurveOutlook([], [], complete, 0)
    if total <= SMALL_UNIT:
        return CurveOutlook([], [SMALL_UNIT_NOTE], complete, total)
    warnings: list[CurveWarning] = []
    shortfall = 0
    for rule in rules:
        count = _count(rule, counts)
        needed = needed_count(rule, total)
        params = {"count": count, "total": total, "open": open_count, "needed": needed}
        if rule.kind in (MAX_SHARE, NONE_ALLOWED) and count > needed:
            params |= {"over": count - needed, "allowed": needed}
            warnings.append(CurveWarning(FINAL_OVER if complete else OVER_MAX, rule, params))
        elif _is_minimum(rule) and count + open_count < needed:
            params |= {"short": needed - count - open_count}
            warnings.append(
                CurveWarning(FINAL_SHORT if complete else UNREACHABLE_MIN, rule, params)
            )
        elif _is_minimum(rule):
            shortfall += max(0, needed - count)
    # The minimums of one organisation rating name different predikats (a test checks it), so
    # the open evaluations must cover all of them at once.
    if not complete and shortfall > open_count:
        warnings.append(
            CurveWarning(UNREACHABLE_TOGETHER, None, {"needed": shortfall, "open": open_count})
        )
    return CurveOutlook(warnings, [], complete, total)
