"""/target: SKP targets of the semester, proposing and changing them, and the leader's side.

Adding or changing a target, and a leader's return note, are one persistent conversation
("targets"). The draft is a typed TargetFlowDraft in user_data["tg_draft"], so pressing Return
on a notice mid-draft loses nothing: the draft waits behind "Continue the unfinished target".
A leader's Approve button works anywhere (a plain callback handler, no state involved).
This module only wires the screens together:

- state.py: states, the typed drafts, the flow's shared steps  - texts.py: every screen
- prompts.py: the question of each draft step, the summary     - steps_draft.py: the answers
- steps_lists.py: my targets, the team, withdrawing            - steps_decide.py: approve/return
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
from bot.services.targets import drafts
from handlers.targets.state import (
    ASK_IKI_ASPECT,
    ASK_IKI_MEASURE,
    ASK_IKI_TARGET,
    ASK_IKI_TEXT,
    ASK_IKI_UNIT,
    ASK_NOTE,
    FLOW,
    PICK_FIELD,
    RETURN_CANCEL,
    STATE_OF,
    SUMMARY,
    Step,
)
from handlers.targets.steps_assess import save_assess, show_assess
from handlers.targets.steps_decide import (
    approve,
    cancel_return,
    note_not_text,
    receive_note,
    show_full,
    start_return,
)
from handlers.targets.steps_draft import (
    change,
    change_field,
    choose,
    receive_amount,
    resume,
    save,
    start_add,
    start_assign,
    start_edit,
    type_text,
    typed_step,
    use_buttons,
)
from handlers.targets.steps_iki import (
    add_iki,
    change_iki,
    choose_aspect,
    choose_measure,
    iki_wants_text,
    receive_iki_target,
    receive_iki_text,
    receive_iki_unit,
    remove_iki,
)
from handlers.targets.steps_lists import ask_withdraw, navigate, show_mine, withdraw


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the target conversation (drafts and return notes) and the plain buttons."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND
    cancels = FLOW.fallbacks()
    typed: dict[str, Step] = {
        "title": typed_step("title", drafts.check_title),
        "indicator": typed_step("indicator", drafts.check_typed_indicator),
        "amount": receive_amount,
        "unit": typed_step("unit", drafts.check_unit),
        "expectation": typed_step("expectation", drafts.check_expectation),
        "quality": typed_step("quality", drafts.check_quality),
    }
    buttons = {"jenis": "j", "kind": "k", "unit": "u", "quality": "q", "parent": "p"}
    states: dict[object, list[BaseHandler[Update, BotContext, Any]]] = {}
    for step, state in STATE_OF.items():
        handlers: list[BaseHandler[Update, BotContext, Any]] = []
        if step in buttons:
            handlers.append(CallbackQueryHandler(choose, pattern=f"^tg:{buttons[step]}:"))
        if step in typed:
            handlers += [MessageHandler(text, typed[step]), MessageHandler(other, type_text(step))]
        else:
            handlers.append(MessageHandler(text | other, use_buttons(state)))
        states[state] = handlers
    states[SUMMARY] = [
        CallbackQueryHandler(save, pattern=r"^tg:save$"),
        CallbackQueryHandler(change, pattern=r"^tg:change$"),
        CallbackQueryHandler(add_iki, pattern=r"^tg:iki:add$"),
        CallbackQueryHandler(remove_iki, pattern=r"^tg:iki:rm:\d+$"),
        CallbackQueryHandler(change_iki, pattern=r"^tg:iki:ch:\d+$"),
        MessageHandler(text | other, use_buttons(SUMMARY)),
    ]
    states[PICK_FIELD] = [
        CallbackQueryHandler(change_field, pattern=r"^tg:f:"),
        MessageHandler(text | other, use_buttons(PICK_FIELD)),
    ]
    # A further IKI: a typed answer where a button is wanted shows the buttons again.
    states[ASK_IKI_ASPECT] = [
        CallbackQueryHandler(choose_aspect, pattern=r"^tg:ia:"),
        MessageHandler(text | other, choose_aspect),
    ]
    states[ASK_IKI_MEASURE] = [
        CallbackQueryHandler(choose_measure, pattern=r"^tg:im:"),
        MessageHandler(text | other, choose_measure),
    ]
    iki_steps: tuple[tuple[int, Step], ...] = (
        (ASK_IKI_TEXT, receive_iki_text),
        (ASK_IKI_TARGET, receive_iki_target),
        (ASK_IKI_UNIT, receive_iki_unit),
    )
    for iki_state, receive in iki_steps:
        states[iki_state] = [MessageHandler(text, receive), MessageHandler(other, iki_wants_text)]
    states[ASK_NOTE] = [
        # Checked before the fallbacks: /batal here drops the return, not a target draft.
        CommandHandler(["batal", "cancel"], cancel_return),
        CallbackQueryHandler(cancel_return, pattern=f"^{RETURN_CANCEL}$"),
        MessageHandler(text, receive_note),
        MessageHandler(other, note_not_text),
    ]
    flow: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler("target", show_mine),
            CallbackQueryHandler(start_add, pattern=r"^tg:add$"),
            CallbackQueryHandler(start_assign, pattern=r"^tg:asg:"),
            CallbackQueryHandler(start_edit, pattern=r"^tg:edit:"),
            CallbackQueryHandler(resume, pattern=r"^tg:resume$"),
            CallbackQueryHandler(start_return, pattern=r"^tg:ret:"),
        ],
        states=states,
        fallbacks=cancels,
        name="targets",
        persistent=True,
        allow_reentry=True,
    )
    return [
        flow,
        CallbackQueryHandler(approve, pattern=r"^tg:ok:"),
        CallbackQueryHandler(show_full, pattern=r"^tg:full:"),
        CallbackQueryHandler(show_assess, pattern=r"^tg:as:"),
        CallbackQueryHandler(save_assess, pattern=r"^tg:asv:"),
        CallbackQueryHandler(navigate, pattern=r"^tg:(my|team|emp:.*)$"),
        CallbackQueryHandler(ask_withdraw, pattern=r"^tg:wd:"),
        CallbackQueryHandler(withdraw, pattern=r"^tg:wdy:"),
    ]
