"""/target through the real Application: propose, approve, return, assign, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from models import AuditLog, ConversationState, Employee, Target, UserDataRow
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
LEADER_TG, STAFF_TG, STAFF2_TG, HEAD_TG = 2001, 2002, 2003, 2004


async def setup(sessions: SessionFactory, *, staff_lang: str | None = "en") -> Org:
    """Make the org and link the head, the leader (English) and both staff."""
    async with sessions() as session:
        org = await make_org(session)
        for employee, tg, lang in (
            (org.head, HEAD_TG, "en"),
            (org.leader, LEADER_TG, "en"),
            (org.staff, STAFF_TG, staff_lang),
            (org.staff2, STAFF2_TG, None),
        ):
            employee.telegram_user_id = tg
            employee.language = lang
            session.add(employee)
        await session.commit()
    return org


async def leader_target(sessions: SessionFactory, org: Org, **fields: object) -> Target:
    async with sessions() as session:
        values: dict[str, object] = {
            "employee_id": org.leader.id,
            "period": "2026-2",
            "title": "Dokumen evaluasi bidang",
            "target_amount": Decimal(40),
            "unit": "dokumen",
            "status": "approved",
        }
        values.update(fields)
        target = Target(**values)  # type: ignore[arg-type]
        session.add(target)
        await session.commit()
        await session.refresh(target)
    return target


async def targets_of(sessions: SessionFactory, employee: Employee) -> list[Target]:
    async with sessions() as session:
        rows = await session.exec(
            select(Target).where(Target.employee_id == employee.id).order_by(col(Target.id))
        )
        return list(rows.all())


def open_chats(bot: Harness) -> None:
    """Linked users have talked to the bot before, so Telegram lets it write to them."""
    bot.fake.known_chats.update({LEADER_TG, STAFF_TG, STAFF2_TG, HEAD_TG})


def alert(bot: Harness) -> str:
    """The text of the last callback answer (an alert or a toast)."""
    answers = bot.fake.calls_of("answerCallbackQuery")
    return str(answers[-1].get("text", ""))


async def test_employee_proposes_in_english_and_leader_approves_from_the_notice(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    parent = await leader_target(sessions, org)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "/target")
        assert "Semester II 2026" in bot.last_text(STAFF_TG)
        assert "no targets for this semester" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Add target")
        await bot.press_label(STAFF_TG, "Main")
        await bot.press_label(STAFF_TG, "Quantitative")
        assert "work result" in bot.last_text(STAFF_TG)

        await bot.send(STAFF_TG, "ab")
        assert "at least 3 characters" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "x" * 5000)
        assert "at most 500 characters; yours has 5,000" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "<b>Rekap</b> & data 😀")
        assert "indicator" in bot.last_text(STAFF_TG)
        await bot.feed(bot.fake.send_sticker(STAFF_TG))
        assert "text message" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "Rekap selesai tepat waktu")
        for bad, reason in [
            ("-3", "cannot be negative"),
            ("0", "more than 0"),
            ("1e9", "number only"),
            ("abc", "number only"),
            ("2000000000", "too large"),
        ]:
            await bot.send(STAFF_TG, bad)
            assert reason in bot.last_text(STAFF_TG), bad
            assert "target amount" in bot.last_text(STAFF_TG)  # the question is asked again
        await bot.send(STAFF_TG, "12")
        await bot.press_label(STAFF_TG, "dokumen")
        await bot.press_label(STAFF_TG, "Skip")
        assert "Dokumen evaluasi bidang" in str(bot.fake.last(STAFF_TG).buttons())
        await bot.press_label(STAFF_TG, "Dokumen evaluasi")
        summary = bot.fake.last(STAFF_TG)
        assert "<b>Rekap</b> & data 😀" in summary.content  # shown as typed ...
        assert "&lt;b&gt;Rekap&lt;/b&gt; &amp; data" in (summary.html or "")  # ... escaped
        assert "12 dokumen" in summary.content
        await bot.press_label(STAFF_TG, "Save")
        assert "sent to your leader" in bot.last_text(STAFF_TG)

        [target] = await targets_of(sessions, org.staff)
        assert (target.status, target.title, target.target_amount) == (
            "pending",
            "<b>Rekap</b> & data 😀",
            12,
        )
        assert target.parent_target_id == parent.id
        assert await bot.drain() == 1
        notice = bot.fake.last(LEADER_TG)
        assert "New target for approval" in notice.content
        await bot.press_label(LEADER_TG, "Approve")
        assert "Approved" in bot.last_text(LEADER_TG)
        [target] = await targets_of(sessions, org.staff)
        assert (target.status, target.approved_by_id) == ("approved", org.leader.id)
        await bot.drain()
        assert "approved your target" in bot.last_text(STAFF_TG)

        # Pressing the (now edited-away) Approve again is refused politely.
        await bot.press_raw(LEADER_TG, notice.message_id, f"tg:ok:{target.id}:1")
        assert "already approved" in alert(bot)

        # The employee sees the status and the cascade: 12 of the leader's 40 = 30 %.
        await bot.send(STAFF_TG, "/target")
        screen = bot.last_text(STAFF_TG)
        assert "✅ approved" in screen
        assert "12 dokumen is 30% of the 40 dokumen" in screen
        async with sessions() as session:
            actions = (await session.exec(select(AuditLog.action))).all()
        assert "target_approve" in actions


async def test_indonesian_qualitative_return_with_note_and_resubmit(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        bot.fake.user(STAFF2_TG, first_name="Budi", language_code="id")
        await bot.send(STAFF2_TG, "/target")
        assert "Target SKP Anda" in bot.last_text(STAFF2_TG)
        await bot.press_label(STAFF2_TG, "Tambah target")
        await bot.send(STAFF2_TG, "halo")  # a button step: typing gets the buttons again
        assert "tombol" in bot.last_text(STAFF2_TG)
        await bot.press_label(STAFF2_TG, "Tambahan")
        await bot.press_label(STAFF2_TG, "Kualitatif")
        await bot.send(STAFF2_TG, "Pelayanan informasi publik")
        await bot.send(STAFF2_TG, "Kepuasan pemohon")
        assert "ekspektasi" in bot.last_text(STAFF2_TG)
        await bot.send(STAFF2_TG, "e" * 2001)
        assert "paling banyak 2.000 karakter" in bot.last_text(STAFF2_TG)
        await bot.send(STAFF2_TG, "Semua permohonan dijawab dalam 3 hari")
        await bot.send(STAFF2_TG, "Sopan & jelas")
        # No approved leader target exists, so the parent step is skipped.
        assert "Silakan periksa target Anda" in bot.last_text(STAFF2_TG)
        await bot.press_label(STAFF2_TG, "Simpan")
        assert "Terima kasih" in bot.last_text(STAFF2_TG)
        [target] = await targets_of(sessions, org.staff2)
        assert (target.kind, target.jenis, target.quality_standard) == (
            "kualitatif",
            "tambahan",
            "Sopan & jelas",
        )
        assert target.target_amount is None

        await bot.drain()
        notice = bot.fake.last(LEADER_TG)
        await bot.press_label(LEADER_TG, "Return")
        assert "short note" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "n" * 1001)
        assert "at most 1,000 characters" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "Mohon <rinci> waktunya & caranya")
        assert "Returned" in bot.last_text(LEADER_TG)
        [target] = await targets_of(sessions, org.staff2)
        assert (target.status, target.return_note) == (
            "returned",
            "Mohon <rinci> waktunya & caranya",
        )
        await bot.drain()
        told = bot.fake.last(STAFF2_TG)
        assert "mengembalikan" in told.content
        assert "Mohon &lt;rinci&gt; waktunya &amp; caranya" in (told.html or "")

        await bot.send(STAFF2_TG, "/target")
        assert "dikembalikan" in bot.last_text(STAFF2_TG)
        assert "Mohon <rinci>" in bot.last_text(STAFF2_TG)
        await bot.press_label(STAFF2_TG, "Ubah 1")
        await bot.press_label(STAFF2_TG, "Ubah")
        await bot.press_label(STAFF2_TG, "Ekspektasi")
        await bot.send(STAFF2_TG, "Semua permohonan dijawab dalam 2 hari kerja, lewat surel")
        assert "dikirim kembali" in bot.last_text(STAFF2_TG)
        await bot.press_label(STAFF2_TG, "Simpan")
        [target] = await targets_of(sessions, org.staff2)
        assert (target.status, target.version, target.return_note) == ("pending", 2, "")

        # The first notice (version 1) is stale now; the new one works.
        await bot.press_raw(LEADER_TG, notice.message_id, f"tg:ok:{target.id}:1")
        assert "out of date" in alert(bot)
        await bot.drain()
        assert "Changed target" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Approve")
        [target] = await targets_of(sessions, org.staff2)
        assert target.status == "approved"


async def test_leader_assigns_a_target_from_the_team_screen(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(LEADER_TG, "/target")
        await bot.press_label(LEADER_TG, "Team targets")
        assert "Budi Santoso" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Siti")
        assert "SKP targets of Siti <Aminah> & Co 😀" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Add a target for this employee")
        await bot.press_label(LEADER_TG, "Main")
        await bot.press_label(LEADER_TG, "Quantitative")
        await bot.send(LEADER_TG, "Data kunjungan puskesmas")
        await bot.send(LEADER_TG, "Data terinput lengkap")
        await bot.send(LEADER_TG, "95%")  # the % sign also fills in the unit
        await bot.send(LEADER_TG, "tanpa kesalahan")
        assert "Please check the target for" in bot.last_text(LEADER_TG)
        assert "95 %" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Save")
        assert "Saved and approved" in bot.last_text(LEADER_TG)
        [target] = await targets_of(sessions, org.staff)
        assert (target.status, target.source, target.unit, target.target_amount) == (
            "approved",
            "leader",
            "%",
            95,
        )
        await bot.drain()
        assert "New target from your leader" in bot.last_text(STAFF_TG)
        async with sessions() as session:
            actions = (await session.exec(select(AuditLog.action))).all()
        assert "target_assign" in actions


async def test_crafted_and_stale_callbacks_change_nothing(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with sessions() as session:
        pending = Target(
            employee_id=org.staff.id or 0,
            period="2026-2",
            title="Milik Siti",
            target_amount=Decimal(5),
            unit="laporan",
            version=3,
        )
        session.add(pending)
        await session.commit()
        await session.refresh(pending)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF2_TG, "/target")
        mine = bot.fake.last(STAFF2_TG).message_id
        # staff2 is not the supervisor, and not the owner.
        for crafted, expected in [
            (f"tg:ok:{pending.id}:3", "tidak dapat mengubah atau memutuskan"),
            (f"tg:ret:{pending.id}:3", "tidak dapat mengubah atau memutuskan"),
            (f"tg:edit:{pending.id}:3", "tidak dapat mengubah atau memutuskan"),
            (f"tg:wdy:{pending.id}:3", "tidak dapat mengubah atau memutuskan"),
            (f"tg:emp:{org.staff.id}", "bawahan langsung"),
            (f"tg:asg:{org.staff.id}", "bawahan langsung"),
            ("tg:ok:abc", "tidak berlaku"),
            ("tg:ok:-1:1", "tidak berlaku"),
            ("tg:ok:1:2:3", "tidak berlaku"),
            ("tg:ok:999999:1", "sudah tidak ada"),
        ]:
            await bot.press_raw(STAFF2_TG, mine, crafted)
            assert expected in alert(bot), crafted
        # The leader: a stale version, another OPD's employee, the leader's own boss.
        await bot.send(LEADER_TG, "/target")
        screen = bot.fake.last(LEADER_TG).message_id
        await bot.press_raw(LEADER_TG, screen, f"tg:ok:{pending.id}:2")
        assert "out of date" in alert(bot)
        await bot.press_raw(LEADER_TG, screen, f"tg:ret:{pending.id}:2")
        assert "out of date" in alert(bot)
        await bot.press_raw(LEADER_TG, screen, f"tg:emp:{org.other_opd_staff.id}")
        assert "direct staff" in alert(bot)
        await bot.press_raw(LEADER_TG, screen, f"tg:asg:{org.head.id}")
        assert "direct staff" in alert(bot)
        # Step buttons of a flow that is not running are stale.
        await bot.press_raw(LEADER_TG, screen, "tg:j:utama")
        await bot.press_raw(LEADER_TG, screen, "tg:save")
        assert "no longer active" in alert(bot)
        # The head (two levels up) cannot decide either.
        await bot.press_raw(HEAD_TG, 1, f"tg:ok:{pending.id}:3")
        assert "not yours" in alert(bot)
        [target] = await targets_of(sessions, org.staff)
        assert (target.status, target.version) == ("pending", 3)
        async with sessions() as session:
            assert not (await session.exec(select(AuditLog))).all()


async def test_cancel_keeps_nothing_and_unfinished_drafts_can_continue(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "/target")
        await bot.press_label(STAFF_TG, "Add target")
        await bot.press_label(STAFF_TG, "Main")
        await bot.press_label(STAFF_TG, "Quantitative")
        await bot.send(STAFF_TG, "Laporan bulanan")
        await bot.send(STAFF_TG, "/target")  # wander off: the draft is kept
        await bot.press_label(STAFF_TG, "Continue")
        assert "indicator" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "Tepat waktu")
        await bot.send(STAFF_TG, "/cancel")
        assert "nothing was saved" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "12")
        assert "did not understand" in bot.last_text(STAFF_TG)  # the flow really ended
        assert await targets_of(sessions, org.staff) == []
        await bot.send(STAFF_TG, "/target")
        assert "Continue" not in str(bot.fake.last(STAFF_TG).buttons())


async def test_draft_survives_a_restart_and_withdraw_asks_first(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "/target")
        await bot.press_label(STAFF_TG, "Add target")
        await bot.press_label(STAFF_TG, "Additional")
        await bot.press_label(STAFF_TG, "Quantitative")
        await bot.send(STAFF_TG, "Notulen rapat")
    async with running_bot(db[0], db[1], now=NOW) as bot:  # the bot restarted
        open_chats(bot)
        await bot.send(STAFF_TG, "Notulen lengkap")  # the indicator step, still waiting
        assert "target amount" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "1.250")
        await bot.send(STAFF_TG, "lembar")
        await bot.press_label(STAFF_TG, "Skip")
        assert "1,250 lembar" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Save")
        [target] = await targets_of(sessions, org.staff)
        assert (target.jenis, target.target_amount, target.unit) == ("tambahan", 1250, "lembar")

        await bot.send(STAFF_TG, "/target")
        assert "⏳ awaiting approval" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Withdraw 1")
        assert "Withdraw the target" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Yes, withdraw")
        [target] = await targets_of(sessions, org.staff)
        assert target.status == "archived"
        assert "no targets for this semester" in bot.last_text(STAFF_TG)
        # The leader's notice for the withdrawn target now says so.
        await bot.drain()
        await bot.press_label(LEADER_TG, "Approve")
        assert "withdrawn" in alert(bot)


async def test_return_mid_draft_keeps_the_draft_and_never_steals_typing(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with sessions() as session:
        pending = Target(
            employee_id=org.staff.id or 0,
            period="2026-2",
            title="Usulan Siti",
            target_amount=Decimal(5),
            unit="laporan",
        )
        session.add(pending)
        await session.commit()
        await session.refresh(pending)
    ret = f"tg:ret:{pending.id}:1"
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(LEADER_TG, "/target")
        await bot.press_label(LEADER_TG, "Team targets")
        await bot.press_label(LEADER_TG, "Siti")
        assert ("↩️ Return 1", ret) in bot.fake.last(LEADER_TG).buttons()
        await bot.press_label(LEADER_TG, "Add a target for this employee")
        await bot.press_label(LEADER_TG, "Main")
        await bot.press_label(LEADER_TG, "Quantitative")
        await bot.send(LEADER_TG, "Data kunjungan")
        screen = bot.fake.last(LEADER_TG).message_id

        await bot.press_raw(LEADER_TG, screen, ret)  # e.g. from the outbox notice
        assert "short note" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "/batal")
        assert "not returned" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Continue")
        assert "indicator" in bot.last_text(LEADER_TG)

        await bot.press_raw(LEADER_TG, screen, ret)
        await bot.send(LEADER_TG, "/target")  # walks away from the note
        await bot.press_label(LEADER_TG, "Continue")
        await bot.send(LEADER_TG, "Data lengkap")  # this is the indicator, not a note
        assert "target amount" in bot.last_text(LEADER_TG)
        [target] = await targets_of(sessions, org.staff)
        assert (target.status, target.return_note) == ("pending", "")

        await bot.press_raw(LEADER_TG, screen, ret)
        await bot.send(LEADER_TG, "Mohon dirinci")
        assert "Returned" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Continue")
        assert "target amount" in bot.last_text(LEADER_TG)  # the draft is still there
        [target] = await targets_of(sessions, org.staff)
        assert (target.status, target.return_note) == ("returned", "Mohon dirinci")


async def test_drafts_saved_before_the_upgrade_carry_on(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    """A target draft and a pending return note, in the JSON an older version stored."""
    org = await setup(sessions)
    async with sessions() as session:
        pending = Target(
            employee_id=org.staff2.id or 0,
            period="2026-2",
            title="Usulan Budi",
            target_amount=Decimal(5),
            unit="laporan",
        )
        session.add(pending)
        await session.flush()
        old_draft = {  # unanswered steps were simply absent
            "mode": "add",
            "employee_id": org.staff.id,
            "period": "2026-2",
            "jenis": "utama",
            "kind": "kuantitatif",
            "title": "Laporan bulanan",
            "indicator": "Tepat waktu",
        }
        session.add(UserDataRow(user_id=STAFF_TG, data=json.dumps({"tg_draft": old_draft})))
        session.add(
            UserDataRow(user_id=LEADER_TG, data=json.dumps({"tg_return": [pending.id, 1]}))
        )
        for tg, state in ((STAFF_TG, 4), (LEADER_TG, 20)):  # ASK_AMOUNT, ASK_NOTE
            key = json.dumps([tg, tg], separators=(",", ":"))
            session.add(ConversationState(name="targets", key=key, state=json.dumps(state)))
        await session.commit()
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "12")
        assert "unit" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "dokumen")
        await bot.press_label(STAFF_TG, "Skip")
        assert "Please check your target" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Save")
        [target] = await targets_of(sessions, org.staff)
        assert (target.title, target.indicator, target.target_amount, target.unit) == (
            "Laporan bulanan",
            "Tepat waktu",
            12,
            "dokumen",
        )
        await bot.send(LEADER_TG, "Mohon dirinci")
        assert "Returned" in bot.last_text(LEADER_TG)
        [returned] = await targets_of(sessions, org.staff2)
        assert (returned.status, returned.return_note) == ("returned", "Mohon dirinci")


async def test_leader_assesses_a_qualitative_indicator_from_the_team_screen(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    """An RHK's qualitative IKI gets an Assess button; the leader's choice is what counts."""
    from models import Indicator, IndicatorAssessment

    org = await setup(sessions)
    async with sessions() as session:
        rhk = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period="2026-2",
            title="Arsip tertib",
            indicator="Dokumen diarsipkan",
            target_amount=Decimal(10),
            unit="dokumen",
            status="approved",
        )
        session.add(rhk)
        await session.flush()
        assert rhk.id is not None
        session.add_all(
            [
                Indicator(
                    target_id=rhk.id,
                    position=0,
                    text="Dokumen diarsipkan",
                    target_amount=Decimal(10),
                    unit="dokumen",
                ),
                Indicator(
                    target_id=rhk.id,
                    position=1,
                    aspect="kualitas",
                    measure="qualitative",
                    text="Map rapi",
                    expectation="Mudah dicari",
                ),
            ]
        )
        await session.commit()
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(LEADER_TG, "/target")
        await bot.press_label(LEADER_TG, "Team targets")
        await bot.press_label(LEADER_TG, "Siti")
        listing = bot.last_text(LEADER_TG)
        assert "Map rapi — not yet assessed by the leader" in listing
        await bot.press_label(LEADER_TG, "⭐ Assess 1: Map rapi")
        question = bot.last_text(LEADER_TG)
        assert "Expectation: Mudah dicari" in question
        await bot.press_label(LEADER_TG, "Above expectation")
        assert "Saved: “Map rapi” is above expectation" in bot.last_text(LEADER_TG)
        # Someone else's crafted press is refused and saves nothing.
        await bot.send(STAFF2_TG, "/target")
        staff2_menu = bot.fake.last(STAFF2_TG)
        await bot.press_raw(STAFF2_TG, staff2_menu.message_id, "tg:asv:2:b")
        assert "atasan langsung" in alert(bot)  # staff2 speaks Indonesian (the default)
        await bot.send(STAFF_TG, "/kinerja")
        assert "Map rapi — above expectation" in bot.last_text(STAFF_TG)
    async with sessions() as session:
        rows = (await session.exec(select(IndicatorAssessment))).all()
    assert [(r.expectation, r.assessor_id) for r in rows] == [("above", org.leader.id)]


async def test_a_work_result_gets_further_indicators_by_buttons(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    """From the summary: aspek and kind by buttons (each explained), then words and target."""

    from models import Indicator

    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        open_chats(bot)
        await bot.send(STAFF_TG, "/target")
        await bot.press_label(STAFF_TG, "Add target")
        await bot.press_label(STAFF_TG, "Main")
        await bot.press_label(STAFF_TG, "Quantitative")
        await bot.send(STAFF_TG, "Laporan data bulanan")
        await bot.send(STAFF_TG, "Laporan diserahkan")
        await bot.send(STAFF_TG, "6")
        await bot.press_label(STAFF_TG, "laporan")
        await bot.press_label(STAFF_TG, "Skip")
        await bot.press_label(STAFF_TG, "Add another indicator")
        aspects = bot.last_text(STAFF_TG)
        assert "how timely it is, for example" in aspects
        await bot.press_label(STAFF_TG, "Time")
        assert "done by a date, or on time in each of N periods" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Deadline")
        await bot.send(STAFF_TG, "Rekap semester selesai")
        await bot.send(STAFF_TG, "besok")
        assert "number" in bot.last_text(STAFF_TG)  # asked again, with the reason
        await bot.send(STAFF_TG, "15-12-2026")
        summary = bot.last_text(STAFF_TG)
        assert "IKI 2 (Time, deadline): Rekap semester selesai — by" in summary
        await bot.press_label(STAFF_TG, "Add another indicator")
        await bot.press_label(STAFF_TG, "Quality")
        await bot.press_label(STAFF_TG, "Leader's judgement")
        await bot.send(STAFF_TG, "Laporan rapi")
        await bot.send(STAFF_TG, "Dapat dipakai tanpa perbaikan")
        assert "IKI 3 (Quality, leader's judgement): Laporan rapi" in bot.last_text(STAFF_TG)
        # One added by mistake is taken out again before saving; a crafted number changes nothing.
        await bot.press_label(STAFF_TG, "Add another indicator")
        await bot.press_label(STAFF_TG, "Quality")
        await bot.press_label(STAFF_TG, "Latest level")
        await bot.send(STAFF_TG, "Salah ketik")
        await bot.send(STAFF_TG, "90")
        await bot.send(STAFF_TG, "persen")
        assert "IKI 4 (Quality, latest level): Salah ketik" in bot.last_text(STAFF_TG)
        await bot.press_label(STAFF_TG, "Remove IKI 4")
        assert "Salah ketik" not in bot.last_text(STAFF_TG)
        assert "IKI 3 (Quality, leader's judgement)" in bot.last_text(STAFF_TG)
        summary_message = bot.fake.last(STAFF_TG)
        await bot.press_raw(STAFF_TG, summary_message.message_id, "tg:iki:rm:9")
        assert "IKI 3 (Quality, leader's judgement)" in bot.last_text(STAFF_TG)
        # IKI 2 is written again (a level now); it keeps its place.
        await bot.press_label(STAFF_TG, "Change IKI 2")
        await bot.press_label(STAFF_TG, "Time")
        await bot.press_label(STAFF_TG, "Deadline")
        await bot.send(STAFF_TG, "Rekap semester selesai")
        await bot.send(STAFF_TG, "6")
        changed = bot.last_text(STAFF_TG)
        assert "IKI 2 (Time, deadline): Rekap semester selesai — on time in 6 periods" in changed
        assert "IKI 3 (Quality, leader's judgement)" in changed
        await bot.press_label(STAFF_TG, "Save")
        assert "sent to your leader" in bot.last_text(STAFF_TG)
        assert await bot.drain() == 1
        assert "It has 3 indicators (IKI)" in bot.fake.last(LEADER_TG).content
    [target] = await targets_of(sessions, org.staff)
    async with sessions() as session:
        rows = (
            await session.exec(
                select(Indicator)
                .where(Indicator.target_id == target.id)
                .order_by(col(Indicator.position))
            )
        ).all()
    assert [(r.position, r.aspect, r.measure, r.text) for r in rows] == [
        (0, "kuantitas", "cumulative", "Laporan diserahkan"),
        (1, "waktu", "deadline", "Rekap semester selesai"),
        (2, "kualitas", "qualitative", "Laporan rapi"),
    ]
    assert (rows[1].due_on, rows[1].periods) == (None, 6)
    assert rows[2].expectation == "Dapat dipakai tanpa perbaikan"
