"""Gettext catalogs (Babel), per-user translators, and date/number formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from bot.config import SUPPORTED_LANGUAGES
from bot.i18n_marker import N_ as N_  # re-exported: services mark msgids with it

# An installed wheel carries the catalogs compiled into bot/locales (setup.py); a checkout has
# them in locales/, compiled by `make catalogs`.
PACKAGED_LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SOURCE_LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LOCALES_DIR = PACKAGED_LOCALES_DIR if PACKAGED_LOCALES_DIR.is_dir() else SOURCE_LOCALES_DIR
DOMAIN = "messages"
BABEL_LOCALES = {"id": "id_ID", "en": "en_GB"}


class CatalogMissingError(RuntimeError):
    """A compiled catalog is missing; run `make catalogs` (gettext would silently echo msgids)."""


def load_catalogs(directory: Path = LOCALES_DIR) -> dict[str, Translations]:
    """Load every supported catalog, refusing gettext's silent NullTranslations fallback."""
    catalogs: dict[str, Translations] = {}
    for lang in SUPPORTED_LANGUAGES:
        translations = Translations.load(str(directory), [lang], domain=DOMAIN)
        if not isinstance(translations, Translations):
            raise CatalogMissingError(
                f"no compiled catalog for {lang!r} in {directory} (run `make catalogs`)"
            )
        catalogs[lang] = translations
    return catalogs


def normalize_language(code: str | None, default: str) -> str:
    """Map a Telegram language_code such as 'en-US' or 'id' to a supported language."""
    if not code:
        return default
    try:
        lang = Locale.parse(code.replace("_", "-"), sep="-").language
    except (ValueError, TypeError):
        return default
    return lang if lang in SUPPORTED_LANGUAGES else default


@dataclass(frozen=True)
class Translator:
    """Everything language-dependent for one user: gettext plus Babel formatting."""

    lang: str
    translations: Translations
    tz: ZoneInfo

    @property
    def locale(self) -> str:
        return BABEL_LOCALES[self.lang]

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def date(self, value: date | datetime, fmt: str = "full") -> str:
        """Format a date, e.g. 'Jumat, 27 November 2026'."""
        if isinstance(value, datetime):
            value = value.astimezone(self.tz).date()
        return format_date(value, fmt, locale=self.locale)

    def date_time(self, value: datetime, fmt: str = "medium") -> str:
        return format_datetime(value, fmt, tzinfo=self.tz, locale=self.locale)

    def time(self, value: datetime, fmt: str = "short") -> str:
        return format_time(value.astimezone(self.tz), fmt, locale=self.locale)

    def number(self, value: float | int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, ratio: float) -> str:
        return format_percent(ratio, "#,##0.#%", locale=self.locale)


class I18n:
    """The loaded catalogs; hands out a Translator per language."""

    def __init__(self, default_language: str, tz: ZoneInfo, directory: Path = LOCALES_DIR):
        self.default_language = default_language
        self.tz = tz
        self.catalogs = load_catalogs(directory)

    def for_language(self, lang: str | None) -> Translator:
        lang = lang if lang in self.catalogs else self.default_language
        assert lang is not None
        return Translator(lang, self.catalogs[lang], self.tz)
