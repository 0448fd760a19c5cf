"""An embedded store of newsbot < 0.3 (litemongo under data/store/<db>/) is detected, named in one line,
and copied into the SQLite store by `python -m newsbot migrate-store` through litemongo's public API."""

from __future__ import annotations

import sqlite3
import sys
from datetime import datetime, timezone

import pytest

from newsbot.store import ARTICLES, RUNS, SIGNATURES, STORIES, StoreConfig, open_store
from newsbot.store.migrate import main as migrate_main
from newsbot.stories import Signer, story_text
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
