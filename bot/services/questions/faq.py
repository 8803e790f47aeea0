"""The published FAQ: HR publishes answered questions, hides entries and shows them again;
everyone reads the visible ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import audit
from bot.services.access import Speaker
from bot.services.questions.answering import HrOutcome, HrResult
from bot.services.questions.limits import MAX_QUESTION, MIN_QUESTION
from bot.services.questions.queries import (
    STATUS_ANSWERED,
    Page,
    may_handle,
    paged,
    question_for_hr,
    visible_entry_of,
)
from bot.services.text_rules import check_text
from models import FaqEntry, Question
from models.db import SessionFactory


@dataclass(frozen=True)
class FaqListing:
    """A page of /faq, and how many hidden entries the speaker may show again (HR only)."""

    page: Page[FaqEntry]
    hidden: int


@dataclass(frozen=True)
class FaqView:
    """One visible entry, and whether the speaker may hide it."""

    entry: FaqEntry
    hideable: bool


async def publish(
    db: SessionFactory,
    *,
    speaker: Speaker,
    question_id: int,
    question_text: str | None,
    now: datetime,
) -> HrOutcome:
    """Publish an answered question to the FAQ, optionally with reworded question text."""
    async with db() as session:
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
        await session.commit()
    return HrOutcome(HrResult.DONE, question=question, faq=entry)


async def faq_listing(db: SessionFactory, speaker: Speaker, number: int, size: int) -> FaqListing:
    """A page of visible FAQ entries, newest first, with HR's count of hidden ones."""
    visible = col(FaqEntry.hidden).is_(False)

    async with db() as session:

        async def fetch(offset: int, limit: int) -> tuple[list[FaqEntry], int]:
            total = await session.exec(select(func.count()).select_from(FaqEntry).where(visible))
            rows = await session.exec(
                select(FaqEntry)
                .where(visible)
                .order_by(col(FaqEntry.published_at).desc(), col(FaqEntry.id).desc())
                .offset(offset)
                .limit(limit)
            )
            return list(rows.all()), int(total.one())

        page = await paged(fetch, number, size)
        hidden = len(await _hidden_for(session, speaker)) if speaker.is_hr else 0
    return FaqListing(page, hidden)


async def _visible_entry(session: AsyncSession, entry_id: int) -> FaqEntry | None:
    """One visible FAQ entry, or None."""
    entry = await session.get(FaqEntry, entry_id)
    return entry if entry is not None and not entry.hidden else None


async def faq_entry(db: SessionFactory, speaker: Speaker, entry_id: int) -> FaqView | None:
    """One visible entry with whether this speaker may hide it; None when not visible."""
    async with db() as session:
        entry = await _visible_entry(session, entry_id)
        if entry is None:
            return None
        return FaqView(entry, await may_hide(session, speaker, entry))


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
    db: SessionFactory, *, speaker: Speaker, entry_id: int, now: datetime
) -> FaqEntry | None:
    """Hide a FAQ entry from /faq; None when it is gone or not the speaker's to hide."""
    async with db() as session:
        entry = await _visible_entry(session, entry_id)
        if entry is None or not await may_hide(session, speaker, entry):
            return None
        entry.hidden = True
        session.add(entry)
        audit.record(session, action="faq.hide", at=now, actor_id=speaker.id, faq_id=entry.id)
        await session.commit()
    return entry


async def _hidden_for(session: AsyncSession, speaker: Speaker) -> list[FaqEntry]:
    """Hidden entries this speaker may show again, newest first."""
    if not speaker.is_hr:
        return []
    rows = await session.exec(
        select(FaqEntry)
        .where(col(FaqEntry.hidden).is_(True))
        .order_by(col(FaqEntry.published_at).desc(), col(FaqEntry.id).desc())
    )
    # Hidden entries are few; scope needs may_hide per entry, so filter before paging.
    return [entry for entry in rows.all() if await may_hide(session, speaker, entry)]


async def hidden_page(
    db: SessionFactory, speaker: Speaker, number: int, size: int
) -> Page[FaqEntry]:
    """A page of the hidden entries this speaker may show again, newest first."""
    async with db() as session:
        mine = await _hidden_for(session, speaker)

    async def fetch(offset: int, limit: int) -> tuple[list[FaqEntry], int]:
        return mine[offset : offset + limit], len(mine)

    return await paged(fetch, number, size)


async def _hidden_entry(session: AsyncSession, speaker: Speaker, entry_id: int) -> FaqEntry | None:
    """One hidden entry when this speaker may show it again, else None (crafted ids included)."""
    entry = await session.get(FaqEntry, entry_id)
    if entry is None or not entry.hidden or not await may_hide(session, speaker, entry):
        return None
    return entry


async def hidden_entry(db: SessionFactory, speaker: Speaker, entry_id: int) -> FaqEntry | None:
    """One hidden entry when this speaker may show it again, else None (crafted ids included)."""
    async with db() as session:
        return await _hidden_entry(session, speaker, entry_id)


async def unhide(
    db: SessionFactory, *, speaker: Speaker, entry_id: int, now: datetime
) -> HrOutcome:
    """Show a hidden FAQ entry again, unless its question was published anew meanwhile."""
    async with db() as session:
        entry = await _hidden_entry(session, speaker, entry_id)
        if entry is None:
            return HrOutcome(HrResult.NOT_FOUND)
        if entry.question_id is not None and await visible_entry_of(session, entry.question_id):
            return HrOutcome(HrResult.ALREADY, faq=entry)
        entry.hidden = False
        session.add(entry)
        audit.record(session, action="faq.unhide", at=now, actor_id=speaker.id, faq_id=entry.id)
        await session.commit()
    return HrOutcome(HrResult.DONE, faq=entry)
