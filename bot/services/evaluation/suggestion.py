"""The bot's suggested hasil-kerja rating, from the achievement of the approved targets.

The suggestion is only a starting point: the leader decides, and the bot says why it suggests
what it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.i18n import N_
from bot.services.evaluation.predikat import DI_ATAS, DI_BAWAH, SESUAI

# The bot's reading of the regulation's words "di atas / sesuai / di bawah ekspektasi" for
# numeric targets. These are NOT in the regulation; they only shape a suggestion that the
# leader confirms or overrides.
MET = 1.0  # a target reached 100 % or more is met
NEARLY_MET = 0.8  # 80 % or more counts as broadly meeting the expectation
SMALL_PART = 0.2  # at most this share of utama targets below NEARLY_MET still "sesuai"


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
