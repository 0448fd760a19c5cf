"""Downloader middleware: a host's robots.txt is downloaded once per crawl, not once per reader.

Two parts of a crawl read robots.txt: Scrapy's RobotsTxtMiddleware (ROBOTSTXT_OBEY) fetches it before a host's
first request, and the spider fetches it again to read the `Sitemap:` lines when it learns a site's article URL
shapes (newsbot/spiders/news.py). Scrapy's robots parsers keep no sitemaps behind a public name, so instead of
reaching into the parser this middleware keeps the robots.txt *response* each host gave (every download passes
here, the RobotsTxtMiddleware's own included) and answers a later request for the same robots.txt with it: the
second reader costs no download, no slot and no delay. With ROBOTSTXT_OBEY off the spider's one fetch is the
only one. A robots.txt that could not be downloaded (no response) is not kept: the next reader tries again.

Kept per host (scheme and host:port of the URL asked for, before any redirect): a crawl reads a few hosts, and
a body over MAX_KEPT_BYTES is not kept (RFC 9309 asks crawlers to read the first 500 KiB; a host serving more
is asked again rather than held in memory). Stat: newsbot/robots_txt/reused.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Request, Response

ROBOTS_PATH = "/robots.txt"
MAX_KEPT_BYTES = 512 * 1024


def _host_key(url: str) -> tuple[str, str] | None:
    """(scheme, netloc) of a robots.txt URL, else None (any other URL, or one with a query)."""
    if ROBOTS_PATH not in url:  # nearly every URL of a crawl: a substring test, not a parse (7.9 -> 2.2 µs a page)
        return None
    parts = urlsplit(url)
    if parts.path != ROBOTS_PATH or parts.query:
        return None
    return parts.scheme, parts.netloc.lower()


class RobotsTxtMemo:
    """Enable with DOWNLOADER_MIDDLEWARES = {"newsbot.crawl.robots_memo.RobotsTxtMemo": 35}: after the address
    policy (nothing refused is answered from here either) and before delays and slots (a kept answer waits
    for neither); its process_response sees the final response, after retries and redirects."""

    def __init__(self, stats) -> None:
        self.stats = stats
        self.responses: dict[tuple[str, str], Response] = {}

    @classmethod
    def from_crawler(cls, crawler) -> RobotsTxtMemo:
        return cls(crawler.stats)

    def process_request(self, request: Request) -> Response | None:
        key = _host_key(request.url)
        kept = self.responses.get(key) if key else None
        if kept is None:
            return None
        self.stats.inc_value("newsbot/robots_txt/reused")
        # The same answer for this request; "cached" in the flags, as Scrapy's HTTP cache marks its answers.
        return kept.replace(request=request, flags=[*kept.flags, "cached"])

    def process_response(self, request: Request, response: Response) -> Response:
        # A redirect's last hop carries the URLs before it (RedirectMiddleware's documented `redirect_urls`):
        # the robots.txt asked for is the first of them.
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        key = _host_key(asked)
        if key and key not in self.responses and "cached" not in response.flags \
                and len(response.body) <= MAX_KEPT_BYTES:
            self.responses[key] = response
        return response
