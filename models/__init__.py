"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.onboarding import InviteCode, LinkAttempt, LinkRequest
from models.org import Employee, Opd, Unit
from models.performance import CheckinPause, ProgressReport, ReportEvidence, Target
from models.system import AuditLog, ConversationState, KeyValue, OutboxMessage, UserDataRow

__all__ = [
    "AuditLog",
    "CheckinPause",
    "ConversationState",
    "Employee",
    "InviteCode",
    "KeyValue",
    "LinkAttempt",
    "LinkRequest",
    "Opd",
    "OutboxMessage",
    "ProgressReport",
    "ReportEvidence",
    "Target",
    "Unit",
    "UserDataRow",
]
