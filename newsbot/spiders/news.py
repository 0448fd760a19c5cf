"""The generic news spider: a source config says where to start; discovery and extraction follow."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import scrapy
from protego import Protego
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from newsbot.article_urls import (
    LearnedShapes,
    list_segments,
    listing_url,
    looks_like_article,
    resolve,
    section_url,
)
from newsbot.crawl.addresses import PolicySkip
from newsbot.crawl.jobstate import ResumableJob
from newsbot.items import Article, article_from_fields
from newsbot.runtime.extract_pool import ExtractionPool, extract_page, worker_count
from newsbot.sniff import looks_binary
from newsbot.sources import SourceConfig, StartPoint, load_sources, parse_source
from newsbot.urls import canonical_url

# Without an article_pattern, a listing link is an article when its URL has one of the shapes of the
# site's own feed or, with no feed, its sitemap(s) (learned: newsbot/article_urls.py), else when URL-shape
# features say so.
_FEED_LINKS = "//link[contains(@rel,'alternate')][contains(@type,'rss') or contains(@type,'atom')]/@href"
_XML_ROOT = re.compile(rb"<(rss|feed|rdf:RDF|urlset|sitemapindex)[\s>]", re.I)
# Child sitemaps of an index wait behind article requests (see parse_sitemap).
CHILD_SITEMAP_PRIORITY = -100
# Learning a site's article URL shapes reads at most this many of its sitemaps, and this many URLs of each.
LEARN_SITEMAPS, LEARN_URLS = 3, 1000
_WORDS = re.compile(r"[a-z]+")
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _too_many_links(body: bytes, limit: int) -> bool:
    """More than `limit` links ("<a " / "<A " tags) in the page. Every such tag holds a "<": counting that one
    byte (a memchr pass) settles the question for ordinary pages at a third of the cost of counting the tags."""
    return body.count(b"<") > limit and body.count(b"<a ") + body.count(b"<A ") > limit


class NewsSpider(scrapy.Spider):
    """`scrapy crawl news -a url=<feed|sitemap|listing URL> -a source=<name>`; configured sources
    get a subclass each (see configured.py) with `source_config` set."""

    name = "news"
    source_config: SourceConfig | None = None

    def __init__(self, url: str | None = None, source: str | None = None, render: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.config = self._resolve_config(url, source, render)
        self.job: ResumableJob | None = None
        self._stored_urls: set[str] = set()
        self.extraction: ExtractionPool | None = None
        self.shapes = LearnedShapes()
        self._feeds_asked: set[str] = set()
        self._start_listings: set[str] = set()
        self._sitemaps_asked = False

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._configure(crawler.settings)  # settings are not frozen yet: the spider may still set some
        return spider

    def _configure(self, settings) -> None:
        workers = worker_count(settings.get("NEWSBOT_EXTRACT_WORKERS"))
        if workers:
            self.extraction = ExtractionPool(workers, self.config)
            # Now: the crawl process has no other thread yet, so forking is safe (newsbot.runtime.child), and the
            # workers' warm-up overlaps the crawl's own set-up instead of holding the first pages back.
            self.extraction.warm()
        if self.config.render == "js":
            # Only crawls that render register scrapy-playwright: the others never start Playwright.
            handlers = {**settings.getdict("DOWNLOAD_HANDLERS"), "http": PLAYWRIGHT_HANDLER,
                        "https": PLAYWRIGHT_HANDLER}
            settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
        if settings.get("SCHEDULER") == "newsbot.crawl.distributed.RedisScheduler":
            from newsbot.crawl.distributed import configure_spider

            configure_spider(settings)
        jobdir = settings.get("JOBDIR") or settings.get("NEWSBOT_JOBDIR")
        if not jobdir and settings.getbool("NEWSBOT_RESUMABLE"):
            jobdir = str(Path(settings.get("NEWSBOT_DATA_DIR") or "data") / "jobs" / self.config.name)
        if jobdir:
            settings.set("JOBDIR", jobdir, priority="spider")
            self.job = ResumableJob(jobdir)
            self.job.open()
            if self.job.resumed:
                self._stored_urls = self._urls_stored_since(settings, self.job.started)

    def _urls_stored_since(self, settings, since: str) -> set[str]:
        """URLs and canonical URLs of this source's articles fetched since `since` (this job's)."""
        from newsbot.dates import to_utc
        from newsbot.store import StoreConfig, open_store, short_error

        try:
            with open_store(StoreConfig.from_settings(settings)) as store:
                urls = store.urls_fetched_since(self.config.name, to_utc(since))
        except Exception as exc:  # no store: every article is fetched again (upserts keep one document each)
            self.logger.warning("resume: cannot read stored articles (%s); fetching them again", short_error(exc))
            return set()
        self.logger.info("resume: %d URLs already stored by this job since %s", len(urls), since)
        return urls

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value("newsbot/extract/workers", self.extraction.workers if self.extraction else 0)
        if self.extraction is not None:
            self.crawler.stats.set_value("newsbot/extract/pool_restarts", self.extraction.restarts)
            self.extraction.close()
        if self.job is not None:
            self.job.write("finished" if reason == "finished" else "stopped")

    @classmethod
    def check_arguments(cls, url: str | None = None, source: str | None = None, render: str | None = None,
                        **_: object) -> None:
        """Raise ValueError (a one-line message) for `-a` arguments this spider cannot run with: `scrapy
        crawl` (newsbot/commands/crawl.py) calls it before anything starts."""
        cls._resolve_config(url, source, render)

    @classmethod
    def _resolve_config(cls, url: str | None, source: str | None, render: str | None) -> SourceConfig:
        if cls.source_config is not None and not url:
            return cls.source_config
        if not url:
            raise ValueError(f"spider {cls.name!r} needs a start URL: scrapy crawl {cls.name} "
                             "-a url=<feed|sitemap|listing URL>")
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:  # e.g. an unclosed IPv6 bracket
            parts, host = None, ""
        if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
            raise ValueError(f"-a url must be an http(s) URL with a host, got {url!r}")
        base = cls.source_config or (load_sources().get(source) if source else None)
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
        if self.job is not None and self.job.resumed:
            self.crawler.stats.set_value("newsbot/job/resumed", self.job.resumed)
            self.crawler.stats.set_value("newsbot/job/already_stored", len(self._stored_urls))
        claim = getattr(self.crawler.engine.scheduler, "claim_start", None)  # Redis mode: one seeder per round
        if claim is not None and not claim():
            return
        for point in self.config.start:
            yield self._start_request(point)

    def _start_request(self, point: StartPoint) -> scrapy.Request:
        # A listing page of a JavaScript source may need the browser too; feeds and sitemaps never do.
        render = point.kind == "listing" and self.config.render == "js"
        return scrapy.Request(
            point.url,
            callback=self.parse_start,
            errback=self.on_error,
            cb_kwargs={"kind": point.kind},
            dont_filter=True,
            meta={"playwright": True} if render else {},
        )

    def parse_start(self, response: Response, kind: str = "auto",
                    rest: tuple[str, ...] = ()) -> Iterator[scrapy.Request]:
        if not response.body.strip():
            self._skip(response, "empty_body")
            yield from self._next_sitemap(rest)
            return
        body = self._maybe_gunzip(response)
        if kind == "auto":
            kind = self._sniff(body)
        self.crawler.stats.inc_value(f"newsbot/start/{kind}")
        if kind == "feed":
            yield from self.parse_feed(response, body)
        elif kind == "sitemap":
            yield from self.parse_sitemap(response, body, rest)
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
        if feed.bozo:  # feedparser's lenient parser recovered entries from a broken feed: use them, count it
            self.crawler.stats.inc_value("newsbot/recovered/malformed_feed")
        for entry in feed.entries:
            link = entry.get("link")
            if not link:
                self.crawler.stats.inc_value("newsbot/skipped/feed_entry_without_link")
                continue
            lastmod = entry.get("updated") or entry.get("published")
            yield from self._article_request(response.urljoin(link), lastmod=lastmod, check_pattern=False)

    def parse_sitemap(self, response: Response, body: bytes, rest: tuple[str, ...] = ()) -> Iterator[scrapy.Request]:
        """A sitemap index's children are fetched one after another (`rest`: those still to fetch), each only
        when the articles queued so far have been sent: the scheduler then never holds more than one child
        sitemap's URLs, so a 20,000-article index costs the memory of a 1,000-article one."""
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception as exc:  # lxml raises on documents that are not XML at all
            self._skip(response, "malformed_sitemap", str(exc))
            yield from self._next_sitemap(rest)
            return
        if not entries:
            self._skip(response, "empty_sitemap", sitemap.type or "")
            yield from self._next_sitemap(rest)
            return
        if sitemap.type == "sitemapindex":
            children = tuple(response.urljoin(entry["loc"]) for entry in entries)
            yield from self._next_sitemap(children + tuple(rest))
            return
        for entry in entries:
            url = response.urljoin(entry["loc"])
            if listing_url(url) and not (self.config.article_pattern and self.config.is_article_url(url)):
                # A section, category or tag page the sitemap lists beside the articles: not fetched as one
                # (unless the source's own article_pattern says it is an article).
                self.crawler.stats.inc_value("newsbot/skipped/sitemap_listing_url")
                continue
            lastmod = entry.get("lastmod") or (entry.get("news") or {}).get("publication_date")
            yield from self._article_request(url, lastmod=lastmod, check_pattern=False)
        yield from self._next_sitemap(rest)

    def _next_sitemap(self, locations: tuple[str, ...]) -> Iterator[scrapy.Request]:
        if locations:
            # Below every article request: the scheduler sends it once no article is waiting.
            yield scrapy.Request(locations[0], callback=self.parse_start, errback=self._sitemap_failed,
                                 priority=CHILD_SITEMAP_PRIORITY,
                                 cb_kwargs={"kind": "sitemap", "rest": tuple(locations[1:])})

    def _sitemap_failed(self, failure) -> Iterator[scrapy.Request]:
        self.on_error(failure)
        yield from self._next_sitemap(failure.request.cb_kwargs.get("rest", ()))

    def _page_links(self, response: Response) -> list[str]:
        """The page's same-site links, absolute, once each, in page order."""
        limit = self.settings.getint("NEWSBOT_MAX_LINKS_PER_PAGE", 2000)
        hrefs = response.xpath("//a/@href").getall()
        if limit and len(hrefs) > 10 * limit:  # a page with 100,000 links: look at the first ones only
            hrefs = hrefs[: 10 * limit]
        resolved = (resolve(response.url, h) for h in hrefs)
        return [u for u in dict.fromkeys(r.geturl() for r in resolved if r is not None) if self.config.matches_host(u)]

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not hasattr(response, "css"):
            self._skip(response, "not_html", response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        links = self._page_links(response)
        self._start_listings.add(response.url)  # its section pages are followed too (see _listing_articles)
        feed = self._own_feed(response)
        if feed:
            # Learn the site's article URL shapes from its own feed first, then judge these links.
            yield scrapy.Request(feed, callback=self.learn_from_feed, errback=self._feed_failed,
                                 cb_kwargs={"listing": response.url, "links": links}, dont_filter=True)
            return
        if not self.config.article_pattern and not self.shapes.shapes and not self._sitemaps_asked:
            # No feed: the sitemaps robots.txt names (else /sitemap.xml) list the site's articles.
            # Scrapy has fetched robots.txt already (ROBOTSTXT_OBEY): RobotsTxtMemo answers this from that copy.
            self._sitemaps_asked = True
            robots = resolve(response.url, "/robots.txt")
            yield scrapy.Request(robots.geturl(), callback=self.sitemaps_from_robots, errback=self._learning_failed,
                                 cb_kwargs={"listing": response.url, "links": links}, dont_filter=True)
            return
        yield from self._listing_articles(response.url, links)

    def _own_feed(self, response: Response) -> str | None:
        """The RSS/Atom feed a listing page declares, once per crawl, when no article_pattern is configured."""
        if self.config.article_pattern:
            return None
        for href in response.xpath(_FEED_LINKS).getall():
            url = response.urljoin(href.strip())
            if self.config.matches_host(url) and url not in self._feeds_asked:
                self._feeds_asked.add(url)
                return url
        return None

    def learn_from_feed(self, response: Response, listing: str, links: list[str]) -> Iterator[scrapy.Request]:
        body = self._maybe_gunzip(response)
        entries = feedparser.parse(body).entries if body.strip() else []
        urls = [response.urljoin(e["link"]) for e in entries if e.get("link")]
        known = self.shapes.learn(urls)
        self.crawler.stats.set_value("newsbot/discovery/learned_shapes", known)
        self.crawler.stats.set_value("newsbot/discovery/learned_from", "feed")
        self.logger.info("learned %d article URL shapes from %s", known, response.url)
        if entries:
            self.crawler.stats.inc_value("newsbot/start/feed")
            yield from self.parse_feed(response, body)
        yield from self._listing_articles(listing, links)

    def _feed_failed(self, failure) -> Iterator[scrapy.Request]:
        self.on_error(failure)  # no feed to learn from: URL-shape features judge the links
        kwargs = failure.request.cb_kwargs
        yield from self._listing_articles(kwargs["listing"], kwargs["links"])

    def sitemaps_from_robots(self, response: Response, listing: str, links: list[str]) -> Iterator[scrapy.Request]:
        text = response.body.decode("utf-8", "replace") if response.status == 200 else ""
        named = [response.urljoin(u) for u in Protego.parse(text).sitemaps]  # Scrapy's own robots.txt parser
        sitemaps = [u for u in named if self.config.matches_host(u)] or [response.urljoin("/sitemap.xml")]
        yield from self._learn_next_sitemap(tuple(sitemaps), listing, links, fetched=0)

    def _learn_next_sitemap(self, sitemaps: tuple[str, ...], listing: str, links: list[str],
                            fetched: int) -> Iterator[scrapy.Request]:
        if self.shapes.shapes or not sitemaps or fetched >= LEARN_SITEMAPS:
            if self.shapes.shapes:
                self.crawler.stats.set_value("newsbot/discovery/learned_shapes", len(self.shapes.shapes))
                self.crawler.stats.set_value("newsbot/discovery/learned_from", "sitemap")
                self.logger.info("learned %d article URL shapes from the site's sitemaps", len(self.shapes.shapes))
            yield from self._listing_articles(listing, links)
            return
        yield scrapy.Request(sitemaps[0], callback=self.learn_from_sitemap, errback=self._learning_failed,
                             dont_filter=True, cb_kwargs={"listing": listing, "links": links,
                                                          "rest": sitemaps[1:], "fetched": fetched + 1})

    def learn_from_sitemap(self, response: Response, listing: str, links: list[str], rest: tuple[str, ...] = (),
                           fetched: int = 1) -> Iterator[scrapy.Request]:
        """Learn article URL shapes from a sitemap's URLs (not crawled: this crawl started at a listing);
        of an index, its children are read, category/tag sitemaps last."""
        body = self._maybe_gunzip(response) if response.status == 200 else b""
        try:
            sitemap = Sitemap(body) if body.strip() else None
            entries = list(sitemap) if sitemap is not None else []
        except Exception:  # not a sitemap: nothing to learn here, the next one or URL-shape features
            sitemap, entries = None, []
        if sitemap is not None and sitemap.type == "sitemapindex":
            children = [response.urljoin(e["loc"]) for e in entries if e.get("loc")]
            children.sort(key=_lists_sections)  # a category sitemap lists sections, not articles
            rest = tuple(children) + tuple(rest)
        else:
            self.shapes.learn(response.urljoin(e["loc"]) for e in entries[:LEARN_URLS] if e.get("loc"))
        yield from self._learn_next_sitemap(rest, listing, links, fetched)

    def _learning_failed(self, failure) -> Iterator[scrapy.Request]:
        # No robots.txt or sitemap is no failed download of this crawl (many sites have neither): counted
        # apart from fetch_failed; the next sitemap is tried, else URL-shape features judge the links.
        if not isinstance(failure.value, PolicySkip):
            reason = failure_reason(failure)
            self.crawler.stats.inc_value(f"newsbot/discovery/unavailable/{reason}")
            self.logger.info("no article URL shapes from %s: %s", failure.request.url, reason)
        kwargs = failure.request.cb_kwargs
        yield from self._learn_next_sitemap(kwargs.get("rest", ()), kwargs["listing"], kwargs["links"],
                                            kwargs.get("fetched", 0))

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        """A section page linked from a start listing: its article links, no further sections (the home page's
        articles are at most two clicks away: directly or through their section's listing)."""
        if not hasattr(response, "css"):
            self._skip(response, "not_html", response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        yield from self._listing_articles(response.url, self._page_links(response))

    def _sections(self, listing: str, links: list[str]) -> Iterator[scrapy.Request]:
        """Requests for the section and category pages a start listing links to (newsbot.article_urls.section_url:
        "/gundem/", "/kategori/ekonomi/", "/kategori.asp?id=5"; no tag or author pages), the first
        NEWSBOT_MAX_SECTIONS of them."""
        limit = self.settings.getint("NEWSBOT_MAX_SECTIONS", 30)
        sections = [u for u in links if u != listing and section_url(u)][:limit]
        self.crawler.stats.inc_value("newsbot/discovery/sections_followed", len(sections))
        for url in sections:
            yield scrapy.Request(url, callback=self.parse_section, errback=self._section_failed)

    def _section_failed(self, failure) -> None:
        # A dead menu link is no failed download of this crawl's articles: counted apart from fetch_failed.
        if not isinstance(failure.value, PolicySkip):
            reason = failure_reason(failure)
            self.crawler.stats.inc_value(f"newsbot/discovery/section_unavailable/{reason}")
            self.logger.info("section %s not read: %s", failure.request.url, reason)

    def _listing_articles(self, listing: str, links: list[str]) -> Iterator[scrapy.Request]:
        if listing in self._start_listings:
            # After the article URL shapes are learned (this runs once they are), so the sections' links are judged
            # by them too.
            yield from self._sections(listing, links)
        found = 0
        limit = self.settings.getint("NEWSBOT_MAX_LINKS_PER_PAGE", 2000)
        for url in links:
            if not self._looks_like_article(url):
                continue
            found += 1
            if limit and found > limit:
                self.crawler.stats.inc_value("newsbot/skipped/links_over_limit")
                self.logger.warning("skipped %s: links_over_limit followed the first %d article links", listing, limit)
                break
            yield from self._article_request(url)
        if not found:
            self.crawler.stats.inc_value("newsbot/skipped/listing_without_articles")
            self.logger.warning("skipped %s: listing_without_articles", listing)

    def _looks_like_article(self, url: str) -> bool:
        if self.config.article_pattern:
            return self.config.is_article_url(url)
        if self.shapes.shapes:
            return self.shapes.matches(url)
        return looks_like_article(url)

    def _article_request(self, url: str, lastmod: str | None = None, check_pattern: bool = True):
        if not url.startswith(("http://", "https://")):
            self.crawler.stats.inc_value("newsbot/skipped/non_http_link")
            return
        if check_pattern and not self._looks_like_article(url):
            return
        if self._stored_urls and (url in self._stored_urls or canonical_url(url) in self._stored_urls):
            self.crawler.stats.inc_value("newsbot/skipped/already_stored")
            return
        meta = {"newsbot_lastmod": lastmod, "newsbot_article": True}  # (AddressPolicy: no offsite redirects)
        if self.config.render == "js":
            meta["playwright"] = True  # the context is chosen in the downloader (RenderContextMiddleware)
        yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    # -- articles ----------------------------------------------------------------------------
    async def parse_article(self, response: Response) -> AsyncIterator[Article]:
        self.crawler.stats.inc_value("newsbot/article_pages")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if not response.body.strip():
            self._skip(response, "empty_body")
            return
        if looks_binary(response.body):
            self._skip(response, "binary_body", content_type or "")
            return
        max_links = self.settings.getint("NEWSBOT_MAX_LINKS_PER_ARTICLE", 5000)
        if max_links and _too_many_links(response.body, max_links):  # a link farm, not an article
            self._skip(response, "too_many_links", f"more than {max_links} links")
            return
        maxsize = self.settings.getint("DOWNLOAD_MAXSIZE")
        if maxsize and len(response.body) > maxsize:  # a rendered page is not cut by the HTTP download handler
            self._skip(response, "too_large", f"{len(response.body)} bytes")
            return
        try:
            if self.extraction is not None:
                fields = await self.extraction.extract(response.body, response.url, self.config, content_type)
            else:
                fields = extract_page(response.body, response.url, self.config, content_type)
        except Exception as exc:  # one broken page must never end the crawl
            self._skip(response, "extract_error", f"{type(exc).__name__}: {exc}")
            return
        if fields.get("template"):  # how the site's learned template served the body (extract/site_template.py)
            self.crawler.stats.inc_value(f"newsbot/extract/template/{fields['template']}")
        if fields.get("page_kind"):  # a soft 404, a listing or a text-less gallery or video: never stored
            self._skip(response, f"not_article/{fields['page_kind']}")
            if fields["page_kind"] == "listing":  # still a way to the articles it lists
                for request in self._listing_articles(response.url, self._page_links(response)):
                    yield request
            return
        yield article_from_fields(fields, response.url, self.config, _now_iso())

    # -- errors ------------------------------------------------------------------------------
    def _skip(self, response: Response, reason: str, detail: str = "") -> None:
        self.crawler.stats.inc_value(f"newsbot/skipped/{reason}")
        self.logger.warning("skipped %s: %s %s", response.url, reason, detail[:200])

    def on_error(self, failure) -> None:
        if isinstance(failure.value, PolicySkip):  # counted and logged where it was refused
            return
        request = failure.request
        reason = failure_reason(failure)
        self.crawler.stats.inc_value(f"newsbot/fetch_failed/{reason}")
        self.logger.warning("fetch failed %s: %s (%s)", request.url, reason, str(failure.value)[:200])


def _lists_sections(sitemap_url: str) -> bool:
    """A child sitemap named for categories or tags ("sitemap-kategori.xml", "category-sitemap.xml")."""
    path = urlsplit(sitemap_url).path.lower()
    return any(word in list_segments() for word in _WORDS.findall(path))


def failure_reason(failure) -> str:
    """A short, stable stat name for a failed request: http_<status>, timeout, too_large, redirect_loop,
    robots_txt, render_timeout, render_error, or the exception's class name."""
    exc = failure.value
    response = getattr(exc, "response", None)
    if response is not None:
        return f"http_{response.status}"
    name = type(exc).__name__
    message = str(exc)
    if type(exc).__module__.startswith("playwright"):
        return "render_timeout" if name == "TimeoutError" else "render_error"
    if "max size" in message or "DOWNLOAD_MAXSIZE" in message:
        return "too_large"
    if name == "IgnoreRequest":
        if "robots.txt" in message:
            return "robots_txt"
        if "redirect" in message:
            return "redirect_loop"
    if name in ("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError"):
        return "timeout"
    return name or "error"
