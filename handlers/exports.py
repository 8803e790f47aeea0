"""/ekspor (/export): HR downloads evaluation results, reporting compliance or a broadcast report.

Callback data (untrusted; the scope is re-checked on every press):
  ex:m                     the menu
  ex:e / ex:e:<year>:<half> choose the semester / export evaluation results
  ex:c                     export reporting compliance (current semester, this month)
  ex:b / ex:bb:<id>        choose a broadcast / export its delivery and read report
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.services import analytics, exports
from bot.services.analytics import OutOfScope
from bot.services.evaluation import period_name
from bot.services.exports import ExportFile
from bot.services.periods import Period, period_of
from bot.text import callback_data, esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's sendDocument limit for bots
LABEL_EVALUATIONS = N_("Evaluation results (e-Kinerja)")
LABEL_COMPLIANCE = N_("Reporting compliance")
LABEL_BROADCAST = N_("Broadcast delivery and reads")
LABEL_BACK = N_("‹ Back")


def not_hr_text(t: Translator) -> str:
    """Explain kindly that exports are for HR."""
    return t._(
        "Exports are for HR officers. To see your own progress, use /kinerja; "
        "leaders can see their team with /tim."
    )


async def show_menu(update: Update, context: BotContext) -> None:
    """Offer the three exports."""
    _ = context.t._
    speaker = require_speaker(context)
    await answer(update)
    if not speaker.is_hr:
        await reply(update, context, not_hr_text(context.t))
        return
    rows = [
        [(_(LABEL_EVALUATIONS), "ex:e")],
        [(_(LABEL_COMPLIANCE), "ex:c")],
        [(_(LABEL_BROADCAST), "ex:b")],
    ]
    text = _("<b>Export</b>\nWhich file would you like? It covers the OPDs you are HR for.")
    await edit_or_reply(update, context, text, keyboard(rows))


def _current(context: BotContext) -> Period:
    """The semester containing today (WIB)."""
    return period_of(context.deps.clock.now().date())


async def choose_period(update: Update, context: BotContext) -> None:
    """Offer the current and the previous semester for the evaluation export."""
    _ = context.t._
    await answer(update)
    current = _current(context)
    rows = [
        [(period_name(p), callback_data("ex", "e", p.year, p.half))]
        for p in (current, current.previous())
    ]
    rows.append([(_(LABEL_BACK), "ex:m")])
    await edit_or_reply(update, context, _("Which semester?"), keyboard(rows))


async def choose_broadcast(update: Update, context: BotContext) -> None:
    """List recent broadcasts that reached the speaker's scope."""
    t = context.t
    _ = t._
    scope = analytics.resolve_scope(require_speaker(context))
    await answer(update)
    async with context.deps.sessions() as session:
        items = await analytics.broadcast_stats(session, scope)
    if not items:
        await edit_or_reply(
            update,
            context,
            _("No broadcasts have reached your OPDs yet."),
            keyboard([[(_(LABEL_BACK), "ex:m")]]),
        )
        return
    rows = [
        [(f"#{b.broadcast_id} {b.preview}", callback_data("ex", "bb", b.broadcast_id))]
        for b in items
    ]
    rows.append([(_(LABEL_BACK), "ex:m")])
    await edit_or_reply(update, context, _("Which broadcast?"), keyboard(rows))


async def _deliver(update: Update, context: BotContext, file: ExportFile) -> None:
    """Send the file as a document, or explain why not (empty, or too big for Telegram)."""
    t = context.t
    _ = t._
    chat = update.effective_chat
    if chat is None:
        return
    if not file.rows:
        await reply(update, context, _("There is nothing to export yet for this choice."))
        return
    if len(file.data) > MAX_UPLOAD_BYTES:
        text = _(
            "The file is too large to send through Telegram ({size} MB; the limit is 50 MB). "
            "Please ask the bot administrator to export it on the server with "
            "<code>kinerja-bot export</code>."
        ).format(size=t.number(round(len(file.data) / 1_048_576, 1)))
        await reply(update, context, text)
        return
    caption = _("{name}: {rows} rows").format(name=esc(file.name), rows=t.number(file.rows))
    await context.bot.send_document(
        chat.id, document=file.data, filename=file.name, caption=caption
    )


async def _working(update: Update, context: BotContext) -> None:
    """Show "sending a file…" while the export is built."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)


async def export_evaluations(update: Update, context: BotContext, period: Period) -> None:
    """Build and send the evaluation results of a semester for the speaker's scope."""
    scope = analytics.resolve_scope(require_speaker(context))
    await answer(update)
    await _working(update, context)
    async with context.deps.sessions() as session:
        file = await exports.build_evaluation_export(
            session, scope, period, tz=context.deps.settings.tz
        )
    await _deliver(update, context, file)


async def export_compliance(update: Update, context: BotContext) -> None:
    """Build and send reporting compliance per employee for the speaker's scope."""
    scope = analytics.resolve_scope(require_speaker(context))
    await answer(update)
    await _working(update, context)
    deps = context.deps
    async with deps.sessions() as session:
        file = await exports.build_compliance_export(
            session, scope, _current(context), deps.clock.utcnow(), tz=deps.settings.tz
        )
    await _deliver(update, context, file)


async def export_broadcast(update: Update, context: BotContext, broadcast_id: int) -> None:
    """Build and send one broadcast's per-recipient report, if it reached the scope."""
    scope = analytics.resolve_scope(require_speaker(context))
    async with context.deps.sessions() as session:
        if not await analytics.broadcast_in_scope(session, scope, broadcast_id):
            raise OutOfScope(f"broadcast {broadcast_id}")
        await answer(update)
        await _working(update, context)
        file = await exports.build_broadcast_export(
            session, scope, broadcast_id, tz=context.deps.settings.tz
        )
    await _deliver(update, context, file)


async def on_button(update: Update, context: BotContext) -> None:
    """Route an ex: button; refuse non-HR, malformed data and records outside the scope."""
    t = context.t
    _ = t._
    query = update.callback_query
    data = query.data if query is not None else None
    speaker = require_speaker(context)
    if not speaker.is_hr:
        await answer(update)
        await reply(update, context, not_hr_text(t))
        return
    try:
        if data == "ex:m":
            await show_menu(update, context)
        elif data == "ex:e":
            await choose_period(update, context)
        elif data == "ex:c":
            await export_compliance(update, context)
        elif data == "ex:b":
            await choose_broadcast(update, context)
        elif (found := parse_callback(data, "ex:e", 2)) is not None and found[1] in (1, 2):
            if not 2000 <= found[0] <= 2100:
                raise ValueError("year")
            await export_evaluations(update, context, Period(found[0], found[1]))
        elif (found := parse_callback(data, "ex:bb", 1)) is not None:
            await export_broadcast(update, context, found[0])
        else:
            raise ValueError("unknown button")
    except OutOfScope:
        await answer(update)
        await reply(
            update,
            context,
            _("Sorry, that record is outside your HR scope, so it cannot be exported."),
        )
    except ValueError:
        await answer(
            update, _("This button is no longer valid. Please open /ekspor again."), alert=True
        )


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the /ekspor handlers."""
    return [
        CommandHandler(["ekspor", "export"], show_menu),
        CallbackQueryHandler(on_button, pattern=r"^ex:"),
    ]
