"""NIP (Nomor Induk Pegawai) validation: 18 digits, PNS or PPPK layout (Perka BKN 22/2007)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.i18n import N_

MIN_APPOINTMENT_AGE = 18  # ASN are appointed at 18 or older
FIRST_PPPK_YEAR = 2019  # the first PPPK appointments (PP 49/2018)


@dataclass(frozen=True)
class NipInfo:
    """What an NIP encodes."""

    birth_date: date
    appointment_year: int
    appointment_month: int | None  # None for PPPK numbers (no TMT month)
    gender: str  # "L" (1) or "P" (2)
    kind: str  # "pns" | "pppk"


class NipError(ValueError):
    """An invalid NIP; `reason` is an untranslated msgid (see N_ markers)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_nip(raw: str) -> str:
    """Drop the spaces, dots and dashes people type inside an NIP."""
    return "".join(ch for ch in raw.strip() if ch not in " .-\u00a0\t")


def parse_nip(raw: str, *, today: date | None = None) -> NipInfo:
    """Validate an NIP and return what it encodes, or raise NipError with a reason msgid."""
    nip = normalize_nip(raw)
    if not nip.isascii() or not nip.isdigit():
        raise NipError(N_("An NIP has digits only."))
    if len(nip) != 18:
        raise NipError(N_("An NIP has exactly 18 digits."))
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError as exc:
        raise NipError(N_("The first 8 digits of the NIP are not a real birth date.")) from exc
    today = today or datetime.now(UTC).date()
    if birth.year < 1940 or birth > today:
        raise NipError(N_("The birth date in the NIP is not plausible."))
    year, month = int(nip[8:12]), int(nip[12:14])
    gender_digit = nip[14]
    if gender_digit not in "12":
        raise NipError(N_("Digit 15 of the NIP (gender) must be 1 or 2."))
    if nip[15:18] == "000":
        raise NipError(N_("The last 3 digits of the NIP (serial number) cannot be 000."))
    kind = "pns"
    appointment_month: int | None = month
    if not 1 <= month <= 12:
        # NI PPPK: digits 13-14 count contracts, not a month (domain README section 8).
        kind, appointment_month = "pppk", None
    if year > today.year + 1:
        raise NipError(N_("The appointment year in the NIP is not plausible."))
    if kind == "pppk" and year < FIRST_PPPK_YEAR:
        raise NipError(N_("A PPPK number starts with an appointment year of 2019 or later."))
    # Nobody is appointed before 18: compare (year, month) of the TMT with the 18th birthday.
    adult = (birth.year + MIN_APPOINTMENT_AGE, birth.month)
    if (year, appointment_month or 12) < adult:
        raise NipError(N_("The appointment in the NIP is before the age of 18."))
    return NipInfo(
        birth_date=birth,
        appointment_year=year,
        appointment_month=appointment_month,
        gender="L" if gender_digit == "1" else "P",
        kind=kind,
    )
