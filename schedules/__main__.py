"""`python -m schedules [--file F] [--check]` runs the crawl scheduler; `python -m schedules harvest …`
crawls every (or the named) source once. Exit 2 on a bad schedule file or bad arguments."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from schedules.config import DEFAULT_FILE, ScheduleError, load_schedule

log = logging.getLogger("schedules")


class StopSignal:
    """The first stop signal received (None until one is): `exit_code()` is the shell's 128 + signal number,
    130 for SIGINT and 143 for SIGTERM, so cron and shells see an interrupted run as one."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def exit_code(self, otherwise: int) -> int:
        return 128 + self.signum if self.signum is not None else otherwise


def install_signals(on_stop: Callable[[], None]) -> StopSignal:
    """SIGTERM/SIGINT call `on_stop` once, in a thread of its own (it may take locks the
    interrupted main thread holds); a repeated signal is only logged. Returns which signal came."""
    received = StopSignal()
    fired = threading.Event()

    def stop(name: str, again: bool) -> None:
        if again:
            log.warning("%s again: already stopping", name)
            return
        log.info("%s received: stopping", name)
        on_stop()

    def handler(signum, frame) -> None:  # no locks taken here: the work happens in a thread
        again = fired.is_set()
        fired.set()
        if not again:
            received.signum = signum
        threading.Thread(target=stop, args=(signal.Signals(signum).name, again), name="stop", daemon=True).start()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return received


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m schedules", epilog="python -m schedules harvest --help: the harvest",
                                description="Run the crawl scheduler (APScheduler) from a schedule file.")
    p.add_argument("--file", type=Path, default=DEFAULT_FILE, help="schedule file (default schedules/schedule.toml)")
    p.add_argument("--check", action="store_true", help="validate the file, print each job's next run, exit")
    p.add_argument("--stop-grace", type=float, default=30,
                   help="on SIGTERM/SIGINT, seconds running crawls get to finish before they are killed (30)")
    p.add_argument("--log-dir", type=Path, help="write each crawl's output to DIR/<source>-<time>.log")
    p.add_argument("--feed", action="store_true",
                   help="feed the shared Redis queue (REDIS_URL) at each job's time instead of crawling here: "
                        "each crawl only pushes the source's start points; workers on any machine fetch them")
    return p


def serve(opts: argparse.Namespace) -> int:
    from schedules.harvest import feed_args
    from schedules.runner import CrawlRunner
    from schedules.scheduler import build_scheduler

    try:
        schedule = load_schedule(opts.file)
        extra = feed_args(opts.feed) if not opts.check else ()
    except ScheduleError as exc:
        print(f"schedules: {exc}", file=sys.stderr)
        return 2
    if opts.check:
        for job in schedule.jobs:
            nxt = job.trigger.get_next_fire_time(None, datetime.now(job.trigger.timezone))
            what = "harvest " + ",".join(job.sources) if job.harvest else job.sources[0]
            print(f"{job.name:<18} {job.cron:<16} {job.timezone:<16} next {nxt:%Y-%m-%d %H:%M %Z}  {what}")
        return 0
    runner = CrawlRunner(log_dir=opts.log_dir)
    scheduler = build_scheduler(schedule, runner, extra)

    def stop() -> None:
        runner.stop()
        scheduler.shutdown(wait=False)

    install_signals(stop)
    log.info("scheduler started from %s: %d job(s)%s", schedule.path, len(schedule.jobs),
             " feeding the shared Redis queue (crawls only push start points)" if extra else "")
    scheduler.start()  # blocks until stop()
    runner.shutdown(opts.stop_grace)
    log.info("scheduler stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if argv[:1] == ["harvest"]:
        from schedules import harvest

        return harvest.main(argv[1:], install_signals)
    return serve(parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
