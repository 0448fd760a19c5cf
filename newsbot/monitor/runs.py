"""Extension: one `crawl_runs` document per crawl — inserted as "running" when the spider opens (a crash
leaves a run that never finished) and completed when it closes.

Enable with EXTENSIONS = {"newsbot.monitor.runs.CrawlRuns": 600}. `build_run_record()` turns the final Scrapy
stats into the record; it is a pure function, so a verdict such as `health` can be added by a
function that takes the record (see `RECORD_ENRICHERS`).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

from newsbot.store import RUNS, Spool, StoreConfig, StoreThread, sanitize, short_error, utcnow

logger = logging.getLogger(__name__)

# Functions record -> dict of extra fields, applied in order to the completed record (e.g. a health
# verdict: RECORD_ENRICHERS.append(lambda record: {"health": judge(record)})).
RECORD_ENRICHERS: list[Callable[[dict], Mapping]] = []


def _prefixed(stats: Mapping, prefix: str) -> dict[str, int]:
    return {key[len(prefix):]: value for key, value in stats.items() if key.startswith(prefix)}


def _seconds(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds(), 3)


def start_record(run_id: str, spider: str, source: str, started_at: datetime, store: str) -> dict:
    """The document inserted when a crawl starts."""
    return {
        "_id": run_id,
        "spider": spider,
        "source": source,
        "status": "running",
        "started_at": started_at,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "store": store,
    }


def build_run_record(stats: Mapping, *, run_id: str, spider: str, source: str, started_at: datetime,
                     finished_at: datetime, reason: str, store: str = "") -> dict:
    """The completed run document, from the crawl's final stats (plain dict of Scrapy stats)."""
    dropped_by_reason = _prefixed(stats, "newsbot/dropped/")
    fetch_failed = _prefixed(stats, "newsbot/fetch_failed/")
    skipped = _prefixed(stats, "newsbot/skipped/")
    log_errors = int(stats.get("log_count/ERROR", 0))
    record = {
        **start_record(run_id, spider, source, started_at, store),
        "status": "finished" if reason == "finished" else "stopped",
        "finished_at": finished_at,
        "finish_reason": reason,
        "duration": _seconds(started_at, finished_at),
        "requests": int(stats.get("downloader/request_count", 0)),
        "responses": {
            "count": int(stats.get("downloader/response_count", 0)),
            "by_status": _prefixed(stats, "downloader/response_status_count/"),
        },
        "items": {
            "scraped": int(stats.get("item_scraped_count", 0)),
            "inserted": int(stats.get("newsbot/store/inserted", 0)),
            "updated": int(stats.get("newsbot/store/updated", 0)),
            "spooled": int(stats.get("newsbot/store/spooled", 0)),
            "spooled_other": int(stats.get("newsbot/store/spooled_other", 0)),  # stories, signatures
            "spool_overflow": int(stats.get("newsbot/store/spool_overflow", 0)),
            "rejected": int(stats.get("newsbot/store/rejected", 0)),
            "dropped": int(stats.get("item_dropped_count", 0)),
            "dropped_by_reason": dropped_by_reason,
            "dropped_by_exception": _prefixed(stats, "item_dropped_reasons_count/"),
        },
        "errors": {
            "total": log_errors + sum(fetch_failed.values()),
            "log_errors": log_errors,
            "log_warnings": int(stats.get("log_count/WARNING", 0)),
            "fetch_failed": fetch_failed,
            "skipped": skipped,
            "spider_exceptions": _prefixed(stats, "spider_exceptions/"),
            "store_failed_batches": int(stats.get("newsbot/store/failed_batches", 0)),
        },
        "article_pages": int(stats.get("newsbot/article_pages", 0)),
    }
    for enrich in RECORD_ENRICHERS:
        record.update(enrich(record))
    return sanitize(record)


def _raise_failed(counts) -> None:
    if counts.failed or counts.rejected:
        raise RuntimeError(counts.error or "not written")


def spider_source(spider) -> str:
    config = getattr(spider, "config", None)
    return getattr(config, "name", None) or spider.name


class CrawlRuns:
    def __init__(self, config: StoreConfig, stats, timeout: float) -> None:
        self.config = config
        self.stats = stats
        self.timeout = timeout
        self.thread: StoreThread | None = None
        self.run_id = ""
        self.started_at: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWSBOT_RUNS_ENABLED", True):
            raise NotConfigured
        config = StoreConfig.from_settings(crawler.settings)
        ext = cls(config, crawler.stats, timeout=max(5.0, config.timeout_ms / 1000 * 3))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.started_at = utcnow()
        self.run_id = f"{spider.name}-{self.started_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        self.stats.set_value("newsbot/run_id", self.run_id)
        try:
            self.config.check()
        except Exception as exc:
            logger.error("crawl run not recorded: %s", short_error(exc))
            return
        self.thread = StoreThread(self.config, name="newsbot-runs")
        self.thread.start()
        record = start_record(self.run_id, spider.name, spider_source(spider), self.started_at,
                              self.config.describe())
        future = self.thread.submit(lambda store: _raise_failed(store.write([(RUNS, record)])))
        future.add_done_callback(self._opened_done)

    def _opened_done(self, future) -> None:
        if future.exception() is not None:
            logger.warning("crawl run %s: start not recorded (%s); it is written at the end",
                           self.run_id, short_error(future.exception()))

    async def spider_closed(self, spider, reason) -> None:
        if self.thread is None or self.started_at is None:
            return
        record = build_run_record(
            self.stats.get_stats(), run_id=self.run_id, spider=spider.name, source=spider_source(spider),
            started_at=self.started_at, finished_at=utcnow(), reason=reason, store=self.config.describe(),
        )
        thread, self.thread = self.thread, None
        future = thread.submit(lambda store: _raise_failed(store.write([(RUNS, record)])))
        thread.stop()

        def wait() -> None:
            try:
                future.result(timeout=self.timeout)
                logger.info("crawl run %s recorded: %s, %d items scraped", self.run_id, record["status"],
                            record["items"]["scraped"])
            except Exception as exc:
                Spool.for_config(self.config).append([(RUNS, record)])
                logger.warning("crawl run %s could not be written (%s); spooled for replay",
                               self.run_id, short_error(exc))

        from twisted.internet import threads

        await maybe_deferred_to_future(threads.deferToThread(wait))
