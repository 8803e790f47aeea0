"""Table tests of the achievement rules: each measurement kind, the roll-ups, the suggestion."""

from datetime import date
from decimal import Decimal

import pytest

from bot.services.targets.achievement_rules import (
    LATE_PERCENT,
    MAIN_BELOW,
    MOST_ABOVE,
    MOST_BELOW,
    MOSTLY_MEETS,
    NO_TARGET,
    NOT_ASSESSED,
    NOT_DUE,
    NOT_REPORTED,
    NOTHING_COUNTED,
    QUALITATIVE_PERCENT,
    ROLLUP_CAP,
    Expectation,
    IkiResult,
    Indicator,
    Measure,
    Observation,
    RhkResult,
    expectation_of,
    iki_achievement,
    rhk_achievement,
    semester_achievement,
    suggest_hasil_kerja,
)

D = Decimal
TODAY = date(2026, 11, 27)


def obs(*values: str) -> list[Observation]:
    return [
        Observation(reported_on=date(2026, 10, i + 1), value=D(v)) for i, v in enumerate(values)
    ]


def rounded(result: IkiResult | RhkResult) -> Decimal | None:
    return None if result.percent is None else result.percent.quantize(D("0.1"))


@pytest.mark.parametrize(
    ("measure", "target", "values", "percent", "measured"),
    [
        # cumulative: reports add up
        (Measure.CUMULATIVE, "12", [], D("0.0"), D(0)),
        (Measure.CUMULATIVE, "12", ["3", "3"], D("50.0"), D(6)),
        (Measure.CUMULATIVE, "12", ["12", "3"], D("125.0"), D(15)),
        (Measure.CUMULATIVE, "12,5".replace(",", "."), ["12.5"], D("100.0"), D("12.5")),
        # level: the newest value counts, not the sum (85 then 88 of 90 is 97.8 %, not 192 %)
        (Measure.LEVEL, "90", ["85", "88"], D("97.8"), D(88)),
        (Measure.LEVEL, "90", ["95", "90"], D("100.0"), D(90)),
        (Measure.LEVEL, "90", ["99"], D("110.0"), D(99)),
        (Measure.LEVEL, "90", [], None, None),
        # lower is better: at or under the target is 100 %, above it falls
        (Measure.LOWER, "5", ["3"], D("100.0"), D(3)),
        (Measure.LOWER, "5", ["5"], D("100.0"), D(5)),
        (Measure.LOWER, "5", ["7"], D("71.4"), D(7)),
        (Measure.LOWER, "5", ["7", "4"], D("100.0"), D(4)),
        (Measure.LOWER, "0", ["0"], D("100.0"), D(0)),
        (Measure.LOWER, "0", ["2"], D("0.0"), D(2)),
        (Measure.LOWER, "5", [], None, None),
    ],
)
def test_measured_kinds(
    measure: Measure, target: str, values: list[str], percent: Decimal | None, measured: Decimal
) -> None:
    result = iki_achievement(Indicator(measure, D(target)), obs(*values), None, TODAY)
    assert rounded(result) == percent
    if percent is not None:
        assert result.measured == measured
    else:
        assert result.not_counted == NOT_REPORTED


@pytest.mark.parametrize("measure", [Measure.CUMULATIVE, Measure.LEVEL])
def test_a_missing_or_zero_target_is_not_counted(measure: Measure) -> None:
    for target in (None, D(0)):
        result = iki_achievement(Indicator(measure, target), obs("3"), None, TODAY)
        assert (result.percent, result.not_counted) == (None, NO_TARGET)


DUE = date(2026, 11, 5)


@pytest.mark.parametrize(
    ("done_on", "today", "percent", "reason"),
    [
        (date(2026, 11, 4), TODAY, D(100), None),  # early
        (date(2026, 11, 5), TODAY, D(100), None),  # on the day
        (date(2026, 11, 6), TODAY, LATE_PERCENT, None),  # late, but done
        (None, TODAY, D(0), None),  # past the date, not done
        (None, date(2026, 11, 1), None, NOT_DUE),  # not due yet
        (None, DUE, None, NOT_DUE),  # the due day itself is still in time
    ],
)
def test_deadline_by_a_date(
    done_on: date | None, today: date, percent: Decimal | None, reason: str | None
) -> None:
    observations = [Observation(reported_on=today, done_on=done_on)] if done_on else []
    result = iki_achievement(Indicator(Measure.DEADLINE, due=DUE), observations, None, today)
    assert (result.percent, result.not_counted) == (percent, reason)


@pytest.mark.parametrize(
    ("flags", "percent", "on_time"),
    [
        ([True] * 12, D("100.0"), 12),  # 12 of 12 months on time
        ([True] * 6, D("50.0"), 6),  # half the year delivered, all on time
        ([True, False, True], D("16.7"), 2),  # a late month does not count
        ([True] * 13, D("100.0"), 13),  # never more than M periods
    ],
)
def test_deadline_in_n_of_m_periods(flags: list[bool], percent: Decimal, on_time: int) -> None:
    observations = [Observation(reported_on=TODAY, on_time=f) for f in flags]
    result = iki_achievement(Indicator(Measure.DEADLINE, D(12)), observations, None, TODAY)
    assert rounded(result) == percent
    assert result.measured == on_time


def test_deadline_in_periods_before_any_report() -> None:
    result = iki_achievement(Indicator(Measure.DEADLINE, D(12)), [], None, TODAY)
    assert (result.percent, result.not_counted) == (None, NOT_REPORTED)


@pytest.mark.parametrize(
    ("assessment", "percent"),
    [
        (Expectation.BELOW, QUALITATIVE_PERCENT[Expectation.BELOW]),
        (Expectation.MEETS, D(100)),
        (Expectation.ABOVE, QUALITATIVE_PERCENT[Expectation.ABOVE]),
        (None, None),
    ],
)
def test_qualitative_is_the_leaders_assessment(
    assessment: Expectation | None, percent: Decimal | None
) -> None:
    result = iki_achievement(Indicator(Measure.QUALITATIVE), [], assessment, TODAY)
    assert result.percent == percent
    assert expectation_of(percent) == assessment if percent is not None else True
    if assessment is None:
        assert result.not_counted == NOT_ASSESSED


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (D("99.9"), Expectation.BELOW),
        (D("100"), Expectation.MEETS),
        (D("100.0"), Expectation.MEETS),
        (D("100.1"), Expectation.ABOVE),
    ],
)
def test_exactly_on_target_meets_expectation(percent: Decimal, expected: Expectation) -> None:
    assert expectation_of(percent) is expected


def iki(percent: str | None) -> IkiResult:
    return IkiResult(None if percent is None else D(percent), not_counted=None)


@pytest.mark.parametrize(
    ("percents", "rhk", "capped", "expectation"),
    [
        (["100"], D("100.0"), False, Expectation.MEETS),
        (["100.1"], D("100.0"), True, Expectation.ABOVE),
        (["99.9"], D("99.9"), False, Expectation.BELOW),
        (["80", "100", "120"], D("93.3"), True, Expectation.BELOW),  # 120 counts as 100
        (["200", "50"], D("75.0"), True, Expectation.BELOW),  # cannot hide the other's shortfall
        (["105", "100"], D("100.0"), True, Expectation.MEETS),  # one of two above: not most
        (["105", "101", "100"], D("100.0"), True, Expectation.ABOVE),  # most above, none short
        (["90", None], D("90.0"), False, Expectation.BELOW),  # not measurable yet: left out
    ],
)
def test_rhk_rollup_caps_each_iki(
    percents: list[str | None], rhk: Decimal, capped: bool, expectation: Expectation
) -> None:
    result = rhk_achievement([iki(p) for p in percents])
    assert (rounded(result), result.capped, result.expectation) == (rhk, capped, expectation)
    assert result.counted == sum(1 for p in percents if p is not None)
    assert D(100) == ROLLUP_CAP


def test_rhk_with_nothing_measurable() -> None:
    result = rhk_achievement([iki(None), iki(None)])
    assert (result.percent, result.not_counted, result.expectation) == (
        None,
        NOTHING_COUNTED,
        None,
    )


def test_rhk_with_nothing_measurable_names_the_one_shared_reason() -> None:
    waiting = IkiResult(None, not_counted=NOT_ASSESSED)
    assert rhk_achievement([waiting, waiting]).not_counted == NOT_ASSESSED
    mixed = [waiting, IkiResult(None, not_counted=NOT_DUE)]
    assert rhk_achievement(mixed).not_counted == NOTHING_COUNTED


def test_a_deadline_keeps_the_day_it_was_delivered() -> None:
    observations = [
        Observation(reported_on=TODAY, done_on=date(2026, 11, 6)),
        Observation(reported_on=TODAY, done_on=date(2026, 11, 3)),
    ]
    result = iki_achievement(Indicator(Measure.DEADLINE, due=DUE), observations, None, TODAY)
    assert (result.percent, result.done_on) == (D(100), date(2026, 11, 3))


def rhk(percent: str | None) -> RhkResult:
    """An RHK of one IKI measured at `percent` (as the roll-up makes it)."""
    return rhk_achievement([iki(percent)])


def test_semester_rollup_keeps_tambahan_apart() -> None:
    result = semester_achievement(
        [(rhk("90"), True), (rhk("110"), True), (rhk("50"), False), (rhk(None), True)]
    )
    assert result.utama == D(95)
    assert result.tambahan == D(50)
    assert (result.counted_utama, result.counted_tambahan, result.not_counted) == (2, 1, 1)
    assert result.capped


def test_semester_with_nothing_counted() -> None:
    result = semester_achievement([(rhk(None), True)])
    assert (result.utama, result.tambahan, result.not_counted) == (None, None, 1)


@pytest.mark.parametrize(
    ("results", "rating", "reason"),
    [
        # one utama result at 99.9 / 100 / 100.1 %
        ([("A", "99.9", True)], Expectation.BELOW, MOST_BELOW),
        ([("A", "100", True)], Expectation.MEETS, MOSTLY_MEETS),
        ([("A", "100.1", True)], Expectation.ABOVE, MOST_ABOVE),
        # most above, no utama below
        (
            [("A", "105", True), ("B", "104", True), ("C", "100", True)],
            Expectation.ABOVE,
            MOST_ABOVE,
        ),
        # most above, but a utama result below: not above
        (
            [("A", "105", True), ("B", "104", True), ("C", "101", True), ("D", "90", True)],
            Expectation.MEETS,
            MOSTLY_MEETS,
        ),
        # a tambahan result below does not stop "above"
        (
            [("A", "105", True), ("B", "104", True), ("T", "50", False)],
            Expectation.ABOVE,
            MOST_ABOVE,
        ),
        # most below
        (
            [("A", "90", True), ("B", "80", False), ("C", "100", True)],
            Expectation.BELOW,
            MOST_BELOW,
        ),
        # half of the utama results below is more than "a small part"
        (
            [("A", "90", True), ("B", "100", True), ("T", "105", False)],
            Expectation.BELOW,
            MAIN_BELOW,
        ),
        # a small part of the utama results below: still sesuai
        (
            [("A", "90", True), ("B", "100", True), ("C", "100", True)],
            Expectation.MEETS,
            MOSTLY_MEETS,
        ),
    ],
)
def test_suggestion_follows_the_regulation(
    results: list[tuple[str, str, bool]], rating: Expectation, reason: str
) -> None:
    suggestion = suggest_hasil_kerja([(t, rhk(p), u) for t, p, u in results])
    assert (suggestion.rating, suggestion.reason) == (rating, reason)
    assert suggestion.counted == len(results)


def test_suggestion_names_what_it_did_not_count() -> None:
    suggestion = suggest_hasil_kerja(
        [("Rekap", rhk("100"), True), ("Survei kepuasan", rhk(None), True)]
    )
    assert suggestion.rating is Expectation.MEETS
    assert suggestion.not_counted == ["Survei kepuasan"]
    assert (suggestion.counted, suggestion.utama_counted) == (1, 1)
    nothing = suggest_hasil_kerja([("Survei kepuasan", rhk(None), True)])
    assert nothing.rating is None
