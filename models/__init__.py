"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.onboarding import InviteCode, LinkAttempt, LinkRequest
from models.org import Employee, Opd, Unit
from models.system import AuditLog, ConversationState, KeyValue, OutboxMessage, UserDataRow

__all__ = [
    "AuditLog",
    "ConversationState",
    "Employee",
    "InviteCode",
    "KeyValue",
    "LinkAttempt",
    "LinkRequest",
    "Opd",
    "OutboxMessage",
    "Unit",
    "UserDataRow",
]
