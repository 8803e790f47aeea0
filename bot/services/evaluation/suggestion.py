"""The bot's suggested hasil-kerja rating, from the achievement of the approved targets.

The rule is PermenPANRB 6/2022's, as achievement_rules.suggest_hasil_kerja writes it: each RHK
is below, meets or above expectation (from its IKIs), and the rating follows how many are in
each, with the utama results weighing most. RHKs that cannot be measured yet are named with
the reason, never counted. The suggestion is only a starting point: the leader decides, and
the bot says why it suggests what it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.i18n import N_
from bot.services.evaluation.predikat import DI_ATAS, DI_BAWAH, SESUAI
from bot.services.targets import achievement_rules as rules
from bot.services.targets.vocabulary import JENIS_UTAMA

RATINGS = {
    rules.Expectation.ABOVE: DI_ATAS,
    rules.Expectation.MEETS: SESUAI,
    rules.Expectation.BELOW: DI_BAWAH,
}
COUNTS = N_(
    "Of {total} work results, {above} are above expectation, {meets} meet it and {below} are "
    "below it ({utama_below} of {utama} main results below)."
)


@dataclass(frozen=True)
class TargetAchievement:
    """One approved RHK as the suggestion sees it: its title, utama or tambahan, its result."""

    title: str
    jenis: str  # utama | tambahan
    result: rules.RhkResult


@dataclass(frozen=True)
class Suggestion:
    """A suggested hasil-kerja rating (None = nothing to go on) and why.

    `reason` is the rule that decided (msgid), `counts` the msgid that says what was counted
    (with `params`), and `not_counted` names each RHK left out with why (title, msgid).
    """

    rating: str | None
    reason: str
    params: dict[str, int] = field(default_factory=dict)
    counts: str = ""
    not_counted: tuple[tuple[str, str], ...] = ()


def suggest_hasil_kerja(targets: Sequence[TargetAchievement]) -> Suggestion:
    """Suggest a hasil-kerja rating by the regulation's rule; the leader decides."""
    if not targets:
        return Suggestion(
            None,
            N_(
                "There are no approved targets, so there is nothing to "
                "suggest. Please judge the work results yourself."
            ),
        )
    found = rules.suggest_hasil_kerja(
        [(t.title, t.result, t.jenis == JENIS_UTAMA) for t in targets]
    )
    left_out = tuple(
        (t.title, t.result.not_counted or rules.NOTHING_COUNTED)
        for t in targets
        if t.result.expectation is None
    )
    if found.rating is None:
        return Suggestion(
            None,
            N_(
                "None of the targets can be measured yet, so the bot suggests no rating. "
                "Please judge the work results yourself."
            ),
            not_counted=left_out,
        )
    params = {
        "total": found.counted,
        "above": found.above,
        "meets": found.meets,
        "below": found.below,
        "utama": found.utama_counted,
        "utama_below": found.utama_below,
    }
    return Suggestion(RATINGS[found.rating], found.reason, params, COUNTS, left_out)
