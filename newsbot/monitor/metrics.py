"""Prometheus textfile export: after every crawl, `<NEWSBOT_METRICS_DIR>/newsbot_<source>.prom` for
node_exporter's textfile collector (`--collector.textfile.directory`), the usual way to watch cron jobs.

Gauges, labelled by source: items scraped / stored / dropped / spooled, errors, the crawl's duration,
the time of the last run and of the last successful one (finished, health not fail), and health as a
number (0 ok, 1 warn, 2 fail). One file per source, written atomically by prometheus_client's
`write_to_textfile`, so crawls of different sources never overwrite each other. Enabled when the setting
or environment variable NEWSBOT_METRICS_DIR names a directory.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile
from prometheus_client.parser import text_string_to_metric_families
from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)
HEALTH_VALUES = {"ok": 0, "warn": 1, "fail": 2}
LAST_SUCCESS = "newsbot_last_success_timestamp_seconds"


def metrics_path(directory: Path, source: str) -> Path:
    return directory / f"newsbot_{re.sub(r'[^A-Za-z0-9_.-]', '_', source)}.prom"


def previous_success(path: Path) -> float | None:
    """The last success time in an earlier file of this source (kept when this run did not succeed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == LAST_SUCCESS:
                return sample.value
    return None


def write_metrics(directory: Path, source: str, stats: dict, reason: str, verdict: str | None,
                  now: float | None = None) -> Path:
    now = time.time() if now is None else now
    path = metrics_path(directory, source)
    registry = CollectorRegistry()

    def gauge(name: str, doc: str, value: float | None) -> None:
        if value is not None:
            Gauge(name, doc, ["source"], registry=registry).labels(source=source).set(value)

    fetch_failed = sum(v for k, v in stats.items() if k.startswith("newsbot/fetch_failed/"))
    start, finish = stats.get("start_time"), stats.get("finish_time")
    succeeded = reason == "finished" and verdict != "fail"
    gauge("newsbot_items_scraped", "Items scraped by the last crawl", stats.get("item_scraped_count", 0))
    gauge("newsbot_items_stored", "Articles inserted or updated by the last crawl",
          stats.get("newsbot/store/inserted", 0) + stats.get("newsbot/store/updated", 0))
    gauge("newsbot_items_dropped", "Items dropped by the last crawl", stats.get("item_dropped_count", 0))
    gauge("newsbot_items_spooled", "Articles spooled during a store outage by the last crawl",
          stats.get("newsbot/store/spooled", 0))
    gauge("newsbot_errors", "ERROR log lines and failed fetches of the last crawl",
          stats.get("log_count/ERROR", 0) + fetch_failed)
    gauge("newsbot_crawl_duration_seconds", "Duration of the last crawl",
          (finish - start).total_seconds() if start and finish else stats.get("elapsed_time_seconds"))
    gauge("newsbot_health", "Health of the last crawl: 0 ok, 1 warn, 2 fail", HEALTH_VALUES.get(verdict or ""))
    gauge("newsbot_last_run_timestamp_seconds", "When the last crawl ended (Unix time)", now)
    gauge(LAST_SUCCESS, "When the last successful crawl ended (Unix time)",
          now if succeeded else previous_success(path))
    directory.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)
    return path


class MetricsFile:
    """Scrapy extension (EXTENSIONS, after newsbot.monitor.health.RunHealth): writes the file when the spider closes."""

    def __init__(self, crawler, directory: Path) -> None:
        self.crawler = crawler
        self.directory = directory

    @classmethod
    def from_crawler(cls, crawler):
        directory = crawler.settings.get("NEWSBOT_METRICS_DIR") or os.environ.get("NEWSBOT_METRICS_DIR")
        if not directory:
            raise NotConfigured("NEWSBOT_METRICS_DIR is not set")
        ext = cls(crawler, Path(directory))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _verdict(self, reason: str) -> str | None:
        from newsbot.monitor.health import RunHealth

        for ext in self.crawler.extensions.middlewares:
            if isinstance(ext, RunHealth):
                return ext.judge(reason)["verdict"]
        return None

    def spider_closed(self, spider, reason) -> None:
        from newsbot.monitor.runs import spider_source

        source = spider_source(spider)
        try:
            path = write_metrics(self.directory, source, self.crawler.stats.get_stats(), reason, self._verdict(reason))
            logger.info("metrics for %s written to %s", source, path)
        except Exception as exc:  # monitoring must never fail the crawl
            logger.warning("metrics for %s not written to %s: %s", source, self.directory, exc)
