"""Schedules the planners and the broadcast progress job on PTB's JobQueue (APScheduler 3).

Planners are idempotent, so the check-in planner simply runs every 15 minutes during working
hours, the evaluation prompt and escalation planners every 30 minutes: a restart, a missed run
or a second replica only means the next run catches up. One extra run of every planner
shortly after start-up catches up on whatever was due while the bot was down (e.g. a Friday
check-in after a Saturday restart; the drainer then holds it until Monday's working hours).
Each job plans with as_of = clock.now() and wakes the drainer.

The check-in sweep asks the bot's clock whether it is working time, so BOT_CLOCK_START demos
behave like the real week; the daily digest job fires at DIGEST_TIME of the real clock (the
start-up catch-up covers a shifted clock once).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.context import DEPS_KEY, BotContext, KinerjaApp
from bot.delivery import broadcast_progress
from bot.services import checkins
from bot.services.evaluation import planners as evaluation_planners
from bot.services.reports import planners as report_planners
from bot.services.training import planners as training_planners
from bot.services.workdays import in_working_hours

log = logging.getLogger(__name__)

JOB_KWARGS = {"misfire_grace_time": 300, "coalesce": True, "max_instances": 1}
CHECKIN_JOB = "plan-checkins"
DIGEST_JOB = "plan-report-digests"
CATCH_UP_JOB = "plan-catch-up"
EVALUATION_JOB = "plan-evaluations"
ESCALATION_JOB = "plan-escalations"
BROADCAST_PROGRESS_JOB = "broadcast-progress"
TRAINING_JOB = "plan-trainings"
TRAINING_REMINDER_JOB = "plan-training-reminders"
TRAINING_EVERY = timedelta(hours=3)  # recommendations: once per semester, idempotent
TRAINING_REMINDER_EVERY = timedelta(minutes=10)  # "one hour before" stays within 10 minutes
JOB_NAMES = (
    TRAINING_JOB,
    TRAINING_REMINDER_JOB,
    CHECKIN_JOB,
    DIGEST_JOB,
    CATCH_UP_JOB,
    EVALUATION_JOB,
    ESCALATION_JOB,
    BROADCAST_PROGRESS_JOB,
)
CHECKIN_EVERY = timedelta(minutes=15)
EVALUATION_EVERY = timedelta(minutes=30)
STARTUP_DELAY = timedelta(seconds=20)
# PTB's run_daily counts days from Sunday = 0.
WEEKDAYS = (1, 2, 3, 4, 5)

Planner = Callable[[Any, Any, Any, datetime], Awaitable[int]]


async def _run(context: BotContext, name: str, planner: Planner) -> None:
    """Run one planner as of now, then wake the drainer when it queued anything."""
    deps = context.deps
    added = await planner(deps.sessions, deps.i18n, deps.settings, deps.clock.now())
    if added:
        log.info("planner %s queued %d message(s)", name, added)
        context.wake_outbox()


async def plan_checkins_job(context: BotContext) -> None:
    """Job: queue the weekly check-in reminders that are due (working hours only)."""
    deps = context.deps
    if not in_working_hours(deps.clock.now(), deps.settings.tz):
        return
    await _run(context, "checkins", checkins.plan_checkins)


async def plan_digests_job(context: BotContext) -> None:
    """Job: queue the daily report digests of leaders who chose one."""
    await _run(context, "digests", report_planners.plan_report_digests)


async def plan_evaluations_job(context: BotContext) -> None:
    """Job: queue evaluation prompts and follow-ups that are due (working hours only)."""
    deps = context.deps
    if not in_working_hours(deps.clock.now(), deps.settings.tz):
        return
    await _run(context, "evaluations", evaluation_planners.plan_evaluations)


async def plan_escalations_job(context: BotContext) -> None:
    """Job: queue the daily overdue-evaluation summaries (working hours only)."""
    deps = context.deps
    if not in_working_hours(deps.clock.now(), deps.settings.tz):
        return
    await _run(context, "escalations", evaluation_planners.plan_escalations)


async def plan_trainings_job(context: BotContext) -> None:
    """Job: store training recommendations of the last closed semester and tell HR."""
    await _run(context, "trainings", training_planners.plan_trainings)


async def plan_training_reminders_job(context: BotContext) -> None:
    """Job: queue the day-before and hour-before training reminders (any hour)."""
    await _run(context, "training-reminders", training_planners.plan_training_reminders)


async def catch_up_job(context: BotContext) -> None:
    """Job (once, after start-up): run every planner now, whatever the hour."""
    await _run(context, "checkins", checkins.plan_checkins)
    await plan_digests_job(context)
    await _run(context, "evaluations", evaluation_planners.plan_evaluations)
    await _run(context, "escalations", evaluation_planners.plan_escalations)


def schedule_planners(app: KinerjaApp) -> None:
    """Register the planner jobs (times in the Defaults time zone, i.e. BOT_TIMEZONE)."""
    queue = app.job_queue
    if queue is None:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]); planners not scheduled")
        return
    settings = app.bot_data[DEPS_KEY].settings
    queue.run_repeating(
        plan_checkins_job,
        CHECKIN_EVERY,
        first=CHECKIN_EVERY,
        name=CHECKIN_JOB,
        job_kwargs=JOB_KWARGS,
    )
    queue.run_daily(
        plan_digests_job,
        settings.digest_time.replace(tzinfo=settings.tz),
        days=WEEKDAYS,
        name=DIGEST_JOB,
        job_kwargs=JOB_KWARGS,
    )
    for callback, name in (
        (plan_evaluations_job, EVALUATION_JOB),
        (plan_escalations_job, ESCALATION_JOB),
    ):
        queue.run_repeating(
            callback, EVALUATION_EVERY, first=EVALUATION_EVERY, name=name, job_kwargs=JOB_KWARGS
        )
    queue.run_once(catch_up_job, STARTUP_DELAY, name=CATCH_UP_JOB, job_kwargs=JOB_KWARGS)
    # Broadcast progress messages; found again from the database after a restart.
    queue.run_repeating(
        broadcast_progress.edit_progress_job,
        broadcast_progress.EVERY,
        first=broadcast_progress.EVERY,
        name=BROADCAST_PROGRESS_JOB,
        job_kwargs=JOB_KWARGS,
    )
    # Training jobs start shortly after start-up too: that is their catch-up run.
    for callback, every, name in (
        (plan_trainings_job, TRAINING_EVERY, TRAINING_JOB),
        (plan_training_reminders_job, TRAINING_REMINDER_EVERY, TRAINING_REMINDER_JOB),
    ):
        queue.run_repeating(callback, every, first=STARTUP_DELAY, name=name, job_kwargs=JOB_KWARGS)


def unschedule_planners(app: KinerjaApp) -> None:
    """Remove the planner jobs (on stop; the JobQueue itself stops with the Application)."""
    queue = app.job_queue
    if queue is None:
        return
    for name in JOB_NAMES:
        for job in queue.get_jobs_by_name(name):
            job.schedule_removal()
