"""The summary's buttons: Send (saved once, the leader told), Change, or another target."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.services import reports
from bot.services.reports import SaveResult
from bot.services.reports import notices as report_notices
from bot.text import esc
from handlers.common import answer, edit_or_reply, keyboard
from handlers.reports.prompts import ask_amount, ask_confirm_big, show_targets, target_gone
from handlers.reports.state import (
    AMOUNT,
    CONFIRM_BIG,
    END,
    SUMMARY,
    THEN_KEY,
    draft_of,
    forget,
    load_progress,
    lost,
    now,
    period,
)
from handlers.reports.texts import L_CHANGE, L_CORRECT, L_WITHDRAW, cancel_row, standing


async def send_report(update: Update, context: BotContext) -> int | None:
    """Save the report (once) and tell the leader; refuse politely if the target changed.

    The same press handled again (a failover) finds the saved report and thanks once more.
    """
    t = context.t
    _ = t._
    draft, speaker = draft_of(context), context.speaker
    query = update.callback_query
    if draft is None or speaker is None or query is None:
        return await lost(update, context)
    if query.data != f"rp:send:{draft.nonce}":
        await answer(update, _("This button belongs to an earlier summary."), alert=True)
        return None
    deps = context.deps
    async with deps.sessions() as session:
        outcome = await report_notices.submit_report(
            session,
            deps.i18n,
            employee_id=speaker.id,
            draft=draft,
            period=period(context),
            now=now(context),
        )
        if outcome.result is SaveResult.SAVED:
            await session.commit()
    if outcome.result is SaveResult.TARGET_UNAVAILABLE:
        await answer(update)
        return await target_gone(update, context, edit=True)
    if outcome.result is SaveResult.TARGET_CHANGED:
        await answer(update)
        await edit_or_reply(
            update,
            context,
            _(
                "Your supervisor changed this target after you started. Please check the "
                "amount again; your note and files are kept."
            ),
            keyboard([[(_(L_CHANGE), "rp:edit")], cancel_row(context)]),
        )
        return SUMMARY
    if outcome.result is SaveResult.NEEDS_CONFIRMATION and outcome.progress and draft.amount:
        await answer(update)
        if context.user_data is not None:
            context.user_data[THEN_KEY] = "summary"
        await ask_confirm_big(update, context, outcome.progress, draft.amount, edit=True)
        return CONFIRM_BIG
    saved = outcome.result in (SaveResult.SAVED, SaveResult.ALREADY_SAVED)
    if not saved or outcome.report is None:
        await answer(update)
        progress = outcome.progress or await load_progress(context, speaker, draft.target_id)
        if progress is None:
            return await target_gone(update, context, edit=True)
        await ask_amount(update, context, progress, edit=True)
        return AMOUNT
    context.wake_outbox()
    forget(context)
    await answer(update, _("Report sent. Thank you!"))
    await edit_or_reply(update, context, *thanks(context, outcome))
    return END


def thanks(context: BotContext, outcome: reports.SaveOutcome) -> tuple[str, InlineKeyboardMarkup]:
    """The warm thank-you with the new standing and 24-hour Correct / Withdraw buttons."""
    t = context.t
    _ = t._
    report, progress = outcome.report, outcome.progress
    assert report is not None
    assert progress is not None
    deadline = reports.change_deadline(report)
    lines = [
        _("<b>Thank you, your report has been saved!</b>"),
        esc(progress.target.title),
        standing(context, progress),
        "",
    ]
    ratio = progress.ratio
    if ratio is not None and ratio >= 1:
        lines.append(_("You have reached this target. Excellent work!"))
    else:
        lines.append(_("Every step counts. Keep up the good work!"))
    lines.append(
        _("You can correct or withdraw this report until {day}, {time}.").format(
            day=t.date(deadline), time=t.time(deadline)
        )
    )
    markup = keyboard(
        [[(_(L_CORRECT), f"rp:fix:{report.id}"), (_(L_WITHDRAW), f"rp:del:{report.id}")]]
    )
    return "\n".join(lines), markup


async def change_report(update: Update, context: BotContext) -> int:
    """Change: go back to the amount (the note and files are offered again afterwards)."""
    draft, speaker = draft_of(context), context.speaker
    if draft is None or speaker is None:
        return await lost(update, context)
    await answer(update)
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=True)
    await ask_amount(update, context, progress, edit=True)
    return AMOUNT


async def retarget(update: Update, context: BotContext) -> int:
    """Choose another target, keeping what was already written."""
    if context.speaker is None:
        return await lost(update, context)
    await answer(update)
    return await show_targets(update, context, context.speaker, edit=True)
