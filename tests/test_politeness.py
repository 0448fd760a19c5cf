"""Politeness defaults: settings, Retry-After parsing, backoff, the User-Agent a site sees."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from scrapy.utils.project import get_project_settings

from newsbot.crawl.middlewares import abort_heavy_request, backoff_delay, parse_retry_after


def test_politeness_defaults():
    s = get_project_settings()
    assert s.getbool("ROBOTSTXT_OBEY") and s.getbool("AUTOTHROTTLE_ENABLED")
    assert 0 < s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 8
    assert s.getint("DOWNLOAD_TIMEOUT") and s.getint("DOWNLOAD_MAXSIZE") == 10 * 1024 * 1024
    assert {429, 500, 502, 503, 504} <= set(s.getlist("RETRY_HTTP_CODES"))
    assert s.get("USER_AGENT").startswith("newsbot/") and "(+http" in s.get("USER_AGENT")
    middlewares = s.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "newsbot.crawl.middlewares.BackoffRetryMiddleware" in middlewares
    # Playwright is configured but not registered globally: the spider adds its handlers for render=js only.
    assert not s.getdict("DOWNLOAD_HANDLERS")
    assert s.getint("PLAYWRIGHT_MAX_CONTEXTS") and s.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT")
    assert s.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["headless"] is True


def test_parse_retry_after():
    now = datetime(2025, 7, 12, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(b"120") == 120
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after(None) is None
    assert parse_retry_after(b"") is None
    assert parse_retry_after("yarın") is None
    assert parse_retry_after("-5") is None


def test_backoff_delay_doubles_and_is_capped():
    assert [backoff_delay(n, 1.0, 5.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    assert backoff_delay(3, 0, 5.0) == 0


class _Req:
    def __init__(self, resource_type):
        self.resource_type = resource_type


def test_browser_blocks_images_fonts_media_only():
    assert [abort_heavy_request(_Req(t)) for t in ("image", "font", "media", "document", "script", "xhr")] == [
        True, True, True, False, False, False]


def test_user_agent_names_the_bot_and_the_contact_url(demo_site, crawl):
    agents = []
    feed = demo_site._file("/rss.xml")

    def rss(handler):
        agents.append(handler.headers.get("User-Agent"))
        return feed

    demo_site.routes["/rss.xml"] = rss
    result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}",
                   env={"NEWSBOT_CONTACT_URL": "https://haber.example/iletisim"})
    assert result.returncode == 0
    assert agents == ["newsbot/0.1 (+https://haber.example/iletisim)"]
    assert demo_site.hits.get("/robots.txt") == 1


def test_meta_refresh_is_followed_as_scrapy_does_without_decoding_pages_that_hold_none():
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from newsbot.crawl.middlewares import UndecodedMetaRefreshMiddleware, may_refresh

    middleware = UndecodedMetaRefreshMiddleware.from_crawler(get_crawler())  # Scrapy's METAREFRESH_* defaults
    request = Request("https://haber.example/a")
    moved = b'<html><head><META HTTP-EQUIV="Refresh" CONTENT="0; URL=/b"></head><body>' + b"x" * 50_000
    refreshed = middleware.process_response(request, HtmlResponse(request.url, body=moved, request=request))
    assert isinstance(refreshed, Request) and refreshed.url == "https://haber.example/b"
    plain = HtmlResponse(request.url, body=b"<html><head><title>Haber</title></head><body>" + b"<p>x</p>" * 9000)
    assert middleware.process_response(request, plain) is plain
    assert may_refresh(moved) and not may_refresh(plain.body)
    # a refresh past Scrapy's 4,096 characters is none; UTF-16 pages go to Scrapy's check
    assert not may_refresh(b"<p>" + b"x" * 20_000 + b'<meta http-equiv="refresh" content="0; url=/b">')
    assert may_refresh('<meta http-equiv="refresh" content="0; url=/b">'.encode("utf-16"))
