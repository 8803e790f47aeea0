"""The predikat matrix (every cell) and its refusal of unknown ratings."""

from __future__ import annotations

import pytest

from bot.services.evaluation.predikat import (
    BAIK,
    BUTUH_PERBAIKAN,
    DI_ATAS,
    DI_BAWAH,
    KURANG,
    SANGAT_BAIK,
    SANGAT_KURANG,
    SESUAI,
    predikat,
)


@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected"),
    [
        (DI_ATAS, DI_ATAS, SANGAT_BAIK),
        (DI_ATAS, SESUAI, BAIK),
        (DI_ATAS, DI_BAWAH, KURANG),
        (SESUAI, DI_ATAS, BAIK),
        (SESUAI, SESUAI, BAIK),
        (SESUAI, DI_BAWAH, KURANG),
        (DI_BAWAH, DI_ATAS, BUTUH_PERBAIKAN),
        (DI_BAWAH, SESUAI, BUTUH_PERBAIKAN),
        (DI_BAWAH, DI_BAWAH, SANGAT_KURANG),
    ],
)
def test_every_cell_of_the_matrix(hasil: str, perilaku: str, expected: str) -> None:
    assert predikat(hasil, perilaku) == expected


def test_unknown_rating_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown ratings"):
        predikat("bagus", SESUAI)
    with pytest.raises(ValueError, match="unknown ratings"):
        predikat(SESUAI, "")
