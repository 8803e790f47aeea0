"""The SE MenPANRB 3/2023 distribution curve: deviations per org rating, small units too."""

from __future__ import annotations

import pytest

from bot.services.evaluation.curve import (
    ISTIMEWA,
    ORG_BAIK,
    ORG_BUTUH_PERBAIKAN,
    ORG_KURANG,
    ORG_SANGAT_KURANG,
    check_distribution,
)
from bot.services.evaluation.predikat import (
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    SANGAT_BAIK,
    SANGAT_KURANG,
)


def spread(sb: int = 0, b: int = 0, bp: int = 0, k: int = 0, sk: int = 0) -> dict[str, int]:
    return {SANGAT_BAIK: sb, BAIK: b, BUTUH_PERBAIKAN: bp, KURANG: k, SANGAT_KURANG: sk}


def messages(org: str, counts: dict[str, int]) -> list[str]:
    return [d.message for d in check_distribution(org, counts)]


def test_istimewa_caps_sangat_baik_at_70_percent() -> None:
    assert check_distribution(ISTIMEWA, spread(sb=7, b=3)) == []
    found = check_distribution(ISTIMEWA, spread(sb=8, b=2))
    assert len(found) == 1
    assert found[0].params["limit"] == 0.70
    assert found[0].params["actual"] == 0.8
    assert found[0].params["needed"] == 7
    assert check_distribution(ISTIMEWA, spread(b=10)) == []  # no minimum (assumption)


def test_baik_needs_one_butuh_perbaikan_or_kurang_and_caps_baik() -> None:
    assert check_distribution(ORG_BAIK, spread(sb=2, b=7, bp=1)) == []
    assert check_distribution(ORG_BAIK, spread(sb=2, b=7, k=1)) == []
    only_good = messages(ORG_BAIK, spread(sb=3, b=7))
    assert len(only_good) == 1
    assert "at least one" in only_good[0]
    too_many = check_distribution(ORG_BAIK, spread(b=8, bp=2))
    assert len(too_many) == 1
    assert too_many[0].params["count"] == 8


def test_butuh_perbaikan_pattern() -> None:
    assert check_distribution(ORG_BUTUH_PERBAIKAN, spread(sb=1, b=3, bp=6)) == []
    found = check_distribution(ORG_BUTUH_PERBAIKAN, spread(sb=2, b=3, bp=5))
    assert [d.params["needed"] for d in found] == [6, 1]


def test_kurang_pattern() -> None:
    assert check_distribution(ORG_KURANG, spread(sb=1, bp=1, k=6, sk=2)) == []
    found = check_distribution(ORG_KURANG, spread(b=4, k=6))
    assert len(found) == 1
    assert found[0].params["needed"] == 1  # at least 10 % Butuh Perbaikan


def test_sangat_kurang_pattern() -> None:
    assert check_distribution(ORG_SANGAT_KURANG, spread(b=2, k=1, sk=7)) == []
    assert check_distribution(ORG_SANGAT_KURANG, spread(b=2, bp=1, sk=7)) == []
    found = messages(ORG_SANGAT_KURANG, spread(sb=1, b=3, sk=6))
    assert len(found) == 2  # no Kurang/Butuh Perbaikan, and a Sangat Baik
    assert any("not expected" in m for m in found)


@pytest.mark.parametrize(
    ("org", "counts", "deviations"),
    [
        (ISTIMEWA, spread(sb=1), 0),  # a one-person unit may be Sangat Baik
        (ISTIMEWA, spread(sb=2), 1),  # 2 x 70 % = 1.4 -> 1 allowed
        (ORG_BAIK, spread(b=1), 1),  # still needs a Butuh Perbaikan/Kurang
        (ORG_BUTUH_PERBAIKAN, spread(bp=2, b=1), 0),  # 60 % of 3 = 1.8 -> 2
        (ORG_BUTUH_PERBAIKAN, spread(bp=1, b=2), 1),
        (ORG_BUTUH_PERBAIKAN, spread(bp=3, sb=1), 1),  # 10 % of 4 -> 0 Sangat Baik allowed
        (ORG_KURANG, spread(k=3, bp=1), 0),  # 60 % of 4 = 2.4 -> 3; 10 % -> 1
        (ORG_SANGAT_KURANG, spread(sk=3, k=1, bp=1), 0),  # 60 % of 5 is exactly 3
    ],
)
def test_small_units_round_to_head_counts(
    org: str, counts: dict[str, int], deviations: int
) -> None:
    assert len(check_distribution(org, counts)) == deviations


def test_empty_and_unknown() -> None:
    assert check_distribution(ORG_BAIK, spread()) == []
    with pytest.raises(ValueError, match="unknown organisation rating"):
        check_distribution("cukup", spread(b=1))
