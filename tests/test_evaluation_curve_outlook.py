"""The curve warning tells the truth: it counts everyone still to be evaluated."""

import pytest

from bot.services.evaluation.curve import (
    AT_LEAST_ONE,
    CURVE,
    MIN_SHARE,
    ORG_BAIK,
    ORG_BUTUH_PERBAIKAN,
    ORG_KURANG,
    ORG_RATINGS,
)
from bot.services.evaluation.curve_outlook import (
    FINAL_OVER,
    FINAL_SHORT,
    OVER_MAX,
    SMALL_UNIT_NOTE,
    UNREACHABLE_MIN,
    UNREACHABLE_TOGETHER,
    curve_outlook,
)
from bot.services.evaluation.predikat import BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_BAIK


def test_the_first_evaluation_of_a_baik_opd_warns_of_nothing() -> None:
    # The old check said "there should be at least one Butuh Perbaikan or Kurang" here.
    outlook = curve_outlook(ORG_BAIK, {BAIK: 1}, open_count=9)
    assert (outlook.warnings, outlook.notes, outlook.complete) == ([], [], False)


def test_a_partial_spread_that_can_still_fit_warns_of_nothing() -> None:
    assert curve_outlook(ORG_BAIK, {BAIK: 6, SANGAT_BAIK: 2}, open_count=2).warnings == []
    assert curve_outlook(ORG_BUTUH_PERBAIKAN, {BAIK: 4}, open_count=6).warnings == []


def test_a_maximum_already_passed_is_reported_with_the_excess() -> None:
    outlook = curve_outlook(ORG_BAIK, {BAIK: 8}, open_count=2)
    (warning,) = outlook.warnings
    assert warning.message == OVER_MAX
    assert warning.params.items() >= {"count": 8, "total": 10, "allowed": 7, "over": 1}.items()


def test_a_minimum_out_of_reach_is_reported_with_the_shortfall() -> None:
    outlook = curve_outlook(ORG_BUTUH_PERBAIKAN, {BAIK: 5}, open_count=5)
    (warning,) = outlook.warnings
    assert warning.message == UNREACHABLE_MIN
    assert warning.rule is not None and warning.rule.kind == MIN_SHARE
    assert warning.params.items() >= {"needed": 6, "count": 0, "open": 5, "short": 1}.items()


def test_minimums_that_fit_one_by_one_but_not_together() -> None:
    # Kurang OPD of 10: at least 6 Kurang and 1 Butuh Perbaikan, with 6 evaluations open.
    outlook = curve_outlook(ORG_KURANG, {BAIK: 4}, open_count=6)
    (warning,) = outlook.warnings
    assert warning.message == UNREACHABLE_TOGETHER
    assert warning.params == {"needed": 7, "open": 6}


def test_everyone_evaluated_and_the_result_deviates() -> None:
    outlook = curve_outlook(ORG_BAIK, {BAIK: 7, SANGAT_BAIK: 3}, open_count=0)
    (warning,) = outlook.warnings
    assert outlook.complete
    assert warning.message == FINAL_SHORT
    assert warning.rule is not None and warning.rule.kind == AT_LEAST_ONE
    assert warning.params.items() >= {"count": 0, "total": 10, "short": 1}.items()
    over = curve_outlook(ORG_BAIK, {BAIK: 8, KURANG: 1, BUTUH_PERBAIKAN: 1}, open_count=0)
    assert [w.message for w in over.warnings] == [FINAL_OVER]


def test_everyone_evaluated_within_the_curve() -> None:
    outlook = curve_outlook(ORG_BAIK, {BAIK: 7, SANGAT_BAIK: 2, KURANG: 1}, open_count=0)
    assert (outlook.warnings, outlook.complete) == ([], True)


@pytest.mark.parametrize("total", [1, 2, 3, 4])
def test_a_small_opd_gets_a_plain_sentence_never_a_demand(total: int) -> None:
    for open_count in (0, total - 1):
        outlook = curve_outlook(ORG_BAIK, {BAIK: total - open_count}, open_count=open_count)
        assert outlook.warnings == []
        assert outlook.notes == [SMALL_UNIT_NOTE]
        assert outlook.total == total


def test_five_staff_are_judged_by_the_curve() -> None:
    assert curve_outlook(ORG_BAIK, {BAIK: 5}, open_count=0).warnings != []


@pytest.mark.parametrize("rating", ORG_RATINGS)
def test_the_minimums_of_one_rating_name_different_predikats(rating: str) -> None:
    groups = [set(r.predikats) for r in CURVE[rating] if r.kind in (MIN_SHARE, AT_LEAST_ONE)]
    for i, first in enumerate(groups):
        for second in groups[i + 1 :]:
            assert not first & second
