"""Progress reports: what other code may call.

- reportable: the targets that take reports now (TargetProgress)   - drafts: the draft, checks
- saving: submitting a report (saved once, the leader told)        - evidence: files, viewers
- changes: correcting or withdrawing within 24 hours              - notices: leaders' messages
- planners: the daily digest
"""

from __future__ import annotations

from bot.services.reports.changes import (
    ChangeOutcome,
    ChangeResult,
    change_deadline,
    changeable_report,
    correct_report,
    withdraw_report,
)
from bot.services.reports.evidence import evidence_for_viewer
from bot.services.reports.reportable import (
    TargetProgress,
    current_period,
    reportable_target,
    reportable_targets,
)
from bot.services.reports.saving import SaveOutcome, SaveResult, submit_report
from bot.services.targets.vocabulary import REPORT_ACTIVE as ACTIVE
from bot.services.targets.vocabulary import REPORT_WITHDRAWN as WITHDRAWN
from bot.services.targets.vocabulary import STATUS_APPROVED as APPROVED

__all__ = [
    "ACTIVE",
    "APPROVED",
    "WITHDRAWN",
    "ChangeOutcome",
    "ChangeResult",
    "SaveOutcome",
    "SaveResult",
    "TargetProgress",
    "change_deadline",
    "changeable_report",
    "correct_report",
    "current_period",
    "evidence_for_viewer",
    "reportable_target",
    "reportable_targets",
    "submit_report",
    "withdraw_report",
]
