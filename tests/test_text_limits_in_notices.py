"""Every queued notice fits one Telegram message at maximum field lengths (issue 11).

Each builder gets every typed field at its longest, written in the widest characters (an
emoji counts two UTF-16 units in Telegram's limit) with HTML's special characters mixed in,
in both languages. The fake Bot API's parser decides: the HTML must parse and the shown text
must be at most 4,096 units (captions 1,024), without the outbox's last-resort cut.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import I18n, Translator
from bot.services import broadcasts, checkins, evaluation, feedback, roster, training
from bot.services import questions as qs
from bot.services.evaluation import planner_notices as evaluation_planners
from bot.services.evaluation.predikat import PREDIKAT_LABELS
from bot.services.periods import Period
from bot.services.questions import notices as question_notices
from bot.services.reports import TargetProgress
from bot.services.reports import drafts as report_drafts
from bot.services.reports import notices as report_notices
from bot.services.targets import describing, vocabulary
from bot.services.targets import notices as target_notices
from bot.services.training import notices as training_notices
from bot.text import ELLIPSIS, MAX_CAPTION_CHARS, plain_text, visible_length
from models import (
    Employee,
    Evaluation,
    Feedback,
    ProgressReport,
    Question,
    Target,
    TrainingSession,
)
from tests.support.factories import widest
from tests.support.fakegram.html import check_caption, check_message_text, parse_text

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
S2 = Period(2026, 2)
LANGUAGES = pytest.mark.parametrize("lang", ["id", "en"])
NAME = roster.MAX_TEXT  # names of people, units and OPDs: varchar(200)


def translator(lang: str) -> Translator:
    return I18n("id", ZoneInfo("Asia/Jakarta")).for_language(lang)


def shown(text_html: str) -> str:
    """The text Telegram shows, after checking it is one valid message."""
    plain, _entities = parse_text(text_html, "HTML")
    check_message_text(plain)
    return plain


def person(**fields: object) -> Employee:
    values: dict[str, object] = {"id": 7, "nip": "198503122010011001", "name": widest(NAME)}
    values.update(fields)
    return Employee(**values)  # type: ignore[arg-type]


def longest_target(kind: str = vocabulary.KIND_QUAL, **fields: object) -> Target:
    values: dict[str, object] = {
        "id": 11,
        "employee_id": 7,
        "period": S2.code,
        "title": widest(vocabulary.MAX_TITLE),
        "indicator": widest(vocabulary.MAX_INDICATOR),
        "kind": kind,
        "target_amount": Decimal("999999999.9999") if kind == vocabulary.KIND_QUANT else None,
        "unit": widest(vocabulary.MAX_UNIT) if kind == vocabulary.KIND_QUANT else "",
        "expectation": widest(vocabulary.MAX_EXPECTATION),
        "quality_standard": widest(vocabulary.MAX_QUALITY),
        "return_note": widest(vocabulary.MAX_NOTE),
        "status": vocabulary.STATUS_PENDING,
        "version": 2,
        "parent_target_id": 10,
    }
    values.update(fields)
    return Target(**values)  # type: ignore[arg-type]


# --- targets ------------------------------------------------------------------------------


@LANGUAGES
@pytest.mark.parametrize("kind", vocabulary.KINDS)
def test_approval_request(lang: str, kind: str) -> None:
    t = translator(lang)
    parent = longest_target(id=10, title=widest(vocabulary.MAX_TITLE))
    fitted = target_notices.request_text(t, longest_target(kind), person(), parent)
    text = shown(fitted.text)
    assert fitted.shortened
    assert t._("Please approve it, or return it with a short note on what to change.") in text
    assert text.endswith(t._(target_notices.SHORTENED_NOTE))
    assert (
        t._("Type: {jenis}, {kind}").format(  # no line is lost
            jenis=describing.jenis_label(t, "utama"), kind=describing.kind_label(t, kind)
        )
        in text
    )


@LANGUAGES
def test_an_ordinary_approval_request_is_not_shortened(lang: str) -> None:
    target = longest_target(title="Rekap data", indicator="", expectation="Tepat waktu")
    fitted = target_notices.request_text(translator(lang), target, person(name="Siti"), None)
    assert not fitted.shortened
    assert "Tepat waktu" in shown(fitted.text)


@LANGUAGES
def test_decision_with_the_longest_return_note(lang: str) -> None:
    t = translator(lang)
    target = longest_target(status=vocabulary.STATUS_RETURNED)
    text = shown(target_notices.decision_text(t, target, person()))
    assert "/target" in text
    assert ELLIPSIS not in text  # 1,000 characters of note fit whole


@LANGUAGES
def test_assigned_target(lang: str) -> None:
    t = translator(lang)
    parent = longest_target(id=10)
    fitted = target_notices.assigned_text(t, longest_target(), person(), parent)
    text = shown(fitted.text)
    assert t._("It is already approved. Send /target to see all your targets.") in text
    assert fitted.shortened


# --- reports ------------------------------------------------------------------------------


def report(**fields: object) -> ProgressReport:
    values: dict[str, object] = {
        "id": 5,
        "employee_id": 7,
        "target_id": 11,
        "period": S2.code,
        "amount": Decimal("999999999.9999"),
        "note": widest(report_drafts.NARRATIVE_MAX_CHARS),
        "created_at": NOW,
    }
    values.update(fields)
    return ProgressReport(**values)  # type: ignore[arg-type]


@LANGUAGES
@pytest.mark.parametrize("kind", vocabulary.KINDS)
def test_instant_report_notice(lang: str, kind: str) -> None:
    t = translator(lang)
    target = longest_target(kind, status=vocabulary.STATUS_APPROVED)
    progress = TargetProgress(target, Decimal("999999999"), 99)
    amount = Decimal("999999999.9999") if kind == vocabulary.KIND_QUANT else None
    text = shown(report_notices.instant_text(t, person(), progress, report(amount=amount), 10))
    assert t._("A few words of feedback help your team member keep going.") in text


@LANGUAGES
def test_report_digest(lang: str) -> None:
    t = translator(lang)
    target = longest_target(vocabulary.KIND_QUANT, status=vocabulary.STATUS_APPROVED)
    progress = {11: TargetProgress(target, Decimal("999999999"), 99)}
    items = [report_notices.DigestItem(person(id=100 + i), report(id=i)) for i in range(1, 60)]
    text = shown(report_notices.digest_text(t, NOW, items, progress, {i: 10 for i in range(60)}))
    more = t._("…and {count} more. Thank you for following your team's progress.")
    assert text.endswith(more.split("{count}")[1])  # listed until full, then counted


# --- questions ------------------------------------------------------------------------------


def question(**fields: object) -> Question:
    values: dict[str, object] = {
        "id": 3,
        "asker_id": 7,
        "opd_id": 1,
        "anonymous": False,
        "text": widest(qs.MAX_QUESTION),
        "answer": widest(qs.MAX_ANSWER),
        "status": qs.STATUS_ANSWERED,
        "created_at": NOW,
    }
    values.update(fields)
    return Question(**values)  # type: ignore[arg-type]


@LANGUAGES
@pytest.mark.parametrize("anonymous", [False, True])
def test_question_notice_for_hr(lang: str, anonymous: bool) -> None:
    t = translator(lang)
    asked = question(anonymous=anonymous, asker_id=None if anonymous else 7)
    asker = None if anonymous else person()
    text = shown(question_notices.hr_notice_text(t, asked, asker, widest(NAME), widest(NAME)))
    assert plain_text(t._("Press <b>Answer</b> to reply, or open /tanya.")) in text
    assert text.endswith(t._("The whole question is shown when you press Answer."))


@LANGUAGES
def test_answer_notice(lang: str) -> None:
    t = translator(lang)
    text = shown(question_notices.answer_text(t, question()))
    assert t._("Thank you for asking. You can ask again at any time with /tanya.") in text
    assert text.endswith(t._("The whole answer is in /tanya, under “My questions”."))


@LANGUAGES
def test_closed_question_notice(lang: str) -> None:
    t = translator(lang)
    text = shown(question_notices.closed_text(t, question(), widest(qs.MAX_REASON)))
    assert t._("If you still need help, you are welcome to ask again with /tanya.") in text


# --- feedback -------------------------------------------------------------------------------


def given_feedback() -> Feedback:
    return Feedback(
        id=9,
        leader_id=8,
        employee_id=7,
        report_id=5,
        target_id=11,
        kind=feedback.KIND_SUGGESTION,
        value=feedback.VALUES[0].key,
        text=widest(feedback.MAX_TEXT),
        reply=widest(feedback.MAX_REPLY),
        created_at=NOW,
    )


@LANGUAGES
def test_feedback_notice(lang: str) -> None:
    t = translator(lang)
    text = shown(feedback.feedback_text(t, person(), given_feedback(), longest_target()))
    assert text.endswith(t._("Part of this message was shortened to fit one Telegram message."))


@LANGUAGES
@pytest.mark.parametrize("what", ["ack", "reply"])
def test_feedback_thanks_and_reply_for_the_leader(lang: str, what: str) -> None:
    shown(feedback.leader_notice_text(translator(lang), given_feedback(), person(), what))


# --- evaluation -----------------------------------------------------------------------------


def given_evaluation() -> Evaluation:
    return Evaluation(
        id=4,
        employee_id=7,
        evaluator_id=8,
        period=S2.code,
        hasil_kerja="sesuai",
        perilaku_kerja="sesuai",
        predikat="baik",
        comment=widest(evaluation.MAX_COMMENT),
        objection=widest(evaluation.MAX_OBJECTION),
    )


@LANGUAGES
def test_evaluation_result(lang: str) -> None:
    t = translator(lang)
    text = shown(evaluation.result_text(t, given_evaluation(), person()))
    assert t._(PREDIKAT_LABELS["baik"]) in text


@LANGUAGES
def test_objection_for_hr(lang: str) -> None:
    t = translator(lang)
    text = shown(evaluation.objection_text(t, given_evaluation(), person()))
    assert "/nilai" in text


@LANGUAGES
def test_correction_notice(lang: str) -> None:
    text = evaluation.correction_text(
        translator(lang), given_evaluation(), person(), "kurang", widest(evaluation.MAX_REASON)
    )
    assert ELLIPSIS not in shown(text)  # the longest reason fits whole


@LANGUAGES
@pytest.mark.parametrize("listed", [1, evaluation_planners.MAX_LISTED, 500])
def test_evaluation_prompts_and_follow_ups(lang: str, listed: int) -> None:
    t = translator(lang)
    names = [widest(NAME)] * listed
    due = date(2027, 1, 14)
    for text in (
        evaluation_planners.prompt_text(t, widest(NAME), S2, due, names),
        evaluation_planners.followup_text(t, widest(NAME), S2, due, names),
        evaluation_planners.supervisor_text(t, widest(NAME), S2, due, [(n, 9) for n in names]),
        evaluation_planners.hr_text(
            t, widest(NAME), S2, due, [(widest(NAME), 99, 9, [(n, 9) for n in names])]
        ),
        evaluation_planners.hr_text(
            t, widest(NAME), S2, due, [(widest(NAME), 99, 9, [])] * listed
        ),
    ):
        plain = shown(text)
        if listed > evaluation_planners.MAX_LISTED:
            more = listed - evaluation_planners.MAX_LISTED
            assert t._("… and {count} more").format(count=t.number(more)) in plain


# --- training, check-ins, broadcasts ----------------------------------------------------------


def longest_session() -> TrainingSession:
    return TrainingSession(
        id=2,
        title=widest(training.MAX_TITLE),
        topic=widest(training.MAX_TOPIC),
        starts_at=NOW,
        place=widest(training.MAX_PLACE),
        capacity=training.MAX_CAPACITY,
        jp=training.MAX_JP,
        created_by_id=8,
    )


@LANGUAGES
def test_training_invitation_reminders_and_cancellation(lang: str) -> None:
    t = translator(lang)
    session = longest_session()
    for text in (
        training_notices.invite_text(t, session, widest(NAME)),
        training_notices.cancelled_text(t, session, widest(NAME)),
        training_notices.reminder_text(t, session, widest(NAME), "day"),
        training_notices.reminder_text(t, session, widest(NAME), "hour"),
    ):
        assert ELLIPSIS not in shown(text)


@LANGUAGES
def test_training_suggestions_for_hr(lang: str) -> None:
    t = translator(lang)
    line = (widest(NAME), widest(NAME), 0.5, 0.5, widest(training.MAX_TOPIC))
    text = shown(training_notices.reco_text(t, widest(NAME), S2, [line] * 50))
    assert "/pelatihan" in text


@LANGUAGES
def test_check_in_reminder(lang: str) -> None:
    text, _markup = checkins.checkin_message(translator(lang), widest(NAME), NOW)
    shown(text)


def test_broadcast_text_and_caption_at_their_limits() -> None:
    text = "<b>" + "&amp;" * 2 + "</b>" + "😀" * 2047  # 4,096 units once parsed
    assert visible_length(text) == broadcasts.TEXT_LIMIT
    for media in ("", "photo", "document"):
        calls = broadcasts.render(text, media, "file-id", ("OK", "bc:ack:1"))
        for call in calls:
            params = call["params"]
            if "caption" in params:
                check_caption(parse_text(params["caption"], "HTML")[0])
            if "text" in params:
                shown(params["text"])
    caption = "😀" * (MAX_CAPTION_CHARS // 2)
    [call] = broadcasts.render(caption, "photo", "file-id", None)
    check_caption(parse_text(call["params"]["caption"], "HTML")[0])
