"""Where the Mini App opens from: a web_app button under /kinerja, /tim and /statistik, and a
per-chat menu button for linked users; none of it without WEBAPP_URL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from models import Employee
from tests.support.factories import link_telegram, make_org
from tests.support.harness import running_bot
from tests.support.miniapp import NOW

DB = tuple[str, AsyncEngine]
URL = "https://kinerja.example.go.id/app"
LEADER_TG, HR_TG = 7001, 7002


async def test_web_app_buttons_and_the_menu_button_when_webapp_url_is_set(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine, webapp_url=URL) as h:
        async with h.deps.sessions() as session:
            org = await make_org(session)
        await link_telegram(h.deps.sessions, org.leader, LEADER_TG, now=NOW)
        await link_telegram(h.deps.sessions, org.hr, HR_TG, now=NOW)

        await h.send(LEADER_TG, "/kinerja")
        assert h.fake.last(LEADER_TG).web_app_buttons() == [("📊 Buka dasbor", URL + "/")]
        await h.send(LEADER_TG, "/tim")
        assert [u for _, u in h.fake.last(LEADER_TG).web_app_buttons()] == [URL + "/team"]
        await h.send(HR_TG, "/statistik")
        assert [u for _, u in h.fake.last(HR_TG).web_app_buttons()] == [URL + "/hr"]

        button = h.fake.menu_button_of(LEADER_TG)
        assert button is not None and button["type"] == "web_app"
        assert button["web_app"]["url"] == URL + "/"

        # Unlinked (left the organisation): the menu button goes back to the default.
        async with h.deps.sessions() as session:
            leader = await session.get(Employee, org.leader.id)
            assert leader is not None
            leader.active = False
            session.add(leader)
            await session.commit()
        await h.send(LEADER_TG, "/kinerja")
        assert h.fake.menu_button_of(LEADER_TG) == {"type": "default"}


async def test_no_mini_app_anywhere_without_webapp_url(db: DB) -> None:
    url, engine = db
    async with running_bot(url, engine) as h:
        async with h.deps.sessions() as session:
            org = await make_org(session)
        await link_telegram(h.deps.sessions, org.leader, LEADER_TG, now=NOW)
        for command in ("/kinerja", "/tim"):
            await h.send(LEADER_TG, command)
            assert h.fake.last(LEADER_TG).web_app_buttons() == []
        assert h.fake.menu_button_of(LEADER_TG) is None
