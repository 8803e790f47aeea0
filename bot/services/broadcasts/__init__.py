"""HR socialization broadcasts: audiences, outbox rows, progress, acknowledgement, reports.

The public interface of the feature. The modules hold:
- audiences: who may broadcast and to whom, recipients and counts, OPD and unit choices;
- rows: what one recipient gets (the Bot API calls) within Telegram's limits;
- sending: creating a broadcast with its outbox rows, the resend, and Hentikan;
- acknowledgement: "I have read this", recorded once;
- reports: progress while sending, the report by OPD, the history;
- progress_message: the progress message its sender sees (edited by bot/delivery).
"""

from __future__ import annotations

from bot.services.broadcasts.acknowledgement import (
    ACK_ALREADY,
    ACK_OK,
    ACK_REFUSED,
    acknowledge,
)
from bot.services.broadcasts.audiences import (
    AudiencePreview,
    audience_choices,
    can_broadcast,
    check_audience,
    city_wide,
    count_audience,
)
from bot.services.broadcasts.reports import OpdLine, Progress, Report, history, report
from bot.services.broadcasts.rows import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    length_telegram_refuses,
    render,
)
from bot.services.broadcasts.sending import (
    AckLabel,
    Created,
    Draft,
    resend_to_non_ackers,
    send,
    stop,
)

__all__ = [
    "ACK_ALREADY",
    "ACK_OK",
    "ACK_REFUSED",
    "CAPTION_LIMIT",
    "TEXT_LIMIT",
    "AckLabel",
    "AudiencePreview",
    "Created",
    "Draft",
    "OpdLine",
    "Progress",
    "Report",
    "acknowledge",
    "audience_choices",
    "can_broadcast",
    "check_audience",
    "city_wide",
    "count_audience",
    "history",
    "length_telegram_refuses",
    "render",
    "report",
    "resend_to_non_ackers",
    "send",
    "stop",
]
