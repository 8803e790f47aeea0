"""Questions to HR (optionally anonymous), HR's inbox and answers, and the published FAQ.

Anonymous means the database keeps no link to the asker: the Question row has asker_id NULL,
no audit row names the asker, and the outbox notices to HR carry neither their name nor their
ids. Only the routing OPD is kept, and only when the asker chose "HR of my OPD". Every HR
officer covering the question is notified, the asker included when they are one: leaving them
out would name them to whoever reads the outbox.

The daily limit (DAILY_LIMIT questions per employee, named and anonymous together) is counted
without any row that ties an anonymous question to a person; see AnonymousTally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services import audit
from bot.services.access import ROLE_HR, Speaker, hr_officers_for, hr_scope_of
from bot.services.text_rules import TextProblem, check_text
from bot.text import esc, fit_fields
from models import Employee, FaqEntry, Opd, Question

DAILY_LIMIT = 5
MIN_QUESTION = 10
MAX_QUESTION = 2000
MAX_ANSWER = 3000
MIN_REASON = 3
MAX_REASON = 500
STATUS_OPEN = "open"
STATUS_ANSWERED = "answered"
STATUS_CLOSED = "closed"
NOTICE_KIND = "question"
ANSWER_KIND = "question_answer"
QUOTE_CHARS = 600  # how much of the question an answer notice repeats


def shorten(text: str, limit: int) -> str:
    """Cut text to `limit` characters with an ellipsis (before escaping)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- text checks ---


# --- the daily limit ---


class AnonymousTally:
    """How many anonymous questions each employee asked today, in this process's memory only.

    Why not a table: a count the bot can find again from an employee's id can be found by
    whoever holds the same inputs. A row per person (even under an HMAC of the id and the day
    with a secret derived from the bot token) names who asked anonymously today to anyone with
    the token and the database, and its insertion order (ids, or the rows' physical order)
    matches the order of the questions, which names the question. A counter that lives only
    here leaves nothing behind. Named questions need no counter: they are counted by their
    asker_id. Past days are dropped as soon as a new day is counted.

    The price, accepted: a restart (a deploy, a crash, or the standby taking over) forgets
    today's anonymous counts, so after one an employee may ask up to DAILY_LIMIT more
    anonymous questions that day. Restarts are rare and the limit only guards against floods.
    """

    def __init__(self) -> None:
        self._day: date | None = None
        self._counts: dict[int, int] = {}

    def _move_to(self, day: date) -> None:
        """A later day starts empty: the earlier day's counts are dropped, not kept."""
        if self._day is None or day > self._day:
            self._day, self._counts = day, {}

    def count(self, employee_id: int, day: date) -> int:
        """Anonymous questions this employee asked on `day` (0 for a day already dropped)."""
        self._move_to(day)
        return self._counts.get(employee_id, 0) if day == self._day else 0

    def add(self, employee_id: int, day: date) -> None:
        self._move_to(day)
        if day == self._day:
            self._counts[employee_id] = self._counts.get(employee_id, 0) + 1

    def __len__(self) -> int:
        """Employees counted today."""
        return len(self._counts)


def start_of_day(now: datetime) -> datetime:
    """Midnight of `now`'s own day, in `now`'s time zone (the bot's: WIB)."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


async def named_today(session: AsyncSession, employee_id: int, now: datetime) -> int:
    """Questions this employee asked with their name since midnight (bot time)."""
    query = (
        select(func.count())
        .select_from(Question)
        .where(
            col(Question.asker_id) == employee_id,
            col(Question.created_at) >= start_of_day(now),
        )
    )
    return int((await session.exec(query)).one())


async def questions_left(
    session: AsyncSession, tally: AnonymousTally, employee_id: int, now: datetime
) -> int:
    """How many more questions this employee may ask today (`now` in bot time: WIB)."""
    asked = await named_today(session, employee_id, now) + tally.count(employee_id, now.date())
    return max(0, DAILY_LIMIT - asked)


# --- who handles which question ---


def may_handle(speaker: Speaker, question: Question) -> bool:
    """HR covering the question's OPD; questions for BKPSDM (opd_id NULL) need city-wide HR."""
    if question.opd_id is None:
        return speaker.is_city_wide_hr
    return speaker.hr_covers(question.opd_id)


async def city_hr_officers(session: AsyncSession) -> list[Employee]:
    """Linked, active city-wide HR officers (BKPSDM or scope 'kota')."""
    query = select(Employee).where(
        col(Employee.roles).contains(ROLE_HR),
        col(Employee.telegram_user_id).is_not(None),
        col(Employee.active).is_(True),
    )
    officers: list[Employee] = []
    for officer in (await session.exec(query)).all():
        if ROLE_HR in officer.role_set and await hr_scope_of(session, officer) is None:
            officers.append(officer)
    return officers


async def officers_for(session: AsyncSession, opd_id: int | None) -> list[Employee]:
    """HR officers who should hear about a question routed to this OPD (None = city-wide)."""
    if opd_id is None:
        return await city_hr_officers(session)
    return await hr_officers_for(session, opd_id)


async def opd_name(session: AsyncSession, opd_id: int | None) -> str:
    """The OPD's name, or '' when unknown."""
    opd = await session.get(Opd, opd_id) if opd_id is not None else None
    return opd.name if opd is not None else ""


# --- asking ---


class AskResult(Enum):
    ASKED = "asked"
    LIMIT = "limit"
    BAD_TEXT = "bad_text"


@dataclass
class AskOutcome:
    result: AskResult
    question: Question | None = None
    problem: TextProblem | None = None
    notified: int = 0  # HR officers who will receive the notice


def hr_notice_text(
    t: Translator, question: Question, asker: Employee | None, opd: str, asker_opd: str
) -> str:
    """The notice an HR officer receives; for an anonymous question it names nobody."""
    _ = t._
    if question.anonymous:
        head = _("<b>New anonymous question</b>")
        where = (
            _("From an employee of: {opd}").format(opd=esc(opd))
            if opd
            else _("Sent to BKPSDM (the asker's OPD is not shown)")
        )
        lines = [head, where]
    else:
        lines = [
            _("<b>New question from {name}</b>").format(name=esc(asker.name if asker else "")),
            _("OPD: {opd}").format(opd=esc(asker_opd)),
        ]
    tail = ["", _("Press <b>Answer</b> to reply, or open /tanya.")]
    return fit_fields(
        lambda shown: "\n".join([*lines, "", esc(shown["question"]), *tail]),
        {"question": question.text},
        note=_("The whole question is shown when you press Answer."),
    ).text


async def ask(
    session: AsyncSession,
    i18n: I18n,
    *,
    tally: AnonymousTally,
    asker: Employee,
    text: str,
    anonymous: bool,
    to_own_opd: bool,
    now: datetime,
) -> AskOutcome:
    """Save a question (counted against today's limit) and queue a notice for the right HR.

    `now` is in the bot's time zone: its date is the day the limit counts.
    """
    assert asker.id is not None
    text = text.strip()
    problem = check_text(text, minimum=MIN_QUESTION, limit=MAX_QUESTION)
    if problem is not None:
        return AskOutcome(AskResult.BAD_TEXT, problem=problem)
    if await questions_left(session, tally, asker.id, now) <= 0:
        return AskOutcome(AskResult.LIMIT)
    if anonymous:
        # No asker id, and the OPD only when the asker chose to reveal it.
        question = Question(
            asker_id=None,
            opd_id=asker.opd_id if to_own_opd else None,
            anonymous=True,
            text=text,
            created_at=now,
        )
    else:
        question = Question(
            asker_id=asker.id, opd_id=asker.opd_id, anonymous=False, text=text, created_at=now
        )
    session.add(question)
    await session.flush()
    assert question.id is not None
    if anonymous:
        tally.add(asker.id, now.date())
    opd = await opd_name(session, question.opd_id)
    asker_opd = "" if anonymous else await opd_name(session, asker.opd_id)
    notified = 0
    for officer in await officers_for(session, question.opd_id):
        # The asker too, when they are one of these officers: see the module docstring.
        if officer.id is None or officer.telegram_user_id is None:
            continue
        t = i18n.for_language(officer.language)
        added = await outbox_queue.enqueue(
            session,
            dedupe_key=f"question:{question.id}:hr:{officer.id}",
            kind=NOTICE_KIND,
            chat_id=officer.telegram_user_id,
            employee_id=officer.id,
            text=hr_notice_text(t, question, None if anonymous else asker, opd, asker_opd),
            now=now,
            reply_markup=outbox_queue.inline_keyboard(
                [[(t._("Answer"), f"qa:ans:{question.id}")]]
            ),
        )
        notified += int(added)
    return AskOutcome(AskResult.ASKED, question=question, notified=notified)


# --- HR's inbox ---


def _scope_filter(speaker: Speaker) -> list[ColumnElement[bool]]:
    """WHERE conditions limiting questions to the speaker's HR scope."""
    if speaker.is_city_wide_hr:
        return []
    return [col(Question.opd_id).in_(sorted(speaker.scoped_opd_ids))]


async def inbox(
    session: AsyncSession, speaker: Speaker, *, offset: int, limit: int
) -> tuple[list[Question], int]:
    """Open questions in the speaker's scope, newest first, and how many there are in all."""
    if not speaker.is_hr:
        return [], 0
    conditions: list[ColumnElement[bool]] = [
        col(Question.status) == STATUS_OPEN,
        *_scope_filter(speaker),
    ]
    return await _newest_first(session, conditions, offset, limit)


async def _newest_first(
    session: AsyncSession,
    conditions: list[ColumnElement[bool]],
    offset: int,
    limit: int,
    newest: Any = Question.created_at,
) -> tuple[list[Question], int]:
    """One page of the questions matching `conditions`, newest first by `newest`, and how many
    there are in all."""
    total = (
        await session.exec(select(func.count()).select_from(Question).where(*conditions))
    ).one()
    rows = await session.exec(
        select(Question)
        .where(*conditions)
        .order_by(col(newest).desc(), col(Question.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all()), int(total)


async def question_for_hr(
    session: AsyncSession, speaker: Speaker, question_id: int
) -> Question | None:
    """The question when this speaker is HR in its scope, else None (crafted ids included)."""
    question = await session.get(Question, question_id)
    if question is None or not speaker.is_hr or not may_handle(speaker, question):
        return None
    return question


async def asker_of(session: AsyncSession, question: Question) -> Employee | None:
    """The named asker (None for anonymous questions)."""
    if question.anonymous or question.asker_id is None:
        return None
    return await session.get(Employee, question.asker_id)


class HrResult(Enum):
    DONE = "done"
    NOT_FOUND = "not_found"  # missing, or outside the speaker's scope
    ALREADY = "already"  # answered or closed before
    NOT_ANSWERED = "not_answered"  # publishing needs an answer
    BAD_TEXT = "bad_text"


@dataclass
class HrOutcome:
    result: HrResult
    question: Question | None = None
    problem: TextProblem | None = None
    delivered: bool = False  # the named asker will receive it
    faq: FaqEntry | None = None
    extra: dict[str, object] = field(default_factory=dict)


def answer_text(t: Translator, question: Question) -> str:
    """The message a named asker receives with HR's answer."""
    _ = t._
    return fit_fields(
        lambda shown: "\n".join(
            [
                _("<b>HR has answered your question</b>"),
                "",
                _("<b>Your question:</b>"),
                esc(shown["question"]),
                "",
                _("<b>Answer:</b>"),
                esc(shown["answer"]),
                "",
                _("Thank you for asking. You can ask again at any time with /tanya."),
            ]
        ),
        # The question is quoted short; the answer only loses its end when even that would
        # not fit one Telegram message (the outbox sends exactly one).
        {"question": shorten(question.text, QUOTE_CHARS), "answer": question.answer},
        note=_("The whole answer is in /tanya, under “My questions”."),
    ).text


def settle(
    session: AsyncSession,
    question: Question,
    speaker: Speaker,
    *,
    text: str,
    status: str,
    now: datetime,
    **details: str,
) -> None:
    """Record HR's answer (or closing reason) on a question, with its audit row."""
    question.answer = text
    question.answered_by_id = speaker.id
    question.answered_at = now
    question.status = status
    session.add(question)
    action = "question.answer" if status == STATUS_ANSWERED else "question.close"
    audit.record(
        session,
        action=action,
        at=now,
        actor_id=speaker.id,
        subject_id=question.asker_id,
        question_id=question.id,
        **details,
    )


async def answer(
    session: AsyncSession,
    i18n: I18n,
    *,
    speaker: Speaker,
    question_id: int,
    text: str,
    now: datetime,
) -> HrOutcome:
    """Save HR's answer and, for a named asker, queue it for them."""
    question = await question_for_hr(session, speaker, question_id)
    if question is None:
        return HrOutcome(HrResult.NOT_FOUND)
    if question.status != STATUS_OPEN:
        return HrOutcome(HrResult.ALREADY, question=question)
    text = text.strip()
    problem = check_text(text, minimum=1, limit=MAX_ANSWER)
    if problem is not None:
        return HrOutcome(HrResult.BAD_TEXT, question=question, problem=problem)
    settle(session, question, speaker, text=text, status=STATUS_ANSWERED, now=now)
    delivered = False
    asker = await asker_of(session, question)
    if asker is not None and asker.telegram_user_id is not None and asker.active:
        t = i18n.for_language(asker.language)
        delivered = await outbox_queue.enqueue(
            session,
            dedupe_key=f"question:{question.id}:answer",
            kind=ANSWER_KIND,
            chat_id=asker.telegram_user_id,
            employee_id=asker.id,
            text=answer_text(t, question),
            now=now,
        )
    return HrOutcome(HrResult.DONE, question=question, delivered=delivered)


def closed_text(t: Translator, question: Question, reason: str) -> str:
    """The message a named asker receives when HR closes their question without an answer."""
    _ = t._
    return fit_fields(
        lambda shown: "\n".join(
            [
                _("<b>About your question to HR</b>"),
                "",
                esc(shown["question"]),
                "",
                _("HR has closed this question without a written answer. Reason: {reason}").format(
                    reason=esc(shown["reason"])
                ),
                "",
                _("If you still need help, you are welcome to ask again with /tanya."),
            ]
        ),
        {"question": shorten(question.text, QUOTE_CHARS), "reason": reason},
    ).text


async def close(
    session: AsyncSession,
    i18n: I18n,
    *,
    speaker: Speaker,
    question_id: int,
    reason: str,
    now: datetime,
) -> HrOutcome:
    """Close an open question without answering (e.g. spam), recording the reason."""
    question = await question_for_hr(session, speaker, question_id)
    if question is None:
        return HrOutcome(HrResult.NOT_FOUND)
    if question.status != STATUS_OPEN:
        return HrOutcome(HrResult.ALREADY, question=question)
    reason = reason.strip()
    problem = check_text(reason, minimum=MIN_REASON, limit=MAX_REASON)
    if problem is not None:
        return HrOutcome(HrResult.BAD_TEXT, question=question, problem=problem)
    # The model has no separate column: a closed question's `answer` holds the reason.
    settle(session, question, speaker, text=reason, status=STATUS_CLOSED, now=now, reason=reason)
    delivered = False
    asker = await asker_of(session, question)
    if asker is not None and asker.telegram_user_id is not None and asker.active:
        t = i18n.for_language(asker.language)
        delivered = await outbox_queue.enqueue(
            session,
            dedupe_key=f"question:{question.id}:closed",
            kind=ANSWER_KIND,
            chat_id=asker.telegram_user_id,
            employee_id=asker.id,
            text=closed_text(t, question, reason),
            now=now,
        )
    return HrOutcome(HrResult.DONE, question=question, delivered=delivered)


# --- the FAQ ---


async def publish(
    session: AsyncSession,
    *,
    speaker: Speaker,
    question_id: int,
    question_text: str | None,
    now: datetime,
) -> HrOutcome:
    """Publish an answered question to the FAQ, optionally with reworded question text."""
    question = await question_for_hr(session, speaker, question_id)
    if question is None:
        return HrOutcome(HrResult.NOT_FOUND)
    if question.status != STATUS_ANSWERED:
        return HrOutcome(HrResult.NOT_ANSWERED, question=question)
    existing = await visible_entry_of(session, question_id)
    if existing is not None:
        return HrOutcome(HrResult.ALREADY, question=question, faq=existing)
    wording = (question_text if question_text is not None else question.text).strip()
    problem = check_text(wording, minimum=MIN_QUESTION, limit=MAX_QUESTION)
    if problem is not None:
        return HrOutcome(HrResult.BAD_TEXT, question=question, problem=problem)
    entry = FaqEntry(
        question_id=question.id,
        question=wording,
        answer=question.answer,
        published_by_id=speaker.id,
        published_at=now,
    )
    session.add(entry)
    await session.flush()
    audit.record(
        session,
        action="faq.publish",
        at=now,
        actor_id=speaker.id,
        question_id=question.id,
        faq_id=entry.id,
    )
    return HrOutcome(HrResult.DONE, question=question, faq=entry)


async def faq_page(
    session: AsyncSession, *, offset: int, limit: int
) -> tuple[list[FaqEntry], int]:
    """Visible FAQ entries, newest first, and how many there are in all."""
    condition = col(FaqEntry.hidden).is_(False)
    total = (await session.exec(select(func.count()).select_from(FaqEntry).where(condition))).one()
    rows = await session.exec(
        select(FaqEntry)
        .where(condition)
        .order_by(col(FaqEntry.published_at).desc(), col(FaqEntry.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all()), int(total)


async def faq_entry(session: AsyncSession, entry_id: int) -> FaqEntry | None:
    """One visible FAQ entry, or None."""
    entry = await session.get(FaqEntry, entry_id)
    return entry if entry is not None and not entry.hidden else None


async def may_hide(session: AsyncSession, speaker: Speaker, entry: FaqEntry) -> bool:
    """City-wide HR and admins hide any entry; OPD HR hides what their scope published."""
    if not speaker.is_hr:
        return False
    if speaker.is_city_wide_hr or entry.published_by_id == speaker.id:
        return True
    question = (
        await session.get(Question, entry.question_id) if entry.question_id is not None else None
    )
    return question is not None and may_handle(speaker, question)


async def hide(
    session: AsyncSession, *, speaker: Speaker, entry_id: int, now: datetime
) -> FaqEntry | None:
    """Hide a FAQ entry from /faq; None when it is gone or not the speaker's to hide."""
    entry = await faq_entry(session, entry_id)
    if entry is None or not await may_hide(session, speaker, entry):
        return None
    entry.hidden = True
    session.add(entry)
    audit.record(session, action="faq.hide", at=now, actor_id=speaker.id, faq_id=entry.id)
    return entry


async def hidden_faq(
    session: AsyncSession, speaker: Speaker, *, offset: int, limit: int
) -> tuple[list[FaqEntry], int]:
    """Hidden FAQ entries this speaker may show again, newest first, and how many in all."""
    if not speaker.is_hr:
        return [], 0
    rows = await session.exec(
        select(FaqEntry)
        .where(col(FaqEntry.hidden).is_(True))
        .order_by(col(FaqEntry.published_at).desc(), col(FaqEntry.id).desc())
    )
    # Hidden entries are few; scope needs may_hide per entry, so filter before paging.
    mine = [entry for entry in rows.all() if await may_hide(session, speaker, entry)]
    return mine[offset : offset + limit], len(mine)


async def hidden_entry_for_hr(
    session: AsyncSession, speaker: Speaker, entry_id: int
) -> FaqEntry | None:
    """One hidden entry when this speaker may show it again, else None (crafted ids included)."""
    entry = await session.get(FaqEntry, entry_id)
    if entry is None or not entry.hidden or not await may_hide(session, speaker, entry):
        return None
    return entry


async def unhide(
    session: AsyncSession, *, speaker: Speaker, entry_id: int, now: datetime
) -> HrOutcome:
    """Show a hidden FAQ entry again, unless its question was published anew meanwhile."""
    entry = await hidden_entry_for_hr(session, speaker, entry_id)
    if entry is None:
        return HrOutcome(HrResult.NOT_FOUND)
    if entry.question_id is not None and await visible_entry_of(session, entry.question_id):
        return HrOutcome(HrResult.ALREADY, faq=entry)
    entry.hidden = False
    session.add(entry)
    audit.record(session, action="faq.unhide", at=now, actor_id=speaker.id, faq_id=entry.id)
    return HrOutcome(HrResult.DONE, faq=entry)


async def visible_entry_of(session: AsyncSession, question_id: int) -> FaqEntry | None:
    """The question's visible FAQ entry, if it has one."""
    query = select(FaqEntry).where(
        FaqEntry.question_id == question_id, col(FaqEntry.hidden).is_(False)
    )
    return (await session.exec(query)).first()


# --- answered and closed questions; an employee's own questions ---


async def settled(
    session: AsyncSession, speaker: Speaker, *, offset: int, limit: int
) -> tuple[list[Question], int]:
    """Answered or closed questions in the speaker's scope, newest first, and how many in all."""
    if not speaker.is_hr:
        return [], 0
    conditions: list[ColumnElement[bool]] = [
        col(Question.status).in_([STATUS_ANSWERED, STATUS_CLOSED]),
        *_scope_filter(speaker),
    ]
    return await _newest_first(session, conditions, offset, limit, Question.answered_at)


async def answered_by(session: AsyncSession, question: Question) -> Employee | None:
    """The HR officer who answered or closed the question, if still on record."""
    if question.answered_by_id is None:
        return None
    return await session.get(Employee, question.answered_by_id)


async def own_questions(
    session: AsyncSession, speaker: Speaker, *, offset: int, limit: int
) -> tuple[list[Question], int]:
    """The speaker's named questions, newest first (anonymous ones have no link to anyone)."""
    conditions: list[ColumnElement[bool]] = [
        col(Question.asker_id) == speaker.id,
        col(Question.anonymous).is_(False),
    ]
    return await _newest_first(session, conditions, offset, limit)


async def own_question(
    session: AsyncSession, speaker: Speaker, question_id: int
) -> Question | None:
    """The question when the speaker asked it with their name, else None (crafted ids included)."""
    question = await session.get(Question, question_id)
    if question is None or question.anonymous or question.asker_id != speaker.id:
        return None
    return question
