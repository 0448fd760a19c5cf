"""Garbage-collector tuning: in the crawl process once the engine starts, and in every child process."""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.utils.test import get_crawler

from newsbot.runtime.child import child_pool
from newsbot.runtime.gc_tuning import THRESHOLDS, GcTuning


def _gc_state() -> tuple[tuple[int, int, int], int]:
    return gc.get_threshold(), gc.get_freeze_count()


def test_the_extension_tunes_the_crawl_process_when_the_engine_starts():
    before = gc.get_threshold()
    assert before != THRESHOLDS  # pytest runs with Python's own settings
    crawler = get_crawler(settings_dict={})
    ext = GcTuning.from_crawler(crawler)  # noqa: F841 - signal receivers are weak references: keep it
    assert gc.get_threshold() == before  # nothing at start-up yet
    try:
        crawler.signals.send_catch_log(signals.engine_started)
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # start-up's objects (pytest's and the imports') frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_child_processes_start_tuned():
    pool = child_pool(1)
    try:
        thresholds, frozen = pool.submit(_gc_state).result(timeout=60)
    finally:
        pool.shutdown()
    assert tuple(thresholds) == THRESHOLDS
    assert frozen > 10_000  # the fork server's imports
