"""The SE MenPANRB 3/2023 distribution curve: the rules per org rating, once everyone is
evaluated, and their head counts for small units."""

from __future__ import annotations

import pytest

from bot.services.evaluation.curve import (
    AT_LEAST_ONE,
    CURVE,
    ISTIMEWA,
    MAX_SHARE,
    MIN_SHARE,
    NONE_ALLOWED,
    ORG_BAIK,
    ORG_BUTUH_PERBAIKAN,
    ORG_KURANG,
    ORG_SANGAT_KURANG,
    Rule,
    needed_count,
)
from bot.services.evaluation.curve_outlook import CurveWarning, curve_outlook
from bot.services.evaluation.predikat import (
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    SANGAT_BAIK,
    SANGAT_KURANG,
)


def spread(sb: int = 0, b: int = 0, bp: int = 0, k: int = 0, sk: int = 0) -> dict[str, int]:
    return {SANGAT_BAIK: sb, BAIK: b, BUTUH_PERBAIKAN: bp, KURANG: k, SANGAT_KURANG: sk}


def broken(org: str, counts: dict[str, int]) -> list[CurveWarning]:
    """The rules a complete evaluation (nobody still open) does not meet."""
    return curve_outlook(org, counts, open_count=0).warnings


def kinds(org: str, counts: dict[str, int]) -> list[tuple[str, tuple[str, ...]]]:
    return [(w.rule.kind, w.rule.predikats) for w in broken(org, counts) if w.rule is not None]


def test_istimewa_caps_sangat_baik_at_70_percent() -> None:
    assert broken(ISTIMEWA, spread(sb=7, b=3)) == []
    (found,) = broken(ISTIMEWA, spread(sb=8, b=2))
    assert found.rule is not None and found.rule.limit == 0.70
    assert found.params.items() >= {"count": 8, "allowed": 7, "over": 1}.items()
    assert broken(ISTIMEWA, spread(b=10)) == []  # no minimum (assumption)


def test_baik_needs_one_butuh_perbaikan_or_kurang_and_caps_baik() -> None:
    assert broken(ORG_BAIK, spread(sb=2, b=7, bp=1)) == []
    assert broken(ORG_BAIK, spread(sb=2, b=7, k=1)) == []
    assert kinds(ORG_BAIK, spread(sb=3, b=7)) == [(AT_LEAST_ONE, (BUTUH_PERBAIKAN, KURANG))]
    (too_many,) = broken(ORG_BAIK, spread(b=8, bp=2))
    assert too_many.params["count"] == 8


def test_butuh_perbaikan_pattern() -> None:
    assert broken(ORG_BUTUH_PERBAIKAN, spread(sb=1, b=3, bp=6)) == []
    found = broken(ORG_BUTUH_PERBAIKAN, spread(sb=2, b=3, bp=5))
    assert [w.params["needed"] for w in found] == [6, 1]


def test_kurang_pattern() -> None:
    assert broken(ORG_KURANG, spread(sb=1, bp=1, k=6, sk=2)) == []
    (found,) = broken(ORG_KURANG, spread(b=4, k=6))
    assert found.params["needed"] == 1  # at least 10 % Butuh Perbaikan


def test_sangat_kurang_pattern() -> None:
    assert broken(ORG_SANGAT_KURANG, spread(b=2, k=1, sk=7)) == []
    assert broken(ORG_SANGAT_KURANG, spread(b=2, bp=1, sk=7)) == []
    found = kinds(ORG_SANGAT_KURANG, spread(sb=1, b=3, sk=6))
    assert found == [(MIN_SHARE, (KURANG, BUTUH_PERBAIKAN)), (NONE_ALLOWED, (SANGAT_BAIK,))]


@pytest.mark.parametrize(
    ("rule", "total", "count"),
    [
        (CURVE[ISTIMEWA][0], 1, 1),  # a one-person unit may be Sangat Baik
        (CURVE[ISTIMEWA][0], 2, 1),  # 2 x 70 % = 1.4 -> 1 allowed
        (CURVE[ORG_BAIK][1], 1, 1),  # still one Butuh Perbaikan/Kurang
        (CURVE[ORG_BUTUH_PERBAIKAN][0], 3, 2),  # 60 % of 3 = 1.8 -> 2
        (CURVE[ORG_BUTUH_PERBAIKAN][1], 4, 0),  # 10 % of 4 -> no Sangat Baik allowed
        (CURVE[ORG_KURANG][0], 4, 3),  # 60 % of 4 = 2.4 -> 3
        (CURVE[ORG_KURANG][1], 4, 1),  # 10 % -> 1
        (CURVE[ORG_SANGAT_KURANG][0], 5, 3),  # 60 % of 5 is exactly 3
        (CURVE[ORG_SANGAT_KURANG][2], 5, 0),
    ],
)
def test_percentages_become_head_counts(rule: Rule, total: int, count: int) -> None:
    assert rule.kind in (MAX_SHARE, MIN_SHARE, AT_LEAST_ONE, NONE_ALLOWED)
    assert needed_count(rule, total) == count


def test_empty_and_unknown() -> None:
    assert broken(ORG_BAIK, spread()) == []
    with pytest.raises(ValueError, match="unknown organisation rating"):
        broken("cukup", spread(b=1))
