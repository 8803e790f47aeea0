"""The one list of everything the bot answers, in the order it is tried."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler

from handlers import (
    broadcasts,
    checkins,
    conversation,
    evaluation,
    exports,
    fallback,
    feedback,
    gate,
    help,
    language,
    onboarding,
    progress,
    questions,
    reports,
    stats,
    targets,
    team,
    training,
)

MEMBERSHIP_GROUP = -2
GATE_GROUP = -1
MAIN_GROUP = conversation.MAIN_GROUP


def build_handlers() -> list[tuple[BaseHandler[Update, Any, Any], int]]:
    """Return (handler, group) pairs: the gate first, then one group where the first match wins.

    Fallbacks sit at the end of the main group (not in a later group) so an update that a
    feature handled is never answered a second time. Every conversation gets the shared
    behaviour of handlers.conversation: each step answers what it cannot use, and one flow ends
    another only once it has started.
    """
    main = [
        *onboarding.build(),
        *targets.build(),
        *reports.build(),
        *progress.build(),
        *checkins.build(),
        *team.build(),
        *feedback.build(),
        *evaluation.build(),
        *broadcasts.build(),
        *questions.build(),
        *stats.build(),
        *exports.build(),
        *training.build(),
        *help.build(),
        *language.build(),
        *fallback.build(),
    ]
    for handler in main:
        if isinstance(handler, ConversationHandler):
            conversation.compose(handler)
    membership, identify = gate.build()
    pairs: list[tuple[BaseHandler[Update, Any, Any], int]] = [
        (membership, MEMBERSHIP_GROUP),
        (identify, GATE_GROUP),
    ]
    pairs.extend((handler, MAIN_GROUP) for handler in main)
    return pairs
