"""Cost of the embedded store as it grows: CPU ms per article per 1,000-article window and RSS.

    python bench/store_scaling.py                          # 20,000 articles into the embedded (sqlite3) store
    python bench/store_scaling.py --articles 5000 --impls embedded,ferretdb   # and into FerretDB (~/go/bin)
    python bench/store_scaling.py --rounds 2               # interleaved rounds

N synthetic Turkish articles (bench/site.py's sentence generator; about one in ten republishes an
earlier article's text under another headline and URL, so clustering joins stories) go through the
crawl's two store-facing stages the way a crawl drives them: `DedupePipeline` batches (revisions,
MinHash, signature look-ups and writes, stories) in this thread with its own client, and
`StorePipeline`'s writer thread (another client: batched article upserts) beside it, into a fresh
embedded store. After each window of 1,000 articles the writer is drained, then the process CPU time
(all threads) of the window is divided by 1,000; RSS is read from /proc at every window.

Implementations (each run in its own process, so RSS is that implementation's alone):
- embedded: newsbot.store.sqlite (the default without a URI);
- ferretdb: newsbot.store.mongo against a FerretDB started here (or NEWSBOT_TEST_MONGO_URI).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WINDOW = 1000


def rss_mib() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MiB."""
    values = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                values[key] = int(value.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def _vary(rng: random.Random, paragraphs: list[str]) -> list[str]:
    """bench/site.py's paragraphs with a random word after every third word: its ~30 sentence templates
    make unrelated articles share many 4-word shingles (LSH candidates then grow with the store: ~5 % of
    stored articles at 3,000), which real news does not; this keeps unrelated articles unrelated."""
    letters = "abcçdefgğhıijklmnoöprsştuüvyz"
    out = []
    for para in paragraphs:
        words = para.split()
        for i in range(len(words) - 1, 0, -3):
            words.insert(i, "".join(rng.choice(letters) for _ in range(rng.randint(4, 9))))
        out.append(" ".join(words))
    return out


def articles(n: int, seed: int = 7, text: str = "varied"):
    """n article dicts as the pipelines get them (after extraction and chrome stripping)."""
    from bench.site_text import fill as _text
    from bench.site_text import paragraphs as _paragraphs

    rng = random.Random(seed)
    base = datetime(2026, 11, 1, 8, tzinfo=timezone.utc)
    bodies: deque[tuple[str, list[str]]] = deque(maxlen=50)  # copies republish one of the last 50 stories
    for i in range(n):
        if bodies and rng.random() < 0.1:  # a syndicated copy of a recent article, another headline
            lead, body = bodies[rng.randrange(len(bodies))]
        else:
            paragraphs = _paragraphs(rng, rng.randint(5, 9))
            if text == "varied":
                paragraphs = _vary(rng, paragraphs)
            lead, body = paragraphs[0], paragraphs[1:]
            bodies.append((lead, body))
        published = base + timedelta(minutes=3 * i)
        url = f"https://site{i % 7}.example/haber/{i}"
        yield {"url": url, "canonical_url": url, "site": f"site{i % 7}.example", "source": f"site{i % 7}",
               "title": _text(rng, "{city} {inst} {topic} açıklaması {n}"), "lead": lead, "body": body,
               "content_hash": f"{rng.getrandbits(64):016x}", "published_at": published.isoformat(),
               "fetched_at": (published + timedelta(minutes=5)).isoformat(), "agency": rng.choice(["AA", "İHA", None]),
               "language": "tr", "authors": ["Muhabir"], "tags": ["gündem", "yerel"]}


def run_one(impl: str, n: int, batch: int, data_dir: Path, text: str = "varied") -> dict:
    """Feed n articles through DedupePipeline + StorePipeline into a fresh store under data_dir."""
    from scrapy.settings import Settings

    from newsbot.dates import to_utc
    from newsbot.store import StoreConfig
    from pipelines.dedupe import DedupePipeline, _Job
    from pipelines.store import StorePipeline, attach_writes

    for key in ("NEWSBOT_MONGO_URI", "MONGO_URI", "NEWSBOT_MONGO_DB"):
        os.environ.pop(key, None)
    if impl == "ferretdb":
        os.environ["NEWSBOT_MONGO_URI"] = os.environ["NEWSBOT_BENCH_MONGO_URI"]
    settings = Settings({"NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_MONGO_DB": "bench", "NEWSBOT_DEDUPE_BATCH": batch})
    storer = StorePipeline(StoreConfig.from_settings(settings), batch_size=100, flush_seconds=5.0)
    storer.open_spider()
    dedupe = DedupePipeline(settings)
    dedupe._open_store()  # the worker thread's client, here in this thread (the batches run here too)
    from newsbot.stories import story_text

    windows = []
    feed = articles(n, text=text)
    fed = 0
    started = time.monotonic()
    while fed < n:
        docs = [next(feed) for _ in range(min(WINDOW, n - fed))]
        cpu0 = time.process_time()
        writer_clock = time.pthread_getcpuclockid(storer.writer.ident)
        writer0, dedupe_cpu, sign_cpu = time.clock_gettime(writer_clock), 0.0, 0.0
        for start in range(0, len(docs), batch):
            jobs = []
            for doc in docs[start:start + batch]:
                jobs.append(_Job(doc, doc["canonical_url"], datetime.now(timezone.utc),
                                 doc["content_hash"], doc["lead"], doc["body"], doc["site"], doc["title"],
                                 doc["agency"], to_utc(doc["published_at"])))
            t0 = time.thread_time()
            for job in jobs:  # the batch's MinHash signatures (what _process_batch would compute), timed apart
                job.signature = dedupe.clusterer.signer.sign(story_text(job.lead, job.body))
            t1 = time.thread_time()
            dedupe._process_batch(jobs)
            dedupe_cpu += time.thread_time() - t1
            sign_cpu += t1 - t0
            for job in jobs:
                job.item["story_id"] = job.story_id
                storer.process_item(attach_writes(job.item, job.writes))
        fed += len(docs)
        writer = storer.writer
        while writer.totals.get("inserted", 0) + writer.totals.get("updated", 0) < fed:  # drain: the window's writes
            if not writer.is_alive():
                raise SystemExit(f"store writer died: {writer.totals}")
            time.sleep(0.005)
        cpu = time.process_time() - cpu0
        writer_cpu = time.clock_gettime(writer_clock) - writer0
        rss, hwm = rss_mib()
        per = 1000 / len(docs)
        windows.append({"articles": fed, "cpu_ms_per_article": cpu * per, "sign_ms": sign_cpu * per,
                        "dedupe_ms": dedupe_cpu * per, "writer_ms": writer_cpu * per, "rss_mib": rss, "hwm_mib": hwm})
        print(f"  [{impl}] {fed:6d} articles: {cpu * per:6.2f} ms CPU/article (MinHash {sign_cpu * per:.2f}, "
              f"dedupe store work {dedupe_cpu * per:.2f}, store writer {writer_cpu * per:.2f}), RSS {rss:6.1f} MiB",
              file=sys.stderr, flush=True)
    totals = storer.writer.close()
    dedupe._close_store()
    return {"impl": impl, "text": text, "articles": n, "batch": batch, "windows": windows, "stored": totals,
            "wall_s": time.monotonic() - started}


def _cell(value: float | None, fmt: str) -> str:
    return f"{'-':>10}" if value is None else f"{value:10{fmt}}"


def at(windows: list[dict], count: int, key: str) -> float | None:
    for w in windows:
        if w["articles"] >= count:
            return w[key]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=20,
                        help="articles per dedupe batch (a crawl's batch is what waits in the queue: 1–200)")
    parser.add_argument("--impls", default="embedded", help="comma-separated: embedded, ferretdb")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--text", choices=["varied", "site"], default="varied",
                        help="varied: unrelated articles share no wording (as real news); site: bench/site.py's "
                             "templated text as is (LSH candidates grow with the store)")
    parser.add_argument("--max-articles", default="",
                        help="per implementation, e.g. ferretdb=5000: stop that one early")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:  # one implementation in this process
        with tempfile.TemporaryDirectory(prefix="newsbot-scaling-") as tmp:
            print(json.dumps(run_one(args.child, args.articles, args.batch, Path(tmp), args.text)))
        return 0
    limits = {k: int(v) for k, v in (part.split("=") for part in args.max_articles.split(",") if part)}
    results = []
    with tempfile.TemporaryDirectory(prefix="newsbot-scaling-") as tmp:
        server, env = None, dict(os.environ)
        if "ferretdb" in args.impls.split(","):
            env["NEWSBOT_BENCH_MONGO_URI"] = os.environ.get("NEWSBOT_TEST_MONGO_URI", "")
            if not env["NEWSBOT_BENCH_MONGO_URI"]:
                from tests.plugin_mongo import FerretDB

                server = FerretDB(Path(tmp) / "ferretdb").start()
                env["NEWSBOT_BENCH_MONGO_URI"] = server.uri
        try:
            for _ in range(args.rounds):
                for impl in args.impls.split(","):
                    if impl == "ferretdb":
                        import pymongo

                        with pymongo.MongoClient(env["NEWSBOT_BENCH_MONGO_URI"]) as client:
                            client.drop_database("bench")
                    count = min(args.articles, limits.get(impl, args.articles))
                    out = subprocess.run([sys.executable, __file__, "--child", impl, "--articles", str(count),
                                          "--batch", str(args.batch), "--text", args.text], stdout=subprocess.PIPE,
                                         text=True, check=True, env=env)
                    results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        finally:
            if server is not None:
                server.stop()
    print(f"\n{args.articles} articles ({args.text} text), dedupe batches of {args.batch}, store batches of 100; "
          "CPU = process CPU (all threads) per article in the 1,000-article window ending there")
    marks = [m for m in (1000, 2000, 5000, 10000, 15000, 20000) if m <= args.articles]
    print("impl     " + "".join(f"{f'{m // 1000}k ms':>10}" for m in marks) + "".join(
        f"{f'RSS {m // 1000}k':>10}" for m in (2000, 10000, 20000) if m <= args.articles) + "   growth 2k→end")
    for r in results:
        w = r["windows"]
        rss2 = at(w, 2000, "rss_mib")
        growth = f"{(w[-1]['rss_mib'] - rss2) / rss2 * 100:+.1f} %" if rss2 else "-"
        print(f"{r['impl']:8s} " + "".join(_cell(at(w, m, "cpu_ms_per_article"), ".2f") for m in marks) + "".join(
            _cell(at(w, m, "rss_mib"), ".1f") for m in (2000, 10000, 20000) if m <= args.articles) + f"   {growth}"
            f"  (wall {r['wall_s']:.0f} s, stored {r['stored']})")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
