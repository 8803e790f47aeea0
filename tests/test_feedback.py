"""Continuous feedback: the service rules (both databases) and /umpanbalik through the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.i18n import I18n
from bot.services import feedback as fb
from bot.services import reports
from bot.services.feedback import AnswerResult, SendResult
from bot.services.periods import parse_period
from bot.services.reports.drafts import ReportDraft
from handlers.feedback import texts as feedback_texts
from models import ActingEvaluator, Employee, Feedback, OutboxMessage, ProgressReport, Target
from models.db import SessionFactory
from tests.support.factories import Org, add, make_org
from tests.support.harness import Harness, running_bot

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB, Semester II 2026
PERIOD = "2026-2"
HEAD_TG, LEADER_TG, STAFF_TG, STAFF2_TG, OTHER_TG = 2000, 2001, 2002, 2003, 2009
DB = tuple[str, AsyncEngine]
WIB = ZoneInfo("Asia/Jakarta")


def i18n() -> I18n:
    return I18n("id", WIB)


async def setup(sessions: SessionFactory) -> tuple[Org, Target, Target]:
    """Link everyone; staff and staff2 each get one approved target this semester."""
    async with sessions() as session:
        org = await make_org(session)
        for person, tg, lang in [
            (org.head, HEAD_TG, "id"),
            (org.leader, LEADER_TG, "en"),
            (org.staff, STAFF_TG, "en"),
            (org.staff2, STAFF2_TG, "id"),
            (org.other_opd_staff, OTHER_TG, "en"),
        ]:
            person.telegram_user_id = tg
            person.language = lang
            session.add(person)
        target = Target(
            employee_id=org.staff.id,  # type: ignore[arg-type]
            period=PERIOD,
            title="Laporan <bulanan> & rekap",
            target_amount=Decimal(40),
            unit="dokumen",
            status="approved",
        )
        target2 = Target(
            employee_id=org.staff2.id,  # type: ignore[arg-type]
            period=PERIOD,
            title="Arsip digital",
            target_amount=Decimal(10),
            unit="berkas",
            status="approved",
        )
        session.add_all([target, target2])
        await session.commit()
    return org, target, target2


async def make_report(sessions: SessionFactory, employee_id: int, target_id: int) -> int:
    """A saved report with its instant notice queued for the leader."""
    outcome = await reports.submit_report(
        sessions,
        i18n(),
        employee_id=employee_id,
        draft=ReportDraft(target_id=target_id, amount=Decimal(2), note="rapi"),
        period=PERIOD,
        now=NOW - timedelta(hours=1),
    )
    assert outcome.report is not None
    assert outcome.report.id is not None
    return outcome.report.id


async def rows(sessions: SessionFactory) -> list[Feedback]:
    async with sessions() as session:
        return list((await session.exec(select(Feedback).order_by(col(Feedback.id)))).all())


@asynccontextmanager
async def linked_bot(db: DB) -> AsyncIterator[Harness]:
    async with running_bot(db[0], db[1], now=NOW) as bot:
        for tg in (HEAD_TG, LEADER_TG, STAFF_TG, STAFF2_TG, OTHER_TG):
            bot.fake.user(tg, language_code="en")
            bot.fake.known_chats.add(tg)
        yield bot


def last_alert(bot: Harness) -> str:
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].get("text") or "")


# --- service ---


async def test_send_rules_and_notice(sessions: SessionFactory) -> None:
    org, target, target2 = await setup(sessions)
    assert org.staff.id and org.leader.id and org.head.id and org.staff2.id and org.city_hr.id
    report_id = await make_report(sessions, org.staff.id, target.id or 0)
    other_report = await make_report(sessions, org.staff2.id, target2.id or 0)

    async def send(**kw: object) -> fb.SendOutcome:
        args: dict[str, object] = {
            "leader_id": org.leader.id,
            "employee_id": org.staff.id,
            "kind": "apresiasi",
            "text": "Terima kasih atas laporannya",
            "period": PERIOD,
            "now": NOW,
        }
        args.update(kw)
        return await fb.send_feedback(sessions, i18n(), **args)  # type: ignore[arg-type]

    async def set_report_status(status: str) -> None:
        async with sessions() as session:
            report = await session.get(ProgressReport, report_id)
            assert report is not None
            report.status = status
            session.add(report)
            await session.commit()

    # Only the direct supervisor: not the head (two levels up), not a peer, not upwards.
    assert (await send(leader_id=org.head.id)).result is SendResult.NOT_ALLOWED
    assert (await send(leader_id=org.staff2.id)).result is SendResult.NOT_ALLOWED
    assert (
        await send(leader_id=org.staff.id, employee_id=org.leader.id)
    ).result is SendResult.NOT_ALLOWED
    assert (await send(kind="kritik")).result is SendResult.BAD_KIND
    assert (await send(value="galak")).result is SendResult.BAD_VALUE
    short = await send(text=" abc ")
    assert short.result is SendResult.BAD_TEXT
    assert short.problem is not None and short.problem.limit == 5
    long = await send(text="x" * 5000)
    assert long.result is SendResult.BAD_TEXT
    assert long.problem is not None
    assert (long.problem.length, long.problem.limit) == (5000, 2000)
    assert (await send(report_id=other_report)).result is SendResult.BAD_REPORT
    assert (await send(target_id=target2.id)).result is SendResult.BAD_TARGET
    assert (await send(target_id=999999)).result is SendResult.BAD_TARGET
    await set_report_status("withdrawn")
    assert (await send(report_id=report_id)).result is SendResult.BAD_REPORT
    await set_report_status("active")

    ok = await send(report_id=report_id, value="kompeten", text="  Bagus <b>&  ")
    assert ok.result is SendResult.SENT
    assert ok.delivered
    assert ok.feedback is not None
    # Feedback on a report is about its target too; the text is kept as typed (stripped).
    assert (ok.feedback.report_id, ok.feedback.target_id) == (report_id, target.id)
    assert ok.feedback.text == "Bagus <b>&"

    # A Plt assigned for this semester may give feedback; for another semester not.
    async with sessions() as session:
        session.add(
            ActingEvaluator(
                period=PERIOD,
                employee_id=org.staff2.id,
                evaluator_id=org.city_hr.id,
                assigned_by_id=org.city_hr.id,
                reason="Plt",
            )
        )
        await session.commit()
    plt = await send(leader_id=org.city_hr.id, employee_id=org.staff2.id, kind="saran")
    assert plt.result is SendResult.SENT
    assert plt.delivered
    async with sessions() as session:
        notices = list(
            (
                await session.exec(
                    select(OutboxMessage).where(OutboxMessage.kind == fb.NOTICE_KIND)
                )
            ).all()
        )
    assert plt.feedback is not None
    assert [n.dedupe_key for n in notices] == [
        f"feedback:{ok.feedback.id}",
        f"feedback:{plt.feedback.id}",
    ]
    assert [n.chat_id for n in notices] == [STAFF_TG, STAFF2_TG]
    assert f"fb:ack:{ok.feedback.id}" in notices[0].payload
    assert f"fb:reply:{ok.feedback.id}" in notices[0].payload
    assert "Bagus &lt;b&gt;&amp;" in notices[0].payload
    wrong_period = await fb.team_of(sessions, org.city_hr.id, "2027-1")
    right_period = await fb.team_of(sessions, org.city_hr.id, PERIOD)
    assert wrong_period == []
    assert [e.id for e in right_period] == [org.staff2.id]


async def test_acknowledge_reply_and_counts(sessions: SessionFactory) -> None:
    org, _, _ = await setup(sessions)
    assert org.staff.id and org.leader.id and org.staff2.id
    sent = []
    for kind in ("apresiasi", "apresiasi", "saran"):
        outcome = await fb.send_feedback(
            sessions, i18n(), leader_id=org.leader.id, employee_id=org.staff.id, kind=kind,
            text="Laporan tepat waktu, terima kasih", period=PERIOD, now=NOW,
        )  # fmt: skip
        assert outcome.feedback is not None
        sent.append(outcome.feedback.id or 0)
    async with sessions() as session:
        # One from the previous semester (30 Jun 2026 23:30 WIB) does not count.
        old = Feedback(
            leader_id=org.leader.id,
            employee_id=org.staff.id,
            kind="saran",
            text="lama sekali",
            created_at=datetime(2026, 6, 30, 16, 30, tzinfo=UTC),
        )
        session.add(old)
        await session.commit()
    first = sent[0]
    # Someone else's feedback: refused, nothing changes.
    other = await fb.acknowledge(
        sessions, i18n(), employee_id=org.staff2.id, feedback_id=first, now=NOW
    )
    assert other.result is AnswerResult.NOT_FOUND
    done = await fb.acknowledge(
        sessions, i18n(), employee_id=org.staff.id, feedback_id=first, now=NOW
    )
    assert done.result is AnswerResult.DONE
    again = await fb.acknowledge(
        sessions, i18n(), employee_id=org.staff.id, feedback_id=first, now=NOW
    )
    assert again.result is AnswerResult.ALREADY
    too_long = await fb.reply_to(
        sessions, i18n(), employee_id=org.staff.id, feedback_id=first, text="y" * 1001,
        now=NOW,
    )  # fmt: skip
    assert too_long.result is AnswerResult.BAD_TEXT
    assert too_long.problem is not None and too_long.problem.limit == 1000
    empty = await fb.reply_to(
        sessions, i18n(), employee_id=org.staff.id, feedback_id=first, text="  ", now=NOW
    )
    assert empty.result is AnswerResult.BAD_TEXT
    foreign = await fb.reply_to(
        sessions, i18n(), employee_id=org.staff2.id, feedback_id=first, text="hai", now=NOW
    )
    assert foreign.result is AnswerResult.NOT_FOUND
    replied = await fb.reply_to(
        sessions, i18n(), employee_id=org.staff.id, feedback_id=first, text="Siap, pak",
        now=NOW,
    )  # fmt: skip
    assert replied.result is AnswerResult.DONE
    twice = await fb.reply_to(
        sessions, i18n(), employee_id=org.staff.id, feedback_id=first, text="lagi", now=NOW
    )
    assert twice.result is AnswerResult.ALREADY
    async with sessions() as session:
        leader_rows = (
            await session.exec(
                select(OutboxMessage.dedupe_key, OutboxMessage.chat_id).where(
                    col(OutboxMessage.kind).in_([fb.ACK_KIND, fb.REPLY_KIND])
                )
            )
        ).all()
        counts = await fb.feedback_counts(session, [org.staff.id, org.staff2.id], PERIOD)
        by_period = await fb.feedback_counts(session, [org.staff.id], parse_period("2026-1"))
    assert sorted(leader_rows) == [
        (f"feedback:{first}:ack", LEADER_TG),
        (f"feedback:{first}:reply", LEADER_TG),
    ]
    assert counts == {
        org.staff.id: {"apresiasi": 2, "saran": 1},
        org.staff2.id: {"apresiasi": 0, "saran": 0},
    }
    assert by_period == {org.staff.id: {"apresiasi": 0, "saran": 1}}
    stored = {f.id: f for f in await rows(sessions)}
    assert stored[first].reply == "Siap, pak"
    assert stored[first].acknowledged_at is not None
    assert stored[sent[1]].acknowledged_at is None


def test_values_and_template() -> None:
    assert [v.key for v in fb.VALUES] == [
        "berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif",
        "kolaboratif",
    ]  # fmt: skip
    en = i18n().for_language("en")
    idn = i18n().for_language("id")
    template = feedback_texts.template_text(en, "saran")
    for part in ("Situation", "Behaviour", "Impact", "Next step"):
        assert part in template
    assert "Langkah berikutnya" in feedback_texts.template_text(idn, "apresiasi")
    assert fb.kind_label(idn, "saran") == "Saran perbaikan"


# --- through the bot ---


async def test_leader_gives_feedback_employee_thanks_and_replies(
    db: DB, sessions: SessionFactory
) -> None:
    org, target, _ = await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/feedback")
        team = bot.fake.last(LEADER_TG)
        assert "Who would you like to give feedback to?" in team.content
        assert [label for label, _ in team.buttons()] == [
            "Budi Santoso", "Siti <Aminah> & Co 😀", "Cancel",
        ]  # fmt: skip
        await bot.press_label(LEADER_TG, "Siti")
        subjects = bot.fake.last(LEADER_TG)
        assert "Feedback for Siti <Aminah> & Co 😀" in subjects.content
        assert "Siti &lt;Aminah&gt; &amp; Co 😀" in (subjects.html or "")
        assert subjects.button("Laporan <bulanan>") == f"fb:t:{target.id}"
        # A crafted target of someone else is refused and the step stays.
        await bot.press_raw(LEADER_TG, subjects.message_id, "fb:t:999999")
        assert "only to your own team members" in last_alert(bot)
        await bot.press_label(LEADER_TG, "Laporan <bulanan>")
        assert "What kind of feedback" in bot.last_text(LEADER_TG)
        assert "On the target: Laporan <bulanan> & rekap" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Appreciation")
        values = bot.fake.last(LEADER_TG)
        assert "Kompeten" in values.content
        assert "keeps learning" in values.content
        await bot.press_label(LEADER_TG, "Kompeten")
        ask = bot.last_text(LEADER_TG)
        assert "Tip: name the specific thing" in ask
        assert "5 to 2,000 characters" in ask
        await bot.press_label(LEADER_TG, "Use template")
        template = bot.fake.last(LEADER_TG)
        assert "Situation: When" in template.content
        assert "<pre>" in (template.html or "")

        await bot.send(LEADER_TG, "x" * 5000)
        assert "5,000 characters" in bot.last_text(LEADER_TG)
        assert "at most 2,000" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "ok")
        assert "at least 5 characters" in bot.last_text(LEADER_TG)
        await bot.feed(bot.fake.send_sticker(LEADER_TG))
        assert "as a text message" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "Rekapnya <b>rapi</b> & cepat 😀")
        preview = bot.fake.last(LEADER_TG)
        assert "Preview of your feedback" in preview.content
        assert "Rekapnya <b>rapi</b> & cepat 😀" in preview.content
        assert "Rekapnya &lt;b&gt;rapi&lt;/b&gt; &amp; cepat 😀" in (preview.html or "")
        assert "BerAKHLAK value: Kompeten" in preview.content
        assert await rows(sessions) == []
        # Ubah, then a new text.
        await bot.press_label(LEADER_TG, "Change")
        await bot.send(LEADER_TG, "Rekapnya <b>rapi</b> & tepat waktu 😀")
        preview = bot.fake.last(LEADER_TG)
        send_data = preview.button("Send")
        await bot.press_label(LEADER_TG, "Send")
        assert "has been sent to Siti <Aminah> & Co 😀" in bot.last_text(LEADER_TG)
        [saved] = await rows(sessions)
        assert (saved.leader_id, saved.employee_id) == (org.leader.id, org.staff.id)
        assert (saved.kind, saved.value, saved.target_id) == ("apresiasi", "kompeten", target.id)
        assert saved.text == "Rekapnya <b>rapi</b> & tepat waktu 😀"
        # The old Send button does nothing more.
        await bot.press_raw(LEADER_TG, preview.message_id, send_data)
        assert "no longer active" in last_alert(bot)
        assert len(await rows(sessions)) == 1

        assert await bot.drain() == 1
        notice = bot.fake.last(STAFF_TG)
        assert "Feedback from Rina Harahap" in notice.content
        assert "Kind: Appreciation" in notice.content
        assert "Rekapnya &lt;b&gt;rapi&lt;/b&gt; &amp; tepat waktu 😀" in (notice.html or "")
        assert notice.buttons() == [
            ("Thank you", f"fb:ack:{saved.id}"),
            ("Reply", f"fb:reply:{saved.id}"),
        ]
        # Someone else cannot acknowledge or reply.
        await bot.press_raw(STAFF2_TG, 1, f"fb:ack:{saved.id}")
        assert "tidak ditujukan kepada Anda" in last_alert(bot)
        await bot.press_raw(STAFF2_TG, 1, f"fb:reply:{saved.id}")
        assert "tidak ditujukan kepada Anda" in last_alert(bot)
        await bot.press_raw(STAFF_TG, notice.message_id, "fb:ack:abc")
        assert "not addressed to you" in last_alert(bot)
        assert (await rows(sessions))[0].acknowledged_at is None

        await bot.press_label(STAFF_TG, "Thank you")
        assert "Your leader will know" in bot.last_text(STAFF_TG)
        # The notice keeps only "Reply"; an old client pressing "Thank you" again is told so.
        assert bot.fake.sent(STAFF_TG)[-2].buttons() == [("Reply", f"fb:reply:{saved.id}")]
        await bot.press_raw(STAFF_TG, notice.message_id, f"fb:ack:{saved.id}")
        assert "already thanked" in last_alert(bot)
        await bot.press(STAFF_TG, notice.message_id, f"fb:reply:{saved.id}")
        assert "at most 1,000 characters" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "z" * 1500)
        assert "1,500 characters" in bot.last_text(STAFF_TG)
        await bot.send(STAFF_TG, "Terima kasih <pak> & 🙏")
        assert "reply has been sent" in bot.last_text(STAFF_TG)
        await bot.press(STAFF_TG, notice.message_id, f"fb:reply:{saved.id}")
        assert "already replied" in last_alert(bot)

        assert await bot.drain() == 2
        leader_msgs = bot.fake.sent(LEADER_TG)[-2:]
        assert "Siti <Aminah> & Co 😀 thanked you for your feedback" in leader_msgs[0].content
        assert "replied to your feedback" in leader_msgs[1].content
        assert "Terima kasih &lt;pak&gt; &amp; 🙏" in (leader_msgs[1].html or "")
        [stored] = await rows(sessions)
        assert stored.acknowledged_at is not None
        assert stored.reply == "Terima kasih <pak> & 🙏"


async def test_feedback_from_report_notice_in_indonesian(db: DB, sessions: SessionFactory) -> None:
    org, _, target2 = await setup(sessions)
    assert org.staff.id and org.staff2.id
    async with sessions() as session:
        leader = await session.get(Employee, org.leader.id)
        assert leader is not None
        leader.language = "id"
        session.add(leader)
        await session.commit()
    report_id = await make_report(sessions, org.staff2.id, target2.id or 0)
    async with linked_bot(db) as bot:
        assert await bot.drain() == 1
        notice = bot.fake.last(LEADER_TG)
        assert notice.button("Beri umpan balik") == f"fb:report:{report_id}"
        await bot.press_label(LEADER_TG, "Beri umpan balik")
        kind = bot.fake.last(LEADER_TG)
        assert kind.message_id != notice.message_id
        assert "Umpan balik untuk Budi Santoso" in kind.content
        assert "Tentang laporan untuk: Arsip digital" in kind.content
        await bot.press_label(LEADER_TG, "Saran perbaikan")
        await bot.press_label(LEADER_TG, "Lewati")
        assert "Tips: gambarkan situasi" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Pakai templat")
        assert "Langkah berikutnya: Lain kali" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "y" * 5000)
        assert "5.000 karakter" in bot.last_text(LEADER_TG)
        assert "2.000 karakter" in bot.last_text(LEADER_TG)
        await bot.send(LEADER_TG, "Lain kali mohon lampirkan foto arsipnya.")
        assert "Pratinjau umpan balik Anda" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "Kirim")
        assert "telah dikirim kepada Budi Santoso" in bot.last_text(LEADER_TG)
        [saved] = await rows(sessions)
        assert (saved.report_id, saved.target_id, saved.kind, saved.value) == (
            report_id, target2.id, "saran", "",
        )  # fmt: skip
        assert await bot.drain() == 1
        received = bot.fake.last(STAFF2_TG)
        assert "Umpan balik dari Rina Harahap" in received.content
        assert "Jenis: Saran perbaikan" in received.content
        assert [label for label, _ in received.buttons()] == ["Terima kasih", "Balas"]
        await bot.press_label(STAFF2_TG, "Terima kasih")
        assert "Atasan Anda akan tahu" in bot.last_text(STAFF2_TG)


async def test_refusals_and_cancel(db: DB, sessions: SessionFactory) -> None:
    org, _, _ = await setup(sessions)
    assert org.other_opd_staff.id and org.staff.id
    other_target = Target(
        employee_id=org.other_opd_staff.id, period=PERIOD, title="Lain", status="approved"
    )
    async with sessions() as session:
        session.add(other_target)
        await session.flush()
        foreign_report = ProgressReport(
            target_id=other_target.id or 0, employee_id=org.other_opd_staff.id, note="x"
        )
        session.add(foreign_report)
        await session.commit()
    async with linked_bot(db) as bot:
        # A non-leader gets a kind explanation.
        await bot.send(STAFF_TG, "/feedback")
        assert "given by leaders to the members of their own team" in bot.last_text(STAFF_TG)
        await bot.send(STAFF2_TG, "/umpanbalik")
        assert "diberikan oleh atasan" in bot.last_text(STAFF2_TG)
        # The head is not the staff's direct supervisor.
        await bot.press_raw(HEAD_TG, 1, f"fb:emp:{org.staff.id}")
        assert "hanya dapat memberi umpan balik" in last_alert(bot)
        await bot.press_raw(LEADER_TG, 1, f"fb:emp:{org.other_opd_staff.id}")
        assert "only to your own team members" in last_alert(bot)
        await bot.press_raw(LEADER_TG, 1, f"fb:report:{foreign_report.id}")
        assert "only to your own team members" in last_alert(bot)
        await bot.press_raw(LEADER_TG, 1, "fb:report:x")
        assert "only to your own team members" in last_alert(bot)
        # From the team view's button, then Batal.
        await bot.press_raw(LEADER_TG, 1, f"fb:emp:{org.staff.id}")
        assert "What is it about?" in bot.last_text(LEADER_TG)
        await bot.press_label(LEADER_TG, "General")
        await bot.press_raw(LEADER_TG, 1, "fb:k:kritik")
        assert "only to your own team members" in last_alert(bot)
        await bot.press_label(LEADER_TG, "Suggestion")
        await bot.press_raw(LEADER_TG, 1, "fb:v:galak")
        assert "only to your own team members" in last_alert(bot)
        await bot.press_label(LEADER_TG, "Cancel")
        assert "Nothing was sent" in bot.last_text(LEADER_TG)
        # /batal mid-flow, then a stale button of the finished flow.
        await bot.send(LEADER_TG, "/feedback")
        await bot.send(LEADER_TG, "/cancel")
        assert "Nothing was sent" in bot.last_text(LEADER_TG)
        await bot.press_raw(LEADER_TG, 1, f"fb:e:{org.staff.id}")
        assert "no longer active" in last_alert(bot)
        assert await rows(sessions) == []


async def test_team_is_paged(db: DB, sessions: SessionFactory) -> None:
    org, _, _ = await setup(sessions)
    async with sessions() as session:
        for i in range(9):
            await add(
                session,
                nip=f"19850312201001{i + 1:01d}9{i:02d}"[:18],
                name=f"Staf {i:02d}",
                opd_id=org.opd.id,
                supervisor_id=org.leader.id,
            )
        await session.commit()
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/feedback")
        first = bot.fake.last(LEADER_TG)
        assert "Page 1 of 2" in first.content
        assert len([b for b in first.buttons() if b[1].startswith("fb:e:")]) == 8
        await bot.press_label(LEADER_TG, "Next")
        second = bot.fake.last(LEADER_TG)
        assert "Page 2 of 2" in second.content
        names = [label for label, data in second.buttons() if data.startswith("fb:e:")]
        assert names == ["Staf 06", "Staf 07", "Staf 08"]


async def test_draft_survives_a_restart(db: DB, sessions: SessionFactory) -> None:
    org, _, _ = await setup(sessions)
    async with linked_bot(db) as bot:
        await bot.send(LEADER_TG, "/feedback")
        await bot.press_label(LEADER_TG, "Budi")
        await bot.press_label(LEADER_TG, "General")
        await bot.press_label(LEADER_TG, "Suggestion")
        await bot.press_label(LEADER_TG, "Skip")
        await bot.send(LEADER_TG, "Mohon arsipkan berkas tepat waktu.")
        preview = bot.fake.last(LEADER_TG)
    async with linked_bot(db) as bot:
        await bot.press_raw(LEADER_TG, preview.message_id, preview.button("Send"))
        assert "has been sent to Budi Santoso" in bot.last_text(LEADER_TG)
    [saved] = await rows(sessions)
    assert (saved.employee_id, saved.kind, saved.target_id) == (org.staff2.id, "saran", None)
