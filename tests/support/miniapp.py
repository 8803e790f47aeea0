"""The Mini App for tests: a seeded organisation, signed launch data, and the tornado app
serving on a free port (the same make_app the bot process runs)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.i18n import I18n
from bot.web.initdata import sign
from bot.web.pages import MiniApp, start_webapp_server
from bot.web.server import HealthStatus
from models import Evaluation, Feedback, OrgRating, ProgressReport, Target, Unit
from models.db import SessionFactory, create_session_factory
from tests.support.factories import Org, link_telegram, make_org
from tests.support.harness import TOKEN

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Friday 27 November 2026, 10:00 WIB
STAFF_TG, LEADER_TG, HR_TG, CITY_HR_TG, OTHER_TG, HEAD_TG = 5001, 5002, 5003, 5004, 5005, 5006
SECRET_UNIT = "Seksi Rahasia Dishub"  # the other OPD's unit: must never show to DINKES
PREFIX = "/app"


def launch_data(
    user_id: int | None,
    *,
    token: str = TOKEN,
    auth_date: datetime = NOW,
    language: str = "id",
    first_name: str = "Pegawai",
) -> str:
    """Launch data as Telegram signs it (the initData query string)."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "auth_date": str(int(auth_date.timestamp())),
    }
    if user_id is not None:
        fields["user"] = json.dumps(
            {"id": user_id, "first_name": first_name, "language_code": language},
            separators=(",", ":"),
            ensure_ascii=False,
        )
    fields["hash"] = sign(fields, token)
    return urlencode(fields, quote_via=quote)


LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999"}
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "secondary_bg_color": "#232e3c",
    "button_color": "#5288c1",
    "link_color": "#6ab3f3",
}


def launch_fragment(init_data: str, *, dark: bool = False) -> str:
    """The URL fragment Telegram opens a Mini App with: launch data and the theme."""
    theme = json.dumps(DARK if dark else LIGHT)
    return "#tgWebAppData=" + quote(init_data, safe="") + "&tgWebAppThemeParams=" + quote(theme)


@dataclass
class Seeded:
    org: Org


async def seed(sessions: SessionFactory) -> Seeded:
    """make_org with targets, reports, feedback and evaluations in two OPDs; linked users."""
    async with sessions() as session:
        org = await make_org(session)
        secret = Unit(opd_id=org.other_opd_staff.opd_id, name=SECRET_UNIT)
        session.add(secret)
        await session.flush()
        other = org.other_opd_staff
        other.unit_id = secret.id
        session.add(other)

        def target(
            employee_id: int | None, title: str, amount: int, unit: str, **kw: object
        ) -> Target:
            row = Target(
                employee_id=employee_id,
                period="2026-2",
                status="approved",
                kind="kuantitatif",
                title=title,
                target_amount=Decimal(amount),
                unit=unit,
                **kw,  # type: ignore[arg-type]
            )
            session.add(row)
            return row

        parent = target(org.leader.id, "Dokumen perencanaan bidang", 40, "dokumen")
        await session.flush()
        documents = target(
            org.staff.id, "Laporan <data> & rekap 😀", 40, "dokumen", parent_target_id=parent.id
        )
        visits = target(
            org.staff2.id, "Kunjungan puskesmas", 10, "dokumen", parent_target_id=parent.id
        )
        secret_target = target(other.id, "Target rahasia Dishub", 10, "kegiatan")
        await session.flush()
        for tgt, amount, day in [
            (documents, "12.5", 2),
            (documents, "4", 20),
            (visits, "3", 25),
            (secret_target, "9", 25),
        ]:
            session.add(
                ProgressReport(
                    target_id=tgt.id,
                    employee_id=tgt.employee_id,
                    amount=Decimal(amount),
                    note="Catatan <b>tebal</b> & 😀",
                    created_at=datetime(2026, 11, day, 3, 0, tzinfo=UTC),
                )
            )
        session.add(
            Feedback(
                leader_id=org.leader.id,
                employee_id=org.staff.id,
                kind="apresiasi",
                text="Kerja bagus <script>alert(1)</script> & 👍",
                created_at=datetime(2026, 11, 21, 3, 0, tzinfo=UTC),
            )
        )
        for employee, predikat in [
            (org.staff, "baik"),
            (org.staff2, "sangat_baik"),
            (other, "kurang"),
        ]:
            session.add(
                Evaluation(
                    period="2026-2",
                    employee_id=employee.id,
                    evaluator_id=org.leader.id,
                    hasil_kerja="sesuai",
                    perilaku_kerja="sesuai",
                    predikat=predikat,
                )
            )
        session.add(
            OrgRating(period="2026-2", opd_id=org.opd.id, rating="baik", set_by_id=org.city_hr.id)
        )
        await session.commit()
    pairs = [
        (org.staff, STAFF_TG),
        (org.leader, LEADER_TG),
        (org.hr, HR_TG),
        (org.city_hr, CITY_HR_TG),
        (org.other_opd_staff, OTHER_TG),
        (org.head, HEAD_TG),
    ]
    for employee, tg in pairs:
        await link_telegram(sessions, employee, tg, now=NOW)
    return Seeded(org)


@asynccontextmanager
async def serving(engine: AsyncEngine, *, now: datetime = NOW) -> AsyncIterator[str]:
    """Serve the Mini App on a free port; yield its base URL (with the /app prefix)."""
    clock = Clock(WIB)
    clock.freeze(now)
    mini = MiniApp(
        sessions=create_session_factory(engine),
        i18n=I18n("id", WIB),
        clock=clock,
        token=TOKEN,
        max_age=3600,
        default_language="id",
        prefix=PREFIX,
    )

    async def check() -> HealthStatus:
        return HealthStatus(True, {"role": "active"})

    server = start_webapp_server(mini, "127.0.0.1", 0, check)
    try:
        yield f"http://127.0.0.1:{server.port}{PREFIX}"
    finally:
        await server.close()
