"""Extraction in worker processes (newsbot/runtime/extract_pool.py): same fields as in the reactor thread, and a
worker that dies does not lose the page or stop the crawl."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import time

import pytest

from newsbot.demo.server import DEMO_SITE
from newsbot.extract import extract_article
from newsbot.runtime.child import child_pool
from newsbot.runtime.extract_pool import ExtractionPool, extract_page, worker_count
from newsbot.sources import load_sources
from newsbot.urls import canonical_url

PAGE = DEMO_SITE / "haber" / "kuzey-kore-lideri-kim-rusya-disisleri-bakani-lavrovu-agirladi-3664.html"
URL = "http://127.0.0.1/haber/kuzey-kore-lideri-kim-rusya-disisleri-bakani-lavrovu-agirladi-3664.html"


def test_worker_count_setting():
    assert worker_count("auto") == len(os.sched_getaffinity(0))
    assert worker_count("0") == 0
    assert worker_count(3) == 3
    for bad in ("-1", "many", 1.5j):
        with pytest.raises(ValueError, match="NEWSBOT_EXTRACT_WORKERS"):
            worker_count(bad)


def test_pool_gives_the_inline_fields_and_survives_a_killed_worker():
    body = PAGE.read_bytes()
    config = load_sources().get("iha")
    pool = ExtractionPool(1, config)  # the crawl's own config: the workers inherit it, pages go without it
    try:
        # Forked now, the worker knows what this process knows (e.g. the site templates it learned,
        # newsbot/extract/site_template.py): this process's next page and the worker's first give the same.
        pool.warm()
        inline = extract_page(body, URL, config, "text/html; charset=utf-8")
        fields = extract_article(body, URL, config, "text/html; charset=utf-8")
        assert {k: v for k, v in inline.items() if k not in ("canonical_url", "content_hash")} == \
            {k: v for k, v in fields.items() if k != "canonical_url"}
        assert inline["canonical_url"] == canonical_url(fields["canonical_url"])
        first = asyncio.run(pool.extract(body, URL, config, "text/html; charset=utf-8"))
        assert first == inline and first["title"].startswith("Kuzey Kore lideri Kim")
        (worker,) = multiprocessing.active_children()
        assert worker.pid != os.getpid()
        os.kill(worker.pid, signal.SIGKILL)  # as the OOM killer would
        worker.join(30)
        # The page meets the broken pool: the pool is rebuilt and the page tried once more.
        again = asyncio.run(pool.extract(body, URL, config, "text/html; charset=utf-8"))
        # The new worker is forked from this process, which has seen the page twice more since: only whether a
        # learned template served the body may differ.
        assert {k: v for k, v in again.items() if k != "template"} == \
            {k: v for k, v in inline.items() if k != "template"}
        assert pool.restarts == 1
    finally:
        pool.close()


def test_crawl_items_are_the_same_with_and_without_workers(demo_site, crawl):
    runs = {}
    for workers in (0, 2):
        result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}",
                       settings={"NEWSBOT_EXTRACT_WORKERS": workers, "NEWSBOT_INCREMENTAL": False})
        assert result.returncode == 0, result.log[-2000:]
        assert result.stats["newsbot/extract/workers"] == workers
        runs[workers] = sorted(({k: v for k, v in item.items() if k != "fetched_at"} for item in result.items),
                               key=lambda item: item["url"])
    assert runs[2] and runs[0] == runs[2]


def test_workers_start_with_the_parents_objects_out_of_the_collectors_reach():
    """gc.freeze() before the fork: a collection in a worker never writes to (and so copies the pages of)
    the objects it shares with the crawl process."""
    pool = child_pool(1)
    try:
        frozen = pool.submit(gc.get_freeze_count).result(timeout=60)
    finally:
        pool.shutdown()
        gc.unfreeze()
    assert frozen > 10_000  # pytest's and the imports' objects


ORPHAN_PARENT = r'''
import multiprocessing, os, sys, time
sys.path.insert(0, {root!r})
from newsbot.runtime.child import child_pool

if __name__ == "__main__":
    pool = child_pool(1)
    pool.submit(int)  # forks the worker
    print(*[p.pid for p in multiprocessing.active_children()], flush=True)
    time.sleep({delay})  # 0.0: killed while the worker is still starting; 2.0: once it runs
    os.kill(os.getpid(), 9)
'''


@pytest.mark.parametrize("delay", [0.0, 2.0])
def test_children_exit_when_the_crawl_process_is_killed(tmp_path, delay):
    import subprocess
    import sys

    from tests.plugin_sites import ROOT
    from tests.procs import alive

    script = tmp_path / "parent.py"
    script.write_text(ORPHAN_PARENT.format(root=str(ROOT), delay=delay), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    (child,) = [int(p) for p in out.stdout.split()]

    deadline = time.monotonic() + 20
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child), f"worker {child} outlived its killed parent"
