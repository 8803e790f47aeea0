"""The audit trail: every role change, link, evaluation, correction and broadcast."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditLog


def record(
    session: AsyncSession,
    *,
    action: str,
    at: datetime,
    actor_id: int | None = None,
    actor_label: str = "",
    subject_id: int | None = None,
    **details: Any,
) -> AuditLog:
    """Add an audit row to the session (committed with the change it describes)."""
    row = AuditLog(
        at=at,
        actor_employee_id=actor_id,
        actor_label=actor_label,
        action=action,
        subject_employee_id=subject_id,
        details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True),
    )
    session.add(row)
    return row
