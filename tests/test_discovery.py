"""Crawls of the two fixture templates (tests/fixtures/fields): every article found from the home page
(learned from the site's feed on one, URL-shape features on the other) and from the sitemap; soft 404s,
listings and galleries counted by reason and never stored; a sitemap's section, category and tag URLs never
fetched."""

from __future__ import annotations

import tomllib

from tests.test_page_fields import FIXTURES

TRUTH = tomllib.loads((FIXTURES / "truth.toml").read_text(encoding="utf-8"))


def _articles(template: str) -> set[str]:
    return {"/" + p.split("/", 1)[1] for p in TRUTH["articles"] if p.startswith(template + "/")}


def _paths(result, base: str) -> set[str]:
    return {i["url"].removeprefix(base) for i in result.items}


def test_home_page_with_feed_learns_the_article_shape(site_factory, crawl):
    site = site_factory(FIXTURES / "yerel")
    result = crawl("news", "-a", f"url={site.url('/')}", "-a", "source=yerel")
    assert result.returncode == 0, result.log[-2000:]
    assert _paths(result, site.base) == _articles("yerel")  # the feed has 2 of the 4: the rest by learned shape
    assert result.stats.get("newsbot/discovery/learned_shapes") == 1
    assert site.hits.get("/etiket/kayseri/") is None and site.hits.get("/gundem/") is None
    by_path = {i["url"].removeprefix(site.base): i for i in result.items}
    assert by_path["/asayis/talas-ta-hirsizlik-supheli-yakalandi-30113h.htm"]["editor"] == "Ayla Demir"


def test_home_page_without_feed_uses_url_shape(site_factory, crawl):
    site = site_factory(FIXTURES / "portal")
    result = crawl("news", "-a", f"url={site.url('/')}", "-a", "source=portal")
    assert result.returncode == 0, result.log[-2000:]
    assert _paths(result, site.base) == _articles("portal")
    assert not any(site.hits.get(p) for p in ("/etiket/ankara/", "/kategori/spor/", "/kunye.html"))


def test_sitemap_non_articles_are_counted_by_reason_never_stored(site_factory, crawl):
    site = site_factory(FIXTURES / "portal")
    result = crawl("news", "-a", f"url={site.url('/sitemap.xml')}", "-a", "source=portal")
    assert result.returncode == 0, result.log[-2000:]
    assert _paths(result, site.base) == _articles("portal")
    assert {k: v for k, v in result.stats.items() if k.startswith("newsbot/skipped/not_article/")} == {
        "newsbot/skipped/not_article/gallery": 1,
        "newsbot/skipped/not_article/soft_404": 1,
    }
    # The category and tag pages the sitemap lists are known by their URL: counted, never even fetched.
    assert result.stats.get("newsbot/skipped/sitemap_listing_url") == 2
    assert not site.hits.get("/kategori/spor/") and not site.hits.get("/etiket/ankara/")
    assert {i["agency"] for i in result.items} == {"İHA", "AA", "DHA", None}
