"""CPU per article page by process and by stage, from a `py-spy record --subprocesses --format raw` file of a
whole crawl (bench/profile_crawl.py --stages).

Each raw line is one distinct stack and its sample count; with --subprocesses the stack starts with one
`process PID:"cmdline"` frame per level of the process tree (crawl process → fork server → forked child).
A sample's stage is named by its innermost frame that matches a rule below (so `re` called from chrome
stripping counts as chrome stripping, pickle called by the extraction pool as hand-off). The rules match
file paths loosely (`extract/`, `store`, `dedupe`…), so that they survive modules moving between folders.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

# (stage, pattern on a frame "function (path:line)"), tried from the innermost frame outwards.
RULES: list[tuple[str, re.Pattern]] = [(stage, re.compile(pattern)) for stage, pattern in [
    ("start-up imports", r"importlib\._bootstrap|<frozen importlib"),
    ("extraction", r"\((newsbot/)?extract/|trafilatura/|htmldate/|justext/|readability/|courlan/|dateparser/"),
    ("chrome stripping", r"strip_chrome|chrome\.py"),
    ("dedupe (story signatures, clustering)", r"dedupe|stories\.py|story_store|story|datasketch/|signer"),
    ("store", r"store|litemongo/|mongomock/|pymongo/|bson/|sqlite3/|spool"),
    ("hand-off between processes (pickle, pipes, pools)",
     # data movement only: every forked child's outermost frames are multiprocessing's bootstrap, which
     # must not claim the samples no inner rule named
     r"multiprocessing/(connection|queues|reduction)|extract_pool|pickle|copyreg"),
    ("Scrapy, Twisted (fetch, schedule, parse)", r"scrapy/|twisted/|parsel/|w3lib/|h2/|OpenSSL/|zope/"),
    ("newsbot, other", r"newsbot/|pipelines/"),  # only when no frame matched a rule above (stage_of)
]]
# py-spy's idle test (without --idle) misses threads blocked in these calls (seen in a whole-crawl profile: the
# reactor's select, pool and writer threads in Condition.wait, pipe reads and writes that block on the other
# side, and processes with no Python frame at all, such as the fork server in its C wait): such samples are
# waiting, not CPU, and are left out.
WAITING = re.compile(r"^(\S*select|Condition\.wait|Event\.wait|Thread\.join|_wait_for_tstate_lock|wait|sleep|"
                     r"Queue\.get|Connection\._(recv|send|poll)|_poll|accept|_recv_bytes|_recv|_send_bytes|read|"
                     r"readinto) \(")
# A process frame's cmdline may hold ";" itself (multiprocessing's "import main;main(3)"): it ends at '";'.
_PROCESS = re.compile(r'process (\d+):"(.*?)"(?:;|$)')


def stage_of(frames: list[str]) -> str:
    """The first rule, innermost frame first, that matches; the catch-all rules (the last one, then none)
    only for stacks no specific rule matches: newsbot.text helpers called by chrome stripping are chrome
    stripping."""
    for rules in (RULES[:-1], RULES[-1:]):
        for frame in reversed(frames):
            for stage, pattern in rules:
                if pattern.search(frame):
                    return stage
    return "other (interpreter, GC, stdlib)"


def process_of(stack: str) -> tuple[str, list[str]]:  # key: "crawl", "fork server", "forked child PID"…
    """(process key, the Python frames) of a raw stack: the key is the process's level and cmdline kind."""
    chain = []
    while m := _PROCESS.match(stack):
        chain.append((m.group(1), m.group(2)))
        stack = stack[m.end():]
    frames = [f for f in stack.split(";") if f]
    if not chain:
        return "crawl ?", frames
    pid, cmdline = chain[-1]
    if len(chain) == 1:
        return f"crawl {pid}", frames
    if "resource_tracker" in cmdline:
        return f"resource tracker {pid}", frames
    if len(chain) == 2:
        return ("fork server" if "forkserver" in cmdline else "child") + f" {pid}", frames
    return f"forked child {pid}", frames


def read(raw: Path) -> tuple[Counter, dict[str, Counter]]:
    """Samples per stage and per (process, stage); waiting samples under the stage WAITING_STAGE."""
    by_stage: Counter = Counter()
    by_process: dict[str, Counter] = defaultdict(Counter)
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        process, frames = process_of(stack)
        stage = WAITING_STAGE if not frames or WAITING.match(frames[-1]) else stage_of(frames)
        by_stage[stage] += int(count)
        by_process[process][stage] += int(count)
    return by_stage, by_process


WAITING_STAGE = "waiting (left out)"


def role(process: str, stages: Counter) -> str:
    """Forked children named by what they mostly run (extraction worker, dedupe child, store child)."""
    if not process.startswith("forked child"):
        return process.rsplit(" ", 1)[0]
    busy = Counter({k: v for k, v in stages.items() if k != WAITING_STAGE}) or stages
    return f"{process} ({busy.most_common(1)[0][0].split(' ')[0]})"


def stage_report(raw: Path, rate: int, pages: int, cpu_by_pid: dict[int, float] | None = None) -> dict:
    """Print and return CPU ms per article page by stage and by process.

    Samples / rate counts the time a thread was runnable, which on a loaded machine includes time spent
    waiting for a core; so when the measured CPU seconds of each process are given (cpu_by_pid, from
    /proc during the same crawl), each process's samples are scaled to its measured CPU and only the shares
    between its stages come from py-spy."""
    by_stage, by_process = read(raw)
    waiting = by_stage.pop(WAITING_STAGE, 0)
    per_sample = 1000.0 / rate / max(1, pages)  # ms/page of one sample, unscaled
    stage_ms: Counter = Counter()
    rows = {}
    for process, counts in by_process.items():
        busy = Counter({k: v for k, v in counts.items() if k != WAITING_STAGE})
        if not busy:
            continue
        pid = int(process.rsplit(" ", 1)[1]) if process.rsplit(" ", 1)[1].isdigit() else None
        scale = per_sample
        if cpu_by_pid and pid in cpu_by_pid:
            scale = 1000.0 * cpu_by_pid[pid] / max(1, pages) / sum(busy.values())
        ms = {k: v * scale for k, v in busy.items()}
        stage_ms.update(ms)
        rows[role(process, busy)] = {"ms_per_page": round(sum(ms.values()), 2),
                                     "stages": {k: round(v, 2) for k, v in Counter(ms).most_common(5)}}
    out = {"pages": pages, "rate": rate, "samples": sum(by_stage.values()), "waiting_samples": waiting,
           "scaled_to_measured_cpu": bool(cpu_by_pid), "ms_per_page": round(sum(stage_ms.values()), 2),
           "by_stage": {k: round(v, 2) for k, v in stage_ms.most_common()},
           "by_process": dict(sorted(rows.items(), key=lambda kv: -kv[1]["ms_per_page"]))}
    how = "scaled per process to its measured CPU" if cpu_by_pid else "samples / rate"
    print(f"\nCPU ms per article page over {pages} pages ({out['samples']} on-CPU samples at {rate}/s, {how}; "
          f"{waiting} samples of blocked threads left out): {out['ms_per_page']:.2f} ms/page in all")
    print("\n-- by stage (all processes) --")
    for stage, value in out["by_stage"].items():
        print(f"{value:8.2f}  {stage}")
    print("\n-- by process --")
    for process, row in out["by_process"].items():
        parts = ", ".join(f"{k} {v:.2f}" for k, v in row["stages"].items())
        print(f"{row['ms_per_page']:8.2f}  {process}: {parts}")
    return out
