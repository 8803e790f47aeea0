"""The questions of the target draft: each step, the summary, and the choice of field to change.

Kept apart from the handlers that read the answers, because many of them lead to the same
question (the next unanswered step, or the summary).
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services.periods import parse_period
from bot.services.targets import drafts as target_drafts
from bot.text import esc
from handlers.common import keyboard
from handlers.targets.state import (
    CANCEL,
    PICK_FIELD,
    STATE_OF,
    STEPS,
    SUMMARY,
    applicable,
    get_draft,
    gone,
    next_step,
    owner_of,
    show,
    to_draft,
)
from handlers.targets.texts import short
from models import Target

FIELD_LABELS = {
    "jenis": N_("Main or additional"),
    "kind": N_("Quantitative or qualitative"),
    "title": N_("Work result"),
    "indicator": N_("Indicator"),
    "amount": N_("Target amount"),
    "unit": N_("Unit"),
    "expectation": N_("Expectation"),
    "quality": N_("Quality standard"),
    "parent": N_("Leader's target"),
}


async def ask(update: Update, context: BotContext, step: str, prefix: str = "") -> int:
    """Ask one step of the draft (after an optional refusal reason); return its state."""
    t = context.t
    _ = t._
    draft = get_draft(context) or {}
    cancel = [(_("Cancel"), CANCEL)]
    rows: list[list[tuple[str, str]]] = []
    if step == "jenis":
        text = _(
            "Is this a <b>main</b> (utama) or an <b>additional</b> (tambahan) target? "
            "Main targets come from your position's core tasks."
        )
        rows = [[(_("Main (utama)"), "tg:j:utama"), (_("Additional (tambahan)"), "tg:j:tambahan")]]
    elif step == "kind":
        text = _(
            "Is the target <b>quantitative</b> (a number, e.g. 12 dokumen) or "
            "<b>qualitative</b> (a description of what is expected)?"
        )
        rows = [
            [
                (_("Quantitative"), f"tg:k:{target_drafts.KIND_QUANT}"),
                (_("Qualitative"), f"tg:k:{target_drafts.KIND_QUAL}"),
            ]
        ]
    elif step == "title":
        text = _(
            "Please type the <b>work result</b> (rencana hasil kerja), for example: "
            "<i>Laporan evaluasi program imunisasi</i>. ({min}–{max} characters)"
        ).format(min=t.number(target_drafts.MIN_TITLE), max=t.number(target_drafts.MAX_TITLE))
    elif step == "indicator":
        text = _(
            "Please type the <b>indicator</b> (indikator kinerja individu): how is the result "
            "measured? For example: <i>Jumlah laporan yang selesai tepat waktu</i>."
        )
    elif step == "amount":
        text = _("Please type the <b>target amount</b> as a number, for example 12 or 12,5.")
    elif step == "unit":
        text = _(
            "Choose the <b>unit</b> of the target, or type another one (at most {max} characters)."
        ).format(max=t.number(target_drafts.MAX_UNIT))
        rows = [[(unit, f"tg:u:{i}") for i, unit in enumerate(target_drafts.COMMON_UNITS)]]
    elif step == "expectation":
        text = _(
            "Please describe the <b>expectation</b>: what result will your leader see when this "
            "target is met? (at most {max} characters)"
        ).format(max=t.number(target_drafts.MAX_EXPECTATION))
    elif step == "quality":
        text = _(
            "Is there a <b>quality standard</b>? For example: <i>sesuai format dan tepat "
            "waktu</i>. Type it, or press Skip."
        )
        rows = [[(_("Skip"), "tg:q:skip")]]
    else:
        owner = await owner_of(context, draft)
        period = parse_period(draft["period"])
        async with context.deps.sessions() as session:
            options = await target_drafts.parent_options(session, owner, period)
        if not options:
            # Nothing to choose from: the target supports no leader's target (yet).
            draft["parent"] = 0
            return await advance(update, context)
        text = _(
            "Which target of your leader does this support (RHK pimpinan yang diintervensi)? "
            "Choose one, or “None”."
        )
        rows = [[(short(o.title), f"tg:p:{o.id}")] for o in options]
        rows.append([(_("None"), "tg:p:0")])
    rows.append(cancel)
    await show(update, context, (prefix + "\n\n" if prefix else "") + text, keyboard(rows))
    return STATE_OF[step]


async def advance(update: Update, context: BotContext) -> int:
    """Go to the first unanswered step, or to the summary when everything is there."""
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    step = next_step(draft)
    if step is None:
        return await summary(update, context)
    return await ask(update, context, step)


async def summary(update: Update, context: BotContext, prefix: str = "") -> int:
    """Show the whole draft with Save / Change / Cancel."""
    t = context.t
    _ = t._
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    draft["review"] = True
    parent = None
    if draft.get("parent"):
        async with context.deps.sessions() as session:
            parent = await session.get(Target, draft["parent"])
    mode = draft.get("mode")
    if mode == "assign":
        owner = await owner_of(context, draft)
        head = _("Please check the target for <b>{name}</b>:").format(name=esc(owner.name))
        foot = _("It is approved at once, and {name} will be told.").format(name=esc(owner.name))
    elif mode == "edit":
        head = _("Please check the changed target:")
        foot = _("After saving, it goes to your leader for approval again.")
    else:
        head = _("Please check your target:")
        foot = _("After saving, it goes to your leader for approval.")
    body = target_drafts.describe(t, to_draft(draft), parent)
    text = "\n".join([*([prefix, ""] if prefix else []), head, "", *body, "", foot])
    rows = [
        [(_("💾 Save"), "tg:save"), (_("✏️ Change"), "tg:change")],
        [(_("Cancel"), CANCEL)],
    ]
    await show(update, context, text, keyboard(rows))
    return SUMMARY


async def pick_field(update: Update, context: BotContext, prefix: str = "") -> int:
    """Offer the fields of the draft that can be changed."""
    _ = context.t._
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    steps = [s for s in STEPS if applicable(s, draft)]
    rows = [[(_(FIELD_LABELS[s]), f"tg:f:{s}")] for s in steps]
    rows.append([(_("« Back"), "tg:f:back")])
    text = (prefix + "\n\n" if prefix else "") + _("What would you like to change?")
    await show(update, context, text, keyboard(rows))
    return PICK_FIELD
