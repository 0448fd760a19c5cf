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
    # A one-word menu link and a category link are no articles: each read once, as a section (for its links).
    assert demo_site.hits.get("/iletisim.html") == 1 and demo_site.hits.get("/kategori/siyaset.html") == 1
    assert result.stats.get("newsbot/discovery/sections_followed") == 2


def test_dead_start_point_is_counted_not_fatal(demo_site, crawl):
    result = crawl("news", "-a", f"url={demo_site.url('/yok.xml')}")
    assert result.stats["finish_reason"] == "finished"
    assert result.returncode == 1  # the crawl ends normally; run health fails it (every response a 404)
    assert result.stats.get("newsbot/fetch_failed/http_404") == 1
    assert result.items == []


def test_sitemap_index_children_are_fetched_one_after_another(site_factory, crawl):
    """A child sitemap is requested only once the previous child's article requests have left the
    scheduler (all but the few the downloader holds), so the scheduler holds one child's URLs at a time;
    a missing child does not end the chain."""
    from newsbot.demo.generated import generated_article

    site = site_factory(None)
    order: list[str] = []
    per_child, concurrency = 20, 2

    def logged(path: str, status: int, ctype: str, body: bytes):
        def route(handler):
            order.append(path)
            return status, {"Content-Type": ctype}, body
        return route

    children = ["/s1.xml", "/s-yok.xml", "/s2.xml", "/s3.xml"]
    articles: dict[str, list[str]] = {}
    for n, child in enumerate(c for c in children if c != "/s-yok.xml"):
        paths = [f"/haber/harita-{n}-{i}-{1000 + 100 * n + i}.html" for i in range(per_child)]
        articles[child] = paths
        urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
        site.routes[child] = logged(child, 200, "application/xml",
                                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
                                    .encode())
        for i, path in enumerate(paths):
            site.routes[path] = logged(path, 200, "text/html; charset=utf-8",
                                       generated_article(100 * n + i, f"Harita haberi {n}"))
    site.routes["/s-yok.xml"] = logged("/s-yok.xml", 404, "text/html", b"yok")
    index = "".join(f"<sitemap><loc>{site.url(c)}</loc></sitemap>" for c in children)
    site.routes["/sitemap.xml"] = logged("/sitemap.xml", 200, "application/xml",
                                         ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                          f"{index}</sitemapindex>").encode())

    result = crawl("news", "-a", f"url={site.url('/sitemap.xml')}", settings={
        "NEWSBOT_INCREMENTAL": False, "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency})
    assert result.returncode == 0, result.log[-2000:]
    assert result.stats.get("newsbot/fetch_failed/http_404") == 1
    assert len(result.items) == 3 * per_child
    assert [p for p in order if p.endswith(".xml")] == ["/sitemap.xml", *children]
    for previous, child in zip(children, children[1:], strict=False):
        before = set(order[: order.index(child)])
        if previous in articles:  # the previous child's articles went first, but for those in flight
            assert len(set(articles[previous]) & before) >= per_child - 2 * concurrency, (child, order)
        if child in articles:  # and none of its own articles before it was read
            assert not set(articles[child]) & before
