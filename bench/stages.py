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
    ("Scrapy, Twisted (fetch, schedule, parse)", r"scrapy/|twisted/|parsel/|w3lib/|h2/|OpenSSL/|zope/|lxml/"),
    ("newsbot, other", r"newsbot/|pipelines/"),
]]
# A process frame's cmdline may hold ";" itself (multiprocessing's "import main;main(3)"): it ends at '";'.
_PROCESS = re.compile(r'process (\d+):"(.*?)"(?:;|$)')


def stage_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        for stage, pattern in RULES:
            if pattern.search(frame):
                return stage
    return "other (interpreter, GC, stdlib)"


def process_of(stack: str) -> tuple[str, list[str]]:
    """(process key, the Python frames) of a raw stack: the key is the process's level and cmdline kind."""
    chain = []
    while m := _PROCESS.match(stack):
        chain.append((m.group(1), m.group(2)))
        stack = stack[m.end():]
    frames = [f for f in stack.split(";") if f]
    if not chain:
        return "crawl", frames
    pid, cmdline = chain[-1]
    if len(chain) == 1:
        return "crawl", frames
    if "resource_tracker" in cmdline:
        return "resource tracker", frames
    if len(chain) == 2:
        return ("fork server" if "forkserver" in cmdline else f"child {pid}"), frames
    return f"forked child {pid}", frames


def read(raw: Path) -> tuple[Counter, dict[str, Counter]]:
    """Samples per (process, stage)."""
    by_stage: Counter = Counter()
    by_process: dict[str, Counter] = defaultdict(Counter)
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        process, frames = process_of(stack)
        stage = stage_of(frames)
        by_stage[stage] += int(count)
        by_process[process][stage] += int(count)
    return by_stage, by_process


def role(process: str, stages: Counter) -> str:
    """Forked children named by what they mostly run (extraction worker, dedupe child, store child)."""
    if not process.startswith("forked child"):
        return process
    top = stages.most_common(1)[0][0].split(" ")[0]
    return f"{process} ({top})"


def stage_report(raw: Path, rate: int, pages: int) -> dict:
    """Print and return CPU ms per article page by stage and by process (samples / rate / pages)."""
    by_stage, by_process = read(raw)
    ms = 1000.0 / rate / max(1, pages)
    total = sum(by_stage.values())
    out = {"pages": pages, "rate": rate, "samples": total, "ms_per_page": round(total * ms, 2),
           "by_stage": {k: round(v * ms, 2) for k, v in by_stage.most_common()},
           "by_process": {role(p, c): {"ms_per_page": round(sum(c.values()) * ms, 2),
                                       "stages": {k: round(v * ms, 2) for k, v in c.most_common(4)}}
                          for p, c in sorted(by_process.items(), key=lambda pc: -sum(pc[1].values()))}}
    print(f"\nCPU ms per article page from {total} on-CPU samples at {rate}/s over {pages} pages: "
          f"{out['ms_per_page']:.2f} ms/page in all")
    print("\n-- by stage (all processes) --")
    for stage, value in out["by_stage"].items():
        print(f"{value:8.2f}  {stage}")
    print("\n-- by process --")
    for process, row in out["by_process"].items():
        parts = ", ".join(f"{k} {v:.2f}" for k, v in row["stages"].items())
        print(f"{row['ms_per_page']:8.2f}  {process}: {parts}")
    return out
