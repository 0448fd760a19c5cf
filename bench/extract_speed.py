"""Extraction speed on the bench site's pages: newsbot's extract_article vs news-please's from_html (in its
own virtual environment) vs trafilatura alone, over the same files, in alternating rounds.

    python bench/extract_speed.py --newsplease VENV/bin/python [--pages 300] [--rounds 2] [--baseline DIR]

--baseline DIR also times extract_article from another checkout of newsbot (e.g. `git worktree add
/tmp/before HEAD~3`), side by side in the same rounds, reported as "baseline".

Each round runs every extractor over all pages, in a fresh process each (start-up and imports are not
timed: the time is the sum of the per-page calls). Reported: pages/s per extractor (median of rounds)
and newsbot's rate as a multiple of the others'.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

OURS = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
jobs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
mode = sys.argv[2]
if mode in ("newsbot", "baseline"):
    from newsbot.extract import extract_article
    fn = lambda data, url: extract_article(data, url)
else:
    import trafilatura
    fn = lambda data, url: trafilatura.extract(data, url=url, include_comments=False, include_tables=True)
total = 0.0
for job in jobs:
    data = open(job["path"], "rb").read()
    t = time.perf_counter(); fn(data, job["url"]); total += time.perf_counter() - t
print(json.dumps({"seconds": total, "pages": len(jobs)}))
"""


def run(mode: str, jobs: Path, tmp: Path, newsplease: str | None, baseline: Path | None = None) -> float:
    if mode == "news-please":
        out = tmp / "np-out.jsonl"
        subprocess.run([newsplease, str(BENCH / "newsplease_extract.py"), str(jobs), str(out)], check=True,
                       stderr=subprocess.DEVNULL)
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        errors = sum(1 for r in rows if r.get("error"))
        if errors:
            print(f"  news-please: {errors} pages raised", file=sys.stderr)
        return len(rows) / sum(r["seconds"] for r in rows)
    script = tmp / "ours.py"
    script.write_text(OURS, encoding="utf-8")
    root = baseline if mode == "baseline" else ROOT
    res = json.loads(subprocess.run([sys.executable, str(script), str(jobs), mode, str(root)], check=True,
                                    capture_output=True, text=True).stdout)
    return res["pages"] / res["seconds"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--newsplease", help="python of a virtual environment with news-please 1.6 installed")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--baseline", type=Path, help="another newsbot checkout whose extract_article is timed too")
    args = ap.parse_args()
    modes = (["newsbot", "trafilatura"] + (["news-please"] if args.newsplease else [])
             + (["baseline"] if args.baseline else []))
    rates: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        subprocess.run([sys.executable, str(BENCH / "site.py"), "write", "--pages", str(args.pages), "--out",
                        str(tmp / "pages")], check=True)
        manifest = json.loads((tmp / "pages" / "manifest.json").read_text(encoding="utf-8"))
        jobs = tmp / "jobs.jsonl"
        jobs.write_text("".join(json.dumps({"id": name, "path": str(tmp / "pages" / name), "url": url}) + "\n"
                                for name, url in manifest.items()), encoding="utf-8")
        for r in range(args.rounds):
            for mode in modes[r % len(modes):] + modes[: r % len(modes)]:
                rates[mode].append(run(mode, jobs, tmp, args.newsplease, args.baseline))
                print(f"round {r} {mode:12} {rates[mode][-1]:8.1f} pages/s", flush=True)
    summary = {m: round(statistics.median(v), 1) for m, v in rates.items()}
    print(f"\n{args.pages} bench-site pages, median of {args.rounds} rounds (pages/s, one core):")
    for mode, rate in summary.items():
        print(f"  {mode:12} {rate:8.1f} pages/s {1000 / rate:6.2f} ms/page   newsbot ×{summary['newsbot'] / rate:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"pages": args.pages, "rates": rates, "median": summary}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
