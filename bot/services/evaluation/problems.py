"""Why an evaluation action is refused, and how long the typed texts of an evaluation may be."""

from __future__ import annotations

from enum import StrEnum

from bot.services.text_rules import TOO_SHORT, check_text

MAX_COMMENT = 2000
MAX_NOTE = 500
MAX_OBJECTION = 2000
MAX_REASON = 1000


class Problem(StrEnum):
    """Why an evaluation action was refused (the handler words it politely)."""

    NOT_FOUND = "not_found"
    NOT_EVALUATOR = "not_evaluator"
    NOT_YET = "not_yet"
    CLOSED = "closed"
    ALREADY = "already"
    STALE = "stale"
    BAD_RATING = "bad_rating"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    NOT_OWNER = "not_owner"
    NOT_HR = "not_hr"


def typed_text_problem(text: str, limit: int) -> Problem | None:
    """Refuse an empty text (spaces only) or one longer than `limit` characters."""
    problem = check_text(text, minimum=1, limit=limit)
    if problem is None:
        return None
    return Problem.EMPTY if problem.reason == TOO_SHORT else Problem.TOO_LONG
