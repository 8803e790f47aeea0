"""Which commands a user may use, by role; the source of /bantuan and the command menu."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.services.access import Speaker


@dataclass(frozen=True)
class Command:
    """A command with its Indonesian name, English alias and who may use it."""

    name: str
    alias: str
    description: str  # msgid
    audience: str  # anyone | linked | leader | hr


# Only commands that are implemented appear here; later features add themselves.
COMMANDS: tuple[Command, ...] = (
    Command("start", "start", N_("Start, or link your account"), "anyone"),
    Command("target", "target", N_("Your SKP targets: see, propose and approve"), "linked"),
    Command("lapor", "report", N_("Report progress on your targets"), "linked"),
    Command("kinerja", "progress", N_("See your progress on your targets"), "linked"),
    Command("tim", "team", N_("Your team's progress, flags and report notices"), "leader"),
    Command("umpanbalik", "feedback", N_("Give feedback to your team"), "leader"),
    Command("nilai", "evaluate", N_("Evaluate your staff or see your own evaluation"), "linked"),
    Command(
        "pelatihan", "training", N_("Training: invitations, attendance and your JP"), "linked"
    ),
    Command("tanya", "ask", N_("Ask HR a question, by name or anonymously"), "linked"),
    Command("siaran", "broadcast", N_("Send a socialization message to staff"), "hr"),
    Command("statistik", "stats", N_("Statistics within your scope, with charts"), "hr"),
    Command("ekspor", "export", N_("Download results and reports as a spreadsheet"), "hr"),
    Command("faq", "faq", N_("Questions and answers published by HR"), "linked"),
    Command("bantuan", "help", N_("What this bot can do for you"), "anyone"),
    Command("bahasa", "language", N_("Choose Bahasa Indonesia or English"), "anyone"),
    Command("batal", "cancel", N_("Stop what you are doing now"), "anyone"),
)


def allowed(command: Command, speaker: Speaker | None) -> bool:
    """Say whether this speaker may use this command."""
    if command.audience == "anyone":
        return True
    if speaker is None:
        return False
    if command.audience == "linked":
        return True
    if command.audience == "leader":
        return speaker.is_leader or speaker.is_hr
    if command.audience == "hr":
        return speaker.is_hr
    return False


def commands_for(speaker: Speaker | None) -> list[Command]:
    """Return the commands this speaker may use, in menu order."""
    return [c for c in COMMANDS if allowed(c, speaker)]


def command_name(command: Command, lang: str) -> str:
    """Show the Indonesian name to Indonesian users and the English alias to English users."""
    return command.alias if lang == "en" else command.name
