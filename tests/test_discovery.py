"""Crawls of the two fixture templates (tests/fixtures/fields): every article found from the home page
(learned from the site's feed on one, URL-shape features on the other; section pages followed one level, tag
pages not) and from the sitemap; soft 404s,
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
    assert site.hits.get("/etiket/kayseri/") is None  # a tag page is not followed; a section is, once
    assert site.hits.get("/gundem/") == 1 and result.stats.get("newsbot/discovery/sections_followed") >= 1
    by_path = {i["url"].removeprefix(site.base): i for i in result.items}
    assert by_path["/asayis/talas-ta-hirsizlik-supheli-yakalandi-30113h.htm"]["editor"] == "Ayla Demir"


def test_home_page_without_feed_uses_url_shape(site_factory, crawl):
    site = site_factory(FIXTURES / "portal")
    # Sections off: this fixture's category page teases two stories it does not serve (sections are followed in
    # the other home-page tests here); the setting is honoured.
    result = crawl("news", "-a", f"url={site.url('/')}", "-a", "source=portal", "-s", "NEWSBOT_MAX_SECTIONS=0")
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


def _page(title: str, links: list[tuple[str, str]], text: str = "") -> tuple[int, dict, bytes]:
    anchors = "".join(f"<li><a href='{href}'>{label}</a></li>" for href, label in links)
    return 200, {"Content-Type": "text/html; charset=utf-8"}, (
        f"<html><head><title>{title}</title></head><body><ul>{anchors}</ul><h1>{title}</h1>{text}</body></html>"
    ).encode()


_STORY = "<p>" + "Kentte yapılan çalışmalar önümüzdeki hafta da sürecek ve yeni bölümler açılacak. " * 4 + "</p>"


def test_articles_two_clicks_away_are_found_through_their_section_not_through_a_tag(site_factory, crawl):
    """The home page links to sections and a tag page only; each article is on its section's listing (one on a
    bare section, one under a category path, one of a legacy "?id=" category) — and one only on the tag page,
    which is not followed."""
    site = site_factory(None)
    articles = {"/gundem/belediye-yeni-parki-acti-bir-iki-40001": "Belediye yeni parkı açtı",
                "/spor/yerel-takim-deplasmanda-kazandi-40002": "Yerel takım deplasmanda kazandı",
                "/ekonomi/ihracat-kasimda-yuzde-on-artti-40003": "İhracat kasımda yüzde on arttı"}
    paths = list(articles)
    site.routes.update({
        "/": lambda h: _page("Kent Haber", [("/gundem/", "Gündem"), ("/kategori/spor/", "Spor"),
                                            ("/kategori.asp?id=4", "Ekonomi"), ("/etiket/park/", "park")]),
        "/gundem/": lambda h: _page("Gündem", [(paths[0], articles[paths[0]])]),
        "/kategori/spor/": lambda h: _page("Spor", [(paths[1], articles[paths[1]])]),
        "/kategori.asp": lambda h: _page("Ekonomi", [(paths[2], articles[paths[2]])]),
        "/etiket/park/": lambda h: _page("park", [("/gundem/etikette-kalan-haber-basligi-40004", "Etikette kalan")]),
        **{path: (lambda h, t=title: _page(t, [], _STORY)) for path, title in articles.items()},
    })
    result = crawl("news", "-a", f"url={site.url('/')}", "-a", "source=kent")
    assert result.returncode == 0, result.log[-2000:]
    assert _paths(result, site.base) == set(articles)
    assert result.stats.get("newsbot/discovery/sections_followed") == 3
    assert not site.hits.get("/etiket/park/")
