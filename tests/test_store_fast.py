"""The embedded store's batch upserts of articles (embedded_store.upsert_many, used by store.write_ops)
store what mongomock's one-by-one `update_one(filter, update, upsert=True)` stores: the same BSON bytes
(ObjectId `_id`s aside: each store generates its own, compared by position), natural order, index rows
and counts. The expected store gets the same ops, one by one, in a second store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from bson import ObjectId

from newsbot import embedded_store
from newsbot.store import ARTICLES, StoreConfig, article_upsert, ensure_indexes, open_client, write_batch, write_ops
from tests import test_story_store_fast

T0 = datetime(2026, 11, 28, 9, 30, 0, 250999)  # microseconds: mongomock keeps milliseconds
AWARE = datetime(2026, 11, 28, 12, 0, 1, 123456, tzinfo=timezone(timedelta(hours=3)))  # 09:00:01.123 UTC
configs = test_story_store_fast.configs  # the fixture: a (fast, slow) pair of fresh stores


@pytest.fixture
def fast_calls(monkeypatch) -> list:
    """The results of IndexedCollectionStore.upsert_many (so a test knows whether it ran or fell back)."""
    calls: list = []
    method = embedded_store.IndexedCollectionStore.upsert_many

    def spy(self, *args):
        result = method(self, *args)
        calls.append(result)
        return result

    monkeypatch.setattr(embedded_store.IndexedCollectionStore, "upsert_many", spy)
    return calls


def art(n: int | str, **kw) -> dict:
    url = f"https://site.example/haber/{n}"
    return {"url": url, "canonical_url": url, "site": "site.example", "source": "site", "title": f"Başlık {n}",
            "lead": "Giriş", "body": ["Paragraf bir.", "Paragraf iki."], "content_hash": f"{n:>16}",
            "published_at": AWARE, "fetched_at": T0, "agency": None, "language": "tr", "authors": ["Muhabir"],
            "tags": ["gündem", "yerel"], "story_id": f"S{n}", "word_count": 120, "image": None,
            "meta": {"og": {"type": "article", "sizes": [1, 2.5, {"w": 3}]}, "flags": []}, **kw}


def op(doc: dict, now: datetime) -> tuple[str, dict, dict]:
    return (ARTICLES, *article_upsert(doc, now=now))


# Batches of ops (write_ops' input); before batch n, OTHER[n] is written by another client, one by one.
BATCHES: list[list[tuple[str, dict, dict]]] = [
    [op(art(1), T0), op(art(2, agency="AA"), AWARE),
     op(art(3, extra={"$bad.key": {"a.b": 1}, "set": ("x", "y")}), T0),    # sanitize: keys, tuple
     op(art(1, title="Yeni başlık"), T0 + timedelta(minutes=1)),          # the same URL twice: an update
     op(art(4, published_at=datetime(2026, 11, 27, 23, 59, 59, 999999)), T0)],  # naive, microseconds
    [op(art(1, title="Yeni başlık"), T0 - timedelta(hours=1)),            # stored: last_seen $max keeps it
     op(art(2, agency="AA"), AWARE + timedelta(days=1)),                  # stored: last_seen moves forward
     op(art(9, agency="DHA"), T0),                                        # written by the other client
     op(art(5, meta={"nested": {"deep": [[1, 2], {"x": None}]}}), T0),
     op(art(5), T0 + timedelta(seconds=1))],                              # new, then changed in the batch
    [op(art(6), T0), op(art(1), T0 + timedelta(minutes=1))],              # unchanged but $set: matched
]
OTHER: list[list[tuple[str, dict, dict]]] = [
    [],
    [op(art(9), T0 - timedelta(days=1)), op(art(2, agency="İHA"), T0)],
    [op(art(7), T0)],
]


def write_fast(config: StoreConfig, batches=BATCHES, other_ops=OTHER) -> list[tuple[int, int, int]]:
    """The batches through write_ops; (inserted, matched, failed) of each."""
    return write(config, batches, other_ops, fast=True)


def write_slow(config: StoreConfig, batches=BATCHES, other_ops=OTHER) -> list[tuple[int, int, int]]:
    """The batches one op at a time through mongomock's update_one."""
    return write(config, batches, other_ops, fast=False)


def write(config: StoreConfig, batches, other_ops, fast: bool) -> list[tuple[int, int, int]]:
    with open_client(config) as client, open_client(config) as other:
        db, odb = client[config.db_name], other[config.db_name]
        ensure_indexes(db)
        out = []
        for ops, others in zip(batches, other_ops, strict=True):
            one_by_one(odb, others)
            if fast:
                counts = write_ops(db, ops)
                out.append((counts.inserted, counts.updated, counts.failed + counts.rejected))
            else:
                out.append(one_by_one(db, ops))
        return out


def one_by_one(db, ops) -> tuple[int, int, int]:
    """mongomock's path: update_one for each op, errors counted (write_ops reports them, goes on)."""
    inserted = matched = failed = 0
    for collection, spec, update in ops:
        try:
            result = db[collection].update_one(spec, update, upsert=True)
        except Exception:  # noqa: BLE001 - the op fails, the others still run (ordered=False)
            failed += 1
            continue
        inserted += result.upserted_id is not None
        matched += result.matched_count
    return inserted, matched, failed


def dump(config: StoreConfig) -> dict:
    """The articles file as stored, with each ObjectId `_id` replaced by its natural position."""
    with open_client(config) as client:
        store = embedded_store.indexed_store(client[config.db_name][ARTICLES])
        con = store._connection
        docs = con.execute("SELECT _id, doc FROM documents ORDER BY ROWID").fetchall()
        position, blobs = {}, []
        for n, (key, blob) in enumerate(docs):
            oid = store._documents._decode_doc(blob)["_id"]
            assert type(oid) is ObjectId, key
            position[key] = n
            blobs.append(blob.replace(oid.binary, n.to_bytes(12, "big")))
        rows = sorted((path, k, position[doc])
                      for path, k, doc in con.execute("SELECT path, key, doc FROM newsbot_index").fetchall())
        pending = con.execute("SELECT doc FROM newsbot_index_pending").fetchall()
        decoded = [{**d, "_id": n} for n, d in enumerate(client[config.db_name][ARTICLES].find({}))]
        return {"docs": blobs, "rows": rows, "pending": pending, "decoded": decoded}


def test_upserts_store_the_bytes_index_rows_and_counts_of_the_one_by_one_path(configs, fast_calls):
    fast, slow = configs
    got_counts = write_fast(fast)
    # every batch went the fast way
    assert fast_calls == [(4, 1), (1, 4), (1, 1)]
    want_counts = write_slow(slow)
    assert got_counts == want_counts == [(4, 1, 0), (1, 4, 0), (1, 1, 0)]
    got, want = dump(fast), dump(slow)
    assert got["decoded"] == want["decoded"]
    assert got["docs"] == want["docs"]
    assert got["rows"] == want["rows"]
    assert got["pending"] == want["pending"] == []
    with open_client(fast) as client:  # the cases the batches were built for really happened
        coll = client[fast.db_name][ARTICLES]
        a1 = coll.find_one({"canonical_url": "https://site.example/haber/1"})
        assert a1["title"] == "Başlık 1" and a1["first_seen"] == T0.replace(microsecond=250000)
        assert a1["last_seen"] == (T0 + timedelta(minutes=1)).replace(microsecond=250000)  # not moved back
        a2 = coll.find_one({"canonical_url": "https://site.example/haber/2"})
        assert a2["agency"] == "AA" and a2["first_seen"] == datetime(2026, 11, 28, 9, 0, 1, 123000)
        assert a2["last_seen"] == datetime(2026, 11, 29, 9, 0, 1, 123000)  # moved forward
        a3 = coll.find_one({"canonical_url": "https://site.example/haber/3"})
        assert a3["extra"] == {"＄bad．key": {"a．b": 1}, "set": ["x", "y"]}
        a9 = coll.find_one({"canonical_url": "https://site.example/haber/9"})
        assert a9["agency"] == "DHA" and a9["first_seen"] == (T0 - timedelta(days=1)).replace(microsecond=250000)
        assert coll.count_documents({}) == 8
        assert [d["canonical_url"][-1] for d in coll.find({})] == list("12349576")  # natural order


def test_duplicate_key_falls_back_to_mongomocks_error(configs, fast_calls):
    """An op that would break the unique canonical_url index: the fast path writes nothing; bulk_write
    then stores the batch's other ops and reports that one, as one by one."""
    fast, slow = configs
    steal = (ARTICLES, {"canonical_url": "https://site.example/haber/x"},
             {"$set": {"canonical_url": "https://site.example/haber/1", "title": "t"}})
    batches = [[op(art(1), T0)], [op(art(2), T0), steal, op(art(1), T0 + timedelta(hours=1))]]
    got_counts = write_fast(fast, batches, [[], []])
    assert fast_calls == [(1, 0), None]
    assert got_counts == write_slow(slow, batches, [[], []]) == [(1, 0, 0), (1, 1, 1)]
    got, want = dump(fast), dump(slow)
    assert got == want


def test_upsert_many_writes_nothing_when_it_cannot_promise_mongomocks_result(configs):
    fast, _ = configs
    with open_client(fast) as client:
        db = client[fast.db_name]
        ensure_indexes(db)
        coll = db[ARTICLES]
        assert embedded_store.upsert_many(coll, [article_upsert(art(1), now=T0)]) == (1, 0)
        before = dump(fast)
        url = {"canonical_url": "https://site.example/haber/2"}
        for ops in ([(url, {"$addToSet": {"tags": "x"}})],                        # another operator
                    [({**url, "site": "s"}, {"$set": {"a": 1}})],                 # a filter of two fields
                    [({"url": "u"}, {"$set": {"a": 1}})],                         # a field not indexed
                    [({"canonical_url": 5}, {"$set": {"a": 1}})],                 # not a string
                    [(url, {"$set": {"a": 1}}), (url, {"$set": {"x": object()}})],  # bson refuses it
                    [(url, {"$set": {"$a": 1}})],                                 # mongomock refuses it
                    [(url, {"$set": {"_id": 1}})]):                               # a change of _id
            with write_batch(coll):
                assert embedded_store.upsert_many(coll, ops) is None, ops
            assert dump(fast) == before, ops
        ttl = db["ttl"]
        ttl.create_index("at", expireAfterSeconds=60)
        ttl.create_index("canonical_url")
        assert embedded_store.upsert_many(ttl, [(url, {"$set": {"a": 1}})]) is None
        assert ttl.count_documents({}) == 0


def test_an_update_mongomock_finds_equal_is_not_stored(configs, fast_calls):
    """mongomock stores an updated document only when it compares unequal to the stored one: True == 1,
    so `$set: {flag: True}` leaves `flag: 1` (and its bytes) as they were."""
    fast, slow = configs
    url = {"canonical_url": "https://site.example/haber/1"}
    batches = [[(ARTICLES, url, {"$set": {"flag": 1, "n": 2.0}})],
               [(ARTICLES, url, {"$set": {"flag": True, "n": 2}}), (ARTICLES, url, {"$max": {"n": 1}})]]
    assert write_fast(fast, batches, [[], []]) == write_slow(slow, batches, [[], []]) == [(1, 0, 0), (0, 2, 0)]
    assert fast_calls == [(1, 0), (0, 2)]
    got = dump(fast)
    assert got == dump(slow)
    assert type(got["decoded"][0]["flag"]) is int and type(got["decoded"][0]["n"]) is float


def test_other_operators_and_values_as_mongomock_applies_them(configs, fast_calls):
    """Tuples and nested lists in $set, $inc / $unset / $min / $push beside it, a field named by two
    operators (then mongomock's own code makes the whole update), on new and stored documents."""
    fast, slow = configs
    url = {"canonical_url": "https://site.example/haber/1"}
    other = {"canonical_url": "https://site.example/haber/2"}
    ops = [(ARTICLES, url, {"$set": {"t": ("a", 1), "l": [1, [2, {"x": AWARE}]], "gone": 1},
                            "$inc": {"n": 1}, "$min": {"low": T0}, "$push": {"seen": T0}}),
           (ARTICLES, other, {"$set": {"a": 1}, "$unset": {"a": ""}, "$setOnInsert": {"b": (1,)}}),
           (ARTICLES, url, {"$unset": {"gone": ""}, "$inc": {"n": 2.5}, "$min": {"low": T0 - timedelta(1)},
                            "$push": {"seen": AWARE}, "$setOnInsert": {"never": 1}}),
           (ARTICLES, other, {"$set": {"a": 2}, "$max": {"a": 3}})]
    batches = [ops[:2], ops[2:]]
    assert write_fast(fast, batches, [[], []]) == write_slow(slow, batches, [[], []]) == [(2, 0, 0), (0, 2, 0)]
    assert fast_calls == [(2, 0), (0, 2)]
    got = dump(fast)
    assert got == dump(slow)
    assert got["decoded"][0]["n"] == 3.5 and "gone" not in got["decoded"][0] and got["decoded"][1]["a"] == 3
