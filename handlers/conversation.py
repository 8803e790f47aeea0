"""What every conversation shares, added once when the handler table is composed.

- Every step answers anything it cannot use. A message that none of the step's handlers takes
  (text at a button step, a sticker where text is expected, ...) gets a short hint with the
  step's latest prompt and buttons again, instead of falling through to "not understood".
- One flow at a time, ended only for a flow that has really started. A conversation that
  starts (its entry point returns a state) ends the others of this user; a button of another
  flow that is refused leaves the current flow exactly as it was. A new command still leaves
  the current flow at once (handlers.gate), as typing a command means moving on.
"""

from __future__ import annotations

import functools
from typing import Any, cast

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler, filters

from bot.context import BotContext
from bot.i18n import N_
from handlers.common import RUNNING_FLOW, forget_prompt, recall_prompt, reply

END = ConversationHandler.END
MAIN_GROUP = 0  # the handler group of every feature, conversations included
TRACKED = "_kinerja_flow"  # marks a callback already wrapped (a handler may serve two states)

CHOOSE_BUTTON = N_("Please choose with the buttons below.")
CHOOSE_BUTTON_ABOVE = N_(
    "Please choose with the buttons of my latest message above, or send /batal to stop."
)
CANNOT_USE = N_("Sorry, I cannot use that here. Please answer as asked below.")
CANNOT_USE_ABOVE = N_(
    "Sorry, I cannot use that here. Please answer my latest message above, or send /batal to stop."
)


def compose(conversation: ConversationHandler[Any]) -> ConversationHandler[Any]:
    """Give a conversation the shared behaviour; return it for use in the handler list."""
    handlers = [
        *conversation.entry_points,
        *conversation.fallbacks,
        *(h for state in conversation.states.values() for h in state),
    ]
    for handler in handlers:
        track(conversation, handler)
    # Appended after tracking: the hint itself is not remembered as the step's prompt.
    for state in conversation.states.values():
        takes_messages = any(isinstance(h, MessageHandler) for h in state)
        state.append(MessageHandler(~filters.COMMAND, ask_again(conversation, takes_messages)))
    return conversation


def track(conversation: ConversationHandler[Any], handler: BaseHandler[Update, Any, Any]) -> None:
    """Wrap a callback of the conversation: remember its prompts, end other flows on start."""
    callback = handler.callback
    if getattr(callback, TRACKED, False):
        return
    name = conversation.name or ""

    @functools.wraps(callback)
    async def run(update: Update, context: BotContext) -> object:
        token = RUNNING_FLOW.set(name)
        try:
            state = await callback(update, context)
        finally:
            RUNNING_FLOW.reset(token)
        if state == END:
            forget_prompt(context, name)
        elif state is not None:
            end_open_flows(update, context, keep=conversation)
        return state

    setattr(run, TRACKED, True)
    handler.callback = cast(Any, run)


def ask_again(conversation: ConversationHandler[Any], takes_messages: bool) -> Any:
    """Build the last handler of a step: a hint, then the step's prompt and buttons again."""
    name = conversation.name or ""

    async def again(update: Update, context: BotContext) -> None:
        """Answer what this step cannot use with a short hint and the step's buttons again."""
        _ = context.t._
        prompt = recall_prompt(context, name)
        if prompt is None:  # e.g. the process restarted; the buttons above still work
            await reply(
                update, context, _(CANNOT_USE_ABOVE if takes_messages else CHOOSE_BUTTON_ABOVE)
            )
            return
        text, markup = prompt
        hint = _(CANNOT_USE if takes_messages else CHOOSE_BUTTON)
        await reply(update, context, f"{hint}\n\n{text}", markup)

    return again


def conversations(context: BotContext) -> list[ConversationHandler[Any]]:
    """Every conversation of the main handler group."""
    return [
        h
        for h in context.application.handlers.get(MAIN_GROUP, [])
        if isinstance(h, ConversationHandler)
    ]


def entered_flow(update: Update, context: BotContext) -> ConversationHandler[Any] | None:
    """Return the conversation whose entry point this update matches, if any."""
    for conversation in conversations(context):
        if any(entry.check_update(update) for entry in conversation.entry_points):
            return conversation
    return None


def end_open_flows(
    update: Update, context: BotContext, keep: ConversationHandler[Any] | None = None
) -> None:
    """End every conversation this user is in except `keep`, so one flow owns the next text.

    Drafts stay in user_data, so a flow can still offer to continue. PTB has no public API for
    this; `_get_key` and `_update_state` are the calls ConversationHandler makes itself (they
    also mark the change for persistence).
    """
    for conversation in conversations(context):
        if conversation is keep:
            continue
        key = conversation._get_key(update)
        if key in conversation._conversations:
            conversation._update_state(END, key)
            forget_prompt(context, conversation.name or "")
