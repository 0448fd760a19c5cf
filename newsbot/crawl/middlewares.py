"""Downloader-side politeness and rendering helpers.

- BackoffRetryMiddleware replaces Scrapy's RetryMiddleware: the same retry rules (RETRY_TIMES,
  RETRY_HTTP_CODES, RETRY_EXCEPTIONS), but a retry waits first — for the response's Retry-After
  (seconds or an HTTP date) when it sends one, else for an exponential backoff. A Retry-After longer
  than NEWSBOT_RETRY_AFTER_MAX is not waited out: the request is given up (the next crawl tries again).
  The wait holds no download slot: the retry is returned at once, marked with the time it is due, and
  newsbot/crawl/delays.py keeps it (and the rest of that site's requests) outside the downloader until then.
- RenderContextMiddleware spreads browser pages (meta playwright=True) over rotating Playwright
  context names and closes a context once it has served NEWSBOT_RENDER_PAGES_PER_CONTEXT pages and
  its last page is done, so Chromium's memory does not grow over a long crawl.
- abort_heavy_request is PLAYWRIGHT_ABORT_REQUEST: the browser never fetches images, fonts or media.
- UndecodedMetaRefreshMiddleware replaces Scrapy's MetaRefreshMiddleware: the same redirects, without decoding
  pages that cannot hold a refresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message
from w3lib.url import safe_url_string

from newsbot.crawl.delays import NOT_BEFORE, PAUSE_SLOT

logger = logging.getLogger(__name__)

HEAVY_RESOURCE_TYPES = frozenset({"image", "font", "media"})


def abort_heavy_request(request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: True for resources an article's text never needs."""
    return request.resource_type in HEAVY_RESOURCE_TYPES


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header value (delta-seconds or HTTP-date); None if unusable."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """base × 2^(attempt-1), at most cap (attempt 1 is the first retry)."""
    if base <= 0:
        return 0.0
    return min(cap, base * 2 ** max(0, attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware with a wait before each retry, for the request's site only (see
    newsbot/crawl/delays.py: the wait is a not-before time, never a sleep in the downloader). Stats:
    newsbot/retry/backoff (retries delayed by backoff), newsbot/retry/retry_after (delayed as the server asked),
    newsbot/retry/retry_after_too_long (given up: the server asked for more than NEWSBOT_RETRY_AFTER_MAX),
    newsbot/retry/wait_seconds (total seconds of waits asked)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("NEWSBOT_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("NEWSBOT_RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("NEWSBOT_RETRY_AFTER_MAX", 120.0)

    def _inc(self, key: str, value: float = 1) -> None:
        self.crawler.stats.inc_value(f"newsbot/retry/{key}", value)

    def _later(self, request, seconds: float):
        """The retry, due `seconds` from now; its site's download slot waits as long."""
        if seconds > 0:
            self._inc("wait_seconds", round(seconds, 3))
            request.meta[NOT_BEFORE] = time.time() + seconds
            request.meta[PAUSE_SLOT] = True
        return request

    def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None and retry_after > self.retry_after_max:
            self._inc("retry_after_too_long")
            logger.warning("not retrying %s: Retry-After %.0f s is over NEWSBOT_RETRY_AFTER_MAX (%.0f s)",
                           request.url, retry_after, self.retry_after_max)
            return response
        new_request = self._retry(request, response_status_message(response.status))
        if new_request is None:
            return response
        if retry_after is not None:
            self._inc("retry_after")
            return self._later(new_request, retry_after)
        self._inc("backoff")
        return self._later(new_request, backoff_delay(new_request.meta["retry_times"], self.backoff_base,
                                                      self.backoff_max))

    def process_exception(self, request, exception, spider=None):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        new_request = self._retry(request, exception)
        if new_request is None:
            return None
        self._inc("backoff")
        return self._later(new_request, backoff_delay(new_request.meta["retry_times"], self.backoff_base,
                                                      self.backoff_max))


class RenderContextMiddleware:
    """Assigns each browser request a Playwright context name, `render-<n>`; after
    NEWSBOT_RENDER_PAGES_PER_CONTEXT pages the next name is used, and a retired context is closed as
    soon as its last page has finished. Requests are assigned when they reach the downloader (not
    when they are created), so a full context never waits for requests still in the scheduler.
    Stats: newsbot/render/contexts_closed."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.pages_per_context = max(1, crawler.settings.getint("NEWSBOT_RENDER_PAGES_PER_CONTEXT", 50))
        self.generation = 0
        self.assigned = 0  # pages given to the current generation
        self.in_flight: dict[str, int] = {}
        self.contexts: dict[str, object] = {}  # name → playwright BrowserContext, seen by the page init hook
        self._closing: set[asyncio.Future] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _name(self, generation: int | None = None) -> str:
        return f"render-{self.generation if generation is None else generation}"

    async def _remember_context(self, page, request) -> None:
        """playwright_page_init_callback: note which context object a name stands for."""
        self.contexts[request.meta["playwright_context"]] = page.context

    def process_request(self, request, spider=None):
        if not request.meta.get("playwright"):
            return None
        if self.assigned >= self.pages_per_context:
            retired = self._name()
            self.generation += 1
            self.assigned = 0
            self._maybe_close(retired)
        name = self._name()
        self.assigned += 1
        self.in_flight[name] = self.in_flight.get(name, 0) + 1
        # A retried request is re-assigned too: it holds no page (pages are closed by the handler).
        request.meta["playwright_context"] = name
        request.meta["newsbot_render_context"] = name
        request.meta["playwright_page_init_callback"] = self._remember_context
        return None

    def _done(self, request) -> None:
        name = request.meta.pop("newsbot_render_context", None)
        request.meta.pop("playwright_page_init_callback", None)  # a retry copy must stay picklable (JOBDIR)
        if name is None:
            return
        self.in_flight[name] = self.in_flight.get(name, 1) - 1
        self._maybe_close(name)

    def _maybe_close(self, name: str) -> None:
        if name == self._name() or self.in_flight.get(name, 0) > 0:
            return
        self.in_flight.pop(name, None)
        context = self.contexts.pop(name, None)
        if context is not None:
            self.crawler.stats.inc_value("newsbot/render/contexts_closed")
            task = asyncio.ensure_future(self._close(name, context))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close(name: str, context) -> None:
        try:
            await context.close()
        except Exception as exc:  # already closed with the browser: nothing to free
            logger.debug("closing browser context %s: %s", name, exc)

    def process_response(self, request, response, spider=None):
        self._done(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._done(request)
        return None


class RedirectLoopMiddleware:
    """Turns a redirect back to a URL already on the request's redirect chain into IgnoreRequest
    ("redirect loop"), so the spider's errback counts it; without this, Scrapy's duplicate filter drops
    the looping request silently. Sits just outside RedirectMiddleware (which still caps long chains at
    REDIRECT_MAX_TIMES)."""

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = safe_url_string(response.urljoin(location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise IgnoreRequest(f"redirect loop: {request.url} -> {target}")
        return response


# Scrapy looks for a refresh in the first 4,096 characters of the page's text: at most 4 bytes each.
META_REFRESH_SCAN_BYTES = 4 * 4096 + 4  # (+ a byte order mark)


def may_refresh(body: bytes) -> bool:
    """False when the page's first 4,096 characters cannot declare a meta refresh: w3lib (2.5) only takes a
    <meta> whose attributes hold "refresh" in any case (no Unicode letter lower-cases to one of its letters),
    which in any ASCII-compatible encoding are those ASCII bytes; pages with NUL bytes (UTF-16/32) are decoded
    as before."""
    head = body[:META_REFRESH_SCAN_BYTES]
    return b"\x00" in head or b"refresh" in head.lower()


class UndecodedMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware (same settings, same redirects), except that a page whose bytes rule a
    refresh out is not decoded: Scrapy decodes the whole page (response.text) to look at its first 4,096
    characters, ~0.3 ms of the crawl process per 80 KB page, and nothing else in the crawl process needs
    the text (extraction reads the bytes, in its workers)."""

    def process_response(self, request, response, spider=None):
        if not may_refresh(response.body):
            return response
        return super().process_response(request, response)
