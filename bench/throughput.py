"""Crawl throughput and peak memory, side by side, on a generated Turkish news site served on 127.0.0.1.

    python bench/throughput.py --pages 2000 [--rounds 2] [--modes bare,ferretdb,embedded] [--kind realistic|light]
                               [--variant 'NAME=-s KEY=VAL ENVVAR=VAL …' …] [--json OUT]

The site (bench/site.py): --kind realistic (default; three templates of real weight, 40–250 KB, ~20–40 ms of
extraction a page like real Turkish pages) or light (the earlier one-template site, ~3 ms of extraction).

Modes (each one a real `scrapy` process, in rotated order per round so that machine noise hits all):
- bare:     bare Scrapy (bench/bare_spider.py, no project settings): same discovery, no item processing;
- ferretdb: `scrapy crawl benchsite`, newsbot's full pipeline, stored into FerretDB (a fresh database);
- embedded: the same into the embedded store (a fresh data directory);
- a --variant NAME: the embedded mode with its own `-s KEY=VAL` settings and `KEY=VAL` environment variables
  (e.g. `--variant 'w1=-s NEWSBOT_EXTRACT_WORKERS=1'`), so that two ways of running newsbot are paired in one
  run; add NAME to --modes.
All crawls: AUTOTHROTTLE off, CONCURRENT_REQUESTS(_PER_DOMAIN) = --concurrency, robots.txt obeyed,
NEWSBOT_INCREMENTAL=False; discovery from the site's RSS feed and its sitemap index.

Rate = article pages fetched / the crawl's elapsed_time_seconds (Scrapy's own: from spider open to
close, so process start-up and imports are left out; the store's final flush is included).
Peak RSS = the crawl process's ru_maxrss (os.wait4); "+workers" = the peak of the RSS summed over the crawl
process and all its descendants (the extraction workers), sampled every 0.2 s; "tree PSS" = the same with
proportional set sizes (pages the workers share with the crawl process they were forked from counted once,
so closer to the memory really used). CPU ms/page = CPU time of the crawl and every process under it per
article page: wait4's rusage, plus the processes left behind when the crawl process exits (workers that
outlive it by a moment), which come to this process (a child subreaper) and are waited for. cpu_main_s =
the crawl process alone (/proc/<pid>/stat, last sample before it exits); cpu_by_process = the same for
every process of the tree (crawl process, each extraction worker), from its last sample — up to 0.2 s of a
process's CPU can fall after it, so their sum is a little below cpu_s; with each process's peak PSS. RSS is
also sampled against the number of article pages served (the server's /__hits), to show whether it grows
along the crawl.

The machine may be shared: pages/s moves with the load of other processes, CPU per page much less. Every
round runs the modes back to back (rotated order), and the summary gives, per mode, the median over rounds
of the paired ratios to bare Scrapy of the same round: pages/s (× bare) and CPU per page (CPU × bare).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SOURCE_TOML = """name = "benchsite"
site = "kenthaber.example"
domains = ["127.0.0.1"]
language = "tr"

[[start]]
url = "{base}/rss.xml"
kind = "feed"
confidence = "verified"

[[start]]
url = "{base}/sitemap.xml"
kind = "sitemap"
confidence = "verified"
"""


def start_server(pages: int, tmp: Path, kind: str = "realistic") -> tuple[subprocess.Popen, str]:
    """The bench site in its own process; it pre-renders every page first (~6 ms a realistic page)."""
    port_file = tmp / "port"
    proc = subprocess.Popen([sys.executable, str(BENCH / "site.py"), "serve", "--pages", str(pages),
                             "--kind", kind, "--port-file", str(port_file)], stderr=subprocess.DEVNULL)
    limit = max(120.0, pages * 0.03)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if port_file.exists():
            return proc, f"http://127.0.0.1:{port_file.read_text().strip()}"
        if proc.poll() is not None:
            raise RuntimeError("bench site server failed to start")
        time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"bench site server did not start in {limit:.0f} s")


def stop_services(server: subprocess.Popen | None, fdb_dir: Path | None, tmp: Path) -> None:
    """Stop the site server and the FerretDB this bench started; remove the temporary directory."""
    if server is not None:
        server.terminate()
        server.wait()
    if fdb_dir is not None:
        subprocess.run(["bash", str(ROOT / "scripts" / "start-ferretdb.sh"), "--stop", str(fdb_dir)],
                       capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


def hits(base: str) -> int:
    with urllib.request.urlopen(base + "/__hits", timeout=5) as resp:
        return json.loads(resp.read())["articles"]


def start_ferretdb(tmp: Path) -> tuple[str, Path]:
    fdir = tmp / "ferretdb"
    out = subprocess.run(["bash", str(ROOT / "scripts" / "start-ferretdb.sh"), str(fdir)], capture_output=True,
                         text=True, check=True).stdout
    uri = next(line.split("'")[1] for line in out.splitlines() if "NEWSBOT_TEST_MONGO_URI" in line)
    return uri, fdir


def proc_kib(path: str, field: str) -> int:
    """The kB value of the line starting with `field` in a /proc file (0 when gone or absent)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_kib(pid: int) -> int:
    return proc_kib(f"/proc/{pid}/status", "VmRSS:")


def descendants(pid: int) -> list[int]:
    """pid's child processes, recursively (the extraction workers, a browser)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *descendants(int(child))]
    except (OSError, ValueError):
        pass
    return found


def own_cpu_s(pid: int) -> float:
    """CPU seconds of the process itself (not its children), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def parent_pid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def role(pid: int, crawl_pid: int) -> str:
    """What a process of the crawl's tree is: the crawl process, an extraction worker (forked from it: the
    same command line), or another child (a browser; multiprocessing's fork server and resource tracker,
    by their command lines: newsbot ran them before BENCHMARKS.md §0c)."""
    if pid == crawl_pid:
        return "crawl"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        crawl_cmdline = Path(f"/proc/{crawl_pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    if b"resource_tracker" in cmdline:
        return "resource tracker"
    if b"forkserver" in cmdline:
        return "fork server" if parent_pid(pid) == crawl_pid else "forked child"
    if cmdline == crawl_cmdline and parent_pid(pid) == crawl_pid:
        return "extraction worker"
    return "child"


def tree_rss_kib(pid: int) -> int:
    return sum(rss_kib(p) for p in [pid, *descendants(pid)])


def pss_kib(pid: int) -> int:
    """Proportional set size: pages shared between processes (the crawl process's imports in the workers
    forked from it) counted once across them, unlike RSS."""
    return proc_kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def become_subreaper() -> None:
    """Linux: orphaned descendants are re-parented to this process instead of init, so that the CPU of a
    crawl's children that outlive it by a moment (its extraction workers; a fork server's children in
    older newsbot) can still be waited for and counted (reap_orphans)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def child_pids_of_self() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            pids.update(int(c) for c in (task / "children").read_text().split())
        except FileNotFoundError:  # a thread (the sampler) ended meanwhile
            continue
    return pids


def reap_orphans(keep: set[int], timeout: float = 30.0) -> float:
    """Wait for this process's children not in `keep` (a finished crawl's orphans); their CPU seconds,
    including what they had waited for themselves."""
    cpu = 0.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = child_pids_of_self() - keep
        if not pending:
            break
        for pid in pending:
            try:
                done, _, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if done:
                cpu += usage.ru_utime + usage.ru_stime
        time.sleep(0.05)
    return cpu


def parse_variant(spec: str) -> tuple[str, list[str], dict[str, str]]:
    """'NAME=-s KEY=VAL OTHER=VAL' → (NAME, ["-s", "KEY=VAL"], {"OTHER": "VAL"}): settings for the crawl's
    command line, variables for its environment."""
    name, sep, rest = spec.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"--variant wants NAME=SETTINGS, got {spec!r}")
    words, settings, env = shlex.split(rest), [], {}
    while words:
        word = words.pop(0)
        if word == "-s" and words:
            settings += ["-s", words.pop(0)]
        elif "=" in word:
            key, _, value = word.partition("=")
            env[key] = value
        else:
            raise argparse.ArgumentTypeError(f"--variant {name}: {word!r} is neither `-s KEY=VAL` nor KEY=VAL")
    return name, settings, env


def run_crawl(mode: str, base: str, tmp: Path, run_id: str, args, mongo_uri: str | None,
              prefix: list[str] | None = None) -> dict:
    """One crawl; `prefix` wraps the command (a profiler such as py-spy)."""
    variants = {name: (settings, env) for name, settings, env in getattr(args, "variant", None) or []}
    stats_file = tmp / f"stats-{run_id}.json"
    common = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS={args.concurrency}",
              "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}", "-s", "DOWNLOAD_DELAY=0",
              "-s", "LOG_LEVEL=INFO", "-s", "ROBOTSTXT_OBEY=True", "-s", "TELNETCONSOLE_ENABLED=False",
              "-s", "REMOTE_CONTROL_ENABLED=False"]
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI", "SCRAPY_SETTINGS_MODULE")}
    if mode == "bare":
        cwd = tmp  # outside the project: no scrapy.cfg, so none of newsbot's settings
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(BENCH / "bare_spider.py"), "-a", f"start={base}",
               "-a", f"stats={stats_file}", *common]
    else:
        cwd = ROOT
        env["NEWSBOT_SOURCES_DIRS"] = str(tmp / "sources")
        cmd = [sys.executable, "-m", "scrapy", "crawl", "benchsite", *common, "-s", "NEWSBOT_INCREMENTAL=False",
               "-s", f"NEWSBOT_STATS_FILE={stats_file}", "-s", f"NEWSBOT_DATA_DIR={tmp / ('data-' + run_id)}"]
        if mode == "ferretdb":
            env["NEWSBOT_MONGO_URI"] = mongo_uri
            cmd += ["-s", f"NEWSBOT_MONGO_DB=bench_{run_id.replace('-', '_')}"]
        cmd += list(args.extra)
        if mode in variants:
            cmd += variants[mode][0]
            env.update(variants[mode][1])
    cmd = [*(prefix or []), *cmd]
    log = open(tmp / f"log-{run_id}.txt", "w")
    start_hits = hits(base)
    services = child_pids_of_self()
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    samples: list[tuple[int, int]] = []
    tree_peak = [0]
    tree_pss_peak = [0]
    cpu_of: dict[int, tuple[str, float]] = {}  # pid → (role, CPU seconds at its last sample)
    pss_of: dict[int, int] = {}  # pid → its peak PSS (KiB)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            kib = rss_kib(proc.pid)
            if kib:
                samples.append((hits(base) - start_hits, kib))
                tree_peak[0] = max(tree_peak[0], tree_rss_kib(proc.pid))
                tree = [proc.pid, *descendants(proc.pid)]
                pss = {pid: pss_kib(pid) for pid in tree}
                tree_pss_peak[0] = max(tree_pss_peak[0], sum(pss.values()))
                for pid in tree:
                    pss_of[pid] = max(pss_of.get(pid, 0), pss[pid])
                    cpu = own_cpu_s(pid)
                    if cpu >= cpu_of.get(pid, ("", 0.0))[1]:
                        cpu_of[pid] = (cpu_of[pid][0] if pid in cpu_of else role(pid, proc.pid), cpu)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    wall = time.monotonic() - started
    orphan_cpu = reap_orphans(services)
    log.close()
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    pages = stats.get("bare/article_pages") or stats.get("newsbot/article_pages") or 0
    elapsed = stats.get("elapsed_time_seconds") or wall
    result = {"mode": mode, "run": run_id, "returncode": proc.returncode, "pages": pages,
              "served": hits(base) - start_hits, "elapsed_s": round(elapsed, 2), "wall_s": round(wall, 2),
              "pages_per_s": round(pages / elapsed, 1) if elapsed else 0.0,
              "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
              "cpu_s": round(usage.ru_utime + usage.ru_stime + orphan_cpu, 1),
              "cpu_main_s": round(cpu_of.get(proc.pid, ("", 0.0))[1], 1),
              "cpu_by_process": _by_process(cpu_of, pss_of, pages), "peak_tree_rss_mib": round(tree_peak[0] / 1024, 1),
              "peak_tree_pss_mib": round(tree_pss_peak[0] / 1024, 1),
              "items": stats.get("item_scraped_count", 0),
              "stored": stats.get("newsbot/store/inserted", 0) + stats.get("newsbot/store/updated", 0),
              "dropped": {k: v for k, v in stats.items() if k.startswith("newsbot/dropped/")},
              "template": {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                           if k.startswith("newsbot/extract/template/")},
              "rss_curve_mib": _curve(samples, pages)}
    if mode == "ferretdb":
        import pymongo

        client = pymongo.MongoClient(mongo_uri)
        db = f"bench_{run_id.replace('-', '_')}"
        result["documents"] = client[db]["articles"].count_documents({})
        client.drop_database(db)
        client.close()
    if mode != "bare" and not getattr(args, "keep_data", False):  # (bench/store_diff.py reads it afterwards)
        shutil.rmtree(tmp / ("data-" + run_id), ignore_errors=True)
    return result


def _by_process(cpu_of: dict[int, tuple[str, float]], pss_of: dict[int, int], pages: int) -> list[dict]:
    """Every process of the crawl's tree with its CPU seconds, CPU ms per article page and peak PSS, most
    CPU first."""
    rows = sorted(((who, cpu, pid) for pid, (who, cpu) in cpu_of.items()), key=lambda r: -r[1])
    return [{"pid": pid, "role": who, "cpu_s": round(cpu, 2),
             "ms_per_page": round(1000 * cpu / pages, 2) if pages else 0.0,
             "peak_pss_mib": round(pss_of.get(pid, 0) / 1024, 1)} for who, cpu, pid in rows]


def _curve(samples: list[tuple[int, int]], pages: int) -> dict:
    """RSS (MiB) at about 10 %, 50 % and 100 % of the pages: the mean of the samples around each point."""
    if not samples or not pages:
        return {}
    out = {}
    for share in (0.1, 0.5, 1.0):
        near = [kib for done, kib in samples if abs(done - share * pages) <= 0.1 * pages]
        if near:
            out[f"{int(share * 100)}%"] = round(statistics.mean(near) / 1024, 1)
    return out


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(int(mem) / 1024 / 1024, 1),
            "python": platform.python_version(), "kernel": platform.release(),
            "load_at_start": os.getloadavg()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--modes", default="bare,ferretdb,embedded")
    ap.add_argument("--kind", choices=["realistic", "light"], default="realistic", help="the bench site's pages")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--mongo-uri", help="use this MongoDB-protocol server instead of starting FerretDB")
    ap.add_argument("--json", type=Path, help="write all results here")
    ap.add_argument("--variant", type=parse_variant, action="append", default=[],
                    help="NAME='-s KEY=VAL … ENV=VAL …': a newsbot mode into the embedded store with these "
                         "settings and environment variables; name it in --modes")
    ap.add_argument("extra", nargs="*", help="extra arguments for the newsbot crawls (e.g. -s NAME=VALUE)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # kill → the finally below stops the servers
    become_subreaper()
    modes = args.modes.split(",")
    unknown = set(modes) - {"bare", "ferretdb", "embedded", *(name for name, _, _ in args.variant)}
    if unknown:
        ap.error(f"unknown mode(s) {', '.join(sorted(unknown))}: bare, ferretdb, embedded or a --variant NAME")
    tmp = Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    server = fdb_dir = None
    results: list[dict] = []
    try:
        server, base = start_server(args.pages, tmp, args.kind)
        (tmp / "sources").mkdir()
        (tmp / "sources" / "benchsite.toml").write_text(SOURCE_TOML.format(base=base), encoding="utf-8")
        mongo_uri = args.mongo_uri
        if "ferretdb" in modes and not mongo_uri:
            mongo_uri, fdb_dir = start_ferretdb(tmp)
        print(f"# {args.pages} {args.kind} pages at {base}, modes {modes}, {args.rounds} rounds, "
              f"load {os.getloadavg()[0]:.2f}", flush=True)
        for r in range(args.rounds):
            order = modes[r % len(modes):] + modes[: r % len(modes)]
            for mode in order:
                res = run_crawl(mode, base, tmp, f"{mode}-{args.pages}-{r}", args, mongo_uri)
                res["round"] = r
                res["load_before"] = round(os.getloadavg()[0], 2)
                results.append(res)
                print(json.dumps(res, ensure_ascii=False), flush=True)
                if mode != "bare" and res["stored"] != res["items"]:  # a figure from a crawl that lost items
                    print(f"# WARNING: {res['run']} stored {res['stored']} of {res['items']} items", flush=True)
    finally:
        stop_services(server, fdb_dir, tmp)
    summary = summarize(results, modes)
    print_summary(summary, args.pages)
    if args.json:
        args.json.write_text(json.dumps({"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                         "machine": machine(), "pages": args.pages, "kind": args.kind,
                                         "args": sys.argv[1:], "load_at_end": os.getloadavg(),
                                         "runs": results, "summary": summary}, indent=1, ensure_ascii=False))
    return 0 if all(r["returncode"] == 0 and (r["mode"] == "bare" or r["stored"] == r["items"])
                    for r in results) else 1


def summarize(results: list[dict], modes: list[str]) -> dict:
    out: dict = {}
    for mode in modes:
        runs = [r for r in results if r["mode"] == mode]
        if not runs:
            continue
        out[mode] = {"pages_per_s": statistics.median(r["pages_per_s"] for r in runs),
                     "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
                     "peak_tree_rss_mib": max(r.get("peak_tree_rss_mib", 0) for r in runs),
                     "peak_tree_pss_mib": max(r.get("peak_tree_pss_mib", 0) for r in runs),
                     "cpu_ms_per_page": round(statistics.median(1000 * r["cpu_s"] / r["pages"]
                                                                for r in runs if r["pages"]), 2),
                     "runs": [r["pages_per_s"] for r in runs]}
        bare = {r["round"]: r for r in results if r["mode"] == "bare" and r["pages"]}
        paired = [(r, bare[r["round"]]) for r in runs if r["round"] in bare and r["pages"]]
        if mode != "bare" and paired:
            ratios = [r["pages_per_s"] / b["pages_per_s"] for r, b in paired]
            cpu = [(r["cpu_s"] / r["pages"]) / (b["cpu_s"] / b["pages"]) for r, b in paired if b["cpu_s"]]
            out[mode]["ratio_to_bare"] = round(statistics.median(ratios), 3)
            out[mode]["ratios"] = [round(x, 3) for x in ratios]
            if cpu:
                out[mode]["cpu_ratio_to_bare"] = round(statistics.median(cpu), 2)
                out[mode]["cpu_ratios"] = [round(x, 2) for x in cpu]
    return out


def print_summary(summary: dict, pages: int) -> None:
    print(f"\n{'mode':10} {'pages/s (median)':>17} {'runs':>22} {'× bare':>8} {'peak RSS MiB':>13} "
          f"{'+workers':>9} {'tree PSS':>9} {'CPU ms/page':>12} {'CPU × bare':>11}   ({pages} pages)")
    for mode, s in summary.items():
        runs = ", ".join(f"{x:.0f}" for x in s["runs"])
        ratio = f"{s['ratio_to_bare']:.2f}" if "ratio_to_bare" in s else "1"
        cpu_ratio = f"{s['cpu_ratio_to_bare']:.2f}" if "cpu_ratio_to_bare" in s else "1"
        print(f"{mode:10} {s['pages_per_s']:17.1f} {runs:>22} {ratio:>8} {s['peak_rss_mib']:13.1f} "
              f"{s['peak_tree_rss_mib']:9.1f} {s.get('peak_tree_pss_mib', 0):9.1f} {s['cpu_ms_per_page']:12.2f} "
              f"{cpu_ratio:>11}")


if __name__ == "__main__":
    raise SystemExit(main())
