"""/pelatihan (/training): invitations and JP for everyone; sessions for HR.

Everyone sees their invitations (answer Hadir / Tidak) and the JP they earned this year
(steps.py). HR also gets the recommendations of the last semester (pl:reco), its sessions
(pl:list -> pl:s:<id>: RSVP list, pl:att:<id>:<page>: attendance, pl:cx:<id> -> pl:cxy:<id>:
cancel before the start), JP this year per OPD (pl:jp:<page>) and per unit of an OPD
(pl:jpo:<opd>:<page>) (steps_hr.py), and the creation flow (pl:new, or pl:new:<reco_id>
prefilled from a recommendation; steps_new.py): title -> topic -> date and time -> place ->
capacity -> JP -> invitees -> preview -> Save. texts.py holds the screens; the rules live in
bot.services.training.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from handlers.training import steps, steps_hr, steps_new
from handlers.training.steps_new import (
    CAPACITY,
    INVITEES,
    JP,
    PLACE,
    PREVIEW,
    STEPS,
    TITLE,
    TOPIC,
    WHEN,
)


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The creation conversation, then the stateless /pelatihan screens and buttons."""
    text = filters.TEXT & ~filters.COMMAND

    def typed(callback: Any) -> list[BaseHandler[Update, Any, Any]]:
        """A step that takes typed text; anything else gets a hint to type."""
        return [
            MessageHandler(text, callback),
            MessageHandler(~filters.COMMAND, steps_new.text_expected),
        ]

    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[CallbackQueryHandler(steps_new.new_session, pattern=r"^pl:new(:\d+)?$")],
        states={
            TITLE: typed(steps_new.receive_title),
            TOPIC: typed(steps_new.receive_topic),
            WHEN: typed(steps_new.receive_when),
            PLACE: typed(steps_new.receive_place),
            CAPACITY: typed(steps_new.receive_capacity),
            JP: typed(steps_new.receive_jp),
            INVITEES: [
                CallbackQueryHandler(steps_new.invite_unit, pattern=r"^pl:unit$"),
                *typed(steps_new.receive_nips),
            ],
            PREVIEW: [CallbackQueryHandler(steps_new.save, pattern=r"^pl:save$")],
        },
        fallbacks=STEPS.fallbacks(earlier=r"^pl:(unit|save)$"),
        name="training",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CommandHandler(["pelatihan", "training"], steps.home),
        CallbackQueryHandler(steps.home, pattern=r"^pl:home$"),
        CallbackQueryHandler(steps_hr.recommendations, pattern=r"^pl:reco$"),
        CallbackQueryHandler(steps_hr.sessions_list, pattern=r"^pl:list$"),
        CallbackQueryHandler(steps_hr.session_detail, pattern=r"^pl:s:\d+$"),
        CallbackQueryHandler(steps_hr.attendance, pattern=r"^pl:att:\d+:\d+$"),
        CallbackQueryHandler(steps_hr.confirm_cancel, pattern=r"^pl:cx:\d+$"),
        CallbackQueryHandler(steps_hr.cancel_session, pattern=r"^pl:cxy:\d+$"),
        CallbackQueryHandler(steps_hr.mark, pattern=r"^pl:a:"),
        CallbackQueryHandler(steps_hr.jp_opds, pattern=r"^pl:jp:"),
        CallbackQueryHandler(steps_hr.jp_units, pattern=r"^pl:jpo:"),
        CallbackQueryHandler(steps.rsvp, pattern=r"^pl:rsvp:"),
    ]
