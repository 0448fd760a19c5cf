"""The crawl process gives free heap memory back to the system while the spider runs (glibc)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from newsbot.runtime.malloc_tuning import MallocTrim, malloc_trim

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


# Run in a fresh interpreter, whose heap state is known: inside the whole test suite's process free()
# was seen to return most of such blocks by itself (31 of ~180 MB left), so nothing was left to trim.
HEAP_HOLES = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from newsbot.runtime.malloc_tuning import malloc_trim

def rss():
    return [int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmRSS:")][0]

trim = malloc_trim()
trim()
# Page-sized blocks between small long-lived heap objects, as a crawl makes them (bodies between URLs and
# fingerprints); then the blocks are freed: holes inside the heap, which free() cannot give back.
blocks, keep = [], []
for _ in range(3000):
    blocks.append(bytearray(60_000))  # under glibc's mmap threshold: from the heap
    keep.append(bytearray(1_000))  # over Python's small-object limit: from the heap too, after the block
allocated = rss()
blocks.clear()
freed = rss()
trim()
print(json.dumps({{"allocated": allocated, "freed": freed, "trimmed": rss(), "kept": len(keep)}}))
"""


def test_trim_returns_freed_heap_pages_that_glibc_keeps():
    assert malloc_trim() is not None
    script = HEAP_HOLES.format(root=str(Path(__file__).resolve().parent.parent))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    kib = json.loads(out.stdout)
    assert kib["allocated"] - kib["freed"] < 50_000, kib  # free() alone kept most of the ~180 MB
    assert kib["freed"] - kib["trimmed"] > 100_000, kib  # malloc_trim gave it back
    assert kib["kept"] == 3000


def test_the_extension_trims_while_the_spider_runs():
    crawler = get_crawler(settings_dict={})
    ext = MallocTrim.from_crawler(crawler)
    assert ext.loop is None
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    try:
        assert ext.loop is not None and ext.loop.running
    finally:
        crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert not ext.loop.running


WORKER_HOLES = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from newsbot.runtime.child import child_pool
from newsbot.runtime.malloc_tuning import TRIM_SECONDS

def rss():
    return [int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmRSS:")][0]

KEEP = []

def make_holes():
    blocks = []
    for _ in range(3000):
        blocks.append(bytearray(60_000))
        KEEP.append(bytearray(1_000))
    blocks.clear()
    return rss()

pool = child_pool(1)
freed = pool.submit(make_holes).result()
time.sleep(3 * TRIM_SECONDS)
print(json.dumps({{"freed": freed, "later": pool.submit(rss).result()}}))
pool.shutdown()
"""


def test_an_extraction_worker_gives_freed_heap_pages_back_while_it_waits():
    script = WORKER_HOLES.format(root=str(Path(__file__).resolve().parent.parent))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    kib = json.loads(out.stdout)
    assert kib["freed"] - kib["later"] > 100_000, kib  # the worker's own thread trimmed its heap
