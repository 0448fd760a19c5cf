"""Extraction speed on the bench site's pages: newsbot's extract_article vs news-please's from_html (in its
own virtual environment) vs trafilatura alone, over the same files, in alternating rounds.

    python bench/extract_speed.py --newsplease VENV/bin/python [--pages 300] [--rounds 2] [--baseline DIR]
                                  [--kind realistic|light | --real-pages DIR]

--real-pages DIR times every *.html / *.html.gz file under DIR instead (e.g. ../shared/corpus/turkish: the
real Turkish pages the bench site's shape was measured against; news-please is skipped for them).

"newsbot" feeds the pages in crawl order (the site's own order) to one extract_article, as one extraction worker
gets them, so the site's learned template (newsbot/extract/site_template.py) serves the body once it has
learned the layouts; "general" times the same code with the template off (trafilatura on every page). The
template's events (learned, hit, check, mismatch) are counted and printed.

--compare N: no timing; the first N pages of the realistic site in crawl order through extract_article with the
learned template and again without it (the general path), per template: the template's events, pages with the
same body and text, and word F1 of each path's body against the story's own paragraphs.

--baseline DIR also times extract_article from another checkout of newsbot (e.g. `git worktree add
/tmp/before HEAD~3`), side by side in the same rounds, reported as "baseline".

Each round runs every extractor over all pages, in a fresh process each (start-up and imports are not
timed: the time is the sum of the per-page calls). Reported: pages/s per extractor (median of rounds)
and newsbot's rate as a multiple of the others'; for newsbot and trafilatura also CPU ms/page (process
time, which other processes on a shared machine disturb much less than the wall clock).
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
import gzip, json, sys, time
sys.path.insert(0, sys.argv[3])
jobs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
mode = sys.argv[2]
if mode in ("newsbot", "baseline"):
    from newsbot.extract import extract_article
    fn = lambda data, url: extract_article(data, url)
elif mode == "general":
    from newsbot.extract import extract_article
    fn = lambda data, url: extract_article(data, url, templates=None)
else:
    import trafilatura
    fn = lambda data, url: trafilatura.extract(data, url=url, include_comments=False, include_tables=True)
total = cpu = 0.0
events, first_hit = {}, None
for n, job in enumerate(jobs, 1):
    data = open(job["path"], "rb").read()
    data = gzip.decompress(data) if job["path"].endswith(".gz") else data
    t, c = time.perf_counter(), time.process_time()
    out = fn(data, job["url"])
    total += time.perf_counter() - t
    cpu += time.process_time() - c
    event = out.get("template") if isinstance(out, dict) else None
    if event:
        events[event] = events.get(event, 0) + 1
        first_hit = first_hit or (n if event == "hit" else None)
print(json.dumps({"seconds": total, "cpu_seconds": cpu, "pages": len(jobs), "events": events, "first_hit": first_hit}))
"""


def run(mode: str, jobs: Path, tmp: Path, newsplease: str | None, baseline: Path | None = None,
        cpu_ms: dict[str, list[float]] | None = None) -> float:
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
    if cpu_ms is not None:
        cpu_ms.setdefault(mode, []).append(1000 * res["cpu_seconds"] / res["pages"])
    if res.get("events"):
        print(f"  {mode}: template events {res['events']}, first hit at page {res['first_hit']}")
    return res["pages"] / res["seconds"]


def _f1(got: list[str], truth: list[str]) -> float:
    from collections import Counter

    from newsbot.text import words
    a, b = Counter(words(" ".join(got))), Counter(words(" ".join(truth)))
    common = sum((a & b).values())
    return 2 * common / (sum(a.values()) + sum(b.values())) if a and b else 0.0


def compare(pages: int) -> int:
    """Shortcut vs general path on the realistic site's pages, in crawl order (see --compare)."""
    sys.path.insert(0, str(ROOT))
    from bench.site import SiteBuilder
    from newsbot.extract import extract_article
    from newsbot.extract.body import article_text
    from newsbot.extract.site_template import SiteTemplates

    site, templates = SiteBuilder(pages, "http://127.0.0.1:8000"), SiteTemplates()
    rows: dict[str, dict] = {}
    for i, story in enumerate(site.stories):
        html, url = site.page(i), site.url(story["path"])
        fast, general = extract_article(html, url, templates=templates), extract_article(html, url, templates=None)
        row = rows.setdefault(story["template"], {"pages": 0, "events": {}, "same_body": 0, "same_text": 0,
                                                  "f1_template": 0.0, "f1_general": 0.0})
        row["pages"] += 1
        event = fast["template"] or "general"
        row["events"][event] = row["events"].get(event, 0) + 1
        row["same_body"] += fast["body"] == general["body"]
        row["same_text"] += article_text(fast["lead"], fast["body"]) == article_text(general["lead"], general["body"])
        row["f1_template"] += _f1(fast["body"], story["body"])
        row["f1_general"] += _f1(general["body"], story["body"])
        if fast["body"] != general["body"]:
            print(f"  differs: {url} ({event}) template F1 {_f1(fast['body'], story['body']):.3f}, "
                  f"general {_f1(general['body'], story['body']):.3f}")
    for template, row in sorted(rows.items()):
        n = row["pages"]
        print(f"{template:9} pages {n:4}  same body {row['same_body']:4}  same text {row['same_text']:4}  "
              f"body F1 template path {row['f1_template'] / n:.4f}  general {row['f1_general'] / n:.4f}  "
              f"events {row['events']}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--newsplease", help="python of a virtual environment with news-please 1.6 installed")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--baseline", type=Path, help="another newsbot checkout whose extract_article is timed too")
    ap.add_argument("--kind", choices=["realistic", "light"], default="realistic", help="the bench site's pages")
    ap.add_argument("--real-pages", type=Path, help="time the HTML files under this directory instead")
    ap.add_argument("--compare", type=int, metavar="N", help="compare the template and general paths on N pages")
    args = ap.parse_args()
    if args.compare:
        return compare(args.compare)
    modes = (["newsbot", "general", "trafilatura"] + (["news-please"] if args.newsplease else [])
             + (["baseline"] if args.baseline else []))
    rates: dict[str, list[float]] = {m: [] for m in modes}
    cpu_ms: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.real_pages:
            files = sorted(p for p in args.real_pages.rglob("*") if p.name.endswith((".html", ".html.gz")))
            listed = {p.name: (str(p), f"https://example.com/haber/{k}") for k, p in enumerate(files)}
            modes = [m for m in modes if m != "news-please"]
            args.pages, args.kind = len(files), f"real ({args.real_pages})"
        else:
            subprocess.run([sys.executable, str(BENCH / "site.py"), "write", "--pages", str(args.pages), "--out",
                            str(tmp / "pages"), "--kind", args.kind], check=True)
            manifest = json.loads((tmp / "pages" / "manifest.json").read_text(encoding="utf-8"))
            listed = {name: (str(tmp / "pages" / name), url) for name, url in manifest.items()}
        jobs = tmp / "jobs.jsonl"
        jobs.write_text("".join(json.dumps({"id": name, "path": path, "url": url}) + "\n"
                                for name, (path, url) in listed.items()), encoding="utf-8")
        for r in range(args.rounds):
            for mode in modes[r % len(modes):] + modes[: r % len(modes)]:
                rates[mode].append(run(mode, jobs, tmp, args.newsplease, args.baseline, cpu_ms))
                print(f"round {r} {mode:12} {rates[mode][-1]:8.1f} pages/s", flush=True)
    summary = {m: round(statistics.median(v), 1) for m, v in rates.items() if v}
    cpu = {m: round(statistics.median(v), 2) for m, v in cpu_ms.items()}
    print(f"\n{args.pages} {args.kind} pages, median of {args.rounds} rounds (pages/s, one core):")
    for mode, rate in summary.items():
        cpu_note = f"  CPU {cpu[mode]:6.2f} ms/page" if mode in cpu else ""
        print(f"  {mode:12} {rate:8.1f} pages/s {1000 / rate:6.2f} ms/page{cpu_note}   "
              f"newsbot ×{summary['newsbot'] / rate:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"pages": args.pages, "kind": args.kind, "rates": rates, "median": summary,
                                         "cpu_ms_per_page": cpu}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
