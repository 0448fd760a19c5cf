"""The embedded store's query index in SQLite (newsbot.embedded_store), on real stores in tmp_path:
answers equal a full scan, uniqueness holds across clients and processes, writers that do not know
the index (plain litemongo) are caught up, no index is kept in process memory."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import litemongo
import pytest
from bson import ObjectId
from litemongo._vendor.mongomock.filtering import filter_applies
from pymongo import ASCENDING, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from newsbot import embedded_store
from newsbot.store import ARTICLES, StoreConfig, ensure_indexes, open_client, write_batch, write_ops

T0 = datetime(2026, 1, 2, 3, 4, 5)


def docs() -> list[dict]:
    """Documents with every kind of value the planner keys: strings, numbers (1 == 1.0), dates, ObjectIds,
    arrays (multikey), missing fields, None, embedded documents, booleans, paths through arrays."""
    out = []
    for n in range(60):
        doc: dict = {"_id": f"d{n}", "n": n % 7, "tag": f"t{n % 5}", "at": T0 + timedelta(seconds=n % 4)}
        if n % 3 == 0:
            doc["bands"] = [f"{b}:{(n + b) % 9:04x}" for b in range(4)]
        if n % 10 == 1:
            doc["n"] = float(n % 7)  # 1.0 must match 1
        if n % 11 == 2:
            doc["tag"] = None
        if n % 13 == 3:
            doc.pop("tag")
        if n % 17 == 4:
            doc["tag"] = {"nested": "t1"}
        if n % 19 == 5:
            doc["bands"] = [{"x": 1}, "0:0005"]
        if n % 23 == 6:
            doc["n"] = True
        if n % 29 == 7:
            doc["oid"] = ObjectId(f"{n:024x}")
        out.append(doc)
    return out


QUERIES = [
    {"tag": "t1"}, {"tag": {"$in": ["t1", "t3", "nope"]}}, {"tag": {"$eq": "t2"}}, {"n": 1}, {"n": 1.0},
    {"n": {"$in": [2, 3.0]}}, {"bands": "1:0002"}, {"bands": {"$in": ["0:0000", "3:0003", "0:0005"]}},
    {"bands": {"$in": []}}, {"at": T0 + timedelta(seconds=2)}, {"tag": "t1", "n": {"$in": [1, 6]}},
    {"$and": [{"tag": {"$in": ["t0", "t4"]}}, {"bands": {"$in": ["0:0000", "0:0003"]}}]},
    {"_id": "d7"}, {"_id": {"$in": ["d1", "d30", "zz"]}}, {"_id": {"$in": ["d1", "d2"]}, "tag": "t2"},
    {"tag": None}, {"tag": {"$gte": "t2"}}, {"n": {"$gt": 3}}, {"tag.nested": "t1"}, {"oid": ObjectId(f"{7:024x}")},
    {"tag": "t1", "at": {"$lt": T0 + timedelta(seconds=2)}}, {},
]


def scan(collection, query: dict) -> list[dict]:
    """The answer by a full scan in natural order (no index involved)."""
    return [d for d in collection.find({}) if filter_applies(query, d)]


@pytest.fixture
def config(tmp_path, monkeypatch) -> StoreConfig:
    for key in ("NEWSBOT_MONGO_URI", "MONGO_URI", "NEWSBOT_MONGO_DB"):
        monkeypatch.delenv(key, raising=False)
    return StoreConfig(None, "t_embedded", tmp_path)


def _fill(config: StoreConfig) -> None:
    with open_client(config) as client:
        coll = client[config.db_name]["c"]
        for spec in ("tag", "n", "bands", "at", "oid", "tag.nested"):
            coll.create_index([(spec, ASCENDING)])
        coll.insert_many(docs())
        # updates and deletes move index rows: the answers must follow
        coll.update_one({"_id": "d5"}, {"$set": {"tag": "t1", "bands": ["1:0002"]}})
        coll.update_many({"n": 4}, {"$set": {"tag": "t3"}})
        coll.delete_one({"_id": "d9"})


def test_indexed_find_equals_full_scan_in_natural_order(config):
    _fill(config)
    with open_client(config) as client:
        coll = client[config.db_name]["c"]
        assert isinstance(coll._store, embedded_store.IndexedCollectionStore)
        for query in QUERIES:
            assert list(coll.find(query)) == scan(coll, query), query
        assert coll.find_one({"_id": "d9"}) is None
        ids = [d["_id"] for d in coll.find({"tag": "t1"})]
        assert "d5" in ids and ids == sorted(ids, key=lambda i: int(i[1:]))  # natural order; an update keeps its place
        assert coll._store._query_index is None  # nothing kept in process memory
    # and plain litemongo (its own in-memory index) on the same files agrees
    with litemongo.connect(str(config.embedded_dir)) as plain:
        coll = plain[config.db_name]["c"]
        with open_client(config) as client:
            mine = client[config.db_name]["c"]
            for query in QUERIES:
                assert list(mine.find(query)) == list(coll.find(query)), query


def test_a_find_is_one_indexed_query_not_a_scan(config):
    _fill(config)
    path = config.embedded_dir / config.db_name / "c"
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT path, key, doc FROM newsbot_index WHERE doc = 's:d3'").fetchall()
        plan = " ".join(r[-1] for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT _id FROM documents WHERE _id IN "
            "(SELECT doc FROM newsbot_index WHERE path = ? AND key IN (?, ?)) ORDER BY ROWID",
            ("bands", 12345, embedded_store.UNKEYED)))
    key = embedded_store.sql_key
    assert ("bands", key(("s", "0:0003")), "s:d3") in rows and ("n", key(("n", 3.0)), "s:d3") in rows
    assert key(("n", 3.0)) == key(("n", float(3))) != key(("s", "3"))
    assert not [r for r in rows if r[0] == "tag"]  # d3 has no tag: no row (only None, never planned, matches it)
    assert "SEARCH newsbot_index USING PRIMARY KEY" in plan and "SCAN newsbot_index" not in plan


def test_writes_of_plain_litemongo_are_indexed_before_the_next_query(config):
    _fill(config)
    with open_client(config) as client, litemongo.connect(str(config.embedded_dir)) as plain:
        mine, other = client[config.db_name]["c"], plain[config.db_name]["c"]
        assert [d["_id"] for d in mine.find({"tag": "t1"})]  # the index is current
        other.insert_one({"_id": "new", "tag": "t1", "bands": ["9:0009"]})
        other.update_one({"_id": "d1"}, {"$set": {"tag": "moved"}})
        other.delete_one({"_id": "d6"})
        for query in ({"tag": "t1"}, {"bands": "9:0009"}, {"tag": "moved"}, {"_id": "d6"}):
            assert list(mine.find(query)) == scan(mine, query), query
        assert mine.find_one({"bands": "9:0009"})["_id"] == "new"
    with sqlite3.connect(config.embedded_dir / config.db_name / "c") as con:
        assert con.execute("SELECT COUNT(*) FROM newsbot_index_pending").fetchone() == (0,)


def test_a_store_written_by_plain_litemongo_gets_its_index_and_new_indexes_are_built(config):
    (config.embedded_dir / config.db_name).mkdir(parents=True)
    with litemongo.connect(str(config.embedded_dir)) as plain:
        coll = plain[config.db_name]["c"]
        coll.create_index([("tag", ASCENDING)])
        coll.insert_many(docs())
    with open_client(config) as client:
        coll = client[config.db_name]["c"]
        assert list(coll.find({"tag": "t2"})) == scan(coll, {"tag": "t2"}) != []
        coll.create_index([("n", ASCENDING)])  # an index declared later covers the stored documents
        assert list(coll.find({"n": {"$in": [1, 5]}})) == scan(coll, {"n": {"$in": [1, 5]}}) != []
    with sqlite3.connect(config.embedded_dir / config.db_name / "c") as con:
        assert con.execute("SELECT value FROM info WHERE key = 'newsbot_index_paths'").fetchone() == ('["n", "tag"]',)


def test_another_clients_write_is_seen_at_once(config):
    with open_client(config) as a, open_client(config) as b:
        ensure_indexes(a[config.db_name])
        ca, cb = a[config.db_name][ARTICLES], b[config.db_name][ARTICLES]
        for n in range(50):
            ca.insert_one({"canonical_url": f"u{n}", "source": "s"})
            assert cb.find_one({"canonical_url": f"u{n}"})["canonical_url"] == f"u{n}"
        assert cb.count_documents({"canonical_url": {"$in": [f"u{n}" for n in range(0, 60, 2)]}}) == 25


def test_unique_index_holds_across_two_clients_and_inside_a_batch(config):
    with open_client(config) as a, open_client(config) as b:
        ensure_indexes(a[config.db_name])
        ca, cb = a[config.db_name][ARTICLES], b[config.db_name][ARTICLES]
        ca.insert_one({"canonical_url": "u1"})
        with pytest.raises(DuplicateKeyError):
            cb.insert_one({"canonical_url": "u1"})
        cb.insert_one({"canonical_url": "u2"})
        with pytest.raises(DuplicateKeyError):  # an update may not take another document's key either
            ca.update_one({"canonical_url": "u2"}, {"$set": {"canonical_url": "u1"}})
        with write_batch(cb), pytest.raises(BulkWriteError) as err:  # one transaction: only the duplicate is undone
            cb.bulk_write([UpdateOne({"canonical_url": "u3"}, {"$set": {"x": 1}}, upsert=True),
                           UpdateOne({"canonical_url": "u2"}, {"$set": {"canonical_url": "u1"}}),
                           UpdateOne({"canonical_url": "u4"}, {"$set": {"x": 1}}, upsert=True)], ordered=False)
        assert len(err.value.details["writeErrors"]) == 1
        assert sorted(d["canonical_url"] for d in ca.find({})) == ["u1", "u2", "u3", "u4"]


def _insert_all(config: StoreConfig, keys: list[str], start, results) -> None:
    start.wait()
    ok = 0
    with open_client(config) as client:
        coll = client[config.db_name][ARTICLES]
        for key in keys:
            try:
                coll.insert_one({"canonical_url": key})
                ok += 1
            except DuplicateKeyError:
                pass
        counts = write_ops(client[config.db_name], [(ARTICLES, {"canonical_url": f"up{key}"},
                                                     {"$set": {"x": 1}}) for key in keys])
    results.put((ok, counts.inserted, counts.updated, counts.failed))


def test_unique_index_holds_across_two_processes(config):
    with open_client(config) as client:
        ensure_indexes(client[config.db_name])
    keys = [f"u{n}" for n in range(150)]
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_insert_all, args=(config, order, start, results)) for order in (keys, keys[::-1])]
    for p in procs:
        p.start()
    start.set()
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(60)
    assert sum(o[0] for o in outcomes) == len(keys)  # each plain insert succeeded exactly once
    assert sum(o[1] for o in outcomes) == len(keys) and sum(o[3] for o in outcomes) == 0  # upserts: one insert each
    with open_client(config) as client:
        coll = client[config.db_name][ARTICLES]
        urls = [d["canonical_url"] for d in coll.find({})]
    assert len(urls) == len(set(urls)) == 2 * len(keys)


def test_missing_internals_fail_with_one_line(monkeypatch):
    from litemongo._vendor.mongomock import indexing

    monkeypatch.delattr(indexing, "_doc_keys")
    with pytest.raises(embedded_store.EmbeddedStoreUnsupported) as err:
        embedded_store._load()
    assert "lacks litemongo._vendor.mongomock.indexing._doc_keys" in str(err.value)
    assert "litemongo==0.2.0" in str(err.value) and "\n" not in str(err.value)


def test_requirements_pin_the_litemongo_this_was_written_for():
    pins = (Path(__file__).resolve().parent.parent / "requirements.txt").read_text()
    assert f"litemongo=={embedded_store.REQUIRED_LITEMONGO}" in pins


def test_ensure_indexes_twice_writes_nothing_the_second_time(config):
    """Recreating `canonical_url_unique` made mongomock read every stored article (uniqueness check) at
    each crawl start; an existing index is now left alone: another connection sees no commit."""
    with open_client(config) as client:
        ensure_indexes(client[config.db_name])
        client[config.db_name][ARTICLES].insert_many([{"canonical_url": f"u{n}"} for n in range(20)])
        with sqlite3.connect(config.embedded_dir / config.db_name / ARTICLES) as watcher:
            before = watcher.execute("PRAGMA data_version").fetchone()
            ensure_indexes(client[config.db_name])
            assert watcher.execute("PRAGMA data_version").fetchone() == before
            client[config.db_name][ARTICLES].insert_one({"canonical_url": "u99"})
            assert watcher.execute("PRAGMA data_version").fetchone() != before  # (the watcher does see writes)


def test_drop_then_reuse_and_own_index_changes_keep_answers_right(config):
    _fill(config)
    with open_client(config) as client:
        coll = client[config.db_name]["c"]
        assert coll.find_one({"tag": "t1"}) is not None
        coll.drop()
        assert coll.find_one({"tag": "t1"}) is None and list(coll.find({"_id": "d1"})) == []
        coll.insert_many([{"_id": "a", "tag": "t1", "k": 1}, {"_id": "b", "tag": "t2", "k": 2}])
        assert [d["_id"] for d in coll.find({"tag": "t1"})] == ["a"]
        coll.create_index([("k", ASCENDING)])  # this connection's own index change: the cache must notice
        assert [d["_id"] for d in coll.find({"k": 2})] == ["b"]
        coll.drop_index("k_1")
        assert [d["_id"] for d in coll.find({"k": {"$in": [1, 2]}})] == ["a", "b"]


def test_signature_stored_by_another_client_during_a_batch_is_updated_not_lost(config):
    from newsbot.story_store import SIGNATURES, BatchIndex, ensure_story_indexes

    with open_client(config) as a, open_client(config) as b:
        ensure_story_indexes(a[config.db_name])
        index = BatchIndex(a[config.db_name], ["k1", "k2"], ["0:aa", "1:bb"], T0)
        assert index.known == {}
        b[config.db_name][SIGNATURES].insert_one({"_id": "k1", "bands": ["0:old"], "seen_at": T0, "story_id": "old"})
        for key in ("k1", "k2"):
            index.add({"_id": key, "bands": ["0:aa", "1:bb"], "seen_at": T0, "story_id": f"s-{key}"})
        assert index.flush() == 2
        stored = {d["_id"]: d for d in b[config.db_name][SIGNATURES].find({})}
    assert stored["k1"]["story_id"] == "s-k1" and stored["k1"]["bands"] == ["0:aa", "1:bb"]
    assert stored["k2"]["story_id"] == "s-k2"
    with open_client(config) as client:  # and the band index knows the new bands, not the old one
        sigs = client[config.db_name][SIGNATURES]
        assert sorted(d["_id"] for d in sigs.find({"bands": "0:aa"})) == ["k1", "k2"]
        assert list(sigs.find({"bands": "0:old"})) == []


def test_any_of_equals_find_with_in(config):
    _fill(config)
    with open_client(config) as client:
        coll = client[config.db_name]["c"]
        any_of = embedded_store.any_of(coll)
        for field, values in (("bands", ["0:0000", "3:0003", "0:0005", "nope"]), ("bands", ["1:0002"]),
                              ("tag", ["t1", "t3"]), ("bands", []), ("tag", ["t1", "t1"])):
            assert any_of(field, values) == list(coll.find({field: {"$in": values}})), (field, values)
        assert any_of("unindexed", ["x"]) is None and any_of("n", [1]) is None
    with litemongo.connect(str(config.embedded_dir)) as plain:
        assert embedded_store.any_of(plain[config.db_name]["c"]) is None  # plain litemongo: use find
