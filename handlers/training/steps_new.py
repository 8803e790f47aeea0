"""Creating a session (HR), one callback per step: title -> topic -> date and time -> place ->
seats -> JP -> invitees -> preview -> Save. From a recommendation the title is prefilled."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.i18n import Translator
from bot.services import training as tr
from bot.services.text_rules import TextProblem, check_text
from handlers.common import answer, callback_int, callback_tail, reply, require_speaker
from handlers.conversation import END, DraftStore, FlowSteps, JsonDraft, problem_text, refuse
from handlers.training import texts

# Persisted conversation states: never renumber.
TITLE, TOPIC, WHEN, PLACE, CAPACITY, JP, INVITEES, PREVIEW = range(1, 9)
DRAFT_KEY = "training_draft"
CANCEL = "pl:cancel"


@dataclass
class TrainingDraft(JsonDraft):
    """The session an HR officer is creating (its JSON field names are persisted)."""

    reco_id: int | None = None
    unit_id: int | None = None
    unit_name: str = ""
    nonce: str = ""  # names this draft: saving it twice (a failover) saves one session
    title: str = ""
    topic: str = ""
    starts_at: str = ""  # ISO, with the WIB offset
    place: str = ""
    capacity: int = 0
    jp: str = ""  # a Decimal, as text
    employee_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # which typed NIPs were left out, and why

    def to_plan(self) -> tr.Draft:
        """The draft as the training service takes it (once every step is answered)."""
        return tr.Draft(
            title=self.title,
            topic=self.topic,
            starts_at=datetime.fromisoformat(self.starts_at),
            place=self.place,
            capacity=int(self.capacity),
            jp=Decimal(self.jp),
            recommendation_id=self.reco_id,
            employee_ids=[int(i) for i in self.employee_ids],
            request_key=str(self.nonce or ""),
        )


DRAFTS = DraftStore(DRAFT_KEY, TrainingDraft)
STEPS = FlowSteps(
    forget=DRAFTS.forget,
    cancel_data=CANCEL,
    lost_text=texts.START_AGAIN,
    cancelled_text=texts.NOTHING_SAVED,
)


def typed(update: Update) -> str:
    """The text of the message ('' for anything else)."""
    message = update.effective_message
    return (message.text if message else None) or ""


def text_up_to(limit: int) -> Callable[[str], str | TextProblem]:
    """Read typed text of at most `limit` characters (stripped)."""

    def read(raw: str) -> str | TextProblem:
        return check_text(raw, minimum=1, limit=limit) or raw.strip()

    return read


async def ask(update: Update, context: BotContext, draft: TrainingDraft, text: str) -> None:
    """Keep the draft and ask the next question (with Batal)."""
    DRAFTS.keep(context, draft)
    await reply(update, context, text, STEPS.cancel_only(context))


async def explain(update: Update, context: BotContext, problem: TextProblem) -> None:
    """Say why the answer cannot be used; the step stays."""
    await reply(update, context, problem_text(context, problem), STEPS.cancel_only(context))


async def take(
    update: Update,
    context: BotContext,
    read: Callable[[str], Any],
    name: str,
    question: Callable[[Translator], str],
    then: int,
) -> int | None:
    """Read a typed answer into the draft's field `name`, then ask the next question."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    value = read(typed(update))
    if isinstance(value, TextProblem):
        await explain(update, context, value)
        return None
    await ask(update, context, replace(draft, **{name: value}), question(context.t))
    return then


async def new_session(update: Update, context: BotContext) -> int:
    """pl:new or pl:new:<reco>: start a draft (prefilled from the recommendation)."""
    speaker = context.speaker
    if speaker is None or not speaker.is_hr:
        await refuse(update, context, texts.NOT_HR)
        return END
    draft = TrainingDraft(nonce=secrets.token_hex(8))
    if callback_tail(update, "pl:new"):
        reco_id = callback_int(update, "pl:new")
        db = context.deps.sessions
        row = await tr.recommendation_for(db, speaker, reco_id) if reco_id is not None else None
        if row is None:
            await refuse(update, context, texts.RECO_OUTSIDE)
            return END
        title = tr.topic_label(context.t, row.reco.topic)[: tr.MAX_TITLE]
        reco = row.reco
        draft = replace(
            draft,
            reco_id=reco.id,
            unit_id=reco.unit_id,
            unit_name=row.unit_name,
            title=title,
            topic=reco.topic,
        )
    await answer(update)
    if draft.title:
        await ask(
            update, context, draft, texts.new_for_unit(context.t, draft.unit_name, draft.title)
        )
        return WHEN
    await ask(update, context, draft, texts.ask_title(context.t))
    return TITLE


async def receive_title(update: Update, context: BotContext) -> int | None:
    """Take the title, ask the topic."""
    read = text_up_to(tr.MAX_TITLE)
    return await take(update, context, read, "title", texts.ask_topic, TOPIC)


async def receive_topic(update: Update, context: BotContext) -> int | None:
    """Take the topic, ask when."""
    read = text_up_to(tr.MAX_TOPIC)
    return await take(update, context, read, "topic", texts.ask_when, WHEN)


async def receive_when(update: Update, context: BotContext) -> int | None:
    """Take the start time (future; a warning for weekends and holidays), ask the place."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    parsed = tr.parse_start(typed(update), context.deps.clock.now(), language=context.t.lang)
    if parsed.problem is not None or parsed.starts_at is None:
        assert parsed.problem is not None
        await explain(update, context, parsed.problem)
        return None
    draft.starts_at = parsed.starts_at.isoformat()
    await ask(update, context, draft, texts.start_noted(context.t, parsed))
    return PLACE


async def receive_place(update: Update, context: BotContext) -> int | None:
    """Take the place, ask the seats; a new date typed here replaces the start time."""
    if tr.parse_start(typed(update), context.deps.clock.now(), language=context.t.lang).starts_at:
        return await receive_when(update, context)
    read = text_up_to(tr.MAX_PLACE)
    return await take(update, context, read, "place", texts.ask_capacity, CAPACITY)


async def receive_capacity(update: Update, context: BotContext) -> int | None:
    """Take the capacity, ask the JP."""
    return await take(update, context, tr.parse_capacity, "capacity", texts.ask_jp, JP)


async def receive_jp(update: Update, context: BotContext) -> int | None:
    """Take the JP, ask who to invite."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    value = tr.parse_jp(typed(update))
    if isinstance(value, TextProblem):
        await explain(update, context, value)
        return None
    draft.jp = str(value)
    DRAFTS.keep(context, draft)
    unit_name = draft.unit_name if draft.unit_id else None
    await reply(
        update, context, *texts.ask_invitees(context.t, STEPS.cancel_row(context), unit_name)
    )
    return INVITEES


async def invite_unit(update: Update, context: BotContext) -> int:
    """pl:unit: invite the recommended unit's staff."""
    draft = DRAFTS.get(context)
    if draft is None or not draft.reco_id:
        return await STEPS.lost(update, context)
    await answer(update)
    speaker = require_speaker(context)
    draft.employee_ids = await tr.recommended_staff(context.deps.sessions, speaker, draft.reco_id)
    draft.notes = []
    DRAFTS.keep(context, draft)
    await show_preview(update, context, draft)
    return PREVIEW


async def receive_nips(update: Update, context: BotContext) -> int | None:
    """Take a typed NIP list (scope-checked), then preview."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    speaker = require_speaker(context)
    found = await tr.invitees_from_nips(context.deps.sessions, speaker, typed(update))
    notes = texts.nips_notes(context.t, found)
    if not found.found:
        text = texts.nobody_to_invite(context.t, notes)
        await reply(update, context, text, STEPS.cancel_only(context))
        return None
    draft.employee_ids = [e.id for e in found.found if e.id is not None]
    draft.notes = notes
    DRAFTS.keep(context, draft)
    await show_preview(update, context, draft)
    return PREVIEW


async def show_preview(update: Update, context: BotContext, draft: TrainingDraft) -> None:
    """Show the whole session before saving."""
    cancel = STEPS.cancel_row(context)
    screen = texts.preview(context.t, cancel, draft.to_plan(), draft.notes)
    await reply(update, context, *screen)


async def save(update: Update, context: BotContext) -> int:
    """pl:save: create the session and queue the invitations."""
    draft = DRAFTS.get(context)
    if draft is None or not draft.jp:
        return await STEPS.lost(update, context)
    await answer(update)
    plan = draft.to_plan()
    now = context.deps.clock.utcnow()
    if plan.starts_at <= now:
        await reply(update, context, texts.passed_ask_again(context.t), STEPS.cancel_only(context))
        return WHEN
    deps = context.deps
    speaker = require_speaker(context)
    created = await tr.create_session(deps.sessions, speaker, deps.i18n, plan, now)
    DRAFTS.forget(context)
    if created is None:
        await reply(update, context, context.t._(texts.CANNOT_CREATE))
        return END
    context.wake_outbox()
    await reply(update, context, *texts.saved(context.t, created))
    return END


async def text_expected(update: Update, context: BotContext) -> None:
    """Answer a sticker or photo where text is expected."""
    await reply(update, context, context.t._(texts.TEXT_EXPECTED), STEPS.cancel_only(context))
