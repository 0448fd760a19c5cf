"""Helpers for newsbot's spawned child processes (extraction workers, the dedupe and store children)."""

from __future__ import annotations

import os
import threading
import time


def exit_with_parent(interval: float = 1.0) -> None:
    """Exit when the process that started this one is gone.

    A ProcessPoolExecutor worker blocks on its task queue, and it holds both ends of that pipe itself, so
    when the crawl is killed (kill -9, an OOM kill, a scheduler's hard timeout) the worker never sees
    end-of-file and would live on as an orphan holding its memory. Call this in the pool's initializer."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="newsbot-exit-with-parent", daemon=True).start()
