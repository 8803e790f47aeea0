"""Training: recommendations, sessions, invitations, RSVP, attendance and JP hours.

The public interface of the feature. No Telegram imports here. The modules hold:
- recommendations: the planner's recommendations as HR reads them, and their topics;
- inputs: what HR types (start time, seats, JP) and the limits of the typed fields;
- sessions: who may manage a session, creating it with its invitations, the list, one
  session with its invitees, cancelling;
- invitations: an employee's invitations, their answer, and their JP this year;
- attendance: HR records who came after the start (attending earns the session's JP);
- jp: JP per OPD and unit for HR;
- notices: the notices queued in the outbox (invitation, cancellation, reminders, summary);
- planners: the recommendations after a semester and the reminders before a session.
"""

from __future__ import annotations

from bot.services.training.attendance import (
    ATTEND_OK,
    ATTEND_REFUSED,
    ATTEND_TOO_EARLY,
    Marked,
    mark_attendance,
)
from bot.services.training.inputs import (
    MAX_CAPACITY,
    MAX_JP,
    MAX_PLACE,
    MAX_TITLE,
    MAX_TOPIC,
    StartParse,
    parse_capacity,
    parse_jp,
    parse_start,
)
from bot.services.training.invitations import (
    RSVP_CLOSED,
    RSVP_NOT_YOURS,
    RSVP_OK,
    Answered,
    MyTraining,
    answer_invite,
    my_training,
)
from bot.services.training.jp import JpGroup, jp_by_opd, jp_by_unit, jp_summary
from bot.services.training.recommendations import (
    TOPIC_BERAKHLAK,
    TOPIC_SKP,
    RecommendationRow,
    recommendation_for,
    recommendations_for,
    recommended_staff,
    topic_label,
)
from bot.services.training.sessions import (
    CANCEL_OK,
    CANCEL_REFUSED,
    CANCEL_TOO_LATE,
    CANCELLED,
    PLANNED,
    RSVP_NO,
    RSVP_YES,
    Cancelled,
    Created,
    Draft,
    Invitees,
    InviteRow,
    SessionSheet,
    cancel_session,
    create_session,
    invitees_from_nips,
    session_for_hr,
    sessions_for_hr,
)

__all__ = [
    "ATTEND_OK",
    "ATTEND_REFUSED",
    "ATTEND_TOO_EARLY",
    "CANCELLED",
    "CANCEL_OK",
    "CANCEL_REFUSED",
    "CANCEL_TOO_LATE",
    "MAX_CAPACITY",
    "MAX_JP",
    "MAX_PLACE",
    "MAX_TITLE",
    "MAX_TOPIC",
    "PLANNED",
    "RSVP_CLOSED",
    "RSVP_NO",
    "RSVP_NOT_YOURS",
    "RSVP_OK",
    "RSVP_YES",
    "TOPIC_BERAKHLAK",
    "TOPIC_SKP",
    "Answered",
    "Cancelled",
    "Created",
    "Draft",
    "InviteRow",
    "Invitees",
    "JpGroup",
    "Marked",
    "MyTraining",
    "RecommendationRow",
    "SessionSheet",
    "StartParse",
    "answer_invite",
    "cancel_session",
    "create_session",
    "invitees_from_nips",
    "jp_by_opd",
    "jp_by_unit",
    "jp_summary",
    "mark_attendance",
    "my_training",
    "parse_capacity",
    "parse_jp",
    "parse_start",
    "recommendation_for",
    "recommendations_for",
    "recommended_staff",
    "session_for_hr",
    "sessions_for_hr",
    "topic_label",
]
