"""Questions to HR (optionally anonymous), HR's inbox and answers, and the published FAQ.

- limits: the text lengths, the daily limit and the in-memory tally of anonymous questions;
- asking: saving a question and telling the right HR (anonymous ones name nobody);
- answering: HR's answer or closing, told to a named asker;
- faq: publishing, reading, hiding and showing again FAQ entries;
- queries: who handles which question, and the lists HR and askers read;
- notices: the text of the queued notices.
"""

from bot.services.questions.answering import HrOutcome, HrResult, answer, close
from bot.services.questions.asking import AskOutcome, AskResult, ask
from bot.services.questions.faq import (
    FaqListing,
    FaqView,
    faq_entry,
    faq_listing,
    hidden_entry,
    hidden_page,
    hide,
    publish,
    unhide,
)
from bot.services.questions.limits import (
    DAILY_LIMIT,
    MAX_ANSWER,
    MAX_QUESTION,
    MAX_REASON,
    MIN_QUESTION,
    MIN_REASON,
    QUOTE_CHARS,
    AnonymousTally,
    questions_left,
)
from bot.services.questions.queries import (
    STATUS_ANSWERED,
    STATUS_CLOSED,
    STATUS_OPEN,
    Asker,
    Listed,
    Page,
    Settled,
    inbox_page,
    own_question,
    own_questions_page,
    settled_page,
    settled_question,
    to_handle,
)

__all__ = [
    "DAILY_LIMIT",
    "MAX_ANSWER",
    "MAX_QUESTION",
    "MAX_REASON",
    "MIN_QUESTION",
    "MIN_REASON",
    "QUOTE_CHARS",
    "STATUS_ANSWERED",
    "STATUS_CLOSED",
    "STATUS_OPEN",
    "AnonymousTally",
    "AskOutcome",
    "AskResult",
    "Asker",
    "FaqListing",
    "FaqView",
    "HrOutcome",
    "HrResult",
    "Listed",
    "Page",
    "Settled",
    "answer",
    "ask",
    "close",
    "faq_entry",
    "faq_listing",
    "hidden_entry",
    "hidden_page",
    "hide",
    "inbox_page",
    "own_question",
    "own_questions_page",
    "publish",
    "questions_left",
    "settled_page",
    "settled_question",
    "to_handle",
    "unhide",
]
