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
from pymongo.errors import BulkWriteError

from newsbot.store import (
    ARTICLES,
    StoreConfig,
    create_indexes,
    embedded_any_of,
    embedded_store_for,
    open_client,
    write_batch,
)

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
    create_indexes(db, STORY_INDEXES)


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


# -- batches (the dedupe pipeline's group commit: a few round trips per batch, not per article) ------
def record_revisions(db, items: Iterable[tuple[str, str, datetime]]) -> dict[str, dict]:
    """`record_revision` for many (canonical_url, content_hash, now) at once: one `$in` query for the
    stored articles, then one update per article whose words changed. Returns {canonical_url: fields}."""
    items = list(items)
    if not items:
        return {}
    stored = stored_articles(db, [key for key, _, _ in items])
    out: dict[str, dict] = {}
    for key, content_hash, now in items:
        doc = stored.get(key)
        if not doc or not doc.get("content_hash") or doc["content_hash"] == content_hash:
            continue
        fields = {
            "revision": int(doc.get("revision") or 1) + 1,
            "previous_content_hash": doc["content_hash"],
            "revised_at": now or utcnow_naive(),
        }
        db[ARTICLES].update_one({"canonical_url": key, "content_hash": doc["content_hash"]}, {"$set": fields})
        out[key] = fields
    return out


BAND_CHUNK = 420  # band keys per candidates query (10 articles' worth)


class BatchIndex:
    """newsbot.stories.SignatureIndex for one batch of articles: the signatures the batch can need are
    read with two queries up front (the batch's own canonical URLs, and every signature sharing a band
    key with any article of the batch), signatures added during the batch are kept in memory and seen
    by the batch's later articles, and `flush()` writes them with one bulk write. The answers are those
    StoreIndex would give article by article (the store does not change under the batch but for this
    process's own writes)."""

    def __init__(self, db, keys: list[str], bands: Iterable[str], not_before: datetime) -> None:
        self.collection = db[SIGNATURES]
        keys = list(dict.fromkeys(keys))
        bands = list(dict.fromkeys(bands))
        self.known = {d["_id"]: d for d in self.collection.find({"_id": {"$in": keys}}, {"bands": 0})} if keys else {}
        self.docs: dict[str, dict] = {}  # candidates read from the store, then this batch's signatures
        self.by_band: dict[str, list[str]] = {}
        any_of = embedded_any_of(self.collection)
        for start in range(0, len(bands), BAND_CHUNK):  # bounded queries: a server without indexes scans
            chunk = bands[start:start + BAND_CHUNK]
            found = any_of("bands", chunk) if any_of else None
            if found is not None:  # the embedded store, without mongomock's O(values × bands) `$in` test
                found = [doc for doc in found
                         if isinstance(doc.get("seen_at"), datetime) and doc["seen_at"] >= not_before]
            else:
                found = self.collection.find({"bands": {"$in": chunk}, "seen_at": {"$gte": not_before}})
            for doc in found:
                if doc["_id"] not in self.docs:
                    self._index(doc)
        self.added: dict[str, dict] = {}

    def _index(self, doc: dict) -> None:
        for band in doc.get("bands") or ():
            self.by_band.setdefault(band, []).append(doc["_id"])
        self.docs[doc["_id"]] = doc

    def get(self, key: str) -> dict | None:
        return self.added.get(key) or self.known.get(key)

    def candidates(self, bands: list[str], not_before: datetime) -> Iterable[dict]:
        wanted = set(bands)
        ids = set(i for band in bands for i in self.by_band.get(band, ()))
        if len(ids) > 1:  # the store's order (then the batch's additions), as a query would give them
            position = {k: n for n, k in enumerate(self.docs)}
            ids = sorted(ids, key=position.__getitem__)
        found = []
        for i in ids:
            doc = self.docs[i]
            if wanted.isdisjoint(doc.get("bands") or ()) or doc["seen_at"] < not_before:
                continue  # an added signature replaced the stored one with other bands / out of the window
            found.append({k: v for k, v in doc.items() if k != "bands"})
        return found

    def add(self, doc: dict) -> None:
        self.added[doc["_id"]] = doc
        old = self.docs.get(doc["_id"])
        self.docs[doc["_id"]] = doc  # an upsert: a stored signature keeps its place
        for band in doc.get("bands") or ():
            if old is None or band not in (old.get("bands") or ()):
                self.by_band.setdefault(band, []).append(doc["_id"])

    def flush(self) -> int:
        """Write the batch's signatures (the upserts StoreIndex.add makes)."""
        if not self.added:
            return 0
        # One update per signature, not one bulk write: FerretDB 1.24 (SQLite) was seen to hang on long
        # multi-statement writes running beside the store writer's bulk upserts.
        upserts = self.added
        embedded = embedded_store_for(self.collection)
        with write_batch(self.collection):  # embedded store: one commit for the batch
            if embedded is not None:
                upserts = self._insert_new(embedded)
            ops = [({"_id": key}, {"$set": {k: v for k, v in doc.items() if k != "_id"}}, True)
                   for key, doc in upserts.items()]
            _update_in_order(self.collection, ops, embedded)
        written, self.added = len(self.added), {}
        return written

    def _insert_new(self, embedded) -> dict[str, dict]:
        """Embedded store: insert the signatures that were not stored when the batch began (most of them)
        — an upsert first queries, copies and applies the update — and return the rest (stored before,
        or stored meanwhile by another process: the insert refuses them) to be upserted. The insert is
        embedded_store.insert_new (one INSERT per table, ~10× cheaper than mongomock's document-by-document
        insert_many), or insert_many where that does not apply."""
        fresh = [doc for key, doc in self.added.items() if key not in self.known]
        taken: set[str] = set()
        if fresh:
            refused = embedded.insert_new(self.collection, [dict(doc) for doc in fresh])
            if refused is None:
                try:
                    self.collection.insert_many([dict(doc) for doc in fresh], ordered=False)
                except BulkWriteError as exc:
                    errors = (exc.details or {}).get("writeErrors") or []
                    if any(err.get("code") != 11000 for err in errors):
                        raise
                    refused = [err["index"] for err in errors]
            taken = {fresh[n]["_id"] for n in refused or ()}
        return {key: doc for key, doc in self.added.items() if key in self.known or key in taken}


def story_ops(story_id: str, *, site: str, url: str, title: str = "", agency: str | None = None,
              published_at: datetime | None = None, now: datetime | None = None) -> list[tuple[dict, dict, bool]]:
    """The updates `record_story` makes, as (filter, update, upsert), to be written in order."""
    now = now or utcnow_naive()
    on_insert: dict = {"story_id": story_id, "first_seen": now, "title": title, "outlets": [], "outlet_count": 0}
    update: dict = {"$setOnInsert": on_insert, "$max": {"last_seen": now}}
    if published_at is not None:
        update["$min"] = {"first_published_at": published_at}
    ops = [({"_id": story_id}, update, True),
           ({"_id": story_id, "outlets.url": {"$ne": url}},
            {"$push": {"outlets": {"site": site, "url": url, "published_at": published_at}},
             "$inc": {"outlet_count": 1}}, False)]
    if agency:
        ops.append(({"_id": story_id, "agency": {"$in": [None, ""]}}, {"$set": {"agency": agency}}, False))
    return ops


def record_stories(db, ops: list[tuple[dict, dict, bool]]) -> None:
    """Write `story_ops` of many articles in order (create, then add): on MongoDB one update each (see
    BatchIndex.flush); on the embedded store each story read once, updated in memory and written once."""
    stories = db[STORIES]
    with write_batch(stories):  # embedded store: one commit for the batch
        _update_in_order(stories, ops, embedded_store_for(stories))


def _update_in_order(collection, ops: list[tuple[dict, dict, bool]], embedded) -> None:
    """update_one for each op in order. On the embedded store embedded_store.update_by_id makes them
    in one write transaction with mongomock's result (documents, index rows); where it cannot promise
    that (an op outside its shapes, an update mongomock refuses) it writes nothing and the updates go
    one by one, which gives mongomock's result or error."""
    if not ops or (embedded is not None and embedded.update_by_id(collection, ops)):
        return
    for query, update, upsert in ops:
        collection.update_one(query, update, upsert=upsert)
