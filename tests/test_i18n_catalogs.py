"""The id and en catalogs are complete, not fuzzy, compile, keep placeholders, never fall back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, CatalogMissingError, I18n, load_catalogs

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("id", "en")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def source_msgids() -> set[str]:
    """Extract every translatable string from the code, as `make extract` would."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "_l": None}
    found: set[str] = set()
    for package in ("bot", "handlers", "models"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(lang: str) -> Catalog:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_has_every_source_string(lang: str) -> None:
    ids = {m.id for m in catalog(lang) if m.id}
    missing = source_msgids() - {i if isinstance(i, str) else i[0] for i in ids}
    assert not missing, f"{lang}: run `make extract` and translate: {sorted(missing)[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_translated_not_fuzzy_and_placeholders_match(lang: str) -> None:
    problems = []
    for message in catalog(lang):
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strs):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strs:
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
        if ids[0].count("<b>") != strs[0].count("<b>"):
            problems.append(f"HTML tags differ: {ids[0]!r}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_compiles(lang: str) -> None:
    # Babel's own checkers are what `pybabel compile` runs (e.g. "placeholders are
    # incompatible" when a msgid like "100% or" looks like a %-format to it).
    problems = [
        f"{message.id!r}: {error}" for message, errors in catalog(lang).check() for error in errors
    ]
    assert not problems, "\n".join(problems)
    buffer = io.BytesIO()
    write_mo(buffer, catalog(lang))
    assert buffer.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def test_indonesian_is_really_translated() -> None:
    entries = [m for m in catalog("id") if m.id and isinstance(m.id, str) and len(m.id) > 12]
    same = [m.id for m in entries if m.string == m.id]
    assert len(same) <= len(entries) // 20, f"copied, not translated: {same[:5]}"


def test_runtime_catalogs_load_and_translate() -> None:
    i18n = I18n("id", tz=__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    assert i18n.for_language("id")._("Choose your language:") != "Choose your language:"
    assert i18n.for_language("en")._("Choose your language:") == "Choose your language:"
    assert i18n.for_language("fr").lang == "id"


def test_missing_catalog_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissingError):
        load_catalogs(tmp_path)


def test_dates_and_numbers_use_babel() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    i18n = I18n("id", tz=ZoneInfo("Asia/Jakarta"))
    assert i18n.for_language("id").date(date(2026, 11, 27)) == "Jumat, 27 November 2026"
    assert i18n.for_language("en").date(date(2026, 11, 27)) == "Friday, 27 November 2026"
    assert i18n.for_language("id").number(1250.5) == "1.250,5"
    assert i18n.for_language("en").number(1250.5) == "1,250.5"
