"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.development import TrainingInvite, TrainingRecommendation, TrainingSession
from models.evaluation import ActingEvaluator, Evaluation, EvaluationCorrection, OrgRating
from models.feedback import Feedback
from models.onboarding import InviteCode, LinkAttempt, LinkRequest
from models.org import Employee, Opd, Unit
from models.outreach import Broadcast, BroadcastAck, FaqEntry, Question
from models.performance import (
    CheckinPause,
    Indicator,
    IndicatorAssessment,
    ProgressReport,
    ReportEvidence,
    ReportValue,
    Target,
)
from models.system import (
    AuditLog,
    ConversationState,
    KeyValue,
    OutboxMessage,
    PendingUpdate,
    UserDataRow,
)

__all__ = [
    "ActingEvaluator",
    "AuditLog",
    "Broadcast",
    "BroadcastAck",
    "CheckinPause",
    "ConversationState",
    "Employee",
    "Evaluation",
    "EvaluationCorrection",
    "FaqEntry",
    "Feedback",
    "Indicator",
    "IndicatorAssessment",
    "InviteCode",
    "KeyValue",
    "LinkAttempt",
    "LinkRequest",
    "Opd",
    "OrgRating",
    "OutboxMessage",
    "PendingUpdate",
    "ProgressReport",
    "Question",
    "ReportEvidence",
    "ReportValue",
    "Target",
    "TrainingInvite",
    "TrainingRecommendation",
    "TrainingSession",
    "Unit",
    "UserDataRow",
]
