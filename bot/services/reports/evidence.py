"""Evidence files of reports: how many a report has, and the files for those allowed to see them.

The files stay on Telegram's servers; only their file_id is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import access
from bot.services.targets.vocabulary import REPORT_ACTIVE
from models import Employee, ProgressReport, ReportEvidence
from models.db import SessionFactory


async def evidence_counts(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, int]:
    """In the caller's session: how many files each report carries."""
    if not report_ids:
        return {}
    query = (
        select(ReportEvidence.report_id, func.count())
        .where(col(ReportEvidence.report_id).in_(report_ids))
        .group_by(col(ReportEvidence.report_id))
    )
    counts = dict((await session.exec(query)).all())
    return {rid: int(counts.get(rid, 0)) for rid in report_ids}


async def evidence_for_viewer(
    db: SessionFactory, speaker: access.Speaker, report_id: int
) -> list[ReportEvidence] | None:
    """Return a report's files for its author, their leaders or HR in scope; None otherwise."""
    async with db() as session:
        report = await session.get(ProgressReport, report_id)
        if report is None or report.status != REPORT_ACTIVE:
            return None
        author = await session.get(Employee, report.employee_id)
        if author is None or not await access.can_view(session, speaker, author):
            return None
        query = (
            select(ReportEvidence)
            .where(ReportEvidence.report_id == report_id)
            .order_by(col(ReportEvidence.id))
        )
        return list((await session.exec(query)).all())
