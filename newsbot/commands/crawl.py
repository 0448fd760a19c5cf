"""`scrapy crawl`: Scrapy's command, with the spider and its `-a` arguments checked before anything starts
(one line and exit 2 when they are wrong) and an exit code that follows the crawl's health verdict."""

from __future__ import annotations

import argparse
import logging

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.spiderloader import get_spider_loader

from newsbot.commands import EXIT_FAIL, EXIT_OK, usage_exit
from newsbot.monitor.health import FAIL, VERDICT_STAT
from newsbot.sources import SourceConfigError

logger = logging.getLogger(__name__)


def crawl_exit_code(stats, bootstrap_failed: bool) -> int:
    """1 when the crawl could not start or its health verdict (a stat set by newsbot.monitor.health.RunHealth) is
    fail; otherwise 0 (ok, warn, or no verdict because run health is switched off)."""
    if bootstrap_failed:
        return EXIT_FAIL
    return EXIT_FAIL if stats is not None and stats.get_value(VERDICT_STAT) == FAIL else EXIT_OK


def first_cause(exc: BaseException) -> BaseException:
    """The exception that started a chain: a component failing in the engine's open (e.g. the scheduler)
    surfaces as Scrapy's own follow-up error ("Engine slot not assigned") with the real one as its context."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return exc


def _log_start_failure(exc: BaseException) -> None:
    # Retrieving the exception here keeps asyncio from printing "Task exception was never retrieved"
    # with a traceback; the traceback stays in the log at DEBUG.
    cause = first_cause(exc)
    logger.error("the crawl could not start: %s: %s", type(cause).__name__, cause)
    logger.debug("the crawl could not start", exc_info=exc)


def watch_start(started) -> None:
    """Log a crawl that fails to start (spider or extension constructors raising) as one line."""
    if hasattr(started, "addErrback"):  # CrawlerProcess: a Deferred
        started.addErrback(lambda failure: _log_start_failure(failure.value))
    else:  # AsyncCrawlerProcess (the asyncio reactor, newsbot's setting): an asyncio Task
        started.add_done_callback(lambda task: task.cancelled() or task.exception() is None
                                  or _log_start_failure(task.exception()))


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return  # Scrapy's own usage message, from run()
        try:
            loader = get_spider_loader(self.settings)
        except SourceConfigError as exc:
            usage_exit("crawl", str(exc))
        try:
            spidercls = loader.load(args[0])
        except KeyError:
            usage_exit("crawl", f"unknown spider {args[0]!r}; known: {', '.join(sorted(loader.list()))}")
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(**opts.spargs)
            except ValueError as exc:
                usage_exit("crawl", str(exc))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # raises Scrapy's UsageError
            return
        process = self.crawler_process
        assert process is not None
        crawler = process.create_crawler(args[0])
        watch_start(process.crawl(crawler, **opts.spargs))
        process.start()
        self.exitcode = crawl_exit_code(crawler.stats, process.bootstrap_failed)
