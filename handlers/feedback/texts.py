"""The feedback screens: the team, the subject, kind and value, the text, the preview, and the
employee's answers. Each screen is (HTML text, keyboard); user text is escaped."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.services import feedback as fb
from bot.text import esc
from handlers.common import button_label, keyboard, paging_row
from handlers.feedback.drafts import FLOW, FeedbackDraft
from models import Feedback

Screen = tuple[str, InlineKeyboardMarkup]

PAGE_SIZE = 8
SUBJECT_LABEL_CHARS = 30
L_GENERAL = N_("General")
L_SKIP = N_("Skip")
L_TEMPLATE = N_("Use template")
L_SEND = N_("Send")
L_CHANGE = N_("Change")
L_REPLY = N_("Reply")
NOT_YOUR_TEAM = N_(
    "Sorry, you can give feedback only to your own team members, on their own reports and targets."
)
NOT_ADDRESSED = N_("Sorry, this feedback is not addressed to you.")
ALREADY_THANKED = N_("You have already thanked your leader for this feedback.")
ALREADY_REPLIED = N_("You have already replied to this feedback.")
EARLIER_PREVIEW = N_("This button belongs to an earlier preview.")
THANK_YOU = N_("Thank you!")
TEXT_EXPECTED = N_("Please type your feedback as a text message.")
REPLY_EXPECTED = N_("Please type your reply as a text message.")
REPLY_SENT = N_("Thank you. Your reply has been sent to your leader.")
NO_TEAM = N_(
    "Feedback here is given by leaders to the members of their own team. You have "
    "no team members in the bot at the moment.\n\nWhen your leader sends you "
    "feedback, it will appear in this chat, and you can thank them or reply."
)
READ_THANKS = N_(
    "Thank you for reading the feedback. Your leader will know that you received it. "
    "Keep up the good work!"
)


def writing_tip(t: Translator, kind: str) -> str:
    """A one-line tip for kind, specific, actionable wording."""
    _ = t._
    if kind == fb.KIND_APPRECIATION:
        return _(
            "Tip: name the specific thing they did and why it mattered. Specific thanks "
            "encourages more than general praise."
        )
    return _(
        "Tip: describe the situation and the behaviour, not the person, and suggest one "
        "concrete next step. Kind and specific words help people grow."
    )


def template_text(t: Translator, kind: str) -> str:
    """The constructive template (situation, behaviour, impact, next step) to copy and fill."""
    _ = t._
    if kind == fb.KIND_APPRECIATION:
        return "\n".join(
            [
                _("Situation: When ... (when and where)"),
                _("Behaviour: you ... (what exactly you did)"),
                _("Impact: This helped ... (the effect on the team or the public)"),
                _("Next step: Please keep ... / share this with ..."),
            ]
        )
    return "\n".join(
        [
            _("Situation: When ... (when and where)"),
            _("Behaviour: I noticed that ... (what happened, without judging)"),
            _("Impact: As a result ... (the effect on the work or the public)"),
            _("Next step: Next time, could you ... ? I am happy to help with ..."),
        ]
    )


# --- the leader's flow ---


def team_page(context: BotContext, team: list[fb.Member], page: int) -> Screen:
    """One page of team members as buttons, with Previous/Next when there are many."""
    _ = context.t._
    pages = max(1, (len(team) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = max(0, min(page, pages - 1))
    rows = [
        [(button_label(m.name), f"fb:e:{m.id}")]
        for m in team[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    nav = paging_row(context.t, page, pages, lambda n: f"fb:pg:{n}")
    if nav:
        rows.append(nav)
    rows.append(FLOW.cancel_row(context))
    text = _(
        "<b>Feedback</b>\nWho would you like to give feedback to? Regular, specific feedback "
        "helps your team grow."
    )
    if pages > 1:
        text += "\n" + _("Page {page} of {pages}").format(page=page + 1, pages=pages)
    return text, keyboard(rows)


def subjects_screen(context: BotContext, found: fb.Recipient) -> Screen:
    """Recent reports and targets of the employee as buttons, plus General."""
    _ = context.t._
    rows: list[list[tuple[str, str]]] = []
    for report in found.reports:
        day = context.t.date(report.created_at.astimezone(context.deps.settings.tz), "short")
        label = button_label(report.title, SUBJECT_LABEL_CHARS)
        rows.append([(f"📝 {label} ({day})", f"fb:r:{report.report_id}")])
    for target in found.targets:
        rows.append([(f"🎯 {button_label(target.title)}", f"fb:t:{target.target_id}")])
    rows.append([(_(L_GENERAL), "fb:g")])
    rows.append(FLOW.cancel_row(context))
    text = _(
        "<b>Feedback for {name}</b>\nWhat is it about? Choose a recent report (📝) or a "
        "target (🎯), or General."
    ).format(name=esc(found.name))
    return text, keyboard(rows)


def about_line(t: Translator, draft: FeedbackDraft) -> str:
    """Say what the draft is about: a report, a target, or general."""
    _ = t._
    if draft.report_id:
        return _("On the report for: {title}").format(title=esc(draft.subject))
    if draft.target_id:
        return _("On the target: {title}").format(title=esc(draft.subject))
    return _("General feedback")


def kind_screen(context: BotContext, draft: FeedbackDraft) -> Screen:
    """Ask Appreciation or Suggestion, naming the employee and the subject."""
    t = context.t
    _ = t._
    text = "\n".join(
        [
            _("<b>Feedback for {name}</b>").format(name=esc(draft.employee_name)),
            about_line(t, draft),
            "",
            _("What kind of feedback would you like to give?"),
        ]
    )
    rows = [[(fb.kind_label(t, kind), f"fb:k:{kind}")] for kind in fb.KINDS]
    return text, keyboard([*rows, FLOW.cancel_row(context)])


def values_screen(context: BotContext) -> Screen:
    """The BerAKHLAK values with their guides, as buttons, plus Skip."""
    _ = context.t._
    lines = [_("Which BerAKHLAK value does this relate to? This is optional."), ""]
    lines += [f"• <b>{v.name}</b>: {esc(_(v.guide))}" for v in fb.VALUES]
    rows = [[(v.name, f"fb:v:{v.key}")] for v in fb.VALUES]
    rows.append([(_(L_SKIP), "fb:v:-")])
    rows.append(FLOW.cancel_row(context))
    return "\n".join(lines), keyboard(rows)


def text_prompt(context: BotContext, draft: FeedbackDraft) -> Screen:
    """Ask for the text with a one-line tip, the limits and the template button."""
    t = context.t
    _ = t._
    text = "\n".join(
        [
            writing_tip(t, draft.kind),
            "",
            _(
                "Please type your feedback for {name} ({minimum} to {limit} characters), or "
                "press <b>Use template</b> for a structure to start from."
            ).format(
                name=esc(draft.employee_name),
                minimum=t.number(fb.MIN_TEXT),
                limit=t.number(fb.MAX_TEXT),
            ),
        ]
    )
    return text, keyboard([[(_(L_TEMPLATE), "fb:tpl")], FLOW.cancel_row(context)])


def template_screen(context: BotContext, draft: FeedbackDraft) -> Screen:
    """The constructive template to copy, fill in and send back."""
    t = context.t
    text = (
        t._("Copy this template (tap it), fill in the dots and send it to me:")
        + "\n\n<pre>"
        + esc(template_text(t, draft.kind))
        + "</pre>"
    )
    return text, FLOW.cancel_only(context)


def preview_screen(context: BotContext, draft: FeedbackDraft) -> Screen:
    """The feedback as the employee will read it, with Send / Change / Cancel."""
    t = context.t
    _ = t._
    lines = [
        _("<b>Preview of your feedback</b>"),
        _("To: {name}").format(name=esc(draft.employee_name)),
        about_line(t, draft),
        _("Kind: {kind}").format(kind=fb.kind_label(t, draft.kind)),
    ]
    value = fb.value_of(draft.value)
    if value is not None:
        lines.append(_("BerAKHLAK value: {value}").format(value=value.name))
    lines += ["", esc(draft.text), "", _("Send it?")]
    markup = keyboard(
        [
            [(_(L_SEND), f"fb:send:{draft.nonce}"), (_(L_CHANGE), "fb:edit")],
            FLOW.cancel_row(context),
        ]
    )
    return "\n".join(lines), markup


def sent_text(t: Translator, draft: FeedbackDraft, delivered: bool) -> str:
    """Confirm the feedback was sent, or saved for someone not linked yet."""
    name = esc(draft.employee_name)
    if delivered:
        return t._("Thank you! Your feedback has been sent to {name}.").format(name=name)
    return t._(
        "Your feedback is saved, but {name} has not linked Telegram to the bot yet, so it "
        "could not be delivered in a chat."
    ).format(name=name)


def not_sent_text(t: Translator, draft: FeedbackDraft) -> str:
    """The employee or the subject changed meanwhile: nothing was sent."""
    return t._(
        "Sorry, this feedback could not be sent: {name} is no longer on your team, or "
        "the report or target has changed. Nothing was sent."
    ).format(name=esc(draft.employee_name))


# --- the employee's answers ---


def reply_prompt(context: BotContext) -> Screen:
    """Ask for the employee's reply, stating the limit."""
    t = context.t
    text = t._("Please type your reply to your leader (at most {limit} characters).").format(
        limit=t.number(fb.MAX_REPLY)
    )
    return text, FLOW.cancel_only(context)


def reply_only(t: Translator, feedback: Feedback) -> InlineKeyboardMarkup | None:
    """The notice's buttons once thanked: "Reply" while no reply was sent, else none."""
    if feedback.replied_at is not None:
        return None
    return keyboard([[(t._(L_REPLY), f"fb:reply:{feedback.id}")]])
