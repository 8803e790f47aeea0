"""Correcting or withdrawing a sent report, by its owner, within 24 hours.

Correct starts the conversation (the corrected value is typed); Withdraw is two plain
buttons. The service re-checks owner and time window on every press.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services import reports
from bot.services.access import Speaker
from bot.services.numbers import AmountError
from bot.services.reports import ChangeOutcome, ChangeResult
from bot.services.reports import drafts as report_drafts
from bot.services.reports.drafts import DraftError
from bot.text import esc
from handlers.common import answer, edit_or_reply, keyboard, reply
from handlers.reports.state import (
    END,
    FIX_CONFIRM,
    FIX_FIELD,
    FIX_KEY,
    FIX_VALUE,
    forget,
    lost,
    now,
    report_id_of,
)
from handlers.reports.texts import cancel_row, draft_error_text, standing

CHANGE_REFUSALS = {
    ChangeResult.NOT_FOUND: N_("This report cannot be changed from your account."),
    ChangeResult.WITHDRAWN: N_("This report has already been withdrawn."),
    ChangeResult.TOO_LATE: N_(
        "Reports can be corrected or withdrawn only within 24 hours of sending. If something "
        "needs fixing, please tell your supervisor, or send a new report."
    ),
    ChangeResult.INVALID: N_("That change cannot be made to this report."),
}


async def check_change(
    update: Update, context: BotContext, report_id: int | None
) -> ChangeOutcome | None:
    """Return the report if this speaker may still change it; otherwise refuse and return None."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None or report_id is None:
        await answer(update, _(CHANGE_REFUSALS[ChangeResult.NOT_FOUND]), alert=True)
        return None
    async with context.deps.sessions() as session:
        outcome = await reports.changeable_report(session, speaker.id, report_id, now(context))
    if outcome.result is not ChangeResult.OK:
        await answer(update, _(CHANGE_REFUSALS[outcome.result]), alert=True)
        return None
    return outcome


async def start_fix(update: Update, context: BotContext) -> int | None:
    """Correct: for a number target choose amount or note; a qualitative one takes new text."""
    t = context.t
    _ = t._
    report_id = report_id_of(update, "rp:fix")
    outcome = await check_change(update, context, report_id)
    if outcome is None or outcome.report is None or outcome.progress is None:
        return None  # refused: any flow in progress stays where it was
    await answer(update)
    report, progress = outcome.report, outcome.progress
    field = "narrative" if progress.qualitative else "note"
    if context.user_data is not None:
        context.user_data[FIX_KEY] = {"report_id": report_id, "field": field}
    if progress.qualitative:
        await ask_fix_value(update, context, "narrative")
        return FIX_VALUE
    lines = [
        _("<b>Correct your report</b>"),
        _("Target: {title}").format(title=esc(progress.target.title)),
        _("Amount: +{amount} {unit}").format(
            amount=t.number(report.amount or 0), unit=esc(progress.target.unit)
        ),
        _("Note: {note}").format(note=esc(report.note) if report.note else "-"),
        "",
        _("What would you like to correct?"),
    ]
    markup = keyboard([[(_("Amount"), "rp:fx:a"), (_("Note"), "rp:fx:n")], cancel_row(context)])
    await reply(update, context, "\n".join(lines), markup)
    return FIX_FIELD


def fix_state(context: BotContext) -> dict[str, Any] | None:
    state = (context.user_data or {}).get(FIX_KEY)
    return state if isinstance(state, dict) and "report_id" in state else None


async def ask_fix_value(update: Update, context: BotContext, field: str) -> None:
    """Ask for the corrected amount, note or description."""
    t = context.t
    _ = t._
    if field == "amount":
        text = _("Please type the correct amount, for example 3 or 2,5.")
    elif field == "narrative":
        text = _("Please type the corrected description (at most {limit} characters).").format(
            limit=t.number(report_drafts.NARRATIVE_MAX_CHARS)
        )
    else:
        text = _("Please type the corrected note (at most {limit} characters).").format(
            limit=t.number(report_drafts.NOTE_MAX_CHARS)
        )
    await edit_or_reply(update, context, text, keyboard([cancel_row(context)]))


async def fix_field(update: Update, context: BotContext) -> int:
    """Remember which part of the report is corrected."""
    state = fix_state(context)
    if state is None:
        return await lost(update, context)
    await answer(update)
    data = update.callback_query.data if update.callback_query else ""
    state["field"] = "amount" if data == "rp:fx:a" else "note"
    await ask_fix_value(update, context, str(state["field"]))
    return FIX_VALUE


async def fix_value(update: Update, context: BotContext) -> int | None:
    """Check the corrected value, then apply it (asking first when far above the target)."""
    state, speaker = fix_state(context), context.speaker
    message = update.effective_message
    if state is None or speaker is None or message is None:
        return await lost(update, context)
    _ = context.t._
    try:
        if state.get("field") == "amount":
            state["value"] = str(report_drafts.parse_report_amount(message.text))
        elif state.get("field") == "narrative":
            state["value"] = report_drafts.check_narrative(message.text)
        else:
            state["value"] = report_drafts.check_note(message.text)
    except AmountError as error:
        await reply(update, context, _(error.reason), keyboard([cancel_row(context)]))
        return None
    except DraftError as error:
        text = draft_error_text(context, error)
        await reply(update, context, text, keyboard([cancel_row(context)]))
        return None
    return await apply_fix(update, context, speaker, state, confirmed=False)


async def fix_confirm(update: Update, context: BotContext) -> int | None:
    """Apply a confirmed large correction, or ask for the amount again."""
    state, speaker = fix_state(context), context.speaker
    if state is None or speaker is None or "value" not in state:
        return await lost(update, context)
    await answer(update)
    if (update.callback_query.data if update.callback_query else "") != "rp:fx:ok":
        await ask_fix_value(update, context, "amount")
        return FIX_VALUE
    return await apply_fix(update, context, speaker, state, confirmed=True)


async def apply_fix(
    update: Update,
    context: BotContext,
    speaker: Speaker,
    state: dict[str, Any],
    *,
    confirmed: bool,
) -> int | None:
    """Save the correction (the service re-checks owner and the 24-hour window)."""
    t = context.t
    _ = t._
    is_amount = state.get("field") == "amount"
    value = str(state["value"])
    async with context.deps.sessions() as session:
        outcome = await reports.correct_report(
            session,
            employee_id=speaker.id,
            report_id=int(state["report_id"]),
            now=now(context),
            amount=Decimal(value) if is_amount else None,
            note=None if is_amount else value,
            confirmed=confirmed,
        )
        if outcome.result is ChangeResult.OK:
            await session.commit()
    if outcome.result is ChangeResult.NEEDS_CONFIRMATION and outcome.progress:
        progress, amount = outcome.progress, Decimal(value)
        previous = outcome.report.amount if outcome.report else None
        others = progress.achieved - (previous or 0)
        base = reports.TargetProgress(progress.target, others, progress.reports)
        text = _(
            "With <b>{amount} {unit}</b> this target would stand at {total} of {target} {unit} "
            "({percent}), far above the target. Is this amount correct?"
        ).format(
            amount=t.number(amount),
            unit=esc(progress.target.unit),
            total=t.number(others + amount),
            target=t.number(progress.target.target_amount or 0),
            percent=t.percent(base.ratio_with(amount) or 0),
        )
        markup = keyboard(
            [
                [(_("Yes, it is correct"), "rp:fx:ok"), (_("Type it again"), "rp:fx:no")],
                cancel_row(context),
            ]
        )
        await (edit_or_reply if update.callback_query else reply)(update, context, text, markup)
        return FIX_CONFIRM
    forget(context)
    if outcome.result is not ChangeResult.OK or outcome.progress is None:
        text = _(CHANGE_REFUSALS.get(outcome.result, CHANGE_REFUSALS[ChangeResult.INVALID]))
    else:
        text = (
            _("<b>Your report has been corrected.</b>")
            + "\n"
            + esc(outcome.progress.target.title)
            + "\n"
            + standing(context, outcome.progress)
        )
    await (edit_or_reply if update.callback_query else reply)(update, context, text)
    return END


async def fix_not_text(update: Update, context: BotContext) -> None:
    """Ask for the correction as text."""
    _ = context.t._
    await reply(
        update,
        context,
        _("Please type the correction as a text message."),
        keyboard([cancel_row(context)]),
    )


# --- withdrawing ---


async def ask_withdraw(update: Update, context: BotContext) -> None:
    """Withdraw: ask once more before the report stops counting."""
    t = context.t
    _ = t._
    report_id = report_id_of(update, "rp:del")
    outcome = await check_change(update, context, report_id)
    if outcome is None or outcome.report is None or outcome.progress is None:
        return
    await answer(update)
    report, target = outcome.report, outcome.progress.target
    what = (
        _("+{amount} {unit}").format(amount=t.number(report.amount), unit=esc(target.unit))
        if report.amount is not None
        else esc(report.note[:200])
    )
    text = _(
        "Withdraw this report?\n<b>{title}</b>: {what}\nIt will no longer count toward your "
        "target. This cannot be undone."
    ).format(title=esc(target.title), what=what)
    markup = keyboard(
        [[(_("Yes, withdraw it"), f"rp:delok:{report_id}"), (_("No, keep it"), "rp:keep")]]
    )
    await reply(update, context, text, markup)


async def do_withdraw(update: Update, context: BotContext) -> None:
    """Withdraw the report if its owner may still do so."""
    _ = context.t._
    speaker = context.speaker
    report_id = report_id_of(update, "rp:delok")
    if speaker is None or report_id is None:
        await answer(update, _(CHANGE_REFUSALS[ChangeResult.NOT_FOUND]), alert=True)
        return
    async with context.deps.sessions() as session:
        outcome = await reports.withdraw_report(
            session, employee_id=speaker.id, report_id=report_id, now=now(context)
        )
        if outcome.result is ChangeResult.OK:
            await session.commit()
    if outcome.result is not ChangeResult.OK or outcome.progress is None:
        await answer(update, _(CHANGE_REFUSALS[outcome.result]), alert=True)
        return
    await answer(update)
    text = (
        _("The report has been withdrawn.")
        + "\n"
        + esc(outcome.progress.target.title)
        + "\n"
        + standing(context, outcome.progress)
    )
    await edit_or_reply(update, context, text)


async def keep_report(update: Update, context: BotContext) -> None:
    """Leave the report as it is."""
    _ = context.t._
    await answer(update)
    await edit_or_reply(update, context, _("All right, the report stays as it is."))
