"""The dashboard pages as JSON: numbers stay numbers (the page formats them for the reader's
language with Intl), dates are ISO 8601 with their offset, names are plain text (the page
escapes them). Fields come from the services' dataclasses so that a field they gain later
travels along; only what a viewer may see is named here."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.i18n import Translator
from bot.services.dashboard import HrPage, MemberPage, MyPage, TeamPage
from bot.services.evaluation.predikat import PREDIKAT_NAMES, PREDIKAT_SHORT, PREDIKATS
from bot.services.feedback import kind_label
from bot.services.periods import Period, semester_name
from bot.services.progress import ProgressSummary
from bot.services.targets.achievement import RhkProgress


def rhk_json(rhk: RhkProgress) -> dict[str, Any]:
    """An RHK's IKIs as the page shows them: aspek, how measured, target and achievement."""
    return {
        "ratio": rhk.ratio,
        "capped": rhk.capped,
        "ikis": [
            {
                "text": iki.indicator.text,
                "aspect": iki.indicator.aspect,
                "measure": iki.indicator.measure,
                "target_amount": plain(iki.indicator.target_amount),
                "unit": iki.indicator.unit.strip(),
                "due_on": plain(iki.indicator.due_on),
                "percent": plain(iki.result.percent),
                "measured": plain(iki.result.measured),
                "reports": iki.reports,
                "assessment": iki.assessment.value if iki.assessment is not None else None,
            }
            for iki in rhk.ikis
        ],
    }


def plain(value: Any) -> Any:
    """Dataclasses, Decimals and datetimes as JSON values (recursively)."""
    if isinstance(value, RhkProgress):
        return rhk_json(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def period_json(period: Period, t: Translator) -> dict[str, Any]:
    return {"code": period.code, "name": semester_name(period, t)}


def summary_json(summary: ProgressSummary, t: Translator) -> dict[str, Any]:
    return {
        "period": period_json(summary.period, t),
        "lines": plain(summary.lines),
        "waiting": plain(summary.waiting),
        "contributions": [{**plain(c), "share": c.share} for c in summary.contributions],
        "overall": summary.overall,
        "days_left": summary.days_left,
        "last_report": plain(summary.last_report),
    }


def my_json(page: MyPage, t: Translator) -> dict[str, Any]:
    return {
        "summary": summary_json(page.summary, t),
        "reports": plain(page.reports),
        "feedback": [{**plain(f), "kind_label": kind_label(t, f.kind)} for f in page.feedback],
    }


def team_json(page: TeamPage, t: Translator) -> dict[str, Any]:
    return {
        "leader_id": page.leader_id,
        "leader": page.leader,
        "own": page.own,
        "period": period_json(page.period, t),
        "members": [
            {
                "id": m.employee_id,
                "name": m.name,
                "unit_id": m.unit_id,
                "unit": page.units.get(m.unit_id, "") if m.unit_id else "",
                "achievement": m.achievement,
                "approved": m.approved,
                "pending": m.pending,
                "last_report": plain(m.last_report),
                "reports_this_month": m.reports_this_month,
                "stale": m.stale,
                "leads": m.leads,
            }
            for m in page.members
        ],
        "achievement": page.achievement,
        "stale": page.stale,
        "pending": page.pending,
        "cascade": plain(page.cascade),
    }


def member_json(page: MemberPage, t: Translator) -> dict[str, Any]:
    detail = page.detail
    return {
        "id": detail.employee.id,
        "name": detail.employee.name,
        "position": detail.employee.position,
        "summary": summary_json(detail.summary, t),
        "reports": plain(detail.recent),
        "leads": detail.leads,
    }


def _curve_state(row: Any) -> dict[str, Any]:
    outlook = row.outlook
    if row.org_rating is None or outlook is None:
        return {"state": "none", "warnings": 0}
    if outlook.notes and not outlook.warnings:
        return {"state": "small", "warnings": 0}
    return {"state": "risk" if outlook.warnings else "ok", "warnings": len(outlook.warnings)}


def hr_json(page: HrPage, t: Translator) -> dict[str, Any]:
    return {
        "as_of": page.computed_at.isoformat(),
        "period": period_json(page.period, t),
        "city_wide": page.city_wide,
        "opd_id": page.opd_id,
        "opds": plain(page.opds),
        "compliance": [
            {**plain(c), "week_share": c.week_share, "month_share": c.month_share}
            for c in page.compliance
        ],
        "units": [{**plain(u), "month_share": u.month_share} for u in page.units],
        "predikats": [
            {"key": p, "name": PREDIKAT_NAMES[p], "short": PREDIKAT_SHORT[p]} for p in PREDIKATS
        ],
        "predikat_period": period_json(page.predikat_period, t),
        "predikat": [
            {
                "opd_id": row.opd_id,
                "code": row.code,
                "name": row.name,
                "counts": row.counts,
                "total": row.total,
                "still_open": row.still_open,
                "org_rating": row.org_rating,
                "curve": _curve_state(row),
            }
            for row in page.predikat
        ],
        "broadcasts": [
            {
                "id": b.broadcast_id,
                "created_at": plain(b.created_at),
                "preview": b.preview,
                "recipients": b.recipients,
                "sent": b.sent,
                "acknowledged": b.acknowledged,
                "ack_share": b.ack_share,
            }
            for b in page.broadcasts
        ],
        "struggling_period": period_json(page.struggling.period, t),
        "struggling": [
            {**plain(u), "below_share": u.below_share, "low_share": u.low_share}
            for u in page.struggling.units
        ],
    }
