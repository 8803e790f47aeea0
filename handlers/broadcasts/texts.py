"""The /siaran screens: the menu, audiences, OPD and unit pages, the prompts, the preview's
summary, the report and the history. Each screen is (HTML text, keyboard)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translator
from bot.services import broadcasts as bc
from bot.services.access import KNOWN_ROLES
from bot.text import esc, plain_text
from handlers.common import keyboard
from models import Broadcast

PAGE_SIZE = 8
OPD_LABEL_CHARS = 48
HISTORY_LABEL_CHARS = 30
L_ACK = N_("I have read this")
ROLE_LABELS = {
    "pegawai": N_("All employees (role pegawai)"),
    "hr": N_("HR"),
    "admin": N_("Admins"),
}
NOT_HR = N_(
    "Broadcasts are sent by the HR officers (Kepegawaian) of each OPD. If you would like "
    "something announced, please contact your OPD's HR officer."
)
OUTSIDE_AREA = N_("Sorry, this broadcast is outside your area, so it cannot be used here.")
LOST = N_("This broadcast draft is no longer available. Please start again with /siaran.")
NOT_VALID = N_("Sorry, this button is not valid.")
CHOOSE_ONE = N_("Please choose at least one.")
NOT_SENDABLE = N_(
    "Please send text, a photo or a document. Stickers and other messages cannot be broadcast."
)
OUTSIDE_AUDIENCE = N_("Sorry, this audience is outside your area.")
PREVIEW_HEAD = N_("<b>Preview</b> (recipients will see exactly this):")
ONLY_PREVIEW = N_("This is only a preview.")
SENDING_STARTED = N_("Sending started.")
THANKS_READ = N_("Thank you, noted that you have read it.")
NO_BROADCASTS = N_("No broadcasts yet.")

Screen = tuple[str, InlineKeyboardMarkup | None]
Row = list[tuple[str, str]]
Rows = list[Row]


def menu(t: Translator, cancel: Row) -> Screen:
    """The HR menu: a new broadcast, or the history."""
    _ = t._
    rows = [
        [(_("New broadcast"), "bc:new")],
        [(_("Broadcast history"), "bc:hist")],
        cancel,
    ]
    return _("<b>Broadcasts</b>\nWhat would you like to do?"), keyboard(rows)


def audiences(t: Translator, cancel: Row, *, city_wide: bool) -> Screen:
    """The audiences this officer may reach."""
    _ = t._
    rows: Rows = []
    if city_wide:
        rows.append([(_("Whole city"), "bc:au:city")])
    rows.append([(_("Choose OPDs"), "bc:au:opd")])
    rows.append([(_("Choose units"), "bc:au:unit")])
    rows.append([(_("Leaders only (have subordinates)"), "bc:au:leaders")])
    rows.extend([[(_(ROLE_LABELS[r]), f"bc:au:role:{r}")] for r in KNOWN_ROLES])
    rows.append(cancel)
    text = _("Who should receive this broadcast?")
    if not city_wide:
        text += "\n" + _("You can reach the employees of your own OPD.")
    return text, keyboard(rows)


def choice_page(
    t: Translator,
    cancel: Row,
    kind: str,
    items: list[tuple[int, str]],
    chosen: set[int],
    page: int,
) -> Screen:
    """A page of OPD (or unit) toggles (✅ chosen), then “Done choosing”."""
    _ = t._
    pages = max(1, (len(items) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = max(0, min(page, pages - 1))
    rows = [
        [
            (
                ("✅ " if item_id in chosen else "") + name[:OPD_LABEL_CHARS],
                f"bc:o:{item_id}:{page}",
            )
        ]
        for item_id, name in items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append(("‹ " + _("Previous"), f"bc:op:{page - 1}"))
    if page < pages - 1:
        nav.append((_("Next") + " ›", f"bc:op:{page + 1}"))
    if nav:
        rows.append(nav)
    rows.append([(_("Done choosing"), "bc:od"), *cancel])
    text = (
        _("Choose one or more units, then press “Done choosing”.")
        if kind == "unit"
        else _("Choose one or more OPDs, then press “Done choosing”.")
    )
    return text, keyboard(rows)


def ask_message(t: Translator, cancel: Row) -> Screen:
    """Ask for the message as employees will see it."""
    text = t._(
        "Now send the message as you want employees to see it: text (bold, italic and "
        "links are kept), or a photo or document with a caption. Text may be up to "
        "{limit} characters."
    ).format(limit=t.number(bc.TEXT_LIMIT))
    return text, keyboard([cancel])


def too_long(t: Translator, length: int) -> str:
    """The message is over Telegram's limit (or empty)."""
    return t._(
        "This message has {length} characters; Telegram allows at most {limit}. "
        "Please shorten it and send it again."
    ).format(length=t.number(length), limit=t.number(bc.TEXT_LIMIT))


def preview_summary(
    t: Translator, cancel: Row, counted: bc.AudiencePreview, *, ask_ack: bool, nonce: str
) -> Screen:
    """The count (by OPD when several), the read button's state, and Kirim / Ubah / Batal."""
    _ = t._
    lines = [_("Recipients: <b>{n}</b> employees").format(n=t.number(counted.total))]
    if len(counted.by_opd) > 1:
        lines += [f"• {esc(name)}: {t.number(n)}" for name, n in counted.by_opd]
    if ask_ack:
        lines.append(_("An “I have read this” button is attached."))
        toggle = _("Remove the read button")
    else:
        lines.append(_("No “I have read this” button is attached."))
        toggle = _("Add the read button")
    rows = [[(toggle, "bc:ackt")]]
    if counted.total:
        rows.append([(_("Send"), f"bc:send:{nonce}")])
    else:
        lines.append(_("Nobody linked to the bot is in this audience yet."))
    rows.append([(_("Change"), "bc:edit"), *cancel])
    return "\n".join(lines), keyboard(rows)


def stopped(t: Translator, cancelled: int) -> str:
    """The pop-up after Hentikan."""
    return t._("Stopped. {n} messages will not be sent.").format(n=cancelled)


def report(t: Translator, found: bc.Report) -> Screen:
    """Laporan: counts by OPD, with a resend to those who have not read it."""
    _ = t._
    n = t.number
    out = [_("<b>Report of broadcast #{id}</b>").format(id=found.broadcast_id)]
    for line in found.lines:
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
    if not found.lines:
        out.append(_("No recipients."))
    rows: Rows = []
    if found.can_resend:
        resend = _("Send again to those who have not read it")
        rows.append([(resend, f"bc:rs:{found.broadcast_id}")])
    return "\n\n".join(out), keyboard(rows) if rows else None


def history(t: Translator, items: list[Broadcast]) -> Screen:
    """The latest broadcasts, each a button to its report."""
    if not items:
        return t._(NO_BROADCASTS), None
    rows: Rows = []
    for item in items:
        plain = " ".join(plain_text(item.text_html).split())[:HISTORY_LABEL_CHARS]
        label = f"#{item.id} {t.date(item.created_at, 'short')} {plain}"
        rows.append([(label, f"bc:rep:{item.id}")])
    return t._("Choose a broadcast to see its report:"), keyboard(rows)
