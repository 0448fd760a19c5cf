"""Incremental crawling: an article URL already in the store is not requested again.

A spider middleware: it sees the spider's article requests (those carrying `newsbot_lastmod` in
meta — feed, sitemap and listing links) before they reach the scheduler, looks their canonical URLs
up in the store's `articles` collection in batches (one indexed `$in` query per batch), and drops
the ones stored — last seen within NEWSBOT_SEEN_WINDOW_DAYS — unless the feed or sitemap says the
article changed after we fetched it (lastmod / pubDate / updated newer than the stored fetched_at).
Such a request goes on with meta `newsbot_refetch`; the article it gives gets updated_at from the
feed when the page says nothing newer, and the dedupe pipeline counts the revision.

Stats: newsbot/incremental/skipped_seen, refetch_changed, new, store_error.
If the store cannot be reached every request goes through (a crawl never stops for this).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from itemadapter import ItemAdapter, is_item
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

from newsbot.dates import to_utc, utcnow
from newsbot.store import StoreConfig, open_store, short_error
from newsbot.urls import canonical_url

logger = logging.getLogger(__name__)

ISTANBUL = timezone(timedelta(hours=3))  # Europe/Istanbul: +03:00 all year since 2016


def parse_lastmod(value) -> datetime | None:
    """A feed or sitemap date (RFC 822 or ISO 8601; no offset = Istanbul time) as an aware datetime."""
    if not value:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ISTANBUL)


class IncrementalMiddleware:
    """SPIDER_MIDDLEWARES entry; NEWSBOT_INCREMENTAL turns it off, NEWSBOT_SEEN_WINDOW_DAYS sets the window
    (0: no seen-set), NEWSBOT_INCREMENTAL_BATCH the number of URLs per store query."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.settings = settings
        self.stats = crawler.stats
        self.window = timedelta(days=settings.getfloat("NEWSBOT_SEEN_WINDOW_DAYS", 30.0))
        self.enabled = settings.getbool("NEWSBOT_INCREMENTAL", True) and self.window > timedelta(0)
        self.batch_size = max(1, settings.getint("NEWSBOT_INCREMENTAL_BATCH", 200))
        self.store = None
        self.store_down = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        if not middleware.enabled:  # out of the chain: it would only re-yield every output
            raise NotConfigured("NEWSBOT_INCREMENTAL is off (or NEWSBOT_SEEN_WINDOW_DAYS is 0)")
        return middleware

    def spider_closed(self, spider=None) -> None:
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
        self.store = None

    def _open(self):
        if self.store is None and not self.store_down:
            try:
                self.store = open_store(StoreConfig.from_settings(self.settings))
            except Exception as exc:
                self._store_failed(exc)
        return self.store

    def _store_failed(self, exc: Exception) -> None:
        logger.warning("incremental: store unavailable, fetching every article this run: %s", short_error(exc))
        self.stats.inc_value("newsbot/incremental/store_error")
        self.store_down = True
        self.spider_closed()

    async def process_spider_output(self, response, result):
        pending: list[Request] = []
        async for obj in result:
            if self.enabled and isinstance(obj, Request) and "newsbot_lastmod" in obj.meta:
                pending.append(obj)
                if len(pending) >= self.batch_size:
                    for request in self._unseen(pending):
                        yield request
                    pending = []
                continue
            if is_item(obj) and response.meta.get("newsbot_refetch"):
                self._mark_updated(obj, response.meta.get("newsbot_lastmod"))
            yield obj
        for request in self._unseen(pending):
            yield request

    def _unseen(self, requests: list[Request]) -> list[Request]:
        """The requests to schedule: new URLs, and stored ones whose feed date is newer than our copy."""
        if not requests:
            return []
        store = self._open()
        if store is None:
            return requests
        keys = [canonical_url(r.url) for r in requests]
        try:
            stored = store.known_articles(keys, seen_since=utcnow() - self.window)
        except Exception as exc:  # pymongo / sqlite3 errors: fail open
            self._store_failed(exc)
            return requests
        out = []
        for request, key in zip(requests, keys, strict=True):
            doc = stored.get(key)
            if doc is None:
                self.stats.inc_value("newsbot/incremental/new")
                out.append(request)
                continue
            lastmod = parse_lastmod(request.meta.get("newsbot_lastmod"))
            ours = to_utc(doc.get("fetched_at")) or to_utc(doc.get("last_seen"))
            if lastmod is not None and ours is not None and to_utc(lastmod) > ours:
                self.stats.inc_value("newsbot/incremental/refetch_changed")
                request.meta["newsbot_refetch"] = True
                out.append(request)
            else:
                self.stats.inc_value("newsbot/incremental/skipped_seen")
        return out

    @staticmethod
    def _mark_updated(item, lastmod) -> None:
        """A re-fetched article was updated at least when its feed says so."""
        feed_time = parse_lastmod(lastmod)
        adapter = ItemAdapter(item)
        page_time = to_utc(adapter.get("updated_at"))
        if feed_time is not None and (page_time is None or page_time < to_utc(feed_time)):
            adapter["updated_at"] = feed_time.isoformat()
