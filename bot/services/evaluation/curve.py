"""The distribution curve of SE MenPANRB 3/2023: an OPD's predikat spread vs its org rating.

The curve is a guide for the evaluator (a *panduan*), so nothing is ever blocked because of
it. This module holds the rules as data; curve_outlook judges an OPD's spread against them,
counting everyone still to be evaluated.

Assumptions (the circular does not say; domain README §4.2 marks them [U]):
- "Sebagian besar (maks 70 %)" is read as an upper bound only: at most 70 % may have that
  predikat. No minimum is enforced, because a minimum above 50 % together with the other
  rules would make many small units impossible to satisfy.
- Percentages are turned into head counts for the unit's size: a minimum of p % needs
  ceil(p x n) people, a maximum of p % allows floor(p x n) people. For the 70 % caps a unit
  always may give the predikat to at least one person (otherwise a one-person unit of an
  "Istimewa" OPD could never be Sangat Baik). Units of 1-4 staff get a plain sentence
  instead of the rules (curve_outlook.SMALL_UNIT).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    at_least_one_allowed: bool = False  # the 70 % caps, see the module docstring


# SE MenPANRB 3/2023 step 2, as data (domain README §4.2).
CURVE: dict[str, tuple[Rule, ...]] = {
    ISTIMEWA: (Rule(MAX_SHARE, (SANGAT_BAIK,), 0.70, at_least_one_allowed=True),),
    ORG_BAIK: (
        Rule(MAX_SHARE, (BAIK,), 0.70, at_least_one_allowed=True),
        Rule(AT_LEAST_ONE, (BUTUH_PERBAIKAN, KURANG), 0.0),
    ),
    ORG_BUTUH_PERBAIKAN: (
        Rule(MIN_SHARE, (BUTUH_PERBAIKAN,), 0.60),
        Rule(MAX_SHARE, (SANGAT_BAIK,), 0.10),
    ),
    ORG_KURANG: (
        Rule(MIN_SHARE, (KURANG,), 0.60),
        Rule(MIN_SHARE, (BUTUH_PERBAIKAN,), 0.10),
        Rule(MAX_SHARE, (SANGAT_BAIK,), 0.10),
    ),
    ORG_SANGAT_KURANG: (
        Rule(MIN_SHARE, (SANGAT_KURANG,), 0.60),
        Rule(MIN_SHARE, (KURANG, BUTUH_PERBAIKAN), 0.10),
        Rule(NONE_ALLOWED, (SANGAT_BAIK,), 0.0),
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
