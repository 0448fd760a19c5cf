"""Discovery: feeds, listings, generated spiders, and bad start points."""

from __future__ import annotations

import subprocess
import sys

from tests.plugin_sites import ROOT


def test_scrapy_list_has_generic_and_configured_spiders():
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert set(out.stdout.split()) >= {"news", "aa", "iha", "dha"}


def test_feed_crawl_fetches_each_article_once(demo_site, crawl):
    result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}", "-a", "source=yerel")
    assert result.returncode == 0, result.log[-2000:]
    assert result.stats.get("newsbot/start/feed") == 1
    assert result.stats.get("newsbot/article_pages") == 3
    assert sorted(i["title"] for i in result.items) == [
        "Belediyeden mahallelerde asfalt çalışması",
        "Kuzey Kore lideri Kim, Rusya Dışişleri Bakanı Lavrov’u ağırladı",
        "Valilikten kuvvetli yağış uyarısı",
    ]
    # The feed's utm_ parameters are not part of the stored identity.
    assert all("utm_" not in i["canonical_url"] for i in result.items)
    assert {i["source"] for i in result.items} == {"yerel"}


def test_listing_page_follows_article_links_only(demo_site, crawl):
    result = crawl("news", "-a", f"url={demo_site.url('/index.html')}")
    assert result.returncode == 0, result.log[-2000:]
    assert result.stats.get("newsbot/start/listing") == 1
    assert result.stats.get("newsbot/article_pages") == 3
    assert demo_site.hits.get("/iletisim.html") is None  # a menu link is not an article


def test_dead_start_point_is_counted_not_fatal(demo_site, crawl):
    result = crawl("news", "-a", f"url={demo_site.url('/yok.xml')}")
    assert result.returncode == 0
    assert result.stats.get("newsbot/fetch_failed/http_404") == 1
    assert result.items == []
