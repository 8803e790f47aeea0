"""The buttons of a broadcast once sent: read, Hentikan, Laporan, resend, and the history."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.delivery import broadcast_progress
from bot.services import broadcasts as bc
from handlers.broadcasts import texts
from handlers.broadcasts.steps import ack_label_for, not_hr, start_progress
from handlers.common import answer, callback_int, edit_or_reply, reply
from handlers.conversation import END, refuse


async def stop(update: Update, context: BotContext) -> None:
    """Hentikan: cancel the rows not sent yet (creator or HR in scope only)."""
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:stop")
    if speaker is None or broadcast_id is None:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return
    broadcast, cancelled = await bc.stop(
        context.deps.sessions, speaker, broadcast_id, context.deps.clock.utcnow()
    )
    if broadcast is None:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return
    await answer(update, texts.stopped(context.t, cancelled))
    await broadcast_progress.show_final(context, broadcast_id)


async def acknowledge(update: Update, context: BotContext) -> None:
    """Saya sudah membaca: record the acknowledgement once."""
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:ack")
    if speaker is None or broadcast_id is None:
        await refuse(update, context, texts.NOT_VALID)
        return
    result = await bc.acknowledge(
        context.deps.sessions, speaker.id, broadcast_id, context.deps.clock.utcnow()
    )
    if result == bc.ACK_REFUSED:
        await refuse(update, context, texts.NOT_VALID)
    else:
        await answer(update, context.t._(texts.THANKS_READ))


async def preview_button(update: Update, context: BotContext) -> None:
    """Answer the read button of a preview: it does nothing."""
    await answer(update, context.t._(texts.ONLY_PREVIEW))


async def show_report(update: Update, context: BotContext) -> None:
    """Laporan: show the counts by OPD, with a resend to those who have not read it."""
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:rep")
    if speaker is None or broadcast_id is None:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return
    found = await bc.report(context.deps.sessions, speaker, broadcast_id)
    if found is None:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return
    await answer(update)
    await reply(update, context, *texts.report(context.t, found))


async def resend(update: Update, context: BotContext) -> None:
    """Create a new broadcast for the recipients of X who have not acknowledged it."""
    speaker = context.speaker
    broadcast_id = callback_int(update, "bc:rs")
    chat = update.effective_chat
    if speaker is None or broadcast_id is None:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return
    created = await bc.resend_to_non_ackers(
        context.deps.sessions,
        speaker,
        broadcast_id,
        now=context.deps.clock.utcnow(),
        ack_label=ack_label_for(context),
        progress_chat_id=chat.id if chat else None,
    )
    if created.refused or created.broadcast is None:
        await refuse(update, context, texts.OUTSIDE_AREA)
        return
    await answer(update)
    if created.duplicate:
        return
    context.wake_outbox()
    await start_progress(update, context, created.broadcast)


async def show_history(update: Update, context: BotContext) -> int:
    """Riwayat siaran: show the latest broadcasts with their report buttons."""
    speaker = context.speaker
    if speaker is None or not bc.can_broadcast(speaker):
        return await not_hr(update, context)
    await answer(update)
    items = await bc.history(context.deps.sessions, speaker)
    await edit_or_reply(update, context, *texts.history(context.t, items))
    return END
