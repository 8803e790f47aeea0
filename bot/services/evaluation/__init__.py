"""Semester evaluation (/nilai): the evaluator's decision, the employee's answer, HR's tools.

The entry points other code calls, by module:
- overview: what /nilai opens with; summary: the semester summary the evaluator rates from;
  finalizing: the evaluator's final, immutable evaluation;
- answers: the employee's Accept or objection;
- org_rating, spread, correction, acting, lookups: HR's organisation rating, the predikat
  spread against the curve, the correction of an evaluation, the acting evaluator (Plt), and
  what HR types to choose (OPD code, NIP);
- notices and planner_notices: the text of queued messages; planners and workload: the
  prompts, follow-ups and escalations of the window;
- window: when a semester is evaluated and by whom; predikat: the ratings, the matrix and every
  predikat name; suggestion: the suggested hasil-kerja rating; curve: the distribution curve;
  problems: why an action is refused, and the typed-text limits.

Every action is re-checked here: crafted buttons for someone else's staff or evaluation are
refused with a Problem and nothing changes.
"""

from __future__ import annotations

from bot.services.evaluation.acting import assign_acting
from bot.services.evaluation.answers import acknowledge, may_object, object_to
from bot.services.evaluation.correction import CorrectionCase, correct, correction_case
from bot.services.evaluation.finalizing import Draft, Saved, finalize
from bot.services.evaluation.lookups import Found, find_employee
from bot.services.evaluation.notices import correction_text, objection_text, result_text
from bot.services.evaluation.org_rating import OrgRatingView, org_rating_view, set_org_rating
from bot.services.evaluation.overview import Overview, evaluator_overview
from bot.services.evaluation.problems import (
    MAX_COMMENT,
    MAX_NOTE,
    MAX_OBJECTION,
    MAX_REASON,
    Problem,
)
from bot.services.evaluation.spread import Spread, SpreadView, spread_for_hr
from bot.services.evaluation.summary import (
    Opened,
    ReportNote,
    SemesterSummary,
    SummaryLine,
    open_summary,
)
from bot.services.evaluation.window import (
    CLOSED,
    LATE,
    NOT_YET,
    OPEN,
    EvaluationPeriod,
    current_evaluation_period,
)

__all__ = [
    "CLOSED",
    "LATE",
    "MAX_COMMENT",
    "MAX_NOTE",
    "MAX_OBJECTION",
    "MAX_REASON",
    "NOT_YET",
    "OPEN",
    "CorrectionCase",
    "Draft",
    "EvaluationPeriod",
    "Found",
    "Opened",
    "OrgRatingView",
    "Overview",
    "Problem",
    "ReportNote",
    "Saved",
    "SemesterSummary",
    "Spread",
    "SpreadView",
    "SummaryLine",
    "acknowledge",
    "assign_acting",
    "correct",
    "correction_case",
    "correction_text",
    "current_evaluation_period",
    "evaluator_overview",
    "finalize",
    "find_employee",
    "may_object",
    "object_to",
    "objection_text",
    "open_summary",
    "org_rating_view",
    "result_text",
    "set_org_rating",
    "spread_for_hr",
]
