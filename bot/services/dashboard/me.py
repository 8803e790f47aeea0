"""My performance: /kinerja's summary, plus my recent reports and the feedback I received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlmodel import col, select

from bot.services import progress, reports
from bot.services.access import Speaker
from bot.services.progress import ProgressSummary
from models import Employee, Feedback, ProgressReport, Target
from models.db import SessionFactory

RECENT = 5


@dataclass(frozen=True)
class ReportItem:
    created_at: datetime
    title: str
    amount: float | None
    unit: str
    note: str


@dataclass(frozen=True)
class FeedbackItem:
    created_at: datetime
    leader: str
    kind: str  # apresiasi | saran
    value: str
    text: str


@dataclass(frozen=True)
class MyPage:
    summary: ProgressSummary
    reports: list[ReportItem]
    feedback: list[FeedbackItem]


async def my_page(db: SessionFactory, speaker: Speaker, *, now: datetime, tz: tzinfo) -> MyPage:
    """The speaker's own progress this semester, recent reports and received feedback."""
    async with db() as session:
        summary = await progress.progress_of(session, speaker.id, now.astimezone(tz).date())
        report_rows = (
            await session.exec(
                select(ProgressReport, Target)
                .join(Target, col(Target.id) == ProgressReport.target_id)
                .where(
                    ProgressReport.employee_id == speaker.id,
                    ProgressReport.status == reports.ACTIVE,
                )
                .order_by(col(ProgressReport.created_at).desc(), col(ProgressReport.id).desc())
                .limit(RECENT)
            )
        ).all()
        feedback_rows = (
            await session.exec(
                select(Feedback, Employee.name)
                .join(Employee, col(Employee.id) == Feedback.leader_id)
                .where(Feedback.employee_id == speaker.id)
                .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
                .limit(RECENT)
            )
        ).all()
    return MyPage(
        summary=summary,
        reports=[
            ReportItem(
                r.created_at,
                t.title,
                float(r.amount) if r.amount is not None else None,
                t.unit.strip(),
                r.note,
            )
            for r, t in report_rows
        ],
        feedback=[
            FeedbackItem(f.created_at, name, f.kind, f.value, f.text) for f, name in feedback_rows
        ],
    )
