"""The Mini App in a real browser: headless Chromium from the distribution (never a downloaded
one), driven by Playwright, against the tornado app on a seeded database.

Telegram's script is blocked, so every page signs in from the URL fragment as an offline test
must. Each page is loaded as an employee, a leader and HR (of one OPD and city-wide); the test
checks what is shown (names with < & and emoji as typed, numbers in the reader's language, no
other OPD) and saves a screenshot per page under tests/artifacts/miniapp/ (TEST_ARTIFACTS).
Without Chromium these tests skip and say why, unless TEST_BROWSER=required.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from models import Employee
from models.db import create_session_factory
from tests.support.miniapp import (
    CITY_HR_TG,
    HR_TG,
    LEADER_TG,
    SECRET_UNIT,
    STAFF_TG,
    Seeded,
    launch_data,
    launch_fragment,
    seed,
    serving,
)

pytestmark = pytest.mark.browser

DB = tuple[str, AsyncEngine]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parent / "artifacts")) / "miniapp"
STAFF_NAME = "Siti <Aminah> & Co 😀"


def chromium_path() -> str:
    """The distribution's Chromium, or skip (fail with TEST_BROWSER=required)."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    problem = None
    if not Path(path).exists():
        problem = "no Chromium installed (apt-get install chromium)"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed (pip install -e '.[dev]')"
    if problem:
        if os.environ.get("TEST_BROWSER") == "required":
            pytest.fail(f"{problem} (TEST_BROWSER=required)")
        pytest.skip(problem)
    return path


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    path = chromium_path()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def site(db: DB) -> AsyncIterator[tuple[str, Seeded, DB]]:
    """The served Mini App, the seeded organisation, and ("sqlite"|"postgres", engine)."""
    seeded = await seed(create_session_factory(db[1]))
    kind = "postgres" if db[0].startswith("postgresql") else "sqlite"
    async with serving(db[1]) as base:
        yield base, seeded, (kind, db[1])


class Opened:
    """A page opened as someone: the Playwright page and the bytes it transferred."""

    def __init__(self, page: Any, transferred: list[int]) -> None:
        self.page = page
        self.transferred = transferred

    async def text(self) -> str:
        return str(await self.page.inner_text("body"))


async def open_as(
    browser: Any, base: str, path: str, tg: int, *, language: str = "id", dark: bool = False
) -> Opened:
    """Open a page of the Mini App as Telegram would, and wait until its data is drawn."""
    context = await browser.new_context(
        viewport={"width": 360, "height": 760},
        device_scale_factor=2,
        color_scheme="dark" if dark else "light",
        accept_downloads=True,
    )
    await context.route("https://telegram.org/**", lambda route: route.abort())
    page = await context.new_page()
    transferred: list[int] = []

    async def count(response: Any) -> None:
        sizes = await response.request.sizes()
        transferred.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("response", count)
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    fragment = launch_fragment(launch_data(tg, language=language), dark=dark)
    await page.goto(base + path + fragment)
    await page.wait_for_selector("body[data-loaded]")
    return Opened(page, transferred)


async def shot(opened: Opened, name: str) -> None:
    await asyncio.to_thread(ARTIFACTS.mkdir, parents=True, exist_ok=True)
    await opened.page.evaluate("window.scrollTo(0, 0)")  # the sticky tabs at the top
    await opened.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_an_employee_sees_their_own_performance_escaped_in_indonesian(
    browser: Any, site: tuple[str, Seeded, DB]
) -> None:
    base, _, (kind, _) = site
    opened = await open_as(browser, base, "/", STAFF_TG)
    page = opened.page
    assert await page.inner_text("h1") == STAFF_NAME + "\nSemester II 2026"
    assert await page.locator("aminah").count() == 0  # text, not markup
    text = await opened.text()
    assert "Laporan <data> & rekap 😀" in text
    assert "41,3%" in text  # 16,5 of 40, the Indonesian way
    assert "16,5 / 40 dokumen" in text
    assert "Kerja bagus <script>alert(1)</script> & 👍" in text
    assert "Dr. Hendra" not in text and "Joko Pane" not in text
    assert await page.get_attribute("html", "lang") == "id"
    assert "Data per" in await page.inner_text("#asof")
    assert await page.locator("svg.chart rect.chart-bar").count() == 1
    assert sum(opened.transferred) < 250_000  # the whole first load
    await shot(opened, f"me-employee-id-{kind}")


async def test_the_same_page_in_english_and_dark(
    browser: Any, site: tuple[str, Seeded, DB]
) -> None:
    base, _, (kind, _) = site
    opened = await open_as(browser, base, "/", STAFF_TG, language="en", dark=True)
    text = await opened.text()
    assert "My performance" in text and "41.3%" in text and "16.5 / 40 dokumen" in text
    background = await opened.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"  # Telegram's theme from the launch fragment
    await shot(opened, f"me-employee-en-dark-{kind}")


async def test_a_leader_sorts_filters_and_drills_into_the_team(
    browser: Any, site: tuple[str, Seeded, DB]
) -> None:
    base, _, (kind, _) = site
    opened = await open_as(browser, base, "/team", LEADER_TG)
    page = opened.page
    rows = page.locator("#team tbody tr")
    assert await rows.count() == 2
    names = await page.locator("#team tbody tr td:first-child").all_inner_texts()
    assert names == ["Budi Santoso", STAFF_NAME]
    await page.click("#team th:nth-child(3) button")  # achievement, lowest first
    await page.click("#team th:nth-child(3) button")  # highest first
    names = await page.locator("#team tbody tr td:first-child").all_inner_texts()
    assert names == [STAFF_NAME, "Budi Santoso"]  # 41,3 % before 30 %
    assert "41,3%" in await rows.nth(0).inner_text()
    assert "Kaskade" in await opened.text()
    await shot(opened, f"team-leader-{kind}")
    await page.fill("#team-search", "budi")
    assert await rows.count() == 1
    await page.fill("#team-search", "")
    await page.click(f"#team tbody button:text-is('{STAFF_NAME}')")
    await page.wait_for_selector("body[data-loaded='member']")
    assert STAFF_NAME in await page.inner_text("h1")
    assert "Catatan <b>tebal</b> & 😀" in await opened.text()
    await shot(opened, f"team-member-{kind}")
    await page.click("button.back")
    await page.wait_for_selector("body[data-loaded='team']")


async def test_opd_hr_sees_their_opd_only_and_downloads_what_is_shown(
    browser: Any, site: tuple[str, Seeded, DB]
) -> None:
    base, _, (kind, _) = site
    opened = await open_as(browser, base, "/hr", HR_TG)
    text = await opened.text()
    assert "Kepatuhan pelaporan per OPD" in text and "DINKES" in text
    assert "DISHUB" not in text and SECRET_UNIT not in text and "Joko Pane" not in text
    await shot(opened, f"hr-opd-{kind}")
    async with opened.page.expect_download() as waiting:
        await opened.page.click("#predikat button.csv")
    download = await waiting.value
    saved = Path(await download.path())
    csv = (await asyncio.to_thread(saved.read_bytes)).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("OPD,SB,B,BP,K,SK")
    assert csv.splitlines()[1].startswith("DINKES,1,1,0,0,0")


async def test_city_wide_hr_sees_every_opd(browser: Any, site: tuple[str, Seeded, DB]) -> None:
    base, _, (kind, _) = site
    opened = await open_as(browser, base, "/hr", CITY_HR_TG, language="en")
    text = await opened.text()
    assert "Predikat distribution against the curve" in text
    assert "DINKES" in text and "DISHUB" in text
    assert await opened.page.locator("#predikat svg rect").count() > 2
    await shot(opened, f"hr-city-{kind}")


async def test_refusals_are_pages_of_their_own(browser: Any, site: tuple[str, Seeded, DB]) -> None:
    base, seeded, (kind, engine) = site
    opened = await open_as(browser, base, "/hr", STAFF_TG)
    assert "Tidak tersedia" in await opened.page.inner_text("#refusal")
    unlinked = await open_as(browser, base, "/", 424242, language="en")
    assert "not linked" in await unlinked.page.inner_text("#refusal")
    await shot(unlinked, f"refused-unlinked-{kind}")
    async with create_session_factory(engine)() as session:
        staff = await session.get(Employee, seeded.org.staff.id)
        assert staff is not None
        staff.active = False
        session.add(staff)
        await session.commit()
    gone = await open_as(browser, base, "/", STAFF_TG)
    assert "belum terhubung" in await gone.page.inner_text("#refusal")
