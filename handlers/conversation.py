"""What every conversation shares: its draft, its common steps, and the behaviour added once
when the handler table is composed.

- One typed draft store per flow (DraftStore): a draft class with `to_data()` and
  `from_data()` kept as JSON in user_data, so it survives a restart. Question drafts are the
  one exception (bot/runtime/private_drafts.py): they are never persisted.
- The steps every flow shares (FlowSteps): Batal, a button of an earlier step, and a draft that
  is gone. Each flow only says its own words for them.

- Every step answers anything it cannot use. A message that none of the step's handlers takes
  (text at a button step, a sticker where text is expected, ...) gets a short hint with the
  step's latest prompt and buttons again, instead of falling through to "not understood".
- One flow at a time, ended only for a flow that has really started. A conversation that
  starts (its entry point returns a state) ends the others of this user; a button of another
  flow that is refused leaves the current flow exactly as it was. A new command still leaves
  the current flow at once (handlers.gate), as typing a command means moving on.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, Self, TypeVar, cast

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.i18n import N_
from bot.services.text_rules import TextProblem
from handlers.common import (
    RUNNING_FLOW,
    answer,
    edit_or_reply,
    forget_prompt,
    keyboard,
    recall_prompt,
    reply,
)

END = ConversationHandler.END
MAIN_GROUP = 0  # the handler group of every feature, conversations included
TRACKED = "_kinerja_flow"  # marks a callback already wrapped (a handler may serve two states)

L_CANCEL = N_("Cancel")
CANCELLED = N_("Cancelled. Nothing was sent.")
EARLIER_STEP = N_("This button belongs to another step. Please use the latest message.")
CHOOSE_BUTTON = N_("Please choose with the buttons below.")
CHOOSE_BUTTON_ABOVE = N_(
    "Please choose with the buttons of my latest message above, or send /batal to stop."
)
CANNOT_USE = N_("Sorry, I cannot use that here. Please answer as asked below.")
CANNOT_USE_ABOVE = N_(
    "Sorry, I cannot use that here. Please answer my latest message above, or send /batal to stop."
)


# --- the draft of a flow ---


class Draft(Protocol):
    """What a draft kept in user_data offers: JSON out, and JSON in (None when unusable)."""

    def to_data(self) -> dict[str, Any]: ...

    @classmethod
    def from_data(cls, data: object) -> Self | None: ...


D = TypeVar("D", bound=Draft)


@dataclass
class JsonDraft:
    """A dataclass draft of plain JSON values (subclass it, add fields, refine `usable`)."""

    def to_data(self) -> dict[str, Any]:
        """Return the draft as JSON values."""
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: object) -> Self | None:
        """Rebuild a draft saved by `to_data`; None when it is missing or unusable."""
        if not isinstance(data, dict):
            return None
        known = {f.name for f in dataclasses.fields(cls)}
        try:
            draft = cls(**{name: value for name, value in data.items() if name in known})
        except TypeError:  # a field without a default is missing: a draft of another version
            return None
        return draft if draft.usable() else None

    def usable(self) -> bool:
        """Whether the saved values can be trusted by the flow's steps."""
        return True


@dataclass(frozen=True)
class DraftStore(Generic[D]):
    """One flow's draft in user_data (persisted, so it survives a restart).

    `also` names the flow's other user_data keys (a pending reply, an album's message), which
    go with the draft.
    """

    key: str
    kind: type[D]
    also: tuple[str, ...] = ()

    def get(self, context: BotContext) -> D | None:
        """Return the draft, or None when there is none (or it cannot be used)."""
        return self.kind.from_data((context.user_data or {}).get(self.key))

    def keep(self, context: BotContext, draft: D) -> None:
        """Store the draft."""
        if context.user_data is not None:
            context.user_data[self.key] = draft.to_data()

    def forget(self, context: BotContext) -> None:
        """Drop the draft and the flow's other keys."""
        if context.user_data is not None:
            for key in (self.key, *self.also):
                context.user_data.pop(key, None)


# --- the steps every flow shares ---


@dataclass(frozen=True)
class FlowSteps:
    """Batal, a button of an earlier step, and a lost draft, in one flow's own words.

    `lost_text` is a msgid that tells the user how to start again (e.g. "... with /lapor").
    """

    forget: Callable[[BotContext], None]  # drops the flow's draft (e.g. DraftStore.forget)
    cancel_data: str
    lost_text: str
    cancelled_text: str = CANCELLED
    edit_when_pressed: bool = False  # Batal by button replaces the message it was pressed on

    def fallbacks(self, earlier: str | None = None) -> list[BaseHandler[Update, Any, Any]]:
        """The flow's fallbacks: /batal, its Batal button, and (when `earlier` is a pattern)
        the buttons of its other steps, answered but never acted upon."""
        handlers: list[BaseHandler[Update, Any, Any]] = [
            CommandHandler(["batal", "cancel"], self.cancel),
            CallbackQueryHandler(self.cancel, pattern=f"^{self.cancel_data}$"),
        ]
        if earlier is not None:
            handlers.append(CallbackQueryHandler(earlier_step, pattern=earlier))
        return handlers

    def cancel_row(self, context: BotContext) -> list[tuple[str, str]]:
        """The Batal / Cancel button row."""
        return [(context.t._(L_CANCEL), self.cancel_data)]

    def cancel_only(self, context: BotContext) -> InlineKeyboardMarkup:
        """A keyboard with only the Batal / Cancel button."""
        return keyboard([self.cancel_row(context)])

    async def cancel(self, update: Update, context: BotContext) -> int:
        """Batal: drop the draft; nothing is sent."""
        await answer(update)
        self.forget(context)
        say = edit_or_reply if self.edit_when_pressed else reply
        await say(update, context, context.t._(self.cancelled_text))
        return END

    async def lost(self, update: Update, context: BotContext) -> int:
        """Say kindly that the draft is gone, and end."""
        self.forget(context)
        await answer(update)
        await reply(update, context, context.t._(self.lost_text))
        return END


async def earlier_step(update: Update, context: BotContext) -> None:
    """Answer a button of another step of this flow; never act on it."""
    await answer(update, context.t._(EARLIER_STEP), alert=True)


async def refuse(update: Update, context: BotContext, msgid: str) -> None:
    """Refuse a button politely with a pop-up (`msgid` says why, in the flow's words)."""
    await answer(update, context.t._(msgid), alert=True)


def problem_text(context: BotContext, problem: TextProblem) -> str:
    """Translate a text problem, with its numbers written the user's way."""
    return context.t._(problem.reason).format(
        length=context.t.number(problem.length), limit=context.t.number(problem.limit)
    )


# --- composed once for every conversation ---


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
