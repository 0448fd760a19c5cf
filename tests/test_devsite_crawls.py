"""Crawls of the dev-set templates served as whole sites (tests/fixtures/devsites/served.py: no feed, a sitemap
index named by robots.txt with a category sitemap first, section listing pages, a soft 404 at an
article-shaped URL). From the home page, every article is found — the article URL shape learned from the
sitemaps, which is the only way on the legacy site's `/haber.asp?id=N` — and each section page is read once;
from the sitemap index, the hostile cases are handled: section pages (by their URL, never fetched) and the
soft 404 are counted by reason and never stored, and the pages with deeply nested markup, an unclosed
<script>, a stray undecodable byte or mojibake are stored whole and clean."""

from __future__ import annotations

import sys

import pytest

from newsbot.article_urls import looks_like_article
from newsbot.extract.scoring import score
from tests.plugin_sites import ROOT

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "devsites"))
import served as devsite  # noqa: E402  (tests/fixtures/devsites/served.py)

TEMPLATES = sorted({t["template"] for t in devsite.TRUTH["articles"].values()})
# Pages with broken input (see build.py): they must be stored whole, without U+FFFD.
BROKEN = {"byline/s12.html": "deeply nested markup, unclosed <font>", "byline/s08.html": "unclosed <script>",
          "byline/s02.html": "a stray undecodable byte", "legacy/s02.html": "unclosed <script>",
          "minicms/s08.html": "a mojibake paragraph", "portal/s10.html": "a mojibake paragraph"}


def _serve(site_factory, template: str):
    site = site_factory(None)
    site.routes.update({path: (lambda handler, answer=answer: answer)
                        for path, answer in devsite.routes(template, site.base).items()})
    return site


def _stored(result, base: str) -> dict[str, dict]:
    return {item["url"].removeprefix(base): item for item in result.items}


@pytest.mark.parametrize("template", ["legacy", "minicms", "wpress"])
def test_home_page_without_feed_learns_the_article_shape_from_the_sitemaps(site_factory, crawl, template):
    site = _serve(site_factory, template)
    result = crawl("news", "-a", f"url={site.url('/')}", "-a", f"source=dev_{template}")
    assert result.returncode == 0, result.log[-2000:]
    articles = devsite.articles(template)
    assert set(_stored(result, site.base)) == set(articles)  # every article, nothing else
    assert result.stats.get("newsbot/discovery/learned_from") == "sitemap"
    assert result.stats.get("newsbot/discovery/learned_shapes") == 1
    # robots.txt (it names the sitemap index) is downloaded once: Scrapy's robots middleware fetched it,
    # the spider's read of its Sitemap: lines reuses that answer (newsbot/crawl/robots_memo.py).
    assert site.hits.get("/robots.txt") == 1
    assert result.stats.get("newsbot/robots_txt/reused") == 1
    # Each section page is read once for its articles (its pager is not followed), and never stored.
    assert all(site.hits.get(path.split("?")[0]) == 1 for path in devsite.sections(template))
    assert result.stats.get("newsbot/skipped/not_article/soft_404") == 1  # linked from home, same URL shape
    if template == "legacy":  # URL-shape features alone find none of these: only the learned shape does
        assert not any(looks_like_article(site.url(path)) for path in articles)


def test_without_robots_obey_the_spider_fetches_robots_txt_once_for_its_sitemaps(site_factory, crawl):
    site = _serve(site_factory, "minicms")
    result = crawl("news", "-a", f"url={site.url('/')}", "-a", "source=dev_minicms",
                   settings={"ROBOTSTXT_OBEY": "False"})
    assert result.returncode == 0, result.log[-2000:]
    assert site.hits.get("/robots.txt") == 1
    assert result.stats.get("newsbot/discovery/learned_from") == "sitemap"
    assert set(_stored(result, site.base)) == set(devsite.articles("minicms"))
    assert "newsbot/robots_txt/reused" not in result.stats


def test_a_redirected_robots_txt_is_fetched_once_too(site_factory, crawl):
    site = _serve(site_factory, "wpress")
    site.routes["/robots-moved.txt"] = site.routes["/robots.txt"]
    site.routes["/robots.txt"] = lambda handler: (301, {"Location": site.url("/robots-moved.txt")}, b"")
    result = crawl("news", "-a", f"url={site.url('/')}", "-a", "source=dev_wpress")
    assert result.returncode == 0, result.log[-2000:]
    assert (site.hits.get("/robots.txt"), site.hits.get("/robots-moved.txt")) == (1, 1)
    assert result.stats.get("newsbot/discovery/learned_from") == "sitemap"  # the moved file's Sitemap: line


@pytest.mark.parametrize("template", TEMPLATES)
def test_sitemap_crawl_counts_non_articles_and_stores_broken_pages_whole(site_factory, crawl, template):
    site = _serve(site_factory, template)
    result = crawl("news", "-a", f"url={site.url('/sitemap_index.xml')}", "-a", f"source=dev_{template}")
    assert result.returncode == 0, result.log[-2000:]
    articles = devsite.articles(template)
    stored = _stored(result, site.base)
    assert set(stored) == set(articles)
    skipped = {k.removeprefix("newsbot/skipped/not_article/"): v for k, v in result.stats.items()
               if k.startswith("newsbot/skipped/not_article/")}
    assert skipped == {"soft_404": 1}
    # The section pages the sitemap lists are known by their URL: counted, never fetched.
    assert result.stats.get("newsbot/skipped/sitemap_listing_url") == len(devsite.sections(template))
    assert not any(site.hits.get(path.split("?")[0]) for path in devsite.sections(template))
    for path, truth in articles.items():
        item = stored[path]
        name = f"{template}/{truth['file'].name}"
        assert "\ufffd" not in item["text"] and "Ã" not in item["text"], name
        f1 = score("\n\n".join([truth["lead"], *truth["body"]]), item["text"]).f1
        assert f1 >= 0.98, (name, BROKEN.get(name), f1)
