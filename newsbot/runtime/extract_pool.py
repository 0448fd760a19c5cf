"""Extraction beside the reactor: `extract_article` runs in worker processes.

Extraction is pure CPU (lxml, trafilatura, dates) and costs several times what Scrapy spends on a page;
run in the reactor thread it caps a crawl at one core and stalls downloads while it runs. A process pool
(newsbot.runtime.child.child_pool) lets downloads, pipelines and extraction use every core.
`NEWSBOT_EXTRACT_WORKERS = 0` keeps extraction in the reactor thread.

A worker that dies (killed, out of memory, a crash in C code) breaks the whole pool: the pool is
rebuilt and each page that was in it is tried once more; a page that breaks the pool twice is
reported as failed (the spider counts it and goes on).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor

from newsbot.extract import extract_article
from newsbot.runtime.child import child_pool
from newsbot.sources import SourceConfig
from newsbot.text import content_hash
from newsbot.urls import canonical_url

logger = logging.getLogger(__name__)


class ExtractionCrashed(RuntimeError):
    """The worker process extracting a page died twice."""


def worker_count(setting: object) -> int:
    """`NEWSBOT_EXTRACT_WORKERS`: a number ≥ 0, or "auto" = the CPUs this process may use."""
    if setting in (None, "", "auto"):
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        count = int(setting)
    except (TypeError, ValueError):
        count = -1
    if count < 0:
        raise ValueError(f"NEWSBOT_EXTRACT_WORKERS must be 'auto' or a whole number ≥ 0, got {setting!r}")
    return count


def extract_page(body: bytes, url: str, config: SourceConfig | None, content_type: str | None) -> dict:
    """extract_article's fields, with `canonical_url` in newsbot's canonical form (the page's own, else
    `url`), plus `content_hash` (of title and body, as extracted): everything the spider needs that is
    pure CPU, so that it is done in the worker. `template` says how the worker's learned template of the
    site served the body (newsbot/extract/site_template.py); the crawl counts it."""
    fields = extract_article(body, url, config, content_type)
    fields["canonical_url"] = canonical_url(fields.get("canonical_url") or url)
    fields["content_hash"] = content_hash(fields.get("title") or "", list(fields.get("body") or []))
    return fields


def warm_up() -> None:
    """Initialise the extractor before the first page arrives."""
    extract_page(b"<html><body><p>newsbot</p></body></html>", "http://127.0.0.1/", None, None)


def _noop() -> None:
    return None


# The source config of the pool's crawl, set before its workers are forked (they inherit it): pages of that
# source are sent without it (pickling it costs more CPU than the page's bytes do).
_POOL_CONFIG: SourceConfig | None = None


def _extract_for_pool_config(body: bytes, url: str, content_type: str | None) -> dict:
    return extract_page(body, url, _POOL_CONFIG, content_type)


class ExtractionPool:
    """`await pool.extract(...)` gives extract_page's fields, computed in a worker process."""

    def __init__(self, workers: int, config: SourceConfig | None = None) -> None:
        global _POOL_CONFIG
        self.workers = workers
        self.config = _POOL_CONFIG = config  # (one pool per crawl process)
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # the first failed page rebuilds the pool, once

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = child_pool(self.workers)
            return self._executor

    def warm(self) -> None:
        """Warm the extractor up here and fork every worker now, while the crawl process has no other thread
        yet (newsbot.runtime.child): the workers share what the warm-up made (~0.2 s, ~33 MiB: stop lists, caches,
        compiled patterns) instead of each making a copy of its own."""
        warm_up()
        self._pool().submit(_noop)

    def _rebuild(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:  # the first failed page rebuilds; the others see the new pool
                return
            self.restarts += 1
            logger.error("an extraction worker died; starting a new pool (restart %d)", self.restarts)
            self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    async def extract(self, body: bytes, url: str, config: SourceConfig | None, content_type: str | None) -> dict:
        for attempt in (1, 2):
            pool = self._pool()
            try:
                if config is not None and config is self.config:
                    future = pool.submit(_extract_for_pool_config, body, url, content_type)
                else:
                    future = pool.submit(extract_page, body, url, config, content_type)
                return await asyncio.wrap_future(future)
            except BrokenExecutor as exc:
                self._rebuild(pool)
                if attempt == 2:
                    raise ExtractionCrashed(f"the extraction worker died twice on this page ({exc})") from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
