"""The predikat matrix (PermenPANRB 6/2022) and the bot's suggested hasil-kerja rating.

The matrix is the regulation's "kuadran kinerja pegawai" (domain README §4.1). The suggestion
is only a starting point: the leader decides, and the bot says why it suggests what it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.i18n import N_

DI_ATAS = "di_atas"
SESUAI = "sesuai"
DI_BAWAH = "di_bawah"
RATINGS = (DI_ATAS, SESUAI, DI_BAWAH)

SANGAT_BAIK = "sangat_baik"
BAIK = "baik"
BUTUH_PERBAIKAN = "butuh_perbaikan"
KURANG = "kurang"  # Kurang/Misconduct
SANGAT_KURANG = "sangat_kurang"
PREDIKATS = (SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)

# (hasil kerja, perilaku kerja) -> predikat. Bad behaviour caps the result at Kurang;
# bad results cap it at Butuh Perbaikan; both bad is Sangat Kurang.
MATRIX: dict[tuple[str, str], str] = {
    (DI_ATAS, DI_ATAS): SANGAT_BAIK,
    (DI_ATAS, SESUAI): BAIK,
    (DI_ATAS, DI_BAWAH): KURANG,
    (SESUAI, DI_ATAS): BAIK,
    (SESUAI, SESUAI): BAIK,
    (SESUAI, DI_BAWAH): KURANG,
    (DI_BAWAH, DI_ATAS): BUTUH_PERBAIKAN,
    (DI_BAWAH, SESUAI): BUTUH_PERBAIKAN,
    (DI_BAWAH, DI_BAWAH): SANGAT_KURANG,
}

RATING_LABELS = {
    DI_ATAS: N_("Above expectations"),
    SESUAI: N_("Meets expectations"),
    DI_BAWAH: N_("Below expectations"),
}
PREDIKAT_LABELS = {
    SANGAT_BAIK: N_("Very good (Sangat Baik)"),
    BAIK: N_("Good (Baik)"),
    BUTUH_PERBAIKAN: N_("Needs improvement (Butuh Perbaikan)"),
    KURANG: N_("Poor/Misconduct (Kurang)"),
    SANGAT_KURANG: N_("Very poor (Sangat Kurang)"),
}

# The seven BerAKHLAK core values (SE MenPANRB 20/2021), keys of Evaluation.behaviour_notes.
BERAKHLAK: dict[str, str] = {
    "berorientasi_pelayanan": N_("Service-oriented (Berorientasi Pelayanan)"),
    "akuntabel": N_("Accountable (Akuntabel)"),
    "kompeten": N_("Competent (Kompeten)"),
    "harmonis": N_("Harmonious (Harmonis)"),
    "loyal": N_("Loyal"),
    "adaptif": N_("Adaptive (Adaptif)"),
    "kolaboratif": N_("Collaborative (Kolaboratif)"),
}

# The bot's reading of the regulation's words "di atas / sesuai / di bawah ekspektasi" for
# numeric targets. These are NOT in the regulation; they only shape a suggestion that the
# leader confirms or overrides.
MET = 1.0  # a target reached 100 % or more is met
NEARLY_MET = 0.8  # 80 % or more counts as broadly meeting the expectation
SMALL_PART = 0.2  # at most this share of utama targets below NEARLY_MET still "sesuai"


def predikat(hasil_kerja: str, perilaku_kerja: str) -> str:
    """Return the predikat for two ratings; ValueError for an unknown rating."""
    try:
        return MATRIX[(hasil_kerja, perilaku_kerja)]
    except KeyError:
        raise ValueError(f"unknown ratings: {hasil_kerja!r}, {perilaku_kerja!r}") from None


@dataclass(frozen=True)
class TargetAchievement:
    """One approved target as the suggestion sees it: utama or tambahan, ratio or None."""

    jenis: str  # utama | tambahan
    ratio: float | None  # None for qualitative targets


@dataclass(frozen=True)
class Suggestion:
    """A suggested hasil-kerja rating (None = no numeric basis) and why, as msgid + params."""

    rating: str | None
    reason: str
    params: dict[str, int] = field(default_factory=dict)


def suggest_hasil_kerja(targets: Sequence[TargetAchievement]) -> Suggestion:
    """Suggest a hasil-kerja rating from the utama targets' achievement; the leader decides.

    Only utama targets count when there are any (tambahan targets otherwise). Qualitative
    targets have no ratio: when no numeric target exists, the leader judges alone.
    """
    utama = [t for t in targets if t.jenis == "utama"] or list(targets)
    numeric = [t.ratio for t in utama if t.ratio is not None]
    if not utama:
        return Suggestion(
            None,
            N_(
                "There are no approved targets, so there is nothing to "
                "suggest. Please judge the work results yourself."
            ),
        )
    if not numeric:
        return Suggestion(
            None,
            N_(
                "The targets are qualitative, so the bot suggests no "
                "rating. Please judge the work results yourself."
            ),
        )
    total = len(numeric)
    met = sum(1 for r in numeric if r >= MET)
    low = sum(1 for r in numeric if r < NEARLY_MET)
    params = {"met": met, "low": low, "total": total}
    if low == 0 and met * 2 > total:
        return Suggestion(
            DI_ATAS,
            N_("{met} of {total} main targets reached 100%; none is below 80%."),
            params,
        )
    if low <= total * SMALL_PART:
        return Suggestion(
            SESUAI,
            N_(
                "Most main targets reached at least 80%: {low} of {total} "
                "below 80%, {met} reached 100%."
            ),
            params,
        )
    if low * 2 > total:
        return Suggestion(DI_BAWAH, N_("{low} of {total} main targets are below 80%."), params)
    # Between a small part and a majority below 80 %: lean to "sesuai"; the leader judges.
    return Suggestion(
        SESUAI,
        N_(
            "{low} of {total} main targets are below 80%; the rest "
            "reached at least 80%. Please weigh this yourself."
        ),
        params,
    )
