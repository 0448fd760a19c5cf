"""Chromium's memory over a long JavaScript crawl: is it flat (contexts recycled) or growing?

Serves a local site of N client-rendered article pages on 127.0.0.1, crawls it with
`scrapy crawl news -a render=js`, and samples the PSS (from /proc/<pid>/smaps_rollup) summed over
every Chromium process of that crawl, plus the number of pages done so far (from the server's hits).

    python3 bench/chromium_memory.py [--pages 500] [--pages-per-context 50] [--interval 0.5]

Prints start / middle / end figures (the mean PSS over the first, middle and last tenth of the
samples, by pages done) and the peak.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import pss_kib  # noqa: E402

from newsbot.demo.server import FixtureSite  # noqa: E402

PAGE = """<!doctype html><html lang="tr"><head><meta charset="utf-8"><title>JS haber {i}</title></head>
<body><main><article><h1>JS haber {i}</h1><img src="/img/{i}.jpg"><div id="metin"></div></article></main>
<script>
var k = document.getElementById("metin");
for (var j = 0; j < 8; j++) {{
  var p = document.createElement("p");
  p.textContent = "Haber {i}, paragraf " + j + ": belediye meclisi bugün toplandı; ulaşım, su ve park " +
    "düzenlemeleri görüşüldü, kararlar oy birliğiyle kabul edildi. " + "x".repeat(400);
  k.appendChild(p);
}}
window.yuk = new Array(200000).fill({i});  // some script memory per page, as real pages have
</script></body></html>"""


def chromium_pids(root_pid: int) -> list[int]:
    """Chromium processes descending from root_pid (the crawl)."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1: stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        names[int(entry)] = name
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            todo.append(child)
            if "chrom" in names.get(child, ""):
                found.append(child)
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--pages-per-context", type=int, default=50)
    ap.add_argument("--interval", type=float, default=0.5)
    args = ap.parse_args()

    site = FixtureSite(None)
    paths = [f"/haber/js-haber-{i}-{100000 + i}.html" for i in range(args.pages)]
    for i, path in enumerate(paths):
        body = PAGE.format(i=i).encode()
        site.routes[path] = lambda h, body=body: (200, {"Content-Type": "text/html; charset=utf-8"}, body)
    links = "".join(f'<a href="{p}">haber</a>\n' for p in paths)
    listing = f"<html><body>{links}</body></html>".encode()
    site.routes["/"] = lambda h: (200, {"Content-Type": "text/html; charset=utf-8"}, listing)
    site.start()

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.url('/')}", "-a", "render=js",
               "-s", f"NEWSBOT_DATA_DIR={tmp}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
               "-s", f"NEWSBOT_RENDER_PAGES_PER_CONTEXT={args.pages_per_context}",
               "-s", f"NEWSBOT_MAX_LINKS_PER_PAGE={args.pages}", "-s", f"NEWSBOT_STATS_FILE={tmp}/stats.json"]
        env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples: list[tuple[int, int, int]] = []  # (pages done, PSS KiB, processes)

        def sample() -> None:
            while proc.poll() is None:
                pids = chromium_pids(proc.pid)
                if pids:
                    done = sum(site.hits.get(p, 0) for p in paths)
                    samples.append((done, sum(pss_kib(p) for p in pids), len(pids)))
                time.sleep(args.interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        sampler.join()
        elapsed = time.monotonic() - started
        stats_file = Path(tmp, "stats.json")
        stats = __import__("json").loads(stats_file.read_text()) if stats_file.exists() else {}
    site.stop()

    if not samples:
        print("no Chromium process was seen", file=sys.stderr)
        return 1
    tenth = max(1, len(samples) // 10)
    mid = len(samples) // 2

    def mean(part):
        return sum(s[1] for s in part) / len(part) / 1024

    def pages(part):
        return f"{part[0][0]}–{part[-1][0]}"

    first, middle, last = samples[:tenth], samples[mid - tenth // 2: mid - tenth // 2 + tenth], samples[-tenth:]
    peak = max(samples, key=lambda s: s[1])
    print(f"pages: {args.pages} (rendered {stats.get('playwright/page_count')}, items "
          f"{stats.get('item_scraped_count')}), contexts recycled every {args.pages_per_context} pages "
          f"(closed {stats.get('newsbot/render/contexts_closed')}), {elapsed:.0f} s, {len(samples)} samples")
    print(f"Chromium PSS start  (pages {pages(first)}): {mean(first):7.1f} MiB")
    print(f"Chromium PSS middle (pages {pages(middle)}): {mean(middle):7.1f} MiB")
    print(f"Chromium PSS end    (pages {pages(last)}): {mean(last):7.1f} MiB")
    print(f"Chromium PSS peak: {peak[1] / 1024:.1f} MiB at page {peak[0]} ({peak[2]} processes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
