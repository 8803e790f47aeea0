"""Question rules: the daily limit, who may answer which question, and notices that fit one
message (both databases)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import col, select

from bot.services import questions as qs
from bot.services.questions import AskResult, HrResult
from bot.services.questions.limits import named_today
from models import OutboxMessage
from models.db import SessionFactory
from tests.test_questions_flow import (
    CITY_TG,
    HR_TG,
    LOCAL_NOW,
    NOW,
    STAFF_TG,
    TODAY,
    all_questions,
    employee_of,
    i18n,
    setup,
    speaker_of,
)


async def test_daily_limit_counts_named_by_asker_and_anonymous_in_memory(
    sessions: SessionFactory,
) -> None:
    org = await setup(sessions)
    assert org.staff.id and org.staff2.id
    tally = qs.AnonymousTally()
    staff = await employee_of(sessions, org.staff.id)
    for i in range(qs.DAILY_LIMIT):
        outcome = await qs.ask(
            sessions, i18n(), tally=tally, asker=staff, text=f"Pertanyaan nomor {i}",
            anonymous=i % 2 == 0, to_own_opd=True, now=LOCAL_NOW,
        )  # fmt: skip
        assert outcome.result is AskResult.ASKED
    sixth = await qs.ask(
        sessions, i18n(), tally=tally, asker=staff, text="Pertanyaan keenam",
        anonymous=True, to_own_opd=False, now=LOCAL_NOW,
    )  # fmt: skip
    assert sixth.result is AskResult.LIMIT
    async with sessions() as session:
        assert await named_today(session, org.staff.id, LOCAL_NOW) == 2
    assert tally.count(org.staff.id, TODAY) == 3
    assert await qs.questions_left(sessions, tally, org.staff.id, LOCAL_NOW) == 0
    # Another person has their own count.
    assert await qs.questions_left(sessions, tally, org.staff2.id, LOCAL_NOW) == 5
    short = await qs.ask(
        sessions, i18n(), tally=tally, asker=staff, text="pendek",
        anonymous=False, to_own_opd=True, now=LOCAL_NOW,
    )  # fmt: skip
    assert short.result is AskResult.BAD_TEXT and short.problem is not None
    assert short.problem.limit == qs.MIN_QUESTION
    # Tomorrow (WIB) is a new day: yesterday's anonymous counts are dropped, not kept.
    tomorrow = LOCAL_NOW.replace(hour=0, minute=5) + timedelta(days=1)
    assert await qs.questions_left(sessions, tally, org.staff.id, tomorrow) == 5
    assert len(tally) == 0
    assert tally.count(org.staff.id, TODAY) == 0
    assert len(await all_questions(sessions)) == 5


async def test_scope_of_answering(sessions: SessionFactory) -> None:
    org = await setup(sessions)
    tally = qs.AnonymousTally()
    staff = await employee_of(sessions, org.staff.id)
    other = await employee_of(sessions, org.other_opd_staff.id)
    own = await qs.ask(
        sessions, i18n(), tally=tally, asker=staff, text="Pertanyaan untuk HR Dinkes",
        anonymous=False, to_own_opd=True, now=LOCAL_NOW,
    )  # fmt: skip
    city = await qs.ask(
        sessions, i18n(), tally=tally, asker=staff, text="Pertanyaan untuk BKPSDM saja",
        anonymous=True, to_own_opd=False, now=LOCAL_NOW,
    )  # fmt: skip
    dishub = await qs.ask(
        sessions, i18n(), tally=tally, asker=other, text="Pertanyaan dari Dishub",
        anonymous=False, to_own_opd=True, now=LOCAL_NOW,
    )  # fmt: skip
    async with sessions() as session:
        # Notices: Dinkes HR for its OPD; city-wide HR for BKPSDM and for an OPD without HR.
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
        assert [(r.chat_id, r.dedupe_key) for r in rows] == [
            (HR_TG, f"question:{own.question.id}:hr:{org.hr.id}"),  # type: ignore[union-attr]
            (CITY_TG, f"question:{city.question.id}:hr:{org.city_hr.id}"),  # type: ignore[union-attr]
            (CITY_TG, f"question:{dishub.question.id}:hr:{org.city_hr.id}"),  # type: ignore[union-attr]
        ]
    hr = await speaker_of(sessions, HR_TG)
    city_hr = await speaker_of(sessions, CITY_TG)
    staff_speaker = await speaker_of(sessions, STAFF_TG)
    assert own.question and city.question and dishub.question
    inbox = await qs.inbox_page(sessions, hr, 0, 10)
    assert [r.question.id for r in inbox.rows] == [own.question.id] and inbox.total == 1
    inbox = await qs.inbox_page(sessions, city_hr, 0, 10)
    assert inbox.total == 3
    inbox = await qs.inbox_page(sessions, staff_speaker, 0, 10)
    assert (inbox.rows, inbox.total) == ([], 0)
    for speaker, qid in [(hr, city.question.id), (hr, dishub.question.id)]:
        refused = await qs.answer(
            sessions, i18n(), speaker=speaker, question_id=qid or 0, text="Jawaban", now=NOW
        )
        assert refused.result is HrResult.NOT_FOUND
    refused = await qs.answer(
        sessions, i18n(), speaker=staff_speaker, question_id=own.question.id or 0,
        text="Jawaban", now=NOW,
    )  # fmt: skip
    assert refused.result is HrResult.NOT_FOUND
    not_yet = await qs.publish(
        sessions, speaker=hr, question_id=own.question.id or 0, question_text=None, now=NOW
    )
    assert not_yet.result is HrResult.NOT_ANSWERED
    closed = await qs.close(
        sessions, i18n(), speaker=city_hr, question_id=dishub.question.id or 0,
        reason="Duplikat", now=NOW,
    )  # fmt: skip
    assert closed.result is HrResult.DONE and closed.delivered
    again = await qs.answer(
        sessions, i18n(), speaker=city_hr, question_id=dishub.question.id or 0,
        text="Jawaban", now=NOW,
    )  # fmt: skip
    assert again.result is HrResult.ALREADY


async def test_long_answer_fits_one_message(sessions: SessionFactory) -> None:
    org = await setup(sessions)
    tally = qs.AnonymousTally()
    staff = await employee_of(sessions, org.staff.id)
    asked = await qs.ask(
        sessions, i18n(), tally=tally, asker=staff, text="<" * qs.MAX_QUESTION,
        anonymous=False, to_own_opd=True, now=LOCAL_NOW,
    )  # fmt: skip
    assert asked.question is not None
    hr = await speaker_of(sessions, HR_TG)
    outcome = await qs.answer(
        sessions, i18n(), speaker=hr, question_id=asked.question.id or 0,
        text="&" * qs.MAX_ANSWER, now=NOW,
    )  # fmt: skip
    assert outcome.result is HrResult.DONE and outcome.delivered
    async with sessions() as session:
        row = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == STAFF_TG))
        ).one()
    params = json.loads(row.payload)["params"]
    visible = params["text"].replace("&lt;", "<").replace("&amp;", "&")
    assert len(visible) < 4096
    assert "&" * qs.MAX_ANSWER in visible
