"""The evaluation window's messages, queued by the planners: the prompt when it opens, the
friendly follow-ups, and the overdue summaries for supervisors and HR.

Each lists names (at most MAX_LISTED, then "and N more") and stays within one Telegram
message: long names are shortened to fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from bot.delivery import outbox_queue
from bot.i18n import N_, Translator
from bot.services.periods import Period, semester_name
from bot.text import esc, fit_fields

START = "ev:start"  # the evaluation flow's entry button (owned by the evaluation feature)
MAX_LISTED = 30  # names per message before "and N more" (long names are shortened to fit)
LABEL_START = N_("Start evaluating")


def _bullets(t: Translator, lines: list[str], total: int) -> str:
    """Bullet the (already escaped) lines, then 'and N more' for the rest of `total`."""
    shown = "\n".join(f"• {line}" for line in lines)
    rest = total - len(lines)
    if rest > 0:
        shown += "\n" + t._("… and {count} more").format(count=t.number(rest))
    return shown


def _listed(names: Iterable[str]) -> dict[str, str]:
    """The names a message lists (at most MAX_LISTED) as fit_fields fields: '0', '1', ..."""
    return {str(i): name for i, name in enumerate(list(names)[:MAX_LISTED])}


def _escaped(fields: Mapping[str, str], count: int) -> list[str]:
    """The first `count` listed names of fit_fields' (possibly shortened) fields, escaped."""
    return [esc(fields[str(i)]) for i in range(min(count, MAX_LISTED))]


def start_keyboard(t: Translator) -> dict[str, Any]:
    """The prompt's single button: start evaluating."""
    return outbox_queue.inline_keyboard([[(t._(LABEL_START), START)]])


def prompt_text(t: Translator, name: str, period: Period, due: date, names: list[str]) -> str:
    """Return the HTML of the prompt sent when the window opens."""
    _ = t._
    ask = _("These colleagues are waiting for your evaluation ({count}):").format(
        count=t.number(len(names))
    )
    tail = _(
        "Tap <b>Start evaluating</b> whenever you are ready. The bot suggests a rating from each "
        "person's reported achievement; you always make the final decision."
    )

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. The performance evaluation for <b>{period}</b> is now open and "
            "runs until {due}."
        ).format(name=esc(fields["name"]), period=semester_name(period, t), due=t.date(due))
        listed = _bullets(t, _escaped(fields, len(names)), len(names))
        return f"{head}\n\n{ask}\n{listed}\n\n{tail}"

    return fit_fields(render, {"name": name, **_listed(names)}).text


def followup_text(t: Translator, name: str, period: Period, due: date, names: list[str]) -> str:
    """Return the HTML of a friendly follow-up listing who is still waiting."""
    _ = t._
    tail = _(
        "The evaluations are due by {due}. Thank you for taking the time; every evaluation "
        "helps your team grow. Tap <b>Start evaluating</b> to continue."
    ).format(due=t.date(due))

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. There are still {count} colleague(s) waiting for your "
            "<b>{period}</b> evaluation:"
        ).format(
            name=esc(fields["name"]), count=t.number(len(names)), period=semester_name(period, t)
        )
        return f"{head}\n{_bullets(t, _escaped(fields, len(names)), len(names))}\n\n{tail}"

    return fit_fields(render, {"name": name, **_listed(names)}).text


def supervisor_text(
    t: Translator, name: str, period: Period, due: date, lines: list[tuple[str, int]]
) -> str:
    """Return the HTML of the supervisor's summary: evaluator -> employees still waiting."""
    _ = t._
    tail = _(
        "A friendly word or a little help from you may make it easier for them to finish. "
        "Thank you for your support."
    )

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. A short update on the <b>{period}</b> evaluations, which were due "
            "by {due}. Some members of your team still have evaluations to finish:"
        ).format(name=esc(fields["name"]), period=semester_name(period, t), due=t.date(due))
        items = _waiting(t, _escaped(fields, len(lines)), lines)
        return f"{head}\n{_bullets(t, items, len(lines))}\n\n{tail}"

    fields = {"name": name, **_listed(evaluator for evaluator, _count in lines)}
    return fit_fields(render, fields).text


def _waiting(t: Translator, evaluators: list[str], lines: list[tuple[str, int]]) -> list[str]:
    """'Evaluator: N employee(s) waiting' for each (escaped) evaluator name shown."""
    return [
        t._("{evaluator}: {count} employee(s) waiting").format(
            evaluator=evaluator, count=t.number(count)
        )
        for evaluator, (_name, count) in zip(evaluators, lines, strict=False)
    ]


def hr_text(
    t: Translator,
    name: str,
    period: Period,
    due: date,
    by_opd: list[tuple[str, int, int, list[tuple[str, int]]]],
) -> str:
    """Return the HTML of an HR summary: per OPD, employees waiting and their evaluators."""
    _ = t._
    tail = _(
        "Some evaluators may need a hand: a reminder, help with the bot, or an acting "
        "evaluator (Plt) when they are away. Thank you for supporting them."
    )
    single = len(by_opd) == 1
    # One OPD lists its evaluators; several OPDs list themselves.
    listed = [e for e, _count in by_opd[0][3]] if single else [o for o, *_rest in by_opd]

    def render(fields: Mapping[str, str]) -> str:
        head = _(
            "Hello, {name}. A short update on the <b>{period}</b> evaluations, which were due "
            "by {due}. These are not finished yet:"
        ).format(name=esc(fields["name"]), period=semester_name(period, t), due=t.date(due))
        names = _escaped(fields, len(listed))
        if single:
            _opd, employees, evaluators, lines = by_opd[0]
            summary = _(
                "<b>{opd}</b>: {count} employee(s) waiting, with {evaluators} evaluator(s):"
            ).format(
                opd=esc(fields["opd"]), count=t.number(employees), evaluators=t.number(evaluators)
            )
            parts = [summary, _bullets(t, _waiting(t, names, lines), len(lines))]
        else:
            items = [
                _(
                    "<b>{opd}</b>: {count} employee(s) waiting, with {evaluators} evaluator(s)"
                ).format(opd=opd, count=t.number(employees), evaluators=t.number(evaluators))
                for opd, (_name, employees, evaluators, _lines) in zip(names, by_opd, strict=False)
            ]
            parts = [_bullets(t, items, len(by_opd))]
        return f"{head}\n\n" + "\n".join(parts) + f"\n\n{tail}"

    fields = {"name": name, "opd": by_opd[0][0] if single else "", **_listed(listed)}
    return fit_fields(render, fields).text
