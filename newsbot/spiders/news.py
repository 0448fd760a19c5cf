"""The generic news spider: a source config says where to start; discovery and extraction follow."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from urllib.parse import urlsplit

import feedparser
import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from newsbot.extract import extract_article
from newsbot.items import Article
from newsbot.sources import SourceConfig, StartPoint, load_sources, parse_source
from newsbot.text import content_hash
from newsbot.urls import canonical_url

# Without an article_pattern, a listing link is taken as an article when its path ends in a numeric
# id or a long slug (news CMSs name articles like that; menu links rarely are).
DEFAULT_ARTICLE_PATH = re.compile(r"(\d{4,}(\.html?)?/?$)|([\w-]*-[\w-]*-[\w-]*-[\w-]+/?$)")
_XML_ROOT = re.compile(rb"<(rss|feed|rdf:RDF|urlset|sitemapindex)[\s>]", re.I)


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class NewsSpider(scrapy.Spider):
    """`scrapy crawl news -a url=<feed|sitemap|listing URL> -a source=<name>`; configured sources
    get a subclass each (see configured.py) with `source_config` set."""

    name = "news"
    source_config: SourceConfig | None = None

    def __init__(self, url: str | None = None, source: str | None = None, render: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.config = self._resolve_config(url, source, render)

    def _resolve_config(self, url: str | None, source: str | None, render: str | None) -> SourceConfig:
        if self.source_config is not None and not url:
            return self.source_config
        if not url:
            raise ValueError("spider 'news' needs a start URL: scrapy crawl news -a url=<feed|sitemap|listing URL>")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"-a url must be an http(s) URL, got {url!r}")
        base = self.source_config or (load_sources().get(source) if source else None)
        host = (urlsplit(url).hostname or "").lower()
        raw = {
            "name": re.sub(r"[^a-z0-9_]", "_", (source or host or "adhoc").lower()) or "adhoc",
            "site": base.site if base else host,
            "domains": list(base.domains) if base else [host],
            "agency": base.agency if base else None,
            "start": [{"url": url}],
            "article_pattern": base.article_pattern if base else None,
            "render": render if render is not None else (base.render if base else ""),
            "selectors": dict(base.selectors) if base else {},
        }
        if not raw["name"][0].isalpha():
            raw["name"] = "s_" + raw["name"]
        return parse_source(raw, "-a arguments")

    # -- discovery ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for point in self.config.start:
            yield self._start_request(point)

    def _start_request(self, point: StartPoint) -> scrapy.Request:
        return scrapy.Request(
            point.url,
            callback=self.parse_start,
            errback=self.on_error,
            cb_kwargs={"kind": point.kind},
            dont_filter=True,
        )

    def parse_start(self, response: Response, kind: str = "auto") -> Iterator[scrapy.Request]:
        body = self._maybe_gunzip(response)
        if kind == "auto":
            kind = self._sniff(body)
        self.crawler.stats.inc_value(f"newsbot/start/{kind}")
        if kind == "feed":
            yield from self.parse_feed(response, body)
        elif kind == "sitemap":
            yield from self.parse_sitemap(response, body)
        else:
            yield from self.parse_listing(response)

    @staticmethod
    def _sniff(body: bytes) -> str:
        match = _XML_ROOT.search(body[:4096])
        if not match:
            return "listing"
        root = match.group(1).lower()
        return "sitemap" if root in (b"urlset", b"sitemapindex") else "feed"

    def _maybe_gunzip(self, response: Response) -> bytes:
        if response.body[:2] == b"\x1f\x8b":
            try:
                return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:  # a corrupt or oversized gzip must not stop the crawl
                self._skip(response, "bad_gzip", str(exc))
                return b""
        return response.body

    def parse_feed(self, response: Response, body: bytes) -> Iterator[scrapy.Request]:
        feed = feedparser.parse(body)
        if feed.bozo and not feed.entries:
            self._skip(response, "malformed_feed", str(feed.get("bozo_exception", "")))
            return
        for entry in feed.entries:
            link = entry.get("link")
            if not link:
                self.crawler.stats.inc_value("newsbot/skipped/feed_entry_without_link")
                continue
            lastmod = entry.get("updated") or entry.get("published")
            yield from self._article_request(response.urljoin(link), lastmod=lastmod, check_pattern=False)

    def parse_sitemap(self, response: Response, body: bytes) -> Iterator[scrapy.Request]:
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml raises on documents that are not XML at all
            self._skip(response, "malformed_sitemap", str(exc))
            return
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                yield scrapy.Request(
                    response.urljoin(entry["loc"]), callback=self.parse_start, errback=self.on_error,
                    cb_kwargs={"kind": "sitemap"},
                )
            return
        for entry in sitemap:
            lastmod = entry.get("lastmod") or (entry.get("news") or {}).get("publication_date")
            yield from self._article_request(response.urljoin(entry["loc"]), lastmod=lastmod, check_pattern=False)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not hasattr(response, "css"):
            self._skip(response, "not_html", response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        found = 0
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if not self.config.matches_host(url) or not self._looks_like_article(url):
                continue
            found += 1
            yield from self._article_request(url)
        if not found:
            self._skip(response, "listing_without_articles", response.url)

    def _looks_like_article(self, url: str) -> bool:
        if self.config.article_pattern:
            return self.config.is_article_url(url)
        return DEFAULT_ARTICLE_PATH.search(urlsplit(url).path) is not None

    def _article_request(self, url: str, lastmod: str | None = None, check_pattern: bool = True):
        if not url.startswith(("http://", "https://")):
            self.crawler.stats.inc_value("newsbot/skipped/non_http_link")
            return
        if check_pattern and not self._looks_like_article(url):
            return
        yield scrapy.Request(
            url, callback=self.parse_article, errback=self.on_error, meta={"newsbot_lastmod": lastmod}
        )

    # -- articles ----------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Article]:
        self.crawler.stats.inc_value("newsbot/article_pages")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        try:
            fields = extract_article(response.body, response.url, self.config, content_type=content_type)
        except Exception as exc:  # one broken page must never end the crawl
            self._skip(response, "extract_error", f"{type(exc).__name__}: {exc}")
            return
        body = fields.get("body") or []
        yield Article(
            url=response.url,
            canonical_url=canonical_url(fields.get("canonical_url") or response.url),
            site=self.config.site or (urlsplit(response.url).hostname or ""),
            source=self.config.name,
            title=fields.get("title") or "",
            lead=fields.get("lead") or "",
            body=list(body),
            text="\n\n".join(body),
            published_at=fields.get("published_at"),
            updated_at=fields.get("updated_at"),
            category=fields.get("category"),
            tags=list(fields.get("tags") or []),
            authors=list(fields.get("authors") or []),
            agency=fields.get("agency") or None,
            language=fields.get("language") or self.config.language,
            fetched_at=_now_iso(),
            content_hash=content_hash(fields.get("title") or "", list(body)),
        )

    # -- errors ------------------------------------------------------------------------------
    def _skip(self, response: Response, reason: str, detail: str = "") -> None:
        self.crawler.stats.inc_value(f"newsbot/skipped/{reason}")
        self.logger.warning("skipped %s: %s %s", response.url, reason, detail[:200])

    def on_error(self, failure) -> None:
        request = failure.request
        reason = failure.type.__name__ if failure.type else "error"
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"http_{response.status}"
        self.crawler.stats.inc_value(f"newsbot/fetch_failed/{reason}")
        self.logger.warning("fetch failed %s: %s", request.url, reason)
