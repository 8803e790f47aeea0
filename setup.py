"""Build step: compile the gettext catalogs into the package, so a wheel runs without `make`.

Everything else is configured in pyproject.toml. The compiled catalogs land in bot/locales/
inside the wheel; bot/i18n.py reads them from there, and from locales/ in a checkout.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE_CATALOGS = Path("locales")
DOMAIN = "messages"


class BuildWithCatalogs(build_py):
    """build_py, then compile locales/<lang>/LC_MESSAGES/messages.po into bot/locales/."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads locales/ from the checkout
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(SOURCE_CATALOGS.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            relative = po_path.relative_to(SOURCE_CATALOGS).with_suffix(".mo")
            mo_path = Path(self.build_lib) / "bot" / "locales" / relative
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as source:
                catalog = read_po(source, locale=po_path.parts[-3])
            with mo_path.open("wb") as target:
                write_mo(target, catalog)


setup(cmdclass={"build_py": BuildWithCatalogs})
