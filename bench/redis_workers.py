"""Wall-clock speed-up of N Redis-shared workers over one, on one local fixture site.

    python3 bench/redis_workers.py [--pages 500] [--delay 0.12] [--workers 1 2 1 2 1 2] [--redis-url URL]
                                   [--mongo-uri URI] [--plain]

Serves PAGES article pages (each answered after DELAY seconds, like a remote site) plus an RSS feed on
127.0.0.1, then for each worker count runs that many `scrapy crawl news` processes at once through one
Redis (REDIS_URL; a redis-server on a free 127.0.0.1 port is started when --redis-url is not given) and a
fresh key prefix. Reported per run: wall-clock from the first process start to the last exit (includes
Scrapy's start-up and the idle-close tail, NEWSBOT_REDIS_IDLE_CLOSE_SECONDS=1), the crawl span (first to
last article request seen by the server), pages per worker, and a check that every page was fetched once.
Articles go to a fresh embedded store per run (shared by the run's workers), or to --mongo-uri (a fresh
database per run). --plain adds a one-process run without Redis, to show the scheduler's own cost.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot.demo.generated import add_feed_of_articles  # noqa: E402
from newsbot.demo.server import FixtureSite  # noqa: E402


class Site:
    """The fixture site; records when each article request arrived."""

    def __init__(self, pages: int, delay: float) -> None:
        self.site = FixtureSite(None).start()
        self.times: list[float] = []
        lock = threading.Lock()

        def record() -> None:
            with lock:
                self.times.append(time.monotonic())

        self.paths = add_feed_of_articles(self.site, pages, delay, "Ölçüm haberi", "olcum-haberi", 10000,
                                          on_request=record)

    def reset(self) -> None:
        self.site.hits.clear()
        self.times.clear()


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.RedisError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("redis-server did not start")


def run(site: Site, workers: int, redis_url: str | None, mongo_uri: str | None, tmp: Path) -> dict:
    site.reset()
    label = f"{workers}w-{uuid.uuid4().hex[:6]}"
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI", "REDIS_URL")}
    if redis_url:
        env.update(REDIS_URL=redis_url, NEWSBOT_REDIS_PREFIX=f"bench{label}")
    if mongo_uri:
        env.update(NEWSBOT_MONGO_URI=mongo_uri, NEWSBOT_MONGO_DB=f"bench_{label.replace('-', '_')}")
    stats_files = [tmp / f"{label}-{i}.json" for i in range(workers)]
    cmds = [[sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.site.url('/rss.xml')}",
             "-a", "source=olcum", "-s", f"NEWSBOT_DATA_DIR={tmp / label}", "-s", "AUTOTHROTTLE_ENABLED=False",
             "-s", "NEWSBOT_REDIS_IDLE_CLOSE_SECONDS=1", "-s", f"NEWSBOT_STATS_FILE={stats_files[i]}",
             "-s", "LOG_LEVEL=WARNING"] for i in range(workers)]
    started = time.monotonic()
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for cmd in cmds]
    codes = [p.wait() for p in procs]
    wall = time.monotonic() - started
    stats = [json.loads(f.read_text()) if f.exists() else {} for f in stats_files]
    hits = [site.site.hits.get(p, 0) for p in site.paths]
    return {
        "workers": workers,
        "redis": bool(redis_url),
        "exit_codes": codes,
        "wall_s": round(wall, 2),
        "crawl_span_s": round(max(site.times) - min(site.times), 2) if site.times else None,
        "pages_per_worker": [s.get("newsbot/article_pages", 0) for s in stats],
        "every_page_once": hits == [1] * len(site.paths),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=500)
    p.add_argument("--delay", type=float, default=0.12, help="seconds the server takes per article page")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 1, 2, 1, 2],
                   help="worker counts, one run each, in this order (default 1 2 1 2 1 2: medians are compared)")
    p.add_argument("--redis-url", help="a Redis to use (default: start redis-server on 127.0.0.1)")
    p.add_argument("--mongo-uri", help="store into this MongoDB (default: an embedded store per run)")
    p.add_argument("--plain", action="store_true", help="also one process without Redis")
    opts = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="newsbot-redis-bench-"))
    server, url = (None, opts.redis_url) if opts.redis_url else start_redis(tmp)
    site = Site(opts.pages, opts.delay)
    results = []
    try:
        if opts.plain:
            results.append(run(site, 1, None, opts.mongo_uri, tmp))
            print(json.dumps(results[-1]), flush=True)
        for n in opts.workers:
            results.append(run(site, n, url, opts.mongo_uri, tmp))
            print(json.dumps(results[-1]), flush=True)
    finally:
        site.site.stop()
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    import statistics

    by_count: dict[int, list[dict]] = {}
    for r in results:
        if r["redis"]:
            by_count.setdefault(r["workers"], []).append(r)
    med = {n: (statistics.median(r["wall_s"] for r in rs), statistics.median(r["crawl_span_s"] for r in rs))
           for n, rs in by_count.items()}
    if 1 in med:
        for n, (wall, span) in sorted(med.items()):
            if n > 1:
                print(f"{n} workers vs 1 (medians of {len(by_count[n])} and {len(by_count[1])} runs): wall-clock "
                      f"speed-up {med[1][0] / wall:.2f}x ({med[1][0]:.1f} s -> {wall:.1f} s), crawl span "
                      f"{med[1][1]:.1f} s -> {span:.1f} s ({med[1][1] / span:.2f}x)")
    return 0 if all(r["every_page_once"] and not any(r["exit_codes"]) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
