"""The production store: MongoDB through pymongo (FerretDB in the tests and CI).

Dates are BSON datetimes (UTC; read back tz-aware). One unordered bulk write per collection and batch
(articles, signatures, runs); a batch's story updates go as one ordered bulk write, each story created
before outlets are added to it. Indexes by name (part of the schema, README "Storage").
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import datetime
from typing import Any

import pymongo
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError, PyMongoError

from newsbot.store.base import SEEN_FIELDS, Store
from newsbot.store.config import StoreConfig, StoreError, install_log_masking, mask, mask_uri, short_error, uri_options
from newsbot.store.documents import (
    ARTICLES,
    LEARNED_CHROME,
    RUNS,
    SIGNATURES,
    STORIES,
    Op,
    WriteCounts,
    by_collection,
    learned_chrome_state,
    revision_fields,
)

INDEXES: dict[str, list[tuple[str, list[tuple[str, int]], dict]]] = {
    ARTICLES: [
        ("canonical_url_unique", [("canonical_url", ASCENDING)], {"unique": True}),
        ("source_published_at", [("source", ASCENDING), ("published_at", DESCENDING)], {}),
        ("agency_published_at", [("agency", ASCENDING), ("published_at", DESCENDING)], {}),
        ("site_fetched_at", [("site", ASCENDING), ("fetched_at", DESCENDING)], {}),
    ],
    RUNS: [
        ("source_started_at", [("source", ASCENDING), ("started_at", DESCENDING)], {}),
        ("started_at", [("started_at", DESCENDING)], {}),
    ],
    SIGNATURES: [
        ("bands", [("bands", ASCENDING)], {}),
        ("seen_at", [("seen_at", DESCENDING)], {}),
    ],
    STORIES: [
        ("first_seen", [("first_seen", DESCENDING)], {}),
        ("agency_first_seen", [("agency", ASCENDING), ("first_seen", DESCENDING)], {}),
    ],
}
# Write errors that another attempt cannot fix (bad document, too large, …): rejected, not retried.
PERMANENT_WRITE_ERRORS = {2, 10334, 17419, 16837, 52, 56, 57, 9}
BAND_CHUNK = 420  # band keys per query (10 articles' worth): a server without the index scans per query


def client_for(config: StoreConfig, **client_kwargs: Any) -> pymongo.MongoClient:
    """A pymongo client for `config.uri` with newsbot's timeouts (unless the URI sets them), tz-aware dates."""
    install_log_masking()
    options = {k.lower() for k in uri_options(config.uri)}
    kwargs: dict[str, Any] = {"appname": "newsbot", "tz_aware": True, **client_kwargs}
    for key, value in (("serverSelectionTimeoutMS", config.timeout_ms), ("connectTimeoutMS", config.timeout_ms),
                       ("socketTimeoutMS", max(config.timeout_ms * 10, 30000))):
        if key.lower() not in options:
            kwargs[key] = value
    try:
        return pymongo.MongoClient(config.uri, **kwargs)
    except PyMongoError as exc:
        raise StoreError(f"cannot use MongoDB {mask_uri(config.uri)}: {mask(exc)}") from None


class MongoStore(Store):
    def __init__(self, config: StoreConfig, **client_kwargs: Any) -> None:
        super().__init__(config)
        config.check()
        self.client = client_for(config, **client_kwargs)
        self.db = self.client[config.db_name]

    def close(self) -> None:
        self.client.close()

    def ensure_schema(self) -> None:
        """Create the indexes the collections lack (an existing one with the same keys is left alone)."""
        for collection, indexes in INDEXES.items():
            existing = self.db[collection].index_information()
            for name, keys, options in indexes:
                have = existing.get(name)
                if (have is not None and [tuple(k) for k in have.get("key", [])] == [tuple(k) for k in keys]
                        and bool(have.get("unique")) == bool(options.get("unique"))):
                    continue
                self.db[collection].create_index(keys, name=name, **options)

    # -- writes ------------------------------------------------------------------------------------
    def write(self, ops: list[Op]) -> WriteCounts:
        counts = WriteCounts()
        groups = by_collection(ops)
        for n, (collection, group) in enumerate(groups):
            try:
                requests, ordered = self._requests(collection, [payload for _, payload in group])
                result = self.db[collection].bulk_write(requests, ordered=ordered)
                if collection == ARTICLES:
                    counts.inserted += result.upserted_count
                    counts.updated += result.matched_count
                counts.written += len(group)
            except BulkWriteError as exc:
                self._bulk_error(exc, collection, group, counts)
            except Exception as exc:  # network errors, server selection timeouts: this and the rest, later
                counts.failed_ops += [op for _, rest in groups[n:] for op in rest]
                counts.error = short_error(exc)
                break
        return counts

    def _requests(self, collection: str, payloads: list[dict]) -> tuple[list[UpdateOne], bool]:
        if collection == ARTICLES:
            urls = [p["doc"]["canonical_url"] for p in payloads]
            stored = {d["canonical_url"]: d for d in self.db[ARTICLES].find(
                {"canonical_url": {"$in": urls}}, {"canonical_url": 1, "content_hash": 1, "revision": 1})}
            requests = []
            for p in payloads:
                fields = {k: v for k, v in p["doc"].items() if k != "canonical_url"}
                fields.update(revision_fields(stored.get(p["doc"]["canonical_url"]), fields, p["last_seen"]))
                requests.append(UpdateOne({"canonical_url": p["doc"]["canonical_url"]},
                                          {"$set": fields, "$setOnInsert": {"first_seen": p["first_seen"]},
                                           "$max": {"last_seen": p["last_seen"]}}, upsert=True))
            return requests, False
        if collection == STORIES:
            return [r for p in payloads for r in _story_requests(p)], True
        if collection == LEARNED_CHROME:  # the learned keys of every crawl of the site: a set union
            return [UpdateOne({"_id": p["_id"]}, {"$set": {k: v for k, v in p.items() if k not in ("_id", "learned")},
                                                  "$addToSet": {"learned": {"$each": p["learned"]}}}, upsert=True)
                    for p in payloads], False
        return [UpdateOne({"_id": p["_id"]}, {"$set": {k: v for k, v in p.items() if k != "_id"}}, upsert=True)
                for p in payloads], False

    @staticmethod
    def _bulk_error(exc: BulkWriteError, collection: str, group: list[Op], counts: WriteCounts) -> None:
        details = exc.details or {}
        errors = details.get("writeErrors") or []
        if collection == ARTICLES:
            counts.inserted += int(details.get("nUpserted") or 0)
            counts.updated += int(details.get("nMatched") or 0)
        if collection == STORIES:  # ordered: what follows the error was not written (every story op is idempotent)
            counts.failed_ops += list(group)
        else:
            for err in errors:
                op = group[err["index"]]
                if err.get("code") in PERMANENT_WRITE_ERRORS:
                    counts.rejected_ops.append((op, err.get("errmsg", "")))
                else:
                    counts.failed_ops.append(op)
            if details.get("writeConcernErrors") and not errors:
                counts.failed_ops += list(group)
            counts.written += len(group) - len(errors)
        counts.error = mask(f"{len(errors)} write errors, first: {errors[0].get('errmsg') if errors else exc}")

    def purge_signatures(self, older_than: datetime) -> int:
        return self.db[SIGNATURES].delete_many({"seen_at": {"$lt": older_than}}).deleted_count

    # -- reads -------------------------------------------------------------------------------------
    def known_articles(self, urls: Iterable[str], seen_since: datetime | None = None) -> dict[str, dict]:
        urls = list(dict.fromkeys(urls))
        if not urls:
            return {}
        query: dict = {"canonical_url": {"$in": urls}}
        if seen_since is not None:
            query["last_seen"] = {"$gte": seen_since}
        projection = {**dict.fromkeys(SEEN_FIELDS, 1), "_id": 0}
        return {doc["canonical_url"]: doc for doc in self.db[ARTICLES].find(query, projection)}

    def urls_fetched_since(self, source: str, since: datetime) -> set[str]:
        query = {"source": source, "fetched_at": {"$gte": since}}
        cursor = self.db[ARTICLES].find(query, {"url": 1, "canonical_url": 1})
        return {u for doc in cursor for u in (doc.get("url"), doc.get("canonical_url")) if u}

    def signatures(self, keys: Iterable[str]) -> dict[str, dict]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        return {d["_id"]: d for d in self.db[SIGNATURES].find({"_id": {"$in": keys}}, {"bands": 0})}

    def signature_ids_not_of(self, scheme: str) -> list[str]:
        return [d["_id"] for d in self.db[SIGNATURES].find({"scheme": {"$ne": scheme}}, {"_id": 1})]

    def articles(self, urls: Iterable[str]) -> dict[str, dict]:
        urls = list(dict.fromkeys(urls))
        return {d["canonical_url"]: d for d in self.db[ARTICLES].find({"canonical_url": {"$in": urls}})} if urls else {}

    def signatures_by_bands(self, bands: list[str], not_before: datetime,
                            held: Container[str] = frozenset()) -> list[dict]:
        found: dict[str, dict] = {}
        bands = list(dict.fromkeys(bands))
        for start in range(0, len(bands), BAND_CHUNK):
            query = {"bands": {"$in": bands[start:start + BAND_CHUNK]}, "seen_at": {"$gte": not_before}}
            for doc in self.db[SIGNATURES].find(query):
                found.setdefault(doc["_id"], {"_id": doc["_id"]} if doc["_id"] in held else doc)
        return list(found.values())

    def published_since(self, since: datetime) -> Iterable[tuple[str, datetime]]:
        cursor = self.db[ARTICLES].find({"published_at": {"$gte": since}}, {"source": 1, "published_at": 1, "_id": 0})
        return [(doc.get("source"), doc["published_at"]) for doc in cursor]

    def article_totals(self) -> dict[str, int]:
        pipeline = [{"$group": {"_id": "$source", "n": {"$sum": 1}}}]
        return {doc["_id"]: doc["n"] for doc in self.db[ARTICLES].aggregate(pipeline)}

    def runs(self, source: str | None = None, limit: int = 0, finished: bool = False) -> list[dict]:
        query: dict = {} if source is None else {"source": source}
        if finished:
            query["status"] = "finished"
        return list(self.db[RUNS].find(query).sort("started_at", DESCENDING).limit(limit))

    def learned_chrome(self, site: str) -> dict | None:
        return learned_chrome_state(self.db[LEARNED_CHROME].find_one({"_id": site}))

    def find(self, collection: str, **equal: object) -> list[dict]:
        return list(self.db[collection].find(equal))


def _story_requests(p: dict) -> list[UpdateOne]:
    """The updates that give documents.apply_story's result: create, then add the outlet once, agency once."""
    on_insert = {"story_id": p["story_id"], "first_seen": p["now"], "title": p["title"], "outlets": [],
                 "outlet_urls": [], "outlet_count": 0}
    update: dict = {"$setOnInsert": on_insert, "$max": {"last_seen": p["now"]}}
    if p["published_at"] is not None:
        update["$min"] = {"first_published_at": p["published_at"]}
    outlet = {"site": p["site"], "url": p["url"], "published_at": p["published_at"]}
    requests = [UpdateOne({"_id": p["story_id"]}, update, upsert=True),
                # outlet_urls (strings), not outlets.url: FerretDB 1.24 matches `$ne` on a path through an array
                # of documents when ANY element differs (seen: the same outlet added twice)
                UpdateOne({"_id": p["story_id"], "outlet_urls": {"$ne": p["url"]}},
                          {"$push": {"outlets": outlet, "outlet_urls": p["url"]}, "$inc": {"outlet_count": 1}})]
    if p["agency"]:
        requests.append(UpdateOne({"_id": p["story_id"], "agency": {"$in": [None, ""]}},
                                  {"$set": {"agency": p["agency"]}}))
    return requests
