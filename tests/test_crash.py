"""Crash safety: a crawl killed with SIGKILL midway resumes from its JOBDIR; nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from newsbot.demo.generated import add_feed_of_articles
from newsbot.store import ARTICLES, StoreConfig, open_store
from tests.plugin_sites import ROOT
from tests.procs import alive, child_pids

# More requests than fit in the 8 KiB write buffer of Scrapy's requests.seen: after kill -9 part of the
# seen-set is on disk while the queue index is not, which is what a plain JOBDIR resume gets wrong.
N = 300


def _slow_site(site_factory):
    site = site_factory(None)
    # slow pages: the crawl is still running when it is killed
    return site, add_feed_of_articles(site, N, 0.05, "Yavaş haber", "yavas-haber", 1000)


def _stored(tmp_path) -> list[dict]:
    config = StoreConfig.resolve(tmp_path / "data", environ={})
    if not config.sqlite_path.exists():
        return []
    with open_store(config) as store:
        return [{"canonical_url": d["canonical_url"], "title": d.get("title")} for d in store.find(ARTICLES)]


SETTINGS = {"NEWSBOT_RESUMABLE": "1", "CONCURRENT_REQUESTS": 2, "NEWSBOT_STORE_BATCH_SIZE": 3,
            "NEWSBOT_STORE_FLUSH_SECONDS": 0.5, "NEWSBOT_EXTRACT_WORKERS": 2}


def test_kill_9_midway_then_resume_finishes_without_loss_or_duplicates(site_factory, crawl, tmp_path):
    site, paths = _slow_site(site_factory)
    url = site.url("/rss.xml")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}", "-a", "source=yavas",
           "-s", f"NEWSBOT_DATA_DIR={tmp_path / 'data'}", "-s", "AUTOTHROTTLE_ENABLED=False"]
    for key, value in SETTINGS.items():
        cmd += ["-s", f"{key}={value}"]
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while len(_stored(tmp_path)) < 6 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the first crawl ended before it could be killed"
        children = child_pids(proc.pid)  # a crawl's only child processes: its two extraction workers
        assert len(children) == 2, children
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        # They notice their parent is gone and exit: no orphans left holding memory.
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if alive(pid)]
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        if proc.stderr:
            proc.stderr.close()
    before = _stored(tmp_path)
    first_hits = sum(site.hits.get(p, 0) for p in paths)
    assert 6 <= len(before) < N
    job_state = json.loads((tmp_path / "data" / "jobs" / "yavas" / "newsbot-job.json").read_text())
    assert job_state["state"] == "running"  # as the killed process left it

    result = crawl("news", "-a", f"url={url}", "-a", "source=yavas", settings=SETTINGS, timeout=180)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert result.stats.get("newsbot/job/resumed") == "crashed"
    # Articles the killed crawl had stored are not fetched again…
    assert result.stats.get("newsbot/skipped/already_stored") == len(before)
    assert result.stats.get("newsbot/article_pages") == N - len(before)
    assert sum(site.hits.get(p, 0) for p in paths) == first_hits + N - len(before)
    # …and the store ends with every article exactly once.
    after = _stored(tmp_path)
    urls = [d["canonical_url"] for d in after]
    assert len(urls) == len(set(urls)) == N
    assert {d["title"] for d in after} == {f"Yavaş haber {i}" for i in range(N)}
    job_state = json.loads((tmp_path / "data" / "jobs" / "yavas" / "newsbot-job.json").read_text())
    assert job_state["state"] == "finished"


def test_finished_job_starts_fresh_next_time(demo_site, crawl):
    args = ("news", "-a", f"url={demo_site.url('/rss.xml')}", "-a", "source=yerel")
    settings = {"NEWSBOT_RESUMABLE": "1", "NEWSBOT_INCREMENTAL": "False"}  # incremental skipping is not the job's
    first = crawl(*args, settings=settings)
    second = crawl(*args, settings=settings)
    assert first.returncode == second.returncode == 0
    # A finished job is not resumed: the next run fetches every article again (and refreshes it).
    assert first.stats.get("newsbot/article_pages") == second.stats.get("newsbot/article_pages") == 3
    assert "newsbot/job/resumed" not in second.stats
