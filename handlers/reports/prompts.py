"""The question each step of /lapor shows: targets, amount, confirmation, note, evidence, summary.

Kept apart from the steps that read the answers, because several steps lead to the same
question (for example the summary, or the amount again after Change).
"""

from __future__ import annotations

from decimal import Decimal

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.services import reports
from bot.services.access import Speaker
from bot.services.reports import TargetProgress
from bot.services.reports import drafts as report_drafts
from bot.services.reports.drafts import ReportDraft
from bot.text import esc
from handlers.common import edit_or_reply, keyboard, reply
from handlers.reports.state import (
    ACK_KEY,
    END,
    PICK,
    SUMMARY,
    draft_of,
    forget,
    load_progress,
    lost,
    period,
)
from handlers.reports.texts import (
    CANCEL,
    L_CANCEL,
    L_CHANGE,
    L_DONE,
    L_SEND,
    L_SKIP,
    TITLE_IN_BUTTON,
    cancel_row,
    standing,
)


async def show_targets(
    update: Update, context: BotContext, speaker: Speaker, *, edit: bool
) -> int:
    """Offer the targets as buttons with their current achievement; explain when there are none."""
    t = context.t
    _ = t._
    async with context.deps.sessions() as session:
        targets = await reports.reportable_targets(session, speaker.id, period(context))
    if not targets:
        forget(context)
        text = _(
            "You have no approved targets for this semester yet, so there is nothing to "
            "report on. Add your targets with /target; once your supervisor approves them, "
            "you can report progress here. Thank you for your diligence!"
        )
        await (edit_or_reply if edit else reply)(update, context, text)
        return END
    rows: list[list[tuple[str, str]]] = []
    for item in targets:
        title = item.target.title
        short = title if len(title) <= TITLE_IN_BUTTON else title[: TITLE_IN_BUTTON - 1] + "…"
        if item.qualitative or item.ratio is None:
            label = _("{title} · {count} reports").format(title=short, count=item.reports)
        else:
            label = f"{short} · {t.percent(item.ratio)}"
        rows.append([(label, f"rp:t:{item.id}")])
    rows.append(cancel_row(context))
    text = _("<b>Progress report</b>\nWhich target is this report for?")
    await (edit_or_reply if edit else reply)(update, context, text, keyboard(rows))
    return PICK


async def ask_amount(
    update: Update, context: BotContext, progress: TargetProgress, *, edit: bool
) -> None:
    """Ask for the increment achieved, or for a description of a qualitative target."""
    t = context.t
    _ = t._
    target = progress.target
    head = _("<b>{title}</b>").format(title=esc(target.title))
    if progress.qualitative:
        body = _(
            "This target is qualitative. Please describe in a few sentences what you have "
            "achieved (at most {limit} characters)."
        ).format(limit=t.number(report_drafts.NARRATIVE_MAX_CHARS))
    else:
        body = (
            _("So far:")
            + " "
            + standing(context, progress)
            + "\n\n"
            + _(
                "How much have you achieved since your last report? Type a number in "
                "{unit}, for example 3 or 2,5."
            ).format(unit=esc(target.unit or "-"))
        )
    markup = keyboard([cancel_row(context)])
    await (edit_or_reply if edit else reply)(update, context, f"{head}\n{body}", markup)


async def ask_confirm_big(
    update: Update,
    context: BotContext,
    progress: TargetProgress,
    amount: Decimal,
    *,
    edit: bool,
) -> None:
    """Ask whether an amount far above the target is really meant."""
    t = context.t
    _ = t._
    target = progress.target
    text = _(
        "You typed <b>{amount} {unit}</b>. Together with what you reported before, that makes "
        "{total} of {target} {unit} ({percent}), far above the target.\n\nIs this amount "
        "correct?"
    ).format(
        amount=t.number(amount),
        unit=esc(target.unit),
        total=t.number(progress.achieved + amount),
        target=t.number(target.target_amount or 0),
        percent=t.percent(progress.ratio_with(amount) or 0),
    )
    markup = keyboard(
        [
            [(_("Yes, it is correct"), "rp:big:yes"), (_("Type it again"), "rp:big:no")],
            cancel_row(context),
        ]
    )
    await (edit_or_reply if edit else reply)(update, context, text, markup)


async def ask_note(
    update: Update, context: BotContext, draft: ReportDraft, *, edit: bool = False
) -> None:
    """Ask for a short note on quality, which may be skipped."""
    t = context.t
    _ = t._
    text = _(
        'Add a short note on the quality of the work, for example "checked and signed by the '
        'head of section" (at most {limit} characters). Or press Skip.'
    ).format(limit=t.number(report_drafts.NOTE_MAX_CHARS))
    if draft.note:
        text += "\n\n" + _("Your current note: {note}\nPress Skip to keep it.").format(
            note=esc(draft.note)
        )
    markup = keyboard([[(_(L_SKIP), "rp:skip")], cancel_row(context)])
    await (edit_or_reply if edit else reply)(update, context, text, markup)


def evidence_markup(context: BotContext, draft: ReportDraft) -> InlineKeyboardMarkup:
    _ = context.t._
    first = [(_(L_DONE), "rp:done")] if draft.evidence else [(_(L_SKIP), "rp:skip")]
    return keyboard([first, cancel_row(context)])


async def ask_evidence(
    update: Update, context: BotContext, draft: ReportDraft, *, edit: bool = False
) -> None:
    """Ask for photos or documents as evidence (optional)."""
    t = context.t
    _ = t._
    if context.user_data is not None:
        context.user_data.pop(ACK_KEY, None)
    text = _(
        "Now send your evidence: one or more photos or documents ({types}; at most {size} MB "
        "each, up to {count} files). Press Done when you are finished, or Skip if you have none."
    ).format(
        types=report_drafts.ALLOWED_TYPES_LABEL,
        size=t.number(report_drafts.megabytes(context.deps.settings.evidence_max_bytes)),
        count=report_drafts.MAX_EVIDENCE_FILES,
    )
    if draft.evidence:
        text += "\n\n" + _("Files attached so far: {count}. Press Skip to keep them.").format(
            count=len(draft.evidence)
        )
        markup = keyboard([[(_(L_DONE), "rp:done"), (_(L_SKIP), "rp:skip")], cancel_row(context)])
    else:
        markup = evidence_markup(context, draft)
    await (edit_or_reply if edit else reply)(update, context, text, markup)


async def show_summary(update: Update, context: BotContext, *, edit: bool) -> int:
    """Show everything once more with Send / Change / Cancel."""
    t = context.t
    _ = t._
    draft, speaker = draft_of(context), context.speaker
    if draft is None or speaker is None:
        return await lost(update, context)
    progress = await load_progress(context, speaker, draft.target_id)
    if progress is None:
        return await target_gone(update, context, edit=edit)
    target = progress.target
    lines = [
        _("<b>Please check your report</b>"),
        _("Target: {title}").format(title=esc(target.title)),
    ]
    if progress.qualitative:
        lines.append(_("Description: {text}").format(text=esc(draft.note)))
    else:
        amount = draft.amount or Decimal(0)
        lines.append(
            _("Amount: +{amount} {unit}").format(amount=t.number(amount), unit=esc(target.unit))
        )
        after = reports.TargetProgress(target, progress.achieved + amount, progress.reports + 1)
        lines.append(_("After this report:") + " " + standing(context, after))
        lines.append(_("Note: {note}").format(note=esc(draft.note) if draft.note else "-"))
    lines.append(_("Evidence files: {count}").format(count=len(draft.evidence)))
    markup = keyboard(
        [
            [(_(L_SEND), f"rp:send:{draft.nonce}")],
            [(_(L_CHANGE), "rp:edit"), (_(L_CANCEL), CANCEL)],
        ]
    )
    await (edit_or_reply if edit else reply)(update, context, "\n".join(lines), markup)
    return SUMMARY


async def target_gone(update: Update, context: BotContext, *, edit: bool) -> int:
    """The target can no longer take reports: keep the draft and offer another target."""
    _ = context.t._
    text = _(
        "Sorry, this target cannot take reports any more: your supervisor may have returned "
        "it for revision, or it belongs to an earlier semester. Your note and files are kept. "
        "You can choose another target."
    )
    markup = keyboard([[(_("Choose another target"), "rp:retarget")], cancel_row(context)])
    await (edit_or_reply if edit else reply)(update, context, text, markup)
    return SUMMARY
