"""The /siaran conversation, one callback per step: menu -> audience -> OPDs or units ->
the message -> the preview -> Kirim."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.services import broadcasts as bc
from bot.services.access import KNOWN_ROLES
from bot.services.broadcasts import progress_message
from bot.text import parse_callback
from handlers.broadcasts import texts
from handlers.common import (
    answer,
    callback_int,
    callback_tail,
    edit_or_reply,
    keyboard,
    reply,
    require_speaker,
)
from handlers.conversation import END, DraftStore, FlowSteps, JsonDraft, refuse
from models import Broadcast

# Persisted conversation states: never renumber.
AUDIENCE, PICK_OPDS, WRITE, PREVIEW = range(1, 5)
DRAFT_KEY = "broadcast_draft"
CANCEL = "bc:cancel"


@dataclass
class BroadcastDraft(JsonDraft):
    """The broadcast an HR officer is composing (its JSON field names are persisted)."""

    audience: dict[str, Any] = field(default_factory=dict)
    nonce: str = ""  # names this draft: Kirim pressed twice sends one broadcast
    ask_ack: bool = True
    text_html: str | None = None  # None until the message is written
    media_kind: str = ""
    media_file_id: str = ""

    def usable(self) -> bool:
        """A draft without an audience object is from elsewhere."""
        return isinstance(self.audience, dict)

    def to_service(self) -> bc.Draft:
        """The draft as the broadcasts service takes it."""
        return bc.Draft(
            audience=self.audience,
            text_html=str(self.text_html or ""),
            media_kind=str(self.media_kind),
            media_file_id=str(self.media_file_id),
            ask_ack=bool(self.ask_ack),
            nonce=str(self.nonce),
        )


DRAFTS = DraftStore(DRAFT_KEY, BroadcastDraft)
STEPS = FlowSteps(forget=DRAFTS.forget, cancel_data=CANCEL, lost_text=texts.LOST)


def ack_label_for(context: BotContext) -> bc.AckLabel:
    """Return a function giving the acknowledgement label in a recipient's language."""
    return lambda lang: context.deps.i18n.for_language(lang)._(texts.L_ACK)


async def not_hr(update: Update, context: BotContext) -> int:
    """Explain kindly that broadcasts are for HR, and end."""
    await answer(update)
    await reply(update, context, context.t._(texts.NOT_HR))
    return END


# --- 1. menu and audience ---


async def start(update: Update, context: BotContext) -> int:
    """/siaran: show the HR menu (new broadcast, history)."""
    speaker = context.speaker
    if speaker is None or not bc.can_broadcast(speaker):
        return await not_hr(update, context)
    await answer(update)
    DRAFTS.forget(context)
    await edit_or_reply(update, context, *texts.menu(context.t, STEPS.cancel_row(context)))
    return AUDIENCE


async def new(update: Update, context: BotContext) -> int:
    """Offer the audiences this officer may reach."""
    speaker = context.speaker
    if speaker is None or not bc.can_broadcast(speaker):
        return await not_hr(update, context)
    await answer(update)
    DRAFTS.keep(context, BroadcastDraft(nonce=secrets.token_hex(4)))
    screen = texts.audiences(context.t, STEPS.cancel_row(context), city_wide=bc.city_wide(speaker))
    await edit_or_reply(update, context, *screen)
    return AUDIENCE


def audience_of(choice: list[str]) -> dict[str, Any] | None:
    """The audience an audience button names ('city', 'role:hr', ...); None when unknown."""
    if choice in (["city"], ["leaders"]):
        return {"kind": choice[0]}
    if len(choice) == 2 and choice[0] == "role" and choice[1] in KNOWN_ROLES:
        return {"kind": "role", "roles": [choice[1]]}
    if choice in (["opd"], ["unit"]):
        return {"kind": choice[0], "ids": []}
    return None


async def pick_audience(update: Update, context: BotContext) -> int:
    """Store the chosen audience kind; OPDs and units are chosen on the next screen."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    audience = audience_of(callback_tail(update, "bc:au").split(":"))
    if audience is None:
        await answer(update)
        return AUDIENCE
    draft.audience = audience
    if "ids" not in audience:
        return await ask_text(update, context, draft)
    DRAFTS.keep(context, draft)
    await answer(update)
    await show_choices(update, context, draft, 0, await choices(context, draft))
    return PICK_OPDS


async def choices(context: BotContext, draft: BroadcastDraft) -> list[tuple[int, str]]:
    """The OPDs or units (with their OPD) the speaker may address, as (id, label)."""
    kind = draft.audience.get("kind", "opd")
    return await bc.audience_choices(context.deps.sessions, require_speaker(context), kind)


async def show_choices(
    update: Update,
    context: BotContext,
    draft: BroadcastDraft,
    page: int,
    items: list[tuple[int, str]],
) -> None:
    """Show a page of OPD (or unit) toggles."""
    kind = draft.audience.get("kind", "opd")
    chosen = set(draft.audience.get("ids", []))
    cancel = STEPS.cancel_row(context)
    screen = texts.choice_page(context.t, cancel, kind, items, chosen, page)
    await edit_or_reply(update, context, *screen)


async def toggle_opd(update: Update, context: BotContext) -> int:
    """Add or remove one OPD or unit; only those in the speaker's scope can be chosen."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, "bc:o", 2)
    items = await choices(context, draft)
    if parsed is None or parsed[0] not in {item_id for item_id, _name in items}:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return PICK_OPDS
    ids = set(draft.audience.get("ids", [])) ^ {parsed[0]}
    draft.audience = {"kind": draft.audience.get("kind", "opd"), "ids": sorted(ids)}
    DRAFTS.keep(context, draft)
    await answer(update)
    await show_choices(update, context, draft, parsed[1], items)
    return PICK_OPDS


async def turn_page(update: Update, context: BotContext) -> int:
    """Show another page of OPDs or units."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    await answer(update)
    page = callback_int(update, "bc:op") or 0
    await show_choices(update, context, draft, page, await choices(context, draft))
    return PICK_OPDS


async def opds_done(update: Update, context: BotContext) -> int:
    """Continue to writing once at least one OPD or unit is chosen."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    if not draft.audience.get("ids"):
        await refuse(update, context, texts.CHOOSE_ONE)
        return PICK_OPDS
    return await ask_text(update, context, draft)


async def ask_text(update: Update, context: BotContext, draft: BroadcastDraft) -> int:
    """Check the audience, then ask for the message."""
    speaker = require_speaker(context)
    if not await bc.check_audience(context.deps.sessions, speaker, draft.audience):
        await refuse(update, context, texts.OUTSIDE_AREA)
        return AUDIENCE
    DRAFTS.keep(context, draft)
    await answer(update)
    await edit_or_reply(update, context, *texts.ask_message(context.t, STEPS.cancel_row(context)))
    return WRITE


# --- 2. the message and the preview ---


async def receive_message(update: Update, context: BotContext) -> int:
    """Store the text (as Telegram HTML) or media with caption, then show the preview."""
    draft = DRAFTS.get(context)
    message = update.effective_message
    if draft is None or message is None:
        return await STEPS.lost(update, context)
    if message.photo:
        media_kind, file_id = "photo", message.photo[-1].file_id
        text_html = message.caption_html or ""
    elif message.document:
        media_kind, file_id = "document", message.document.file_id
        text_html = message.caption_html or ""
    elif message.text:
        media_kind, file_id, text_html = "", "", message.text_html
    else:
        await reply(update, context, context.t._(texts.NOT_SENDABLE))
        return WRITE
    length = bc.length_telegram_refuses(text_html, media_kind)
    if length is not None:
        await reply(update, context, texts.too_long(context.t, length))
        return WRITE
    draft.text_html, draft.media_kind, draft.media_file_id = text_html, media_kind, file_id
    DRAFTS.keep(context, draft)
    await show_preview(update, context, draft)
    return PREVIEW


async def show_preview(update: Update, context: BotContext, draft: BroadcastDraft) -> None:
    """Send the message exactly as recipients get it, then the count and the buttons."""
    _ = context.t._
    chat = update.effective_chat
    assert chat is not None
    speaker = require_speaker(context)
    counted = await bc.count_audience(context.deps.sessions, speaker, draft.audience)
    if counted is None:
        await reply(update, context, _(texts.OUTSIDE_AUDIENCE))
        return
    ack = (_(texts.L_ACK), "bc:pv") if draft.ask_ack else None
    await reply(update, context, _(texts.PREVIEW_HEAD))
    for call in bc.render(draft.text_html or "", draft.media_kind, draft.media_file_id, ack):
        await context.bot.do_api_request(
            call["method"], api_kwargs=dict(call["params"], chat_id=chat.id)
        )
    cancel = STEPS.cancel_row(context)
    summary = texts.preview_summary(
        context.t, cancel, counted, ask_ack=draft.ask_ack, nonce=draft.nonce
    )
    await reply(update, context, *summary)


async def toggle_ack(update: Update, context: BotContext) -> int:
    """Attach or remove the acknowledgement button, then preview again."""
    draft = DRAFTS.get(context)
    if draft is None or draft.text_html is None:
        return await STEPS.lost(update, context)
    draft.ask_ack = not draft.ask_ack
    DRAFTS.keep(context, draft)
    await answer(update)
    await show_preview(update, context, draft)
    return PREVIEW


async def change(update: Update, context: BotContext) -> int:
    """Write the message again."""
    draft = DRAFTS.get(context)
    if draft is None:
        return await STEPS.lost(update, context)
    return await ask_text(update, context, draft)


async def send(update: Update, context: BotContext) -> int:
    """Create the broadcast and its outbox rows, then show the progress message."""
    draft = DRAFTS.get(context)
    speaker = context.speaker
    if draft is None or speaker is None or callback_tail(update, "bc:send") != draft.nonce:
        return await STEPS.lost(update, context)
    chat = update.effective_chat
    created = await bc.send(
        context.deps.sessions,
        speaker,
        draft.to_service(),
        now=context.deps.clock.utcnow(),
        ack_label=ack_label_for(context),
        progress_chat_id=chat.id if chat else None,
    )
    DRAFTS.forget(context)
    if created.refused or created.broadcast is None:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return END
    await answer(update, context.t._(texts.SENDING_STARTED) if not created.duplicate else None)
    if not created.duplicate:
        context.wake_outbox()
    # A Send handled again (after a failover) still shows the progress if none was recorded.
    if not created.duplicate or created.broadcast.progress_message_id is None:
        await start_progress(update, context, created.broadcast)
    return END


async def start_progress(update: Update, context: BotContext, broadcast: Broadcast) -> None:
    """Send the progress message and remember it, so the job can edit it (even after restarts)."""
    assert broadcast.id is not None
    deps = context.deps
    screen = await progress_message.start_screen(
        deps.sessions, context.t, broadcast.id, outbox_rate=deps.settings.outbox_rate
    )
    if screen is None:
        return
    message = await reply(update, context, screen.text, keyboard(screen.rows))
    if message is not None:
        await progress_message.remember_message(
            deps.sessions, broadcast.id, message.chat_id, message.message_id
        )
