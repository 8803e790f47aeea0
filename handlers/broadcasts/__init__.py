"""/siaran (/broadcast): HR sends socialization messages through the outbox.

Flow, all by buttons: choose the audience (whole city, OPDs, roles, leaders) -> send the
message (text, or a photo/document with caption; its formatting is kept) -> preview exactly as
recipients see it, with the exact count -> Kirim / Ubah / Batal. While it sends, one progress
message is edited every few seconds (progress_job) with a "Hentikan" button; "Laporan" shows
counts by OPD and offers a resend to those who have not acknowledged. Rules live in
bot.services.broadcasts.
"""

from __future__ import annotations

import logging
import secrets
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
from bot.delivery import broadcast_progress
from bot.i18n import N_
from bot.services import broadcasts as bc
from bot.services.access import KNOWN_ROLES, Speaker
from bot.services.broadcasts import progress_message
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply
from models import Broadcast

log = logging.getLogger(__name__)

AUDIENCE, PICK_OPDS, WRITE, PREVIEW = range(1, 5)
END = ConversationHandler.END
DRAFT_KEY = "broadcast_draft"
CANCEL = "bc:cancel"
PAGE_SIZE = 8
L_CANCEL = N_("Cancel")
L_ACK = N_("I have read this")
ROLE_LABELS = {
    "pegawai": N_("All employees (role pegawai)"),
    "hr": N_("HR"),
    "admin": N_("Admins"),
}


# --- small helpers ---


def draft_of(context: BotContext) -> dict[str, Any] | None:
    """Return the HR officer's draft from user_data, or None."""
    data = (context.user_data or {}).get(DRAFT_KEY)
    return data if isinstance(data, dict) and isinstance(data.get("audience"), dict) else None


def keep(context: BotContext, draft: dict[str, Any]) -> None:
    """Store the draft (JSON values only)."""
    if context.user_data is not None:
        context.user_data[DRAFT_KEY] = draft


def forget(context: BotContext) -> None:
    """Drop the draft."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)


def callback_int(update: Update, prefix: str) -> int | None:
    """Parse 'prefix:<int>' from the pressed button; None when malformed."""
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, prefix, 1)
    return parsed[0] if parsed else None


def ack_label_for(context: BotContext) -> bc.AckLabel:
    """Return a function giving the acknowledgement label in a recipient's language."""
    return lambda lang: context.deps.i18n.for_language(lang)._(L_ACK)


def to_draft(data: dict[str, Any]) -> bc.Draft:
    """Turn the stored JSON draft into the service's Draft."""
    return bc.Draft(
        audience=data["audience"],
        text_html=str(data.get("text_html", "")),
        media_kind=str(data.get("media_kind", "")),
        media_file_id=str(data.get("media_file_id", "")),
        ask_ack=bool(data.get("ask_ack", True)),
        nonce=str(data.get("nonce", "")),
    )


async def not_hr(update: Update, context: BotContext) -> int:
    """Explain kindly that broadcasts are for HR."""
    _ = context.t._
    await answer(update)
    await reply(
        update,
        context,
        _(
            "Broadcasts are sent by the HR officers (Kepegawaian) of each OPD. If you would "
            "like something announced, please contact your OPD's HR officer."
        ),
    )
    return END


async def refuse(update: Update, context: BotContext) -> None:
    """Politely refuse a button outside the speaker's scope."""
    await answer(
        update,
        context.t._("Sorry, this broadcast is outside your area, so it cannot be used here."),
        alert=True,
    )


async def lost(update: Update, context: BotContext) -> int:
    """The draft is gone: say so kindly and end."""
    forget(context)
    await answer(update)
    await reply(
        update,
        context,
        context.t._(
            "This broadcast draft is no longer available. Please start again with /siaran."
        ),
    )
    return END


# --- 1. menu and audience ---


async def start(update: Update, context: BotContext) -> int:
    """/siaran: the HR menu (new broadcast, history)."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None or not bc.can_broadcast(speaker):
        return await not_hr(update, context)
    await answer(update)
    forget(context)
    rows = [
        [(_("New broadcast"), "bc:new")],
        [(_("Broadcast history"), "bc:hist")],
        [(_(L_CANCEL), CANCEL)],
    ]
    await edit_or_reply(
        update, context, _("<b>Broadcasts</b>\nWhat would you like to do?"), keyboard(rows)
    )
    return AUDIENCE


async def new(update: Update, context: BotContext) -> int:
    """Offer the audiences this officer may reach."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None or not bc.can_broadcast(speaker):
        return await not_hr(update, context)
    await answer(update)
    keep(context, {"audience": {}, "nonce": secrets.token_hex(4), "ask_ack": True})
    rows: list[list[tuple[str, str]]] = []
    if bc.city_wide(speaker):
        rows.append([(_("Whole city"), "bc:au:city")])
    rows.append([(_("Choose OPDs"), "bc:au:opd")])
    rows.append([(_("Choose units"), "bc:au:unit")])
    rows.append([(_("Leaders only (have subordinates)"), "bc:au:leaders")])
    rows.extend([[(_(ROLE_LABELS[r]), f"bc:au:role:{r}")] for r in KNOWN_ROLES])
    rows.append([(_(L_CANCEL), CANCEL)])
    text = _("Who should receive this broadcast?")
    if not bc.city_wide(speaker):
        text += "\n" + _("You can reach the employees of your own OPD.")
    await edit_or_reply(update, context, text, keyboard(rows))
    return AUDIENCE


async def pick_audience(update: Update, context: BotContext) -> int:
    """Store the chosen audience kind; OPDs are chosen on the next screen."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    data = (update.callback_query.data if update.callback_query else "") or ""
    parts = data.split(":")[2:]
    if parts == ["city"]:
        draft["audience"] = {"kind": "city"}
    elif parts == ["leaders"]:
        draft["audience"] = {"kind": "leaders"}
    elif len(parts) == 2 and parts[0] == "role" and parts[1] in KNOWN_ROLES:
        draft["audience"] = {"kind": "role", "roles": [parts[1]]}
    elif parts in (["opd"], ["unit"]):
        draft["audience"] = {"kind": parts[0], "ids": []}
        keep(context, draft)
        await answer(update)
        await show_opds(update, context, draft, 0)
        return PICK_OPDS
    else:
        await answer(update)
        return AUDIENCE
    return await ask_text(update, context, draft)


async def choices(context: BotContext, kind: str) -> list[tuple[int, str]]:
    """The OPDs or units (with their OPD) the speaker may address, as (id, label)."""
    speaker = context.speaker
    assert speaker is not None
    async with context.deps.sessions() as session:
        if kind == "unit":
            return await bc.units_in_scope(session, speaker)
        return [(o.id, o.name) for o in await bc.opds_in_scope(session, speaker) if o.id]


async def show_opds(update: Update, context: BotContext, draft: dict[str, Any], page: int) -> None:
    """A page of OPD (or unit) toggles (✅ chosen), then “Done choosing”."""
    _ = context.t._
    kind = draft["audience"].get("kind", "opd")
    items = await choices(context, kind)
    chosen = set(draft["audience"].get("ids", []))
    pages = max(1, (len(items) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = max(0, min(page, pages - 1))
    rows = [
        [(("✅ " if item_id in chosen else "") + name[:48], f"bc:o:{item_id}:{page}")]
        for item_id, name in items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append(("‹ " + _("Previous"), f"bc:op:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " ›", f"bc:op:{page + 1}"))
    if nav:
        rows.append(nav)
    rows.append([(_("Done choosing"), "bc:od"), (_(L_CANCEL), CANCEL)])
    text = (
        _("Choose one or more units, then press “Done choosing”.")
        if kind == "unit"
        else _("Choose one or more OPDs, then press “Done choosing”.")
    )
    await edit_or_reply(update, context, text, keyboard(rows))


async def toggle_opd(update: Update, context: BotContext) -> int:
    """Add or remove one OPD or unit; only those in the speaker's scope can be chosen."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    data = update.callback_query.data if update.callback_query else None
    parsed = parse_callback(data, "bc:o", 2)
    kind = draft["audience"].get("kind", "opd")
    allowed = {item_id for item_id, _name in await choices(context, kind)}
    if parsed is None or parsed[0] not in allowed:
        await refuse(update, context)
        return PICK_OPDS
    ids = set(draft["audience"].get("ids", []))
    ids ^= {parsed[0]}
    draft["audience"] = {"kind": kind, "ids": sorted(ids)}
    keep(context, draft)
    await answer(update)
    await show_opds(update, context, draft, parsed[1])
    return PICK_OPDS


async def turn_page(update: Update, context: BotContext) -> int:
    """Show another page of OPDs."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    await answer(update)
    await show_opds(update, context, draft, callback_int(update, "bc:op") or 0)
    return PICK_OPDS


async def opds_done(update: Update, context: BotContext) -> int:
    """Continue to writing once at least one OPD is chosen."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    if not draft["audience"].get("ids"):
        await answer(update, context.t._("Please choose at least one."), alert=True)
        return PICK_OPDS
    return await ask_text(update, context, draft)


async def ask_text(update: Update, context: BotContext, draft: dict[str, Any]) -> int:
    """Check the audience, then ask for the message."""
    _ = context.t._
    speaker = context.speaker
    assert speaker is not None
    async with context.deps.sessions() as session:
        allowed = await bc.audience_allowed(session, speaker, draft["audience"])
    if not allowed:
        await refuse(update, context)
        return AUDIENCE
    keep(context, draft)
    await answer(update)
    await edit_or_reply(
        update,
        context,
        _(
            "Now send the message as you want employees to see it: text (bold, italic and "
            "links are kept), or a photo or document with a caption. Text may be up to "
            "{limit} characters."
        ).format(limit=context.t.number(bc.TEXT_LIMIT)),
        keyboard([[(_(L_CANCEL), CANCEL)]]),
    )
    return WRITE


# --- 2. the message and the preview ---


async def receive_message(update: Update, context: BotContext) -> int:
    """Store the text (as Telegram HTML) or media with caption, then show the preview."""
    _ = context.t._
    draft = draft_of(context)
    message = update.effective_message
    if draft is None or message is None:
        return await lost(update, context)
    if message.photo:
        media_kind, file_id = "photo", message.photo[-1].file_id
        text_html = message.caption_html or ""
    elif message.document:
        media_kind, file_id = "document", message.document.file_id
        text_html = message.caption_html or ""
    elif message.text:
        media_kind, file_id = "", ""
        text_html = message.text_html
    else:
        await reply(
            update,
            context,
            _(
                "Please send text, a photo or a document. Stickers and other messages cannot be "
                "broadcast."
            ),
        )
        return WRITE
    length = bc.check_text(text_html, media_kind)
    if length is not None:
        await reply(
            update,
            context,
            _(
                "This message has {length} characters; Telegram allows at most {limit}. "
                "Please shorten it and send it again."
            ).format(length=context.t.number(length), limit=context.t.number(bc.TEXT_LIMIT)),
        )
        return WRITE
    draft.update(text_html=text_html, media_kind=media_kind, media_file_id=file_id)
    keep(context, draft)
    await show_preview(update, context, draft)
    return PREVIEW


async def show_preview(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Send the message exactly as recipients get it, then the count and the buttons."""
    _ = context.t._
    speaker = context.speaker
    chat = update.effective_chat
    assert speaker is not None
    assert chat is not None
    async with context.deps.sessions() as session:
        counted = await bc.preview(session, speaker, draft["audience"])
    if counted is None:
        await reply(update, context, _("Sorry, this audience is outside your area."))
        return
    ack = (_(L_ACK), "bc:pv") if draft.get("ask_ack", True) else None
    await reply(update, context, _("<b>Preview</b> (recipients will see exactly this):"))
    for call in bc.render(draft["text_html"], draft["media_kind"], draft["media_file_id"], ack):
        await context.bot.do_api_request(
            call["method"], api_kwargs=dict(call["params"], chat_id=chat.id)
        )
    lines = [_("Recipients: <b>{n}</b> employees").format(n=context.t.number(counted.total))]
    if len(counted.by_opd) > 1:
        lines += [f"• {esc(name)}: {context.t.number(n)}" for name, n in counted.by_opd]
    if draft.get("ask_ack", True):
        lines.append(_("An “I have read this” button is attached."))
        toggle = _("Remove the read button")
    else:
        lines.append(_("No “I have read this” button is attached."))
        toggle = _("Add the read button")
    rows = [[(toggle, "bc:ackt")]]
    if counted.total:
        rows.append([(_("Send"), f"bc:send:{draft['nonce']}")])
    else:
        lines.append(_("Nobody linked to the bot is in this audience yet."))
    rows.append([(_("Change"), "bc:edit"), (_(L_CANCEL), CANCEL)])
    await reply(update, context, "\n".join(lines), keyboard(rows))


async def toggle_ack(update: Update, context: BotContext) -> int:
    """Attach or remove the acknowledgement button, then preview again."""
    draft = draft_of(context)
    if draft is None or "text_html" not in draft:
        return await lost(update, context)
    draft["ask_ack"] = not draft.get("ask_ack", True)
    keep(context, draft)
    await answer(update)
    await show_preview(update, context, draft)
    return PREVIEW


async def change(update: Update, context: BotContext) -> int:
    """Write the message again."""
    draft = draft_of(context)
    if draft is None:
        return await lost(update, context)
    return await ask_text(update, context, draft)


async def send(update: Update, context: BotContext) -> int:
    """Create the broadcast and its outbox rows, then show the progress message."""
    _ = context.t._
    draft = draft_of(context)
    speaker = context.speaker
    data = update.callback_query.data if update.callback_query else ""
    if draft is None or speaker is None or data != f"bc:send:{draft.get('nonce')}":
        return await lost(update, context)
    chat = update.effective_chat
    async with context.deps.sessions() as session:
        created = await bc.create(
            session,
            speaker,
            to_draft(draft),
            now=context.deps.clock.utcnow(),
            ack_label=ack_label_for(context),
            progress_chat_id=chat.id if chat else None,
        )
    forget(context)
    if created.refused or created.broadcast is None:
        await refuse(update, context)
        return END
    await answer(update, _("Sending started.") if not created.duplicate else None)
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


# --- 3. buttons outside the flow ---


async def stop(update: Update, context: BotContext) -> None:
    """Hentikan: cancel the rows not sent yet (creator or HR in scope only)."""
    _ = context.t._
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:stop")
    if speaker is None or broadcast_id is None:
        await refuse(update, context)
        return
    async with context.deps.sessions() as session:
        broadcast, cancelled = await bc.stop(
            session, speaker, broadcast_id, context.deps.clock.utcnow()
        )
    if broadcast is None:
        await refuse(update, context)
        return
    await answer(update, _("Stopped. {n} messages will not be sent.").format(n=cancelled))
    await broadcast_progress.show_final(context, broadcast_id)


async def acknowledge(update: Update, context: BotContext) -> None:
    """Saya sudah membaca: record the acknowledgement once."""
    _ = context.t._
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:ack")
    if speaker is None or broadcast_id is None:
        await answer(update, _("Sorry, this button is not valid."), alert=True)
        return
    async with context.deps.sessions() as session:
        result = await bc.acknowledge(
            session, speaker.id, broadcast_id, context.deps.clock.utcnow()
        )
    if result == "refused":
        await answer(update, _("Sorry, this button is not valid."), alert=True)
    else:
        await answer(update, _("Thank you, noted that you have read it."))


async def preview_button(update: Update, context: BotContext) -> None:
    """The read button on a preview does nothing."""
    await answer(update, context.t._("This is only a preview."))


async def show_report(update: Update, context: BotContext) -> None:
    """Laporan: counts by OPD, with a resend to those who have not read it."""
    _ = context.t._
    n = context.t.number
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:rep")
    if speaker is None or broadcast_id is None:
        await refuse(update, context)
        return
    async with context.deps.sessions() as session:
        lines = await bc.report(session, speaker, broadcast_id)
        broadcast = await session.get(Broadcast, broadcast_id)
    if lines is None or broadcast is None:
        await refuse(update, context)
        return
    await answer(update)
    out = [_("<b>Report of broadcast #{id}</b>").format(id=broadcast_id)]
    for line in lines:
        out.append(
            _(
                "<b>{opd}</b>\nsent {sent} · read {ack} · blocked {blocked} · failed {failed} · "
                "waiting {pending}"
            ).format(
                opd=esc(line.name),
                sent=n(line.sent),
                ack=n(line.acknowledged),
                blocked=n(line.blocked),
                failed=n(line.failed),
                pending=n(line.pending),
            )
        )
    if not lines:
        out.append(_("No recipients."))
    rows: list[list[tuple[str, str]]] = []
    if broadcast.ask_ack and broadcast.status == "sent":
        rows.append([(_("Send again to those who have not read it"), f"bc:rs:{broadcast_id}")])
    await reply(update, context, "\n\n".join(out), keyboard(rows) if rows else None)


async def resend(update: Update, context: BotContext) -> None:
    """Create a new broadcast for the recipients of X who have not acknowledged it."""
    _ = context.t._
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:rs")
    chat = update.effective_chat
    if speaker is None or broadcast_id is None:
        await refuse(update, context)
        return
    async with context.deps.sessions() as session:
        created = await bc.resend_to_non_ackers(
            session,
            speaker,
            broadcast_id,
            now=context.deps.clock.utcnow(),
            ack_label=ack_label_for(context),
            progress_chat_id=chat.id if chat else None,
        )
    if created.refused or created.broadcast is None:
        await refuse(update, context)
        return
    await answer(update)
    if created.duplicate:
        return
    context.wake_outbox()
    await start_progress(update, context, created.broadcast)


async def show_history(update: Update, context: BotContext) -> int:
    """Riwayat siaran: the latest broadcasts with their report buttons."""
    _ = context.t._
    speaker: Speaker | None = context.speaker
    if speaker is None or not bc.can_broadcast(speaker):
        return await not_hr(update, context)
    await answer(update)
    async with context.deps.sessions() as session:
        items = await bc.history(session, speaker)
    if not items:
        await edit_or_reply(update, context, _("No broadcasts yet."))
        return END
    rows = []
    for item in items:
        plain = bc.plain_text(item.text_html)[:30]
        label = f"#{item.id} {context.t.date(item.created_at, 'short')} {plain}"
        rows.append([(label, f"bc:rep:{item.id}")])
    await edit_or_reply(
        update, context, _("Choose a broadcast to see its report:"), keyboard(rows)
    )
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """Batal: end the flow; nothing is sent."""
    forget(context)
    await answer(update)
    await edit_or_reply(update, context, context.t._("Cancelled. Nothing was sent."))
    return END


async def earlier_step(update: Update, context: BotContext) -> None:
    """A button of an earlier step: say it is no longer active; the current step stays."""
    await answer(update, context.t._("This button is no longer active."), alert=True)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The broadcast conversation, then the stateless buttons (read, stop, report, resend)."""
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler(["siaran", "broadcast"], start),
            CallbackQueryHandler(start, pattern=r"^bc:menu$"),
        ],
        states={
            AUDIENCE: [
                CallbackQueryHandler(new, pattern=r"^bc:new$"),
                CallbackQueryHandler(show_history, pattern=r"^bc:hist$"),
                CallbackQueryHandler(pick_audience, pattern=r"^bc:au:"),
            ],
            PICK_OPDS: [
                CallbackQueryHandler(toggle_opd, pattern=r"^bc:o:"),
                CallbackQueryHandler(turn_page, pattern=r"^bc:op:"),
                CallbackQueryHandler(opds_done, pattern=r"^bc:od$"),
            ],
            WRITE: [
                MessageHandler(content, receive_message),
                MessageHandler(other, receive_message),
            ],
            PREVIEW: [
                CallbackQueryHandler(send, pattern=r"^bc:send:"),
                CallbackQueryHandler(toggle_ack, pattern=r"^bc:ackt$"),
                CallbackQueryHandler(change, pattern=r"^bc:edit$"),
                MessageHandler(content, receive_message),
            ],
        },
        fallbacks=[
            CommandHandler(["batal", "cancel"], cancel),
            CallbackQueryHandler(cancel, pattern=f"^{CANCEL}$"),
            CallbackQueryHandler(
                earlier_step, pattern=r"^bc:(new|hist|au|o|op|od|send|ackt|edit)(:|$)"
            ),
        ],
        name="broadcast",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CallbackQueryHandler(acknowledge, pattern=r"^bc:ack:"),
        CallbackQueryHandler(stop, pattern=r"^bc:stop:"),
        CallbackQueryHandler(show_report, pattern=r"^bc:rep:"),
        CallbackQueryHandler(resend, pattern=r"^bc:rs:"),
        CallbackQueryHandler(preview_button, pattern=r"^bc:pv$"),
        CallbackQueryHandler(show_history, pattern=r"^bc:hist$"),
    ]
