"""Run one crawl as its own process (own session), with a hard timeout; never two of one source at once."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsbot.monitor.health import FAIL, HEALTH_FILE_ENV

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("schedules")
# After the crawl process exits, its children (the extraction workers) need a
# moment to notice and exit by themselves: ~0.25 s on an idle machine, 1.3-1.6 s measured on 2 busy cores
# (load average ~14). Only what outlives this is killed and reported as left behind.
CHILDREN_EXIT_WAIT = 3.0

# `{source}` is replaced by the source name (CrawlRunner(template=…) runs another command instead).
DEFAULT_CRAWL_CMD = [sys.executable, "-m", "scrapy", "crawl", "{source}"]


@dataclass
class CrawlOutcome:
    source: str
    returncode: int | None  # None: refused (already running, or the runner is stopping)
    duration: float = 0.0
    timed_out: bool = False
    verdict: str | None = None  # the crawl's run-health verdict (ok / warn / fail), None when it wrote none
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The crawl exited 0 in time and its own health verdict is not fail."""
        return self.returncode == 0 and not self.timed_out and self.verdict != FAIL

    def describe(self) -> str:
        """Why it failed, in a few words ("" when ok)."""
        if self.returncode is None:
            return "refused"
        if self.timed_out:
            return "timed out"
        if self.verdict == FAIL:
            return "health fail"
        return "" if self.ok else f"exit code {self.returncode}"


def crawl_command(source: str, args: tuple[str, ...] = (), template: str | None = None) -> list[str]:
    base = shlex.split(template) if template else DEFAULT_CRAWL_CMD
    return [part.replace("{source}", source) for part in base] + list(args)


def _process_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, session id, start time) of every live process (Linux /proc; {} without it)."""
    table = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # after "pid (comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
        # stime cutime cstime priority nice num_threads itrealvalue starttime
        if fields[0] != b"Z":
            table[int(entry)] = (int(fields[1]), int(fields[3]), int(fields[19]))
    return table


def crawl_processes(leader: int) -> dict[int, int]:
    """Live processes of the crawl started as `leader` (a session leader), as pid -> start time:
    its session, and every descendant of the leader or of a session member. Chromium puts itself
    in a session of its own, but it stays a child of the Playwright driver."""
    table = _process_table()
    found = {pid for pid, (_, sid, _) in table.items() if sid == leader}
    if leader in table:
        found.add(leader)
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    todo = list(found)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return {pid: table[pid][2] for pid in found}


def session_members(sid: int) -> list[int]:
    """Pids of the live processes that belong to the crawl started as `sid` (see crawl_processes)."""
    return sorted(crawl_processes(sid))


def wait_for_exit(leader: int, timeout: float = CHILDREN_EXIT_WAIT, every: float = 0.05) -> dict[int, int]:
    """Wait up to `timeout` seconds for the processes of the crawl started as `leader` to be gone; returns
    what is still running then (crawl_processes())."""
    deadline = time.monotonic() + timeout
    while True:
        left = crawl_processes(leader)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(every)


def read_verdict(path: Path) -> tuple[str | None, list[str]]:
    """(verdict, reasons) from the file a crawl's run health wrote (newsbot.monitor.health.write_verdict); (None, [])
    when it wrote nothing (run health off, or the crawl died first) or the file is not what it wrote."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
    except (OSError, ValueError):
        return None, []
    if not isinstance(data, dict) or not isinstance(data.get("verdict"), str):
        return None, []
    return data["verdict"], [str(r) for r in data.get("reasons") or []]


def kill_crawl(leader: int, known: dict[int, int] | None = None) -> int:
    """SIGKILL the crawl's process group, its session and their descendants, and the processes in
    `known` (an earlier crawl_processes() snapshot, taken while the process tree was whole) that are
    still the same processes. Returns how many were signalled."""
    try:
        os.killpg(leader, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    killed: set[int] = set()
    for _ in range(2):  # a second pass for anything started while the first one ran
        targets = crawl_processes(leader)
        if known:
            table = _process_table()
            targets.update({pid: start for pid, start in known.items() if table.get(pid, (0, 0, -1))[2] == start})
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        if not targets:
            break
    return len(killed)


class CrawlRunner:
    """Starts crawls as subprocesses in new sessions and keeps track of them by source."""

    def __init__(self, template: str | None = None, cwd: Path = ROOT, term_grace: float = 10.0,
                 log_dir: Path | None = None) -> None:
        self.template = template
        self.cwd = cwd
        self.term_grace = term_grace  # after SIGTERM (timeout/stop), this long before SIGKILL
        self.log_dir = log_dir
        self._running: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def running(self) -> list[str]:
        with self._lock:
            return sorted(self._running)

    def _claim(self, source: str) -> bool:
        with self._lock:
            if self._stopping.is_set() or source in self._running:
                return False
            self._running[source] = None  # type: ignore[assignment]  # reserved until started
            return True

    def run(self, source: str, timeout: float, args: tuple[str, ...] = ()) -> CrawlOutcome:
        """Run `scrapy crawl <source>` to its end or its timeout; refuse if one is already running."""
        if not self._claim(source):
            why = "the scheduler is stopping" if self._stopping.is_set() else "a crawl of it is still running"
            log.warning("crawl %s refused: %s", source, why)
            return CrawlOutcome(source, None)
        cmd = crawl_command(source, args, self.template)
        started = time.monotonic()
        out = None
        # The crawl writes its health verdict here (newsbot.monitor.health); the exit code alone says less.
        fd, name = tempfile.mkstemp(prefix=f"newsbot-health-{source}-", suffix=".json")
        os.close(fd)
        health_file = Path(name)
        try:
            if self.log_dir:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                out = open(self.log_dir / f"{source}-{stamp}.log", "ab")
            proc = subprocess.Popen(cmd, cwd=self.cwd, start_new_session=True, stdout=out,
                                    stderr=subprocess.STDOUT if out else None, stdin=subprocess.DEVNULL,
                                    env={**os.environ, HEALTH_FILE_ENV: str(health_file)})
        except OSError as exc:
            with self._lock:
                self._running.pop(source, None)
            if out:
                out.close()
            health_file.unlink(missing_ok=True)
            log.error("crawl %s could not start: %s (command: %s)", source, exc, shlex.join(cmd))
            return CrawlOutcome(source, 127)
        with self._lock:
            self._running[source] = proc
        if self._stopping.is_set():  # stop() came between the claim and the start
            proc.send_signal(signal.SIGTERM)
        log.info("crawl %s started: pid %d, timeout %ss", source, proc.pid, f"{timeout:g}")
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            log.error("crawl %s hit its timeout of %ss: stopping it (pid %d)", source, f"{timeout:g}", proc.pid)
            self._terminate(proc)
        finally:
            leftovers = wait_for_exit(proc.pid) if proc.returncode is not None else {}
            if leftovers:
                kill_crawl(proc.pid, leftovers)
                log.warning("crawl %s left %d process(es) behind: killed", source, len(leftovers))
            with self._lock:
                self._running.pop(source, None)
            if out:
                out.close()
            verdict, reasons = read_verdict(health_file)
            with contextlib.suppress(OSError):
                health_file.unlink()
        outcome = CrawlOutcome(source, proc.returncode, time.monotonic() - started, timed_out, verdict, reasons)
        level = logging.INFO if outcome.ok else logging.ERROR
        health = f", health {verdict}" + (f" ({'; '.join(reasons)})" if reasons else "") if verdict else ""
        log.log(level, "crawl %s ended: exit code %s%s, %.1fs%s", source, proc.returncode, health, outcome.duration,
                " (killed at timeout)" if timed_out else "")
        return outcome

    def _terminate(self, proc: subprocess.Popen, grace: float | None = None) -> None:
        """SIGTERM the crawl (Scrapy then closes the spider and writes its run record), SIGKILL its
        processes after `grace` seconds, and reap it."""
        grace = self.term_grace if grace is None else grace
        known = crawl_processes(proc.pid)  # while the tree is whole: the browser is still a child
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            log.warning("crawl pid %d still running %ss after SIGTERM: killing its process group", proc.pid,
                        f"{grace:g}")
        except ProcessLookupError:
            pass
        kill_crawl(proc.pid, known)
        proc.wait()

    def _live(self) -> list[subprocess.Popen]:
        with self._lock:
            return [p for p in self._running.values() if p is not None]

    def stop(self, grace: float | None = None) -> None:
        """Refuse new crawls and ask the running ones to finish (SIGTERM); with `grace`, kill what is
        still running that many seconds later. Returns at once (safe to call from a signal handler)."""
        self._stopping.set()
        for proc in self._live():
            try:
                proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        if grace is not None:
            timer = threading.Timer(grace, self._kill_all, args=(grace,))
            timer.daemon = True
            timer.start()

    def _kill_all(self, grace: float) -> None:
        for proc in self._live():
            log.warning("crawl pid %d did not finish within %ss of the stop: killing it", proc.pid, f"{grace:g}")
            kill_crawl(proc.pid, crawl_processes(proc.pid))

    def shutdown(self, grace: float) -> None:
        """stop(), wait up to `grace` seconds for running crawls, kill what is left, wait for the reaping."""
        self.stop()
        deadline = time.monotonic() + grace
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        self._kill_all(grace)
        deadline = time.monotonic() + self.term_grace
        while self.running() and time.monotonic() < deadline:  # job threads reap them and log the end
            time.sleep(0.05)
