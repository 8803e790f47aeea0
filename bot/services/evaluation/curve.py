"""The distribution curve of SE MenPANRB 3/2023: an OPD's predikat spread vs its org rating.

The curve is a guide for the evaluator (a *panduan*), so this module only reports
deviations; nothing is ever blocked because of it.

Assumptions (the circular does not say; domain README §4.2 marks them [U]):
- "Sebagian besar (maks 70 %)" is read as an upper bound only: at most 70 % may have that
  predikat. No minimum is enforced, because a minimum above 50 % together with the other
  rules would make many small units impossible to satisfy.
- Percentages are turned into head counts for the unit's size: a minimum of p % needs
  ceil(p x n) people, a maximum of p % allows floor(p x n) people. Small units (1-4 staff)
  get a deviation only where the counts really cannot satisfy a rule; for the 70 % caps a
  unit always may give the predikat to at least one person (otherwise a one-person unit of
  an "Istimewa" OPD could never be Sangat Baik).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.i18n import N_
from bot.services.evaluation.predikat import (
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    SANGAT_BAIK,
    SANGAT_KURANG,
)

ISTIMEWA = "istimewa"
ORG_BAIK = "baik"
ORG_BUTUH_PERBAIKAN = "butuh_perbaikan"
ORG_KURANG = "kurang"
ORG_SANGAT_KURANG = "sangat_kurang"
ORG_RATINGS = (ISTIMEWA, ORG_BAIK, ORG_BUTUH_PERBAIKAN, ORG_KURANG, ORG_SANGAT_KURANG)
ORG_RATING_LABELS = {
    ISTIMEWA: N_("Outstanding (Istimewa)"),
    ORG_BAIK: N_("Good (Baik)"),
    ORG_BUTUH_PERBAIKAN: N_("Needs improvement (Butuh Perbaikan/Cukup)"),
    ORG_KURANG: N_("Poor (Kurang)"),
    ORG_SANGAT_KURANG: N_("Very poor (Sangat Kurang)"),
}

MAX_SHARE = "max"  # share of the group <= limit
MIN_SHARE = "min"  # share of the group >= limit
AT_LEAST_ONE = "one"  # at least one person in the group
NONE_ALLOWED = "none"  # nobody in the group


@dataclass(frozen=True)
class Rule:
    """One line of the curve: a bound on how many staff have one of some predikats."""

    kind: str
    predikats: tuple[str, ...]
    limit: float  # a fraction; unused for AT_LEAST_ONE / NONE_ALLOWED
    message: str  # msgid with {limit} {actual} {count} {total} {needed}
    at_least_one_allowed: bool = False  # the 70 % caps, see the module docstring


@dataclass(frozen=True)
class Deviation:
    """A rule the current spread does not meet: the msgid and its parameters."""

    message: str
    params: dict[str, float | int] = field(default_factory=dict)


_SB_MAX_70 = N_(
    "Very good (Sangat Baik): at most {limit} of the staff; now {actual} ({count} of {total})."
)
_B_MAX_70 = N_("Good (Baik): at most {limit} of the staff; now {actual} ({count} of {total}).")
_BP_OR_K_ONE = N_(
    "There should be at least one Needs improvement (Butuh Perbaikan) or "
    "Poor (Kurang); now there is none."
)
_BP_MIN_60 = N_(
    "Needs improvement (Butuh Perbaikan): at least {limit} of the staff "
    "({needed} people); now {actual} ({count} of {total})."
)
_SB_MAX_10 = N_(
    "Very good (Sangat Baik): at most {limit} of the staff ({needed} people); "
    "now {actual} ({count} of {total})."
)
_K_MIN_60 = N_(
    "Poor (Kurang): at least {limit} of the staff ({needed} people); now {actual} "
    "({count} of {total})."
)
_BP_MIN_10 = N_(
    "Needs improvement (Butuh Perbaikan): at least {limit} of the staff "
    "({needed} people); now {actual} ({count} of {total})."
)
_SK_MIN_60 = N_(
    "Very poor (Sangat Kurang): at least {limit} of the staff ({needed} people); "
    "now {actual} ({count} of {total})."
)
_K_OR_BP_MIN_10 = N_(
    "Poor (Kurang) and Needs improvement (Butuh Perbaikan) together: at "
    "least {limit} of the staff ({needed} people); now {actual} ({count} of "
    "{total})."
)
_NO_SB = N_(
    "Very good (Sangat Baik) is not expected for this organisation rating; now {count} of {total}."
)

# SE MenPANRB 3/2023 step 2, as data (domain README §4.2).
CURVE: dict[str, tuple[Rule, ...]] = {
    ISTIMEWA: (Rule(MAX_SHARE, (SANGAT_BAIK,), 0.70, _SB_MAX_70, at_least_one_allowed=True),),
    ORG_BAIK: (
        Rule(MAX_SHARE, (BAIK,), 0.70, _B_MAX_70, at_least_one_allowed=True),
        Rule(AT_LEAST_ONE, (BUTUH_PERBAIKAN, KURANG), 0.0, _BP_OR_K_ONE),
    ),
    ORG_BUTUH_PERBAIKAN: (
        Rule(MIN_SHARE, (BUTUH_PERBAIKAN,), 0.60, _BP_MIN_60),
        Rule(MAX_SHARE, (SANGAT_BAIK,), 0.10, _SB_MAX_10),
    ),
    ORG_KURANG: (
        Rule(MIN_SHARE, (KURANG,), 0.60, _K_MIN_60),
        Rule(MIN_SHARE, (BUTUH_PERBAIKAN,), 0.10, _BP_MIN_10),
        Rule(MAX_SHARE, (SANGAT_BAIK,), 0.10, _SB_MAX_10),
    ),
    ORG_SANGAT_KURANG: (
        Rule(MIN_SHARE, (SANGAT_KURANG,), 0.60, _SK_MIN_60),
        Rule(MIN_SHARE, (KURANG, BUTUH_PERBAIKAN), 0.10, _K_OR_BP_MIN_10),
        Rule(NONE_ALLOWED, (SANGAT_BAIK,), 0.0, _NO_SB),
    ),
}
EPSILON = 1e-9  # 0.6 x 5 must be 3, not 2.9999999


def needed_count(rule: Rule, total: int) -> int:
    """Turn a rule's percentage into a head count for a unit of `total` people."""
    if rule.kind == MIN_SHARE:
        return math.ceil(rule.limit * total - EPSILON)
    if rule.kind == MAX_SHARE:
        allowed = math.floor(rule.limit * total + EPSILON)
        return max(allowed, 1) if rule.at_least_one_allowed else allowed
    return 1 if rule.kind == AT_LEAST_ONE else 0


def check_distribution(org_rating: str, counts: Mapping[str, int]) -> list[Deviation]:
    """Return the curve rules the predikat counts do not meet (empty = within the curve)."""
    rules = CURVE.get(org_rating)
    if rules is None:
        raise ValueError(f"unknown organisation rating: {org_rating!r}")
    total = sum(max(0, n) for n in counts.values())
    if total == 0:
        return []
    found: list[Deviation] = []
    for rule in rules:
        count = sum(max(0, counts.get(p, 0)) for p in rule.predikats)
        needed = needed_count(rule, total)
        broken = {
            MIN_SHARE: count < needed,
            MAX_SHARE: count > needed,
            AT_LEAST_ONE: count < 1,
            NONE_ALLOWED: count > 0,
        }[rule.kind]
        if broken:
            found.append(
                Deviation(
                    rule.message,
                    {
                        "limit": rule.limit,
                        "actual": count / total,
                        "count": count,
                        "total": total,
                        "needed": needed,
                    },
                )
            )
    return found
