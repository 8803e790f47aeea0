"""/ekspor (/export): HR downloads evaluation results, reporting compliance or a broadcast report.

Callback data (untrusted; the scope is re-checked on every press):
  ex:m                        the menu
  ex:e / ex:e:<year>:<half>   choose the semester / then the OPD (or export, for one OPD)
  ex:eop:<year>:<half>:<page> a page of the OPD choice for evaluation results
  ex:eo:<year>:<half>:<opd>   export evaluation results of one OPD (0: every OPD in scope)
  ex:ec:<year>:<half>:<opd>   the same as CSV (the button under the XLSX document)
  ex:c / ex:cop:<page>        reporting compliance (current semester): choose the OPD
  ex:co:<opd>                 export reporting compliance of one OPD (0: every OPD in scope)
  ex:b / ex:bb:<id>           choose a broadcast / export its delivery and read report
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.services import exports
from bot.services.evaluation import period_name
from bot.services.exports import ExportFile
from bot.services.periods import Period, period_of
from bot.services.stats import analytics
from bot.services.stats.analytics import OutOfScope
from bot.text import callback_data, esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's sendDocument limit for bots
OPD_PAGE_SIZE = 8
LABEL_EVALUATIONS = N_("Evaluation results (e-Kinerja)")
LABEL_COMPLIANCE = N_("Reporting compliance")
LABEL_BROADCAST = N_("Broadcast delivery and reads")
LABEL_BACK = N_("‹ Back")

OpdExport = Callable[[Update, BotContext, int], Awaitable[None]]


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


async def choose_opd(update: Update, context: BotContext, prefix: str, page: int) -> None:
    """A page of the speaker's OPDs for an export, with "every OPD" first.

    `prefix` is the callback data before the OPD id or page, e.g. "ex:eo:2026:2" / "ex:co".
    """
    _ = context.t._
    scope = analytics.resolve_scope(require_speaker(context))
    async with context.deps.sessions() as session:
        opds = await analytics.opds_in_scope(session, scope)
    pages = max(1, -(-len(opds) // OPD_PAGE_SIZE))
    page = max(0, min(page, pages - 1))
    rows = [[(_("Every OPD I am HR for"), f"{prefix}:0")]] if page == 0 else []
    rows += [
        [(f"{opd.code} · {opd.name}"[:60], f"{prefix}:{opd.id}")]
        for opd in opds[page * OPD_PAGE_SIZE : (page + 1) * OPD_PAGE_SIZE]
    ]
    page_prefix = prefix.replace(":eo", ":eop").replace(":co", ":cop")
    nav = []
    if page > 0:
        nav.append(("‹ " + _("Previous"), f"{page_prefix}:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " ›", f"{page_prefix}:{page + 1}"))
    if nav:
        rows.append(nav)
    rows.append([(_(LABEL_BACK), "ex:m")])
    text = _("Which OPD? ({page} of {pages})").format(
        page=context.t.number(page + 1), pages=context.t.number(pages)
    )
    await answer(update)
    await edit_or_reply(update, context, text, keyboard(rows))


async def choose_opd_or_export(
    update: Update, context: BotContext, prefix: str, export: OpdExport
) -> None:
    """Ask which OPD when the speaker covers several; export at once when only one."""
    scope = analytics.resolve_scope(require_speaker(context))
    if scope is not None and len(scope) == 1:
        await export(update, context, 0)
    else:
        await choose_opd(update, context, prefix, 0)


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


async def _deliver(
    update: Update, context: BotContext, file: ExportFile, also_csv: str | None = None
) -> None:
    """Send the file as a document, or explain why not (empty, or too big for Telegram).

    `also_csv`: callback data of a "Same as CSV" button under the document.
    """
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
    markup = keyboard([[(_("Same as CSV"), also_csv)]]) if also_csv else None
    await context.bot.send_document(
        chat.id, document=file.data, filename=file.name, caption=caption, reply_markup=markup
    )


async def _working(update: Update, context: BotContext) -> None:
    """Show "sending a file…" while the export is built."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)


async def export_evaluations(
    update: Update, context: BotContext, period: Period, opd_id: int, fmt: str = exports.XLSX
) -> None:
    """Build and send the evaluation results of a semester for one OPD or the whole scope."""
    scope = analytics.resolve_scope(require_speaker(context), opd_id or None)
    await answer(update)
    await _working(update, context)
    async with context.deps.sessions() as session:
        file = await exports.build_evaluation_export(
            session, scope, period, fmt, tz=context.deps.settings.tz
        )
    also_csv = f"ex:ec:{period.year}:{period.half}:{opd_id}" if fmt == exports.XLSX else None
    await _deliver(update, context, file, also_csv)


async def export_compliance(update: Update, context: BotContext, opd_id: int) -> None:
    """Build and send reporting compliance per employee for one OPD or the whole scope."""
    scope = analytics.resolve_scope(require_speaker(context), opd_id or None)
    await answer(update)
    await _working(update, context)
    deps = context.deps
    async with deps.sessions() as session:
        file = await exports.build_compliance_export(
            session,
            scope,
            _current(context),
            deps.clock.utcnow(),
            tz=deps.settings.tz,
            t=context.t,
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
            session, scope, broadcast_id, tz=context.deps.settings.tz, t=context.t
        )
    await _deliver(update, context, file)


def _period(found: list[int]) -> Period:
    """A semester from callback data; ValueError for anything implausible."""
    year, half = found
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise ValueError("period")
    return Period(year, half)


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
            await choose_opd_or_export(update, context, "ex:co", export_compliance)
        elif (found := parse_callback(data, "ex:cop", 1)) is not None:
            await choose_opd(update, context, "ex:co", found[0])
        elif (found := parse_callback(data, "ex:co", 1)) is not None:
            await export_compliance(update, context, found[0])
        elif data == "ex:b":
            await choose_broadcast(update, context)
        elif (found := parse_callback(data, "ex:e", 2)) is not None:
            period = _period(found)
            prefix = f"ex:eo:{period.year}:{period.half}"

            async def export(update: Update, context: BotContext, opd_id: int) -> None:
                await export_evaluations(update, context, period, opd_id)

            await choose_opd_or_export(update, context, prefix, export)
        elif (found := parse_callback(data, "ex:eop", 3)) is not None:
            period = _period(found[:2])
            await choose_opd(update, context, f"ex:eo:{period.year}:{period.half}", found[2])
        elif (found := parse_callback(data, "ex:eo", 3)) is not None:
            await export_evaluations(update, context, _period(found[:2]), found[2])
        elif (found := parse_callback(data, "ex:ec", 3)) is not None:
            period = _period(found[:2])
            await export_evaluations(update, context, period, found[2], exports.CSV)
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
