"""The suggested hasil-kerja rating, from the achievement of the main targets."""

from __future__ import annotations

from bot.services.evaluation.predikat import DI_ATAS, DI_BAWAH, SESUAI
from bot.services.evaluation.suggestion import TargetAchievement, suggest_hasil_kerja


def utama(*ratios: float | None) -> list[TargetAchievement]:
    return [TargetAchievement("utama", r) for r in ratios]


def test_all_met_and_none_low_is_above() -> None:
    s = suggest_hasil_kerja(utama(1.0, 1.2, 1.0))
    assert s.rating == DI_ATAS
    assert s.params == {"met": 3, "low": 0, "total": 3}


def test_most_met_none_low_is_above_but_half_met_is_meets() -> None:
    assert suggest_hasil_kerja(utama(1.0, 1.0, 0.85)).rating == DI_ATAS
    assert suggest_hasil_kerja(utama(1.0, 0.9)).rating == SESUAI  # met is not a majority
    assert suggest_hasil_kerja(utama(0.8, 0.8, 0.8)).rating == SESUAI  # exactly 80 % is "nearly"


def test_a_small_part_below_80_is_meets() -> None:
    s = suggest_hasil_kerja(utama(1.0, 1.0, 1.0, 1.0, 0.5))  # 1 of 5 = 20 %
    assert s.rating == SESUAI
    assert s.params["low"] == 1


def test_most_below_is_below() -> None:
    assert suggest_hasil_kerja(utama(0.1, 0.79, 1.0)).rating == DI_BAWAH
    assert suggest_hasil_kerja(utama(0.0)).rating == DI_BAWAH


def test_in_between_leans_to_meets_with_a_weigh_it_reason() -> None:
    s = suggest_hasil_kerja(utama(0.5, 1.0, 1.0, 0.6))  # 2 of 4 below: not most
    assert s.rating == SESUAI
    assert "weigh" in s.reason


def test_tambahan_targets_do_not_count_when_utama_exist() -> None:
    targets = [*utama(1.0, 1.0), TargetAchievement("tambahan", 0.0)]
    assert suggest_hasil_kerja(targets).rating == DI_ATAS
    only_tambahan = [TargetAchievement("tambahan", 0.2)]
    assert suggest_hasil_kerja(only_tambahan).rating == DI_BAWAH


def test_qualitative_and_empty_give_no_suggestion() -> None:
    s = suggest_hasil_kerja(utama(None, None))
    assert s.rating is None
    assert "qualitative" in s.reason
    assert suggest_hasil_kerja([]).rating is None
    # Qualitative targets are ignored next to numeric ones.
    assert suggest_hasil_kerja(utama(None, 1.0)).rating == DI_ATAS
