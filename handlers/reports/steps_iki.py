"""/lapor for an RHK with several IKIs: one question per IKI (a number, a delivery, or words,
each may be skipped), then the note, the files and the summary as for any report."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services.numbers import AmountError, parse_amount
from bot.services.reports import TargetProgress
from bot.services.reports import drafts as report_drafts
from bot.services.reports.drafts import DraftError, ReportDraft
from bot.services.reports.values import IkiValue
from bot.services.targets.achievement import IkiProgress
from bot.services.targets.achievement_rules import Measure
from handlers.common import answer, reply
from handlers.conversation import refuse
from handlers.reports import texts
from handlers.reports.prompts import ask_amount, ask_note, put, target_gone
from handlers.reports.state import AMOUNT, DRAFTS, FLOW, IKI, NOTE, load_progress

OLD_BUTTON = N_("This button belongs to an earlier question.")


def several(progress: TargetProgress) -> bool:
    """True when the report asks IKI by IKI (several IKIs, or one level, lower-is-better or
    deadline IKI, whose value is not an increment)."""
    return progress.rhk is not None and progress.rhk.by_indicator


async def ask_values(
    update: Update,
    context: BotContext,
    progress: TargetProgress,
    draft: ReportDraft,
    *,
    edit: bool,
) -> int:
    """Ask for the report's values: the amount, or each IKI in turn (from the first)."""
    if not several(progress):
        await ask_amount(update, context, progress, edit=edit)
        return AMOUNT
    draft.values, draft.iki_step, draft.amount = [], 0, None
    DRAFTS.keep(context, draft)
    return await ask_iki(update, context, progress, draft, edit=edit)


async def ask_iki(
    update: Update,
    context: BotContext,
    progress: TargetProgress,
    draft: ReportDraft,
    *,
    edit: bool,
) -> int:
    """Ask the IKI the draft has come to."""
    text, rows = texts.iki_question(context.t, progress, draft.iki_step)
    await put(update, context, text, rows, edit=edit)
    return IKI


async def _loaded(context: BotContext) -> tuple[ReportDraft, TargetProgress | None] | None:
    """The draft and its target's progress now (None for the progress: it is gone)."""
    draft, speaker = DRAFTS.get(context), context.speaker
    if draft is None or speaker is None:
        return None
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is not None and (not several(progress) or progress.rhk is None):
        return draft, None
    return draft, progress


def _current(draft: ReportDraft, progress: TargetProgress) -> IkiProgress | None:
    assert progress.rhk is not None
    ikis = progress.rhk.ikis
    return ikis[draft.iki_step] if 0 <= draft.iki_step < len(ikis) else None


async def next_iki(
    update: Update,
    context: BotContext,
    draft: ReportDraft,
    progress: TargetProgress,
    value: IkiValue | None,
    *,
    edit: bool,
) -> int:
    """Keep the value, then ask the next IKI; after the last, the note (or again, if none)."""
    if value is not None:
        draft.values = [v for v in draft.values if v.indicator_id != value.indicator_id]
        draft.values.append(value)
    draft.iki_step += 1
    assert progress.rhk is not None
    if draft.iki_step >= len(progress.rhk.ikis):
        if draft.values:
            DRAFTS.keep(context, draft)
            await ask_note(update, context, draft, edit=edit)
            return NOTE
        draft.iki_step = 0
        await reply(update, context, context.t._(texts.NO_VALUE))
        edit = False
    DRAFTS.keep(context, draft)
    return await ask_iki(update, context, progress, draft, edit=edit)


def typed_value(iki: IkiProgress, text: str | None) -> IkiValue | None:
    """The value typed for an IKI; None for a delivery (answered by buttons).

    Raises AmountError or DraftError with a msgid when the text cannot be used.
    """
    assert iki.indicator.id is not None
    if iki.measure is Measure.QUALITATIVE:
        return IkiValue(iki.indicator.id, note=report_drafts.check_narrative(text))
    if iki.measure is Measure.DEADLINE:
        return None
    if iki.measure is Measure.CUMULATIVE:
        return IkiValue(iki.indicator.id, amount=report_drafts.parse_report_amount(text))
    return IkiValue(iki.indicator.id, amount=parse_amount(text, allow_zero=True))


async def receive_iki_text(update: Update, context: BotContext) -> int | None:
    """Take what was typed for the current IKI; explain and stay when it cannot be used."""
    loaded, message = await _loaded(context), update.effective_message
    if loaded is None or message is None:
        return await FLOW.lost(update, context)
    draft, progress = loaded
    iki = _current(draft, progress) if progress is not None else None
    if progress is None or iki is None:
        return await target_gone(update, context, edit=False)
    try:
        value = typed_value(iki, message.text)
    except AmountError as error:
        await reply(update, context, context.t._(error.reason), FLOW.cancel_only(context))
        return None
    except DraftError as error:
        text = texts.draft_error_text(context.t, error)
        await reply(update, context, text, FLOW.cancel_only(context))
        return None
    if value is None:
        return await ask_iki(update, context, progress, draft, edit=False)
    return await next_iki(update, context, draft, progress, value, edit=False)


async def iki_button(update: Update, context: BotContext) -> int | None:
    """Skip this IKI, or record its delivery: done today, on time or late."""
    loaded = await _loaded(context)
    if loaded is None:
        return await FLOW.lost(update, context)
    draft, progress = loaded
    iki = _current(draft, progress) if progress is not None else None
    if progress is None or iki is None or iki.indicator.id is None:
        return await target_gone(update, context, edit=True)
    choice = (update.callback_query.data or "") if update.callback_query else ""
    value: IkiValue | None = None
    if choice != "rp:iv:skip":
        if iki.measure is not Measure.DEADLINE:
            await refuse(update, context, OLD_BUTTON)
            return None
        today = context.deps.clock.now().date()
        value = IkiValue(
            iki.indicator.id,
            done_on=today if choice == "rp:iv:done" else None,
            on_time=None if choice == "rp:iv:done" else choice == "rp:iv:ontime",
        )
    await answer(update)
    return await next_iki(update, context, draft, progress, value, edit=True)


async def iki_not_text(update: Update, context: BotContext) -> None:
    """Ask for text (or a button) when something else arrives for an IKI."""
    text = context.t._("Please type the value as a text message, or use the buttons above.")
    await reply(update, context, text, FLOW.cancel_only(context))
