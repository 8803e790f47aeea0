"""Correcting or withdrawing a sent report, by its owner, within 24 hours.

Correct starts the conversation (the corrected value is typed); Withdraw is two plain
buttons. The service re-checks owner and time window on every press.
"""

from __future__ import annotations

from decimal import Decimal

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services import reports
from bot.services.numbers import AmountError
from bot.services.reports import ChangeOutcome, ChangeResult
from bot.services.reports import drafts as report_drafts
from bot.services.reports.drafts import DraftError
from handlers.common import answer, callback_int, edit_or_reply, keyboard, reply
from handlers.conversation import refuse
from handlers.reports import texts
from handlers.reports.prompts import put
from handlers.reports.state import (
    DRAFTS,
    END,
    FIX_CONFIRM,
    FIX_FIELD,
    FIX_VALUE,
    FIXES,
    FLOW,
    ReportFix,
    now,
)

CORRECTED = N_("<b>Your report has been corrected.</b>")
WITHDRAWN = N_("The report has been withdrawn.")


async def check_change(
    update: Update, context: BotContext, report_id: int | None
) -> ChangeOutcome | None:
    """Return the report if this speaker may still change it; otherwise refuse and return None."""
    speaker = context.speaker
    if speaker is None or report_id is None:
        await refuse(update, context, texts.CHANGE_REFUSALS[ChangeResult.NOT_FOUND])
        return None
    db = context.deps.sessions
    outcome = await reports.changeable_report(db, speaker.id, report_id, now(context))
    if outcome.result is not ChangeResult.OK:
        await refuse(update, context, texts.CHANGE_REFUSALS[outcome.result])
        return None
    return outcome


async def start_fix(update: Update, context: BotContext) -> int | None:
    """Correct: for a number target choose amount or note; a qualitative one takes new text."""
    report_id = callback_int(update, "rp:fix")
    outcome = await check_change(update, context, report_id)
    if outcome is None or outcome.report is None or outcome.progress is None:
        return None  # refused: any flow in progress stays where it was
    assert report_id is not None
    await answer(update)
    report, progress = outcome.report, outcome.progress
    field = "narrative" if progress.qualitative else "note"
    FIXES.keep(context, ReportFix(report_id=report_id, field=field))
    if progress.qualitative:
        await ask_fix_value(update, context, "narrative")
        return FIX_VALUE
    text, rows = texts.fix_choice(context.t, report, progress)
    await put(update, context, text, rows, edit=False)
    return FIX_FIELD


async def ask_fix_value(update: Update, context: BotContext, field: str) -> None:
    """Ask for the corrected amount, note or description."""
    await put(update, context, texts.fix_question(context.t, field), [], edit=True)


async def fix_field(update: Update, context: BotContext) -> int:
    """Remember which part of the report is corrected."""
    fix = FIXES.get(context)
    if fix is None:
        return await FLOW.lost(update, context)
    await answer(update)
    data = update.callback_query.data if update.callback_query else ""
    fix.field = "amount" if data == "rp:fx:a" else "note"
    FIXES.keep(context, fix)
    await ask_fix_value(update, context, fix.field)
    return FIX_VALUE


async def fix_value(update: Update, context: BotContext) -> int | None:
    """Check the corrected value, then apply it (asking first when far above the target)."""
    fix, message = FIXES.get(context), update.effective_message
    if fix is None or context.speaker is None or message is None:
        return await FLOW.lost(update, context)
    try:
        if fix.field == "amount":
            fix.value = str(report_drafts.parse_report_amount(message.text))
        elif fix.field == "narrative":
            fix.value = report_drafts.check_narrative(message.text)
        else:
            fix.value = report_drafts.check_note(message.text)
    except AmountError as error:
        await reply(update, context, context.t._(error.reason), FLOW.cancel_only(context))
        return None
    except DraftError as error:
        text = texts.draft_error_text(context.t, error)
        await reply(update, context, text, FLOW.cancel_only(context))
        return None
    FIXES.keep(context, fix)
    return await apply_fix(update, context, fix, confirmed=False)


async def fix_confirm(update: Update, context: BotContext) -> int | None:
    """Apply a confirmed large correction, or ask for the amount again."""
    fix = FIXES.get(context)
    if fix is None or context.speaker is None or fix.value is None:
        return await FLOW.lost(update, context)
    await answer(update)
    if (update.callback_query.data if update.callback_query else "") != "rp:fx:ok":
        await ask_fix_value(update, context, "amount")
        return FIX_VALUE
    return await apply_fix(update, context, fix, confirmed=True)


async def apply_fix(
    update: Update, context: BotContext, fix: ReportFix, *, confirmed: bool
) -> int | None:
    """Save the correction (the service re-checks owner and the 24-hour window)."""
    speaker = context.speaker
    assert speaker is not None
    assert fix.value is not None
    is_amount = fix.field == "amount"
    outcome = await reports.correct_report(
        context.deps.sessions,
        employee_id=speaker.id,
        report_id=fix.report_id,
        now=now(context),
        amount=Decimal(fix.value) if is_amount else None,
        note=None if is_amount else fix.value,
        confirmed=confirmed,
    )
    edit = update.callback_query is not None
    if outcome.result is ChangeResult.NEEDS_CONFIRMATION and outcome.progress:
        previous = outcome.report.amount if outcome.report else None
        amount = Decimal(fix.value)
        text, rows = texts.fix_big_question(context.t, outcome.progress, previous, amount)
        await put(update, context, text, rows, edit=edit)
        return FIX_CONFIRM
    DRAFTS.forget(context)
    if outcome.result is not ChangeResult.OK or outcome.progress is None:
        text = context.t._(texts.change_refusal(outcome.result))
    else:
        text = texts.changed_text(context.t, CORRECTED, outcome.progress)
    await (edit_or_reply if edit else reply)(update, context, text)
    return END


async def fix_not_text(update: Update, context: BotContext) -> None:
    """Ask for the correction as text."""
    text = context.t._("Please type the correction as a text message.")
    await reply(update, context, text, FLOW.cancel_only(context))


# --- withdrawing ---


async def ask_withdraw(update: Update, context: BotContext) -> None:
    """Withdraw: ask once more before the report stops counting."""
    outcome = await check_change(update, context, callback_int(update, "rp:del"))
    if outcome is None or outcome.report is None or outcome.progress is None:
        return
    await answer(update)
    text, rows = texts.withdraw_question(context.t, outcome.report, outcome.progress)
    await reply(update, context, text, keyboard(rows))


async def do_withdraw(update: Update, context: BotContext) -> None:
    """Withdraw the report if its owner may still do so."""
    speaker = context.speaker
    report_id = callback_int(update, "rp:delok")
    if speaker is None or report_id is None:
        await refuse(update, context, texts.CHANGE_REFUSALS[ChangeResult.NOT_FOUND])
        return
    outcome = await reports.withdraw_report(
        context.deps.sessions, employee_id=speaker.id, report_id=report_id, now=now(context)
    )
    if outcome.result is not ChangeResult.OK or outcome.progress is None:
        await refuse(update, context, texts.CHANGE_REFUSALS[outcome.result])
        return
    await answer(update)
    await edit_or_reply(
        update, context, texts.changed_text(context.t, WITHDRAWN, outcome.progress)
    )


async def keep_report(update: Update, context: BotContext) -> None:
    """Leave the report as it is."""
    await answer(update)
    await edit_or_reply(update, context, context.t._("All right, the report stays as it is."))
