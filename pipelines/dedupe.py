"""Dedupe pipeline (after validation, before storage): one article per canonical URL, revisions counted,
and a story_id for every article.

1. URL: a second item with a canonical URL already seen in this run (two request URLs whose pages
   name the same <link rel=canonical>) is dropped — stat `newsbot/dropped/duplicate_url`.
2. Revision: when the stored document of this canonical URL has another content hash, the document
   gets revision + 1, previous_content_hash and revised_at (newsbot.story_store.record_revision) —
   stat `newsbot/dedupe/revised`; the item's updated_at is filled in if the page gave none.
3. Story: MinHash LSH against the signatures in the store (newsbot.stories), story_id set on the
   item, the `stories` document created or given this outlet — stats `newsbot/dedupe/new_story`,
   `newsbot/dedupe/joined_story`.

If the store cannot be reached, the run goes on: stories are clustered within the run only
(stat `newsbot/dedupe/store_error`), and revisions are not counted.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy.exceptions import DropItem

from newsbot.stories import MemoryIndex, StoryClusterer, StoryParams, to_utc_naive
from newsbot.story_store import (
    StoreIndex,
    ensure_story_indexes,
    open_database,
    purge_signatures,
    record_revision,
    record_story,
    utcnow_naive,
)
from newsbot.urls import canonical_url

logger = logging.getLogger(__name__)


class DedupePipeline:
    def __init__(self, settings, stats=None) -> None:
        self.settings = settings
        self.stats = stats
        self.params = StoryParams.from_settings(settings)
        self.client = None
        self.db = None
        self.clusterer: StoryClusterer | None = None
        self.seen_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings, crawler.stats)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    def open_spider(self, spider=None):
        try:
            self.client, self.db = open_database(self.settings)
            ensure_story_indexes(self.db)
            purge_signatures(self.db, utcnow_naive() - timedelta(days=self.params.signature_days))
            index = StoreIndex(self.db)
        except Exception as exc:  # the store being down must not stop the crawl
            self._store_failed(exc)
            index = MemoryIndex()
        self.clusterer = StoryClusterer(index, self.params)

    def close_spider(self, spider=None):
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
        self.client = self.db = None

    def _store_failed(self, exc: Exception) -> None:
        logger.warning("dedupe: store unavailable, clustering within this run only: %s", exc)
        self._inc("newsbot/dedupe/store_error")
        self.db = None
        if self.clusterer is not None:
            self.clusterer.index = MemoryIndex()

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        key = adapter.get("canonical_url") or canonical_url(adapter.get("url") or "")
        if key in self.seen_urls:
            self._inc("newsbot/dropped/duplicate_url")
            raise DropItem(f"duplicate_url: {key} (from {adapter.get('url')})")
        self.seen_urls.add(key)
        now = utcnow_naive()
        if self.db is not None:
            try:
                if record_revision(self.db, key, adapter.get("content_hash") or "", now) is not None:
                    self._inc("newsbot/dedupe/revised")
                    if not adapter.get("updated_at"):
                        adapter["updated_at"] = adapter.get("fetched_at") or now.isoformat() + "+00:00"
            except PyMongoError as exc:
                self._store_failed(exc)
        published = to_utc_naive(adapter.get("published_at"))
        lead, body = adapter.get("lead") or "", adapter.get("body") or []
        where = {"published_at": published, "now": now, "site": adapter.get("site") or "", "url": key}
        try:
            result = self.clusterer.assign(key, lead, body, **where)
        except PyMongoError as exc:
            self._store_failed(exc)
            result = self.clusterer.assign(key, lead, body, **where)
        self._inc("newsbot/dedupe/new_story" if result.new_story else "newsbot/dedupe/joined_story")
        if self.db is not None:
            try:
                record_story(self.db, result.story_id, site=adapter.get("site") or "", url=key,
                             title=adapter.get("title") or "", agency=adapter.get("agency"),
                             published_at=published, now=now)
            except PyMongoError as exc:
                self._store_failed(exc)
        return with_story_id(item, result.story_id)


def with_story_id(item, story_id: str):
    """The item with its story_id: set on the item when its class has the field, else the item as a dict
    with story_id added (the store and the feed exports take either)."""
    adapter = ItemAdapter(item)
    if "story_id" in adapter.field_names() or isinstance(item, dict):
        adapter["story_id"] = story_id
        return item
    return {**adapter.asdict(), "story_id": story_id}
