"""The store against a real MongoDB-protocol server (FerretDB) and the embedded default (sqlite3): the same
tests for both — one document per canonical URL, revisions, dates, stories and signatures, key sanitising,
the spool — plus masking and MongoDB's round trips."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pymongo
import pytest
from pymongo import monitoring

from newsbot.store import (
    ARTICLES,
    RUNS,
    SIGNATURES,
    STORIES,
    Spool,
    StoreConfig,
    StoreError,
    StoreWriter,
    article_op,
    mask,
    open_store,
    sanitize,
    story_payload,
)
from newsbot.store.mongo import INDEXES
from tests.plugin_mongo import free_port, run_newsbot

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def article(n: int, **extra) -> dict:
    return {"canonical_url": f"https://haber.example/haber/{n}", "url": f"https://haber.example/haber/{n}?utm=x",
            "source": "yerel", "site": "haber.example", "title": f"Haber {n}", "body": ["p1", "p2"],
            "published_at": "2026-01-02T06:00:00+03:00", "fetched_at": "2026-01-02T03:04:05+00:00",
            "content_hash": "h1", **extra}


def write(config: StoreConfig, docs: list[dict], now: datetime = T0, extra_ops=(), **options) -> dict:
    """Run one StoreWriter over `docs` (as a crawl would) and return its totals."""
    writer = StoreWriter(config, **{"flush_seconds": 3600, **options})
    writer.start()
    for doc in docs:
        writer.put(article_op(doc, now))
    for op in extra_ops:
        writer.put(op)
    return writer.close(timeout=120)


def one(backend, url: str) -> dict:
    with backend.store() as store:
        (doc,) = [d for d in store.find(ARTICLES) if d["canonical_url"] == url]
    return doc


def test_indexes_exist(store_backend):
    write(store_backend.config, [article(1)])
    if store_backend.uri:
        with pymongo.MongoClient(store_backend.uri) as client:
            db = client[store_backend.db_name]
            for collection, expected in INDEXES.items():
                indexes = {ix["name"]: ix for ix in db[collection].list_indexes()}
                for name, keys, options in expected:
                    assert list(indexes[name]["key"].items()) == keys, (collection, name)
                    assert bool(indexes[name].get("unique")) == bool(options.get("unique"))
        return
    with sqlite3.connect(store_backend.config.sqlite_path) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        plan = " ".join(str(r) for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT sig FROM signature_bands WHERE band IN (1, 2)"))
    assert {"source_published_at", "agency_published_at", "site_fetched_at", "source_started_at", "started_at",
            "signatures_seen_at", "signature_bands_sig", "stories_first_seen"} <= names
    assert "PRIMARY KEY" in plan or "INDEX" in plan  # band keys are looked up, not scanned


def test_same_url_twice_in_one_run_and_across_runs_is_one_document(store_backend):
    first = write(store_backend.config, [article(1), article(2), article(1, title="Haber 1 (güncel)")])
    assert first.get("inserted") == 2 and first.get("coalesced") == 1
    later = T0 + timedelta(hours=5)
    second = write(store_backend.config, [article(1, title="Haber 1 (son)"), article(3)], now=later)
    assert second.get("inserted") == 1 and second.get("updated") == 1
    with store_backend.store() as store:
        assert len(store.find(ARTICLES)) == 3
    doc = one(store_backend, "https://haber.example/haber/1")
    assert doc["title"] == "Haber 1 (son)"
    assert doc["first_seen"] == T0  # kept from the first run
    assert doc["last_seen"] == later  # moved by the second
    assert "revision" not in doc  # the same words: no revision


def test_a_refetch_with_other_words_is_a_revision(store_backend):
    write(store_backend.config, [article(1, content_hash="a")])
    write(store_backend.config, [article(1, content_hash="b")], now=T0 + timedelta(hours=1))
    doc = one(store_backend, "https://haber.example/haber/1")
    assert (doc["revision"], doc["previous_content_hash"], doc["revised_at"]) == (2, "a", T0 + timedelta(hours=1))
    write(store_backend.config, [article(1, content_hash="b")], now=T0 + timedelta(hours=2))  # unchanged
    write(store_backend.config, [article(1, content_hash="c")], now=T0 + timedelta(hours=3))
    doc = one(store_backend, "https://haber.example/haber/1")
    assert (doc["revision"], doc["previous_content_hash"], doc["content_hash"]) == (3, "b", "c")
    with store_backend.store() as store:
        known = store.known_articles(["https://haber.example/haber/1", "https://haber.example/yok"])
    assert list(known) == ["https://haber.example/haber/1"] and known["https://haber.example/haber/1"]["revision"] == 3


def test_dates_are_utc_datetimes_with_the_pages_own_text_kept(store_backend):
    write(store_backend.config, [article(1, published_at="2026-01-02T00:30:00+03:00",
                                         updated_at="2026-01-02T01:00:00Z"),
                                 article(2, published_at="2026-01-05"),  # the page gives only the day
                                 article(3, published_at="dün akşam")])  # not a date
    a, b, c = (one(store_backend, f"https://haber.example/haber/{n}") for n in (1, 2, 3))
    assert a["published_at"] == datetime(2026, 1, 1, 21, 30, tzinfo=timezone.utc)
    assert a["published_at_local"] == "2026-01-02T00:30:00+03:00"
    assert (a["published_day"], b["published_day"], c["published_day"]) == ("2026-01-02", "2026-01-05", None)
    assert a["updated_at"] == datetime(2026, 1, 2, 1, 0, tzinfo=timezone.utc)
    assert a["fetched_at"] == T0 and a["fetched_at_local"] == "2026-01-02T03:04:05+00:00"
    assert b["published_at"] == datetime(2026, 1, 4, 21, 0, tzinfo=timezone.utc)  # 00:00 Istanbul
    assert b["published_at_local"] == "2026-01-05"
    assert c["published_at"] is None and c["published_at_local"] == "dün akşam"
    if store_backend.uri:  # a dashboard's date operators need BSON dates, not strings
        with pymongo.MongoClient(store_backend.uri) as client:
            count = client[store_backend.db_name][ARTICLES].count_documents({"published_at": {"$type": "date"}})
        assert count == 2


def test_stories_and_signatures_are_written_with_their_articles(store_backend):
    def story(url: str, agency: str | None, minutes: int) -> tuple:
        return (STORIES, story_payload("s1", site=url.split("/")[2], url=url, title=f"t {url}", agency=agency,
                                       published_at="2026-01-02T06:00:00+03:00", now=T0 + timedelta(minutes=minutes)))

    sig = {"_id": "https://a.example/1", "story_id": "s1", "bands": ["0:aa", "1:bb"], "minhash": b"\x01\x02",
           "size": 12, "published_at": T0, "seen_at": T0, "site": "a.example", "url": "https://a.example/1",
           "scheme": "mh1-test"}
    ops = [sig, story("https://a.example/1", None, 0), story("https://b.example/1", "AA", 1),
           story("https://a.example/1", "DHA", 2)]
    write(store_backend.config, [], extra_ops=[(SIGNATURES, sig), *ops[1:]])
    write(store_backend.config, [], extra_ops=[story("https://c.example/1", "İHA", 3)])  # replayed: once
    with store_backend.store() as store:
        (s1,) = store.find(STORIES)
        found = store.signatures_by_bands(["1:bb", "9:zz"], T0 - timedelta(days=1))
        assert store.signatures_by_bands(["1:bb"], T0 + timedelta(days=1)) == []  # out of the window
        # one the caller holds already (dedupe's recent signatures): its id only, in its place
        assert store.signatures_by_bands(["1:bb"], T0 - timedelta(days=1), held={"https://a.example/1"}) == [
            {"_id": "https://a.example/1"}]
        assert store.signatures(["https://a.example/1"])["https://a.example/1"]["story_id"] == "s1"
    assert [o["url"] for o in s1["outlets"]] == ["https://a.example/1", "https://b.example/1", "https://c.example/1"]
    assert s1["outlet_count"] == 3 and s1["agency"] == "AA" and s1["title"] == "t https://a.example/1"
    assert s1["first_seen"] == T0 and s1["last_seen"] == T0 + timedelta(minutes=3)
    assert [(d["_id"], sorted(d["bands"]), d["minhash"], d["scheme"]) for d in found] == [
        ("https://a.example/1", ["0:aa", "1:bb"], b"\x01\x02", "mh1-test")]


def test_a_duplicate_in_the_store_is_impossible(store_backend):
    write(store_backend.config, [article(1)])
    if store_backend.uri:
        with pymongo.MongoClient(store_backend.uri) as client, pytest.raises(pymongo.errors.DuplicateKeyError):
            client[store_backend.db_name][ARTICLES].insert_one({"canonical_url": "https://haber.example/haber/1"})
    else:
        with sqlite3.connect(store_backend.config.sqlite_path) as db, pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO articles (canonical_url, doc) VALUES ('https://haber.example/haber/1', '{}')")


def test_dollar_and_dotted_keys_are_rewritten_before_storage(store_backend):
    hostile = {"$where": "sleep(1000)", "a.b": {"$gt": 1}, "list": [{"x.y": {"$ne": None}}], "ok": "$set"}
    totals = write(store_backend.config, [article(1, jsonld=hostile, **{"$set": {"title": "ele geçirildi"}})])
    assert totals.get("inserted") == 1 and not totals.get("spooled") and not totals.get("rejected")
    doc = one(store_backend, "https://haber.example/haber/1")
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
    """Writes to a server that is not there are retried, spooled (logs masked, one line each, no pymongo
    topology dump), and replayed later — stories with them."""
    dead = StoreConfig(f"mongodb://bob:s3cr3tpw@127.0.0.1:{free_port()}/", store_backend.db_name,
                       store_backend.data_dir, timeout_ms=300)
    caplog.set_level(logging.INFO, logger="newsbot.store")
    stories = [(STORIES, story_payload("s1", site="haber.example", url=f"https://haber.example/haber/{n}", now=T0))
               for n in (1, 2)]
    totals = write(dead, [article(n) for n in range(1, 6)] + [article(1)], extra_ops=stories, batch_size=2,
                   retries=1, backoff=0.05)
    assert totals.get("spooled") == 6 and totals.get("spooled_other") == 2 and not totals.get("inserted")
    assert "s3cr3tpw" not in caplog.text and "bob:***@" in caplog.text
    assert "Topology" not in caplog.text and all("\n" not in r.getMessage() for r in caplog.records)
    spool = Spool.for_config(store_backend.config)
    assert len(spool) == 8

    out = run_newsbot("replay-spool", "--data-dir", str(store_backend.data_dir), env=store_backend.env)
    assert out.returncode == 0, out.stderr
    assert "8 written (5 articles inserted, 1 updated)" in out.stdout
    assert not spool.path.exists()
    again = run_newsbot("replay-spool", "--data-dir", str(store_backend.data_dir), env=store_backend.env)
    assert again.returncode == 0 and "nothing spooled" in again.stdout
    with store_backend.store() as store:
        assert sorted(d["canonical_url"] for d in store.find(ARTICLES)) == [
            article(n)["canonical_url"] for n in range(1, 6)]
        assert store.find(STORIES)[0]["outlet_count"] == 2


def test_spool_replay_twice_lands_once(store_backend):
    spool = Spool.for_config(store_backend.config)
    ops = [article_op(article(n), T0) for n in (1, 2, 3)]
    spool.append(ops)
    spool.append(ops)  # e.g. a timed-out write that was spooled and then landed anyway
    with store_backend.store() as store:
        counts = spool.replay(store.write)
        assert (counts.written, counts.inserted, counts.failed) == (6, 3, 0)
        assert len(store.find(ARTICLES)) == 3


def test_the_spool_is_bounded_keeps_the_oldest_and_counts_the_overflow(tmp_path, caplog):
    dead = StoreConfig(f"mongodb://127.0.0.1:{free_port()}/", "t_full", tmp_path, timeout_ms=200)
    caplog.set_level(logging.ERROR, logger="newsbot.store")
    totals = write(dead, [article(n) for n in range(8)], batch_size=3, retries=0, spool_max_ops=5)
    assert (totals.get("spooled"), totals.get("spool_overflow")) == (5, 3)
    spool = Spool.for_config(dead)
    assert len(spool) == 5
    with open(spool.path, encoding="utf-8") as fh:
        assert "haber/0" in fh.readline()  # the oldest kept
    full = [r.getMessage() for r in caplog.records if "is full" in r.getMessage()]
    assert full and all(r.levelname == "ERROR" for r in caplog.records) and "NOT kept" in full[0]


def test_replay_reads_the_spool_line_by_line(tmp_path, monkeypatch):
    """A spool of 3,000 ops (7 MB) is replayed in batches without reading the file whole (the replay is the
    same for both backends: the embedded one here, FerretDB takes ~10 s per 100 such documents)."""
    config = StoreConfig(None, "t_replay", tmp_path)
    spool = Spool.for_config(config)
    spool.append(article_op(article(n, body=["x" * 2000]), T0) for n in range(3000))
    size = spool.path.stat().st_size
    import pathlib

    monkeypatch.setattr(pathlib.Path, "read_text", lambda *a, **k: pytest.fail("whole-file read"))
    batches = []
    with open_store(config) as store:
        def write_batch(ops):
            batches.append(len(ops))
            return store.write(ops)

        counts = spool.replay(write_batch, batch_size=500)
    assert size > 6_000_000 and batches == [500] * 6 and counts.inserted == 3000 and not spool.path.exists()


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


def test_runs_are_upserted_by_id(store_backend):
    start = {"_id": "r1", "source": "aa", "status": "running", "started_at": T0}
    write(store_backend.config, [], extra_ops=[(RUNS, start)])
    write(store_backend.config, [], extra_ops=[(RUNS, {**start, "status": "finished", "items": {"scraped": 3}})])
    with store_backend.store() as store:
        assert [(r["_id"], r["status"], r["items"]["scraped"], r["started_at"]) for r in store.runs("aa")] == [
            ("r1", "finished", 3, T0)]


def test_a_crawl_into_the_embedded_store_never_imports_pymongo(tmp_path):
    """pymongo (~7.5 MB in the crawl process) is loaded only for a MongoDB URI: the crawl's store stages,
    settings and store checks run without it when the store is the embedded one."""
    import os
    import subprocess
    import sys

    code = ("import sys\n"
            "import newsbot.settings, newsbot.spiders.news, pipelines.dedupe, pipelines.store, pipelines.boilerplate\n"
            "import newsbot.monitor.runs, newsbot.monitor.health\n"
            "from newsbot.store import StoreConfig, open_store\n"
            "config = StoreConfig.resolve(sys.argv[1])\n"
            "config.check()\n"
            "open_store(config).close()\n"
            "print(config.describe().split()[0], 'pymongo' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, env=env,
                         timeout=120, cwd=str(Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["embedded", "False"]


def test_only_the_writer_connection_of_the_embedded_store_has_the_large_page_cache(tmp_path):
    """Each sqlite3 connection's page cache is heap of the crawl process: the writer's is 8 MiB, every
    other connection (dedupe's reads, run records, learned chrome) keeps SQLite's default 2 MiB."""
    config = StoreConfig(None, "newsbot", tmp_path)
    with open_store(config) as reader, open_store(config, writer=True) as writer:
        assert reader.db.execute("PRAGMA cache_size").fetchone()[0] == -2048
        assert writer.db.execute("PRAGMA cache_size").fetchone()[0] == -8192


def test_articles_put_after_the_writer_failed_are_spooled_not_lost(tmp_path, caplog):
    """A writer thread that cannot open its store spools what is queued and ends; the crawl goes on putting
    articles, and closing the writer spools those too."""
    config = StoreConfig.resolve(data_dir=tmp_path / "data", environ={})
    config.sqlite_path.mkdir(parents=True)  # a directory where the database file should be: it cannot open
    writer = StoreWriter(config, flush_seconds=3600)
    with caplog.at_level(logging.ERROR, logger="newsbot.store"):
        writer.start()
        writer.join(timeout=30)
        assert not writer.is_alive()
        for n in range(3):
            writer.put_many([article_op(article(n), T0)])
        totals = writer.close(timeout=30)
    assert totals.get("spooled") == 3 and not totals.get("inserted")
    assert len(Spool.for_config(config)) == 3
    assert any("store writer failed" in r.getMessage() for r in caplog.records)
