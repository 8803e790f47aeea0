"""The target screens: the lists, each step's question, the summary, answers and refusals.

Functions return text (HTML, user text escaped) and keyboard rows; the steps send them.
"""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.services.periods import Period, semester_name
from bot.services.targets import (
    DraftSetting,
    FullTarget,
    Outcome,
    Overview,
    Problem,
    TargetLine,
    TargetResult,
    TeamMember,
    is_editable,
    is_withdrawable,
)
from bot.services.targets.achievement import IndicatorView
from bot.services.targets.achievement_rules import Aspect, Expectation, Measure
from bot.services.targets.assessing import AssessOutcome
from bot.services.targets.describing import (
    ASPECT_LABELS,
    EXPECTATION_LABELS,
    amount_text,
    describe,
    iki_status_text,
    iki_target_text,
    indicator_lines,
    jenis_label,
)
from bot.services.targets.indicators import MAX_INDICATORS
from bot.services.targets.vocabulary import (
    COMMON_UNITS,
    JENIS,
    KIND_QUAL,
    KIND_QUANT,
    MAX_EXPECTATION,
    MAX_NOTE,
    MAX_TITLE,
    MAX_UNIT,
    MIN_TITLE,
    STATUS_APPROVED,
    STATUS_ARCHIVED,
    STATUS_PENDING,
    STATUS_RETURNED,
)
from bot.text import esc, shorten
from handlers.targets.state import CANCEL, RETURN_CANCEL, STEPS, TargetFlowDraft
from models import Employee, Target

Rows = list[list[tuple[str, str]]]

BADGES = {
    STATUS_PENDING: N_("⏳ awaiting approval"),
    STATUS_RETURNED: N_("↩️ returned"),
    STATUS_APPROVED: N_("✅ approved"),
}
LABEL_CHARS = 40
MEMBER_LABEL_CHARS = 32
INVALID_BUTTON = N_("This button is no longer valid.")
NO_SUPERVISOR = N_("Your direct supervisor is not recorded, so targets cannot be proposed here.")
NOT_DIRECT_STAFF = N_("You can only see the targets of your direct staff.")
NOT_DIRECT_STAFF_ASSIGN = N_("You can only add targets for your direct staff.")
NOT_AVAILABLE = N_("This target is no longer available.")
REFUSALS = {
    Outcome.NOT_FOUND: N_("This target no longer exists."),
    Outcome.FORBIDDEN: N_("This target is not yours to change or decide."),
    Outcome.STALE: N_(
        "This screen is out of date: the target was changed in the meantime. "
        "Send /target to see the latest version."
    ),
    Outcome.NOT_EDITABLE: N_(
        "This target cannot be changed here. Targets imported from the official SKP are "
        "changed through the HR officer of your OPD."
    ),
    Outcome.NO_SUPERVISOR: NO_SUPERVISOR,
}
QUESTIONS = {
    "jenis": N_(
        "Is this a <b>main</b> (utama) or an <b>additional</b> (tambahan) target? "
        "Main targets come from your position's core tasks."
    ),
    "kind": N_(
        "Is the target <b>quantitative</b> (a number, e.g. 12 dokumen) or "
        "<b>qualitative</b> (a description of what is expected)?"
    ),
    "title": N_(
        "Please type the <b>work result</b> (rencana hasil kerja), for example: "
        "<i>Laporan evaluasi program imunisasi</i>. ({min}–{max} characters)"
    ),
    "indicator": N_(
        "Please type the <b>indicator</b> (indikator kinerja individu): how is the result "
        "measured? For example: <i>Jumlah laporan yang selesai tepat waktu</i>."
    ),
    "amount": N_("Please type the <b>target amount</b> as a number, for example 12 or 12,5."),
    "unit": N_(
        "Choose the <b>unit</b> of the target, or type another one (at most {max} characters)."
    ),
    "expectation": N_(
        "Please describe the <b>expectation</b>: what result will your leader see when this "
        "target is met? (at most {max} characters)"
    ),
    "quality": N_(
        "Is there a <b>quality standard</b>? For example: <i>sesuai format dan tepat "
        "waktu</i>. Type it, or press Skip."
    ),
    "parent": N_(
        "Which target of your leader does this support (RHK pimpinan yang diintervensi)? "
        "Choose one, or “None”."
    ),
}
QUESTION_LIMITS = {
    "title": {"min": MIN_TITLE, "max": MAX_TITLE},
    "unit": {"max": MAX_UNIT},
    "expectation": {"max": MAX_EXPECTATION},
}
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


def label(text: str, limit: int = LABEL_CHARS) -> str:
    """A title on one line, short enough for a button (labels are plain text, never HTML)."""
    return shorten(" ".join(text.split()), limit)


def with_prefix(prefix: str, text: str) -> str:
    """Put a reason (a refusal, a hint) above the screen it comes with."""
    return f"{prefix}\n\n{text}" if prefix else text


# --------------------------------------------------------------------------- refusals


def problems_text(t: Translator, problems: list[Problem]) -> str:
    """Render refusal reasons, one per line."""
    return "\n".join("• " + p.render(t) for p in problems)


def refusal(result: TargetResult) -> str:
    """The msgid that says politely why a target action was refused."""
    if result.outcome is Outcome.ALREADY_DECIDED and result.target is not None:
        status = result.target.status
        if status == STATUS_ARCHIVED:
            return N_("This target was withdrawn by the employee.")
        if status == STATUS_APPROVED:
            return N_("This target was already approved.")
        return N_("This target was already returned.")
    return REFUSALS.get(result.outcome, INVALID_BUTTON)


# --------------------------------------------------------------------------- the lists


def status_line(t: Translator, line: TargetLine) -> str:
    """Badge plus progress (approved) or the leader's note (returned)."""
    _ = t._
    target = line.target
    badge = _(BADGES.get(target.status, target.status))
    if target.status == STATUS_RETURNED and target.return_note:
        return badge + ": <i>" + esc(target.return_note) + "</i>"
    if target.status != STATUS_APPROVED:
        return badge
    if line.rhk is not None and line.rhk.by_indicator and line.rhk.single:
        progress = iki_status_text(t, line.rhk.ikis[0])  # a level is not a sum
    elif line.rhk is not None and not line.rhk.single:
        progress = _("reports: {count}").format(count=t.number(line.reports))
        if line.ratio is not None:
            progress = f"{t.percent(line.ratio)}, {progress}"
    elif line.ratio is not None:
        progress = _("reported {achieved} of {amount} ({ratio})").format(
            achieved=t.number(line.achieved),
            amount=amount_text(t, target),
            ratio=t.percent(line.ratio),
        )
    else:
        progress = _("reports: {count}").format(count=t.number(line.reports))
    return f"{badge} · {progress}"


def contribution_lines(t: Translator, line: TargetLine) -> list[str]:
    """How the target feeds its leader's target, and how far all its contributions have come."""
    _ = t._
    contribution = line.contribution
    if contribution is None:
        return []
    parent = contribution.parent
    names = {"parent": esc(parent.title), "leader": esc(contribution.parent_owner_name)}
    if contribution.share is not None:
        text = _(
            "↗ Supports “{parent}” ({leader}): {amount} is {share} of the {parent_amount}."
        ).format(
            **names,
            amount=amount_text(t, line.target),
            share=t.percent(contribution.share),
            parent_amount=amount_text(t, parent),
        )
    else:
        text = _("↗ Supports “{parent}” ({leader}).").format(**names)
    lines = [text]
    above = contribution.cascade
    if above.ratio is not None and above.summed_achieved is not None:
        lines.append(
            _("   All contributions so far: {achieved} of {amount} ({ratio}).").format(
                achieved=t.number(above.summed_achieved),
                amount=amount_text(t, parent),
                ratio=t.percent(above.ratio),
            )
        )
    return lines


def cascade_lines(t: Translator, line: TargetLine) -> list[str]:
    """Explain how the target feeds its leader's target and how the team feeds it."""
    _ = t._
    lines = contribution_lines(t, line)
    cascade = line.cascade
    if cascade is not None:
        text = _("↘ Contributing team targets: {count}.").format(
            count=t.number(len(cascade.children))
        )
        if cascade.ratio is not None and cascade.summed_achieved is not None:
            text += " " + _("Reported together: {achieved} of {amount} ({ratio}).").format(
                achieved=t.number(cascade.summed_achieved),
                amount=amount_text(t, cascade.parent),
                ratio=t.percent(cascade.ratio),
            )
        if cascade.other_units:
            text += " " + _("Not added because they use another unit: {count}.").format(
                count=t.number(cascade.other_units)
            )
        lines.append(text)
    return lines


def target_lines(t: Translator, number: int, line: TargetLine) -> list[str]:
    """One target of the overview: title (and amount), status, indicator, cascade."""
    target = line.target
    head = f"{number}. {esc(target.title)}"
    if target.kind == KIND_QUANT:
        head += f" — {amount_text(t, target)}"
    lines = [head, "   " + status_line(t, line)]
    if line.rhk is not None and not line.rhk.single:
        lines += ["   " + text for text in indicator_lines(t, line.rhk)]
    elif target.indicator:
        lines.append("   " + t._("Indicator: {indicator}").format(indicator=esc(target.indicator)))
    return lines + ["   " + text for text in cascade_lines(t, line)]


def overview_head(t: Translator, view: Overview, own: bool) -> list[str]:
    """The overview's title, and a kind word when there are no targets yet."""
    _ = t._
    period = semester_name(view.period, t)
    if own:
        head = [_("<b>Your SKP targets — {period}</b>").format(period=period)]
    else:
        name = esc(view.employee.name)
        head = [_("<b>SKP targets of {name} — {period}</b>").format(name=name, period=period)]
    if view.lines:
        return head
    if not own:
        return [*head, "", _("No targets for this semester yet.")]
    empty = _(
        "You have no targets for this semester yet. Press “Add target” to propose "
        "one to your leader. Your leader will look at it with you."
    )
    return [*head, "", empty]


def overview_text(t: Translator, view: Overview, own: bool) -> str:
    """Render the targets of one employee and semester, grouped utama / tambahan."""
    parts = overview_head(t, view, own)
    number = 0
    for jenis in JENIS:
        group = [line for line in view.lines if line.target.jenis == jenis]
        if group:
            parts += ["", "<b>" + jenis_label(t, jenis) + "</b>"]
        for line in group:
            number += 1
            parts += target_lines(t, number, line)
    if own and not view.has_supervisor:
        parts.append("")
        parts.append(
            t._(
                "Your direct supervisor is not recorded, so targets cannot be proposed here. "
                "Your targets can be imported from the official SKP: please contact the HR "
                "officer of your OPD."
            )
        )
    return "\n".join(parts)


def numbered(view: Overview) -> list[tuple[int, Target]]:
    """Number targets in the order overview_text shows them."""
    ordered = [line.target for jenis in JENIS for line in view.lines if line.target.jenis == jenis]
    return list(enumerate(ordered, start=1))


def my_rows(t: Translator, view: Overview, *, resumable: bool, leader: bool) -> Rows:
    """The buttons under one's own targets: change, withdraw, add, continue, the team."""
    _ = t._
    rows: Rows = []
    for n, target in numbered(view):
        row: list[tuple[str, str]] = []
        if is_editable(target) and view.has_supervisor:
            row.append((_("✏️ Change {n}").format(n=n), f"tg:edit:{target.id}:{target.version}"))
        if is_withdrawable(target):
            row.append((_("🗑 Withdraw {n}").format(n=n), f"tg:wd:{target.id}:{target.version}"))
        if row:
            rows.append(row)
    if view.has_supervisor:
        rows.append([(_("➕ Add target"), "tg:add")])
    rows += continue_rows(t, resumable)
    if leader:
        rows.append([(_("👥 Team targets"), "tg:team")])
    return rows


def continue_rows(t: Translator, resumable: bool) -> Rows:
    """Offer to go back to an unfinished target draft, if there is one."""
    return [[(t._("▶️ Continue the unfinished target"), "tg:resume")]] if resumable else []


def team_text(t: Translator, period: Period, members: list[TeamMember]) -> str:
    """The leader's direct subordinates with their targets and what waits for approval."""
    _ = t._
    lines = [_("<b>Team targets — {period}</b>").format(period=semester_name(period, t)), ""]
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
    if members:
        lines += ["", _("Choose a person to see and decide their targets.")]
    return "\n".join(lines)


def team_rows(t: Translator, members: list[TeamMember]) -> Rows:
    """A button per subordinate (with what waits for approval), and back to one's own."""
    rows: Rows = []
    for member in members:
        text = label(member.employee.name, MEMBER_LABEL_CHARS)
        if member.pending:
            text += f" (⏳ {member.pending})"
        rows.append([(text, f"tg:emp:{member.employee.id}")])
    rows.append([(t._("« My targets"), "tg:my")])
    return rows


def member_rows(t: Translator, view: Overview) -> Rows:
    """Approve / Return for each pending target of a subordinate, Assign, and back."""
    _ = t._
    rows: Rows = []
    for n, target in numbered(view):
        if target.status == STATUS_PENDING:
            version = f"{target.id}:{target.version}"
            rows.append(
                [
                    (_("✅ Approve {n}").format(n=n), f"tg:ok:{version}"),
                    (_("↩️ Return {n}").format(n=n), f"tg:ret:{version}"),
                ]
            )
    rows += assess_rows(t, view)
    rows.append([(_("➕ Add a target for this employee"), f"tg:asg:{view.employee.id}")])
    rows.append([(_("« Team"), "tg:team")])
    return rows


def assess_rows(t: Translator, view: Overview) -> Rows:
    """An "Assess" button for each qualitative IKI of the approved targets (the leader judges)."""
    lines = {line.target.id: line for line in view.lines}
    rows: Rows = []
    for n, target in numbered(view):
        line = lines.get(target.id)
        if line is None or line.rhk is None:
            continue
        for iki in line.rhk.ikis:
            if iki.measure is Measure.QUALITATIVE and iki.indicator.id is not None:
                name = shorten(iki.indicator.text or target.title, ASSESS_LABEL_CHARS)
                label = t._("⭐ Assess {n}: {name}").format(n=n, name=name)
                rows.append([(label, f"tg:as:{iki.indicator.id}")])
    return rows


ASSESS_LABEL_CHARS = 40
ASSESS_CHOICES = (
    (Expectation.BELOW, "b"),
    (Expectation.MEETS, "m"),
    (Expectation.ABOVE, "a"),
)


def assess_question(t: Translator, outcome: AssessOutcome) -> tuple[str, Rows]:
    """How did the employee do on this qualitative IKI? Three buttons and back."""
    _ = t._
    assert outcome.indicator is not None
    assert outcome.target is not None
    assert outcome.owner is not None
    row = outcome.indicator
    lines = [
        _("<b>Assess {name}</b>").format(name=esc(outcome.owner.name)),
        _("Work result: {title}").format(title=esc(outcome.target.title)),
        _("Indicator: {indicator}").format(indicator=esc(row.text) or "-"),
        _("Expectation: {text}").format(text=esc(row.expectation) or "-"),
    ]
    if outcome.assessment is not None:
        now = EXPECTATION_LABELS[Expectation(outcome.assessment.expectation)]
        lines.append(_("Your last assessment: {rating}").format(rating=_(now)))
    lines += ["", _("How did it go against the expectation?")]
    assert row.id is not None
    rows: Rows = [
        [(_(EXPECTATION_LABELS[e]).capitalize(), f"tg:asv:{row.id}:{code}")]
        for e, code in ASSESS_CHOICES
    ]
    rows.append([(_("« Targets of this employee"), f"tg:emp:{outcome.owner.id}")])
    return "\n".join(lines), rows


def assessed_text(t: Translator, outcome: AssessOutcome) -> str:
    """The assessment is saved (or already was)."""
    assert outcome.assessment is not None
    assert outcome.indicator is not None
    rating = t._(EXPECTATION_LABELS[Expectation(outcome.assessment.expectation)])
    return t._("Saved: “{indicator}” is {rating}. Thank you!").format(
        indicator=esc(outcome.indicator.text) or "-", rating=rating
    )


def employee_rows(t: Translator, owner: Employee) -> Rows:
    """Back to the targets of the employee just decided or assigned."""
    return [[(t._("« Targets of this employee"), f"tg:emp:{owner.id}")]]


def withdraw_question(t: Translator, target: Target) -> tuple[str, Rows]:
    """Ask before withdrawing a pending or returned target."""
    _ = t._
    text = _("Withdraw the target “{title}”? It will no longer wait for approval.").format(
        title=esc(target.title)
    )
    rows = [[(_("Yes, withdraw"), f"tg:wdy:{target.id}:{target.version}"), (_("No"), "tg:my")]]
    return text, rows


def full_target_text(t: Translator, full: FullTarget) -> str:
    """One target with every field in full."""
    lines = [t._("<b>Target of {name}</b>").format(name=esc(full.owner.name)), ""]
    return "\n".join(lines + describe(t, full.target, full.parent) + iki_lines(t, full))


def iki_lines(t: Translator, full: FullTarget) -> list[str]:
    """An RHK's indicators with aspek and target, when it has more than one."""
    if len(full.indicators) < 2:
        return []
    _ = t._
    lines = ["", _("<b>Indicators (IKI)</b>")]
    for row in full.indicators:
        lines.append(
            _("• {aspect}: {text} — {target}").format(
                aspect=_(ASPECT_LABELS[Aspect(row.aspect)]),
                text=esc(row.text),
                target=iki_target_text(t, row),
            )
        )
    return lines


# --------------------------------------------------------------------------- the draft


def question(t: Translator, step: str, options: list[Target]) -> tuple[str, Rows]:
    """One step's question and its buttons (the leader's targets to choose for "parent")."""
    _ = t._
    limits = {k: t.number(v) for k, v in QUESTION_LIMITS.get(step, {}).items()}
    text = _(QUESTIONS[step]).format(**limits)
    rows: Rows = []
    if step == "jenis":
        rows = [[(_("Main (utama)"), "tg:j:utama"), (_("Additional (tambahan)"), "tg:j:tambahan")]]
    elif step == "kind":
        rows = [
            [(_("Quantitative"), f"tg:k:{KIND_QUANT}"), (_("Qualitative"), f"tg:k:{KIND_QUAL}")]
        ]
    elif step == "unit":
        rows = [[(unit, f"tg:u:{i}") for i, unit in enumerate(COMMON_UNITS)]]
    elif step == "quality":
        rows = [[(_("Skip"), "tg:q:skip")]]
    elif step == "parent":
        rows = [[(label(o.title), f"tg:p:{o.id}")] for o in options]
        rows.append([(_("None"), "tg:p:0")])
    return text, [*rows, [(_("Cancel"), CANCEL)]]


def summary(t: Translator, draft: TargetFlowDraft, setting: DraftSetting) -> tuple[str, Rows]:
    """The whole draft with Save / Change / Cancel, in the words of its mode."""
    _ = t._
    name = esc(setting.owner.name)
    if draft.mode == "assign":
        head = _("Please check the target for <b>{name}</b>:").format(name=name)
        foot = _("It is approved at once, and {name} will be told.").format(name=name)
    elif draft.mode == "edit":
        head = _("Please check the changed target:")
        foot = _("After saving, it goes to your leader for approval again.")
    else:
        head = _("Please check your target:")
        foot = _("After saving, it goes to your leader for approval.")
    body = describe(t, draft.fields(), setting.parent) + extra_lines(t, draft)
    rows = [
        [(_("💾 Save"), "tg:save"), (_("✏️ Change"), "tg:change")],
        [(_("Cancel"), CANCEL)],
    ]
    if draft.mode != "edit" and len(draft.extras or []) < MAX_INDICATORS - 1:
        rows.insert(1, [(_(L_ADD_IKI), "tg:iki:add")])
    # A further IKI can be written again or taken out before saving.
    for n, _extra in enumerate(draft.extras or [], start=2):
        rows.insert(
            -1,
            [
                (_(L_CHANGE_IKI).format(n=n), f"tg:iki:ch:{n}"),
                (_(L_REMOVE_IKI).format(n=n), f"tg:iki:rm:{n}"),
            ],
        )
    return "\n".join([head, "", *body, "", foot]), rows


def field_choice(t: Translator, draft: TargetFlowDraft) -> tuple[str, Rows]:
    """Offer the fields of the draft that can be changed."""
    _ = t._
    rows = [[(_(FIELD_LABELS[s]), f"tg:f:{s}")] for s in STEPS if draft.applies(s)]
    rows.append([(_("« Back"), "tg:f:back")])
    return _("What would you like to change?"), rows


def saved_text(t: Translator, mode: str, result: TargetResult) -> tuple[str, Rows]:
    """Thank the speaker for a saved target (or say why it was not saved), with a way back."""
    _ = t._
    back = [[(_("📋 My targets"), "tg:my")]]
    if result.outcome is Outcome.UNCHANGED:
        return _("Nothing was changed."), back
    if result.outcome is not Outcome.OK:
        return _(refusal(result)), back
    if mode == "assign":
        assert result.owner is not None
        name = esc(result.owner.name)
        text = _("Saved and approved: the target is now on the list of {name}.").format(name=name)
        if not result.notified:
            text += " " + _("{name} is not using the bot yet, so no message was sent.").format(
                name=name
            )
        return text, employee_rows(t, result.owner)
    if result.notified:
        return _("Thank you, your target is saved and was sent to your leader for approval."), back
    return _(
        "Thank you, your target is saved. Your leader is not using the bot yet, so it "
        "waits as “awaiting approval” until they do."
    ), back


# --------------------------------------------------------------------------- decisions


def decided_text(t: Translator, result: TargetResult) -> str:
    """Thank the leader for an approval or a return, naming the target and its owner."""
    assert result.target is not None
    assert result.owner is not None
    if result.target.status == STATUS_APPROVED:
        template = t._("Approved: “{title}” of {name}. Thank you, {name} has been told.")
    else:
        template = t._("Returned: “{title}” went back to {name} with your note. Thank you.")
    return template.format(title=esc(result.target.title), name=esc(result.owner.name))


def note_question(t: Translator, result: TargetResult) -> str:
    """Ask the leader for a short, kind note before returning a target."""
    assert result.target is not None
    assert result.owner is not None
    return t._(
        "Please type a short note for {name}: what should change in “{title}”? "
        "A kind, concrete note helps most. (at most {max} characters)"
    ).format(name=esc(result.owner.name), title=esc(result.target.title), max=t.number(MAX_NOTE))


def return_cancel_rows(t: Translator) -> Rows:
    """The Cancel of a return note (it leaves a target draft alone)."""
    return [[(t._("Cancel"), RETURN_CANCEL)]]


# --------------------------------------------------------------------------- further IKIs

L_ADD_IKI = N_("➕ Add another indicator (IKI)")
L_REMOVE_IKI = N_("✖ Remove IKI {n}")
L_CHANGE_IKI = N_("✏️ Change IKI {n}")
ASPECT_HELP = {
    Aspect.KUANTITAS: N_("how much is done, for example “12 laporan”"),
    Aspect.KUALITAS: N_("how good it is, for example “data 95% lengkap”"),
    Aspect.WAKTU: N_("how timely it is, for example “selesai paling lambat 15 Desember”"),
    Aspect.BIAYA: N_("what it costs, for example “paling banyak Rp5 juta”"),
}
MEASURE_NAMES = {
    Measure.CUMULATIVE: N_("Adds up"),
    Measure.LEVEL: N_("Latest level"),
    Measure.LOWER: N_("Lower is better"),
    Measure.DEADLINE: N_("Deadline"),
    Measure.QUALITATIVE: N_("Leader's judgement"),
}
MEASURE_HELP = {
    Measure.CUMULATIVE: N_("every report adds to it, for example 3 + 4 + 5 of 12 laporan"),
    Measure.LEVEL: N_("the newest value counts, for example a satisfaction of 90%"),
    Measure.LOWER: N_("at or under the target is reached, for example at most 3 complaints"),
    Measure.DEADLINE: N_("done by a date, or on time in each of N periods, for example 6 months"),
    Measure.QUALITATIVE: N_("your leader judges it against a description, for example “rapi”"),
}
IKI_TARGET_QUESTIONS = {
    Measure.CUMULATIVE: N_("What is the target number? For example 12."),
    Measure.LEVEL: N_("What level is the target? For example 90."),
    Measure.LOWER: N_("What is the most that is still fine? For example 3."),
    Measure.DEADLINE: N_(
        "By which date (for example 15-12-2026)? Or, for work due every period, how many "
        "periods (for example 6)?"
    ),
    Measure.QUALITATIVE: N_(
        "Describe what is expected, for example “Laporan rapi dan mudah dibaca”."
    ),
}
IKI_TEXT_QUESTION = N_(
    "Type the indicator in a few words, for example “Laporan diserahkan tepat waktu”."
)
IKI_UNIT_QUESTION = N_("Type the unit, for example laporan, kegiatan or persen.")


def with_cancel(t: Translator, rows: Rows) -> Rows:
    return [*rows, [(t._("Cancel"), CANCEL)]]


def aspect_question(t: Translator) -> tuple[str, Rows]:
    """Which aspek the new IKI measures, each with a plain line and an example."""
    _ = t._
    lines = [_("<b>Another indicator (IKI).</b> Which aspect does it measure?"), ""]
    lines += [f"• <b>{_(ASPECT_LABELS[a])}</b>: {_(ASPECT_HELP[a])}" for a in Aspect]
    rows = [[(_(ASPECT_LABELS[a]), f"tg:ia:{a.value}")] for a in Aspect]
    return "\n".join(lines), with_cancel(t, rows)


def measure_question(t: Translator) -> tuple[str, Rows]:
    """How the new IKI is measured, each way with a plain line and an example."""
    _ = t._
    lines = [_("How is it measured?"), ""]
    lines += [f"• <b>{_(MEASURE_NAMES[m])}</b>: {_(MEASURE_HELP[m])}" for m in Measure]
    rows = [[(_(MEASURE_NAMES[m]), f"tg:im:{m.value}")] for m in Measure]
    return "\n".join(lines), with_cancel(t, rows)


def iki_step_question(t: Translator, step: str, measure: Measure | None) -> tuple[str, Rows]:
    """The typed questions of a further IKI: its words, its target, its unit."""
    _ = t._
    if step == "text":
        text = _(IKI_TEXT_QUESTION)
    elif step == "target" and measure is not None:
        text = _(IKI_TARGET_QUESTIONS[measure])
    else:
        text = _(IKI_UNIT_QUESTION)
    return text, with_cancel(t, [])


def extra_lines(t: Translator, draft: TargetFlowDraft) -> list[str]:
    """The further IKIs of a draft, one line each."""
    _ = t._
    lines = []
    for n, iki in enumerate(draft.fields().extra_indicators, start=2):
        row = IndicatorView(
            id=None,
            target_id=0,
            position=n - 1,
            aspect=iki.aspect.value, measure=iki.measure.value, text=iki.text,
            target_amount=iki.amount, unit=iki.unit, due_on=iki.due_on, periods=iki.periods,
            expectation=iki.expectation,
        )  # fmt: skip
        lines.append(
            _("IKI {n} ({aspect}, {measure}): {text} — {target}").format(
                n=n,
                aspect=_(ASPECT_LABELS[iki.aspect]),
                measure=_(MEASURE_NAMES[iki.measure]).lower(),
                text=esc(iki.text),
                target=iki_target_text(t, row),
            )
        )
    return lines
