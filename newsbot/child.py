"""newsbot's spawned child processes (extraction workers, the dedupe and store children): one way to start
them, so that every one of them exits with the crawl."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


def spawn_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = (),
               max_tasks_per_child: int | None = None) -> ProcessPoolExecutor:
    """A process pool whose workers are spawned, not forked (the crawl process has threads and a running
    reactor), and exit as soon as the process that started them is gone (see exit_with_parent)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_child, initargs=(initializer, initargs),
                               max_tasks_per_child=max_tasks_per_child)


def _start_child(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    exit_with_parent()
    if initializer is not None:
        initializer(*initargs)


def exit_with_parent() -> None:
    """Exit as soon as the process that spawned this one is gone.

    A ProcessPoolExecutor worker blocks on its task queue, and it holds both ends of that pipe itself, so
    when the crawl is killed (kill -9, an OOM kill, a scheduler's hard timeout) the worker never sees
    end-of-file and would live on as an orphan holding its memory. multiprocessing gives a spawned child
    a handle that closes when the parent exits (also when it died before this call)."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, name="newsbot-exit-with-parent", daemon=True).start()
