"""newsbot's child processes (extraction workers, the dedupe and store children): one way to start them,
so that they start cheaply and every one of them exits with the crawl.

They are forked from multiprocessing's fork server, not forked from the crawl process (it has threads
and a running reactor) and not spawned: a spawned child imports Scrapy, trafilatura, datasketch (with
scipy), pymongo and litemongo itself, 0.5–1.4 s of CPU each — 4 s per crawl with four children, 2 ms
per page of a 2,000-page crawl on two cores. The fork server is one fresh interpreter per crawl
process that imports newsbot.runtime.child_preload once, when the first pool starts; each child is a fork of it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from newsbot.runtime.gc_tuning import tune_gc

# What the fork server imports before it forks (what and why: newsbot/runtime/child_preload.py).
PRELOAD = ["newsbot.runtime.child_preload"]


def child_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = (),
               max_tasks_per_child: int | None = None) -> ProcessPoolExecutor:
    """A process pool whose workers are forked from the fork server (see the module doc) and exit as soon
    as the process that started them is gone (see exit_with_parent)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # used when this process starts its fork server
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_start_child, initargs=(initializer, initargs),
                               max_tasks_per_child=max_tasks_per_child)


def _start_child(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    exit_with_parent()
    tune_gc()  # the fork server's modules frozen: collections never walk (and so never copy) their pages
    if initializer is not None:
        initializer(*initargs)


def exit_with_parent() -> None:
    """Exit as soon as the process that started this one is gone.

    A ProcessPoolExecutor worker blocks on its task queue, and it holds both ends of that pipe itself, so
    when the crawl is killed (kill -9, an OOM kill, a scheduler's hard timeout) the worker never sees
    end-of-file and would live on as an orphan holding its memory. multiprocessing gives a child started
    by spawn or by the fork server a handle on a pipe whose other end only the parent holds, so it
    closes when the parent exits (also when it died before this call)."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, name="newsbot-exit-with-parent", daemon=True).start()
