"""Labels, callback data and rendering that every step of /lapor shares."""

from __future__ import annotations

from decimal import Decimal

from bot.context import BotContext
from bot.i18n import N_
from bot.services.reports import TargetProgress
from bot.services.reports.drafts import DraftError
from bot.text import esc

CANCEL = "rp:cancel"
BAR_CELLS = 10
TITLE_IN_BUTTON = 40
L_CANCEL = N_("Cancel")
L_SKIP = N_("Skip")
L_DONE = N_("Done")
L_SEND = N_("Send")
L_CHANGE = N_("Change")
L_CORRECT = N_("Correct")
L_WITHDRAW = N_("Withdraw")


def progress_bar(ratio: float | None) -> str:
    """A ten-cell text bar such as '▓▓▓▓░░░░░░' (full beyond 100 %)."""
    filled = max(0, min(BAR_CELLS, round((ratio or 0) * BAR_CELLS)))
    return "▓" * filled + "░" * (BAR_CELLS - filled)


def standing(context: BotContext, progress: TargetProgress) -> str:
    """'▓▓▓▓░░░░░░ 40%\n16 of 40 dokumen', or the report count of a qualitative target."""
    t = context.t
    _ = t._
    target = progress.target
    if progress.qualitative or not target.target_amount:
        return _("Reports on this target so far: {count}").format(count=progress.reports)
    ratio = progress.ratio or 0
    return f"{progress_bar(ratio)} {t.percent(ratio)}\n" + _(
        "{achieved} of {target} {unit}"
    ).format(
        achieved=t.number(progress.achieved),
        target=t.number(target.target_amount),
        unit=esc(target.unit),
    )


def cancel_row(context: BotContext) -> list[tuple[str, str]]:
    return [(context.t._(L_CANCEL), CANCEL)]


def draft_error_text(context: BotContext, error: DraftError) -> str:
    """Translate a DraftError, formatting its numbers the user's way."""
    params = {
        k: context.t.number(v) if isinstance(v, int | float | Decimal) else v
        for k, v in error.params.items()
    }
    return context.t._(error.reason).format(**params)
