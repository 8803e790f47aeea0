"""/pelatihan for everyone: the home screen and the answer to an invitation; and reading the
numbers a pressed button carries, for every step of the feature."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.services import training as tr
from bot.text import parse_callback
from handlers.common import answer, callback_tail, reply
from handlers.conversation import refuse
from handlers.training import texts


def pressed(update: Update, prefix: str, count: int) -> list[int] | None:
    """The `count` numbers of a pressed 'prefix:<n>:…' button; None when malformed."""
    data = update.callback_query.data if update.callback_query else None
    return parse_callback(data, prefix, count)


def pressed_choice(update: Update, prefix: str) -> tuple[int, bool] | None:
    """The id and the yes (True) or no of a pressed 'prefix:<id>:y|n' button; None if malformed."""
    tail = callback_tail(update, prefix)
    if tail[-2:] not in (":y", ":n"):
        return None
    found = parse_callback(f"{prefix}:{tail[:-2]}", prefix, 1)
    return (found[0], tail.endswith(":y")) if found else None


async def home(update: Update, context: BotContext) -> None:
    """/pelatihan: show the speaker's invitations and JP; HR buttons for HR officers."""
    await answer(update)
    speaker = context.speaker
    if speaker is None:
        return
    now = context.deps.clock.utcnow()
    year = context.deps.clock.now().year
    mine = await tr.my_training(context.deps.sessions, speaker.id, now, year)
    screen = texts.home(context.t, mine, now=now, year=year, is_hr=speaker.is_hr)
    await reply(update, context, *screen)


async def rsvp(update: Update, context: BotContext) -> None:
    """pl:rsvp:<invite>:y|n: record the invitee's answer to their own invitation."""
    speaker = context.speaker
    choice = pressed_choice(update, "pl:rsvp")
    if speaker is None or choice is None:
        await refuse(update, context, texts.NOT_YOURS)
        return
    invite_id, attend = choice
    answered = await tr.answer_invite(
        context.deps.sessions, speaker.id, invite_id, attend, context.deps.clock.utcnow()
    )
    if answered.result == tr.RSVP_NOT_YOURS or answered.training is None:
        await refuse(update, context, texts.NOT_YOURS)
        return
    if answered.result == tr.RSVP_CLOSED:
        await refuse(update, context, texts.CLOSED)
        return
    await answer(update)
    await reply(update, context, texts.rsvp_thanks(context.t, attend, answered.training))
