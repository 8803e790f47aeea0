"""The suggested hasil-kerja rating: the regulation's rule over the RHKs, what is left out."""

from __future__ import annotations

from decimal import Decimal

from bot.services.evaluation.predikat import DI_ATAS, DI_BAWAH, SESUAI
from bot.services.evaluation.suggestion import TargetAchievement, suggest_hasil_kerja
from bot.services.targets import achievement_rules as rules


def rhk(*percents: float | None) -> rules.RhkResult:
    """An RHK whose IKIs reached these percentages (None: not measurable yet)."""
    return rules.rhk_achievement(
        [
            rules.IkiResult(Decimal(str(p)) if p is not None else None, not_counted="x")
            for p in percents
        ]
    )


def utama(*percents: float | None) -> list[TargetAchievement]:
    return [TargetAchievement(f"RHK {i}", "utama", rhk(p)) for i, p in enumerate(percents, 1)]


def test_most_above_and_no_main_below_is_above() -> None:
    s = suggest_hasil_kerja(utama(120, 110, 100))
    assert s.rating == DI_ATAS
    assert s.params["above"] == 2 and s.params["total"] == 3


def test_exactly_on_target_is_meets() -> None:
    assert suggest_hasil_kerja(utama(100, 100, 100)).rating == SESUAI
    assert suggest_hasil_kerja(utama(120, 100)).rating == SESUAI  # above is not a majority


def test_half_of_the_main_results_below_is_below() -> None:
    assert suggest_hasil_kerja(utama(100, 100, 100, 100, 90)).rating == SESUAI  # a small part
    assert suggest_hasil_kerja(utama(100, 90)).rating == DI_BAWAH
    assert suggest_hasil_kerja(utama(0)).rating == DI_BAWAH


def test_an_rhk_with_an_exceeded_and_a_short_iki_is_below() -> None:
    """The cap: 150 % on one IKI does not make up for 50 % on the other."""
    result = rhk(150, 50)
    assert result.capped and result.percent == Decimal(75)
    s = suggest_hasil_kerja([TargetAchievement("Dokumen", "utama", result)])
    assert s.rating == DI_BAWAH


def test_what_cannot_be_measured_is_named_not_counted() -> None:
    targets = [*utama(110, 120), TargetAchievement("Layanan", "utama", rhk(None))]
    s = suggest_hasil_kerja(targets)
    assert s.rating == DI_ATAS
    assert s.params["total"] == 2
    # Its one IKI's own reason is named ("x" here), not the general one.
    assert s.not_counted == (("Layanan", "x"),)


def test_nothing_measurable_and_nothing_approved_give_no_suggestion() -> None:
    s = suggest_hasil_kerja(utama(None, None))
    assert s.rating is None
    assert "measured" in s.reason
    assert [title for title, _why in s.not_counted] == ["RHK 1", "RHK 2"]
    assert suggest_hasil_kerja([]).rating is None


def test_tambahan_results_count_but_do_not_weigh_as_main() -> None:
    targets = [*utama(110, 110), TargetAchievement("Panitia", "tambahan", rhk(50))]
    s = suggest_hasil_kerja(targets)
    assert s.rating == DI_ATAS  # most above, no main result below
    assert s.params["utama_below"] == 0 and s.params["below"] == 1
