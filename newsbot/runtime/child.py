"""newsbot's one kind of child process, the extraction workers: forked from the crawl process, and gone
with it.

They are forked (multiprocessing's "fork" start method) when the spider is created, before the crawl
process has started any thread or its reactor: then a worker starts in milliseconds, needs no fork
server process, and shares the crawl process's imported modules (Scrapy, lxml, trafilatura…) and the
extractor's warm-up instead of holding copies of its own. Measured on 2,000 realistic pages
(BENCHMARKS.md §0c): a fork server preloading the extraction modules cost 34–51 MiB more tree PSS (its
own copy of them, plus multiprocessing's resource tracker process); spawned workers cost more still, and
~1.5 s of CPU each to import. A pool rebuilt after a worker died is forked from the running crawl
(threads and all); the new worker only extracts, touching none of the other threads' locks, and Python
re-initialises its own (imports, logging) in the child.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from newsbot.runtime.malloc_tuning import TRIM_SECONDS, malloc_trim


def child_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of `workers` forked workers that exit as soon as the process that started them is
    gone (see exit_with_parent). With "fork", all of them are forked at the first submit."""
    # The objects alive now are shared with the workers; a garbage collection in a worker would write to
    # every one of them (gc.freeze's documentation), copying their pages: moved out of the collector's reach.
    gc.freeze()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=exit_with_parent)


def exit_with_parent() -> None:
    """Exit as soon as the process that started this one is gone; meanwhile give free heap pages back to
    the system every TRIM_SECONDS.

    A ProcessPoolExecutor worker blocks on its task queue, and it holds both ends of that pipe itself, so
    when the crawl is killed (kill -9, an OOM kill, a scheduler's hard timeout) the worker never sees
    end-of-file and would live on as an orphan holding its memory. multiprocessing gives a child a handle
    on a pipe whose other end only the parent holds, so it closes when the parent exits (also when it
    died before this call). The same thread trims the heap while it waits: lxml's trees (libxml2 allocates
    outside Python's allocator) leave free pages between live blocks, as in the crawl process
    (newsbot/runtime/malloc_tuning.py); measured on 600 realistic pages, a worker's private memory was
    ~5 MiB lower with it."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child
        return
    trim = malloc_trim()

    def watch() -> None:
        while True:
            parent.join(TRIM_SECONDS if trim else None)
            if not parent.is_alive():
                os._exit(0)
            if trim:
                trim()

    threading.Thread(target=watch, name="newsbot-exit-with-parent", daemon=True).start()
