"""Continuous feedback (umpan balik berkelanjutan): from a leader to a direct team member.

Feedback is there to help people grow. A leader (the atasan langsung, or the Plt that HR
assigned for the semester) writes an appreciation or a suggestion, optionally on one report
or target and tagged with a BerAKHLAK value; the employee hears through the outbox and may
thank the leader and reply once; the leader hears about both through the outbox too.

- values: the two kinds, the BerAKHLAK values, the text limits
- eligibility: who may give feedback to whom, and on what
- giving: sending feedback (the saved row and the employee's notice)
- answers: the employee's "Thank you" and reply
- notices: the text of the queued notices
- counts: feedback received per employee in a semester (for the evaluation screen)
"""

from __future__ import annotations

from bot.services.feedback.answers import (
    AnswerOutcome,
    AnswerResult,
    acknowledge,
    may_reply,
    reply_to,
)
from bot.services.feedback.counts import feedback_counts
from bot.services.feedback.eligibility import (
    Member,
    Recipient,
    ReportChoice,
    ReportSubject,
    TargetSubject,
    recipient,
    report_choice,
    target_title,
    team_of,
)
from bot.services.feedback.giving import SendOutcome, SendResult, send_feedback
from bot.services.feedback.notices import (
    ACK_KIND,
    NOTICE_KIND,
    REPLY_KIND,
    feedback_text,
    leader_notice_text,
)
from bot.services.feedback.values import (
    KIND_APPRECIATION,
    KIND_SUGGESTION,
    KINDS,
    MAX_REPLY,
    MAX_TEXT,
    MIN_TEXT,
    VALUES,
    Value,
    kind_label,
    value_of,
)

__all__ = [
    "ACK_KIND",
    "KINDS",
    "KIND_APPRECIATION",
    "KIND_SUGGESTION",
    "MAX_REPLY",
    "MAX_TEXT",
    "MIN_TEXT",
    "NOTICE_KIND",
    "REPLY_KIND",
    "VALUES",
    "AnswerOutcome",
    "AnswerResult",
    "Member",
    "Recipient",
    "ReportChoice",
    "ReportSubject",
    "SendOutcome",
    "SendResult",
    "TargetSubject",
    "Value",
    "acknowledge",
    "feedback_counts",
    "feedback_text",
    "kind_label",
    "leader_notice_text",
    "may_reply",
    "recipient",
    "reply_to",
    "report_choice",
    "send_feedback",
    "target_title",
    "team_of",
    "value_of",
]
