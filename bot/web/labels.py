"""Every word the Mini App shows, from the same Babel catalogs as the chat (sent with each
JSON answer, so the page needs no catalog of its own)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.services.targets.describing import (
    ASPECT_LABELS,
    CAPPED_NOTE,
    EXPECTATION_LABELS,
    MEASURE_LABELS,
)

LABELS: dict[str, str] = {
    "app": N_("Kinerja"),
    "tab_me": N_("My performance"),
    "tab_team": N_("My team"),
    "tab_hr": N_("HR"),
    "as_of": N_("Data as of"),
    "loading": N_("Loading…"),
    "load_failed": N_("Could not load the data; trying again shortly."),
    "overall": N_("Overall achievement"),
    "days_left": N_("Days left in the semester"),
    "targets": N_("Targets"),
    "target": N_("Target"),
    "achieved": N_("Achieved"),
    "progress": N_("Progress"),
    "reports": N_("Reports"),
    "last_report": N_("Last report"),
    "no_targets": N_("No approved targets yet."),
    "waiting": N_("Waiting for approval"),
    "recent_reports": N_("Recent reports"),
    "no_reports": N_("No reports yet."),
    "feedback": N_("Feedback received"),
    "no_feedback": N_("No feedback yet."),
    "qualitative": N_("Qualitative"),
    "contributions": N_("Your contribution to your leader's targets"),
    "name": N_("Name"),
    "unit": N_("Unit"),
    "achievement": N_("Achievement"),
    "flags": N_("Flags"),
    "search": N_("Search by name or unit"),
    "all_units": N_("All units"),
    "stale": N_("No report for 14 days"),
    "pending": N_("Targets awaiting approval"),
    "leads": N_("Leads a team"),
    "team_achievement": N_("Team achievement"),
    "members": N_("Members"),
    "cascade": N_("Cascade: the targets and each contribution"),
    "back": N_("Back"),
    "open_team": N_("Team"),
    "never": N_("Never"),
    "no_members": N_("No one reports to this person."),
    "team_of": N_("Team of"),
    "compliance_opd": N_("Reporting compliance by OPD"),
    "opd": N_("OPD"),
    "eligible": N_("Staff with targets"),
    "week": N_("Reported this week"),
    "month": N_("Reported this month"),
    "compliance_unit": N_("Compliance by unit, lowest first"),
    "predikat": N_("Predikat distribution against the curve"),
    "org_rating": N_("Organisation rating"),
    "still_open": N_("Still to evaluate"),
    "curve": N_("Curve"),
    "curve_ok": N_("Within the curve so far"),
    "curve_risk": N_("Rules at risk"),
    "curve_small": N_("Too small for the curve"),
    "curve_none": N_("No organisation rating yet"),
    "broadcasts": N_("Broadcast reach and acknowledgement"),
    "broadcast": N_("Broadcast"),
    "recipients": N_("Recipients"),
    "sent": N_("Delivered"),
    "acknowledged": N_("Acknowledged"),
    "struggling": N_("Units that may need support"),
    "below": N_("Below expectations"),
    "low": N_("Low achievement"),
    "csv": N_("Download CSV"),
    "all_opds": N_("Every OPD in your scope"),
    "nothing": N_("Nothing to show yet."),
    "share": N_("Share"),
    "date": N_("Date"),
    "from": N_("From"),
    "indicators": N_("Indicators (IKI)"),
}

ERRORS: dict[str, tuple[str, str]] = {
    "forged": (
        N_("Please open this from the bot"),
        N_(
            "This page could not confirm who you are. Please open it again from the button in "
            "the chat with the bot; the link is valid for a limited time only."
        ),
    ),
    "unlinked": (
        N_("Your account is not linked yet"),
        N_(
            "Your Telegram account is not linked to an employee yet. Open the chat with the "
            "bot and send /start to link it: with the invite link from your OPD, or your NIP."
        ),
    ),
    "blocked": (
        N_("The bot is blocked"),
        N_(
            "You have blocked the bot. Please open the chat with the bot, press Start again, "
            "and then open this page once more."
        ),
    ),
    "not_allowed": (
        N_("Not available for your account"),
        N_("This page is not available for your account. Your own performance page is."),
    ),
}


# The chat's own words for an IKI's aspek, measurement and the leader's assessment.
IKI_LABELS: dict[str, str] = {
    **{f"aspect_{key.value}": msgid for key, msgid in ASPECT_LABELS.items()},
    **{f"measure_{key.value}": msgid for key, msgid in MEASURE_LABELS.items()},
    **{f"expectation_{key.value}": msgid for key, msgid in EXPECTATION_LABELS.items()},
    "capped": CAPPED_NOTE,
}


def labels(t: Translator) -> dict[str, str]:
    """The labels in the reader's language."""
    return {key: t._(msgid) for key, msgid in {**LABELS, **IKI_LABELS}.items()}


def error_text(t: Translator, reason: str) -> dict[str, str]:
    """The title and message of a refusal in the reader's language."""
    title, message = ERRORS.get(reason, ERRORS["not_allowed"])
    return {"reason": reason, "title": t._(title), "message": t._(message)}
