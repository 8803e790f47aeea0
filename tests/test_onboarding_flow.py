"""Onboarding through the real Application: invite links, NIP approval, refusals, restarts."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.services import onboarding
from bot.services.onboarding import invites
from models import Employee, InviteCode, LinkRequest, OutboxMessage
from models.db import SessionFactory
from tests.support.factories import Org, make_org
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
LEADER_TG, STAFF_TG, HR_TG, STRANGER_TG = 1001, 1002, 1003, 1009


async def invite_code(sessions: SessionFactory, employee: Employee, days: int = 30) -> str:
    async with sessions() as session:
        [issued] = await invites.issue_invites(session, [employee], now=NOW, valid_days=days)
        await session.commit()
    return issued.code


async def link_via_invite(
    bot: Harness, sessions: SessionFactory, employee: Employee, tg: int
) -> None:
    code = await invite_code(sessions, employee)
    await bot.send(tg, f"/start {code}")


async def employee(sessions: SessionFactory, employee_id: int | None) -> Employee:
    async with sessions() as session:
        row = await session.get(Employee, employee_id)
    assert row is not None
    return row


async def setup(sessions: SessionFactory) -> Org:
    async with sessions() as session:
        return await make_org(session)


async def test_invite_link_links_and_greets_with_escaped_name(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        bot.fake.user(STAFF_TG, first_name="Siti", language_code="id")
        await link_via_invite(bot, sessions, org.staff, STAFF_TG)
        reply = bot.fake.last(STAFF_TG)
        assert "Siti <Aminah> & Co 😀" in reply.text  # what the user sees
        assert "Siti &lt;Aminah&gt; &amp; Co 😀" in reply.html  # what went over the wire
        assert "terhubung" in reply.text  # Indonesian by default
        linked = await employee(sessions, org.staff.id)
        assert linked.telegram_user_id == STAFF_TG
        menu = bot.fake.commands({"type": "chat", "chat_id": STAFF_TG})
        names = [c["command"] for c in menu]
        assert names[:4] == ["start", "target", "lapor", "kinerja"]
        assert {"bantuan", "bahasa", "tanya", "faq"} <= set(names)
        assert not {"tim", "umpanbalik", "siaran", "statistik", "ekspor"} & set(names)  # roles


async def test_bad_used_and_expired_codes_are_explained(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await bot.send(STRANGER_TG, "/start not-a-real-code")
        assert "tidak berlaku" in bot.last_text(STRANGER_TG)
        code = await invite_code(sessions, org.staff)
        await bot.send(STAFF_TG, f"/start {code}")
        await bot.send(STRANGER_TG, f"/start {code}")
        assert "sudah dipakai" in bot.last_text(STRANGER_TG)
        expired = await invite_code(sessions, org.staff2, days=1)
        bot.deps.clock.freeze(NOW + timedelta(days=2))
        await bot.send(STRANGER_TG + 1, f"/start {expired}")
        assert "kedaluwarsa" in bot.last_text(STRANGER_TG + 1)


async def test_guessing_codes_is_slowed_down(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        for i in range(onboarding.MAX_FAILURES):
            await bot.send(STRANGER_TG, f"/start guess{i}")
        good = await invite_code(sessions, org.staff)
        await bot.send(STRANGER_TG, f"/start {good}")
        assert "tunggu" in bot.last_text(STRANGER_TG)
        assert (await employee(sessions, org.staff.id)).telegram_user_id is None


async def test_nip_request_approved_by_supervisor(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.leader, LEADER_TG)
        bot.fake.user(STAFF_TG, first_name="Siti", username="siti_a", language_code="en")
        await bot.send(STAFF_TG, "/start")
        assert "NIP" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, org.staff.nip)
        assert "direct supervisor" in bot.last_text(STAFF_TG)  # English from language_code
        assert await bot.drain() == 1
        ask = bot.fake.last(LEADER_TG)
        assert org.staff.nip in ask.text
        assert "@siti_a" in ask.text
        await bot.press_label(LEADER_TG, "Setujui")
        assert "Disetujui" in bot.fake.last(LEADER_TG).text
        assert not bot.fake.last(LEADER_TG).buttons()  # decided: buttons removed
        await bot.drain()
        assert "linked as" in bot.last_text(STAFF_TG)
        assert (await employee(sessions, org.staff.id)).telegram_user_id == STAFF_TG
        await bot.send(STAFF_TG, "/help")
        assert "/help" in bot.last_text(STAFF_TG)
        assert "not linked" not in bot.last_text(STAFF_TG)


async def test_nip_request_goes_to_hr_when_supervisor_absent_and_can_be_rejected(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.hr, HR_TG)
        await bot.send(STRANGER_TG, "/start")
        await bot.send(STRANGER_TG, org.staff.nip)
        assert "petugas kepegawaian" in bot.last_text(STRANGER_TG)
        await bot.drain()
        await bot.press_label(HR_TG, "Tolak")
        assert "Ditolak" in bot.fake.last(HR_TG).text
        await bot.drain()
        assert "tidak disetujui" in bot.last_text(STRANGER_TG)
        assert (await employee(sessions, org.staff.id)).telegram_user_id is None


async def test_crafted_callback_from_someone_else_changes_nothing(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.leader, LEADER_TG)
        await link_via_invite(bot, sessions, org.staff2, 1005)
        await bot.send(STRANGER_TG, "/start")
        await bot.send(STRANGER_TG, org.staff.nip)
        await bot.drain()
        async with sessions() as session:
            request = (await session.exec(select(LinkRequest))).one()
        own = bot.fake.last(1005)
        await bot.press_raw(1005, own.message_id, f"onb:ok:{request.id}")
        assert "tidak dapat" in bot.fake.calls[-1][1]["text"]
        for crafted in ["onb:ok:abc", "onb:ok:-5", f"onb:ok:{request.id}:9", "onb:ok:99999"]:
            await bot.press_raw(1005, own.message_id, crafted)
        # An unlinked user's crafted approval never reaches the handler.
        await bot.press_raw(
            STRANGER_TG, bot.fake.last(STRANGER_TG).message_id, f"onb:ok:{request.id}"
        )
        async with sessions() as session:
            assert (await session.get(LinkRequest, request.id)).status == "pending"  # type: ignore[union-attr]
        assert (await employee(sessions, org.staff.id)).telegram_user_id is None


async def test_bad_input_while_asking_for_nip(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await bot.send(STRANGER_TG, "/start")
        await bot.send(STRANGER_TG, "123")
        assert "18 digit" in bot.last_text(STRANGER_TG)
        await bot.send(STRANGER_TG, "x" * 5000)
        assert "angka" in bot.last_text(STRANGER_TG)
        await bot.feed(bot.fake.send_sticker(STRANGER_TG))
        assert "NIP" in bot.last_text(STRANGER_TG)
        await bot.send(STRANGER_TG, "<b>&amp;</b> 😀")
        assert bot.fake.last(STRANGER_TG).text  # answered, and the HTML parsed fine
        await bot.send(STRANGER_TG, "/batal")
        assert "/start" in bot.last_text(STRANGER_TG)
        await bot.send(STRANGER_TG, "199001012015031001")
        assert "belum terhubung" in bot.last_text(STRANGER_TG)  # conversation really ended


async def test_cancel_button_replaces_the_welcome(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await bot.send(STRANGER_TG, "/start")
        welcome = bot.fake.last(STRANGER_TG)
        await bot.press_label(STRANGER_TG, "Batal")
        assert bot.fake.sent(STRANGER_TG) == [welcome]  # no new message: the welcome changed
        assert "tidak ada yang dikirim" in welcome.text.lower()
        assert not welcome.buttons()  # the Batal button is gone with it
        await bot.send(STRANGER_TG, "199001012015031001")
        assert "belum terhubung" in bot.last_text(STRANGER_TG)  # the NIP step really ended


async def test_unlinked_user_reaches_only_onboarding(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await bot.send(STRANGER_TG, "/tim")
        assert "belum terhubung" in bot.last_text(STRANGER_TG)
        await bot.send(STRANGER_TG, "/bantuan")
        assert "belum terhubung" in bot.last_text(STRANGER_TG)
        await bot.send(STRANGER_TG, "halo")
        assert "/start" in bot.last_text(STRANGER_TG)


async def test_language_choice_before_and_after_linking(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await bot.send(STAFF_TG, "/bahasa")
        await bot.press(STAFF_TG, bot.fake.last(STAFF_TG).message_id, "lang:en")
        assert "English" in bot.fake.last(STAFF_TG).text
        await bot.send(STAFF_TG, "/bantuan")  # the choice holds before linking, too
        assert "What you can do here" in bot.last_text(STAFF_TG)
        await link_via_invite(bot, sessions, org.staff, STAFF_TG)
        assert "linked as" in bot.last_text(STAFF_TG)
        assert (await employee(sessions, org.staff.id)).language == "en"
        await bot.send(STAFF_TG, "/language")
        await bot.press(STAFF_TG, bot.fake.last(STAFF_TG).message_id, "lang:id")
        assert (await employee(sessions, org.staff.id)).language == "id"
        menu = bot.fake.commands({"type": "chat", "chat_id": STAFF_TG})
        assert "bahasa" in [c["command"] for c in menu]
        await bot.press_raw(STAFF_TG, bot.fake.last(STAFF_TG).message_id, "lang:fr")
        assert (await employee(sessions, org.staff.id)).language == "id"


async def test_conversation_survives_a_restart(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.leader, LEADER_TG)
        await bot.send(STRANGER_TG, "/start")
        fake = bot.fake
    async with running_bot(db[0], db[1], now=NOW, fake=fake) as bot:
        await bot.send(STRANGER_TG, org.staff.nip)
        assert "atasan langsung" in bot.last_text(STRANGER_TG)
        async with sessions() as session:
            assert len((await session.exec(select(LinkRequest))).all()) == 1


async def test_blocked_users_are_marked_not_retried(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.leader, LEADER_TG)
        await link_via_invite(bot, sessions, org.staff2, 1005)
        bot.fake.block(LEADER_TG)
        await bot.send(STRANGER_TG, "/start")
        await bot.send(STRANGER_TG, org.staff.nip)
        await bot.drain()
        async with sessions() as session:
            row = (await session.exec(select(OutboxMessage))).one()
        assert row.status == "blocked"
        assert (await employee(sessions, org.leader.id)).blocked_at is not None
        assert await bot.drain() == 0  # not retried
        bot.fake.block(1005)
        await bot.send(1005, "/bantuan")  # the reply fails with 403
        assert (await employee(sessions, org.staff2.id)).blocked_at is not None


async def test_outbox_payload_is_valid_bot_api(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.leader, LEADER_TG)
        await bot.send(STRANGER_TG, "/start")
        await bot.send(STRANGER_TG, org.staff.nip)
        async with sessions() as session:
            row = (await session.exec(select(OutboxMessage))).one()
        payload = json.loads(row.payload)
        assert payload["method"] == "sendMessage"
        assert payload["params"]["parse_mode"] == "HTML"
        await bot.drain()
        async with sessions() as session:
            sent = (await session.exec(select(OutboxMessage))).one()
        assert sent.status == "sent"
        assert sent.message_id == bot.fake.last(LEADER_TG).message_id


async def test_a_new_command_ends_a_half_finished_flow(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await bot.send(STRANGER_TG, "/start")
        await bot.send(STRANGER_TG, "/kinerja")  # a different command: the NIP step is left
        await bot.send(STRANGER_TG, "199001012015031001")
        assert "belum terhubung" in bot.last_text(STRANGER_TG)
        await bot.send(STRANGER_TG, "/start")
        await bot.send(STRANGER_TG, "/bantuan")  # help keeps the flow
        await bot.send(STRANGER_TG, "123")
        assert "18 digit" in bot.last_text(STRANGER_TG)


async def ask_by_nip(bot: Harness, tg: int, nip: str) -> str:
    """A Telegram user starts onboarding and types a NIP; return the bot's answer."""
    await bot.send(tg, "/start")
    await bot.send(tg, nip)
    return bot.last_text(tg)


async def test_display_name_takeover_goes_to_hr_only_with_a_warning(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.leader, LEADER_TG)
        await link_via_invite(bot, sessions, org.hr, HR_TG)
        await link_via_invite(bot, sessions, org.staff, STAFF_TG)  # the victim
        # The attacker copies the victim's name and has no @username.
        bot.fake.user(STRANGER_TG, first_name=org.staff.name, language_code="id")
        await ask_by_nip(bot, STRANGER_TG, org.staff.nip)
        leader_before = len(bot.fake.sent(LEADER_TG))
        await bot.drain()
        assert len(bot.fake.sent(LEADER_TG)) == leader_before  # never to the supervisor
        ask = bot.fake.last(HR_TG)
        assert org.staff.nip in ask.text
        assert "sudah terhubung dengan akun Telegram lain" in ask.text
        assert "akun tersebut dilepaskan dari data pegawai ini" in ask.text
        assert f"ID Telegram: {STRANGER_TG}" in ask.text
        assert f"ID Telegram {STAFF_TG}" in ask.text  # the account that would be cut off
        assert "Username: tidak ada username" in ask.text
        assert "Nama yang tampil di Telegram: Siti &lt;Aminah&gt; &amp; Co" in (ask.html or "")
        labels = [label for label, _ in ask.buttons()]
        assert "Setujui dan lepaskan akun lama" in labels
        # The victim hears of it before anyone decides.
        assert "akun Telegram lain" in bot.last_text(STAFF_TG)
        # The supervisor cannot approve it with a crafted button either.
        request_id = ask.button("Setujui").split(":")[-1]
        own = bot.fake.last(LEADER_TG)
        await bot.press_raw(LEADER_TG, own.message_id, f"onb:ok:{request_id}")
        assert "tidak dapat" in bot.fake.calls[-1][1]["text"]
        assert (await employee(sessions, org.staff.id)).telegram_user_id == STAFF_TG


async def test_hr_approving_a_takeover_tells_the_old_account_honestly(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    new_phone = 1010
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.hr, HR_TG)
        await link_via_invite(bot, sessions, org.staff, STAFF_TG)
        bot.fake.user(new_phone, first_name="Siti", username="siti_baru", language_code="id")
        await ask_by_nip(bot, new_phone, org.staff.nip)
        await bot.drain()
        assert "Username: @siti_baru" in bot.last_text(HR_TG)
        await bot.press_label(HR_TG, "Setujui dan lepaskan")
        assert "Akun sebelumnya sudah dilepaskan" in bot.fake.last(HR_TG).text
        await bot.drain()
        assert (await employee(sessions, org.staff.id)).telegram_user_id == new_phone
        told = bot.last_text(STAFF_TG)
        assert "tidak lagi terhubung" in told
        assert org.hr.name in told  # who approved it
        assert "berganti ponsel" in told  # kind: it may well have been them
        assert "segera hubungi petugas kepegawaian" in told
        assert "terhubung sebagai" in bot.last_text(new_phone)


async def test_every_well_formed_nip_gets_the_same_answer(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        await link_via_invite(bot, sessions, org.leader, LEADER_TG)
        await link_via_invite(bot, sessions, org.hr, HR_TG)
        await link_via_invite(bot, sessions, org.staff, STAFF_TG)
        answers = {
            "unknown NIP": await ask_by_nip(bot, 2001, "199001012015031999"),
            "nobody uses the bot": await ask_by_nip(bot, 2002, org.other_opd_staff.nip),
            "supervisor asked": await ask_by_nip(bot, 2003, org.staff2.nip),
            "already pending": await ask_by_nip(bot, 2003, org.staff2.nip),
            "employee already linked": await ask_by_nip(bot, 2004, org.staff.nip),
        }
        assert len(set(answers.values())) == 1, answers
        assert "dua hari kerja" in answers["unknown NIP"]
        for tg in (2001, 2002, 2003, 2004):
            assert not bot.fake.last(tg).buttons()  # the same keyboard (none) too
        # A malformed NIP may still be explained: that reveals nothing.
        assert "18 digit" in await ask_by_nip(bot, 2005, "12345")


async def test_replaying_my_own_invite_says_i_am_already_linked(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    async with running_bot(db[0], db[1], now=NOW) as bot:
        code = await invite_code(sessions, org.staff)
        await bot.send(STAFF_TG, f"/start {code}")
        # The same update answered again after a failover, or a second tap on the link.
        await bot.send(STAFF_TG, f"/start {code}")
        again = bot.fake.last(STAFF_TG)
        assert "sudah terhubung sebagai" in again.text
        assert "<b>Siti &lt;Aminah&gt; &amp; Co 😀</b>" in (again.html or "")
        assert "sudah dipakai" not in again.text
        await bot.send(STRANGER_TG, f"/start {code}")
        assert "sudah dipakai" in bot.last_text(STRANGER_TG)  # others still hear the warning
        assert (await employee(sessions, org.staff.id)).telegram_user_id == STAFF_TG


async def test_two_people_redeeming_one_code_at_once_only_one_wins(
    db: tuple[str, AsyncEngine], sessions: SessionFactory
) -> None:
    org = await setup(sessions)
    racers = [2101, 2102]
    async with running_bot(db[0], db[1], now=NOW) as bot:
        for _round in range(3):  # a few rounds, so a lucky interleaving cannot hide the race
            code = await invite_code(sessions, org.staff)
            await asyncio.gather(*(bot.send(tg, f"/start {code}") for tg in racers))
            answers = [bot.last_text(tg) for tg in racers]
            winners = [tg for tg, text in zip(racers, answers, strict=True) if "terhubung" in text]
            assert len(winners) == 1, answers
            [loser] = set(racers) - set(winners)
            assert "sudah dipakai" in bot.last_text(loser)
            assert (await employee(sessions, org.staff.id)).telegram_user_id == winners[0]
            async with sessions() as session:
                row = (
                    await session.exec(
                        select(InviteCode).where(InviteCode.code_hash == invites.hash_code(code))
                    )
                ).one()
            assert row.used_by_telegram_id == winners[0]
            racers.reverse()
