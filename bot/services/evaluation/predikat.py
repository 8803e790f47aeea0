"""The ratings and predikat of PermenPANRB 6/2022: their names, and the matrix between them.

The one home of predikat text: the labels shown to users (translated), the regulation's own
Indonesian names (e-Kinerja files keep them in every language) and the short forms of charts.
The matrix is the regulation's "kuadran kinerja pegawai" (domain README §4.1).
"""

from __future__ import annotations

from bot.i18n import N_

DI_ATAS = "di_atas"
SESUAI = "sesuai"
DI_BAWAH = "di_bawah"
RATINGS = (DI_ATAS, SESUAI, DI_BAWAH)

SANGAT_BAIK = "sangat_baik"
BAIK = "baik"
BUTUH_PERBAIKAN = "butuh_perbaikan"
KURANG = "kurang"  # the regulation's "Kurang/Misconduct"; people only ever see "Kurang"
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

# Shown to users (translated; the Indonesian catalog gives the regulation's own words).
# Kurang is "Poor" in English, never the regulation's "Misconduct": that word accuses, while
# the predikat only says that work behaviour was below expectation.
RATING_LABELS = {
    DI_ATAS: N_("Above expectations"),
    SESUAI: N_("Meets expectations"),
    DI_BAWAH: N_("Below expectations"),
}
PREDIKAT_LABELS = {
    SANGAT_BAIK: N_("Very good (Sangat Baik)"),
    BAIK: N_("Good (Baik)"),
    BUTUH_PERBAIKAN: N_("Needs improvement (Butuh Perbaikan)"),
    KURANG: N_("Poor (Kurang)"),
    SANGAT_KURANG: N_("Very poor (Sangat Kurang)"),
}
# The regulation's own words, the same in every language (the e-Kinerja export keeps them).
# Kurang without "/Misconduct": BKPSDM re-keys the file into e-Kinerja by hand, where
# "Kurang" names the choice unambiguously.
RATING_NAMES = {
    DI_ATAS: "Di atas ekspektasi",
    SESUAI: "Sesuai ekspektasi",
    DI_BAWAH: "Di bawah ekspektasi",
}
PREDIKAT_NAMES = {
    SANGAT_BAIK: "Sangat Baik",
    BAIK: "Baik",
    BUTUH_PERBAIKAN: "Butuh Perbaikan",
    KURANG: "Kurang",
    SANGAT_KURANG: "Sangat Kurang",
}
# Chart legends, where a label does not fit (SB = Sangat Baik, ...).
PREDIKAT_SHORT = {
    SANGAT_BAIK: "SB",
    BAIK: "B",
    BUTUH_PERBAIKAN: "BP",
    KURANG: "K",
    SANGAT_KURANG: "SK",
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


def predikat(hasil_kerja: str, perilaku_kerja: str) -> str:
    """Return the predikat for two ratings; ValueError for an unknown rating."""
    try:
        return MATRIX[(hasil_kerja, perilaku_kerja)]
    except KeyError:
        raise ValueError(f"unknown ratings: {hasil_kerja!r}, {perilaku_kerja!r}") from None
