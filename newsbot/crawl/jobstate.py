"""Crash-safe use of Scrapy's JOBDIR: a small job record beside Scrapy's own state."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ResumableJob:
    """Crash-safe use of Scrapy's JOBDIR. Scrapy saves its request queue and seen-set for a *graceful*
    stop; after kill -9 the queue's index is never written while the seen-set already lists every
    queued request, so a plain resume would silently lose them. newsbot keeps `newsbot-job.json` in
    the JOBDIR (state running/stopped/finished, start time, pid):

    - stopped (Ctrl-C, a closespider limit): Scrapy's own resume, untouched;
    - running but that process is gone (crashed, killed): the queue and seen-set are dropped, the start
      points are crawled again, and article URLs this job already stored are skipped (read from the
      store: the store is the truth, whatever was still in a write batch is fetched again);
    - finished: the next run starts a new job (the directory is cleared first).

    newsbot only ever deletes inside a directory it created: it writes MARKER_FILE when it creates the
    JOBDIR (or finds it empty), and refuses (JobDirError, one line) a non-empty directory without it — a
    mistyped NEWSBOT_JOBDIR=/home/me must never be emptied by the next run.
    """

    STATE_FILE = "newsbot-job.json"
    MARKER_FILE = ".newsbot-jobdir"

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.state_file = self.path / self.STATE_FILE
        self.started = _now_iso()
        self.resumed = ""  # "", "stopped" or "crashed"

    def open(self) -> None:
        self._claim_dir()
        previous = self._read()
        state = previous.get("state")
        if state == "running":
            pid = previous.get("pid")
            if isinstance(pid, int) and pid != os.getpid() and _pid_alive(pid):
                raise RuntimeError(f"JOBDIR {self.path} is in use by a running crawl (pid {pid})")
            for name in ("requests.seen", "requests.queue"):
                target = self.path / name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
            self.resumed = "crashed"
        elif state == "stopped":
            self.resumed = "stopped"
        elif state == "finished":
            self._clear()
        if self.resumed:
            self.started = previous.get("started") or self.started
        self.write("running")

    def _claim_dir(self) -> None:
        """Create the JOBDIR with newsbot's marker, or check that an existing one carries it."""
        marker = self.path / self.MARKER_FILE
        if self.path.is_dir() and not marker.is_file():
            if any(self.path.iterdir()):
                raise JobDirError(f"JOBDIR {self.path} is not empty and was not created by newsbot (no "
                                  f"{self.MARKER_FILE} in it): newsbot clears its JOBDIR, so name a new or empty "
                                  "directory")
        elif self.path.exists() and not self.path.is_dir():
            raise JobDirError(f"JOBDIR {self.path} exists and is not a directory")
        self.path.mkdir(parents=True, exist_ok=True)
        marker.write_text("newsbot job directory: newsbot may delete everything in it\n", encoding="utf-8")

    def _clear(self) -> None:
        """Empty a finished job's directory (its marker was checked by _claim_dir), keeping the marker."""
        for child in self.path.iterdir():
            if child.name == self.MARKER_FILE:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def _read(self) -> dict:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write(self, state: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"state": state, "started": self.started, "pid": os.getpid()}), encoding="utf-8")
        os.replace(tmp, self.state_file)


class JobDirError(RuntimeError):
    """NEWSBOT_JOBDIR names a directory newsbot must not clear."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
