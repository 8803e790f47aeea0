"""/nilai (/evaluate): the leader's semester evaluation, HR's tools, the employee's answer.

Every button is re-checked in the services: a crafted "ev:pick:<id>" for someone else's staff,
or "ev:ack:<id>" for someone else's evaluation, is politely refused and nothing changes.

Modules: state (states, drafts, Batal), steps_leader (the rating screens), steps_hr (org
rating, spread, correction, Plt), steps_employee (Accept / objection), texts (the screens).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from handlers.evaluation import steps_employee, steps_hr, steps_leader
from handlers.evaluation.state import (
    COMMENT,
    CONFIRM,
    FLOW,
    HASIL,
    HR_CHOICE,
    HR_CORRECT_HASIL,
    HR_CORRECT_NIP,
    HR_CORRECT_PERILAKU,
    HR_CORRECT_REASON,
    HR_MENU,
    HR_ORG_OPD,
    HR_ORG_RATING,
    HR_PLT_EMPLOYEE,
    HR_PLT_EVALUATOR,
    HR_PLT_REASON,
    HR_SPREAD_OPD,
    HR_TEXT,
    LIST,
    NOTE,
    OBJECTION,
    PERILAKU,
    not_text,
)

Handlers = list[BaseHandler[Update, Any, Any]]
TEXT = filters.TEXT & ~filters.COMMAND
HR_BUTTONS = r"^ev:(or|ch|cp):\d+$"


def typed_step(callback: Any) -> Handlers:
    """A step that takes typed text (and answers anything else with a hint)."""
    return [MessageHandler(TEXT, callback), MessageHandler(~filters.COMMAND, not_text)]


def button_step(callback: Any, pattern: str) -> Handlers:
    """A step of HR's rating buttons: another HR rating button means the screen is gone."""
    return [
        CallbackQueryHandler(callback, pattern=pattern),
        CallbackQueryHandler(FLOW.lost, pattern=HR_BUTTONS),
    ]


def build() -> Handlers:
    """Return the evaluation conversation and the employee's Accept button."""
    leader, hr, employee = steps_leader, steps_hr, steps_employee
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["nilai", "evaluate"], leader.start),
            CallbackQueryHandler(leader.start, pattern="^ev:start$"),  # the planners' prompt
            CallbackQueryHandler(leader.pick, pattern=r"^ev:pick:\d+$"),
            CallbackQueryHandler(employee.ask_objection, pattern=r"^ev:obj:\d+$"),
            CallbackQueryHandler(hr.hr_menu, pattern="^ev:hr$"),
            CallbackQueryHandler(hr.start_org_rating, pattern="^ev:hr:org$"),
            CallbackQueryHandler(hr.start_correction, pattern="^ev:hr:cor$"),
            CallbackQueryHandler(hr.start_plt, pattern="^ev:hr:plt$"),
            CallbackQueryHandler(hr.start_spread, pattern="^ev:hr:dist$"),
        ],
        states={
            LIST: [CallbackQueryHandler(leader.pick, pattern=r"^ev:pick:\d+$")],
            HASIL: [
                CallbackQueryHandler(leader.rate_hasil, pattern=r"^ev:h:\d+$"),
                CallbackQueryHandler(leader.more_notes, pattern="^ev:more$"),
            ],
            PERILAKU: [
                CallbackQueryHandler(leader.rate_perilaku, pattern=r"^ev:p:\d+$"),
                CallbackQueryHandler(leader.notes_menu, pattern="^ev:notes$"),
                CallbackQueryHandler(leader.ask_note, pattern=r"^ev:note:\d+$"),
                CallbackQueryHandler(leader.back_to_perilaku, pattern="^ev:back$"),
            ],
            NOTE: [
                *typed_step(leader.typed_note),
                CallbackQueryHandler(leader.back_to_perilaku, pattern="^ev:back$"),
            ],
            COMMENT: [
                *typed_step(leader.typed_comment),
                CallbackQueryHandler(leader.skip_comment, pattern="^ev:skip$"),
            ],
            CONFIRM: [CallbackQueryHandler(leader.confirm, pattern="^ev:ok$")],
            OBJECTION: typed_step(employee.typed_objection),
            HR_MENU: [],
            HR_ORG_OPD: typed_step(hr.typed_org_opd),
            HR_ORG_RATING: button_step(hr.chosen_org_rating, r"^ev:or:\d+$"),
            HR_SPREAD_OPD: typed_step(hr.typed_spread_opd),
            HR_CORRECT_NIP: typed_step(hr.typed_correction_nip),
            HR_CORRECT_HASIL: button_step(hr.corrected_hasil, r"^ev:ch:\d+$"),
            HR_CORRECT_PERILAKU: button_step(hr.corrected_perilaku, r"^ev:cp:\d+$"),
            HR_CORRECT_REASON: typed_step(hr.typed_correction_reason),
            HR_PLT_EMPLOYEE: typed_step(hr.typed_plt_employee),
            HR_PLT_EVALUATOR: typed_step(hr.typed_plt_evaluator),
            HR_PLT_REASON: typed_step(hr.typed_plt_reason),
            # Conversations saved before HR's steps were states of their own.
            HR_TEXT: typed_step(hr.resume_typed),
            HR_CHOICE: [CallbackQueryHandler(hr.resume_choice, pattern=HR_BUTTONS)],
        },
        fallbacks=FLOW.fallbacks(),
        name="evaluation",
        persistent=True,
        allow_reentry=True,
    )
    accept: BaseHandler[Update, BotContext, Any] = CallbackQueryHandler(
        employee.acknowledge, pattern=r"^ev:ack:\d+$"
    )
    return [conversation, accept]
