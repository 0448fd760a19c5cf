"""Helpers for newsbot's spawned child processes (extraction workers, the dedupe and store children)."""

from __future__ import annotations

import multiprocessing
import os
import threading


def exit_with_parent() -> None:
    """Exit as soon as the process that spawned this one is gone.

    A ProcessPoolExecutor worker blocks on its task queue, and it holds both ends of that pipe itself, so
    when the crawl is killed (kill -9, an OOM kill, a scheduler's hard timeout) the worker never sees
    end-of-file and would live on as an orphan holding its memory. multiprocessing gives a spawned child
    a handle that closes when the parent exits (also when it died before this call). Call this in the
    pool's initializer."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, name="newsbot-exit-with-parent", daemon=True).start()
