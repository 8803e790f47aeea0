"""Make the English catalog complete: msgids are English, so each msgstr is its msgid.

Run by `make extract` after `pybabel update`; Indonesian entries are translated by hand in
locales/id/LC_MESSAGES/messages.po (tests/test_i18n_catalogs.py fails until they are).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        message.string = (
            (message.id[0], message.id[1]) if isinstance(message.id, tuple) else message.id
        )
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, width=99)


if __name__ == "__main__":
    main()
