"""Process helpers for tests that kill a crawl and check what it leaves behind (Linux /proc)."""

from __future__ import annotations

import contextlib
from pathlib import Path


def child_pids(pid: int) -> list[int]:
    """The descendants of `pid` (children, their children…: a browser's own processes, say)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread or process that ended meanwhile
            for child in (task / "children").read_text().split():
                found += [int(child), *child_pids(int(child))]
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
