"""Dedupe pipeline (one item per canonical URL, revisions, story_id) and one request per article."""

from __future__ import annotations

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from newsbot.items import Article
from newsbot.store import ARTICLES, SIGNATURES, STORIES, StoreConfig, article_op, open_store
from pipelines.dedupe import DedupePipeline
from pipelines.store import take_writes
from tests.fixtures.syndication.generate import load_stories
from tests.test_incremental import DEDUPE_SETTINGS


class _Crawler:
    def __init__(self, settings):
        self.settings = settings
        self.stats = MemoryStatsCollector(self)


@pytest.fixture
def pipeline(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSBOT_MONGO_URI", raising=False)
    monkeypatch.delenv("MONGO_URI", raising=False)
    monkeypatch.delenv("NEWSBOT_MONGO_DB", raising=False)
    crawler = _Crawler(Settings({"NEWSBOT_DATA_DIR": str(tmp_path), "NEWSBOT_MONGO_DB": "t_dedupe"}))
    pipe = DedupePipeline.from_crawler(crawler)
    pipe.open_spider()
    yield pipe
    pipe.close_spider()


def _article(story: dict, url: str, site: str, **extra) -> Article:
    return Article(url=url, canonical_url=url, site=site, title=story["title"], lead=story["paragraphs"][0],
                   body=story["paragraphs"][1:], published_at=story["published"], agency=story["agency"],
                   content_hash=extra.pop("content_hash", "h1"), **extra)


def _get(item, key):
    return item[key] if isinstance(item, dict) else getattr(item, key)


def _store(pipeline):
    return open_store(StoreConfig.from_settings(pipeline.settings))


def _stored(pipeline, *items) -> None:
    """What the store stage does with items: the article, then the writes dedupe handed over with it."""
    with _store(pipeline) as store:
        for item in items:
            counts = store.write([article_op(ItemAdapter(item).asdict()), *take_writes(item)])
            assert counts.written and not counts.failed


def test_story_ids_duplicates_and_stories(pipeline):
    """Dedupe writes nothing itself: the story and the signature travel with the item to the store stage."""
    stories = {s["id"]: s for s in load_stories()}
    a = pipeline.process_item(_article(stories["yagis-ankara"], "https://aa.example/1", "aa.example"))
    _stored(pipeline, a)  # (a crawl's store stage may lag behind: recent signatures cover that, see below)
    b = pipeline.process_item(_article(stories["yagis-ankara"], "https://yerel.example/9", "yerel.example"))
    c = pipeline.process_item(_article(stories["yagis-izmir"], "https://aa.example/2", "aa.example"))
    assert _get(a, "story_id") == _get(b, "story_id") != _get(c, "story_id")
    with _store(pipeline) as store:
        assert len(store.find(SIGNATURES)) == 1 and len(store.find(STORIES)) == 1  # b and c not stored yet
    assert [op[0] for op in b._newsbot_store_writes] == [SIGNATURES, STORIES]
    _stored(pipeline, b, c)
    assert not hasattr(b, "_newsbot_store_writes")  # taken by the store stage: never exported
    with pytest.raises(DropItem):
        pipeline.process_item(_article(stories["yagis-ankara"], "https://aa.example/1", "aa.example"))
    stats = pipeline.stats.get_stats()
    assert stats["newsbot/dropped/duplicate_url"] == 1
    assert stats["newsbot/dedupe/new_story"] == 2 and stats["newsbot/dedupe/joined_story"] == 1
    with _store(pipeline) as store:
        (story,) = store.find(STORIES, _id=_get(a, "story_id"))
        assert len(store.find(SIGNATURES)) == 3
    assert story["agency"] == "AA" and story["title"] == stories["yagis-ankara"]["title"]
    assert [o["site"] for o in story["outlets"]] == ["aa.example", "yerel.example"]


def test_a_signature_the_store_has_not_written_yet_still_clusters(pipeline):
    """The store stage writes in batches: until then this run's own signatures are kept in memory."""
    story = load_stories()[1]
    a = pipeline.process_item(_article(story, "https://aa.example/7", "aa.example"))
    b = pipeline.process_item(_article(story, "https://b.example/7", "b.example"))
    with _store(pipeline) as store:
        assert store.find(SIGNATURES) == []
    assert _get(a, "story_id") == _get(b, "story_id")


def test_changed_content_counts_a_revision(pipeline):
    story = load_stories()[0]
    _stored(pipeline, {"canonical_url": "https://aa.example/5", "content_hash": "old"})
    item = pipeline.process_item(_article(story, "https://aa.example/5", "aa.example", content_hash="new",
                                          fetched_at="2026-10-05T10:00:00+00:00"))
    _stored(pipeline, item)
    with _store(pipeline) as store:
        (doc,) = store.find(ARTICLES, canonical_url="https://aa.example/5")
    assert doc["revision"] == 2 and doc["previous_content_hash"] == "old"
    assert _get(item, "updated_at") == "2026-10-05T10:00:00+00:00"
    assert pipeline.stats.get_value("newsbot/dedupe/revised") == 1


def test_store_down_still_gives_story_ids(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBOT_MONGO_URI", "mongodb://127.0.0.1:9/")  # nothing listens on port 9
    crawler = _Crawler(Settings({"NEWSBOT_DATA_DIR": str(tmp_path), "NEWSBOT_MONGO_TIMEOUT_MS": 200}))
    pipe = DedupePipeline.from_crawler(crawler)
    pipe.open_spider()
    story = load_stories()[0]
    a = pipe.process_item(_article(story, "https://aa.example/1", "aa.example"))
    b = pipe.process_item(_article(story, "https://b.example/1", "b.example"))
    pipe.close_spider()
    assert _get(a, "story_id") == _get(b, "story_id")
    assert crawler.stats.get_value("newsbot/dedupe/store_error") >= 1


@pytest.mark.slow
def test_feed_and_listing_links_to_one_article_are_one_request(demo_site, crawl, tmp_path):
    """One source, a feed (links with utm_ parameters) and a listing (plain, AMP and #fragment links)."""
    listing = demo_site.url("/liste.html")
    links = "".join(
        f'<a href="{demo_site.url(path)}">x</a>'
        for path in ["/haber/valilikten-kuvvetli-yagis-uyarisi-3663.html#yorumlar",
                     "/amp/haber/valilikten-kuvvetli-yagis-uyarisi-3663.html",
                     "/haber/kuzey-kore-lideri-kim-rusya-disisleri-bakani-lavrovu-agirladi-3664.html",
                     "/haber/belediyeden-asfalt-calismasi-3662.html?utm_source=anasayfa"]
    )
    demo_site.routes["/liste.html"] = lambda handler: (
        200, {"Content-Type": "text/html; charset=utf-8"}, f"<html><body>{links}</body></html>".encode())
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "ikikapi.toml").write_text(
        'name = "ikikapi"\nsite = "yerel"\ndomains = ["127.0.0.1"]\n'
        f'[[start]]\nurl = "{demo_site.url("/rss.xml")}"\nkind = "feed"\n'
        f'[[start]]\nurl = "{listing}"\nkind = "listing"\n', encoding="utf-8")
    result = crawl("ikikapi", env={"NEWSBOT_SOURCES_DIRS": str(sources)}, settings=DEDUPE_SETTINGS)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats.get("newsbot/article_pages") == 3
    article_hits = {p: n for p, n in demo_site.hits.items() if "haber/" in p}
    assert all(n == 1 for n in article_hits.values()) and len(article_hits) == 3, article_hits
    assert len({i["canonical_url"] for i in result.items}) == 3 == len(result.items)
    assert all(i.get("story_id") for i in result.items)
