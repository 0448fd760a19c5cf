"""The embedded store's batch writes of signatures and stories (embedded_store.insert_new / update_by_id,
used by story_store.BatchIndex.flush and record_stories) store what mongomock's one-by-one path stores:
the same BSON bytes, natural order and index rows. The expected store is written by StoreIndex.add and
record_story (the generic path) into a second store, with the same inputs in the same order."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import litemongo
import pytest

from newsbot import embedded_store
from newsbot.store import StoreConfig, open_client, write_batch
from newsbot.story_store import (
    SIGNATURES,
    STORIES,
    BatchIndex,
    StoreIndex,
    ensure_story_indexes,
    record_stories,
    record_story,
    story_ops,
)

T0 = datetime(2026, 11, 28, 9, 30)
AWARE = datetime(2026, 11, 28, 12, 0, 1, 123456, tzinfo=timezone(timedelta(hours=3)))  # 09:00:01.123 UTC


@pytest.fixture
def configs(tmp_path, monkeypatch) -> tuple[StoreConfig, StoreConfig]:
    for key in ("NEWSBOT_MONGO_URI", "MONGO_URI", "NEWSBOT_MONGO_DB"):
        monkeypatch.delenv(key, raising=False)
    return StoreConfig(None, "fast", tmp_path / "fast"), StoreConfig(None, "slow", tmp_path / "slow")


def sig(key: str, story: str, bands: list[str], seen_at: datetime = T0, published_at=T0) -> dict:
    return {"_id": key, "story_id": story, "bands": bands, "minhash": bytes(range(16)), "size": 40,
            "published_at": published_at, "seen_at": seen_at, "site": key.split("/")[2], "url": key}


def article(key: str, story: str, **kw) -> dict:
    return {"story_id": story, "site": key.split("/")[2], "url": key, "title": kw.pop("title", "t " + story),
            "now": kw.pop("now", T0), **kw}


# Batches of (signatures, articles); between batches `other` writes (by another client) are made.
BATCHES: list[tuple[list[dict], list[dict]]] = [
    ([sig("https://a.com/1", "S1", ["0:a", "1:b"]), sig("https://b.com/1", "S1", ["0:a", "1:c"]),
      sig("https://c.com/1", "S2", ["0:d", "1:e"], published_at=AWARE, seen_at=AWARE)],
     [article("https://a.com/1", "S1"),                                       # new story, no agency, no date
      article("https://b.com/1", "S1", agency="AA", published_at=T0),        # joined story, agency set
      article("https://a.com/1", "S1", now=T0 + timedelta(minutes=1)),      # same URL twice: no 2nd outlet
      article("https://c.com/1", "S2", published_at=AWARE, now=AWARE)]),    # tz-aware, microseconds
    ([sig("https://a.com/1", "S1", ["0:z", "1:b", "2:y"]),                     # re-upserted with other bands
      sig("https://d.com/1", "S3", ["0:q"], published_at=None)],
     [article("https://d.com/1", "S3", now=T0 + timedelta(hours=1)),         # published_at None ...
      article("https://e.com/1", "S3", published_at=T0 - timedelta(hours=2), now=T0 + timedelta(hours=2)),  # then
      article("https://c.com/2", "S2", agency="DHA", published_at=T0 + timedelta(days=1)),  # agency filled later
      article("https://f.com/1", "S1", agency="IHA", now=T0 - timedelta(hours=1))]),  # agency kept, $max keeps
    ([sig("https://g.com/1", "S4", ["0:a", "5:x"]), sig("https://h.com/1", "S5", ["0:k"])],
     [article("https://g.com/1", "S4", agency="AA"), article("https://h.com/1", "S5"),
      article("https://h.com/2", "S5", published_at=T0)]),
]
OTHER: list[tuple[list[dict], list[dict]]] = [  # written by another client before batch n (after its reads)
    ([], []),
    ([], [article("https://x.com/1", "S4", agency="", published_at=T0)]),  # a story the next batch joins
    ([sig("https://h.com/1", "S9", ["9:old"])], []),  # a signature the batch then re-upserts
]


@pytest.fixture
def fast_calls(monkeypatch) -> list:
    """The results of the fast paths (so a test knows they ran instead of falling back)."""
    calls: list = []
    for name in ("insert_new", "update_by_id"):
        method = getattr(embedded_store.IndexedCollectionStore, name)

        def wrapper(self, *args, _method=method, _name=name):
            result = _method(self, *args)
            calls.append((_name, result))
            return result

        monkeypatch.setattr(embedded_store.IndexedCollectionStore, name, wrapper)
    return calls


def write_fast(config: StoreConfig) -> None:
    with open_client(config) as client, open_client(config) as other:
        db, odb = client[config.db_name], other[config.db_name]
        ensure_story_indexes(db)
        for (sigs, articles), (other_sigs, other_articles) in zip(BATCHES, OTHER, strict=True):
            index = BatchIndex(db, [s["_id"] for s in sigs], [b for s in sigs for b in s["bands"]], T0 - timedelta(7))
            for doc in other_sigs:
                StoreIndex(odb).add(doc)
            for a in other_articles:
                record_story(odb, a["story_id"], **_kw(a))
            for doc in sigs:
                index.add(dict(doc))
            assert index.flush() == len(sigs)
            record_stories(db, [op for a in articles for op in story_ops(a["story_id"], **_kw(a))])


def write_slow(config: StoreConfig) -> None:
    with open_client(config) as client, open_client(config) as other:
        db, odb = client[config.db_name], other[config.db_name]
        ensure_story_indexes(db)
        for (sigs, articles), (other_sigs, other_articles) in zip(BATCHES, OTHER, strict=True):
            for doc in other_sigs:
                StoreIndex(odb).add(doc)
            for a in other_articles:
                record_story(odb, a["story_id"], **_kw(a))
            for doc in sigs:
                StoreIndex(db).add(dict(doc))
            for a in articles:
                record_story(db, a["story_id"], **_kw(a))


def _kw(a: dict) -> dict:
    return {k: v for k, v in a.items() if k != "story_id"}


def dump(config: StoreConfig, collection: str) -> dict:
    """The collection file as stored: documents (bytes, natural order), index rows, pending rows."""
    with open_client(config) as client:
        store = embedded_store.indexed_store(client[config.db_name][collection])
        con = store._connection
        return {"docs": con.execute("SELECT _id, doc FROM documents ORDER BY ROWID").fetchall(),
                "rows": con.execute("SELECT path, key, doc FROM newsbot_index ORDER BY path, key, doc").fetchall(),
                "pending": con.execute("SELECT doc FROM newsbot_index_pending").fetchall()}


def test_batch_writes_store_the_bytes_and_index_rows_of_the_one_by_one_path(configs, fast_calls):
    fast, slow = configs
    write_fast(fast)
    # every batch went the fast way: insert_new (refusing h.com/1, stored meanwhile), update_by_id for the
    # signatures stored before (none in the first batch), then for the stories
    assert fast_calls == [("insert_new", []), ("update_by_id", True),
                          ("insert_new", []), ("update_by_id", True), ("update_by_id", True),
                          ("insert_new", [1]), ("update_by_id", True), ("update_by_id", True)]
    write_slow(slow)
    for collection in (SIGNATURES, STORIES):
        got, want = dump(fast, collection), dump(slow, collection)
        assert got["docs"] == want["docs"], collection
        assert got["rows"] == want["rows"], collection
        assert got["pending"] == want["pending"] == []
    with open_client(fast) as client:  # the cases the batches were built for really happened
        stories = {d["_id"]: d for d in client[fast.db_name][STORIES].find({})}
        assert [o["url"] for o in stories["S1"]["outlets"]] == ["https://a.com/1", "https://b.com/1", "https://f.com/1"]
        assert stories["S1"]["agency"] == "AA" and stories["S1"]["last_seen"] == T0 + timedelta(minutes=1)
        assert stories["S2"]["agency"] == "DHA"  # naive UTC, milliseconds: as mongomock stores it
        assert stories["S2"]["first_published_at"] == datetime(2026, 11, 28, 9, 0, 1, 123000)
        assert stories["S3"]["first_published_at"] == T0 - timedelta(hours=2) and stories["S3"]["outlet_count"] == 2
        assert stories["S4"]["outlet_count"] == 2 and stories["S4"]["agency"] == "AA"
        sigs = client[fast.db_name][SIGNATURES]
        assert sigs.find_one({"_id": "https://h.com/1"})["story_id"] == "S5"


def test_normal_queries_find_the_batch_written_documents(configs):
    fast, _ = configs
    write_fast(fast)
    with open_client(fast) as client:
        db = client[fast.db_name]
        sigs, stories = db[SIGNATURES], db[STORIES]
        assert sorted(d["_id"] for d in sigs.find({"bands": {"$in": ["0:a", "9:old"]}})) == [
            "https://b.com/1", "https://g.com/1"]  # a.com/1 lost "0:a" when re-upserted; h.com/1 lost "9:old"
        assert [d["_id"] for d in sigs.find({"bands": "0:z"})] == ["https://a.com/1"]
        assert sigs.find_one({"_id": "https://d.com/1"})["story_id"] == "S3"
        assert [d["_id"] for d in sigs.find({"seen_at": {"$lt": T0}, "bands": "0:d"})] == ["https://c.com/1"]
        assert stories.find_one({"_id": "S2"})["outlet_count"] == 2
        assert sorted(d["_id"] for d in stories.find({"agency": "AA"})) == ["S1", "S4"]
        assert [d["_id"] for d in stories.find({"first_seen": T0 + timedelta(hours=1)})] == ["S3"]


def test_update_by_id_writes_nothing_when_it_cannot_promise_mongomocks_result(configs):
    fast, _ = configs
    with open_client(fast) as client:
        coll = client[fast.db_name][STORIES]
        coll.insert_one({"_id": "S1", "n": "text", "tags": []})
        before = dump(fast, STORIES)
        for ops in ([({"_id": "S1"}, {"$addToSet": {"tags": "x"}}, False)],         # another operator
                    [({"_id": "S1", "n": 1}, {"$set": {"m": 1}}, True)],            # upsert onto a stored _id
                    [({"_id": "S2"}, {"$set": {"m": 1}}, True),
                     ({"_id": "S1"}, {"$inc": {"n": 1}}, False)],                   # mongomock refuses $inc
                    [({"_id": "S1"}, {"$set": {}}, False)],                         # empty operator
                    [({"_id": 5}, {"$set": {"m": 1}}, True)]):                      # _id not a string
            assert embedded_store.update_by_id(coll, ops) is False, ops
            assert dump(fast, STORIES) == before, ops
        with pytest.raises(Exception) as direct:  # noqa: PT011 - whatever mongomock raises ...
            coll.update_one({"_id": "S1"}, {"$inc": {"n": 1}})
        with pytest.raises(type(direct.value), match=re.escape(str(direct.value))):  # ... record_stories raises
            record_stories(client[fast.db_name], [({"_id": "S1"}, {"$inc": {"n": 1}}, False)])
        assert dump(fast, STORIES) == before


def test_insert_new_refuses_stored_and_repeated_ids_like_insert_many(configs):
    fast, _ = configs
    with open_client(fast) as client:
        coll = client[fast.db_name][SIGNATURES]
        ensure_story_indexes(client[fast.db_name])
        coll.insert_one(sig("https://a.com/1", "S0", ["0:a"]))
        docs = [sig("https://b.com/1", "S1", ["0:a"]), sig("https://a.com/1", "S1", ["0:b"]),
                sig("https://b.com/1", "S2", ["0:c"])]
        with write_batch(coll):
            assert embedded_store.insert_new(coll, docs) == [1, 2]
        assert [(d["_id"], d["story_id"]) for d in coll.find({"bands": {"$in": ["0:a", "0:b", "0:c"]}})] == [
            ("https://a.com/1", "S0"), ("https://b.com/1", "S1")]
        assert embedded_store.insert_new(coll, [{"_id": "x", "$bad": 1}]) is None  # mongomock refuses: not here
        assert embedded_store.insert_new(coll, [{"bands": []}]) is None  # no _id: insert_many assigns one
    with litemongo.connect(str(fast.embedded_dir)) as plain:  # plain litemongo: not this path
        assert embedded_store.insert_new(plain[fast.db_name][SIGNATURES], docs) is None
        assert embedded_store.update_by_id(plain[fast.db_name][STORIES], [({"_id": "S"}, {"$set": {"a": 1}}, True)]) \
            is False


def test_collections_with_unique_or_ttl_indexes_keep_mongomocks_path(configs):
    fast, _ = configs
    with open_client(fast) as client:
        unique, ttl = client[fast.db_name]["u"], client[fast.db_name]["ttl"]
        unique.create_index("k", unique=True)
        ttl.create_index("at", expireAfterSeconds=60)
        for coll in (unique, ttl):
            assert embedded_store.insert_new(coll, [{"_id": "a", "k": 1}]) is None
            assert embedded_store.update_by_id(coll, [({"_id": "a"}, {"$set": {"k": 1}}, True)]) is False
            assert coll.count_documents({}) == 0
