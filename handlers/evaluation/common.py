"""Shared pieces of the evaluation conversation: states, draft access, refusals, keyboards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.i18n import Translator
from bot.services.evaluation import Problem
from bot.services.evaluation import predikat as scoring
from bot.services.evaluation.curve import Deviation
from bot.text import parse_callback
from handlers.common import answer, keyboard, reply

LIST, HASIL, PERILAKU, NOTE, COMMENT, CONFIRM, HR_MENU, HR_TEXT, HR_CHOICE, OBJECTION = range(10)
END = ConversationHandler.END
DRAFT = "ev"
HR_DRAFT = "ev_hr"
CANCEL = "ev:cancel"
BERAKHLAK_KEYS = tuple(scoring.BERAKHLAK)


def ud(context: BotContext) -> dict[Any, Any]:
    """Return user_data (always present in private chats)."""
    assert context.user_data is not None
    return context.user_data


def typed_text(update: Update) -> str:
    """Return the text of the message, or "" for stickers, photos and files."""
    message = update.effective_message
    return message.text if message is not None and message.text else ""


def button_index(update: Update, prefix: str, size: int) -> int | None:
    """Parse 'prefix:<i>' with 0 <= i < size; None for anything else (untrusted data)."""
    query = update.callback_query
    values = parse_callback(query.data if query else None, prefix, 1)
    if values is None or values[0] >= size:
        return None
    return values[0]


def cancel_row(t: Translator) -> list[tuple[str, str]]:
    """Return the keyboard row with the Cancel button."""
    return [(t._("Cancel"), CANCEL)]


def problem_text(t: Translator, problem: Problem, opens_at: datetime | None = None) -> str:
    """Word a refusal politely."""
    _ = t._
    if problem == Problem.NOT_YET and opens_at is not None:
        return _("The evaluation window is not open yet. It opens on {date}.").format(
            date=t.date(opens_at)
        )
    texts = {
        Problem.NOT_FOUND: _("Sorry, I could not find that. Nothing was changed."),
        Problem.NOT_EVALUATOR: _(
            "Sorry, only this employee's evaluator (the direct supervisor, or the acting "
            "evaluator assigned by HR) can evaluate them. Nothing was changed."
        ),
        Problem.NOT_YET: _("The evaluation window is not open yet."),
        Problem.CLOSED: _(
            "The evaluation for this semester is closed. Please contact HR if something "
            "still needs to be done."
        ),
        Problem.ALREADY: _("This has already been done, so nothing was changed."),
        Problem.STALE: _(
            "Something changed while you were working on this screen (targets, reports or "
            "an evaluation). Nothing was saved. Please start again with /nilai to see the "
            "latest data."
        ),
        Problem.BAD_RATING: _("Sorry, that choice is not valid. Nothing was changed."),
        Problem.TOO_LONG: _("That text is too long. Please keep it shorter."),
        Problem.EMPTY: _("Please type a few words."),
        Problem.NOT_OWNER: _("Sorry, this evaluation is not yours. Nothing was changed."),
        Problem.NOT_HR: _("Sorry, only HR covering this OPD can do that. Nothing was changed."),
    }
    return texts[problem]


async def refuse_stale(update: Update, context: BotContext) -> int:
    """Say the screen is no longer active and drop the draft."""
    _ = context.t._
    await answer(update)
    await reply(
        update, context, _("This screen is no longer active. Please start again with /nilai.")
    )
    ud(context).pop(DRAFT, None)
    return END


def rating_rows(t: Translator, prefix: str, suggested: str = "") -> list[list[tuple[str, str]]]:
    """Return one button per rating, the suggested one starred."""
    rows = []
    for i, rating in enumerate(scoring.RATINGS):
        label = t._(scoring.RATING_LABELS[rating])
        if rating == suggested:
            label = "★ " + label
        rows.append([(label, f"{prefix}:{i}")])
    return rows


def draft_of(context: BotContext) -> dict[str, Any] | None:
    """Return the leader's draft from user_data, or None."""
    draft = ud(context).get(DRAFT)
    return draft if isinstance(draft, dict) else None


def deviation_lines(t: Translator, deviations: list[Deviation]) -> list[str]:
    """Word the curve deviations with the user's percent format."""
    out = []
    for d in deviations:
        params = {
            "limit": t.percent(float(d.params.get("limit", 0))),
            "actual": t.percent(float(d.params.get("actual", 0))),
            "count": t.number(d.params.get("count", 0)),
            "total": t.number(d.params.get("total", 0)),
            "needed": t.number(d.params.get("needed", 0)),
        }
        out.append("• " + t._(d.message).format(**params))
    return out


async def cancel(update: Update, context: BotContext) -> int:
    """Drop the draft; nothing was saved."""
    _ = context.t._
    await answer(update)
    ud(context).pop(DRAFT, None)
    ud(context).pop(HR_DRAFT, None)
    await reply(update, context, _("All right, stopped. Nothing was saved."))
    return END


async def not_text(update: Update, context: BotContext) -> None:
    """Answer a sticker, photo or file where text is expected."""
    _ = context.t._
    await reply(
        update,
        context,
        _("Please type your answer as text, or tap Cancel."),
        keyboard([cancel_row(context.t)]),
    )
