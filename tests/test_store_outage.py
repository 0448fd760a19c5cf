"""Outage: FerretDB is stopped in the middle of a crawl and started again; every article ends up stored
exactly once, with its story (the crawl goes on, failed batches — articles, signatures, stories — are
spooled, the run is judged "warn" naming the count, and the next run replays the spool)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from newsbot.store import ARTICLES, SIGNATURES, STORIES, Spool
from tests.plugin_mongo import StoreBackend, popen_crawl, wait_for

pytestmark = pytest.mark.slow

PAGES = 60
GATED_FROM = 31  # articles from this number on wait until the server is down

ARTICLE = """<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>Kesinti haberi {n} - Test</title>
<link rel="canonical" href="{{{{BASE}}}}/haber/kesinti-haberi-{n}-{id}.html">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Kesinti haberi {n}","datePublished":"2026-01-02T10:{m:02d}:00+03:00"}}</script></head>
<body><main><article><h1>Kesinti haberi {n}</h1>
<p>Haber {n}: belediye ekipleri kentin {n}. mahallesinde altyapı çalışması başlattı, çalışmalar sürüyor.</p>
<p>Yetkililer, {n} numaralı projenin ay sonunda tamamlanmasının hedeflendiğini açıkladı.</p>
</article></main></body></html>"""


def article_path(n: int) -> str:
    return f"/haber/kesinti-haberi-{n}-{1000 + n}.html"


def make_site(root: Path) -> Path:
    (root / "haber").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    items = []
    for n in range(1, PAGES + 1):
        (root / article_path(n).lstrip("/")).write_text(ARTICLE.format(n=n, id=1000 + n, m=n % 60), encoding="utf-8")
        items.append(f"<item><title>Kesinti haberi {n}</title><link>{{{{BASE}}}}{article_path(n)}</link></item>")
    (root / "rss.xml").write_text('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                                  f"<title>Kesinti</title>{''.join(items)}</channel></rss>", encoding="utf-8")
    (root / "bos.html").write_text("<html><body><p>Bu sayfada haber yok.</p></body></html>")
    return root


def test_server_stopped_mid_crawl_every_article_stored_exactly_once(ferretdb_factory, site_factory, tmp_path):
    server = ferretdb_factory(tmp_path / "ferretdb")
    backend = StoreBackend("ferretdb", server.uri, "outage", tmp_path / "data")
    site = site_factory(make_site(tmp_path / "site"))
    gate = threading.Event()
    for n in range(GATED_FROM, PAGES + 1):
        site.routes[article_path(n)] = lambda handler, n=n: (gate.wait(300), site._file(article_path(n)))[1]
    stats_file = tmp_path / "outage-stats.json"
    settings = {"NEWSBOT_STORE_BATCH_SIZE": 10, "NEWSBOT_STORE_FLUSH_SECONDS": 0.5, "NEWSBOT_STORE_RETRIES": 2,
                "NEWSBOT_STORE_BACKOFF_SECONDS": 0.2, "NEWSBOT_STORE_COOLDOWN_SECONDS": 1,
                "NEWSBOT_MONGO_TIMEOUT_MS": 500, "DOWNLOAD_TIMEOUT": 300, "NEWSBOT_STATS_FILE": stats_file,
                # feed order, so that the ungated articles come first whatever the concurrency
                "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue"}

    proc = popen_crawl("news", "-a", f"url={site.url('/rss.xml')}", "-a", "source=kesinti", tmp=tmp_path,
                       env=backend.env, settings=settings, log=tmp_path / "outage-crawl.log")
    try:
        def stored() -> int:
            with backend.store() as store:
                return len(store.find(ARTICLES))

        wait_for(lambda: stored() >= 10, "the first batches to be stored")
        wait_for(lambda: any(site.hits.get(article_path(n)) for n in range(GATED_FROM, PAGES + 1)),
                 "the crawl to request the slow pages")
        server.stop()  # the server goes away in the middle of the crawl
        gate.set()  # … and the rest of the articles arrive while it is away
        assert proc.wait(300) == 0, (tmp_path / "outage-crawl.log").read_text()[-3000:]
    finally:
        gate.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = (tmp_path / "outage-crawl.log").read_text()
    stats = json.loads(stats_file.read_text())
    assert stats["item_scraped_count"] == PAGES  # the crawl went on
    assert stats["finish_reason"] == "finished"
    spooled = stats["newsbot/store/spooled"]
    before_outage = stats.get("newsbot/store/inserted", 0)
    assert before_outage >= 10 and spooled >= PAGES - GATED_FROM + 1  # the gated articles came in the outage
    assert before_outage + spooled >= PAGES  # (a batch cut off mid-write is spooled whole: replay is idempotent)
    spooled_other = stats["newsbot/store/spooled_other"]
    assert spooled_other >= 2 * (PAGES - GATED_FROM + 1)  # their signatures and story updates too
    spool = Spool.for_config(backend.config)
    waiting = len(spool)
    assert waiting == spooled + spooled_other + 1  # and the run record
    assert "spooled" in log and "Topology" not in log  # one line per outage warning, no topology dump

    server.start()  # the same data dir and port
    with backend.store() as store:
        assert len(store.find(ARTICLES)) < PAGES  # what the outage kept out is not there yet
        assert len(store.find(STORIES)) < PAGES

    # The next run (here: a crawl that finds nothing) replays the spool before anything else.
    nothing = popen_crawl("news", "-a", f"url={site.url('/bos.html')}", "-a", "source=bos", tmp=tmp_path,
                          env=backend.env, settings={"NEWSBOT_STATS_FILE": tmp_path / "next-stats.json"})
    assert nothing.wait(300) == 0
    next_stats = json.loads((tmp_path / "next-stats.json").read_text())
    assert next_stats["newsbot/store/replayed"] == waiting
    assert not spool.path.exists()
    with backend.store() as store:
        urls = [d["canonical_url"] for d in store.find(ARTICLES)]
        runs = {r["source"]: r for r in store.runs()}
        stories = store.find(STORIES)
        signatures = store.find(SIGNATURES)
    assert len(urls) == PAGES and len(set(urls)) == PAGES
    assert sorted(urls) == sorted(site.url(article_path(n)) for n in range(1, PAGES + 1))
    # after the replay the stories are complete: every article is an outlet of exactly one story
    assert sorted(o["url"] for s in stories for o in s["outlets"]) == sorted(urls)
    assert sorted(d["_id"] for d in signatures) == sorted(urls)
    outage_run = runs["kesinti"]
    assert outage_run["status"] == "finished" and outage_run["items"]["scraped"] == PAGES
    assert outage_run["items"]["spooled"] == spooled
    assert outage_run["health"]["verdict"] == "warn"
    assert f"store: {spooled} article(s) and {spooled_other} story/signature/run write(s) spooled" in \
        " ".join(outage_run["health"]["reasons"])

    # And crawling (re-fetching, not skipping as incremental crawling would) the whole site lands nothing twice.
    again = popen_crawl("news", "-a", f"url={site.url('/rss.xml')}", "-a", "source=kesinti", tmp=tmp_path,
                        env=backend.env, settings={"NEWSBOT_STATS_FILE": tmp_path / "again-stats.json",
                                                   "NEWSBOT_INCREMENTAL": False})
    assert again.wait(300) == 0
    again_stats = json.loads((tmp_path / "again-stats.json").read_text())
    assert again_stats["newsbot/store/updated"] == PAGES and not again_stats.get("newsbot/store/inserted")
    with backend.store() as store:
        assert len(store.find(ARTICLES)) == PAGES
    print(f"outage: {before_outage} stored before the stop, {spooled} spooled, "
          f"{next_stats['newsbot/store/replayed']} replayed by the next run, {PAGES} documents at the end")
