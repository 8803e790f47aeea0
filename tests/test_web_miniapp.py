"""The Mini App's sign-in (Telegram initData) and its JSON calls over real HTTP, on a seeded
organisation: who may see what follows the chat's access rules (bot/services/access.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.web.initdata import InitDataError, sign, validate
from models import Employee, Indicator, ProgressReport, ReportValue, Target
from models.db import create_session_factory
from tests.support.harness import TOKEN
from tests.support.miniapp import (
    CITY_HR_TG,
    HR_TG,
    LEADER_TG,
    NOW,
    OTHER_TG,
    SECRET_UNIT,
    STAFF_TG,
    Seeded,
    launch_data,
    seed,
    serving,
)

DB = tuple[str, AsyncEngine]
OTHER_TOKEN = "654321:ANOTHER-BOT-TOKEN"


# --- initData, as the Bot API documents it --------------------------------------------------


def test_a_valid_signature_names_the_user() -> None:
    user = validate(launch_data(STAFF_TG, language="en"), TOKEN, now=NOW, max_age=3600)
    assert (user.id, user.language_code, user.auth_date) == (STAFF_TG, "en", int(NOW.timestamp()))


def test_the_documented_algorithm() -> None:
    """secret = HMAC_SHA256("WebAppData", token); hash = HMAC_SHA256(secret, sorted lines)."""
    import hashlib
    import hmac

    fields = {"auth_date": "1", "user": '{"id":1}', "query_id": "q"}
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    expected = hmac.new(
        secret, b'auth_date=1\nquery_id=q\nuser={"id":1}', hashlib.sha256
    ).hexdigest()
    assert sign(fields, TOKEN) == expected


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (launch_data(STAFF_TG).replace("Pegawai", "Pegawal"), "forged field"),
        (launch_data(STAFF_TG)[:-2] + "00", "forged hash"),
        (launch_data(STAFF_TG, auth_date=NOW - timedelta(seconds=3601)), "stale"),
        (launch_data(STAFF_TG, token=OTHER_TOKEN), "another bot's token"),
        (launch_data(None), "no user"),
        ("", "nothing"),
        ("hash=abc&hash=abc", "twice"),
    ],
)
def test_bad_launch_data_is_refused(raw: str, why: str) -> None:
    with pytest.raises(InitDataError):
        validate(raw, TOKEN, now=NOW, max_age=3600)


def test_the_window_is_configurable() -> None:
    old = launch_data(STAFF_TG, auth_date=NOW - timedelta(hours=2))
    assert validate(old, TOKEN, now=NOW, max_age=3 * 3600).id == STAFF_TG


# --- the JSON calls over HTTP -----------------------------------------------------------------


@pytest.fixture
async def served(db: DB) -> AsyncIterator[tuple[str, Seeded]]:
    _, engine = db
    seeded = await seed(create_session_factory(engine))
    async with serving(engine) as base:
        yield base, seeded


async def call(base: str, path: str, init_data: str | None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"tma {init_data}"} if init_data is not None else {}
    async with httpx.AsyncClient() as client:
        answer = await client.get(base + path, headers=headers)
    return answer.status_code, answer.json()


async def test_forged_stale_foreign_and_userless_launch_data_get_401(
    served: tuple[str, Seeded],
) -> None:
    base, _ = served
    for raw in [
        None,
        launch_data(STAFF_TG)[:-2] + "00",
        launch_data(STAFF_TG, auth_date=NOW - timedelta(hours=2)),
        launch_data(STAFF_TG, token=OTHER_TOKEN),
        launch_data(None),
    ]:
        status, body = await call(base, "/api/me", raw)
        assert status == 401
        assert body["error"]["reason"] == "forged"
        assert body["error"]["title"] and "data" not in body


async def test_an_unlinked_user_gets_403_in_their_language(served: tuple[str, Seeded]) -> None:
    base, _ = served
    status, body = await call(base, "/api/me", launch_data(999_999, language="en"))
    assert status == 403
    assert body["lang"] == "en"
    assert body["error"]["reason"] == "unlinked"
    assert "/start" in body["error"]["message"]


async def test_my_page_shows_each_indicator_of_an_rhk_by_aspek(
    served: tuple[str, Seeded], db: DB
) -> None:
    """An RHK with two IKIs: each comes with its aspek, measure, value and achievement."""
    base, seeded = served
    async with create_session_factory(db[1])() as session:
        target = (
            await session.exec(select(Target).where(Target.employee_id == seeded.org.staff.id))
        ).one()
        session.add(
            Indicator(
                target_id=target.id,
                position=0,
                aspect="kuantitas",
                measure="cumulative",
                text="Laporan tersusun",
                target_amount=Decimal(40),
                unit="dokumen",
            )
        )
        level = Indicator(
            target_id=target.id,
            position=1,
            aspect="kualitas",
            measure="level",
            text="Akurasi data",
            target_amount=Decimal(90),
            unit="%",
        )
        session.add(level)
        await session.flush()
        report = ProgressReport(
            target_id=target.id,
            employee_id=seeded.org.staff.id,
            amount=None,
            created_at=NOW - timedelta(days=1),
        )
        session.add(report)
        await session.flush()
        session.add(ReportValue(report_id=report.id, indicator_id=level.id, amount=Decimal(81)))
        await session.commit()
    status, body = await call(base, "/api/me", launch_data(STAFF_TG, language="en"))
    assert status == 200
    (line,) = body["data"]["summary"]["lines"]
    first, second = line["rhk"]["ikis"]
    assert (first["aspect"], first["measure"], first["measured"]) == (
        "kuantitas",
        "cumulative",
        16.5,
    )
    assert (second["aspect"], second["measure"], second["measured"]) == ("kualitas", "level", 81.0)
    assert second["percent"] == pytest.approx(90.0)
    assert body["labels"]["aspect_kualitas"] == "Quality"
    assert body["labels"]["measure_level"] == "the latest level counts"


async def test_a_user_who_blocked_the_bot_is_told_to_open_the_chat(
    served: tuple[str, Seeded], db: DB
) -> None:
    base, seeded = served
    async with create_session_factory(db[1])() as session:
        staff = await session.get(Employee, seeded.org.staff.id)
        assert staff is not None
        staff.blocked_at = NOW
        session.add(staff)
        await session.commit()
    status, body = await call(base, "/api/me", launch_data(STAFF_TG))
    assert (status, body["error"]["reason"]) == (403, "blocked")


async def test_my_page_shows_my_targets_reports_and_feedback(served: tuple[str, Seeded]) -> None:
    base, _ = served
    status, body = await call(base, "/api/me", launch_data(STAFF_TG))
    assert status == 200
    data = body["data"]
    assert body["viewer"] == {"name": "Siti <Aminah> & Co 😀", "leader": False, "hr": False}
    (line,) = data["summary"]["lines"]
    assert line["title"] == "Laporan <data> & rekap 😀"
    assert line["achieved"] == 16.5 and line["ratio"] == pytest.approx(16.5 / 40)
    assert data["summary"]["days_left"] == 35
    assert [r["amount"] for r in data["reports"]] == [4.0, 12.5]
    assert data["feedback"][0]["text"].startswith("Kerja bagus <script>")
    assert body["labels"]["tab_me"] == "Kinerja Saya" or body["labels"]["tab_me"]


async def test_only_leaders_and_hr_open_a_team_and_only_within_their_tree(
    served: tuple[str, Seeded],
) -> None:
    base, seeded = served
    org = seeded.org
    assert (await call(base, "/api/team", launch_data(STAFF_TG)))[0] == 403
    status, body = await call(base, "/api/team", launch_data(LEADER_TG))
    assert status == 200
    names = {m["name"] for m in body["data"]["members"]}
    assert names == {"Siti <Aminah> & Co 😀", "Budi Santoso"}
    (node,) = body["data"]["cascade"]
    assert {c["employee"] for c in node["children"]} == names
    # A person outside the leader's tree, by id: refused, not shown.
    for path in (f"/api/member?id={org.other_opd_staff.id}", f"/api/team?leader={org.head.id}"):
        status, body = await call(base, path, launch_data(LEADER_TG))
        assert (status, body["error"]["reason"]) == (403, "not_allowed")
    status, body = await call(base, f"/api/member?id={org.staff.id}", launch_data(LEADER_TG))
    assert status == 200 and body["data"]["name"] == "Siti <Aminah> & Co 😀"


async def test_opd_hr_sees_only_their_opd_and_gets_403_for_another(
    served: tuple[str, Seeded],
) -> None:
    base, seeded = served
    org = seeded.org
    assert (await call(base, "/api/hr", launch_data(STAFF_TG)))[0] == 403
    status, body = await call(base, "/api/hr", launch_data(HR_TG))
    assert status == 200
    text = json.dumps(body, ensure_ascii=False)
    assert "DISHUB" not in text and SECRET_UNIT not in text and "Joko Pane" not in text
    assert [c["code"] for c in body["data"]["compliance"]] == ["DINKES"]
    status, body = await call(
        base, f"/api/hr?opd={org.other_opd_staff.opd_id}", launch_data(HR_TG)
    )
    assert (status, body["error"]["reason"]) == (403, "not_allowed")
    # Nor another OPD's people through the team calls.
    path = f"/api/member?id={org.other_opd_staff.id}"
    assert (await call(base, path, launch_data(HR_TG)))[0] == 403


async def test_city_wide_hr_sees_every_opd(served: tuple[str, Seeded]) -> None:
    base, seeded = served
    status, body = await call(base, "/api/hr", launch_data(CITY_HR_TG))
    assert status == 200
    data = body["data"]
    assert data["city_wide"] is True
    assert {p["code"] for p in data["predikat"]} == {"DINKES", "DISHUB"}
    dinkes = next(p for p in data["predikat"] if p["code"] == "DINKES")
    assert dinkes["counts"]["baik"] == 1 and dinkes["org_rating"] == "baik"
    opd = seeded.org.other_opd_staff.opd_id
    status, body = await call(base, f"/api/hr?opd={opd}", launch_data(CITY_HR_TG))
    assert status == 200 and [p["code"] for p in body["data"]["predikat"]] == ["DISHUB"]
    assert (await call(base, "/api/me", launch_data(OTHER_TG)))[0] == 200


async def test_the_shell_static_files_and_health(served: tuple[str, Seeded]) -> None:
    base, _ = served
    async with httpx.AsyncClient() as client:
        shell = await client.get(base + "/team")
        assert shell.status_code == 200
        assert 'data-page="team"' in shell.text
        assert "script-src 'self' https://telegram.org" in shell.headers["content-security-policy"]
        script = await client.get(base + "/static/app.js")
        assert script.status_code == 200 and "textContent" in script.text
        assert (await client.get(base + "/static/../pages.py")).status_code == 404
        origin = base.removesuffix("/app")
        health = await client.get(origin + "/healthz")
        assert health.json() == {"healthy": True, "details": {"role": "active"}}
        assert (await client.get(origin + "/metrics")).status_code == 200
