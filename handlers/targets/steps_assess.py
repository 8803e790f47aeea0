"""The leader assesses a qualitative IKI of a subordinate's approved target: below, meets or
above expectation. Stateless buttons under the employee's targets (tg:emp:<id>):

  tg:as:<indicator>            the question, with the last assessment
  tg:asv:<indicator>:<b|m|a>   save it (pressing again changes nothing)
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.services.targets import assessing
from bot.services.targets.achievement_rules import Expectation
from bot.services.targets.assessing import AssessResult
from bot.text import parse_callback
from handlers.common import answer, callback_int, edit_or_reply, keyboard, require_speaker
from handlers.conversation import refuse
from handlers.targets import texts

CODES = {code: expectation for expectation, code in texts.ASSESS_CHOICES}
REFUSALS = {
    AssessResult.FORBIDDEN: N_("Only the employee's direct supervisor can assess this."),
    AssessResult.NOT_QUALITATIVE: N_("This indicator is measured by reports, not assessed."),
    AssessResult.NOT_APPROVED: N_("This target is not approved, so it cannot be assessed now."),
}


def refusal(result: AssessResult) -> str:
    """The msgid that says why the speaker cannot assess (a target gone: not available)."""
    return REFUSALS.get(result, texts.NOT_AVAILABLE)


async def show_assess(update: Update, context: BotContext) -> None:
    """Ask how the subordinate did on one qualitative IKI."""
    indicator_id = callback_int(update, "tg:as")
    if indicator_id is None:
        await refuse(update, context, texts.NOT_AVAILABLE)
        return
    outcome = await assessing.check(context.deps.sessions, require_speaker(context), indicator_id)
    if outcome.result is not AssessResult.UNCHANGED:
        await refuse(update, context, refusal(outcome.result))
        return
    await answer(update)
    text, rows = texts.assess_question(context.t, outcome)
    await edit_or_reply(update, context, text, keyboard(rows))


async def save_assess(update: Update, context: BotContext) -> None:
    """Record the chosen assessment (idempotent) and say so."""
    data = update.callback_query.data if update.callback_query else None
    head, _sep, code = (data or "").rpartition(":")
    found = parse_callback(head, "tg:asv", 1)
    if found is None or code not in CODES:
        await refuse(update, context, texts.NOT_AVAILABLE)
        return
    [indicator_id] = found
    expectation: Expectation = CODES[code]
    speaker = require_speaker(context)
    outcome = await assessing.assess(
        context.deps.sessions, speaker, indicator_id, expectation, now=context.deps.clock.utcnow()
    )
    if outcome.result not in (AssessResult.SAVED, AssessResult.UNCHANGED):
        await refuse(update, context, refusal(outcome.result))
        return
    await answer(update)
    assert outcome.owner is not None
    rows = texts.employee_rows(context.t, outcome.owner)
    await edit_or_reply(update, context, texts.assessed_text(context.t, outcome), keyboard(rows))
