"""Profile one newsbot crawl of the generated bench site with py-spy (sampling; waiting time included).

    python bench/profile_crawl.py --pages 1000 [--mode ferretdb|embedded] [--raw OUT.txt] [--top 25]
    python bench/profile_crawl.py --pages 2000 --mode embedded --stages     # the whole crawl, every process

Runs the crawl exactly as bench/throughput.py does, under `py-spy record --idle --format raw`, and prints
the functions with the most samples: inclusive (the function or anything it calls was on the stack)
and self (the function itself was running or waiting). The raw file is collapsed stacks, one line per
distinct stack (feed it to flamegraph.pl or speedscope for a picture).

--stages samples the CPU of every process of the crawl (`py-spy record --subprocesses`, on-CPU samples
only) and reports CPU ms per article page by process and by stage (stages.py: the innermost frame that
belongs to a known stage names the sample's stage). Samples / rate ≈ CPU seconds, so the sum is close to
bench/throughput.py's CPU ms/page (plus py-spy's own overhead on the sampled processes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stages import stage_report  # noqa: E402
from throughput import ROOT, SOURCE_TOML, run_crawl, start_ferretdb, start_server, stop_services  # noqa: E402


def report(raw: Path, top: int, all_threads: bool = False) -> None:
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if f]
        if not frames or (not all_threads and not any(f.startswith("_run_module_as_main") for f in frames)):
            continue  # idle pool threads (pymongo monitors, the store writer waiting): not the crawl's thread
        total += n
        for frame in set(frames):
            inclusive[_short(frame)] += n
        own[_short(frames[-1])] += n
    print(f"\n{total} samples" + (" (all threads)" if all_threads else
                                   " of the main (reactor) thread; the store and dedupe threads are not included"))
    print(f"\n-- inclusive (top {top}) --")
    for frame, n in inclusive.most_common(top):
        print(f"{100 * n / total:5.1f}%  {frame}")
    print(f"\n-- self (top {top}) --")
    for frame, n in own.most_common(top):
        print(f"{100 * n / total:5.1f}%  {frame}")


def _short(frame: str) -> str:
    """'func (path/to/module.py:12)' → 'func (module.py)': lines merged per function."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--mode", default="ferretdb", choices=["ferretdb", "embedded"])
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--raw", type=Path, default=Path("profile-raw.txt"))
    ap.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--report-only", action="store_true", help="only summarise an existing --raw file")
    ap.add_argument("--cpu", action="store_true",
                    help="on-CPU samples of all threads (no --idle): where the CPU goes, not the reactor's time")
    ap.add_argument("--gil", action="store_true",
                    help="only samples of the thread holding the GIL: what serialises the crawl process")
    ap.add_argument("--subprocesses", action="store_true",
                    help="also sample the crawl's child processes (extraction workers, dedupe and store children)")
    ap.add_argument("--stages", action="store_true",
                    help="on-CPU samples of every process; report CPU ms/page by process and by stage")
    ap.add_argument("--kind", choices=["realistic", "light"], default="realistic", help="the bench site's pages")
    ap.add_argument("extra", nargs="*", help="extra arguments for the crawl (e.g. -s NAME=VALUE)")
    args = ap.parse_args()
    if args.stages:
        args.cpu = args.subprocesses = True
    if args.report_only:
        if args.stages:
            cpu_file = args.raw.with_suffix(".cpu.json")  # measured CPU per pid, written by the profiled run
            cpu = {int(k): v for k, v in json.loads(cpu_file.read_text()).items()} if cpu_file.exists() else None
            stage_report(args.raw, args.rate, args.pages, cpu)
        else:
            report(args.raw, args.top, args.cpu)
        return 0
    if not shutil.which("py-spy"):
        print("py-spy is not installed: pip install -r bench/requirements.txt", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="newsbot-profile-"))
    server = fdb_dir = None
    try:
        server, base = start_server(args.pages, tmp, args.kind)
        (tmp / "sources").mkdir()
        (tmp / "sources" / "benchsite.toml").write_text(SOURCE_TOML.format(base=base), encoding="utf-8")
        uri = None
        if args.mode == "ferretdb":
            uri, fdb_dir = start_ferretdb(tmp)
        modes = [*([] if args.cpu or args.gil else ["--idle"]), *(["--gil"] if args.gil else []),
                 *(["--subprocesses"] if args.subprocesses else [])]
        prefix = ["py-spy", "record", *modes, "--format", "raw", "--rate", str(args.rate),
                  "-o", str(args.raw.resolve()), "--"]
        res = run_crawl(args.mode, base, tmp, f"profile-{args.mode}", args, uri, prefix=prefix)
        print(f"{res['pages']} pages in {res['elapsed_s']} s under py-spy: {res['pages_per_s']} pages/s "
              f"(profiler overhead included), stored {res['stored']}")
    finally:
        stop_services(server, fdb_dir, tmp)
    if args.stages:
        cpu = {row["pid"]: row["cpu_s"] for row in res["cpu_by_process"]}
        args.raw.with_suffix(".cpu.json").write_text(json.dumps(cpu))
        stage_report(args.raw, args.rate, res["pages"] or args.pages, cpu)
    else:
        report(args.raw, args.top, args.cpu or args.gil)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
