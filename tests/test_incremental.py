"""Incremental crawling: a stored article is not downloaded again, unless its feed says it changed."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from newsbot import settings as project_settings
from newsbot.crawl.incremental import parse_lastmod
from newsbot.demo.server import DEMO_SITE
from newsbot.store import ARTICLES, STORIES

pytestmark = pytest.mark.slow

# The lines newsbot/settings.py gets for this feature (see the report); passed with -s until then.
DEDUPE_SETTINGS = {
    "SPIDER_MIDDLEWARES": json.dumps({"newsbot.crawl.incremental.IncrementalMiddleware": 100}),
    "ITEM_PIPELINES": json.dumps({**project_settings.ITEM_PIPELINES, "pipelines.dedupe.DedupePipeline": 300}),
    "REQUEST_FINGERPRINTER_CLASS": "newsbot.urls.CanonicalRequestFingerprinter",
}
CHANGED = ["valilikten-kuvvetli-yagis-uyarisi-3663", "belediyeden-asfalt-calismasi-3662"]


def _change_article(root, slug: str, when: datetime) -> None:
    page = root / "haber" / f"{slug}.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace("<p>", "<p>Güncelleme: yetkililer yeni bir açıklama yaptı ve ayrıntılar paylaşıldı. ", 1)
    page.write_text(html, encoding="utf-8")
    feed = root / "rss.xml"
    xml = feed.read_text(encoding="utf-8")
    item = re.search(r"<item>(?:(?!</item>).)*" + re.escape(slug) + r".*?</item>", xml, re.S).group(0)
    new_item = re.sub(r"<pubDate>.*?</pubDate>", f"<pubDate>{format_datetime(when)}</pubDate>", item)
    feed.write_text(xml.replace(item, new_item), encoding="utf-8")


def test_second_run_fetches_nothing_third_run_only_the_changed(store_backend, site_factory, crawl, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(DEMO_SITE, root)
    site = site_factory(root)
    args = ("-a", f"url={site.url('/rss.xml')}", "-a", "source=yerel")

    def run():
        result = crawl("news", *args, env=store_backend.env, settings=DEDUPE_SETTINGS)
        assert result.returncode == 0, result.log[-3000:]
        return result

    first = run()
    assert first.stats.get("newsbot/article_pages") == 3
    assert first.stats.get("newsbot/incremental/new") == 3
    with store_backend.store() as store:
        before = {d["canonical_url"]: d for d in store.find(ARTICLES)}
    assert len(before) == 3
    hits_after_first = {p: n for p, n in site.hits.items() if p.startswith("/haber/")}

    second = run()
    assert not second.stats.get("newsbot/article_pages")  # 0 article pages downloaded
    assert second.stats.get("newsbot/incremental/skipped_seen") == 3
    assert {p: n for p, n in site.hits.items() if p.startswith("/haber/")} == hits_after_first

    for slug in CHANGED:
        _change_article(root, slug, datetime.now(timezone.utc))
    third = run()
    assert third.stats.get("newsbot/article_pages") == 2
    assert third.stats.get("newsbot/incremental/refetch_changed") == 2
    assert third.stats.get("newsbot/incremental/skipped_seen") == 1
    assert third.stats.get("newsbot/dedupe/revised") == 2
    assert {p for p, n in site.hits.items() if p.startswith("/haber/") and n > hits_after_first.get(p, 0)} == {
        f"/haber/{slug}.html" for slug in CHANGED
    }
    with store_backend.store() as store:
        after = {d["canonical_url"]: d for d in store.find(ARTICLES)}
        stories = store.find(STORIES)
    assert after.keys() == before.keys()
    for url, doc in after.items():
        if any(slug in url for slug in CHANGED):
            assert doc["revision"] == 2
            assert doc["previous_content_hash"] == before[url]["content_hash"] != doc["content_hash"]
            assert doc["updated_at"]
            assert doc["story_id"] == before[url]["story_id"]  # a revision stays in its story
        else:
            assert "revision" not in doc and doc["content_hash"] == before[url]["content_hash"]
    assert len(stories) == 3  # three different stories, each once


def test_parse_lastmod_formats():
    assert parse_lastmod("Sat, 12 Jul 2025 17:12:00 +0300").isoformat() == "2025-07-12T17:12:00+03:00"
    assert parse_lastmod("2025-07-12T14:12:00Z").isoformat() == "2025-07-12T14:12:00+00:00"
    assert parse_lastmod("2025-07-12").isoformat() == "2025-07-12T00:00:00+03:00"  # no offset: Istanbul
    assert parse_lastmod("dün") is None and parse_lastmod(None) is None
