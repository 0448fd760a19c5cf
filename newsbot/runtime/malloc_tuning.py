"""glibc's allocator in the crawl process: free heap memory given back to the system every few seconds.

A crawl process allocates and frees page-sized blocks all the time (page bodies, their decoded text,
the pickled copies sent to the extraction workers: 50–250 KB each) between small objects that live
long (URLs seen, request fingerprints). glibc serves such blocks from its heap once its mmap threshold
has risen past them, and free space between live objects stays counted in RSS: measured, the crawl
process's RSS grew 17–20 MiB from 2,000 to 20,000 pages, three quarters of it outside Python's own
objects (tracemalloc). `malloc_trim(0)` every TRIM_SECONDS releases the free pages: with it the growth
was +6.1 % instead of +9.9–11.5 %, at no CPU cost the benchmark could see (bench/throughput.py,
BENCHMARKS.md §2); every 5 s gave +8.0 %. (A fixed 32 KiB mmap threshold gave +5.3 % but cost the crawl
process ~10 % more CPU: every page-sized block then needs fresh zeroed pages.) Linux/glibc only;
elsewhere nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable

from scrapy import signals

logger = logging.getLogger(__name__)

TRIM_SECONDS = 1.0


def malloc_trim() -> Callable[[], int] | None:
    """glibc's malloc_trim(0) as a callable, or None where there is none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return lambda: trim(0)


class MallocTrim:
    """Extension: malloc_trim(0) in the crawl process every TRIM_SECONDS while the spider runs."""

    def __init__(self) -> None:
        self.trim = malloc_trim()
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls()
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        if self.trim is None:
            logger.debug("malloc trim: no glibc malloc_trim here")
            return
        from twisted.internet import task

        self.loop = task.LoopingCall(self.trim)
        self.loop.start(TRIM_SECONDS, now=False)

    def spider_closed(self, spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
