"""Progress reports: drafts, their checks, the atomic save, and changes within 24 hours.

A report is an increment toward an approved target of the current semester (or, for a
qualitative target, a narrative). Evidence files stay on Telegram's servers; only their
file_id is kept. Nothing here knows about Telegram: handlers pass plain values in.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_
from bot.services import access, achievement, audit, periods
from bot.services.numbers import AmountError, parse_amount
from models import Employee, ProgressReport, ReportEvidence, Target

NOTE_MAX_CHARS = 1000
NARRATIVE_MAX_CHARS = 2000
MAX_EVIDENCE_FILES = 10
MAX_DECIMALS = 4  # the amount column keeps four decimals; more would be silently rounded
CHANGE_WINDOW = timedelta(hours=24)
# A report that takes the total beyond twice the target is most likely a typo ("120" for "12").
FAR_ABOVE_FACTOR = Decimal(2)
QUALITATIVE = "kualitatif"
APPROVED = "approved"
ACTIVE = "active"
WITHDRAWN = "withdrawn"

# Evidence documents are accepted by extension or by MIME type (phones are unreliable with both).
ALLOWED_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "zip"}
)
ALLOWED_MIME_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "image/jpeg",
        "image/png",
        "application/zip",
        "application/x-zip-compressed",
    }
)
ALLOWED_TYPES_LABEL = "PDF, Word, Excel, PowerPoint, JPG, PNG, ZIP"


class DraftError(ValueError):
    """Input a draft cannot take; `reason` is an untranslated msgid, `params` fill it."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass
class Evidence:
    """One photo or document attached to a draft."""

    kind: str  # photo | document
    file_id: str
    file_unique_id: str = ""
    file_name: str = ""
    mime_type: str = ""
    file_size: int | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.file_size,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Evidence:
        size = data.get("file_size")
        return cls(
            kind=str(data["kind"]),
            file_id=str(data["file_id"]),
            file_unique_id=str(data.get("file_unique_id") or ""),
            file_name=str(data.get("file_name") or ""),
            mime_type=str(data.get("mime_type") or ""),
            file_size=int(size) if size is not None else None,
        )


@dataclass
class ReportDraft:
    """A report being written; kept in user_data as JSON (Decimals as strings)."""

    target_id: int
    target_version: int = 0
    qualitative: bool = False
    amount: Decimal | None = None
    note: str = ""  # the quality note, or the narrative of a qualitative target
    evidence: list[Evidence] = field(default_factory=list)
    confirmed_large: bool = False  # the employee confirmed an amount far above the target
    # Changes whenever the draft is (re)started, so a "Send" button from an older summary
    # can be told apart from the current one.
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))

    def to_data(self) -> dict[str, Any]:
        return {
            "target_id": self.target_id,
            "target_version": self.target_version,
            "qualitative": self.qualitative,
            "amount": str(self.amount) if self.amount is not None else None,
            "note": self.note,
            "evidence": [e.to_data() for e in self.evidence],
            "confirmed_large": self.confirmed_large,
            "nonce": self.nonce,
        }

    @classmethod
    def from_data(cls, data: object) -> ReportDraft | None:
        """Rebuild a draft from user_data; None when it is missing or unreadable."""
        if not isinstance(data, dict):
            return None
        try:
            raw_amount = data.get("amount")
            return cls(
                target_id=int(data["target_id"]),
                target_version=int(data.get("target_version") or 0),
                qualitative=bool(data.get("qualitative")),
                amount=Decimal(str(raw_amount)) if raw_amount is not None else None,
                note=str(data.get("note") or ""),
                evidence=[Evidence.from_data(e) for e in data.get("evidence") or []],
                confirmed_large=bool(data.get("confirmed_large")),
                nonce=str(data.get("nonce") or secrets.token_hex(4)),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None


@dataclass(frozen=True)
class TargetProgress:
    """A target with what has been reported on it so far."""

    target: Target
    achieved: Decimal
    reports: int

    @property
    def id(self) -> int:
        assert self.target.id is not None
        return self.target.id

    @property
    def qualitative(self) -> bool:
        return self.target.kind == QUALITATIVE

    @property
    def ratio(self) -> float | None:
        return achievement.ratio(self.achieved, self.target)

    def ratio_with(self, amount: Decimal) -> float | None:
        """The achievement ratio once `amount` more is reported."""
        return achievement.ratio(self.achieved + amount, self.target)


# --- checking what the employee types or sends ---


def current_period(today: date) -> str:
    """Return the code of the semester reports go to today, e.g. '2026-2'."""
    return periods.period_of(today).code


def parse_report_amount(raw: str | None) -> Decimal:
    """Read an increment such as '2,5' or '1.250'; raise AmountError with a msgid."""
    value = parse_amount(raw)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        raise AmountError(N_("Please use at most 4 digits after the decimal comma."))
    return value


def check_note(raw: str | None) -> str:
    """Return the trimmed quality note, refusing empty or over-long text."""
    text = (raw or "").strip()
    if not text:
        raise DraftError(N_("Please type a short note, or press Skip."))
    if len(text) > NOTE_MAX_CHARS:
        raise DraftError(
            N_(
                "Your note has {length} characters, but at most {limit} fit. "
                "Please shorten it and send it again."
            ),
            length=len(text),
            limit=NOTE_MAX_CHARS,
        )
    return text


def check_narrative(raw: str | None) -> str:
    """Return the trimmed narrative of a qualitative report (required, limited in length)."""
    text = (raw or "").strip()
    if not text:
        raise DraftError(N_("Please describe in a few sentences what you achieved."))
    if len(text) > NARRATIVE_MAX_CHARS:
        raise DraftError(
            N_(
                "Your description has {length} characters, but at most {limit} fit. "
                "Please shorten it and send it again."
            ),
            length=len(text),
            limit=NARRATIVE_MAX_CHARS,
        )
    return text


def megabytes(size: int) -> float:
    return round(size / (1024 * 1024), 1)


def document_allowed(file_name: str, mime_type: str) -> bool:
    """True for the office, PDF, image and ZIP files reports may carry."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return extension in ALLOWED_EXTENSIONS or mime_type.lower() in ALLOWED_MIME_TYPES


def check_evidence(item: Evidence, *, existing: int, max_bytes: int) -> None:
    """Refuse evidence of the wrong kind, type or size, or beyond the file limit."""
    if item.kind not in ("photo", "document"):
        raise DraftError(N_("Please send a photo or a document as evidence."))
    if existing >= MAX_EVIDENCE_FILES:
        raise DraftError(
            N_("You have already attached {limit} files, the most one report can take."),
            limit=MAX_EVIDENCE_FILES,
        )
    if item.file_size is not None and item.file_size > max_bytes:
        raise DraftError(
            N_(
                "This file is {size} MB, but evidence files can be at most {limit} MB. "
                "Please send a smaller file (for example a compressed PDF or a photo)."
            ),
            size=megabytes(item.file_size),
            limit=megabytes(max_bytes),
        )
    if item.kind == "document" and not document_allowed(item.file_name, item.mime_type):
        raise DraftError(
            N_("This type of file cannot be used as evidence. Allowed are: {types}."),
            types=ALLOWED_TYPES_LABEL,
        )


def add_evidence(draft: ReportDraft, item: Evidence, *, max_bytes: int) -> bool:
    """Attach a checked file to the draft; False when the same file is already attached."""
    if item.file_unique_id and any(
        e.file_unique_id == item.file_unique_id for e in draft.evidence
    ):
        return False
    check_evidence(item, existing=len(draft.evidence), max_bytes=max_bytes)
    draft.evidence.append(item)
    return True


def is_far_above(target: Target, achieved: Decimal, amount: Decimal) -> bool:
    """True when this amount would take the total far beyond the target (likely a typo)."""
    if target.kind == QUALITATIVE or not target.target_amount:
        return False
    return achieved + amount > target.target_amount * FAR_ABOVE_FACTOR


# --- targets that can take reports ---


async def _with_progress(session: AsyncSession, targets: Sequence[Target]) -> list[TargetProgress]:
    ids = [t.id for t in targets if t.id is not None]
    sums = await achievement.achieved_by_target(session, ids)
    counts = await achievement.report_counts(session, ids)
    return [
        TargetProgress(t, sums.get(t.id or 0, Decimal(0)), counts.get(t.id or 0, 0))
        for t in targets
    ]


async def reportable_targets(
    session: AsyncSession, employee_id: int, period: str
) -> list[TargetProgress]:
    """Return the employee's approved targets of the period, with their progress."""
    query = (
        select(Target)
        .where(
            Target.employee_id == employee_id,
            Target.period == period,
            Target.status == APPROVED,
        )
        .order_by(col(Target.jenis), col(Target.id))
    )
    return await _with_progress(session, list((await session.exec(query)).all()))


async def reportable_target(
    session: AsyncSession, employee_id: int, target_id: int, period: str
) -> TargetProgress | None:
    """Return one target if this employee may report on it now, else None."""
    target = await session.get(Target, target_id)
    if (
        target is None
        or target.employee_id != employee_id
        or target.status != APPROVED
        or target.period != period
    ):
        return None
    [progress] = await _with_progress(session, [target])
    return progress


async def evidence_counts(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, int]:
    """Return how many files each report carries."""
    if not report_ids:
        return {}
    query = (
        select(ReportEvidence.report_id, func.count())
        .where(col(ReportEvidence.report_id).in_(report_ids))
        .group_by(col(ReportEvidence.report_id))
    )
    counts = dict((await session.exec(query)).all())
    return {rid: int(counts.get(rid, 0)) for rid in report_ids}


# --- saving ---


class SaveResult(enum.Enum):
    SAVED = "saved"
    TARGET_UNAVAILABLE = "target_unavailable"  # gone, not approved any more, not theirs
    TARGET_CHANGED = "target_changed"  # edited since the draft was started
    NEEDS_CONFIRMATION = "needs_confirmation"  # far above the target and not confirmed
    INCOMPLETE = "incomplete"  # no amount / no narrative


@dataclass
class SaveOutcome:
    result: SaveResult
    report: ProgressReport | None = None
    progress: TargetProgress | None = None  # after the save when SAVED
    evidence: int = 0


async def save_report(
    session: AsyncSession, *, employee_id: int, draft: ReportDraft, period: str, now: datetime
) -> SaveOutcome:
    """Add the report and its evidence in the caller's transaction, after re-checking the target.

    The target may have been returned, archived or edited while the employee was typing, so
    ownership, approval, semester and version are checked again here; the draft itself is
    left untouched on refusal so the employee can carry on.
    """
    progress = await reportable_target(session, employee_id, draft.target_id, period)
    if progress is None:
        return SaveOutcome(SaveResult.TARGET_UNAVAILABLE)
    target = progress.target
    if draft.target_version and target.version != draft.target_version:
        return SaveOutcome(SaveResult.TARGET_CHANGED, progress=progress)
    if progress.qualitative:
        if not draft.note.strip():
            return SaveOutcome(SaveResult.INCOMPLETE, progress=progress)
        amount = None
    else:
        if draft.amount is None or draft.amount <= 0:
            return SaveOutcome(SaveResult.INCOMPLETE, progress=progress)
        amount = draft.amount
        if not draft.confirmed_large and is_far_above(target, progress.achieved, amount):
            return SaveOutcome(SaveResult.NEEDS_CONFIRMATION, progress=progress)
    report = ProgressReport(
        target_id=progress.id,
        employee_id=employee_id,
        amount=amount,
        note=draft.note.strip(),
        status=ACTIVE,
        created_at=now,
        updated_at=now,
    )
    session.add(report)
    await session.flush()  # the report id, for its evidence rows
    assert report.id is not None
    for item in draft.evidence[:MAX_EVIDENCE_FILES]:
        session.add(
            ReportEvidence(
                report_id=report.id,
                kind=item.kind,
                file_id=item.file_id,
                file_unique_id=item.file_unique_id,
                file_name=item.file_name[:255],
                mime_type=item.mime_type[:100],
                file_size=item.file_size,
            )
        )
    await session.flush()
    after = TargetProgress(target, progress.achieved + (amount or 0), progress.reports + 1)
    return SaveOutcome(
        SaveResult.SAVED,
        report=report,
        progress=after,
        evidence=min(len(draft.evidence), MAX_EVIDENCE_FILES),
    )


# --- correcting and withdrawing within 24 hours ---


class ChangeResult(enum.Enum):
    OK = "ok"
    NOT_FOUND = "not_found"  # no such report, or someone else's (never say which)
    WITHDRAWN = "withdrawn"
    TOO_LATE = "too_late"
    NEEDS_CONFIRMATION = "needs_confirmation"
    INVALID = "invalid"


@dataclass
class ChangeOutcome:
    result: ChangeResult
    report: ProgressReport | None = None
    progress: TargetProgress | None = None


def change_deadline(report: ProgressReport) -> datetime:
    """The moment after which a report can no longer be corrected or withdrawn."""
    return report.created_at + CHANGE_WINDOW


async def changeable_report(
    session: AsyncSession, employee_id: int, report_id: int, now: datetime
) -> ChangeOutcome:
    """Check that this employee may still correct or withdraw this report."""
    report = await session.get(ProgressReport, report_id)
    if report is None or report.employee_id != employee_id:
        return ChangeOutcome(ChangeResult.NOT_FOUND)
    target = await session.get(Target, report.target_id)
    if target is None:
        return ChangeOutcome(ChangeResult.NOT_FOUND)
    [progress] = await _with_progress(session, [target])
    if report.status != ACTIVE:
        return ChangeOutcome(ChangeResult.WITHDRAWN, report, progress)
    if now >= change_deadline(report):
        return ChangeOutcome(ChangeResult.TOO_LATE, report, progress)
    return ChangeOutcome(ChangeResult.OK, report, progress)


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "amount": str(report.amount) if report.amount is not None else None,
        "note": report.note,
        "status": report.status,
    }


async def correct_report(
    session: AsyncSession,
    *,
    employee_id: int,
    report_id: int,
    now: datetime,
    amount: Decimal | None = None,
    note: str | None = None,
    confirmed: bool = False,
) -> ChangeOutcome:
    """Change a report's amount or note (owner, within 24 hours), audited before/after."""
    check = await changeable_report(session, employee_id, report_id, now)
    if check.result is not ChangeResult.OK:
        return check
    report, progress = check.report, check.progress
    assert report is not None
    assert progress is not None
    target = progress.target
    if amount is not None and (target.kind == QUALITATIVE or amount <= 0):
        return ChangeOutcome(ChangeResult.INVALID, report, progress)
    if note is not None and target.kind == QUALITATIVE and not note.strip():
        return ChangeOutcome(ChangeResult.INVALID, report, progress)
    others = progress.achieved - (report.amount or 0)
    if amount is not None and not confirmed and is_far_above(target, others, amount):
        return ChangeOutcome(ChangeResult.NEEDS_CONFIRMATION, report, progress)
    before = _snapshot(report)
    if amount is not None:
        report.amount = amount
    if note is not None:
        report.note = note.strip()
    report.corrections += 1
    report.updated_at = now
    session.add(report)
    audit.record(
        session,
        action="report.correct",
        at=now,
        actor_id=employee_id,
        subject_id=employee_id,
        report_id=report.id,
        target_id=report.target_id,
        before=before,
        after=_snapshot(report),
    )
    await session.flush()
    achieved = others + (report.amount or 0)
    return ChangeOutcome(
        ChangeResult.OK, report, TargetProgress(target, achieved, progress.reports)
    )


async def withdraw_report(
    session: AsyncSession, *, employee_id: int, report_id: int, now: datetime
) -> ChangeOutcome:
    """Withdraw a report (owner, within 24 hours): it stops counting; audited."""
    check = await changeable_report(session, employee_id, report_id, now)
    if check.result is not ChangeResult.OK:
        return check
    report, progress = check.report, check.progress
    assert report is not None
    assert progress is not None
    before = _snapshot(report)
    report.status = WITHDRAWN
    report.updated_at = now
    session.add(report)
    audit.record(
        session,
        action="report.withdraw",
        at=now,
        actor_id=employee_id,
        subject_id=employee_id,
        report_id=report.id,
        target_id=report.target_id,
        before=before,
        after=_snapshot(report),
    )
    await session.flush()
    achieved = progress.achieved - (report.amount or 0)
    return ChangeOutcome(
        ChangeResult.OK,
        report,
        TargetProgress(progress.target, achieved, max(0, progress.reports - 1)),
    )


# --- evidence for the people allowed to see it ---


async def evidence_for_viewer(
    session: AsyncSession, speaker: access.Speaker, report_id: int
) -> list[ReportEvidence] | None:
    """Return a report's files for its author, their leaders or HR in scope; None otherwise."""
    report = await session.get(ProgressReport, report_id)
    if report is None or report.status != ACTIVE:
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
