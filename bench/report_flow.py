"""Time the /lapor flow of the real bot process against a bare python-telegram-bot echo bot.

    .venv/bin/python bench/report_flow.py [--users 20] [--rounds 5] [--employees 25000]

A fresh SQLite database is migrated and filled with a synthetic roster; --users employees
without subordinates are linked to Telegram (with their supervisors, who receive the instant
report notices) and get one approved target of the current semester. Then, in one run:

1. bench/echo_bot.py (PTB defaults, no database) is started against a fake Bot API server
   and every simulated user takes the same kind of steps as in /lapor (type, press, type,
   press, press, press), each time waiting for the answer before the next step;
2. `python -m bot run` (the real kinerja-bot process) is started against a fresh fake and
   every user sends --rounds reports: /lapor -> target button -> amount "1" -> Skip (note)
   -> Skip (evidence) -> Send, again waiting for each answer.

A step's latency runs from the user's update being queued in the fake to the bot's reply
(a new message or an edit) appearing in it. Printed: steps, wall time, steps/s for both bots
and their ratio (target >= 0.9), p50/p95/max per step of our flow (target p95 < 150 ms),
and the bot process's peak memory VmHWM (target < 150 MB).

The fake server runs in this process's event loop and wakes both the users and a waiting
getUpdates at once (real Telegram answers a long poll as soon as an update arrives; the
stock fake polls every 20 ms, which --stock-long-poll restores). Flood limits are off.

By default users answer at once and the fake answers in microseconds: a stress test of the
bot's own work. Closer to production: --api-latency 50 (each Bot API call takes a 50 ms
round trip, as to api.telegram.org) and --think 3000 (people pause ~3 s between steps).
For the investigation: --instrument (wall time per update by component, via
bench/instrument_bot.py), --py-spy FILE (needs `pip install py-spy`, not a dependency),
--bot-env KEY=VALUE (e.g. PERSISTENCE_INTERVAL=60), --only ours|echo, --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import resource
import shutil
import signal
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from bench.folders import run_in_folder  # noqa: E402
from bot.demo_org import generate_roster, write_roster_csv  # noqa: E402
from bot.services.periods import period_of  # noqa: E402
from bot.services.roster import import_roster  # noqa: E402
from models import Employee, Target  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402
from models.migrate import upgrade_to_head_async  # noqa: E402
from tests.support.fakegram import FakeTelegram  # noqa: E402
from tests.support.fakegram.core import _MESSAGE_METHODS, CONFLICT_POLL  # noqa: E402
from tests.support.fakegram.errors import ApiError  # noqa: E402
from tests.support.fakegram.models import SentMessage  # noqa: E402
from tests.support.fakegram.server import FakeBotApiServer  # noqa: E402
from tests.support.fakegram.spec import load_spec  # noqa: E402

TOKEN = "123456:BENCH-REPORT-FLOW"
USER_BASE = 810_000_000
LEADER_BASE = 820_000_000
TARGET_TITLE = "Menyusun laporan kegiatan pelayanan publik"
TARGET_AMOUNT = Decimal(40)
# A Wednesday, 10:00 WIB: a working day inside working hours, so the run is reproducible.
DEFAULT_CLOCK_START = "2026-11-25T10:00:00+07:00"
TARGETS = {"ratio": 0.9, "p95_ms": 150.0, "peak_mib": 150.0}
LOG_TAIL_LINES = 25

# The visible texts each step waits for, in both languages (see locales/id).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "amount": "How much have you achieved",
        "note": "short note on the quality",
        "evidence": "send your evidence",
        "file": "File received",
        "summary": "Please check your report",
        "thanks": "Thank you, your report has been saved",
        "skip": "Skip",
        "done": "Done",
        "send": "Send",
    },
    "id": {
        "amount": "Berapa yang sudah Anda capai",
        "note": "catatan singkat tentang kualitas",
        "evidence": "kirim bukti Anda",
        "file": "Berkas diterima",
        "summary": "Mohon periksa laporan Anda",
        "thanks": "Terima kasih, laporan Anda sudah tersimpan",
        "skip": "Lewati",
        "done": "Selesai",
        "send": "Kirim",
    },
}


# --- the steps a simulated user takes ------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One user action and what the bot's answer must show before the user goes on."""

    name: str
    kind: str  # text | photo | press (a button of the previous answer)
    payload: str  # the text typed, or a substring of the button label pressed
    expect_text: str = ""
    expect_button: str = ""

    def satisfied_by(self, message: SentMessage) -> bool:
        """True when the message (as it looks now) is the answer this step waits for."""
        if self.expect_text and self.expect_text not in message.content:
            return False
        return not self.expect_button or any(
            self.expect_button in label for label, _ in message.buttons()
        )


def report_steps(language: str, photo: bool) -> list[Step]:
    """The /lapor flow of handlers/reports/, one report."""
    label = LABELS[language]
    steps = [
        Step("lapor", "text", "/lapor", expect_button=TARGET_TITLE[:20]),
        Step("target", "press", TARGET_TITLE[:20], expect_text=label["amount"]),
        Step("amount", "text", "1", expect_text=label["note"], expect_button=label["skip"]),
        Step("note-skip", "press", label["skip"], expect_text=label["evidence"]),
    ]
    if photo:
        steps += [
            Step("photo", "photo", "", expect_text=label["file"], expect_button=label["done"]),
            Step("evidence-done", "press", label["done"], expect_text=label["summary"]),
        ]
    else:
        steps.append(Step("evidence-skip", "press", label["skip"], expect_text=label["summary"]))
    steps.append(Step("send", "press", label["send"], expect_text=label["thanks"]))
    return steps


def echo_steps(flow: Sequence[Step]) -> list[Step]:
    """The same kinds of steps, in the same order, answered by bench/echo_bot.py."""
    from bench.echo_bot import ECHO_TEXT, NEXT_LABEL

    return [
        Step(
            step.name,
            step.kind,
            NEXT_LABEL if step.kind == "press" else step.payload,
            expect_text=ECHO_TEXT,
            expect_button=NEXT_LABEL,
        )
        for step in flow
    ]


# --- the fake Telegram, instrumented -------------------------------------------------------------


class StepTimeoutError(Exception):
    """A simulated user waited in vain for the bot's answer."""


class BenchFake(FakeTelegram):
    """FakeTelegram that timestamps every message the bot sends or edits and wakes waiters.

    It must be served from the event loop the users run in (FakeBotApiServer.start()), so
    the asyncio events below are only ever touched from that loop.
    """

    def __init__(
        self, *args: Any, instant_poll: bool = True, api_latency: float = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instant_poll = instant_poll
        self.api_latency = api_latency
        self.events: defaultdict[int, list[tuple[int, float]]] = defaultdict(list)
        self._changed: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self._new_update = asyncio.Event()

    def handle(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Answer the call; note (chat, message, time) of every message sent or edited."""
        status, body = super().handle(method, params, files)
        result = body.get("result")
        if (
            status == 200
            and isinstance(result, dict)
            and "chat" in result
            and _MESSAGE_METHODS.fullmatch(method.lower())
        ):
            chat = int(result["chat"]["id"])
            self.events[chat].append((int(result["message_id"]), time.perf_counter()))
            self._changed[chat].set()
        return status, body

    def _enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue the update and wake a waiting getUpdates."""
        queued = super()._enqueue(body)
        self._new_update.set()
        return queued

    async def handle_async(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """getUpdates returns as soon as an update is queued (the stock fake polls each 20 ms).

        With api_latency, every other call takes that long, half before and half after it
        is carried out, like a round trip to api.telegram.org.
        """
        if method.lower() != "getupdates" and self.api_latency > 0:
            await asyncio.sleep(self.api_latency / 2)
            answer = self.handle(method, params, files)
            await asyncio.sleep(self.api_latency / 2)
            return answer
        if method.lower() != "getupdates" or not self.instant_poll:
            return await super().handle_async(method, params, files)
        self._new_update.set()  # an older long poll (if any) wakes up and sees the conflict
        try:
            with self._lock:
                _, decoded = self._prepare(method, params, files)
                self._poll_generation += 1
                generation = self._poll_generation
                batch = self._updates_now(decoded)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + max(0, decoded.get("timeout", 0))
            while not batch and (remaining := deadline - loop.time()) > 0:
                self._new_update.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), remaining)
                with self._lock:
                    if self._poll_generation != generation:
                        raise ApiError(409, CONFLICT_POLL)
                    batch = self._take_updates(None, self._limit(decoded))
            load_spec().check_result("getUpdates", batch)
            return 200, {"ok": True, "result": batch}
        except ApiError as exc:
            return self._fail(method, exc)

    def message_by_id(self, chat: int, message_id: int) -> SentMessage | None:
        """The bot's message as it looks now."""
        with self._lock:
            return self._sent_index.get((chat, message_id))

    async def wait_answer(
        self,
        chat: int,
        seen: int,
        accept: Callable[[SentMessage], bool],
        timeout: float,  # noqa: ASYNC109 - every wait here is bounded by its caller's choice
    ) -> tuple[SentMessage, float]:
        """Wait for a message event after the first `seen` that `accept`s; return it and when."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = seen
        while True:
            events = self.events[chat]
            while index < len(events):
                message_id, at = events[index]
                index += 1
                message = self.message_by_id(chat, message_id)
                if message is not None and accept(message):
                    return message, at
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise StepTimeoutError(f"no expected answer within {timeout:g} s")
            changed = self._changed[chat]
            changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def describe_chat(self, chat: int, last: int = 4) -> str:
        """The last few bot messages of a chat, for a failure report."""
        lines = []
        for message in self.sent(chat)[-last:]:
            text = " ".join(message.content.split())[:160]
            buttons = [label for label, _ in message.buttons()]
            lines.append(f"    #{message.message_id}: {text!r} buttons={buttons}")
        errors = self.errors[-3:]
        return "\n".join(lines or ["    (the bot sent nothing)"]) + f"\n    fake errors: {errors}"


# --- simulated users -----------------------------------------------------------------------------


@dataclass
class Sample:
    step: str
    seconds: float


async def run_user(
    fake: BenchFake,
    chat: int,
    steps: Sequence[Step],
    rounds: int,
    timeout: float,  # noqa: ASYNC109
    samples: list[Sample],
    think: float = 0.0,
) -> None:
    """Take every step of every round, each time waiting for the bot's answer.

    With `think` (seconds), the user starts after 0-1 x think and pauses 0.5-1.5 x think
    after each answer, as a person reads and types; pauses are not part of any latency.
    """
    anchor: SentMessage | None = None  # the answer whose buttons the next press uses
    pauses = random.Random(chat)
    if think > 0:  # people do not all start at the same millisecond
        await asyncio.sleep(think * pauses.uniform(0.0, 1.0))
    for round_no in range(1, rounds + 1):
        for step in steps:
            seen = len(fake.events[chat])
            if step.kind == "text":
                fake.send_text(chat, step.payload)
            elif step.kind == "photo":
                fake.send_photo(chat, file_size=80_000)
            else:
                if anchor is None:
                    raise StepTimeoutError(f"step {step.name!r} has no message to press on")
                fake.press(chat, anchor.message_id, anchor.button(step.payload))
            queued = time.perf_counter()
            try:
                anchor, answered = await fake.wait_answer(chat, seen, step.satisfied_by, timeout)
            except StepTimeoutError as exc:
                raise StepTimeoutError(
                    f"user {chat}, round {round_no}, step {step.name!r}: {exc}; expected "
                    f"text {step.expect_text!r} / button {step.expect_button!r}. "
                    f"Last bot messages in this chat:\n{fake.describe_chat(chat)}"
                ) from None
            samples.append(Sample(step.name, answered - queued))
            if think > 0:
                await asyncio.sleep(think * pauses.uniform(0.5, 1.5))


async def drive(
    fake: BenchFake,
    chats: Sequence[int],
    steps: Sequence[Step],
    rounds: int,
    timeout: float,  # noqa: ASYNC109
    think: float = 0.0,
) -> tuple[float, list[Sample]]:
    """Run every user at once; return the wall time and every step's latency."""
    samples: list[Sample] = []
    started = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as group:
            for chat in chats:
                group.create_task(run_user(fake, chat, steps, rounds, timeout, samples, think))
    except* StepTimeoutError as failures:
        raise failures.exceptions[0] from None
    return time.perf_counter() - started, samples


# --- the bot processes ---------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS (KiB) of a live process; empty when it is gone."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        raw = Path(f"/proc/{pid}/stat").read_text()
        fields = raw.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class BotProcess:
    """A bot started as a child process, its output in a log file; always stopped at the end."""

    def __init__(self, label: str, argv: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        self.label = label
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.log_path = cwd / f"{label}.log"
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        self._log = self.log_path.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            cwd=self.cwd,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
            return "\n".join(f"    | {line}" for line in text) or "    | (empty log)"
        return "    | (no log)"

    async def stop(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """SIGTERM (a clean PTB shutdown), then SIGKILL if it does not exit in time."""
        process = self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                print(f"  {self.label} did not stop in {timeout:.0f} s; killing it", flush=True)
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


class Profiler:
    """py-spy attached to the bot for the measured phase (investigation only, optional)."""

    def __init__(self, output: Path | None, pid: int, gil_only: bool = False) -> None:
        self.output = output
        self.pid = pid
        self.gil_only = gil_only
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        if self.output is None:
            return
        exe = shutil.which("py-spy") or shutil.which(
            "py-spy", path=str(Path(sys.executable).parent)
        )
        if exe is None:
            raise SystemExit("--py-spy needs py-spy (pip install py-spy; not a dependency)")
        fmt = {".svg": "flamegraph", ".json": "speedscope"}.get(self.output.suffix, "raw")
        self.process = await asyncio.create_subprocess_exec(
            exe,
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            "250",
            "--format",
            fmt,
            "--output",
            str(self.output),
            *(["--gil"] if self.gil_only else []),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await asyncio.sleep(1.0)  # let it attach before the users start

    async def stop(self) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


# --- one measured phase --------------------------------------------------------------------------


@dataclass
class Cohort:
    """The simulated users' chat ids and their leaders' chat ids."""

    users: list[int]
    leaders: list[int]


@dataclass
class PhaseResult:
    label: str
    steps: int
    wall: float
    samples: list[Sample]
    bot_cpu: float
    harness_cpu: float
    memory: dict[str, int] = field(default_factory=dict)
    idle_memory: dict[str, int] = field(default_factory=dict)
    notices: int = 0
    log_tail: str = ""
    timings: dict[str, Any] | None = None

    @property
    def rate(self) -> float:
        return self.steps / self.wall if self.wall else 0.0


def bot_env(server: FakeBotApiServer, extra: dict[str, str]) -> dict[str, str]:
    """The child's environment: ours wins over anything TELEGRAM_*/BOT_*/DATABASE_URL set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_", "DATABASE_URL", "PERSISTENCE_", "OUTBOX_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        TELEGRAM_FILE_BASE_URL=server.base_file_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


async def wait_until(
    check: Callable[[], bool],
    timeout: float,  # noqa: ASYNC109
    alive: Callable[[], bool] = lambda: True,
) -> bool:
    """Poll check() every 20 ms until true (True), timeout or alive() turns false (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        if not alive():
            return False
        await asyncio.sleep(0.02)
    return check()


async def run_phase(
    label: str,
    argv: Sequence[str],
    extra_env: dict[str, str],
    folder: Path,
    cohort: Cohort,
    steps: Sequence[Step],
    args: argparse.Namespace,
    profile: Path | None = None,
) -> PhaseResult:
    """Start a fresh fake and one bot, drive every user through every round, stop both."""
    fake = BenchFake(
        token=TOKEN,
        flood_limits=False,
        instant_poll=not args.stock_long_poll,
        api_latency=args.api_latency / 1000,
    )
    for number, chat in enumerate(cohort.users, 1):
        fake.user(chat, first_name=f"Pegawai {number}", language_code=args.language)
    for chat in cohort.leaders:
        fake.user(chat, first_name="Atasan", language_code="id")
    fake.known_chats.update(cohort.leaders)  # leaders have started the bot long ago
    server = FakeBotApiServer(fake)
    await server.start()
    bot = BotProcess(label, argv, bot_env(server, extra_env), folder)
    profiler: Profiler | None = None
    try:
        await bot.start()
        if not await wait_until(
            lambda: bool(fake.calls_of("getUpdates")), args.startup_timeout, bot.alive
        ):
            raise SystemExit(
                f"FAILED: {label} did not start polling within {args.startup_timeout:.0f} s "
                f"(exit code {bot.process.returncode if bot.process else None}).\n"
                f"  log {bot.log_path}:\n{bot.log_tail()}"
            )
        idle_memory = proc_status(bot.pid)
        profiler = Profiler(profile, bot.pid, gil_only=args.py_spy_gil)
        await profiler.start()
        cpu_bot, cpu_self = proc_cpu_seconds(bot.pid), own_cpu_seconds()
        try:
            wall, samples = await drive(
                fake, cohort.users, steps, args.rounds, args.timeout, args.think / 1000
            )
        except StepTimeoutError as exc:
            raise SystemExit(
                f"FAILED ({label}): {exc}\n  {label} log ({bot.log_path}), last lines:\n"
                f"{bot.log_tail()}"
            ) from None
        bot_cpu = proc_cpu_seconds(bot.pid) - cpu_bot
        harness_cpu = own_cpu_seconds() - cpu_self
        await profiler.stop()
        notices = 0
        if cohort.leaders and label == "kinerja-bot":
            expected = len(cohort.users) * args.rounds

            def delivered() -> int:
                return sum(len(fake.sent(chat)) for chat in cohort.leaders)

            await wait_until(lambda: delivered() >= expected, args.timeout, bot.alive)
            notices = delivered()
        memory = proc_status(bot.pid)
        result = PhaseResult(
            label=label,
            steps=len(samples),
            wall=wall,
            samples=samples,
            bot_cpu=bot_cpu,
            harness_cpu=harness_cpu,
            memory=memory,
            idle_memory=idle_memory,
            notices=notices,
            log_tail=bot.log_tail(8),
        )
    finally:
        if profiler is not None:
            await profiler.stop()
        await bot.stop()
        await server.stop()
    result.timings = read_timings(extra_env.get("BENCH_TIMINGS"))
    return result


def read_timings(path: str | None) -> dict[str, Any] | None:
    """The JSON bench/instrument_bot.py wrote when the bot exited, if any."""
    if not path or not Path(path).exists():
        return None
    data: dict[str, Any] = json.loads(Path(path).read_text())
    return data


# --- the database --------------------------------------------------------------------------------


async def prepare_database(
    url: str, folder: Path, employees: int, users: int, now: datetime, period: str
) -> Cohort:
    """Migrate, import the roster, link `users` employees and their leaders, add targets."""
    await upgrade_to_head_async(url)
    path = folder / "roster.csv"
    write_roster_csv(generate_roster(employees, seed=7), path)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        summary = await import_roster(sessions, path, dry_run=False, now=now)
        if summary.errors:
            raise SystemExit(f"roster import failed: {summary.errors[:3]}")
        async with sessions() as session:
            rows = (
                await session.exec(
                    select(Employee.id, Employee.supervisor_id).where(
                        col(Employee.active).is_(True)
                    )
                )
            ).all()
            leaders_of: dict[int, int | None] = {emp: sup for emp, sup in rows if emp is not None}
            with_staff = {sup for sup in leaders_of.values() if sup is not None}
            # Users are people without subordinates, so no user receives another's notice.
            candidates = sorted(
                emp for emp, sup in leaders_of.items() if sup is not None and emp not in with_staff
            )
            if len(candidates) < users:
                raise SystemExit(f"only {len(candidates)} employees can be simulated users")
            chosen = random.Random(11).sample(candidates, users)
            leader_ids = sorted({sup for emp in chosen if (sup := leaders_of[emp]) is not None})
            for number, employee_id in enumerate(chosen):
                await session.exec(
                    update(Employee)
                    .where(col(Employee.id) == employee_id)
                    .values(telegram_user_id=USER_BASE + number, linked_at=now, language=None)
                )
            for number, employee_id in enumerate(leader_ids):
                await session.exec(
                    update(Employee)
                    .where(col(Employee.id) == employee_id)
                    .values(
                        telegram_user_id=LEADER_BASE + number,
                        linked_at=now,
                        notice_mode="instant",
                    )
                )
            targets = [
                {
                    "employee_id": employee_id,
                    "period": period,
                    "title": TARGET_TITLE,
                    "indicator": "Jumlah laporan yang selesai",
                    "kind": "kuantitatif",
                    "target_amount": TARGET_AMOUNT,
                    "unit": "dokumen",
                    "expectation": "",
                    "quality_standard": "",
                    "jenis": "utama",
                    "status": "approved",
                    "return_note": "",
                    "source": "import",
                    "approved_by_id": leaders_of[employee_id],
                    "approved_at": now,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for employee_id in chosen
            ]
            await session.exec(insert(Target).values(targets))
            await session.commit()
    finally:
        await engine.dispose()
    return Cohort(
        users=[USER_BASE + n for n in range(users)],
        leaders=[LEADER_BASE + n for n in range(len(leader_ids))],
    )


# --- output --------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_line(label: str, seconds: Sequence[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"  {label:<14} n={len(ms):>5}  p50={percentile(ms, 50):7.1f} ms  "
        f"p95={percentile(ms, 95):7.1f} ms  max={max(ms):7.1f} ms  "
        f"mean={statistics.fmean(ms):7.1f} ms"
    )


def mib(kib: int | None) -> str:
    return f"{kib / 1024:.1f} MiB" if kib else "?"


def report(ours: PhaseResult | None, echo: PhaseResult | None, args: argparse.Namespace) -> bool:
    """Print the numbers and the verdict against the targets; True when all are met."""
    print()
    for phase in (echo, ours):
        if phase is None:
            continue
        print(
            f"{phase.label:<12} steps={phase.steps:,}  wall={phase.wall:.2f} s  "
            f"steps/s={phase.rate:.1f}  bot CPU={phase.bot_cpu / phase.wall:.0%} "
            f"({phase.bot_cpu / max(phase.steps, 1) * 1000:.1f} ms/step)  "
            f"harness CPU={phase.harness_cpu / phase.wall:.0%}"
        )
    ok = True
    if ours is not None and echo is not None:
        ratio = ours.rate / echo.rate if echo.rate else 0.0
        met = ratio >= TARGETS["ratio"]
        ok &= met
        print(
            f"ratio ours/echo = {ratio:.2f}  (target >= {TARGETS['ratio']}: "
            f"{'met' if met else 'NOT met'})"
        )
    for phase in (echo, ours):
        if phase is None:
            continue
        print(f"\nlatency per step, {phase.label} (update queued -> answer visible):")
        print(latency_line("all steps", [s.seconds for s in phase.samples]))
        by_step: dict[str, list[float]] = defaultdict(list)
        for sample in phase.samples:
            by_step[sample.step].append(sample.seconds)
        for name, seconds in by_step.items():
            print(latency_line(name, seconds))
    if ours is not None:
        p95 = percentile([s.seconds for s in ours.samples], 95) * 1000
        met = p95 < TARGETS["p95_ms"]
        ok &= met
        print(
            f"\np95 of our flow = {p95:.1f} ms  (target < {TARGETS['p95_ms']:g} ms: "
            f"{'met' if met else 'NOT met'})"
        )
        peak = ours.memory.get("VmHWM", 0)
        met = 0 < peak / 1024 < TARGETS["peak_mib"]
        ok &= met
        print(
            f"kinerja-bot memory with {args.employees:,} employees: peak VmHWM={mib(peak)} "
            f"(idle after start {mib(ours.idle_memory.get('VmHWM'))}, now VmRSS="
            f"{mib(ours.memory.get('VmRSS'))})  (target < {TARGETS['peak_mib']:g} MB: "
            f"{'met' if met else 'NOT met'})"
        )
        expected = len(ours.samples) // len(report_steps(args.language, args.photo))
        print(f"leader notices delivered by the outbox: {ours.notices} of {expected}")
        if ours.timings:
            print_timings(ours.timings)
    return ok


def print_timings(data: dict[str, Any]) -> None:
    """Where kinerja-bot's time went (bench/instrument_bot.py), per update and per call."""
    updates = data["updates"] or 1
    print(
        f"\nkinerja-bot, instrumented: {data['updates']} updates, process_update "
        f"{data['process_update_total'] / updates * 1000:.2f} ms per update (mean), waiting "
        f"in PTB's update queue {data['queue_wait_total'] / updates * 1000:.2f} ms per update"
    )
    print(
        f"  {'timer':<48} {'calls':>7} {'total s':>8} {'ms/call':>8} {'ms/update':>9} "
        f"{'max ms':>8}"
    )
    totals, counts, longest = data["totals"], data["counts"], data.get("longest", {})
    for key in sorted(totals, key=lambda k: (k.split(":")[0], -totals[k])):
        total, calls = totals[key], counts[key]
        if key == "poll:batch size":
            print(f"  {'getUpdates batches (mean size)':<48} {calls:>7} {total / calls:>8.1f}")
            continue
        print(
            f"  {key:<48} {calls:>7} {total:>8.2f} {total / calls * 1000:>8.2f} "
            f"{total / updates * 1000:>9.2f} {longest.get(key, 0) * 1000:>8.1f}"
        )


# --- main ----------------------------------------------------------------------------------------


def parse_env(pairs: Sequence[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--bot-env wants KEY=VALUE, not {pair!r}")
        env[key] = value
    return env


async def bench(args: argparse.Namespace, folder: Path) -> int:
    clock_start = datetime.fromisoformat(args.clock_start)
    if clock_start.tzinfo is None:
        raise SystemExit("--clock-start needs a time zone offset, e.g. +07:00")
    now = clock_start.astimezone(UTC)
    period = period_of(clock_start.date()).code
    url = f"sqlite+aiosqlite:///{folder / 'k.db'}"
    started = time.perf_counter()
    cohort = await prepare_database(url, folder, args.employees, args.users, now, period)
    print(
        f"setup    employees={args.employees:,}  users={len(cohort.users)}  "
        f"leaders={len(cohort.leaders)}  period={period}  {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    flow = report_steps(args.language, args.photo)
    echo: PhaseResult | None = None
    ours: PhaseResult | None = None
    if args.only in (None, "echo"):
        echo = await run_phase(
            "echo-bot",
            [sys.executable, str(REPO_ROOT / "bench" / "echo_bot.py")],
            {},
            folder,
            cohort,
            echo_steps(flow),
            args,
        )
        print(f"echo     {echo.steps} steps in {echo.wall:.2f} s", flush=True)
    if args.only in (None, "ours"):
        env = {
            "DATABASE_URL": url,
            "BOT_CLOCK_START": args.clock_start,
            "LOG_LEVEL": "INFO",
            **parse_env(args.bot_env),
        }
        argv = [sys.executable, "-m", "bot", "run"]
        if args.instrument:
            argv = [sys.executable, str(REPO_ROOT / "bench" / "instrument_bot.py"), "run"]
            env["BENCH_TIMINGS"] = str(folder / "timings.json")
        ours = await run_phase(
            "kinerja-bot",
            argv,
            env,
            folder,
            cohort,
            flow,
            args,
            profile=args.py_spy,
        )
        print(f"ours     {ours.steps} steps in {ours.wall:.2f} s", flush=True)
    return 0 if report(ours, echo, args) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=20, help="simulated employees at once")
    parser.add_argument("--rounds", type=int, default=5, help="reports per user")
    parser.add_argument("--employees", type=int, default=25_000, help="roster size")
    parser.add_argument("--language", choices=sorted(LABELS), default="en")
    parser.add_argument("--photo", action="store_true", help="attach a photo instead of Skip")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per step, at most")
    parser.add_argument("--startup-timeout", type=float, default=120.0)
    parser.add_argument("--clock-start", default=DEFAULT_CLOCK_START, help="BOT_CLOCK_START")
    parser.add_argument("--only", choices=["ours", "echo"], default=None)
    parser.add_argument(
        "--bot-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for kinerja-bot, e.g. PERSISTENCE_INTERVAL=60 (repeatable)",
    )
    parser.add_argument(
        "--stock-long-poll",
        action="store_true",
        help="let the fake answer getUpdates on its stock 20 ms polling (slower than Telegram)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="FILE",
        default=None,
        help="profile kinerja-bot with py-spy during the run (.svg, .json or raw text)",
    )
    parser.add_argument(
        "--instrument",
        action="store_true",
        help="run kinerja-bot under bench/instrument_bot.py and print where each update's "
        "wall time goes",
    )
    parser.add_argument(
        "--api-latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="round trip of every Bot API call but getUpdates (real Telegram: ~50-200 ms)",
    )
    parser.add_argument(
        "--py-spy-gil", action="store_true", help="sample only the thread holding the GIL"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        metavar="MS",
        help="mean pause of a user between an answer and the next step (default 0: stress)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (db, logs)")
    args = parser.parse_args()
    if args.users < 1 or args.rounds < 1:
        parser.error("--users and --rounds must be at least 1")
    if args.py_spy:
        args.py_spy = Path(args.py_spy).resolve()
    return run_in_folder("bench-report-flow-", args.keep, lambda folder: bench(args, folder))


if __name__ == "__main__":
    raise SystemExit(main())
