"""Telling leaders about their team's reports: at once, or in one daily digest.

A leader chooses with Employee.notice_mode: "instant" queues a notice per report right after
it is saved; "digest" collects the reports of their direct subordinates into one message per
working day at DIGEST_TIME (WIB); "off" sends nothing. Every message goes through the outbox
in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services import reports, workdays
from bot.services.reports import SaveOutcome, SaveResult, TargetProgress
from bot.services.reports.drafts import ReportDraft
from bot.services.targets import achievement
from bot.text import esc, fit_fields, shorten, visible_length
from models import Employee, OutboxMessage, ProgressReport, Target
from models.db import SessionFactory

NOTICE_KIND = "report_notice"
DIGEST_KIND = "report_digest"
NOTE_PREVIEW_CHARS = 300
DIGEST_NOTE_PREVIEW_CHARS = 120
# A first digest (no earlier one) looks back this far; later ones start at the previous one.
FIRST_DIGEST_LOOKBACK = timedelta(days=7)
# Keep the digest one message: stop listing reports before Telegram's 4096-character limit
# (counted as Telegram counts: shown UTF-16 units, so an emoji is two).
DIGEST_BUDGET_CHARS = 3500


def notice_key(report_id: int) -> str:
    return f"report:{report_id}:notice"


def digest_key(leader_id: int, day: str) -> str:
    return f"digest:{leader_id}:{day}"


def preview(text: str, limit: int) -> str:
    """Shorten text for a notice, on one line (the full text stays in the database)."""
    return shorten(" ".join(text.split()), limit)


def amount_line(t: Translator, progress: TargetProgress, amount: Decimal | None) -> str:
    """'+3 dokumen, now 15 of 40 dokumen (37.5%)', or the report count for qualitative targets."""
    _ = t._
    target = progress.target
    if amount is None or target.target_amount is None:
        return _("Reports on this target so far: {count}").format(count=progress.reports)
    ratio = progress.ratio
    return _("+{amount} {unit}, now {achieved} of {target} {unit} ({percent})").format(
        amount=t.number(amount),
        unit=esc(target.unit),
        achieved=t.number(progress.achieved),
        target=t.number(target.target_amount),
        percent=t.percent(ratio or 0),
    )


def instant_text(
    t: Translator,
    employee: Employee,
    progress: TargetProgress,
    report: ProgressReport,
    evidence: int,
) -> str:
    """The notice a leader in instant mode receives about one new report."""
    _ = t._

    def render(fields: Mapping[str, str]) -> str:
        lines = [
            _("<b>New progress report from {name}</b>").format(name=esc(fields["name"])),
            _("Target: {title}").format(title=esc(fields["title"])),
            amount_line(t, progress, report.amount),
        ]
        if report.note:
            label = _("Description") if report.amount is None else _("Note")
            lines.append(_("{label}: {note}").format(label=label, note=esc(fields["note"])))
        lines.append(_("Evidence files: {count}").format(count=evidence))
        lines.append("")
        lines.append(_("A few words of feedback help your team member keep going."))
        return "\n".join(lines)

    note = preview(report.note, NOTE_PREVIEW_CHARS) if report.note else ""
    fields = {"name": employee.name, "title": progress.target.title, "note": note}
    return fit_fields(render, fields).text


async def notify_supervisor(
    session: AsyncSession, i18n: I18n, outcome: SaveOutcome, now: datetime
) -> bool:
    """Queue the instant notice for the author's direct supervisor; True when one was queued."""
    report, progress = outcome.report, outcome.progress
    if outcome.result is not SaveResult.SAVED or report is None or progress is None:
        return False
    employee = await session.get(Employee, report.employee_id)
    if employee is None or employee.supervisor_id is None:
        return False
    leader = await session.get(Employee, employee.supervisor_id)
    if (
        leader is None
        or not leader.active
        or leader.telegram_user_id is None
        or leader.notice_mode != "instant"
    ):
        return False  # digest leaders hear at DIGEST_TIME; "off" means never
    assert report.id is not None
    t = i18n.for_language(leader.language)
    buttons = [(t._("Give feedback"), f"fb:report:{report.id}")]
    if outcome.evidence:
        buttons.append((t._("View evidence"), f"rp:ev:{report.id}"))
    return await outbox_queue.enqueue(
        session,
        dedupe_key=notice_key(report.id),
        kind=NOTICE_KIND,
        chat_id=leader.telegram_user_id,
        employee_id=leader.id,
        text=instant_text(t, employee, progress, report, outcome.evidence),
        reply_markup=outbox_queue.inline_keyboard([buttons]),
        priority=outbox_queue.PRIORITY_DIRECT,
        now=now,
    )


async def submit_report(
    session: AsyncSession,
    i18n: I18n,
    *,
    employee_id: int,
    draft: ReportDraft,
    period: str,
    now: datetime,
) -> SaveOutcome:
    """Save a report and queue its leader notice, both in the caller's one transaction."""
    outcome = await reports.save_report(
        session, employee_id=employee_id, draft=draft, period=period, now=now
    )
    if outcome.result is SaveResult.SAVED:
        await notify_supervisor(session, i18n, outcome, now)
    return outcome


# --- the daily digest ---


@dataclass
class DigestItem:
    employee: Employee
    report: ProgressReport


def digest_due(settings: Settings, as_of: datetime) -> bool:
    """Digests go out on working days, from DIGEST_TIME (WIB) onwards."""
    local = as_of.astimezone(settings.tz)
    return workdays.is_working_day(local.date()) and local.time() >= settings.digest_time


async def _unseen_by_leader(
    session: AsyncSession, as_of: datetime
) -> dict[int, tuple[Employee, list[DigestItem]]]:
    """Collect, per digest-mode leader, the reports their direct subordinates made unseen."""
    leader = aliased(Employee)
    author = aliased(Employee)
    earliest = as_of - FIRST_DIGEST_LOOKBACK
    rows = (
        await session.exec(
            select(ProgressReport, author, leader)
            .join(author, col(ProgressReport.employee_id) == author.id)
            .join(leader, col(author.supervisor_id) == leader.id)
            .where(
                leader.notice_mode == "digest",
                col(leader.active).is_(True),
                col(leader.telegram_user_id).is_not(None),
                ProgressReport.status == reports.ACTIVE,
                col(ProgressReport.created_at) > earliest,
                col(ProgressReport.created_at) <= as_of,
            )
            .order_by(col(ProgressReport.created_at), col(ProgressReport.id))
        )
    ).all()
    if not rows:
        return {}
    # The previous digest of each leader marks what they have already seen.
    last_digest = dict(
        (
            await session.exec(
                select(OutboxMessage.employee_id, func.max(OutboxMessage.created_at))
                .where(OutboxMessage.kind == DIGEST_KIND, col(OutboxMessage.created_at) <= as_of)
                .group_by(col(OutboxMessage.employee_id))
            )
        ).all()
    )
    # Reports a leader already heard about instantly (before switching to digest) are seen too.
    noticed = set(
        (
            await session.exec(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.kind == NOTICE_KIND, col(OutboxMessage.created_at) > earliest
                )
            )
        ).all()
    )
    found: dict[int, tuple[Employee, list[DigestItem]]] = {}
    for report, employee, boss in rows:
        assert boss.id is not None
        assert report.id is not None
        since = last_digest.get(boss.id)
        if since is not None and report.created_at <= since:
            continue
        if notice_key(report.id) in noticed:
            continue
        found.setdefault(boss.id, (boss, []))[1].append(DigestItem(employee, report))
    return found


def digest_text(
    t: Translator,
    day: datetime,
    items: list[DigestItem],
    progress: dict[int, TargetProgress],
    evidence: dict[int, int],
) -> str:
    """One leader's digest: a line or two per report, cut short before Telegram's limit."""
    _ = t._
    head = [
        _("<b>Progress reports from your team</b>, {date}").format(date=esc(t.date(day))),
        _("New reports since your last summary: {count}").format(count=len(items)),
        "",
    ]
    body: list[str] = []
    used = sum(visible_length(line) + 1 for line in head)
    shown = 0
    for item in items:
        report = item.report
        state = progress[report.target_id]
        assert report.id is not None
        lines = [
            _("• <b>{name}</b>: {title}").format(
                name=esc(item.employee.name), title=esc(preview(state.target.title, 80))
            )
        ]
        if report.amount is not None and state.target.target_amount:
            lines.append(
                "  "
                + _("+{amount} {unit} (target now at {percent})").format(
                    amount=t.number(report.amount),
                    unit=esc(state.target.unit),
                    percent=t.percent(state.ratio or 0),
                )
            )
        if report.note:
            lines.append("  " + esc(preview(report.note, DIGEST_NOTE_PREVIEW_CHARS)))
        if evidence.get(report.id):
            lines.append("  " + _("Evidence files: {count}").format(count=evidence[report.id]))
        size = sum(visible_length(line) + 1 for line in lines)
        if used + size > DIGEST_BUDGET_CHARS:
            break
        body.extend(lines)
        used += size
        shown += 1
    if shown < len(items):
        body.append("")
        body.append(
            _("…and {count} more. Thank you for following your team's progress.").format(
                count=len(items) - shown
            )
        )
    else:
        body.append("")
        body.append(_("Thank you for following your team's progress."))
    return "\n".join(head + body)


async def plan_report_digests(
    sessions: SessionFactory, i18n: I18n, settings: Settings, as_of: datetime
) -> int:
    """Queue one digest per digest-mode leader with unseen reports; return rows added.

    Runs only on working days at or after DIGEST_TIME (WIB). The dedupe key holds the leader
    and the WIB date, so running again the same day (or on a second replica) adds nothing.
    """
    if not digest_due(settings, as_of):
        return 0
    day = as_of.astimezone(settings.tz)
    added = 0
    async with sessions() as session:
        unseen = await _unseen_by_leader(session, as_of)
        if not unseen:
            return 0
        all_reports = [item.report for _, items in unseen.values() for item in items]
        target_ids = sorted({r.target_id for r in all_reports})
        targets = (await session.exec(select(Target).where(col(Target.id).in_(target_ids)))).all()
        sums = await achievement.achieved_by_target(session, target_ids)
        progress = {
            t.id: TargetProgress(t, sums.get(t.id, Decimal(0)), 0)
            for t in targets
            if t.id is not None
        }
        evidence = await reports.evidence_counts(session, [r.id for r in all_reports if r.id])
        for leader_id, (leader, items) in sorted(unseen.items()):
            assert leader.telegram_user_id is not None
            t = i18n.for_language(leader.language)
            added += await outbox_queue.enqueue(
                session,
                dedupe_key=digest_key(leader_id, day.date().isoformat()),
                kind=DIGEST_KIND,
                chat_id=leader.telegram_user_id,
                employee_id=leader_id,
                text=digest_text(t, day, items, progress, evidence),
                priority=outbox_queue.PRIORITY_REMINDER,
                now=as_of,
            )
        await session.commit()
    return added
