"""`python -m schedules harvest [SOURCE …]`: crawl all (or the named) sources once, N at a time.

For plain cron: exits 0 when every crawl exited 0 with a health verdict that is not fail; 1 when any
crawl's verdict is fail (read from what the crawl wrote, see schedules/runner.py) or a crawl failed, timed
out or was refused; 2 on bad arguments; 130 / 143 when stopped by SIGINT / SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from schedules.config import GENERIC_SPIDER, ScheduleError, check_sources, crawlable_names
from schedules.runner import CrawlOutcome, CrawlRunner

log = logging.getLogger("schedules")

# Feed mode (REDIS_URL set, newsbot/crawl/distributed.py): a crawl only pushes the source's start points into the
# shared Redis queue and exits; long-running workers on any machine fetch them and everything they lead to.
FEED_ARGS = ("-s", "NEWSBOT_REDIS_ROLE=seed")


def feed_args(feed: bool) -> tuple[str, ...]:
    """The extra `scrapy crawl` arguments of feed mode; ScheduleError when REDIS_URL is not set."""
    if not feed:
        return ()
    if not os.environ.get("REDIS_URL"):
        raise ScheduleError("--feed needs REDIS_URL (the Redis the workers share) in the environment")
    return FEED_ARGS


def run_many(runner: CrawlRunner, sources: list[str] | tuple[str, ...], parallel: int, timeout: float,
             args: tuple[str, ...] = ()) -> list[CrawlOutcome]:
    """Crawl each source once with at most `parallel` crawls at a time; outcomes in source order."""
    log.info("harvest of %d source(s), %d at a time: %s", len(sources), parallel, ", ".join(sources))
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="harvest") as pool:
        outcomes = list(pool.map(lambda s: runner.run(s, timeout, args), sources))
    failed = [o for o in outcomes if not o.ok]
    if failed:
        log.error("harvest finished: %d of %d crawl(s) failed: %s (%s)", len(failed), len(outcomes),
                  ", ".join(o.source for o in failed), ", ".join(f"{o.source}: {o.describe()}" for o in failed))
    else:
        log.info("harvest finished: all %d crawl(s) ok", len(outcomes))
    return outcomes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m schedules harvest", description=__doc__.splitlines()[0])
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="source names (default: every configured source)")
    p.add_argument("--parallel", type=int, default=2, help="crawls at a time (default 2)")
    p.add_argument("--timeout", type=float, default=3600, help="hard limit per crawl in seconds (default 3600)")
    p.add_argument("--stop-grace", type=float, default=30,
                   help="on SIGTERM/SIGINT, seconds running crawls get to finish before they are killed")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a Scrapy setting passed to every crawl (repeatable)")
    p.add_argument("--log-dir", type=Path, help="write each crawl's output to DIR/<source>-<time>.log")
    p.add_argument("--feed", action="store_true",
                   help="feed the shared Redis queue (REDIS_URL) with each source's start points instead of "
                        "crawling here; workers elsewhere fetch them")
    return p


def main(argv: list[str], install_signals) -> int:
    opts = parser().parse_args(argv)
    if opts.parallel < 1 or opts.timeout <= 0:
        print("harvest: --parallel must be >= 1 and --timeout > 0", file=sys.stderr)
        return 2
    known = crawlable_names()
    try:
        sources = check_sources(opts.sources, known) if opts.sources else sorted(known - {GENERIC_SPIDER})
        if GENERIC_SPIDER in sources:
            raise ScheduleError(f"'{GENERIC_SPIDER}' needs a URL: run it with scrapy crawl news -a url=…")
        extra = feed_args(opts.feed)
    except ScheduleError as exc:
        print(f"harvest: {exc}", file=sys.stderr)
        return 2
    runner = CrawlRunner(log_dir=opts.log_dir)
    stopped = install_signals(lambda: runner.stop(grace=opts.stop_grace))
    args = tuple(part for setting in opts.set for part in ("-s", setting)) + extra
    outcomes = run_many(runner, sources, opts.parallel, opts.timeout, args)
    return stopped.exit_code(0 if all(o.ok for o in outcomes) else 1)
