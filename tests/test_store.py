"""The store against a real MongoDB-protocol server (FerretDB) and the embedded default (litemongo):
one document per canonical URL, indexes, key sanitising, masking, the spool, round trips."""

from __future__ import annotations

import logging
import os
import signal
import time
from datetime import datetime, timedelta, timezone

import pymongo
import pytest
from pymongo import monitoring

from newsbot.store import (
    ARTICLES,
    INDEXES,
    RUNS,
    Spool,
    StoreConfig,
    StoreError,
    StoreWriter,
    article_upsert,
    mask,
    sanitize,
)
from tests.plugin_mongo import free_port, run_newsbot

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def article(n: int, **extra) -> dict:
    return {"canonical_url": f"https://haber.example/haber/{n}", "url": f"https://haber.example/haber/{n}?utm=x",
            "source": "yerel", "site": "haber.example", "title": f"Haber {n}", "body": ["p1", "p2"],
            "published_at": "2026-01-02T06:00:00+03:00", "fetched_at": "2026-01-02T03:04:05+00:00", **extra}


def write(config: StoreConfig, docs: list[dict], now: datetime = T0, **options) -> dict:
    """Run one StoreWriter over `docs` (as a crawl would) and return its totals."""
    writer = StoreWriter(config, **{"flush_seconds": 3600, **options})
    writer.start()
    for doc in docs:
        writer.put((ARTICLES, *article_upsert(doc, now)))
    return writer.close(timeout=120)


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def test_indexes_exist(store_backend):
    write(store_backend.config, [article(1)])
    with store_backend.db() as db:
        for collection, expected in INDEXES.items():
            indexes = {ix["name"]: ix for ix in db[collection].list_indexes()}
            for name, keys, options in expected:
                assert name in indexes, (collection, name, list(indexes))
                assert list(indexes[name]["key"].items()) == keys
                assert bool(indexes[name].get("unique")) == bool(options.get("unique"))


def test_same_url_twice_in_one_run_and_across_runs_is_one_document(store_backend):
    first = write(store_backend.config, [article(1), article(2), article(1, title="Haber 1 (güncel)")])
    assert first.get("inserted") == 2 and first.get("coalesced") == 1
    later = T0 + timedelta(hours=5)
    second = write(store_backend.config, [article(1, title="Haber 1 (son)"), article(3)], now=later)
    assert second.get("inserted") == 1 and second.get("updated") == 1
    with store_backend.db() as db:
        assert db[ARTICLES].count_documents({}) == 3
        doc = db[ARTICLES].find_one({"canonical_url": "https://haber.example/haber/1"})
    assert doc["title"] == "Haber 1 (son)"
    assert utc(doc["first_seen"]) == T0  # kept from the first run
    assert utc(doc["last_seen"]) == later  # moved by the second


def test_a_duplicate_in_the_server_is_impossible(store_backend):
    write(store_backend.config, [article(1)])
    with store_backend.db() as db, pytest.raises(Exception) as err:
        db[ARTICLES].insert_one({"canonical_url": "https://haber.example/haber/1"})
    assert "duplicate" in str(err.value).lower() or "E11000" in str(err.value)


def test_dollar_and_dotted_keys_are_rewritten_before_storage(store_backend):
    hostile = {"$where": "sleep(1000)", "a.b": {"$gt": 1}, "list": [{"x.y": {"$ne": None}}], "ok": "$set"}
    totals = write(store_backend.config, [article(1, jsonld=hostile, **{"$set": {"title": "ele geçirildi"}})])
    assert totals.get("inserted") == 1 and not totals.get("spooled") and not totals.get("rejected")
    with store_backend.db() as db:
        doc = db[ARTICLES].find_one({"canonical_url": "https://haber.example/haber/1"}, {"_id": 0})
    assert doc["title"] == "Haber 1"  # the scraped "$set" did not become an operator
    assert doc["＄set"] == {"title": "ele geçirildi"}
    assert doc["jsonld"] == {"＄where": "sleep(1000)", "a．b": {"＄gt": 1}, "list": [{"x．y": {"＄ne": None}}],
                             "ok": "$set"}


def test_sanitize_keeps_values_and_nested_shapes():
    assert sanitize({"a": ("$x", {"b.c": 1})}) == {"a": ["$x", {"b．c": 1}]}
    assert sanitize({"mid$dle": 1, "$": 2}) == {"mid$dle": 1, "＄": 2}


def test_mask_hides_passwords_everywhere(monkeypatch):
    assert mask("mongodb://bob:s3cr3t@db.example:27017/news?authSource=admin") == \
        "mongodb://bob:***@db.example:27017/news?authSource=admin"
    assert mask("failed: mongodb+srv://bob:p%40ss@cluster.example/") == "failed: mongodb+srv://bob:***@cluster.example/"
    monkeypatch.setenv("NEWSBOT_MONGO_URI", "mongodb://bob:p%40ssw0rd@db.example/")
    assert mask("auth failed for p@ssw0rd and p%40ssw0rd") == "auth failed for *** and ***"


def test_bad_uri_error_is_masked(tmp_path):
    config = StoreConfig("mongodb://bob:s3cr3tpw@db.example:notaport/", "newsbot", tmp_path)
    with pytest.raises(StoreError) as err:
        config.check()
    assert "s3cr3tpw" not in str(err.value) and "bob:***@" in str(err.value)


@pytest.mark.parametrize("uri_kind", ["unreachable", "unparseable"])
def test_status_with_bad_uri_is_one_masked_line_and_exit_2(tmp_path, uri_kind):
    uri = {"unreachable": f"mongodb://bob:s3cr3tpw@127.0.0.1:{free_port()}/",
           "unparseable": "mongodb://bob:s3cr3tpw@db.example:x/"}[uri_kind]
    out = run_newsbot("status", "--data-dir", str(tmp_path), env={"NEWSBOT_MONGO_URI": uri})
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "s3cr3tpw" not in out.stderr and "bob:***@" in out.stderr


def test_unreachable_server_spools_then_replay_spool_stores_each_once(store_backend, caplog):
    """Writes to a server that is not there are retried, spooled (logs masked), and replayed later."""
    dead = StoreConfig(f"mongodb://bob:s3cr3tpw@127.0.0.1:{free_port()}/", store_backend.db_name,
                       store_backend.data_dir, timeout_ms=300)
    caplog.set_level(logging.INFO, logger="newsbot.store")
    totals = write(dead, [article(n) for n in range(1, 6)] + [article(1)], batch_size=2, retries=1, backoff=0.05)
    assert totals.get("spooled") == 6 and not totals.get("inserted")  # batches [1,2] [3,4] [5,1]
    assert "s3cr3tpw" not in caplog.text and "bob:***@" in caplog.text
    spool = Spool.for_config(store_backend.config)
    assert len(spool) == 6

    out = run_newsbot("replay-spool", "--data-dir", str(store_backend.data_dir), env=store_backend.env)
    assert out.returncode == 0, out.stderr
    assert "5 inserted, 1 updated" in out.stdout
    assert not spool.path.exists()
    again = run_newsbot("replay-spool", "--data-dir", str(store_backend.data_dir), env=store_backend.env)
    assert again.returncode == 0 and "nothing spooled" in again.stdout
    with store_backend.db() as db:
        assert db[ARTICLES].count_documents({}) == 5
        assert sorted(db[ARTICLES].distinct("canonical_url")) == [article(n)["canonical_url"] for n in range(1, 6)]


def test_spool_replay_twice_lands_once(store_backend):
    spool = Spool.for_config(store_backend.config)
    ops = [(ARTICLES, *article_upsert(article(n), T0)) for n in (1, 2, 3)]
    spool.append(ops)
    spool.append(ops)  # e.g. a timed-out write that was spooled and then landed anyway
    with store_backend.db() as db:
        counts = spool.replay(db)
        assert (counts.inserted, counts.failed) == (3, 0)
        assert db[ARTICLES].count_documents({}) == 3


class WriteCommands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.commands: list[str] = []

    def started(self, event) -> None:
        self.commands.append(event.command_name)

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


def test_one_write_round_trip_per_100_items(mongo_server, tmp_path):
    """Command monitoring on a real server: 250 items with batches of 100 are 3 `update` commands."""
    listener = WriteCommands()
    config = StoreConfig(mongo_server.uri, "t_roundtrips", tmp_path)
    totals = write(config, [article(n) for n in range(250)], batch_size=100,
                   client_kwargs={"event_listeners": [listener]})
    writes = [c for c in listener.commands if c in ("update", "insert", "delete")]
    assert totals.get("inserted") == 250
    assert writes == ["update"] * 3, listener.commands
    with pymongo.MongoClient(mongo_server.uri) as client:
        client.drop_database("t_roundtrips")


def test_runs_collection_has_its_indexes(store_backend):
    write(store_backend.config, [article(1)])
    with store_backend.db() as db:
        assert {"source_started_at", "started_at"} <= {ix["name"] for ix in db[RUNS].list_indexes()}


def test_write_process_stores_the_same_and_a_killed_child_loses_nothing(store_backend):
    """NEWSBOT_STORE_PROCESS: batches are written by a child process. Killing it makes one batch fail
    like a lost server; the retry starts a new child and every article lands once."""
    writer = StoreWriter(store_backend.config, flush_seconds=3600, batch_size=10, backoff=0.1,
                         write_process=True)
    writer.start()
    for n in range(10):
        writer.put((ARTICLES, *article_upsert(article(n), T0)))
    started = time.monotonic()
    while writer.totals.get("inserted") != 10 and time.monotonic() - started < 60:
        time.sleep(0.05)
    assert writer.totals.get("inserted") == 10, writer.totals
    (child,) = writer._process._executor._processes.values()
    assert child.pid != os.getpid()
    os.kill(child.pid, signal.SIGKILL)
    child.join(30)
    for n in range(10, 25):
        writer.put((ARTICLES, *article_upsert(article(n), T0)))
    totals = writer.close(timeout=120)
    assert totals.get("inserted") == 25 and not totals.get("spooled"), totals
    assert totals.get("failed_batches") == 1 and writer._process.restarts == 1
    with store_backend.db() as db:
        assert db[ARTICLES].count_documents({}) == 25
