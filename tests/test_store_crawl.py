"""Whole crawls into the store (FerretDB and the embedded default): one document per URL across runs,
and the crawl_runs record — "running" from the start, completed at the end."""

from __future__ import annotations

import signal
import threading
from datetime import datetime

import pytest

from newsbot.demo.server import DEMO_SITE
from newsbot.store import ARTICLES, STORIES, Spool
from tests.plugin_mongo import RUNS_EXTENSIONS, free_port, popen_crawl, wait_for

pytestmark = pytest.mark.slow

DEMO_TITLES = {
    "Belediyeden mahallelerde asfalt çalışması",
    "Kuzey Kore lideri Kim, Rusya Dışişleri Bakanı Lavrov’u ağırladı",
    "Valilikten kuvvetli yağış uyarısı",
}


def test_two_crawls_make_three_documents_not_six(store_backend, demo_site, crawl):
    args = ("-a", f"url={demo_site.url('/rss.xml')}", "-a", "source=yerel")
    # Incremental crawling would skip the stored pages on the second run; this test is about re-stored pages.
    settings = {"EXTENSIONS": RUNS_EXTENSIONS, "NEWSBOT_INCREMENTAL": False}
    first = crawl("news", *args, env=store_backend.env, settings=settings)
    assert first.returncode == 0, first.log[-3000:]
    assert first.stats.get("newsbot/store/inserted") == 3
    with store_backend.store() as store:
        seen_first = {d["canonical_url"]: d for d in store.find(ARTICLES)}
    second = crawl("news", *args, env=store_backend.env, settings=settings)
    assert second.returncode == 0, second.log[-3000:]
    assert second.stats.get("newsbot/store/updated") == 3
    assert not second.stats.get("newsbot/store/inserted")

    with store_backend.store() as store:
        docs = store.find(ARTICLES)
        runs = store.runs()[::-1]
        stories = store.find(STORIES)
    assert len(docs) == 3
    assert {d["title"] for d in docs} == DEMO_TITLES
    for doc in docs:
        before = seen_first[doc["canonical_url"]]
        assert doc["first_seen"] == before["first_seen"]
        assert doc["last_seen"] > before["last_seen"]
        assert doc["source"] == "yerel" and doc["body"] and "utm_" not in doc["canonical_url"]
        # a real date for dashboards, the page's own text beside it
        assert doc["published_at"].tzinfo is not None and doc["published_at_local"].endswith("+03:00")
        assert doc["published_at"] == datetime.fromisoformat(doc["published_at_local"])
    # the stories were written by the store stage, with the articles: one per article, each outlet once
    assert sorted(o["url"] for s in stories for o in s["outlets"]) == sorted(d["canonical_url"] for d in docs)

    assert [r["_id"] for r in runs] == [first.stats["newsbot/run_id"], second.stats["newsbot/run_id"]]
    for run, inserted, updated in ((runs[0], 3, 0), (runs[1], 0, 3)):
        assert run["status"] == "finished" and run["finish_reason"] == "finished"
        assert run["spider"] == "news" and run["source"] == "yerel" and run["host"]
        assert run["finished_at"] >= run["started_at"] and run["duration"] >= 0
        assert run["requests"] >= 4  # robots.txt, the feed, three articles
        assert run["responses"]["by_status"]["200"] >= 4
        assert run["items"]["scraped"] == 3
        assert (run["items"]["inserted"], run["items"]["updated"]) == (inserted, updated)
        assert run["items"]["dropped"] == 0 and run["items"]["dropped_by_reason"] == {}
        assert run["errors"]["total"] == 0 and run["errors"]["fetch_failed"] == {}
        assert "s3cr" not in run["store"]


def test_dropped_items_and_fetch_errors_reach_the_run_record(store_backend, site_factory, crawl, tmp_path):
    root = tmp_path / "site"
    (root / "haber").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (root / "haber" / "bos-sayfa-haberi-1001.html").write_text("<html><body><p>yok</p></body></html>")
    (root / "index.html").write_text(
        '<html><body><a href="/haber/bos-sayfa-haberi-1001.html">a</a>'
        '<a href="/haber/kayip-sayfa-haberi-1002.html">b</a></body></html>')
    site = site_factory(root)
    result = crawl("news", "-a", f"url={site.url('/index.html')}", "-a", "source=bos", env=store_backend.env,
                   settings={"EXTENSIONS": RUNS_EXTENSIONS})
    assert result.returncode == 0, result.log[-3000:]
    with store_backend.store() as store:
        (run,) = [r for r in store.runs() if r["_id"] == result.stats["newsbot/run_id"]]
    assert run["items"]["dropped"] == 1
    assert run["items"]["dropped_by_reason"] == {"no_title": 1} or run["items"]["dropped_by_reason"] == {"no_body": 1}
    assert sum(run["items"]["dropped_by_exception"].values()) == 1
    assert run["errors"]["fetch_failed"] == {"http_404": 1}
    # Two 404 responses: the missing article, and /sitemap.xml (robots.txt names none) asked while learning
    # the site's article URL shapes — a missing sitemap is not a failed fetch of the crawl.
    assert run["responses"]["by_status"]["404"] == 2
    assert run["errors"]["total"] >= 1


def test_run_is_recorded_as_running_from_the_start_and_a_killed_crawl_stays_running(
        store_backend, site_factory, tmp_path):
    site = site_factory(DEMO_SITE)
    gate = threading.Event()
    blocked = "/haber/belediyeden-asfalt-calismasi-3662.html"

    def slow(handler):
        gate.wait(120)
        return site._file(blocked)

    site.routes[blocked] = slow
    proc = popen_crawl("news", "-a", f"url={site.url('/rss.xml')}", "-a", "source=yerel", tmp=tmp_path,
                       env=store_backend.env, settings={"DOWNLOAD_TIMEOUT": 300})
    try:
        def running_run():
            with store_backend.store() as store:
                return next((r for r in store.runs() if r["status"] == "running"), None)

        run = wait_for(running_run, "the crawl_runs document of the running crawl")
        wait_for(lambda: site.hits.get(blocked), "the crawl to reach the slow page")
        assert run["spider"] == "news" and run["source"] == "yerel"
        assert run["started_at"] is not None
        assert "finished_at" not in run and run["host"] and run["pid"] == proc.pid
        proc.send_signal(signal.SIGKILL)  # a crash: nothing gets to complete the record
        proc.wait(60)
    finally:
        gate.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with store_backend.store() as store:
        after = store.runs()
    assert len(after) == 1
    assert after[0]["status"] == "running" and "finished_at" not in after[0]


def test_crawl_with_the_server_unreachable_goes_on_spools_and_never_shows_the_password(demo_site, crawl, tmp_path):
    uri = f"mongodb://bob:s3cr3tpw@127.0.0.1:{free_port()}/haberler"
    settings = {"EXTENSIONS": RUNS_EXTENSIONS, "NEWSBOT_MONGO_TIMEOUT_MS": 300, "NEWSBOT_STORE_RETRIES": 1,
                "NEWSBOT_STORE_BACKOFF_SECONDS": 0.1}
    result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}", "-a", "source=yerel",
                   env={"NEWSBOT_MONGO_URI": uri}, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items) == 3 and result.stats["item_scraped_count"] == 3
    assert result.stats["newsbot/store/spooled"] == 3
    # each article's signature and story update, and the site's learned chrome as the crawl ends
    assert result.stats["newsbot/store/spooled_other"] == 7
    assert "s3cr3tpw" not in result.log and "mongodb://bob:***@127.0.0.1" in result.log
    assert "Topology" not in result.log  # the outage is one line, not pymongo's topology description
    # the database name came from the URI's path; the run record is spooled with the articles
    assert len(Spool(tmp_path / "data" / "spool" / "haberler.jsonl")) == 11
