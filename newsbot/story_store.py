"""The store side of dedupe and incremental crawling (on top of newsbot.store's connection and schema).

Collections (besides `articles`, which newsbot.store owns):
- `story_signatures`: one document per article for a recent window — _id (canonical URL), story_id,
  bands (LSH band keys, multikey index), minhash (bytes), size, published_at, seen_at (index), site,
  url. Clustering looks up band keys only; documents older than NEWSBOT_STORY_SIGNATURE_DAYS are
  ignored and purged.
- `stories`: one document per story — _id = story_id, story_id, first_seen, last_seen, agency,
  title, first_published_at, outlets [{site, url, published_at}], outlet_count.

On `articles` this module only reads (the seen-set) and, when a re-fetched article's words changed,
sets revision, previous_content_hash and revised_at on the existing document.
All datetimes are naive UTC (what pymongo and litemongo give back).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING

from newsbot.store import ARTICLES, StoreConfig, open_client

logger = logging.getLogger(__name__)

SIGNATURES = "story_signatures"
STORIES = "stories"
STORY_INDEXES = {
    SIGNATURES: [
        ("bands", [("bands", ASCENDING)], {}),
        ("seen_at", [("seen_at", DESCENDING)], {}),
    ],
    STORIES: [
        ("first_seen", [("first_seen", DESCENDING)], {}),
        ("agency_first_seen", [("agency", ASCENDING), ("first_seen", DESCENDING)], {}),
    ],
}
SEEN_FIELDS = {"canonical_url": 1, "content_hash": 1, "fetched_at": 1, "last_seen": 1, "updated_at": 1,
               "revision": 1}


def utcnow_naive() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def open_database(settings):
    """(client, db) for the crawl's store configuration; use both only in the calling thread."""
    config = StoreConfig.from_settings(settings)
    client = open_client(config)
    return client, client[config.db_name]


def ensure_story_indexes(db) -> None:
    for collection, indexes in STORY_INDEXES.items():
        for name, keys, options in indexes:
            db[collection].create_index(keys, name=name, **options)


# -- articles: the seen-set and revisions ----------------------------------------------------------
def stored_articles(db, canonical_urls: Iterable[str], seen_since: datetime | None = None) -> dict[str, dict]:
    """The stored articles among `canonical_urls` (last seen at or after `seen_since`), by canonical URL:
    one indexed query for the whole batch."""
    urls = list(dict.fromkeys(canonical_urls))
    if not urls:
        return {}
    query: dict = {"canonical_url": {"$in": urls}}
    if seen_since is not None:
        query["last_seen"] = {"$gte": seen_since}
    return {doc["canonical_url"]: doc for doc in db[ARTICLES].find(query, SEEN_FIELDS)}


def record_revision(db, canonical_url: str, content_hash: str, now: datetime | None = None) -> dict | None:
    """When the stored article's content hash differs from `content_hash`, count a revision on it:
    revision (absent = 1) + 1, previous_content_hash, revised_at. Returns the new fields, or None."""
    doc = db[ARTICLES].find_one({"canonical_url": canonical_url}, SEEN_FIELDS)
    if not doc or not doc.get("content_hash") or doc["content_hash"] == content_hash:
        return None
    fields = {
        "revision": int(doc.get("revision") or 1) + 1,
        "previous_content_hash": doc["content_hash"],
        "revised_at": now or utcnow_naive(),
    }
    db[ARTICLES].update_one({"canonical_url": canonical_url, "content_hash": doc["content_hash"]}, {"$set": fields})
    return fields


# -- signatures ------------------------------------------------------------------------------------
class StoreIndex:
    """newsbot.stories.SignatureIndex on the `story_signatures` collection."""

    def __init__(self, db) -> None:
        self.collection = db[SIGNATURES]

    def get(self, key: str) -> dict | None:
        return self.collection.find_one({"_id": key}, {"bands": 0})

    def candidates(self, bands: list[str], not_before: datetime) -> Iterable[dict]:
        return self.collection.find({"bands": {"$in": bands}, "seen_at": {"$gte": not_before}}, {"bands": 0})

    def add(self, doc: dict) -> None:
        fields = {k: v for k, v in doc.items() if k != "_id"}
        self.collection.update_one({"_id": doc["_id"]}, {"$set": fields}, upsert=True)


def purge_signatures(db, older_than: datetime) -> int:
    """Drop signatures last seen before `older_than` (they are outside every window)."""
    return db[SIGNATURES].delete_many({"seen_at": {"$lt": older_than}}).deleted_count


# -- stories ---------------------------------------------------------------------------------------
def record_story(db, story_id: str, *, site: str, url: str, title: str = "", agency: str | None = None,
                 published_at: datetime | None = None, now: datetime | None = None) -> None:
    """Create the story (first article: title, first_seen) or add this outlet to it (once per URL)."""
    now = now or utcnow_naive()
    stories = db[STORIES]
    on_insert: dict = {"story_id": story_id, "first_seen": now, "title": title, "outlets": [], "outlet_count": 0}
    update: dict = {"$setOnInsert": on_insert, "$max": {"last_seen": now}}
    if published_at is not None:
        update["$min"] = {"first_published_at": published_at}
    stories.update_one({"_id": story_id}, update, upsert=True)
    outlet = {"site": site, "url": url, "published_at": published_at}
    stories.update_one({"_id": story_id, "outlets.url": {"$ne": url}},
                       {"$push": {"outlets": outlet}, "$inc": {"outlet_count": 1}})
    if agency:
        stories.update_one({"_id": story_id, "agency": {"$in": [None, ""]}}, {"$set": {"agency": agency}})
