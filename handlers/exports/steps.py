"""One short callback per /ekspor screen, and the router of its buttons.

Callback data (untrusted; the scope is re-checked on every press):
  ex:m                        the menu
  ex:e / ex:e:<year>:<half>   choose the semester / then the OPD (or export, for one OPD)
  ex:eop:<year>:<half>:<page> a page of the OPD choice for evaluation results
  ex:eo:<year>:<half>:<opd>   export evaluation results of one OPD (0: every OPD in scope)
  ex:ec:<year>:<half>:<opd>   the same as CSV (the button under the XLSX document)
  ex:c / ex:cop:<page>        reporting compliance (current semester): choose the OPD
  ex:co:<opd>                 export reporting compliance of one OPD (0: every OPD in scope)
  ex:s / ex:sop:<page>        the SKP with realisation per IKI (current semester): the OPD
  ex:so:<opd>                 export the SKP of one OPD (0: every OPD in scope)
  ex:b / ex:bb:<id>           choose a broadcast / export its delivery and read report
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatAction

from bot.context import BotContext
from bot.services import exports, stats
from bot.services.exports import ExportFile
from bot.services.periods import Period, period_of
from bot.services.stats import OutOfScope, Scope
from bot.text import parse_callback
from handlers.common import answer, edit_or_reply, reply, require_speaker
from handlers.exports import texts

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's sendDocument limit for bots

Button = Callable[[Update, BotContext], Awaitable[None]]
NumberedButton = Callable[[Update, BotContext, list[int]], Awaitable[None]]


def _scope(context: BotContext, opd_id: int = 0) -> Scope:
    """The speaker's scope, or one OPD of it (OutOfScope when not covered)."""
    return stats.resolve_scope(require_speaker(context), opd_id or None)


def _current(context: BotContext) -> Period:
    """The semester containing today (WIB)."""
    return period_of(context.deps.clock.now().date())


def _period(found: list[int]) -> Period:
    """A semester from callback data; ValueError for anything implausible."""
    year, half = found
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise ValueError("period")
    return Period(year, half)


# --- the choices ---


async def show_menu(update: Update, context: BotContext) -> None:
    """Offer the three exports."""
    await answer(update)
    if not require_speaker(context).is_hr:
        await reply(update, context, context.t._(texts.NOT_HR))
        return
    await edit_or_reply(update, context, *texts.menu(context.t))


async def choose_period(update: Update, context: BotContext) -> None:
    """Offer the current and the previous semester for the evaluation export."""
    await answer(update)
    await edit_or_reply(update, context, *texts.period_choice(context.t, _current(context)))


async def choose_opd(update: Update, context: BotContext, prefix: str, page: int) -> None:
    """A page of the speaker's OPDs for an export (prefix: e.g. "ex:eo:2026:2" / "ex:co")."""
    opds = await stats.opds_of(context.deps.sessions, _scope(context))
    await answer(update)
    await edit_or_reply(update, context, *texts.opd_page(context.t, opds, prefix, page))


async def choose_opd_or_export(
    update: Update, context: BotContext, prefix: str, export: NumberedButton
) -> None:
    """Ask which OPD when the speaker covers several; export at once when only one."""
    scope = _scope(context)
    if scope is not None and len(scope) == 1:
        await export(update, context, [0])
    else:
        await choose_opd(update, context, prefix, 0)


async def choose_broadcast(update: Update, context: BotContext) -> None:
    """List recent broadcasts that reached the speaker's scope."""
    scope = _scope(context)
    await answer(update)
    items = await stats.broadcast_stats(context.deps.sessions, scope)
    await edit_or_reply(update, context, *texts.broadcast_choice(context.t, items))


# --- the files ---


async def _deliver(
    update: Update, context: BotContext, file: ExportFile, also_csv: str | None = None
) -> None:
    """Send the file as a document, or explain why not (empty, or too big for Telegram).

    `also_csv`: callback data of a "Same as CSV" button under the document.
    """
    t = context.t
    chat = update.effective_chat
    if chat is None:
        return
    if not file.rows:
        await reply(update, context, t._(texts.NOTHING_TO_EXPORT))
        return
    if len(file.data) > MAX_UPLOAD_BYTES:
        await reply(update, context, texts.too_large(t, file))
        return
    markup = texts.as_csv_button(t, also_csv) if also_csv else None
    await context.bot.send_document(
        chat.id, document=file.data, filename=file.name, caption=texts.caption(t, file),
        reply_markup=markup,
    )  # fmt: skip


async def _working(update: Update, context: BotContext) -> None:
    """Answer the button and show "sending a file…" while the export is built."""
    await answer(update)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)


async def export_evaluations(
    update: Update, context: BotContext, period: Period, opd_id: int, fmt: str = exports.XLSX
) -> None:
    """Build and send the evaluation results of a semester for one OPD or the whole scope."""
    scope = _scope(context, opd_id)
    await _working(update, context)
    file = await exports.build_evaluation_export(
        context.deps.sessions, scope, period, fmt, tz=context.deps.settings.tz
    )
    also_csv = f"ex:ec:{period.year}:{period.half}:{opd_id}" if fmt == exports.XLSX else None
    await _deliver(update, context, file, also_csv)


async def export_compliance(update: Update, context: BotContext, found: list[int]) -> None:
    """Build and send reporting compliance per employee for one OPD or the whole scope."""
    scope = _scope(context, found[0])
    await _working(update, context)
    deps = context.deps
    file = await exports.build_compliance_export(
        deps.sessions, scope, _current(context), deps.clock.utcnow(), tz=deps.settings.tz,
        t=context.t,
    )  # fmt: skip
    await _deliver(update, context, file)


async def export_skp(update: Update, context: BotContext, found: list[int]) -> None:
    """Build and send the SKP with its realisation per IKI for one OPD or the whole scope."""
    scope = _scope(context, found[0])
    await _working(update, context)
    file = await exports.build_skp_export(
        context.deps.sessions, scope, _current(context), context.deps.clock.now().date()
    )
    await _deliver(update, context, file)


async def export_broadcast(update: Update, context: BotContext, found: list[int]) -> None:
    """Build and send one broadcast's per-recipient report, if it reached the scope."""
    scope = _scope(context)
    await _working(update, context)
    file = await exports.build_broadcast_export(
        context.deps.sessions, scope, found[0], tz=context.deps.settings.tz, t=context.t
    )
    if file is None:
        await reply(update, context, context.t._(texts.OUT_OF_SCOPE))
        return
    await _deliver(update, context, file)


# --- the buttons ---


async def choose_compliance_opd(update: Update, context: BotContext) -> None:
    """Reporting compliance: which OPD (or at once, for one)."""
    await choose_opd_or_export(update, context, "ex:co", export_compliance)


async def compliance_page(update: Update, context: BotContext, found: list[int]) -> None:
    """Another page of the OPD choice for reporting compliance."""
    await choose_opd(update, context, "ex:co", found[0])


async def choose_skp_opd(update: Update, context: BotContext) -> None:
    """The SKP with realisation: which OPD (or at once, for one)."""
    await choose_opd_or_export(update, context, "ex:so", export_skp)


async def skp_page(update: Update, context: BotContext, found: list[int]) -> None:
    """Another page of the OPD choice for the SKP export."""
    await choose_opd(update, context, "ex:so", found[0])


async def evaluations_of(update: Update, context: BotContext, found: list[int]) -> None:
    """Evaluation results of the chosen semester: which OPD (or at once, for one)."""
    period = _period(found)

    async def export(update: Update, context: BotContext, chosen: list[int]) -> None:
        await export_evaluations(update, context, period, chosen[0])

    await choose_opd_or_export(update, context, f"ex:eo:{period.year}:{period.half}", export)


async def evaluations_page(update: Update, context: BotContext, found: list[int]) -> None:
    """Another page of the OPD choice for evaluation results."""
    period = _period(found[:2])
    await choose_opd(update, context, f"ex:eo:{period.year}:{period.half}", found[2])


async def evaluations_xlsx(update: Update, context: BotContext, found: list[int]) -> None:
    """Export evaluation results of one OPD (or every OPD in scope) as XLSX."""
    await export_evaluations(update, context, _period(found[:2]), found[2])


async def evaluations_csv(update: Update, context: BotContext, found: list[int]) -> None:
    """The same evaluation results as CSV (the button under the XLSX document)."""
    await export_evaluations(update, context, _period(found[:2]), found[2], exports.CSV)


BUTTONS: dict[str, Button] = {
    "ex:m": show_menu,
    "ex:e": choose_period,
    "ex:c": choose_compliance_opd,
    "ex:s": choose_skp_opd,
    "ex:b": choose_broadcast,
}
NUMBERED_BUTTONS: list[tuple[str, int, NumberedButton]] = [
    ("ex:cop", 1, compliance_page),
    ("ex:co", 1, export_compliance),
    ("ex:sop", 1, skp_page),
    ("ex:so", 1, export_skp),
    ("ex:e", 2, evaluations_of),
    ("ex:eop", 3, evaluations_page),
    ("ex:eo", 3, evaluations_xlsx),
    ("ex:ec", 3, evaluations_csv),
    ("ex:bb", 1, export_broadcast),
]


async def route(update: Update, context: BotContext) -> None:
    """Do what the button names; ValueError for malformed data, OutOfScope when refused."""
    data = update.callback_query.data if update.callback_query else None
    if data in BUTTONS:
        await BUTTONS[data](update, context)
        return
    for prefix, count, button in NUMBERED_BUTTONS:
        if (found := parse_callback(data, prefix, count)) is not None:
            await button(update, context, found)
            return
    raise ValueError("unknown button")


async def on_button(update: Update, context: BotContext) -> None:
    """Route an ex: button; refuse non-HR, malformed data and records outside the scope."""
    t = context.t
    if not require_speaker(context).is_hr:
        await answer(update)
        await reply(update, context, t._(texts.NOT_HR))
        return
    try:
        await route(update, context)
    except OutOfScope:
        await answer(update)
        await reply(update, context, t._(texts.OUT_OF_SCOPE))
    except ValueError:
        await answer(update, t._(texts.STALE), alert=True)
