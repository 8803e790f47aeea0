"""`kinerja-bot` command line: run, migrate, import-roster, invite, seed-demo, backup."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import logging
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import TOKEN_HELP, MissingTokenError, Settings, SettingsError, load_settings
from bot.i18n import I18n, Translator
from bot.i18n_marker import N_
from bot.runtime.logging_setup import configure_logging

if TYPE_CHECKING:
    from bot.services.onboarding.invites import IssuedInvite
    from bot.services.roster import ImportSummary as RosterSummary
    from bot.services.roster import RowError
    from bot.services.targets.importing import TargetImportSummary

log = logging.getLogger("kinerja.cli")


def translator(settings: Settings) -> Translator:
    return I18n(settings.bot_default_language, settings.tz).for_language(None)


# Planner name -> (module, function); each is `async (sessions, i18n, settings, as_of) -> int`.
PLANNERS = {
    "checkins": ("bot.services.checkins", "plan_checkins"),
    "digests": ("bot.services.reports.planners", "plan_report_digests"),
    "evaluations": ("bot.services.evaluation.planners", "plan_evaluations"),
    "escalations": ("bot.services.evaluation.planners", "plan_escalations"),
    "trainings": ("bot.services.training.planners", "plan_trainings"),
    "training-reminders": ("bot.services.training.planners", "plan_training_reminders"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinerja-bot",
        description="Telegram bot for ASN performance management, Pemerintah Kota Medan.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="migrate the database, then serve (polling or webhook)")
    sub.add_parser("migrate", help="upgrade the database schema to the newest version")
    roster = sub.add_parser("import-roster", help="import employees from a CSV or XLSX roster")
    roster.add_argument("file", type=Path)
    roster.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    invite = sub.add_parser("invite", help="print single-use invite links")
    who = invite.add_mutually_exclusive_group(required=True)
    who.add_argument("--nip", nargs="+", metavar="NIP", help="one or more NIPs")
    who.add_argument("--opd", metavar="CODE", help="everyone in one OPD")
    who.add_argument("--all", action="store_true", help="every active employee")
    invite.add_argument("--format", choices=["text", "csv"], default="text")
    invite.add_argument("--out", type=Path, help="write to this file instead of the screen")
    targets = sub.add_parser("import-targets", help="import SKP targets from a CSV or XLSX file")
    targets.add_argument("file", type=Path)
    targets.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    plan = sub.add_parser("plan", help="run one planner as of an instant; prints `added N`")
    plan.add_argument("name", choices=sorted(PLANNERS))
    plan.add_argument(
        "--as-of",
        required=True,
        type=datetime.fromisoformat,
        help="ISO-8601 instant with offset, e.g. 2026-11-27T09:00+07:00",
    )
    export = sub.add_parser("export", help="write evaluation results to an XLSX or CSV file")
    export.add_argument("--period", required=True, help="YYYY-S, e.g. 2026-2")
    export.add_argument("--opd", metavar="CODE", help="only this OPD")
    export.add_argument("--out", type=Path, required=True, help="FILE.xlsx or FILE.csv")
    export.add_argument(
        "--skp",
        action="store_true",
        help="the SKP with its realisation instead: one row per IKI (RHK, aspek, IKI, target)",
    )
    demo = sub.add_parser("seed-demo", help="create a synthetic Medan organisation to try")
    demo.add_argument("--employees", type=int, default=300)
    backup = sub.add_parser("backup", help="consistent copy of the SQLite database")
    backup.add_argument("--out", type=Path, required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kinerja-bot` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    configure_logging(settings.log_level, token)
    commands = {
        "run": cmd_run,
        "migrate": cmd_migrate,
        "import-roster": cmd_import_roster,
        "invite": cmd_invite,
        "seed-demo": cmd_seed_demo,
        "import-targets": cmd_import_targets,
        "plan": cmd_plan,
        "export": cmd_export,
        "backup": cmd_backup,
    }
    try:
        return commands[args.command](settings, args)
    except MissingTokenError:
        print(translator(settings)._(TOKEN_HELP), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from models.db import problem_detail, storage_problem

        problem = storage_problem(exc)
        if problem is None:
            raise
        message = translator(settings)._(DATABASE_PROBLEMS[problem.value])
        print(message.format(detail=problem_detail(exc)), file=sys.stderr)
        return 1


# One sentence per database failure an operator can fix (models.db.StorageProblem values).
DATABASE_PROBLEMS = {
    "unavailable": N_(
        "Cannot reach the database ({detail}). Check DATABASE_URL and that the database "
        "server is running, then try again."
    ),
    "busy": N_(
        "The database is locked by another program ({detail}). Try again when it has finished."
    ),
    "full": N_(
        "The database storage is full ({detail}). Free some disk space on the server, then "
        "try again."
    ),
    "read_only": N_(
        "The database is read-only ({detail}). Make the database file and its folder "
        "writable, or point DATABASE_URL at the primary server, then try again."
    ),
}


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    """Upgrade the schema to head."""
    from models.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)
    print(translator(settings)._("Database is up to date."))
    return 0


ANOTHER_INSTANCE = N_(
    "Another kinerja-bot is already running on {path}. With SQLite only one bot "
    "process may run; stop the other one first (or use PostgreSQL for standby)."
)


def cmd_run(settings: Settings, _args: argparse.Namespace) -> int:
    """Migrate, then wait to become the active instance and serve until stopped."""
    from bot.runtime.active_lock import AnotherInstanceRunning
    from bot.runtime.runner import serve
    from models.migrate import upgrade_to_head

    settings.token  # noqa: B018  (fail early with the BotFather help)
    if settings.bot_clock_start is not None:
        log.warning(
            "BOT_CLOCK_START is set: the bot's clock starts at %s", settings.bot_clock_start
        )
    upgrade_to_head(settings.database_url)
    try:
        return asyncio.run(serve(settings))
    except AnotherInstanceRunning as exc:
        print(translator(settings)._(ANOTHER_INSTANCE).format(path=exc.path), file=sys.stderr)
        return 3


class ProgressPrinter:
    """A redrawn bar on a terminal; in a log, one line per quarter of large files only."""

    def __init__(self, minimum: int = 2000) -> None:
        self.minimum = minimum
        self.last_quarter = -1

    def __call__(self, done: int, total: int) -> None:
        from bot.services.roster import format_progress_bar

        if total < self.minimum:
            return
        if sys.stderr.isatty():
            end = "\n" if done >= total else "\r"
            print(format_progress_bar(done, total), end=end, file=sys.stderr, flush=True)
            return
        quarter = 4 * done // total
        if done == 0:
            self.last_quarter = -1
        if quarter != self.last_quarter:
            self.last_quarter = quarter
            print(format_progress_bar(done, total), file=sys.stderr, flush=True)


def cmd_import_roster(settings: Settings, args: argparse.Namespace) -> int:
    """Validate, then import a roster file; print each bad row and import nothing on errors."""
    return import_command(settings, args, "roster")


def cmd_import_targets(settings: Settings, args: argparse.Namespace) -> int:
    """Validate, then import SKP targets; print each bad row and import nothing on errors."""
    return import_command(settings, args, "targets")


def import_command(settings: Settings, args: argparse.Namespace, kind: str) -> int:
    if not args.file.exists():
        print(
            translator(settings)._("File not found: {path}").format(path=args.file),
            file=sys.stderr,
        )
        return 2
    return asyncio.run(import_file(settings, args.file, dry_run=args.dry_run, kind=kind))


async def import_file(settings: Settings, path: Path, *, dry_run: bool, kind: str) -> int:
    """Run the roster or target import, then report problems or counts the same way."""
    from bot.services.roster import import_roster
    from bot.services.targets.importing import import_targets
    from models.db import create_engine, create_session_factory
    from models.migrate import upgrade_to_head_async

    _ = translator(settings)._
    now = Clock(settings.tz, settings.bot_clock_start).now()
    await upgrade_to_head_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        sessions = create_session_factory(engine)
        if kind == "roster":
            summary: RosterSummary | TargetImportSummary = await import_roster(
                sessions, path, dry_run=dry_run, now=now, progress=ProgressPrinter()
            )
            problems, done = (
                _("The roster has {count} problem(s); nothing was imported:"),
                _("Roster imported."),
            )
        else:
            summary = await import_targets(sessions, path, dry_run=dry_run, now=now)
            problems, done = (
                _("The file has {count} problem(s); nothing was imported:"),
                _("Targets imported."),
            )
    finally:
        await engine.dispose()
    if summary.errors:
        print(problems.format(count=len(summary.errors)), file=sys.stderr)
        print_row_errors(settings, summary.errors)
        return 1
    heading = _("Dry run, nothing written.") if dry_run else done
    print(
        heading
        + " "
        + _("Created: {created}, updated: {updated}, unchanged: {unchanged}.").format(
            created=summary.created, updated=summary.updated, unchanged=summary.unchanged
        )
    )
    return 0


def print_row_errors(settings: Settings, errors: Sequence[RowError]) -> None:
    """Print each bad row with its line number and a translated reason."""
    _ = translator(settings)._
    for error in errors:
        reason = _(error.message).format(**error.params)
        print(
            _("line {line}: NIP {nip}: {reason}").format(
                line=error.line, nip=error.nip or "-", reason=reason
            ),
            file=sys.stderr,
        )


async def resolve_bot_username(settings: Settings) -> str:
    """Return the bot's @username: setting, remembered value, or ask the Bot API once."""
    from telegram import Bot

    from bot.services import settings_memory
    from models.db import create_engine, create_session_factory

    if settings.bot_username:
        return settings.bot_username
    engine = create_engine(settings.database_url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            remembered = await settings_memory.recall(session, "bot_username")
            if remembered:
                return remembered
            bot = Bot(
                settings.token,
                base_url=settings.telegram_api_base_url,
                base_file_url=settings.telegram_file_base_url,
            )
            async with bot:
                username = bot.username
            await settings_memory.remember(session, "bot_username", username)
            await session.commit()
            return username
    finally:
        await engine.dispose()


def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    """Print one invite link per employee, as text or CSV."""
    return asyncio.run(invite(settings, args))


async def issue_links(settings: Settings, args: argparse.Namespace) -> list[IssuedInvite]:
    """Issue fresh invite codes for the selected employees, reporting unknown NIPs."""
    from bot.services import employees
    from bot.services.onboarding import invites
    from models.db import create_engine, create_session_factory

    _ = translator(settings)._
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            people, missing = await employees.for_invites(
                session, nips=args.nip, opd_code=args.opd, everyone=args.all
            )
            for nip in missing:
                print(
                    _("Unknown or inactive NIP, skipped: {nip}").format(nip=nip), file=sys.stderr
                )
            now = Clock(settings.tz, settings.bot_clock_start).utcnow()
            issued = await invites.issue_invites(
                session, people, now=now, valid_days=settings.invite_valid_days
            )
            await session.commit()
            return issued
    finally:
        await engine.dispose()


async def invite(settings: Settings, args: argparse.Namespace) -> int:
    from models.migrate import upgrade_to_head_async

    _ = translator(settings)._
    await upgrade_to_head_async(settings.database_url)
    username = await resolve_bot_username(settings)
    issued = await issue_links(settings, args)
    if not issued:
        print(_("Nobody to invite."), file=sys.stderr)
        return 1
    buffer = io.StringIO()
    if args.format == "csv":
        from bot.services.exports import csv_safe

        writer = csv.writer(buffer)
        writer.writerow(["nip", "name", "link", "code"])
        for item in issued:
            writer.writerow(
                [
                    csv_safe(value)
                    for value in (item.nip, item.name, item.link(username), item.code)
                ]
            )
    else:
        for item in issued:
            buffer.write(f"{item.nip}\t{item.name}\t{item.link(username)}\n")
    if args.out:
        args.out.write_text(buffer.getvalue(), encoding="utf-8")
        print(
            _("{count} invite link(s) written to {path}").format(count=len(issued), path=args.out)
        )
    else:
        sys.stdout.write(buffer.getvalue())
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Create a synthetic organisation and print invite links for three demo people."""
    return asyncio.run(seed_demo(settings, args.employees))


async def seed_demo(settings: Settings, count: int) -> int:
    from bot.demo_org import generate_roster, pick_demo_people, write_roster_csv

    _ = translator(settings)._
    rows = generate_roster(count)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-roster.csv"
        write_roster_csv(rows, path)
        status = await import_file(settings, path, dry_run=False, kind="roster")
    if status != 0:
        return status
    people = pick_demo_people(rows)
    labels = {"hr": _("HR officer"), "leader": _("Leader"), "employee": _("Employee")}
    username = await resolve_bot_username(settings)
    print(_("Invite links for trying the bot:"))
    for role, label in labels.items():
        args = argparse.Namespace(nip=[people[role]], opd=None, all=False)
        issued = await issue_links(settings, args)
        for item in issued:
            print(f"{label}\t{item.nip}\t{item.name}\t{item.link(username)}")
    return 0


def cmd_plan(settings: Settings, args: argparse.Namespace) -> int:
    """Run one planner as of an instant and print how many outbox rows it added."""
    as_of: datetime = args.as_of
    if as_of.tzinfo is None:
        print(
            translator(settings)
            ._("Give --as-of with a time zone offset, e.g. {example}")
            .format(example="2026-11-27T09:00+07:00"),
            file=sys.stderr,
        )
        return 2
    return asyncio.run(run_planner(settings, args.name, as_of))


async def run_planner(settings: Settings, name: str, as_of: datetime) -> int:
    import importlib

    from models.db import create_engine, create_session_factory
    from models.migrate import upgrade_to_head_async

    module_name, function_name = PLANNERS[name]
    planner = getattr(importlib.import_module(module_name), function_name)
    await upgrade_to_head_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        i18n = I18n(settings.bot_default_language, settings.tz)
        added = await planner(create_session_factory(engine), i18n, settings, as_of)
    finally:
        await engine.dispose()
    print(f"added {added}")
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    """Write one period's evaluation results (the columns BKN's e-Kinerja needs)."""
    return asyncio.run(export_file(settings, args.period, args.opd, args.out, skp=args.skp))


async def export_file(
    settings: Settings, period: str, opd: str | None, out: Path, *, skp: bool = False
) -> int:
    from bot.services.exports import export_evaluations, export_skp, format_of
    from bot.services.periods import Period, parse_period, semester_name
    from models.db import create_engine, create_session_factory
    from models.migrate import upgrade_to_head_async

    t = translator(settings)
    _ = t._
    try:
        chosen = parse_period(period)
    except ValueError:
        example = Period(2026, 2)
        message = _("The period must look like YYYY-S, for example {code} ({name}).").format(
            code=example.code, name=semester_name(example, t)
        )
        print(message, file=sys.stderr)
        return 2
    try:
        format_of(out)
    except ValueError:
        print(_("The output file must end in .xlsx or .csv."), file=sys.stderr)
        return 2
    await upgrade_to_head_async(settings.database_url)
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    try:
        if skp:
            today = Clock(settings.tz, settings.bot_clock_start).now().date()
            rows = await export_skp(sessions, period=period, opd_code=opd, out=out, today=today)
        else:
            rows = await export_evaluations(sessions, period=period, opd_code=opd, out=out)
    except ValueError:  # period and suffix are fine, so the OPD code is unknown
        print(_("There is no OPD with the code {code}.").format(code=opd), file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(
        (
            _("{count} indicator row(s) of {period} written to {path}")
            if skp
            else _("{count} evaluation(s) of {period} written to {path}")
        ).format(count=rows, period=semester_name(chosen, t), path=out)
    )
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the SQLite database consistently with SQLite's online backup API."""
    _ = translator(settings)._
    path = settings.sqlite_path()
    if path is None:
        print(
            _(
                "This is not a SQLite database. For PostgreSQL use pg_dump, for example: "
                "pg_dump --format=custom --file=kinerja.dump DATABASE"
            )
        )
        return 2
    if not path.exists():
        print(_("File not found: {path}").format(path=path), file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(path))
    target = sqlite3.connect(str(args.out))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    print(_("Backup written to {path}").format(path=args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
