"""The screens of /faq: the published questions, one entry, and HR's hidden entries."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.context import BotContext
from bot.i18n import N_
from bot.services.questions import FaqListing, FaqView, HrResult, Page
from bot.text import esc
from handlers.common import keyboard
from handlers.questions.texts import L_BACK, Rows, Screen, nav_row, one_line, page_of
from models import FaqEntry

FAQ_PAGE_SIZE = 8
FAQ_UNAVAILABLE = N_("Sorry, this FAQ entry is not available.")
CANNOT_HIDE = N_("Sorry, you cannot hide this FAQ entry.")
CANNOT_SHOW = N_("Sorry, you cannot show this FAQ entry again.")


def faq_list(context: BotContext, listing: FaqListing) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of FAQ questions as buttons; HR also get their hidden entries' button."""
    _ = context.t._
    page = listing.page
    hidden: Rows = []
    if listing.hidden:
        label = _("Hidden FAQ entries ({count})").format(count=context.t.number(listing.hidden))
        hidden = [[(label, "faq:hid:0")]]
    if not page.rows:
        text = _(
            "<b>Frequently asked questions</b>\nNothing has been published yet. You can ask HR "
            "with /tanya."
        )
        return text, keyboard(hidden) if hidden else None
    text = _("<b>Frequently asked questions</b>\nChoose a question to read the answer.")
    if page.count > 1:
        text += "\n" + page_of(context, page)
    rows: Rows = [[(one_line(entry.question), f"faq:e:{entry.id}")] for entry in page.rows]
    return text, keyboard([*rows, *nav_row(context, "faq:pg", page), *hidden])


def entry_text(context: BotContext, entry: FaqEntry) -> str:
    """One FAQ entry: the question and its answer."""
    _ = context.t._
    return "\n".join(
        [_("<b>Question:</b>"), esc(entry.question), "", _("<b>Answer:</b>"), esc(entry.answer)]
    )


def faq_entry(context: BotContext, view: FaqView) -> Screen:
    """One entry; HR who may hide it get a Hide button."""
    _ = context.t._
    rows: Rows = [[(_(L_BACK), "faq:pg:0")]]
    if view.hideable:
        rows.insert(0, [(_("Hide from FAQ"), f"faq:hide:{view.entry.id}")])
    return entry_text(context, view.entry), keyboard(rows)


def hidden_list(context: BotContext, page: Page[FaqEntry]) -> Screen:
    """A page of the hidden entries this HR officer may show again."""
    _ = context.t._
    if not page.rows:
        text = _("<b>Hidden FAQ entries</b>\nThere are no hidden entries you can show again.")
    else:
        text = _("<b>Hidden FAQ entries</b>\nChoose an entry to read it or show it again.")
        if page.count > 1:
            text += "\n" + page_of(context, page)
    rows: Rows = [[(one_line(entry.question), f"faq:he:{entry.id}")] for entry in page.rows]
    rows += nav_row(context, "faq:hid", page)
    rows.append([(_("Back to the FAQ"), "faq:pg:0")])
    return text, keyboard(rows)


def hidden_entry(context: BotContext, entry: FaqEntry) -> Screen:
    """One hidden entry with a button to show it in /faq again."""
    _ = context.t._
    text = _("<b>Hidden from /faq</b>") + "\n\n" + entry_text(context, entry)
    rows = [
        [(_("Show in FAQ again"), f"faq:show:{entry.id}")],
        [(_(L_BACK), "faq:hid:0")],
    ]
    return text, keyboard(rows)


def unhidden(context: BotContext, result: HrResult) -> str:
    """What became of showing an entry again."""
    _ = context.t._
    if result is HrResult.ALREADY:
        return _(
            "This question is already in the FAQ with a newer entry, so this one stays hidden."
        )
    return _("The entry is shown in /faq again.")
