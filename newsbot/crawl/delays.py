"""Waiting before a retry without holding a download slot or the global concurrency.

Scrapy (2.19) has no "not before" for a request: a middleware that sleeps keeps the request in
Downloader.active, and a long slot delay queues the site's requests inside the downloader, where they count
against CONCURRENT_REQUESTS too. Here a waiting request is kept *outside* Scrapy's scheduler and downloader:

- BackoffRetryMiddleware (newsbot/crawl/middlewares.py) returns the retry request with meta NOT_BEFORE (wall-clock
  time) and PAUSE_SLOT (Retry-After and backoff are about the site: its whole download slot waits).
- DelayedRequests listens to the public `request_scheduled` signal: a request whose time has not come (its own
  NOT_BEFORE, or its slot's pause) is held in memory and dropped from scheduling by raising IgnoreRequest (the
  signal's documented way), then handed back to `engine.crawl()` when it is due. While anything is held, the
  spider is kept open (spider_idle → DontCloseSpider).
- As a downloader middleware (first in the chain) it sends back a request the scheduler hands out for a
  paused slot (queued before the pause began): the request returns to the engine, which reschedules it, and
  the signal handler holds it. It costs one pass through the engine, never a slot.

Other sites' requests never wait. Stats: newsbot/retry/held (requests held), newsbot/retry/held_at_close
(held requests a closing crawl never made: a Ctrl-C during a long Retry-After; logged).
"""

from __future__ import annotations

import logging
import time

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.utils.asyncio import CallLaterResult, call_later

logger = logging.getLogger(__name__)

NOT_BEFORE = "newsbot_not_before"  # meta: time.time() before which the request must not be fetched
PAUSE_SLOT = "newsbot_pause_slot"  # meta: NOT_BEFORE applies to the request's whole download slot


class DelayedRequests:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.paused: dict[str, float] = {}  # download slot key → time.time() until which it waits
        self.held: dict[int, tuple[Request, CallLaterResult]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        instance = cls(crawler)
        crawler.signals.connect(instance.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(instance.spider_closed, signal=signals.spider_closed)
        return instance

    def _slot_key(self, request: Request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    def due(self, request: Request) -> float:
        """time.time() from which the request may be fetched."""
        return max(float(request.meta.get(NOT_BEFORE) or 0), self.paused.get(self._slot_key(request), 0.0))

    # -- signals ------------------------------------------------------------------------------
    def request_scheduled(self, request: Request, spider=None) -> None:
        if request.meta.pop(PAUSE_SLOT, False) and request.meta.get(NOT_BEFORE):
            key = self._slot_key(request)
            self.paused[key] = max(self.paused.get(key, 0.0), float(request.meta[NOT_BEFORE]))
        wait = self.due(request) - time.time()
        if wait <= 0:
            return
        self.held[id(request)] = (request, call_later(wait, self._release, id(request)))
        self.crawler.stats.inc_value("newsbot/retry/held")
        raise IgnoreRequest(f"held for {wait:.1f} s")  # request_scheduled: drops it from scheduling, quietly

    def _release(self, key: int) -> None:
        entry = self.held.pop(key, None)
        if entry is not None and self.crawler.engine is not None and self.crawler.engine.spider is not None:
            self.crawler.engine.crawl(entry[0])  # due now: request_scheduled lets it through

    def spider_idle(self, spider=None) -> None:
        if self.held:
            raise DontCloseSpider

    def spider_closed(self, spider=None, reason: str = "") -> None:
        if not self.held:
            return
        self.crawler.stats.set_value("newsbot/retry/held_at_close", len(self.held))
        logger.warning("%d requests waiting for a retry time were not made: the crawl closed (%s)",
                       len(self.held), reason)
        for _request, timer in self.held.values():
            timer.cancel()
        self.held.clear()

    # -- downloader middleware ------------------------------------------------------------------
    def process_request(self, request: Request, spider=None):
        if self.due(request) > time.time():
            # Queued before its slot was paused: back to the engine (rescheduled, then held above). It
            # already passed the duplicate filter once, so it must not be filtered again.
            return request.replace(dont_filter=True)
        return None
