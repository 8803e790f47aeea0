"""The /ekspor screens: the menu, the semester, OPD and broadcast choices, and the words around
the file."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translator
from bot.services.exports import ExportFile
from bot.services.periods import Period, semester_name
from bot.services.stats import BroadcastStats, ScopeOpd
from bot.text import callback_data, esc
from handlers.common import keyboard, paging_row

Screen = tuple[str, InlineKeyboardMarkup]

OPD_PAGE_SIZE = 8
OPD_LABEL_CHARS = 60
LABEL_EVALUATIONS = N_("Evaluation results (e-Kinerja)")
LABEL_COMPLIANCE = N_("Reporting compliance")
LABEL_SKP = N_("SKP and realisation per indicator (e-Kinerja)")
LABEL_BROADCAST = N_("Broadcast delivery and reads")
LABEL_BACK = N_("‹ Back")
NOT_HR = N_(
    "Exports are for HR officers. To see your own progress, use /kinerja; "
    "leaders can see their team with /tim."
)
NOTHING_TO_EXPORT = N_("There is nothing to export yet for this choice.")
OUT_OF_SCOPE = N_("Sorry, that record is outside your HR scope, so it cannot be exported.")
STALE = N_("This button is no longer valid. Please open /ekspor again.")


def menu(t: Translator) -> Screen:
    """Offer the exports."""
    _ = t._
    rows = [
        [(_(LABEL_EVALUATIONS), "ex:e")],
        [(_(LABEL_SKP), "ex:s")],
        [(_(LABEL_COMPLIANCE), "ex:c")],
        [(_(LABEL_BROADCAST), "ex:b")],
    ]
    text = _("<b>Export</b>\nWhich file would you like? It covers the OPDs you are HR for.")
    return text, keyboard(rows)


def back_row(t: Translator) -> list[tuple[str, str]]:
    """Back to the menu."""
    return [(t._(LABEL_BACK), "ex:m")]


def period_choice(t: Translator, current: Period) -> Screen:
    """The current and the previous semester for the evaluation export."""
    rows = [
        [(semester_name(p, t), callback_data("ex", "e", p.year, p.half))]
        for p in (current, current.previous())
    ]
    rows.append(back_row(t))
    return t._("Which semester?"), keyboard(rows)


def opd_page(t: Translator, opds: list[ScopeOpd], prefix: str, page: int) -> Screen:
    """A page of the speaker's OPDs for an export, with "every OPD" first.

    `prefix` is the callback data before the OPD id or page, e.g. "ex:eo:2026:2" / "ex:co".
    """
    _ = t._
    pages = max(1, -(-len(opds) // OPD_PAGE_SIZE))
    page = max(0, min(page, pages - 1))
    rows = [[(_("Every OPD I am HR for"), f"{prefix}:0")]] if page == 0 else []
    rows += [
        [(f"{opd.code} · {opd.name}"[:OPD_LABEL_CHARS], f"{prefix}:{opd.id}")]
        for opd in opds[page * OPD_PAGE_SIZE : (page + 1) * OPD_PAGE_SIZE]
    ]
    page_prefix = prefix.replace(":eo", ":eop").replace(":co", ":cop").replace(":so", ":sop")
    nav = paging_row(t, page, pages, lambda n: f"{page_prefix}:{n}")
    if nav:
        rows.append(nav)
    rows.append(back_row(t))
    text = _("Which OPD? ({page} of {pages})").format(
        page=t.number(page + 1), pages=t.number(pages)
    )
    return text, keyboard(rows)


def broadcast_choice(t: Translator, items: list[BroadcastStats]) -> Screen:
    """Recent broadcasts that reached the speaker's scope, or a note that there are none."""
    _ = t._
    if not items:
        return _("No broadcasts have reached your OPDs yet."), keyboard([back_row(t)])
    rows = [
        [(f"#{b.broadcast_id} {b.preview}", callback_data("ex", "bb", b.broadcast_id))]
        for b in items
    ]
    rows.append(back_row(t))
    return _("Which broadcast?"), keyboard(rows)


def too_large(t: Translator, file: ExportFile) -> str:
    """The file is over Telegram's limit: where to get it instead."""
    return t._(
        "The file is too large to send through Telegram ({size} MB; the limit is 50 MB). "
        "Please ask the bot administrator to export it on the server with "
        "<code>kinerja-bot export</code>."
    ).format(size=t.number(round(len(file.data) / 1_048_576, 1)))


def caption(t: Translator, file: ExportFile) -> str:
    """The document's caption: its name and rows."""
    return t._("{name}: {rows} rows").format(name=esc(file.name), rows=t.number(file.rows))


def as_csv_button(t: Translator, data: str) -> InlineKeyboardMarkup:
    """The "Same as CSV" button under an XLSX document."""
    return keyboard([[(t._("Same as CSV"), data)]])
