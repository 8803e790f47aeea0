"""/target: SKP targets of the semester, proposing and changing them, and the leader's side.

Adding or changing a target, and a leader's return note, are one persistent conversation
("targets"). The draft lives in user_data["tg_draft"] as plain JSON values, so pressing Return
on a notice mid-draft loses nothing: the draft waits behind "Continue the unfinished target".
A leader's Approve button works anywhere (a plain callback handler, no state involved).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.services import targets
from bot.services.periods import Period, parse_period, period_of
from bot.services.targets import Outcome, Problem, TargetDraft, TargetResult
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply, require_speaker
from models import Employee, Target

(
    ASK_JENIS,
    ASK_KIND,
    ASK_TITLE,
    ASK_INDICATOR,
    ASK_AMOUNT,
    ASK_UNIT,
    ASK_EXPECTATION,
    ASK_QUALITY,
    ASK_PARENT,
    SUMMARY,
    PICK_FIELD,
) = range(11)
ASK_NOTE = 20

DRAFT_KEY = "tg_draft"
RETURN_KEY = "tg_return"
CANCEL = "tg:cancel"
RETURN_CANCEL = "tg:rc:x"
STEPS = (
    "jenis",
    "kind",
    "title",
    "indicator",
    "amount",
    "unit",
    "expectation",
    "quality",
    "parent",
)
STATE_OF = dict(zip(STEPS, range(ASK_JENIS, SUMMARY), strict=True))
STEP_OF = {state: step for step, state in STATE_OF.items()}
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
BADGES = {
    targets.STATUS_PENDING: N_("⏳ awaiting approval"),
    targets.STATUS_RETURNED: N_("↩️ returned"),
    targets.STATUS_APPROVED: N_("✅ approved"),
}
LABEL_CHARS = 40

Draft = dict[str, Any]
Step = Callable[[Update, BotContext], Coroutine[Any, Any, int]]


# --------------------------------------------------------------------------- small helpers


def current_period(context: BotContext) -> Period:
    """Return the semester of today's WIB date."""
    return period_of(context.deps.clock.now().date())


def period_label(t: Translator, period: Period) -> str:
    """Render 'Semester II 2026'."""
    return t._("Semester {half} {year}").format(
        half="I" if period.half == 1 else "II", year=str(period.year)
    )


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Shorten a title for a button label (labels are plain text, never HTML)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user_data(context: BotContext) -> dict[Any, Any]:
    """Return this user's persistent scratch data."""
    assert context.user_data is not None
    return context.user_data


def get_draft(context: BotContext) -> Draft | None:
    """Return the unfinished draft, if any."""
    draft = user_data(context).get(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


def to_draft(draft: Draft) -> TargetDraft:
    """Turn the JSON draft into the service's TargetDraft."""
    amount = draft.get("amount")
    return TargetDraft(
        title=draft.get("title", ""),
        indicator=draft.get("indicator", ""),
        kind=draft.get("kind", targets.KIND_QUANT),
        amount=Decimal(amount) if amount else None,
        unit=draft.get("unit", ""),
        expectation=draft.get("expectation", ""),
        quality_standard=draft.get("quality", ""),
        jenis=draft.get("jenis", targets.JENIS_UTAMA),
        parent_target_id=draft.get("parent") or None,
    )


def from_target(target: Target) -> Draft:
    """Fill a JSON draft from a stored target (for editing)."""
    draft: Draft = {
        "jenis": target.jenis,
        "kind": target.kind,
        "title": target.title,
        "indicator": target.indicator,
        "quality": target.quality_standard,
        "parent": target.parent_target_id or 0,
    }
    if target.kind == targets.KIND_QUANT:
        draft["amount"] = str(target.target_amount) if target.target_amount else ""
        draft["unit"] = target.unit
    else:
        draft["expectation"] = target.expectation
    return draft


def applicable(step: str, draft: Draft) -> bool:
    """Amount and unit belong to quantitative targets, the expectation to qualitative ones."""
    if step in ("amount", "unit"):
        return draft.get("kind") == targets.KIND_QUANT
    if step == "expectation":
        return draft.get("kind") == targets.KIND_QUAL
    return True


def next_step(draft: Draft) -> str | None:
    """Return the first step still unanswered, or None when the draft is complete."""
    for step in STEPS:
        if applicable(step, draft) and step not in draft:
            return step
    return None


async def show(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message, or send a new one when the user typed."""
    if update.callback_query is not None:
        await answer(update)
        await edit_or_reply(update, context, text, markup)
    else:
        await reply(update, context, text, markup)


def continue_row(context: BotContext) -> list[list[tuple[str, str]]]:
    """Offer to go back to an unfinished target draft, if there is one."""
    if get_draft(context) is None:
        return []
    return [[(context.t._("▶️ Continue the unfinished target"), "tg:resume")]]


def problems_text(t: Translator, problems: list[Problem]) -> str:
    """Render refusal reasons, one per line."""
    return "\n".join("• " + p.render(t) for p in problems)


async def owner_of(context: BotContext, draft: Draft) -> Employee:
    """Return the employee the draft's target belongs to."""
    speaker = require_speaker(context)
    if draft.get("employee_id", speaker.id) == speaker.id:
        return speaker.employee
    async with context.deps.sessions() as session:
        employee = await session.get(Employee, draft["employee_id"])
    assert employee is not None
    return employee


# --------------------------------------------------------------------------- list screens


def status_line(t: Translator, line: targets.TargetLine) -> str:
    """Badge plus progress (approved) or the leader's note (returned)."""
    _ = t._
    target = line.target
    badge = _(BADGES.get(target.status, target.status))
    if target.status == targets.STATUS_RETURNED and target.return_note:
        return badge + ": <i>" + esc(target.return_note) + "</i>"
    if target.status != targets.STATUS_APPROVED:
        return badge
    if target.kind == targets.KIND_QUANT and target.target_amount:
        progress = _("reported {achieved} of {amount} ({ratio})").format(
            achieved=t.number(line.achieved),
            amount=targets.amount_text(t, target),
            ratio=t.percent(float(line.achieved / target.target_amount)),
        )
    else:
        progress = _("reports: {count}").format(count=t.number(line.reports))
    return f"{badge} · {progress}"


def cascade_lines(t: Translator, line: targets.TargetLine) -> list[str]:
    """Explain how the target feeds its leader's target and how the team feeds it."""
    _ = t._
    lines: list[str] = []
    contribution = line.contribution
    if contribution is not None:
        parent = contribution.parent
        if contribution.share is not None:
            text = _(
                "↗ Supports “{parent}” ({leader}): {amount} is {share} of the {parent_amount}."
            ).format(
                parent=esc(parent.title),
                leader=esc(contribution.parent_owner_name),
                amount=targets.amount_text(t, line.target),
                share=t.percent(contribution.share),
                parent_amount=targets.amount_text(t, parent),
            )
        else:
            text = _("↗ Supports “{parent}” ({leader}).").format(
                parent=esc(parent.title), leader=esc(contribution.parent_owner_name)
            )
        lines.append(text)
        above = contribution.cascade
        if above.ratio is not None and above.summed_achieved is not None:
            lines.append(
                _("   All contributions so far: {achieved} of {amount} ({ratio}).").format(
                    achieved=t.number(above.summed_achieved),
                    amount=targets.amount_text(t, parent),
                    ratio=t.percent(above.ratio),
                )
            )
    cascade = line.cascade
    if cascade is not None:
        text = _("↘ Contributing team targets: {count}.").format(
            count=t.number(len(cascade.children))
        )
        if cascade.ratio is not None and cascade.summed_achieved is not None:
            text += " " + _("Reported together: {achieved} of {amount} ({ratio}).").format(
                achieved=t.number(cascade.summed_achieved),
                amount=targets.amount_text(t, cascade.parent),
                ratio=t.percent(cascade.ratio),
            )
        if cascade.other_units:
            text += " " + _("Not added because they use another unit: {count}.").format(
                count=t.number(cascade.other_units)
            )
        lines.append(text)
    return lines


def overview_text(t: Translator, view: targets.Overview, own: bool) -> str:
    """Render the targets of one employee and semester, grouped utama / tambahan."""
    _ = t._
    if own:
        head = _("<b>Your SKP targets — {period}</b>").format(period=period_label(t, view.period))
    else:
        head = _("<b>SKP targets of {name} — {period}</b>").format(
            name=esc(view.employee.name), period=period_label(t, view.period)
        )
    parts = [head]
    if not view.lines:
        parts.append("")
        if own:
            parts.append(
                _(
                    "You have no targets for this semester yet. Press “Add target” to propose "
                    "one to your leader. Your leader will look at it with you."
                )
            )
        else:
            parts.append(_("No targets for this semester yet."))
    number = 0
    for jenis in targets.JENIS:
        group = [line for line in view.lines if line.target.jenis == jenis]
        if not group:
            continue
        parts.append("")
        parts.append("<b>" + targets.jenis_label(t, jenis) + "</b>")
        for line in group:
            number += 1
            target = line.target
            parts.append(
                f"{number}. {esc(target.title)} — {targets.amount_text(t, target)}"
                if target.kind == targets.KIND_QUANT
                else f"{number}. {esc(target.title)}"
            )
            parts.append("   " + status_line(t, line))
            if target.indicator:
                parts.append(
                    "   " + _("Indicator: {indicator}").format(indicator=esc(target.indicator))
                )
            parts.extend("   " + text for text in cascade_lines(t, line))
    if own and not view.has_supervisor:
        parts.append("")
        parts.append(
            _(
                "Your direct supervisor is not recorded, so targets cannot be proposed here. "
                "Your targets can be imported from the official SKP: please contact the HR "
                "officer of your OPD."
            )
        )
    return "\n".join(parts)


def numbered(view: targets.Overview) -> list[tuple[int, Target]]:
    """Number targets in the order overview_text shows them."""
    ordered = [
        line.target for jenis in targets.JENIS for line in view.lines if line.target.jenis == jenis
    ]
    return list(enumerate(ordered, start=1))


async def show_mine(update: Update, context: BotContext) -> int:
    """Show the speaker's targets of this semester with their buttons."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    async with context.deps.sessions() as session:
        view = await targets.overview(session, speaker, speaker.id, current_period(context))
    assert view is not None
    rows: list[list[tuple[str, str]]] = []
    for n, target in numbered(view):
        row: list[tuple[str, str]] = []
        if targets.is_editable(target) and view.has_supervisor:
            row.append((_("✏️ Change {n}").format(n=n), f"tg:edit:{target.id}:{target.version}"))
        if targets.is_withdrawable(target):
            row.append((_("🗑 Withdraw {n}").format(n=n), f"tg:wd:{target.id}:{target.version}"))
        if row:
            rows.append(row)
    if view.has_supervisor:
        rows.append([(_("➕ Add target"), "tg:add")])
    rows += continue_row(context)
    if speaker.is_leader:
        rows.append([(_("👥 Team targets"), "tg:team")])
    await show(update, context, overview_text(t, view, own=True), keyboard(rows))
    return ConversationHandler.END


async def show_team(update: Update, context: BotContext) -> None:
    """List the leader's direct subordinates with their pending targets."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    period = current_period(context)
    async with context.deps.sessions() as session:
        members = await targets.team(session, speaker, period)
    lines = [_("<b>Team targets — {period}</b>").format(period=period_label(t, period)), ""]
    rows: list[list[tuple[str, str]]] = []
    if not members:
        lines.append(_("Nobody reports directly to you."))
    for member in members:
        lines.append(
            _("• {name}: {count} target(s), {pending} awaiting approval").format(
                name=esc(member.employee.name),
                count=t.number(member.targets),
                pending=t.number(member.pending),
            )
        )
        label = short(member.employee.name, 32)
        if member.pending:
            label += f" (⏳ {member.pending})"
        rows.append([(label, f"tg:emp:{member.employee.id}")])
    if members:
        lines.append("")
        lines.append(_("Choose a person to see and decide their targets."))
    rows.append([(_("« My targets"), "tg:my")])
    await show(update, context, "\n".join(lines), keyboard(rows))


async def show_member(update: Update, context: BotContext) -> None:
    """Show a direct subordinate's targets with Approve/Return and Assign buttons."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    parsed = parse_callback(
        update.callback_query.data if update.callback_query else "", "tg:emp", 1
    )
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    async with context.deps.sessions() as session:
        view = await targets.overview(session, speaker, parsed[0], current_period(context))
    if view is None:
        await answer(update, _("You can only see the targets of your direct staff."), alert=True)
        return
    rows: list[list[tuple[str, str]]] = []
    for n, target in numbered(view):
        if target.status == targets.STATUS_PENDING:
            rows.append(
                [
                    (_("✅ Approve {n}").format(n=n), f"tg:ok:{target.id}:{target.version}"),
                    (_("↩️ Return {n}").format(n=n), f"tg:ret:{target.id}:{target.version}"),
                ]
            )
    rows.append([(_("➕ Add a target for this employee"), f"tg:asg:{view.employee.id}")])
    rows.append([(_("« Team"), "tg:team")])
    await show(update, context, overview_text(t, view, own=False), keyboard(rows))


async def navigate(update: Update, context: BotContext) -> None:
    """Route the list buttons: my targets, the team, one team member."""
    data = update.callback_query.data if update.callback_query else ""
    if data == "tg:my":
        await show_mine(update, context)
    elif data == "tg:team":
        await show_team(update, context)
    else:
        await show_member(update, context)


# --------------------------------------------------------------------------- the draft flow


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
                (_("Quantitative"), f"tg:k:{targets.KIND_QUANT}"),
                (_("Qualitative"), f"tg:k:{targets.KIND_QUAL}"),
            ]
        ]
    elif step == "title":
        text = _(
            "Please type the <b>work result</b> (rencana hasil kerja), for example: "
            "<i>Laporan evaluasi program imunisasi</i>. ({min}–{max} characters)"
        ).format(min=t.number(targets.MIN_TITLE), max=t.number(targets.MAX_TITLE))
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
        ).format(max=t.number(targets.MAX_UNIT))
        rows = [[(unit, f"tg:u:{i}") for i, unit in enumerate(targets.COMMON_UNITS)]]
    elif step == "expectation":
        text = _(
            "Please describe the <b>expectation</b>: what result will your leader see when this "
            "target is met? (at most {max} characters)"
        ).format(max=t.number(targets.MAX_EXPECTATION))
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
            options = await targets.parent_options(session, owner, period)
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
    body = targets.describe(t, to_draft(draft), parent)
    text = "\n".join([*([prefix, ""] if prefix else []), head, "", *body, "", foot])
    rows = [
        [(_("💾 Save"), "tg:save"), (_("✏️ Change"), "tg:change")],
        [(_("Cancel"), CANCEL)],
    ]
    await show(update, context, text, keyboard(rows))
    return SUMMARY


async def gone(update: Update, context: BotContext) -> int:
    """Explain that the draft no longer exists (finished elsewhere, or stale buttons)."""
    _ = context.t._
    text = _("This target draft is no longer open. Send /target to start again.")
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    else:
        await reply(update, context, text)
    return ConversationHandler.END


async def start_add(update: Update, context: BotContext) -> int:
    """Start a new target for the speaker."""
    speaker = require_speaker(context)
    _ = context.t._
    if speaker.employee.supervisor_id is None:
        await answer(
            update,
            _("Your direct supervisor is not recorded, so targets cannot be proposed here."),
            alert=True,
        )
        return ConversationHandler.END
    user_data(context)[DRAFT_KEY] = {
        "mode": "add",
        "employee_id": speaker.id,
        "period": current_period(context).code,
    }
    return await advance(update, context)


async def start_assign(update: Update, context: BotContext) -> int:
    """Start a target that a leader writes for one direct subordinate."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:asg", 1)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return ConversationHandler.END
    async with context.deps.sessions() as session:
        employee = await targets.subordinate(session, speaker, parsed[0])
    if employee is None:
        await answer(update, _("You can only add targets for your direct staff."), alert=True)
        return ConversationHandler.END
    user_data(context)[DRAFT_KEY] = {
        "mode": "assign",
        "employee_id": employee.id,
        "period": current_period(context).code,
    }
    return await advance(update, context)


async def start_edit(update: Update, context: BotContext) -> int:
    """Load one of the speaker's own targets into a draft and show it for changing."""
    speaker = require_speaker(context)
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:edit", 2)
    if parsed is None:
        await answer(update, context.t._("This button is no longer valid."), alert=True)
        return ConversationHandler.END
    async with context.deps.sessions() as session:
        result = await targets.check_edit(session, speaker, parsed[0], parsed[1])
    if result.outcome is not Outcome.OK or result.target is None:
        await refuse(update, context, result)
        return ConversationHandler.END
    target = result.target
    draft = from_target(target)
    draft |= {
        "mode": "edit",
        "employee_id": speaker.id,
        "period": target.period,
        "target_id": target.id,
        "version": target.version,
    }
    user_data(context)[DRAFT_KEY] = draft
    return await summary(update, context)


async def resume(update: Update, context: BotContext) -> int:
    """Continue an unfinished draft where it stopped."""
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    return (
        await summary(update, context) if draft.get("review") else await advance(update, context)
    )


def refusal_text(context: BotContext, result: TargetResult) -> str:
    """Explain politely why a target action was refused."""
    _ = context.t._
    if result.outcome is Outcome.ALREADY_DECIDED and result.target is not None:
        status = result.target.status
        if status == targets.STATUS_ARCHIVED:
            return _("This target was withdrawn by the employee.")
        if status == targets.STATUS_APPROVED:
            return _("This target was already approved.")
        return _("This target was already returned.")
    texts = {
        Outcome.NOT_FOUND: _("This target no longer exists."),
        Outcome.FORBIDDEN: _("This target is not yours to change or decide."),
        Outcome.STALE: _(
            "This screen is out of date: the target was changed in the meantime. "
            "Send /target to see the latest version."
        ),
        Outcome.NOT_EDITABLE: _(
            "This target cannot be changed here. Targets imported from the official SKP are "
            "changed through the HR officer of your OPD."
        ),
        Outcome.NO_SUPERVISOR: _(
            "Your direct supervisor is not recorded, so targets cannot be proposed here."
        ),
    }
    return texts.get(result.outcome, _("This button is no longer valid."))


async def refuse(update: Update, context: BotContext, result: TargetResult) -> None:
    """Answer a refused target action politely (an alert for buttons)."""
    text = refusal_text(context, result)
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    else:
        await reply(update, context, text)


def typed_step(step: str, check: Callable[[str], Problem | None]) -> Step:
    """Build the handler of a typed step: check the text, store it, go on (or ask again)."""

    async def receive(update: Update, context: BotContext) -> int:
        draft = get_draft(context)
        if draft is None:
            return await gone(update, context)
        message = update.effective_message
        text = (message.text or "") if message else ""
        problem = check(text)
        if problem is not None:
            return await ask(update, context, step, problem.render(context.t))
        draft[step] = text.strip()
        return await advance(update, context)

    return receive


def check_indicator(text: str) -> Problem | None:
    """Require an indicator when typing (the service allows it empty for imports)."""
    if not text.strip():
        return Problem(N_("Please type the indicator."))
    return targets.check_indicator(text)


async def receive_amount(update: Update, context: BotContext) -> int:
    """Read the target amount the Indonesian way; '95%' also sets the unit to %."""
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    message = update.effective_message
    text = ((message.text or "") if message else "").strip()
    amount = targets.read_amount(text)
    if isinstance(amount, Problem):
        return await ask(update, context, "amount", amount.render(context.t))
    draft["amount"] = str(amount)
    if text.endswith("%") and "unit" not in draft:
        draft["unit"] = "%"
    return await advance(update, context)


async def choose(update: Update, context: BotContext) -> int:
    """Take a button answer (jenis, kind, unit, skip, parent) for the current step."""
    _ = context.t._
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    data = (update.callback_query.data if update.callback_query else "") or ""
    kind, _sep, value = data[3:].partition(":")
    if kind == "j" and value in targets.JENIS:
        draft["jenis"] = value
    elif kind == "k" and value in targets.KINDS:
        if draft.get("kind") != value:
            for stale in ("amount", "unit", "expectation"):
                draft.pop(stale, None)
        draft["kind"] = value
    elif kind == "u" and value.isdigit() and int(value) < len(targets.COMMON_UNITS):
        draft["unit"] = targets.COMMON_UNITS[int(value)]
    elif kind == "q" and value == "skip":
        draft["quality"] = ""
    elif kind == "p" and value.isdigit():
        chosen = int(value)
        if chosen:
            owner = await owner_of(context, draft)
            async with context.deps.sessions() as session:
                options = await targets.parent_options(
                    session, owner, parse_period(draft["period"])
                )
            if chosen not in {o.id for o in options}:
                return await ask(
                    update, context, "parent", _("This choice is no longer available.")
                )
        draft["parent"] = chosen
    else:
        hint = _("This button is no longer valid.")
        step = next_step(draft)
        if step is None:
            return await summary(update, context, hint)
        return await ask(update, context, step, hint)
    return await advance(update, context)


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


async def change_field(update: Update, context: BotContext) -> int:
    """Ask again for the chosen field; the answer leads back to the summary."""
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    data = (update.callback_query.data if update.callback_query else "") or ""
    step = data.removeprefix("tg:f:")
    if step not in STEPS or not applicable(step, draft):
        return await summary(update, context)
    return await ask(update, context, step)


async def save(update: Update, context: BotContext) -> int:
    """Save the draft through the service: propose, edit or assign."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    draft = get_draft(context)
    if draft is None:
        return await gone(update, context)
    deps = context.deps
    now = deps.clock.utcnow()
    period = parse_period(draft["period"])
    mode = draft.get("mode")
    async with deps.sessions() as session:
        if mode == "edit":
            result = await targets.edit(
                session,
                speaker,
                int(draft["target_id"]),
                int(draft["version"]),
                to_draft(draft),
                now=now,
                i18n=deps.i18n,
            )
        elif mode == "assign":
            result = await targets.assign(
                session,
                speaker,
                int(draft["employee_id"]),
                to_draft(draft),
                period=period,
                now=now,
                i18n=deps.i18n,
            )
        else:
            result = await targets.propose(
                session, speaker, to_draft(draft), period=period, now=now, i18n=deps.i18n
            )
        await session.commit()
    context.wake_outbox()
    if result.outcome is Outcome.INVALID:
        reasons = problems_text(t, result.problems)
        if any(p.about == "parent" for p in result.problems):
            draft.pop("parent", None)
            return await ask(update, context, "parent", reasons)
        return await summary(update, context, reasons)
    user_data(context).pop(DRAFT_KEY, None)
    back = keyboard([[(_("📋 My targets"), "tg:my")]])
    if result.outcome is Outcome.UNCHANGED:
        await show(update, context, _("Nothing was changed."), back)
    elif result.outcome is not Outcome.OK:
        await show(update, context, refusal_text(context, result), back)
    elif mode == "assign":
        assert result.owner is not None
        text = _("Saved and approved: the target is now on the list of {name}.").format(
            name=esc(result.owner.name)
        )
        if not result.notified:
            text += " " + _("{name} is not using the bot yet, so no message was sent.").format(
                name=esc(result.owner.name)
            )
        rows = [[(_("« Targets of this employee"), f"tg:emp:{result.owner.id}")]]
        await show(update, context, text, keyboard(rows))
    else:
        text = _("Thank you, your target is saved and was sent to your leader for approval.")
        if not result.notified:
            text = _(
                "Thank you, your target is saved. Your leader is not using the bot yet, so it "
                "waits as “awaiting approval” until they do."
            )
        await show(update, context, text, back)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """Drop the draft on request."""
    _ = context.t._
    user_data(context).pop(DRAFT_KEY, None)
    await show(update, context, _("All right, nothing was saved. Send /target to start again."))
    return ConversationHandler.END


def use_buttons(state: int) -> Step:
    """Build the handler that asks again with the buttons when a button step gets typing."""

    async def again(update: Update, context: BotContext) -> int:
        if get_draft(context) is None:
            return await gone(update, context)
        hint = context.t._("Please choose with the buttons below.")
        if state == SUMMARY:
            return await summary(update, context, hint)
        if state == PICK_FIELD:
            return await pick_field(update, context, hint)
        return await ask(update, context, STEP_OF[state], hint)

    return again


def type_text(step: str) -> Step:
    """Build the handler that asks again when a typed step gets a sticker, photo or file."""

    async def again(update: Update, context: BotContext) -> int:
        if get_draft(context) is None:
            return await gone(update, context)
        hint = context.t._("Please type your answer as a text message.")
        return await ask(update, context, step, hint)

    return again


# --------------------------------------------------------------------------- leader decisions


async def approve(update: Update, context: BotContext) -> None:
    """Approve a pending target from the leader's notice or the team screen."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:ok", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    deps = context.deps
    async with deps.sessions() as session:
        result = await targets.decide(
            session,
            speaker,
            parsed[0],
            parsed[1],
            approve=True,
            now=deps.clock.utcnow(),
            i18n=deps.i18n,
        )
        await session.commit()
    context.wake_outbox()
    if result.outcome is not Outcome.OK:
        await refuse(update, context, result)
        return
    assert result.target is not None
    assert result.owner is not None
    text = _("Approved: “{title}” of {name}. Thank you, {name} has been told.").format(
        title=esc(result.target.title), name=esc(result.owner.name)
    )
    rows = [[(_("« Targets of this employee"), f"tg:emp:{result.owner.id}")]]
    await show(update, context, text, keyboard(rows))


async def start_return(update: Update, context: BotContext) -> int:
    """Ask the leader for a short note before returning a target."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:ret", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return ConversationHandler.END
    async with context.deps.sessions() as session:
        result = await targets.check_decision(session, speaker, parsed[0], parsed[1])
    if result.outcome is not Outcome.OK or result.target is None or result.owner is None:
        await refuse(update, context, result)
        return ConversationHandler.END
    user_data(context)[RETURN_KEY] = parsed
    await answer(update)
    await reply(
        update,
        context,
        _(
            "Please type a short note for {name}: what should change in “{title}”? "
            "A kind, concrete note helps most. (at most {max} characters)"
        ).format(
            name=esc(result.owner.name),
            title=esc(result.target.title),
            max=t.number(targets.MAX_NOTE),
        ),
        keyboard([[(_("Cancel"), RETURN_CANCEL)]]),
    )
    return ASK_NOTE


async def receive_note(update: Update, context: BotContext) -> int | None:
    """Return the target with the typed note; ask again for a fixable note."""
    speaker = require_speaker(context)
    t = context.t
    _ = t._
    pending = user_data(context).get(RETURN_KEY)
    if not isinstance(pending, list) or len(pending) != 2:
        await reply(update, context, _("This return is no longer open. Send /target."))
        return ConversationHandler.END
    message = update.effective_message
    note = (message.text or "") if message else ""
    problem = targets.check_note(note)
    if problem is not None:
        await reply(update, context, problem.render(t), keyboard([[(_("Cancel"), RETURN_CANCEL)]]))
        return None
    deps = context.deps
    async with deps.sessions() as session:
        result = await targets.decide(
            session,
            speaker,
            int(pending[0]),
            int(pending[1]),
            approve=False,
            note=note,
            now=deps.clock.utcnow(),
            i18n=deps.i18n,
        )
        await session.commit()
    context.wake_outbox()
    user_data(context).pop(RETURN_KEY, None)
    if result.outcome is not Outcome.OK:
        await refuse(update, context, result)
        return ConversationHandler.END
    assert result.target is not None
    assert result.owner is not None
    text = _("Returned: “{title}” went back to {name} with your note. Thank you.").format(
        title=esc(result.target.title), name=esc(result.owner.name)
    )
    rows = [[(_("« Targets of this employee"), f"tg:emp:{result.owner.id}")]]
    await reply(update, context, text, keyboard(rows + continue_row(context)))
    return ConversationHandler.END


async def note_not_text(update: Update, context: BotContext) -> None:
    """Ask for the note as text."""
    _ = context.t._
    await reply(
        update,
        context,
        _("Please type the note as a text message."),
        keyboard([[(_("Cancel"), RETURN_CANCEL)]]),
    )


async def cancel_return(update: Update, context: BotContext) -> int:
    """Leave the target pending when the leader changes their mind."""
    _ = context.t._
    user_data(context).pop(RETURN_KEY, None)
    rows = continue_row(context)
    await show(
        update,
        context,
        _("All right, the target was not returned."),
        keyboard(rows) if rows else None,
    )
    return ConversationHandler.END


# --------------------------------------------------------------------------- withdrawing


async def ask_withdraw(update: Update, context: BotContext) -> None:
    """Confirm before withdrawing a pending or returned target."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:wd", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    async with context.deps.sessions() as session:
        result = await targets.check_edit(session, speaker, parsed[0], parsed[1])
    target = result.target
    if result.outcome is not Outcome.OK or target is None or not targets.is_withdrawable(target):
        await refuse(update, context, result)
        return
    text = _("Withdraw the target “{title}”? It will no longer wait for approval.").format(
        title=esc(target.title)
    )
    rows = [
        [(_("Yes, withdraw"), f"tg:wdy:{target.id}:{target.version}"), (_("No"), "tg:my")],
    ]
    await show(update, context, text, keyboard(rows))


async def withdraw(update: Update, context: BotContext) -> None:
    """Withdraw the target after confirmation, then show the list again."""
    speaker = require_speaker(context)
    _ = context.t._
    data = update.callback_query.data if update.callback_query else ""
    parsed = parse_callback(data, "tg:wdy", 2)
    if parsed is None:
        await answer(update, _("This button is no longer valid."), alert=True)
        return
    deps = context.deps
    async with deps.sessions() as session:
        result = await targets.withdraw(
            session, speaker, parsed[0], parsed[1], now=deps.clock.utcnow()
        )
        await session.commit()
    if result.outcome is not Outcome.OK:
        await refuse(update, context, result)
        return
    await show_mine(update, context)


# --------------------------------------------------------------------------- wiring


def build() -> list[BaseHandler[Update, Any, Any]]:
    """Return the target conversation (drafts and return notes) and the plain buttons."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND
    cancels: list[BaseHandler[Update, BotContext, Any]] = [
        CommandHandler(["batal", "cancel"], cancel),
        CallbackQueryHandler(cancel, pattern=f"^{CANCEL}$"),
    ]
    typed: dict[str, Step] = {
        "title": typed_step("title", targets.check_title),
        "indicator": typed_step("indicator", check_indicator),
        "amount": receive_amount,
        "unit": typed_step("unit", targets.check_unit),
        "expectation": typed_step("expectation", targets.check_expectation),
        "quality": typed_step("quality", targets.check_quality),
    }
    buttons = {"jenis": "j", "kind": "k", "unit": "u", "quality": "q", "parent": "p"}
    states: dict[object, list[BaseHandler[Update, BotContext, Any]]] = {}
    for step, state in STATE_OF.items():
        handlers: list[BaseHandler[Update, BotContext, Any]] = []
        if step in buttons:
            handlers.append(CallbackQueryHandler(choose, pattern=f"^tg:{buttons[step]}:"))
        if step in typed:
            handlers += [MessageHandler(text, typed[step]), MessageHandler(other, type_text(step))]
        else:
            handlers.append(MessageHandler(text | other, use_buttons(state)))
        states[state] = handlers
    states[SUMMARY] = [
        CallbackQueryHandler(save, pattern=r"^tg:save$"),
        CallbackQueryHandler(pick_field, pattern=r"^tg:change$"),
        MessageHandler(text | other, use_buttons(SUMMARY)),
    ]
    states[PICK_FIELD] = [
        CallbackQueryHandler(change_field, pattern=r"^tg:f:"),
        MessageHandler(text | other, use_buttons(PICK_FIELD)),
    ]
    states[ASK_NOTE] = [
        # Checked before the fallbacks: /batal here drops the return, not a target draft.
        CommandHandler(["batal", "cancel"], cancel_return),
        CallbackQueryHandler(cancel_return, pattern=f"^{RETURN_CANCEL}$"),
        MessageHandler(text, receive_note),
        MessageHandler(other, note_not_text),
    ]
    flow: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler("target", show_mine),
            CallbackQueryHandler(start_add, pattern=r"^tg:add$"),
            CallbackQueryHandler(start_assign, pattern=r"^tg:asg:"),
            CallbackQueryHandler(start_edit, pattern=r"^tg:edit:"),
            CallbackQueryHandler(resume, pattern=r"^tg:resume$"),
            CallbackQueryHandler(start_return, pattern=r"^tg:ret:"),
        ],
        states=states,
        fallbacks=cancels,
        name="targets",
        persistent=True,
        allow_reentry=True,
    )
    return [
        flow,
        CallbackQueryHandler(approve, pattern=r"^tg:ok:"),
        CallbackQueryHandler(navigate, pattern=r"^tg:(my|team|emp:.*)$"),
        CallbackQueryHandler(ask_withdraw, pattern=r"^tg:wd:"),
        CallbackQueryHandler(withdraw, pattern=r"^tg:wdy:"),
    ]
