"""The words of feedback: its two kinds, the BerAKHLAK core values, and the text limits."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, Translator

KIND_APPRECIATION = "apresiasi"
KIND_SUGGESTION = "saran"
KINDS = (KIND_APPRECIATION, KIND_SUGGESTION)
MIN_TEXT = 5
MAX_TEXT = 2000
MAX_REPLY = 1000


@dataclass(frozen=True)
class Value:
    """One BerAKHLAK core value: its key, Indonesian name and a short behaviour guide (msgid)."""

    key: str
    name: str  # the official Indonesian name, shown as is in every language
    guide: str  # msgid, translated at call time


# SE MenPANRB 20/2021; the names are official and stay Indonesian in English too.
VALUES: tuple[Value, ...] = (
    Value(
        "berorientasi_pelayanan",
        "Berorientasi Pelayanan",
        N_("understands and meets people's needs; friendly, quick and helpful; keeps improving"),
    ),
    Value(
        "akuntabel",
        "Akuntabel",
        N_("honest, responsible, careful and disciplined; uses public resources wisely"),
    ),
    Value(
        "kompeten",
        "Kompeten",
        N_("keeps learning; helps others learn; does the work to the best quality"),
    ),
    Value(
        "harmonis",
        "Harmonis",
        N_("respects everyone whatever their background; helpful; builds a good workplace"),
    ),
    Value(
        "loyal",
        "Loyal",
        N_("devoted to Pancasila and the state; protects the good name of colleagues and office"),
    ),
    Value(
        "adaptif",
        "Adaptif",
        N_("adjusts quickly to change; keeps innovating; acts proactively"),
    ),
    Value(
        "kolaboratif",
        "Kolaboratif",
        N_("gives others room to contribute; works together openly to add value"),
    ),
)
VALUE_BY_KEY = {v.key: v for v in VALUES}

KIND_LABELS = {
    KIND_APPRECIATION: N_("Appreciation"),
    KIND_SUGGESTION: N_("Suggestion for improvement"),
}


def value_of(key: str) -> Value | None:
    """Return the BerAKHLAK value with this key, or None."""
    return VALUE_BY_KEY.get(key)


def kind_label(t: Translator, kind: str) -> str:
    """'Appreciation' / 'Suggestion for improvement' in the reader's language."""
    return t._(KIND_LABELS.get(kind, KIND_LABELS[KIND_SUGGESTION]))
