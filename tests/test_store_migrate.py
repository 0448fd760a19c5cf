"""`python -m newsbot migrate-store`: an embedded store of newsbot < 0.3 (litemongo under data/store/<db>/) is
detected, named in one line and copied into the SQLite store through litemongo's public API; a MongoDB store
written by older newsbot gets datetimes for its string dates, in place (FerretDB); signatures without a
scheme id are re-signed from their articles' text (both backends)."""

from __future__ import annotations

import sqlite3
import sys
import uuid
from datetime import datetime, timedelta, timezone

import pymongo
import pytest

from newsbot.store import ARTICLES, RUNS, SIGNATURES, STORIES, StoreConfig, article_op, open_store
from newsbot.store.migrate import main as migrate_main
from newsbot.stories import MemoryIndex, Signer, StoryClusterer, story_text
from tests.plugin_mongo import run_newsbot

T0 = datetime(2026, 11, 28, 9, 30)  # litemongo gives naive UTC


def old_store(config: StoreConfig) -> None:
    """What newsbot < 0.3 wrote: ISO string dates, naive UTC datetimes, signatures without a scheme."""
    litemongo = pytest.importorskip("litemongo")
    sig = Signer().sign(story_text("Ankara'da kuvvetli yağış bekleniyor.", ["Meteoroloji uyardı."] * 3))
    with litemongo.connect(str(config.embedded_dir)) as client:
        db = client[config.db_name]
        db[ARTICLES].insert_one({"canonical_url": "https://aa.example/1", "url": "https://aa.example/1?x=1",
                                 "source": "aa", "title": "Yağış uyarısı", "content_hash": "h1",
                                 "published_at": "2026-11-28T00:30:00+03:00", "fetched_at": "2026-11-28T09:00:00+00:00",
                                 "first_seen": T0, "last_seen": T0, "story_id": "s1"})
        db[STORIES].insert_one({"_id": "s1", "story_id": "s1", "first_seen": T0, "last_seen": T0, "title": "Yağış",
                                "agency": "AA", "outlet_count": 1,
                                "outlets": [{"site": "aa.example", "url": "https://aa.example/1", "published_at": T0}]})
        db[SIGNATURES].insert_one({"_id": "https://aa.example/1", "story_id": "s1", "bands": sig.bands,
                                   "minhash": sig.minhash.tobytes(), "size": sig.size, "published_at": T0,
                                   "seen_at": T0, "site": "aa.example", "url": "https://aa.example/1"})
        db[RUNS].insert_one({"_id": "aa-1", "source": "aa", "status": "finished", "started_at": T0,
                             "items": {"scraped": 1}})


def test_an_old_store_is_named_in_one_line_and_migrated(tmp_path):
    config = StoreConfig(None, "newsbot", tmp_path / "data")
    old_store(config)
    env = {"NEWSBOT_MONGO_DB": "newsbot"}
    before = run_newsbot("status", "--data-dir", str(config.data_dir), env=env)
    assert before.returncode == 0
    assert before.stderr.count("\n") == 1 and "python3 -m newsbot migrate-store" in before.stderr

    out = run_newsbot("migrate-store", "--data-dir", str(config.data_dir), env=env)
    assert out.returncode == 0, out.stderr
    assert "articles: 1 copied" in out.stdout and "stories: 1 copied" in out.stdout
    with open_store(config) as store:
        (doc,) = store.find(ARTICLES)
        (story,) = store.find(STORIES)
        (sig,) = store.find(SIGNATURES)
        (run,) = store.runs("aa")
        assert store.articles_per_day(["2026-11-28"])["aa"]["per_day"] == {"2026-11-28": 1}  # its Turkish day
    assert doc["published_at"] == datetime(2026, 11, 27, 21, 30, tzinfo=timezone.utc)
    assert doc["published_at_local"] == "2026-11-28T00:30:00+03:00"
    assert doc["first_seen"] == T0.replace(tzinfo=timezone.utc)
    assert story["outlet_urls"] == ["https://aa.example/1"] and story["agency"] == "AA"
    assert sig["scheme"] == Signer().scheme and sig["minhash"] and sorted(sig["bands"]) == sorted(Signer().sign(
        story_text("Ankara'da kuvvetli yağış bekleniyor.", ["Meteoroloji uyardı."] * 3)).bands)
    assert run["items"]["scraped"] == 1 and run["started_at"] == T0.replace(tzinfo=timezone.utc)
    assert not config.litemongo_dir.exists()
    after = run_newsbot("status", "--data-dir", str(config.data_dir), env=env)
    assert after.returncode == 0 and after.stderr == ""


def test_without_litemongo_one_line_says_what_to_install(tmp_path, monkeypatch, capsys):
    config = StoreConfig(None, "newsbot", tmp_path / "data")
    config.litemongo_dir.mkdir(parents=True)  # what litemongo leaves: one SQLite file per collection
    with sqlite3.connect(config.litemongo_dir / ARTICLES) as db:
        db.execute("CREATE TABLE documents (_id TEXT PRIMARY KEY, doc BLOB)")
    for key in ("NEWSBOT_MONGO_URI", "MONGO_URI", "NEWSBOT_MONGO_DB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setitem(sys.modules, "litemongo", None)  # import litemongo now raises ImportError
    assert migrate_main(["--data-dir", str(config.data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "migrate-store: reading the old store needs litemongo: pip install litemongo==0.2.0"
    assert config.litemongo_dir.exists()


# -- a MongoDB store written by older newsbot: string dates, signatures without a scheme id ----------------
def _old_mongo_documents(db) -> None:
    """What newsbot < 0.3 wrote to MongoDB: the item's ISO text as the date, its own times as text or BSON."""
    db[ARTICLES].insert_many([
        {"canonical_url": "https://aa.example/1", "source": "aa", "title": "Yağış uyarısı", "body": ["Metin."],
         "published_at": "2026-11-28T00:30:00+03:00", "updated_at": "2026-11-28T10:00:00Z",
         "fetched_at": "2026-11-28T09:00:00+00:00", "first_seen": "2026-11-28T09:00:01.500000",
         "last_seen": T0},
        {"canonical_url": "https://aa.example/2", "source": "aa", "title": "Tarihsiz", "published_at": "dün akşam",
         "fetched_at": "2026-11-28T09:05:00+00:00", "first_seen": T0, "last_seen": T0}])
    db[STORIES].insert_one({"_id": "s1", "story_id": "s1", "first_seen": T0, "last_seen": T0,
                            "first_published_at": "2026-11-27T21:30:00+00:00", "title": "Yağış", "outlet_count": 1,
                            "outlets": [{"site": "aa.example", "url": "https://aa.example/1",
                                         "published_at": "2026-11-28T00:30:00+03:00"}]})
    db[RUNS].insert_one({"_id": "aa-1", "source": "aa", "status": "finished", "started_at": "2026-11-28T09:30:00",
                         "finished_at": "2026-11-28T09:31:00+00:00"})


def test_string_dates_in_mongodb_become_datetimes_in_place(mongo_server, tmp_path):
    db_name = f"t_old_{uuid.uuid4().hex[:8]}"
    env = {"NEWSBOT_MONGO_URI": mongo_server.uri, "NEWSBOT_MONGO_DB": db_name}
    config = StoreConfig(mongo_server.uri, db_name, tmp_path / "data")
    with pymongo.MongoClient(mongo_server.uri) as client:
        try:
            _old_mongo_documents(client[db_name])
            out = run_newsbot("migrate-store", "--data-dir", str(config.data_dir), env=env)
            assert out.returncode == 0, out.stderr
            assert "articles: 2 documents with string dates converted; 1 not a date, kept as text" in out.stdout
            assert "stories: 1 documents" in out.stdout and "crawl_runs: 1 documents" in out.stdout
            assert "articles: 2 documents with string dates converted so far" in out.stdout  # the progress line
            with open_store(config) as store:
                one, two = sorted(store.find(ARTICLES), key=lambda d: d["canonical_url"])
                (story,) = store.find(STORIES)
                (run,) = store.runs()
                per_day = store.articles_per_day(["2026-11-27", "2026-11-28"])["aa"]["per_day"]
            raw = client[db_name][ARTICLES].find_one({"canonical_url": "https://aa.example/1"})
            again = run_newsbot("migrate-store", "--data-dir", str(config.data_dir), env=env)
            after = client[db_name][ARTICLES].find_one({"canonical_url": "https://aa.example/1"})
        finally:
            client.drop_database(db_name)
    utc = timezone.utc
    assert isinstance(raw["published_at"], datetime)  # a BSON date, not a string
    assert one["published_at"] == datetime(2026, 11, 27, 21, 30, tzinfo=utc)
    assert one["published_at_local"] == "2026-11-28T00:30:00+03:00" and one["published_day"] == "2026-11-28"
    assert one["updated_at"] == datetime(2026, 11, 28, 10, 0, tzinfo=utc) and one["updated_at_local"].endswith("Z")
    assert one["fetched_at"] == datetime(2026, 11, 28, 9, 0, tzinfo=utc)
    assert one["first_seen"] == datetime(2026, 11, 28, 9, 0, 1, 500000, tzinfo=utc)  # newsbot's own text: UTC
    assert "first_seen_local" not in one and one["last_seen"] == T0.replace(tzinfo=utc)
    assert two["published_at"] is None and two["published_at_local"] == "dün akşam"  # not a date: kept as text
    assert per_day == {"2026-11-27": 0, "2026-11-28": 1}  # counted on its Turkish day
    assert story["first_published_at"] == datetime(2026, 11, 27, 21, 30, tzinfo=utc)
    assert story["outlets"][0]["published_at"] == datetime(2026, 11, 27, 21, 30, tzinfo=utc)
    assert run["started_at"] == datetime(2026, 11, 28, 9, 30, tzinfo=utc) and run["finished_at"].minute == 31
    assert again.returncode == 0 and "articles: 0 documents with string dates converted" in again.stdout
    assert after == raw  # idempotent


def _story_article(n: int, lead: str, body: list[str]) -> dict:
    return {"canonical_url": f"https://haber.example/{n}", "source": "yerel", "site": "haber.example",
            "title": f"Haber {n}", "lead": lead, "body": body, "published_at": "2026-11-28T09:00:00+03:00"}


def test_signatures_without_a_scheme_are_re_signed_from_their_articles(store_backend):
    lead = "Ordu'da sıcak geçen yaz nedeniyle fındık hasadı bu yıl her zamankinden iki hafta önce başladı."
    body = ["Kent genelinde bahçelere giden üreticiler sabahın erken saatlerinde toplama işine koyuldu.",
            "Ziraat Odası Başkanı rekoltenin geçen yıla göre yüzde 8 düşük olmasının beklendiğini söyledi."]
    now = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
    signer = Signer()
    old = signer.sign(story_text(lead, body))
    legacy = {"story_id": "hikaye-1", "bands": old.bands, "minhash": old.minhash.tobytes(), "size": old.size,
              "published_at": now, "seen_at": now, "site": "haber.example"}  # no scheme: as newsbot < 0.3
    with store_backend.store() as store:
        counts = store.write([article_op(_story_article(1, lead, body), now),
                              (SIGNATURES, {"_id": "https://haber.example/1", "url": "https://haber.example/1",
                                            **legacy}),
                              (SIGNATURES, {"_id": "https://haber.example/9", "url": "https://haber.example/9",
                                            **legacy, "story_id": "hikaye-9"})])  # its article is not stored
        assert not counts.failed and not counts.rejected, counts.error

        def cluster_copy() -> str:  # a copy of the story from another site, clustered against the store
            stored = store.signatures_by_bands(old.bands, now - timedelta(days=1))
            index = MemoryIndex()
            for doc in stored:
                index.add(doc)
            return StoryClusterer(index).assign("https://baska.example/1", lead, body, published_at=now,
                                                now=now).story_id

        assert cluster_copy() != "hikaye-1"  # refused: another (no) scheme is never compared

    out = run_newsbot("migrate-store", "--data-dir", str(store_backend.data_dir), env=store_backend.env)
    assert out.returncode == 0, out.stderr
    assert "story_signatures: 1 re-signed under mh1-" in out.stdout
    assert "1 without a stored article text left" in out.stdout
    with store_backend.store() as store:
        sigs = store.signatures(["https://haber.example/1", "https://haber.example/9"])
        assert cluster_copy() == "hikaye-1"  # compared now, and joins the old story
    assert sigs["https://haber.example/1"]["scheme"] == signer.scheme
    assert sigs["https://haber.example/1"]["story_id"] == "hikaye-1"
    assert "scheme" not in sigs["https://haber.example/9"] or sigs["https://haber.example/9"]["scheme"] is None
    again = run_newsbot("migrate-store", "--data-dir", str(store_backend.data_dir), env=store_backend.env)
    assert "story_signatures: 0 re-signed" in again.stdout
