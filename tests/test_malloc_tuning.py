"""The crawl process gives free heap memory back to the system while the spider runs (glibc)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from newsbot.malloc_tuning import MallocTrim, malloc_trim

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_trim_returns_freed_heap_pages_that_glibc_keeps():
    trim = malloc_trim()
    assert trim is not None
    trim()
    # Page-sized blocks between small long-lived heap objects, as a crawl makes them (bodies between URLs
    # and fingerprints); then the blocks are freed: holes inside the heap, which free() cannot give back.
    blocks, keep = [], []
    for _ in range(3000):
        blocks.append(bytearray(60_000))  # under glibc's mmap threshold: from the heap
        keep.append(bytearray(1_000))  # over Python's small-object limit: from the heap too, after the block
    blocks.clear()
    before = _rss_kib()
    trim()
    after = _rss_kib()
    assert before - after > 50_000, (before, after)  # most of the ~180 MB freed goes back
    assert len(keep) == 3000


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
