"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.evaluation import ActingEvaluator, Evaluation, EvaluationCorrection, OrgRating
from models.feedback import Feedback
from models.onboarding import InviteCode, LinkAttempt, LinkRequest
from models.org import Employee, Opd, Unit
from models.performance import CheckinPause, ProgressReport, ReportEvidence, Target
from models.system import AuditLog, ConversationState, KeyValue, OutboxMessage, UserDataRow

__all__ = [
    "ActingEvaluator",
    "AuditLog",
    "CheckinPause",
    "ConversationState",
    "Employee",
    "Evaluation",
    "EvaluationCorrection",
    "Feedback",
    "InviteCode",
    "KeyValue",
    "LinkAttempt",
    "LinkRequest",
    "Opd",
    "OrgRating",
    "OutboxMessage",
    "ProgressReport",
    "ReportEvidence",
    "Target",
    "Unit",
    "UserDataRow",
]
