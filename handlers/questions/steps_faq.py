"""/faq: published entries as buttons; HR see the entries they may hide, and their hidden
entries apart, to show them again. Every scope check is the service's."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import questions as qs
from bot.services.questions import HrResult
from handlers.common import answer, callback_int, edit_or_reply, reply, require_speaker
from handlers.conversation import refuse
from handlers.questions import texts_faq
from handlers.questions.flow import from_button
from handlers.questions.texts_faq import CANNOT_HIDE, CANNOT_SHOW, FAQ_PAGE_SIZE, FAQ_UNAVAILABLE


async def faq(update: Update, context: BotContext) -> None:
    """/faq: the first page of published questions."""
    await show_faq(update, context, 0, edit=False)


async def turn_faq_page(update: Update, context: BotContext) -> None:
    """Show another page of the FAQ."""
    page = callback_int(update, "faq:pg")
    if page is None:
        await refuse(update, context, FAQ_UNAVAILABLE)
        return
    await answer(update)
    await show_faq(update, context, page, edit=True)


async def show_faq(update: Update, context: BotContext, page: int, *, edit: bool) -> None:
    """Show one page of FAQ questions as buttons."""
    listing = await qs.faq_listing(
        context.deps.sessions, require_speaker(context), page, FAQ_PAGE_SIZE
    )
    text, markup = texts_faq.faq_list(context, listing)
    await (edit_or_reply if edit else reply)(update, context, text, markup)


async def show_faq_entry(update: Update, context: BotContext) -> None:
    """Show one FAQ entry; HR who may hide it get a Hide button."""
    view = await from_button(update, context, "faq:e", qs.faq_entry, FAQ_UNAVAILABLE)
    if view is not None:
        await answer(update)
        await reply(update, context, *texts_faq.faq_entry(context, view))


async def hide_faq_entry(update: Update, context: BotContext) -> None:
    """Hide an entry from /faq (HR; scope checked in the service)."""
    entry_id = callback_int(update, "faq:hide")
    speaker, deps = require_speaker(context), context.deps
    entry = None
    if entry_id is not None:
        now = deps.clock.utcnow()
        entry = await qs.hide(deps.sessions, speaker=speaker, entry_id=entry_id, now=now)
    if entry is None:
        await refuse(update, context, CANNOT_HIDE)
        return
    await answer(update)
    await edit_or_reply(update, context, context.t._("The entry is hidden from /faq."))


async def turn_hidden_page(update: Update, context: BotContext) -> None:
    """Show a page of hidden FAQ entries this HR officer may show again."""
    speaker = require_speaker(context)
    page = callback_int(update, "faq:hid")
    if not speaker.is_hr or page is None:
        await refuse(update, context, FAQ_UNAVAILABLE)
        return
    await answer(update)
    hidden = await qs.hidden_page(context.deps.sessions, speaker, page, FAQ_PAGE_SIZE)
    await edit_or_reply(update, context, *texts_faq.hidden_list(context, hidden))


async def show_hidden_entry(update: Update, context: BotContext) -> None:
    """Show one hidden entry with a button to show it in /faq again."""
    entry = await from_button(update, context, "faq:he", qs.hidden_entry, FAQ_UNAVAILABLE)
    if entry is not None:
        await answer(update)
        await reply(update, context, *texts_faq.hidden_entry(context, entry))


async def unhide_faq_entry(update: Update, context: BotContext) -> None:
    """Show a hidden entry in /faq again (HR; scope checked in the service)."""
    entry_id = callback_int(update, "faq:show")
    deps = context.deps
    if entry_id is None:
        await refuse(update, context, CANNOT_SHOW)
        return
    speaker, now = require_speaker(context), deps.clock.utcnow()
    outcome = await qs.unhide(deps.sessions, speaker=speaker, entry_id=entry_id, now=now)
    if outcome.result is HrResult.NOT_FOUND:
        await refuse(update, context, CANNOT_SHOW)
        return
    await answer(update)
    await edit_or_reply(update, context, texts_faq.unhidden(context, outcome.result))
