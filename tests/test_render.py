"""JavaScript rendering: only render = "js" crawls use the browser; pages and contexts are cleaned up."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.plugin_sites import ROOT

JS_SITE = ROOT / "tests" / "fixtures" / "js"
KUTUPHANE = "Büyükşehir Belediyesi, Çarşı Mahallesi'nde yapımı iki yıl süren yeni halk kütüphanesini"
BISIKLET = "Sahil yolu boyunca sekiz kilometre uzunluğunda ayrı bir bisiklet şeridi"
HEAVY = ("/img/kutuphane.jpg", "/fonts/haber.woff2", "/media/tanitim.mp4")


@pytest.fixture
def js_site(site_factory):
    """The JS fixture site; /js/asili.js hangs until the test ends (a page that never finishes loading)."""
    site = site_factory(JS_SITE)
    release = threading.Event()

    def hang(handler):
        release.wait(60)
        return 200, {"Content-Type": "text/javascript"}, b"// too late"

    site.routes["/js/asili.js"] = hang
    yield site
    release.set()


def _write_source(tmp_path: Path, url: str, render: str) -> dict:
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    lines = ['name = "jshaber"', 'site = "jshaber.test"', 'domains = ["127.0.0.1"]',
             f'render = "{render}"' if render else "", f'start = [{{ url = "{url}", kind = "feed" }}]']
    (sources / "jshaber.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"NEWSBOT_SOURCES_DIRS": str(sources)}


def test_js_source_renders_article_bodies_through_the_pipelines(js_site, crawl, tmp_path):
    env = _write_source(tmp_path, js_site.url("/rss.xml"), "js")
    result = crawl("jshaber", env=env, settings={
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 3000,
        "NEWSBOT_RENDER_PAGES_PER_CONTEXT": 1,  # every page gets a fresh context: recycling is exercised
    })
    # The crawl ends normally; the page that never loads is 1 exception in 4 requests (25 %), run health's
    # fail level, so it exits 1.
    assert result.returncode == 1, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    stats = result.stats
    by_title = {i["title"]: i for i in result.items}
    assert set(by_title) == {"Belediye yeni kütüphaneyi açtı", "Sahil yolunda bisiklet şeridi"}
    kutuphane = by_title["Belediye yeni kütüphaneyi açtı"]
    assert kutuphane["text"].startswith(KUTUPHANE)
    assert "üyelik ücretsiz" in kutuphane["text"]
    assert "Yükleniyor" not in kutuphane["text"]
    assert by_title["Sahil yolunda bisiklet şeridi"]["body"][0].startswith(BISIKLET)
    assert len(by_title["Sahil yolunda bisiklet şeridi"]["body"]) == 3
    # The page that never finishes loading hits the per-page timeout and is counted; the crawl goes on.
    assert stats.get("newsbot/fetch_failed/render_timeout") == 1
    # The feed itself is not rendered: three article pages went through the browser, each was closed.
    assert stats.get("playwright/page_count") == 3
    assert stats.get("playwright/page_count/closed") == 3
    assert stats.get("playwright/browser_count") == 1
    # Contexts are recycled (one page each here) and bounded.
    assert stats.get("newsbot/render/contexts_closed", 0) >= 1
    assert stats.get("playwright/context_count/max_concurrent") <= 2
    # Images, fonts and media are never fetched.
    assert stats.get("playwright/request_count/aborted", 0) >= 2
    assert all(js_site.hits.get(path) is None for path in HEAVY), js_site.hits
    # robots.txt is still fetched by Scrapy, not by the browser.
    assert js_site.hits.get("/robots.txt") == 1


def test_adhoc_render_js_argument(js_site, crawl):
    result = crawl("news", "-a", f"url={js_site.url('/rss.xml')}", "-a", "render=js",
                   settings={"PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 2000})
    assert result.returncode == 1, result.log[-3000:]  # finished; the never-loading page: 1 of 4 requests failed
    assert {i["title"] for i in result.items} == {"Belediye yeni kütüphaneyi açtı", "Sahil yolunda bisiklet şeridi"}
    assert result.stats.get("playwright/page_count") == 3


def test_source_without_render_never_starts_a_browser(js_site, crawl, tmp_path):
    env = _write_source(tmp_path, js_site.url("/rss.xml"), "")
    result = crawl("jshaber", env=env, settings={"DOWNLOAD_TIMEOUT": 2, "RETRY_ENABLED": False})
    assert result.returncode == 0, result.log[-3000:]
    assert not [k for k in result.stats if k.startswith("playwright/")]
    assert "scrapy-playwright" not in result.log and "Browser chromium launched" not in result.log
    assert result.stats.get("newsbot/article_pages") == 3
    # Without JavaScript the article text is simply not there.
    assert not any(KUTUPHANE in i["text"] or BISIKLET in i["text"] for i in result.items)
