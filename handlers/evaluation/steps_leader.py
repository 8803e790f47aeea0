"""The leader's steps: the list, the summary, both ratings, BerAKHLAK notes, comment, confirm."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import evaluation
from bot.services.evaluation import MAX_COMMENT, MAX_NOTE, Problem
from bot.services.evaluation.predikat import BERAKHLAK, RATINGS, predikat
from bot.services.text_rules import check_text
from handlers.common import answer, callback_int, edit_or_reply, keyboard, reply, require_speaker
from handlers.conversation import END
from handlers.evaluation import texts
from handlers.evaluation.state import (
    COMMENT,
    CONFIRM,
    FLOW,
    HASIL,
    LEADER,
    LIST,
    NOTE,
    PERILAKU,
    LeaderDraft,
    buttons,
    chosen,
    typed,
    with_cancel,
)
from handlers.evaluation.steps_hr import hr_menu


async def start(update: Update, context: BotContext) -> int:
    """Show whom the speaker still has to evaluate (or their own result, or HR's menu)."""
    speaker = require_speaker(context)
    deps = context.deps
    LEADER.forget(context)
    overview = await evaluation.evaluator_overview(
        deps.sessions, speaker, deps.clock.utcnow(), deps.settings
    )
    await answer(update)
    if overview.evaluates_nobody and speaker.is_hr:
        return await hr_menu(update, context)
    if overview.evaluates_nobody and overview.own is not None:
        text, rows = texts.own_result_screen(context.t, overview.own)
        await reply(update, context, text, buttons(rows))
        return END
    text, rows = texts.overview_screen(context.t, overview, speaker.is_hr)
    await reply(update, context, text, buttons(rows))
    return LIST if rows else END


async def pick(update: Update, context: BotContext) -> int:
    """Open the semester summary of one evaluatee and ask for the hasil-kerja rating."""
    t = context.t
    deps = context.deps
    employee_id = callback_int(update, "ev:pick")
    await answer(update)
    if employee_id is None:
        return await FLOW.lost(update, context)
    opened = await evaluation.open_summary(
        deps.sessions, require_speaker(context), employee_id, deps.clock.utcnow(), deps.settings
    )
    summary = opened.summary
    if summary is None:
        problem = opened.problem or Problem.NOT_FOUND
        await reply(update, context, texts.refusal_text(t, problem, opened.opens_at))
        return END
    suggested = summary.suggestion.rating or ""
    draft = LeaderDraft(
        employee_id=employee_id,
        name=summary.employee.name,
        period=summary.period.code,
        fingerprint=summary.fingerprint,
        suggested=suggested,
    )
    LEADER.keep(context, draft)
    rows = texts.summary_rows(t, summary, suggested)
    await reply(update, context, texts.summary_screen(t, summary), with_cancel(context, rows))
    return HASIL


async def more_notes(update: Update, context: BotContext) -> int:
    """Show every report note of the semester in full, with the rating buttons again."""
    deps = context.deps
    draft = LEADER.get(context)
    await answer(update)
    if draft is None:
        return await FLOW.lost(update, context)
    opened = await evaluation.open_summary(
        deps.sessions, require_speaker(context), draft.employee_id, deps.clock.utcnow(),
        deps.settings,
    )  # fmt: skip
    if opened.summary is None:
        problem = opened.problem or Problem.NOT_FOUND
        await reply(update, context, texts.refusal_text(context.t, problem, opened.opens_at))
        return END
    rows = texts.rating_rows(context.t, "ev:h", draft.suggested)
    await reply(
        update, context, texts.notes_screen(context.t, opened.summary), with_cancel(context, rows)
    )
    return HASIL


async def show_perilaku(update: Update, context: BotContext, draft: LeaderDraft) -> int:
    """Keep the draft and show the behaviour rating screen with the notes so far."""
    LEADER.keep(context, draft)
    text, rows = texts.perilaku_screen(context.t, draft)
    await edit_or_reply(update, context, text, with_cancel(context, rows))
    return PERILAKU


async def rate_hasil(update: Update, context: BotContext) -> int:
    """Store the hasil-kerja rating and ask for perilaku kerja."""
    draft = LEADER.get(context)
    rating = chosen(update, "ev:h", RATINGS)
    if draft is None or rating is None:
        return await FLOW.lost(update, context)
    await answer(update)
    draft.hasil = rating
    return await show_perilaku(update, context, draft)


async def notes_menu(update: Update, context: BotContext) -> int:
    """List the seven BerAKHLAK values to write a note on."""
    draft = LEADER.get(context)
    if draft is None or not draft.hasil:
        return await FLOW.lost(update, context)
    await answer(update)
    t = context.t
    await edit_or_reply(update, context, t._(texts.WHICH_VALUE), keyboard(texts.values_menu(t)))
    return PERILAKU


async def ask_note(update: Update, context: BotContext) -> int:
    """Ask for the note on one value."""
    t = context.t
    draft = LEADER.get(context)
    key = chosen(update, "ev:note", texts.BERAKHLAK_KEYS)
    if draft is None or key is None or not draft.hasil:
        return await FLOW.lost(update, context)
    await answer(update)
    draft.note_key = key
    LEADER.keep(context, draft)
    await edit_or_reply(update, context, texts.note_prompt(t, key), keyboard(texts.back_rows(t)))
    return NOTE


async def typed_note(update: Update, context: BotContext) -> int | None:
    """Keep the typed note and go back to the behaviour rating."""
    draft = LEADER.get(context)
    if draft is None or draft.note_key not in BERAKHLAK:
        return await FLOW.lost(update, context)
    text = typed(update)
    problem = check_text(text, minimum=0, limit=MAX_NOTE)
    if problem is not None:
        too_long = texts.too_long_text(context.t, texts.NOTE_TOO_LONG, problem.length, MAX_NOTE)
        await reply(update, context, too_long)
        return None
    if text:
        draft.notes[draft.note_key] = text
    draft.note_key = ""
    return await show_perilaku(update, context, draft)


async def back_to_perilaku(update: Update, context: BotContext) -> int:
    """Return to the behaviour rating screen."""
    draft = LEADER.get(context)
    if draft is None or not draft.hasil:
        return await FLOW.lost(update, context)
    await answer(update)
    draft.note_key = ""
    return await show_perilaku(update, context, draft)


async def rate_perilaku(update: Update, context: BotContext) -> int:
    """Store the perilaku rating, show the predikat and ask for a comment."""
    draft = LEADER.get(context)
    rating = chosen(update, "ev:p", RATINGS)
    if draft is None or rating is None or not draft.hasil:
        return await FLOW.lost(update, context)
    await answer(update)
    draft.perilaku = rating
    LEADER.keep(context, draft)
    text = texts.comment_prompt(context.t, draft, predikat(draft.hasil, draft.perilaku))
    await edit_or_reply(update, context, text, with_cancel(context, texts.skip_rows(context.t)))
    return COMMENT


async def show_confirm(update: Update, context: BotContext, draft: LeaderDraft) -> int:
    """Keep the draft and show the whole evaluation with Confirm / Cancel."""
    LEADER.keep(context, draft)
    text = texts.confirm_screen(context.t, draft, predikat(draft.hasil, draft.perilaku))
    await reply(update, context, text, with_cancel(context, texts.confirm_rows(context.t)))
    return CONFIRM


async def typed_comment(update: Update, context: BotContext) -> int | None:
    """Keep the typed comment (within the limit) and show the confirmation."""
    draft = LEADER.get(context)
    if draft is None or not draft.perilaku:
        return await FLOW.lost(update, context)
    text = typed(update)
    problem = check_text(text, minimum=0, limit=MAX_COMMENT)
    if problem is not None:
        t = context.t
        too_long = texts.too_long_text(t, texts.COMMENT_TOO_LONG, problem.length, MAX_COMMENT)
        await reply(update, context, too_long, with_cancel(context, texts.skip_rows(t)))
        return None
    draft.comment = text
    return await show_confirm(update, context, draft)


async def skip_comment(update: Update, context: BotContext) -> int:
    """Go on without a comment."""
    draft = LEADER.get(context)
    if draft is None or not draft.perilaku:
        return await FLOW.lost(update, context)
    await answer(update)
    draft.comment = ""
    return await show_confirm(update, context, draft)


async def confirm(update: Update, context: BotContext) -> int:
    """Finalize the evaluation; then show the OPD's curve deviation as a gentle note."""
    deps = context.deps
    draft = LEADER.get(context)
    if draft is None or not draft.perilaku:
        return await FLOW.lost(update, context)
    await answer(update)
    saved = await evaluation.finalize(
        deps.sessions,
        deps.i18n,
        require_speaker(context),
        draft.final(),
        deps.clock.utcnow(),
        deps.settings,
    )
    LEADER.forget(context)
    if saved.problem is not None:
        await reply(update, context, texts.refusal_text(context.t, saved.problem, saved.opens_at))
        return END
    context.wake_outbox()
    await reply(update, context, texts.saved_text(context.t, draft.name, saved))
    return END
