"""What leaders are told about their team's reports: at once, or in one daily digest.

A leader chooses with Employee.notice_mode: "instant" queues a notice per report right after
it is saved (saving.py, in the same transaction); "digest" collects the reports of their
direct subordinates into one message per working day at DIGEST_TIME (WIB, planners.py); "off"
sends nothing. Every message goes through the outbox in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import outbox_queue
from bot.i18n import I18n, Translator
from bot.services.reports.reportable import TargetProgress
from bot.services.targets.describing import ASPECT_LABELS, iki_status_text
from bot.text import esc, fit_fields, shorten, visible_length
from models import Employee, ProgressReport

NOTICE_KIND = "report_notice"
DIGEST_KIND = "report_digest"
NOTE_PREVIEW_CHARS = 300
DIGEST_NOTE_PREVIEW_CHARS = 120
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


IKI_TEXT_CHARS = 80  # an IKI's words in a notice (several IKIs must fit in one message)


def iki_lines(t: Translator, progress: TargetProgress) -> list[str]:
    """Where each IKI stands after the report (none for one IKI that adds up or is words)."""
    if progress.rhk is None or not progress.rhk.by_indicator:
        return []
    return [
        t._("• {aspect}: {text} — {status}").format(
            aspect=t._(ASPECT_LABELS[iki.aspect]),
            text=esc(shorten(iki.indicator.text, IKI_TEXT_CHARS)) or "-",
            status=iki_status_text(t, iki),
        )
        for iki in progress.rhk.ikis
    ]


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
            *(iki_lines(t, progress) or [amount_line(t, progress, report.amount)]),
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
    session: AsyncSession,
    i18n: I18n,
    report: ProgressReport,
    progress: TargetProgress,
    evidence: int,
    now: datetime,
) -> bool:
    """In the caller's session: queue the instant notice for the author's direct supervisor;
    True when one was queued."""
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
    if evidence:
        buttons.append((t._("View evidence"), f"rp:ev:{report.id}"))
    return await outbox_queue.enqueue(
        session,
        dedupe_key=notice_key(report.id),
        kind=NOTICE_KIND,
        chat_id=leader.telegram_user_id,
        employee_id=leader.id,
        text=instant_text(t, employee, progress, report, evidence),
        reply_markup=outbox_queue.inline_keyboard([buttons]),
        priority=outbox_queue.PRIORITY_DIRECT,
        now=now,
    )


# --- the daily digest ---


@dataclass
class DigestItem:
    employee: Employee
    report: ProgressReport


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
