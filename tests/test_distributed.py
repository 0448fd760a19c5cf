"""Distributed crawling on Redis (newsbot/crawl/distributed.py): workers share one queue and one seen-set."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
import uuid

import pytest
from scrapy import Request

from newsbot import settings as project_settings
from newsbot.crawl.distributed import BoundedRedisDupeFilter
from newsbot.demo.generated import add_feed_of_articles
from newsbot.sources import load_sources
from newsbot.store import ARTICLES
from newsbot.urls import CanonicalRequestFingerprinter
from tests.plugin_mongo import StoreBackend, popen_crawl, wait_for
from tests.plugin_sites import ROOT

PIPELINES_NO_STORIES = json.dumps({k: v for k, v in project_settings.ITEM_PIPELINES.items() if "dedupe" not in k})
N = 500
DELAY = 0.12  # seconds per article page: the crawl lasts long enough for a third worker to join


def slow_site(site_factory, n: int = N, delay: float = DELAY):
    """A site with an RSS feed of `n` article pages (feed links carry a tracking parameter), each served
    after `delay` seconds."""
    site = site_factory(None)
    return site, add_feed_of_articles(site, n, delay, "Dağıtık haber", "dagitik-haber", 10000,
                                      link_suffix="?utm_source=rss")


# -- the bounded seen-set ---------------------------------------------------------------------------
def test_bounded_seen_set_uses_canonical_fingerprints_forgets_after_its_window_and_expires(redis_url):
    client = redis_url.client
    seen = BoundedRedisDupeFilter(client, f"{redis_url.prefix}:unit:seen:", CanonicalRequestFingerprinter(),
                                  bucket_seconds=1, buckets=2)
    assert not seen.request_seen(Request("https://example.com/haber/bir-iki-uc-4?utm_source=x"))
    # the same article without tracking parameters (newsbot's canonical fingerprint): seen
    assert seen.request_seen(Request("https://example.com/haber/bir-iki-uc-4"))
    assert not seen.request_seen(Request("https://example.com/haber/baska-bir-haber-5"))
    # a re-fetch of a changed article (incremental middleware) passes once per announced revision
    changed = {"newsbot_refetch": True, "newsbot_lastmod": "2026-11-01T10:00:00+03:00"}
    assert not seen.request_seen(Request("https://example.com/haber/bir-iki-uc-4", meta=changed))
    assert seen.request_seen(Request("https://example.com/haber/bir-iki-uc-4", meta=changed))
    keys = seen.keys()
    assert keys and seen.size() == 3
    for key in keys:
        assert 0 < client.ttl(key) <= 3  # every bucket key expires: one bucket after it leaves the window
    # a window of 2 one-second buckets: after 2 s the URL is forgotten and may be requested again
    time.sleep(2.1)
    assert not seen.request_seen(Request("https://example.com/haber/bir-iki-uc-4"))
    assert seen.request_seen(Request("https://example.com/haber/bir-iki-uc-4"))
    # and the old bucket keys are gone from Redis on their own
    wait_for(lambda: not (set(keys) & set(seen.keys())), "old seen-set buckets to expire", timeout=5)


# -- three workers, one queue -----------------------------------------------------------------------
def _stats(path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def test_workers_share_one_queue_each_page_fetched_once_third_worker_joins(site_factory, redis_url, mongo_server,
                                                                           tmp_path):
    site, paths = slow_site(site_factory)
    store = StoreBackend("ferretdb", mongo_server.uri, f"t_{uuid.uuid4().hex[:12]}", tmp_path / "data")
    env = {**store.env, **redis_url.env}
    args = ("news", "-a", f"url={site.url('/rss.xml')}", "-a", "source=dagitik")
    # Story clustering (the dedupe pipeline) is left out: with it on, FerretDB's SQLite backend was once seen
    # stalling every client's writes past the 30 s socket timeout under three writing processes (a test-server
    # limit, not newsbot's); without it the store gets only article upserts and run records.
    settings = {"NEWSBOT_REDIS_IDLE_CLOSE_SECONDS": 2, "LOG_LEVEL": "INFO", "ITEM_PIPELINES": PIPELINES_NO_STORIES}
    stats_files = [tmp_path / f"worker-{i}.stats.json" for i in range(3)]
    procs = []
    try:
        for i in range(2):
            procs.append(popen_crawl(*args, tmp=tmp_path, env=env, log=tmp_path / f"worker-{i}.log",
                                     settings={**settings, "NEWSBOT_STATS_FILE": stats_files[i]}))
        fetched = lambda: sum(site.hits.get(p, 0) for p in paths)  # noqa: E731
        wait_for(lambda: fetched() >= 60, "the first two workers to fetch 60 pages", timeout=120)
        joined_at = fetched()
        procs.append(popen_crawl(*args, tmp=tmp_path, env=env, log=tmp_path / "worker-2.log",
                                 settings={**settings, "NEWSBOT_STATS_FILE": stats_files[2]}))
        for proc in procs:
            proc.wait(240)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    logs = [(tmp_path / f"worker-{i}.log").read_text(errors="replace") for i in range(3)]
    stats = [_stats(f) for f in stats_files]
    for i, proc in enumerate(procs):
        assert proc.returncode == 0, logs[i][-3000:]
        assert stats[i].get("finish_reason") == "finished", logs[i][-3000:]
    pages = [s.get("newsbot/article_pages", 0) for s in stats]
    print(f"\narticle pages fetched per worker: {pages} (third worker joined after {joined_at} pages)")

    # Together they fetched every page exactly once: none twice, none missed (server side and worker side).
    assert sorted(site.hits.get(p, 0) for p in paths) == [1] * N
    assert sum(pages) == N
    assert all(p > 0 for p in pages), pages  # the third worker, joining midway, took part
    # One worker seeded the round: the feed was fetched once, by it; the others joined the round.
    assert site.hits.get("/rss.xml") == 1
    assert sorted(s.get("newsbot/redis/seeded") for s in stats) == [0, 0, 1]
    assert sum(s.get("scheduler/dequeued/redis", 0) for s in stats) == N + 1  # the feed and the articles
    # The article requests of the feed went through the shared seen-set, once each.
    assert sum(s.get("scheduler/enqueued/redis", 0) for s in stats) == N + 1

    # Every article is stored once, in the one store.
    with store.store() as db:
        docs = db.find(ARTICLES)
    store.drop()
    urls = [d["canonical_url"] for d in docs]
    assert len(urls) == len(set(urls)) == N
    assert {d["title"] for d in docs} == {f"Dağıtık haber {i}" for i in range(N)}

    # Redis: the queue is drained, the round is over, the seen-set keys carry TTLs.
    client = redis_url.client
    assert client.zcard(f"{redis_url.prefix}:dagitik:requests") == 0
    assert not client.exists(f"{redis_url.prefix}:dagitik:round")
    seen_keys = [k for k in redis_url.keys() if ":dagitik:seen:" in k]
    assert seen_keys and all(client.ttl(k) > 0 for k in seen_keys)
    assert sum(client.scard(k) for k in seen_keys) == N


# -- feed mode: the scheduler seeds, workers fetch --------------------------------------------------
def test_seed_pushes_start_points_only_and_a_worker_fetches_them(demo_site, crawl, redis_url):
    args = ("news", "-a", f"url={demo_site.url('/rss.xml')}", "-a", "source=yerel")
    fast = {"NEWSBOT_REDIS_IDLE_CLOSE_SECONDS": 1}
    seed = crawl(*args, env=redis_url.env, settings={**fast, "NEWSBOT_REDIS_ROLE": "seed"})
    assert seed.returncode == 0, seed.log[-3000:]
    assert seed.stats.get("newsbot/redis/seeded") == 1 and seed.stats.get("scheduler/enqueued/redis") == 1
    assert not seed.items and demo_site.hits.get("/rss.xml") is None  # the seed fetched nothing…
    assert "crawl run" not in seed.log  # …and wrote no run record
    assert redis_url.client.zcard(f"{redis_url.prefix}:yerel:requests") == 1

    worker = crawl(*args, env=redis_url.env, settings={**fast, "NEWSBOT_REDIS_ROLE": "worker"})
    assert worker.returncode == 0, worker.log[-3000:]
    assert worker.stats.get("newsbot/redis/seeded") == 0  # a worker never fetches start points itself…
    assert demo_site.hits.get("/rss.xml") == 1  # …it fetched the one the seed queued
    assert worker.stats.get("newsbot/article_pages") == len(worker.items) == 3
    assert redis_url.client.zcard(f"{redis_url.prefix}:yerel:requests") == 0


class _OpensAFile:
    """Unpickling this creates a file: the proof that a worker ran what someone wrote into Redis."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_queue_holds_json_and_a_pickle_pushed_into_it_is_dropped_never_unpickled(demo_site, crawl, redis_url,
                                                                                 tmp_path):
    args = ("news", "-a", f"url={demo_site.url('/rss.xml')}", "-a", "source=yerel")
    fast = {"NEWSBOT_REDIS_IDLE_CLOSE_SECONDS": 1}
    key = f"{redis_url.prefix}:yerel:requests"
    seed = crawl(*args, env=redis_url.env, settings={**fast, "NEWSBOT_REDIS_ROLE": "seed"})
    assert seed.returncode == 0, seed.log[-3000:]
    (entry,) = redis_url.client.zrange(key, 0, -1)
    assert json.loads(entry)["url"] == demo_site.url("/rss.xml")  # JSON, not a pickle
    # Someone with write access to Redis pushes two real pickles (popped first: higher priority) and junk.
    marker = tmp_path / "unpickled"
    evil = pickle.dumps(_OpensAFile(str(marker)))
    pickle.loads(evil)  # the payload is live: unpickling it does create the file…
    assert marker.exists()
    marker.unlink()
    evil2 = pickle.dumps([_OpensAFile(str(marker))], protocol=2)
    redis_url.client.zadd(key, {evil: -10, evil2: -9, b'{"url": 5}': -8,
                                b'{"url": "http://127.0.0.1:9/", "_class": "subprocess.Popen"}': -7})

    worker = crawl(*args, env=redis_url.env, settings={**fast, "NEWSBOT_REDIS_ROLE": "worker"})
    assert worker.returncode == 0, worker.log[-3000:]
    assert not marker.exists()  # …but the worker never unpickled it
    assert worker.stats.get("newsbot/redis/rejected_payload") == 4
    assert worker.log.count("not a request as JSON") == 1  # logged once, then counted
    assert "4 queue entries" in worker.log
    assert "Traceback" not in worker.log
    assert demo_site.hits.get("/rss.xml") == 1 and len(worker.items) == 3  # the real work still got done
    assert redis_url.client.zcard(key) == 0


def test_unauthenticated_redis_on_another_host_is_refused_unless_opted_in():
    from scrapy.settings import Settings

    from newsbot.crawl.distributed import RedisConfigError, check_redis_url

    for ok in ("redis://127.0.0.1:6379/0", "redis://localhost/0", "redis://[::1]:6379", "unix:///run/redis.sock",
               "rediss://:s3cret@redis.example.internal:6380/0", "redis://newsbot:s3cret@10.0.0.5/0"):
        check_redis_url(ok, Settings())
    check_redis_url("redis://10.0.0.5/0", Settings({"REDIS_PARAMS": {"password": "s3cret"}}))
    for bad in ("redis://redis.example.internal:6379/0", "rediss://10.0.0.5/0", "redis://newsbot@10.0.0.5/0"):
        with pytest.raises(RedisConfigError, match="without a password"):
            check_redis_url(bad, Settings())
        check_redis_url(bad, Settings({"NEWSBOT_REDIS_ALLOW_UNAUTHENTICATED": True}))


def test_unauthenticated_remote_redis_stops_the_crawl_with_one_line(demo_site, crawl):
    # 0.0.0.0 is not a loopback address for the check; were the check missing, a connection to it would still
    # stay on this machine (port 1: refused), so the test never sends anything off the machine.
    result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}", env={"REDIS_URL": "redis://0.0.0.0:1/0"},
                   timeout=60)
    assert "REDIS_URL points at 0.0.0.0 without a password" in result.log
    assert not demo_site.hits


def test_harvest_feed_mode_queues_start_points_without_fetching(tmp_path, redis_url):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "NEWSBOT_MONGO_URI", "MONGO_URI")}
    cmd = [sys.executable, "-m", "schedules", "harvest", "--feed", "aa", "-s", f"NEWSBOT_DATA_DIR={tmp_path}"]
    refused = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--feed needs REDIS_URL" in refused.stderr
    done = subprocess.run(cmd, cwd=ROOT, env={**env, **redis_url.env}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    # aa's start points wait in the shared queue (nothing was fetched: this test has no internet)
    assert redis_url.client.zcard(f"{redis_url.prefix}:aa:requests") == len(load_sources()["aa"].start)
    assert redis_url.client.ttl(f"{redis_url.prefix}:aa:round") > 0  # the round is open for the workers
