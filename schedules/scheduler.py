"""The APScheduler 3.x BlockingScheduler: one job per schedule entry, each crawl its own process."""

from __future__ import annotations

import logging

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from schedules.config import Job, Schedule
from schedules.harvest import run_many
from schedules.runner import CrawlRunner

log = logging.getLogger("schedules")


def run_job(runner: CrawlRunner, job: Job, extra_args: tuple[str, ...] = ()) -> None:
    args = job.args + tuple(extra_args)
    if job.harvest:
        run_many(runner, job.sources, job.parallel, job.timeout, args)
    else:
        runner.run(job.sources[0], job.timeout, args)


def _on_event(event: JobEvent) -> None:
    if event.code == EVENT_JOB_MAX_INSTANCES:
        log.warning("job %s: run refused: its previous run is still going (no overlap)", event.job_id)
    elif event.code == EVENT_JOB_MISSED:
        log.warning("job %s: run of %s missed (later than the misfire grace time)", event.job_id,
                    event.scheduled_run_time)


def build_scheduler(schedule: Schedule, runner: CrawlRunner, extra_args: tuple[str, ...] = ()) -> BlockingScheduler:
    """A BlockingScheduler with every job of `schedule` added: max_instances=1, coalesce, misfire grace.
    `extra_args` go to every crawl (feed mode: schedules.harvest.FEED_ARGS)."""
    scheduler = BlockingScheduler(
        timezone=schedule.timezone,
        executors={"default": ThreadPoolExecutor(max_workers=max(1, len(schedule.jobs)))},
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": int(schedule.misfire_grace)},
    )
    for job in schedule.jobs:
        scheduler.add_job(run_job, job.trigger, args=(runner, job, extra_args), id=job.name, name=job.name)
    scheduler.add_listener(_on_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
    return scheduler
