"""What the evaluator sees before rating: the semester's targets, reports and feedback, the
suggested hasil-kerja rating, and the fingerprint that tells a stale screen from a fresh one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, literal
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.services.access import Speaker
from bot.services.evaluation.problems import Problem
from bot.services.evaluation.suggestion import Suggestion, TargetAchievement, suggest_hasil_kerja
from bot.services.evaluation.window import check_may_evaluate
from bot.services.feedback import feedback_counts
from bot.services.periods import Period
from bot.services.targets import achievement
from bot.services.targets.achievement_rules import SemesterResult, semester_achievement
from bot.services.targets.vocabulary import JENIS_UTAMA, REPORT_ACTIVE
from models import (
    Employee,
    Evaluation,
    Indicator,
    IndicatorAssessment,
    ProgressReport,
    ReportValue,
    Target,
)
from models.db import SessionFactory


@dataclass(frozen=True)
class ReportNote:
    """A report's quality note, or the words given for one IKI (a narrative), with its day."""

    at: datetime
    text: str
    indicator: str = ""  # the IKI the words were given for ("" for the report's own note)


@dataclass(frozen=True)
class SummaryLine:
    """One approved target with its achievement."""

    title: str
    jenis: str
    unit: str
    target_amount: float | None
    achieved: float
    ratio: float | None
    reports: int
    # The RHK's indicators and roll-up (ratio is the roll-up's when it has several IKIs).
    rhk: achievement.RhkProgress | None = None
    quality_standard: str = ""
    notes: tuple[ReportNote, ...] = ()  # newest first


@dataclass(frozen=True)
class SemesterSummary:
    """What the evaluator sees before rating: targets, reports, feedback, the suggestion."""

    employee: Employee
    period: Period
    lines: list[SummaryLine]
    reports: int
    feedback: dict[str, int]
    suggestion: Suggestion
    fingerprint: str

    @property
    def semester(self) -> SemesterResult:
        """The semester roll-up: utama and tambahan RHKs apart (achievement_rules)."""
        return semester_achievement(
            [(li.rhk.result, li.jenis == JENIS_UTAMA) for li in self.lines if li.rhk is not None]
        )


@dataclass(frozen=True)
class Opened:
    """The summary the evaluator may rate now, or why not (with the opening day if early)."""

    problem: Problem | None
    summary: SemesterSummary | None = None
    opens_at: datetime | None = None


async def open_summary(
    db: SessionFactory, speaker: Speaker, employee_id: int, now: datetime, settings: Settings
) -> Opened:
    """Check that the speaker may evaluate the employee now; collect the semester summary."""
    async with db() as session:
        allowed = await check_may_evaluate(session, speaker, employee_id, now, settings)
        if allowed.problem is not None or allowed.employee is None or allowed.period is None:
            return Opened(allowed.problem or Problem.NOT_FOUND, opens_at=allowed.opens_at)
        today = now.astimezone(settings.tz).date()
        summary = await semester_summary(session, allowed.employee, allowed.period, today)
    return Opened(None, summary)


async def fingerprint(session: AsyncSession, employee_id: int, period: str) -> str:
    """Return a digest of everything the evaluation screen is built on (stale detection)."""
    targets = (
        await session.exec(
            select(Target.id, Target.version, Target.status)
            .where(Target.employee_id == employee_id, Target.period == period)
            .order_by(col(Target.id))
        )
    ).all()
    ids = [t[0] for t in targets]
    reports: tuple[object, ...] = (0, None)
    if ids:
        count, latest = (
            await session.exec(
                select(func.count(), func.max(ProgressReport.updated_at)).where(
                    col(ProgressReport.target_id).in_(ids)
                )
            )
        ).one()
        reports = (int(count), latest)
        # A leader's assessment of a qualitative IKI changes the suggestion too.
        assessed = (
            await session.exec(
                select(func.count(), func.max(IndicatorAssessment.created_at))
                .join(Indicator, col(Indicator.id) == IndicatorAssessment.indicator_id)
                .where(col(Indicator.target_id).in_(ids))
            )
        ).one()
        if assessed[0]:  # (without any, the digest stays what it was before IKIs existed)
            reports = (*reports, int(assessed[0]), assessed[1])
    exists = (
        await session.exec(
            select(Evaluation.id, Evaluation.version).where(
                Evaluation.employee_id == employee_id, Evaluation.period == period
            )
        )
    ).first()
    raw = json.dumps([list(map(list, targets)), list(reports), list(exists or [])], default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


async def _feedback_counts(
    session: AsyncSession, employee_id: int, period: Period
) -> dict[str, int]:
    """Feedback received in the semester, by kind."""
    counts = await feedback_counts(session, [employee_id], period)
    return dict(counts.get(employee_id, {}))


async def report_notes(
    session: AsyncSession, target_ids: list[int]
) -> dict[int, list[ReportNote]]:
    """The quality notes and IKI narratives of the active reports, per target, newest first.

    In the caller's session.
    """
    if not target_ids:
        return {}
    tables: tuple[Any, ...] = tuple(
        m.__table__  # type: ignore[union-attr]
        for m in (ProgressReport, ReportValue, Indicator)
    )
    report, value, iki = (table.c for table in tables)
    counted = (report.target_id.in_(target_ids), report.status == REPORT_ACTIVE)
    conn = await session.connection()
    own = await conn.execute(
        sa_select(report.target_id, report.created_at, report.id, report.note, literal("")).where(
            *counted, report.note != ""
        )
    )
    words = await conn.execute(
        sa_select(report.target_id, report.created_at, report.id, value.note, iki.text)
        .select_from(tables[1])
        .join(tables[0], report.id == value.report_id)
        .join(tables[2], iki.id == value.indicator_id)
        .where(*counted, value.note != "")
    )
    found = sorted([*own.all(), *words.all()], key=lambda r: (r[1], r[2]), reverse=True)
    notes: dict[int, list[ReportNote]] = {}
    for target_id, created, _report_id, text, indicator in found:
        notes.setdefault(target_id, []).append(ReportNote(created, text, indicator or ""))
    return notes


async def semester_summary(
    session: AsyncSession, employee: Employee, period: Period, today: date | None = None
) -> SemesterSummary:
    """Collect the semester summary and the suggested hasil-kerja rating.

    Deadlines are judged as of `today` (default: the semester's last day), never later than
    the semester's end.
    """
    assert employee.id is not None
    targets = list(
        (
            await session.exec(
                select(Target)
                .where(
                    Target.employee_id == employee.id,
                    Target.period == period.code,
                    Target.status == "approved",
                )
                .order_by(col(Target.jenis).desc(), col(Target.id))
            )
        ).all()
    )
    ids = [t.id for t in targets if t.id is not None]
    achieved = await achievement.achieved_by_target(session, ids)
    # Measured as of the semester's end at the latest (a deadline not yet due is not counted).
    progress = await achievement.rhk_progress(
        session, targets, min(today or period.end, period.end)
    )
    notes = await report_notes(session, ids)
    lines = []
    for t in targets:
        assert t.id is not None
        lines.append(
            SummaryLine(
                title=t.title,
                jenis=t.jenis,
                unit=t.unit.strip(),
                target_amount=float(t.target_amount) if t.target_amount is not None else None,
                achieved=float(achieved[t.id]),
                ratio=progress[t.id].ratio,
                reports=progress[t.id].reports,
                rhk=progress[t.id],
                quality_standard=t.quality_standard,
                notes=tuple(notes.get(t.id, ())),
            )
        )
    suggestion = suggest_hasil_kerja(
        [TargetAchievement(t.title, t.jenis, progress[t.id].result) for t in targets if t.id]
    )
    return SemesterSummary(
        employee=employee,
        period=period,
        lines=lines,
        reports=sum(p.reports for p in progress.values()),
        feedback=await _feedback_counts(session, employee.id, period),
        suggestion=suggestion,
        fingerprint=await fingerprint(session, employee.id, period.code),
    )
