"""/pelatihan (/training): invitations and JP for everyone; sessions for HR.

Everyone sees their invitations (answer Hadir / Tidak) and the JP they earned this year. HR
also gets the recommendations of the last semester (pl:reco), its sessions (pl:list ->
pl:s:<id>: RSVP list, pl:att:<id>:<page>: attendance, pl:cx:<id> -> pl:cxy:<id>: cancel
before the start), JP this year per OPD (pl:jp:<page>) and per unit of an OPD
(pl:jpo:<opd>:<page>), and the creation flow (pl:new, or pl:new:<reco_id> prefilled from a
recommendation): title -> topic -> date and time -> place -> capacity -> JP -> invitees ->
preview -> Save. Rules live in bot.services.training.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.i18n import N_
from bot.services import training as tr
from bot.text import esc, parse_callback
from handlers.common import answer, edit_or_reply, keyboard, reply

TITLE, TOPIC, WHEN, PLACE, CAPACITY, JP, INVITEES, PREVIEW = range(1, 9)
END = ConversationHandler.END
DRAFT_KEY = "training_draft"
CANCEL = "pl:cancel"
PAGE_SIZE = 10
LABEL_CHARS = 32
L_CANCEL = N_("Cancel")
RSVP_LABELS = {
    "": N_("not answered yet"),
    tr.RSVP_YES: N_("will attend"),
    tr.RSVP_NO: N_("will not attend"),
}


# --- small helpers ---


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Shorten text for a button label."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def data_of(update: Update) -> str:
    """The pressed button's data ('' when absent)."""
    return (update.callback_query.data if update.callback_query else None) or ""


def draft_of(context: BotContext) -> dict[str, Any] | None:
    """The HR officer's session draft, or None."""
    data = (context.user_data or {}).get(DRAFT_KEY)
    return data if isinstance(data, dict) else None


def keep(context: BotContext, draft: dict[str, Any]) -> None:
    """Store the draft (JSON values only)."""
    if context.user_data is not None:
        context.user_data[DRAFT_KEY] = draft


def forget(context: BotContext) -> None:
    """Drop the draft."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)


def cancel_only(context: BotContext) -> InlineKeyboardMarkup:
    """A keyboard with only the Batal / Cancel button."""
    return keyboard([[(context.t._(L_CANCEL), CANCEL)]])


def problem_text(context: BotContext, problem: tr.Problem) -> str:
    """Translate a problem, numbers written the user's way."""
    return context.t._(problem.reason).format(
        limit=context.t.number(problem.limit), length=context.t.number(problem.length)
    )


def when_text(context: BotContext, moment: datetime) -> str:
    """'Jumat, 15 Januari 2027, 09.00 WIB'."""
    return context.t._("{day}, {time} WIB").format(
        day=context.t.date(moment), time=context.t.time(moment)
    )


async def not_hr(update: Update, context: BotContext) -> None:
    """Refuse an HR-only button politely."""
    await answer(
        update,
        context.t._("Sorry, only HR officers can manage training sessions, within their scope."),
        alert=True,
    )


# --- home ---


async def home(update: Update, context: BotContext) -> None:
    """/pelatihan: the speaker's invitations and JP; HR buttons for HR officers."""
    _ = context.t._
    await answer(update)
    speaker = context.speaker
    if speaker is None:
        return
    now = context.deps.clock.utcnow()
    year = context.deps.clock.now().year
    async with context.deps.sessions() as session:
        invitations, total = await tr.my_training(session, speaker.id, now, year)
    lines = [_("<b>Training</b>")]
    rows: list[list[tuple[str, str]]] = []
    if invitations:
        lines.append(_("Your invitations:"))
        for invite, training in invitations:
            status = (
                _("attended")
                if invite.attended
                else _(RSVP_LABELS.get(invite.rsvp, RSVP_LABELS[""]))
            )
            when = when_text(context, training.starts_at)
            lines.append(f"• <b>{esc(training.title)}</b>\n  {when}\n  {esc(training.place)}")
            lines.append(f"  {status}")
            if training.starts_at > now and training.status != tr.CANCELLED:
                rows.append(
                    [
                        ("✅ " + short(training.title, 24), f"pl:rsvp:{invite.id}:y"),
                        ("❌ " + _("Not attending"), f"pl:rsvp:{invite.id}:n"),
                    ]
                )
    else:
        lines.append(_("You have no training invitations at the moment."))
    lines.append("")
    lines.append(
        _("Training hours (JP) earned in {year}: <b>{jp} JP</b>").format(
            year=year, jp=context.t.number(total)
        )
    )
    if speaker.is_hr:
        rows.append([(_("Recommendations"), "pl:reco"), (_("Sessions"), "pl:list")])
        rows.append([(_("New session"), "pl:new"), (_("JP this year"), "pl:jp:0")])
    await reply(update, context, "\n".join(lines), keyboard(rows) if rows else None)


async def recommendations(update: Update, context: BotContext) -> None:
    """pl:reco: the last semester's recommendations in the officer's scope."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None or not speaker.is_hr:
        await not_hr(update, context)
        return
    await answer(update)
    async with context.deps.sessions() as session:
        found = await tr.recommendations_for(session, speaker)
    if not found:
        await reply(
            update,
            context,
            _(
                "There are no training recommendations in your scope at the moment. They appear "
                "after a semester's evaluation window has closed."
            ),
            keyboard([[(_("New session"), "pl:new")]]),
        )
        return
    lines = [_("<b>Training recommendations</b>")]
    rows: list[list[tuple[str, str]]] = []
    for row in found[:PAGE_SIZE]:
        reco = row.reco
        lines.append(
            _(
                "• <b>{unit}</b> ({opd}), {staff} staff: below expectations {below}, low "
                "achievement {low}. Suggested: {topic}"
            ).format(
                unit=esc(row.unit_name),
                opd=esc(row.opd_name),
                staff=reco.staff,
                below=context.t.percent(reco.below_share),
                low=context.t.percent(reco.low_achievement_share),
                topic=esc(tr.topic_label(context.t, reco.topic)),
            )
        )
        rows.append(
            [
                (
                    _("Create session: {unit}").format(unit=short(row.unit_name, 24)),
                    f"pl:new:{reco.id}",
                )
            ]
        )
    if len(found) > PAGE_SIZE:
        lines.append(_("… and {count} more.").format(count=len(found) - PAGE_SIZE))
    await reply(update, context, "\n".join(lines), keyboard(rows))


# --- creating a session ---


async def new_session(update: Update, context: BotContext) -> int | None:
    """pl:new or pl:new:<reco>: start a draft (prefilled from the recommendation)."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None or not speaker.is_hr:
        await not_hr(update, context)
        return END
    data = data_of(update)
    # The nonce names this draft: saving it twice (a failover) saves one session.
    draft: dict[str, Any] = {
        "reco_id": None, "unit_id": None, "unit_name": "", "nonce": secrets.token_hex(8),
    }  # fmt: skip
    if data != "pl:new":
        parsed = parse_callback(data, "pl:new", 1)
        async with context.deps.sessions() as session:
            row = await tr.recommendation_for(session, speaker, parsed[0]) if parsed else None
        if row is None:
            await answer(update, _("Sorry, this recommendation is not in your scope."), alert=True)
            return END
        topic = tr.topic_label(context.t, row.reco.topic)
        draft.update(
            reco_id=row.reco.id,
            unit_id=row.reco.unit_id,
            unit_name=row.unit_name,
            title=topic[: tr.MAX_TITLE],
            topic=row.reco.topic,
        )
    await answer(update)
    keep(context, draft)
    if draft.get("title"):
        await reply(
            update,
            context,
            _("New session for <b>{unit}</b>: {title}").format(
                unit=esc(draft["unit_name"]), title=esc(draft["title"])
            )
            + "\n\n"
            + ask_when(context),
            cancel_only(context),
        )
        return WHEN
    await reply(
        update,
        context,
        _("<b>New training session</b>\nWhat is the title? (at most {limit} characters)").format(
            limit=tr.MAX_TITLE
        ),
        cancel_only(context),
    )
    return TITLE


def ask_when(context: BotContext) -> str:
    """The question for the start time."""
    return context.t._(
        "When does it start? Type the date and time (WIB) as dd-mm-yyyy hh:mm, for example "
        "15-01-2027 09:00."
    )


async def text_step(
    update: Update, context: BotContext, limit: int
) -> tuple[dict[str, Any], str] | None:
    """Read and check typed text for a step; replies with the problem when it is unusable."""
    draft = draft_of(context)
    message = update.effective_message
    text = (message.text if message else None) or ""
    if draft is None:
        await reply(update, context, context.t._("Please start again with /pelatihan."))
        return None
    problem = tr.check_text(text, limit)
    if problem is not None:
        await reply(update, context, problem_text(context, problem), cancel_only(context))
        return None
    return draft, text.strip()


async def receive_title(update: Update, context: BotContext) -> int | None:
    """Take the title, ask the topic."""
    got = await text_step(update, context, tr.MAX_TITLE)
    if got is None:
        return None if draft_of(context) else END
    draft, text = got
    draft["title"] = text
    keep(context, draft)
    await reply(
        update,
        context,
        context.t._("What is the topic? (at most {limit} characters)").format(limit=tr.MAX_TOPIC),
        cancel_only(context),
    )
    return TOPIC


async def receive_topic(update: Update, context: BotContext) -> int | None:
    """Take the topic, ask when."""
    got = await text_step(update, context, tr.MAX_TOPIC)
    if got is None:
        return None if draft_of(context) else END
    draft, text = got
    draft["topic"] = text
    keep(context, draft)
    await reply(update, context, ask_when(context), cancel_only(context))
    return WHEN


async def receive_when(update: Update, context: BotContext) -> int | None:
    """Take the start time (future; a warning for weekends and holidays), ask the place."""
    _ = context.t._
    draft = draft_of(context)
    if draft is None:
        await reply(update, context, _("Please start again with /pelatihan."))
        return END
    message = update.effective_message
    parsed = tr.parse_start((message.text if message else None) or "", context.deps.clock.now())
    if parsed.problem is not None or parsed.starts_at is None:
        assert parsed.problem is not None
        await reply(update, context, problem_text(context, parsed.problem), cancel_only(context))
        return None
    draft["starts_at"] = parsed.starts_at.isoformat()
    keep(context, draft)
    text = _("Start: {when}").format(when=when_text(context, parsed.starts_at))
    if parsed.not_working_day:
        text += "\n⚠️ " + _(
            "Note: that day is not a working day ({reason}). If this is intended, continue; "
            "otherwise type another date."
        ).format(reason=esc(parsed.holiday) if parsed.holiday else _("weekend"))
    text += "\n\n" + _(
        "Where is it? Type the place or the meeting link (at most {limit} characters)."
    ).format(limit=tr.MAX_PLACE)
    await reply(update, context, text, cancel_only(context))
    return PLACE


async def receive_place(update: Update, context: BotContext) -> int | None:
    """Take the place; a new date typed here replaces the start time."""
    draft = draft_of(context)
    message = update.effective_message
    typed = (message.text if message else None) or ""
    if draft is not None and tr.parse_start(typed, context.deps.clock.now()).starts_at:
        return await receive_when(update, context)
    got = await text_step(update, context, tr.MAX_PLACE)
    if got is None:
        return None if draft_of(context) else END
    draft, text = got
    draft["place"] = text
    keep(context, draft)
    await reply(
        update,
        context,
        context.t._("How many seats are there? (1 to {limit})").format(limit=tr.MAX_CAPACITY),
        cancel_only(context),
    )
    return CAPACITY


async def receive_capacity(update: Update, context: BotContext) -> int | None:
    """Take the capacity, ask the JP."""
    draft = draft_of(context)
    if draft is None:
        return END
    message = update.effective_message
    value = tr.parse_capacity((message.text if message else None) or "")
    if isinstance(value, tr.Problem):
        await reply(update, context, problem_text(context, value), cancel_only(context))
        return None
    draft["capacity"] = value
    keep(context, draft)
    await reply(
        update,
        context,
        context.t._(
            "How many JP (jam pelajaran, 45 minutes each) is it worth? For example 2 or 1,5."
        ),
        cancel_only(context),
    )
    return JP


async def receive_jp(update: Update, context: BotContext) -> int | None:
    """Take the JP, ask who to invite."""
    _ = context.t._
    draft = draft_of(context)
    if draft is None:
        return END
    message = update.effective_message
    value = tr.parse_jp((message.text if message else None) or "")
    if isinstance(value, tr.Problem):
        await reply(update, context, problem_text(context, value), cancel_only(context))
        return None
    draft["jp"] = str(value)
    keep(context, draft)
    rows: list[list[tuple[str, str]]] = []
    text = _("Who is invited? Type their NIPs (18 digits each, separated by spaces or lines).")
    if draft.get("unit_id"):
        rows.append(
            [(_("Invite the staff of {unit}").format(unit=short(draft["unit_name"])), "pl:unit")]
        )
        text += "\n" + _("Or invite the staff of the recommended unit with the button.")
    rows.append([(_(L_CANCEL), CANCEL)])
    await reply(update, context, text, keyboard(rows))
    return INVITEES


async def invite_unit(update: Update, context: BotContext) -> int | None:
    """pl:unit: invite the recommended unit's staff."""
    speaker = context.speaker
    draft = draft_of(context)
    if speaker is None or draft is None or not draft.get("reco_id"):
        await answer(update)
        return END
    await answer(update)
    async with context.deps.sessions() as session:
        row = await tr.recommendation_for(session, speaker, int(draft["reco_id"]))
        staff = await tr.unit_staff(session, row.reco.unit_id) if row else []
    draft["employee_ids"] = [e.id for e in staff if e.id is not None]
    draft["notes"] = []
    keep(context, draft)
    await show_preview(update, context, draft)
    return PREVIEW


async def receive_nips(update: Update, context: BotContext) -> int | None:
    """Take a typed NIP list (scope-checked), then preview."""
    _ = context.t._
    speaker = context.speaker
    draft = draft_of(context)
    if speaker is None or draft is None:
        return END
    message = update.effective_message
    async with context.deps.sessions() as session:
        found = await tr.invitees_from_nips(
            session, speaker, (message.text if message else None) or ""
        )
    notes = []
    if found.unknown:
        notes.append(_("Not found: {nips}").format(nips=esc(", ".join(found.unknown[:20]))))
    if found.outside:
        notes.append(
            _("Outside your scope, not invited: {nips}").format(
                nips=esc(", ".join(found.outside[:20]))
            )
        )
    if not found.found:
        text = "\n".join([*notes, _("Nobody to invite yet. Please type at least one NIP.")])
        await reply(update, context, text, cancel_only(context))
        return None
    draft["employee_ids"] = [e.id for e in found.found if e.id is not None]
    draft["notes"] = notes
    keep(context, draft)
    await show_preview(update, context, draft)
    return PREVIEW


async def show_preview(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Show the whole session before saving."""
    _ = context.t._
    count = len(draft.get("employee_ids", []))
    capacity = int(draft["capacity"])
    lines = [
        _("<b>Preview</b>"),
        "<b>" + esc(draft["title"]) + "</b>",
        _("Topic: {topic}").format(topic=esc(tr.topic_label(context.t, draft.get("topic", "")))),
        _("When: {when}").format(
            when=when_text(context, datetime.fromisoformat(draft["starts_at"]))
        ),
        _("Where: {place}").format(place=esc(draft["place"])),
        _("Seats: {capacity}, worth {jp} JP").format(
            capacity=capacity, jp=context.t.number(Decimal(draft["jp"]))
        ),
        _("Invitees: {count}").format(count=min(count, capacity)),
    ]
    if count > capacity:
        lines.append(
            _("{count} people do not fit within the capacity and will not be invited.").format(
                count=count - capacity
            )
        )
    lines += draft.get("notes", [])
    rows = [[(_("Save and invite"), "pl:save"), (_(L_CANCEL), CANCEL)]]
    await reply(update, context, "\n".join(lines), keyboard(rows))


async def save(update: Update, context: BotContext) -> int:
    """pl:save: create the session and queue the invitations."""
    _ = context.t._
    speaker = context.speaker
    draft = draft_of(context)
    await answer(update)
    if speaker is None or draft is None or "jp" not in draft:
        forget(context)
        await reply(update, context, _("Please start again with /pelatihan."))
        return END
    starts_at = datetime.fromisoformat(draft["starts_at"])
    now = context.deps.clock.utcnow()
    if starts_at <= now:
        await reply(
            update,
            context,
            _("That moment has already passed. Please choose a future time.")
            + "\n\n"
            + ask_when(context),
            cancel_only(context),
        )
        return WHEN
    plan = tr.Draft(
        title=draft["title"],
        topic=draft.get("topic", ""),
        starts_at=starts_at,
        place=draft["place"],
        capacity=int(draft["capacity"]),
        jp=Decimal(draft["jp"]),
        recommendation_id=draft.get("reco_id"),
        employee_ids=[int(i) for i in draft.get("employee_ids", [])],
        request_key=str(draft.get("nonce") or ""),
    )
    async with context.deps.sessions() as session:
        created = await tr.create_session(session, speaker, context.deps.i18n, plan, now)
        await session.commit()
    forget(context)
    if created is None:
        await reply(update, context, _("Sorry, you cannot create this session."))
        return END
    context.wake_outbox()
    text = _("Saved. {count} invitations are on their way.").format(count=created.invited)
    if created.left_out:
        text += "\n" + _("{count} people were left out because the session is full.").format(
            count=created.left_out
        )
    await reply(
        update, context, text, keyboard([[(_("Open session"), f"pl:s:{created.training.id}")]])
    )
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """Batal: drop the draft; nothing is saved."""
    await answer(update)
    forget(context)
    await reply(update, context, context.t._("Cancelled. Nothing was saved."))
    return END


async def earlier_step(update: Update, context: BotContext) -> int | None:
    """A button of another step: answered, never acted upon."""
    await answer(
        update,
        context.t._("This button belongs to another step. Please use the latest message."),
        alert=True,
    )
    return None


async def text_expected(update: Update, context: BotContext) -> int | None:
    """A sticker or photo where text is expected."""
    await reply(
        update, context, context.t._("Please type your answer as text."), cancel_only(context)
    )
    return None


# --- sessions, RSVP list, attendance ---


async def sessions_list(update: Update, context: BotContext) -> None:
    """pl:list: the officer's sessions."""
    _ = context.t._
    speaker = context.speaker
    if speaker is None or not speaker.is_hr:
        await not_hr(update, context)
        return
    await answer(update)
    async with context.deps.sessions() as session:
        found = await tr.sessions_for_hr(session, speaker)
    if not found:
        await reply(
            update, context, _("No sessions yet."), keyboard([[(_("New session"), "pl:new")]])
        )
        return
    rows = [
        [(f"{short(s.title, 24)} · {context.t.date(s.starts_at, 'short')}", f"pl:s:{s.id}")]
        for s in found
    ]
    await reply(update, context, _("<b>Training sessions</b>"), keyboard(rows))


async def session_from_button(
    update: Update, context: BotContext, prefix: str, numbers: int
) -> tuple[tuple[Any, list[tr.InviteRow]], list[int]] | None:
    """Load the session a button names (its id first) for HR, or refuse and return None."""
    speaker = context.speaker
    parsed = parse_callback(data_of(update), prefix, numbers)
    found = None
    if speaker is not None and parsed is not None:
        async with context.deps.sessions() as session:
            found = await tr.session_for_hr(session, speaker, parsed[0])
    if found is None or parsed is None:
        await not_hr(update, context)
        return None
    await answer(update)
    return found, parsed


async def session_detail(update: Update, context: BotContext) -> None:
    """pl:s:<id>: the session with its RSVP list."""
    _ = context.t._
    loaded = await session_from_button(update, context, "pl:s", 1)
    if loaded is None:
        return
    (training, invitees), _args = loaded
    yes = sum(1 for r in invitees if r.invite.rsvp == tr.RSVP_YES)
    no = sum(1 for r in invitees if r.invite.rsvp == tr.RSVP_NO)
    lines = [
        "<b>" + esc(training.title) + "</b>",
        when_text(context, training.starts_at),
        esc(training.place),
    ]
    if training.status == tr.CANCELLED:
        lines.append(_("This session has been cancelled."))
    lines += [
        _("Invited {count}: {yes} will attend, {no} will not, {open} not answered yet.").format(
            count=len(invitees), yes=yes, no=no, open=len(invitees) - yes - no
        ),
        "",
    ]
    for row in invitees:
        mark = {tr.RSVP_YES: "✅", tr.RSVP_NO: "❌"}.get(row.invite.rsvp, "•")
        if row.invite.attended is not None:
            mark += " " + (_("present") if row.invite.attended else _("absent"))
        lines.append(f"{mark} {esc(row.employee.name)}")
    rows = []
    if training.starts_at <= context.deps.clock.utcnow():
        if training.status != tr.CANCELLED:
            rows.append([(_("Record attendance"), f"pl:att:{training.id}:0")])
    elif training.status == tr.PLANNED:
        rows.append([(_("Cancel this session"), f"pl:cx:{training.id}")])
    await reply(update, context, "\n".join(lines), keyboard(rows) if rows else None)


async def confirm_cancel(update: Update, context: BotContext) -> None:
    """pl:cx:<id>: ask before cancelling a session."""
    _ = context.t._
    loaded = await session_from_button(update, context, "pl:cx", 1)
    if loaded is None:
        return
    (training, invitees), _args = loaded
    told = sum(1 for row in invitees if row.invite.rsvp != tr.RSVP_NO)
    text = _(
        "Cancel <b>{title}</b> ({when})? {count} invitee(s) who have not declined will be told "
        "politely, and no reminders will be sent."
    ).format(title=esc(training.title), when=when_text(context, training.starts_at), count=told)
    rows = [
        [(_("Yes, cancel the session"), f"pl:cxy:{training.id}")],
        [(_("No, keep it"), f"pl:s:{training.id}")],
    ]
    await edit_or_reply(update, context, text, keyboard(rows))


async def cancel_session(update: Update, context: BotContext) -> None:
    """pl:cxy:<id>: cancel the session and tell its invitees."""
    _ = context.t._
    speaker = context.speaker
    parsed = parse_callback(data_of(update), "pl:cxy", 1)
    if speaker is None or parsed is None:
        await not_hr(update, context)
        return
    now = context.deps.clock.utcnow()
    async with context.deps.sessions() as session:
        outcome, training, told = await tr.cancel_session(
            session, speaker, context.deps.i18n, parsed[0], now
        )
        await session.commit()
    if outcome == tr.CANCEL_REFUSED or training is None:
        await not_hr(update, context)
        return
    await answer(update)
    if outcome == tr.CANCEL_TOO_LATE:
        text = _("This session can no longer be cancelled: it has started or was cancelled.")
    else:
        text = _("<b>{title}</b> is cancelled. {count} invitee(s) will be told.").format(
            title=esc(training.title), count=told
        )
    await edit_or_reply(update, context, text, keyboard([[(_("‹ Back"), "pl:list")]]))


async def attendance(update: Update, context: BotContext) -> None:
    """pl:att:<id>:<page>: Present / Absent buttons per invitee, paged."""
    loaded = await session_from_button(update, context, "pl:att", 2)
    if loaded is not None:
        found, numbers = loaded
        await show_attendance(update, context, found, numbers[1])


async def show_attendance(
    update: Update,
    context: BotContext,
    found: tuple[Any, list[tr.InviteRow]],
    page: int,
) -> None:
    """Render one page of the attendance sheet."""
    _ = context.t._
    training, invitees = found
    pages = max(1, (len(invitees) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = max(0, min(page, pages - 1))
    rows: list[list[tuple[str, str]]] = []
    for row in invitees[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        state = {True: "✅", False: "❌", None: "•"}[row.invite.attended]
        rows.append(
            [
                (
                    f"{state} {short(row.employee.name, 20)}: " + _("Present"),
                    f"pl:a:{row.invite.id}:y",
                ),
                (_("Absent"), f"pl:a:{row.invite.id}:n"),
            ]
        )
    nav = []
    if page > 0:
        nav.append(("‹", f"pl:att:{training.id}:{page - 1}"))
    if page < pages - 1:
        nav.append(("›", f"pl:att:{training.id}:{page + 1}"))
    if nav:
        rows.append(nav)
    text = _("<b>Attendance: {title}</b>\nPress Present or Absent for each invitee.").format(
        title=esc(training.title)
    )
    await edit_or_reply(update, context, text, keyboard(rows))


async def mark(update: Update, context: BotContext) -> None:
    """pl:a:<invite>:y|n: record one invitee's attendance (scope-checked)."""
    _ = context.t._
    speaker = context.speaker
    data = data_of(update)
    parsed = parse_callback(data[:-2], "pl:a", 1) if data[-2:] in (":y", ":n") else None
    if speaker is None or parsed is None:
        await not_hr(update, context)
        return
    now = context.deps.clock.utcnow()
    async with context.deps.sessions() as session:
        result, invite = await tr.mark_attendance(
            session, speaker, parsed[0], data.endswith(":y"), now
        )
        await session.commit()
        found = (
            await tr.session_for_hr(session, speaker, invite.session_id)
            if result == tr.ATTEND_OK and invite is not None
            else None
        )
    if result == tr.ATTEND_REFUSED:
        await not_hr(update, context)
        return
    if result == tr.ATTEND_TOO_EARLY or found is None:
        await answer(
            update, _("Attendance can be recorded once the session has started."), alert=True
        )
        return
    await answer(update, _("Saved."))
    page = next((i for i, r in enumerate(found[1]) if r.invite.id == parsed[0]), 0) // PAGE_SIZE
    await show_attendance(update, context, found, page)


async def rsvp(update: Update, context: BotContext) -> None:
    """pl:rsvp:<invite>:y|n: the invitee answers their own invitation."""
    _ = context.t._
    speaker = context.speaker
    data = data_of(update)
    parsed = parse_callback(data[:-2], "pl:rsvp", 1) if data[-2:] in (":y", ":n") else None
    if speaker is None or parsed is None:
        await answer(update, _("Sorry, this invitation is not yours."), alert=True)
        return
    attend = data.endswith(":y")
    async with context.deps.sessions() as session:
        result, training = await tr.answer_invite(
            session, speaker.id, parsed[0], attend, context.deps.clock.utcnow()
        )
        await session.commit()
    if result == tr.RSVP_NOT_YOURS or training is None:
        await answer(update, _("Sorry, this invitation is not yours."), alert=True)
        return
    if result == tr.RSVP_CLOSED:
        await answer(update, _("This session has already started or was cancelled."), alert=True)
        return
    await answer(update)
    if attend:
        text = _("Thank you! You will attend <b>{title}</b> on {when}. See you there.")
    else:
        text = _(
            "Thank you for letting us know that you cannot attend <b>{title}</b> on {when}. "
            "You can change your answer before it starts."
        )
    await reply(
        update,
        context,
        text.format(title=esc(training.title), when=when_text(context, training.starts_at)),
    )


# --- JP per OPD and unit ---


def jp_line(context: BotContext, group: tr.JpGroup) -> str:
    """'12 staff, 3 with JP, 7.5 JP in total, 0.63 JP per staff' in the user's locale."""
    number = context.t.number
    return context.t._(
        "{staff} staff, {trained} with JP, {total} JP in total, {average} JP per staff"
    ).format(
        staff=number(group.staff),
        trained=number(group.trained),
        total=number(group.total),
        average=number(group.average),
    )


async def jp_opds(update: Update, context: BotContext) -> None:
    """pl:jp:<page>: JP this WIB year per OPD in the officer's scope, largest total first."""
    _ = context.t._
    speaker = context.speaker
    parsed = parse_callback(data_of(update), "pl:jp", 1)
    if speaker is None or not speaker.is_hr or parsed is None:
        await not_hr(update, context)
        return
    await answer(update)
    year = context.deps.clock.now().year
    async with context.deps.sessions() as session:
        groups = await tr.jp_by_opd(session, speaker, year)
    pages = max(1, (len(groups) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(parsed[0], pages - 1)
    lines = [
        _("<b>Training hours (JP) in {year}</b>").format(year=year),
        _("All OPDs in your scope: {figures}").format(
            figures=jp_line(context, tr.jp_summary(groups))
        ),
        "",
    ]
    rows: list[list[tuple[str, str]]] = []
    for rank, group in enumerate(groups[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]):
        number = page * PAGE_SIZE + rank + 1
        lines.append(f"{number}. <b>{esc(group.name)}</b>: {jp_line(context, group)}")
        rows.append([(f"{number}. {short(group.name)}", f"pl:jpo:{group.id}:{page}")])
    if pages > 1:
        lines += ["", _("Page {page} of {pages}").format(page=page + 1, pages=pages)]
    nav = []
    if page > 0:
        nav.append(("‹", f"pl:jp:{page - 1}"))
    if page < pages - 1:
        nav.append(("›", f"pl:jp:{page + 1}"))
    if nav:
        rows.append(nav)
    lines.append(_("Choose an OPD to see its units."))
    rows.append([(_("‹ Back"), "pl:home")])
    await edit_or_reply(update, context, "\n".join(lines), keyboard(rows))


async def jp_units(update: Update, context: BotContext) -> None:
    """pl:jpo:<opd>:<page>: JP this WIB year per unit of one OPD (scope-checked)."""
    _ = context.t._
    speaker = context.speaker
    parsed = parse_callback(data_of(update), "pl:jpo", 2)
    if speaker is None or not speaker.is_hr or parsed is None:
        await not_hr(update, context)
        return
    year = context.deps.clock.now().year
    async with context.deps.sessions() as session:
        found = await tr.jp_by_unit(session, speaker, parsed[0], year)
    if found is None:
        await answer(
            update,
            _("Sorry, that OPD is outside your HR scope, so its figures cannot be shown."),
            alert=True,
        )
        return
    await answer(update)
    opd, groups = found
    lines = [
        _("<b>Training hours (JP) in {year}: {opd}</b>").format(year=year, opd=esc(opd.name)),
        _("The whole OPD: {figures}").format(figures=jp_line(context, tr.jp_summary(groups))),
        "",
    ]
    for group in groups:
        name = esc(group.name) if group.id else _("Without a unit")
        lines.append(f"• <b>{name}</b>: {jp_line(context, group)}")
    if not groups:
        lines.append(_("No active staff are recorded in this OPD yet."))
    rows = [[(_("‹ Back"), f"pl:jp:{parsed[1]}")]]
    await edit_or_reply(update, context, "\n".join(lines), keyboard(rows))


def build() -> list[BaseHandler[Update, Any, Any]]:
    """The creation conversation, then the stateless /pelatihan screens and buttons."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[CallbackQueryHandler(new_session, pattern=r"^pl:new(:\d+)?$")],
        states={
            TITLE: [MessageHandler(text, receive_title), MessageHandler(other, text_expected)],
            TOPIC: [MessageHandler(text, receive_topic), MessageHandler(other, text_expected)],
            WHEN: [MessageHandler(text, receive_when), MessageHandler(other, text_expected)],
            PLACE: [MessageHandler(text, receive_place), MessageHandler(other, text_expected)],
            CAPACITY: [
                MessageHandler(text, receive_capacity),
                MessageHandler(other, text_expected),
            ],
            JP: [MessageHandler(text, receive_jp), MessageHandler(other, text_expected)],
            INVITEES: [
                CallbackQueryHandler(invite_unit, pattern=r"^pl:unit$"),
                MessageHandler(text, receive_nips),
                MessageHandler(other, text_expected),
            ],
            PREVIEW: [CallbackQueryHandler(save, pattern=r"^pl:save$")],
        },
        fallbacks=[
            CommandHandler(["batal", "cancel"], cancel),
            CallbackQueryHandler(cancel, pattern=f"^{CANCEL}$"),
            CallbackQueryHandler(earlier_step, pattern=r"^pl:(unit|save)$"),
        ],
        name="training",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CommandHandler(["pelatihan", "training"], home),
        CallbackQueryHandler(home, pattern=r"^pl:home$"),
        CallbackQueryHandler(recommendations, pattern=r"^pl:reco$"),
        CallbackQueryHandler(sessions_list, pattern=r"^pl:list$"),
        CallbackQueryHandler(session_detail, pattern=r"^pl:s:\d+$"),
        CallbackQueryHandler(attendance, pattern=r"^pl:att:\d+:\d+$"),
        CallbackQueryHandler(confirm_cancel, pattern=r"^pl:cx:\d+$"),
        CallbackQueryHandler(cancel_session, pattern=r"^pl:cxy:\d+$"),
        CallbackQueryHandler(mark, pattern=r"^pl:a:"),
        CallbackQueryHandler(jp_opds, pattern=r"^pl:jp:"),
        CallbackQueryHandler(jp_units, pattern=r"^pl:jpo:"),
        CallbackQueryHandler(rsvp, pattern=r"^pl:rsvp:"),
    ]
