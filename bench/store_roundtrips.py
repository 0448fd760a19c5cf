"""Round trips to MongoDB per 100 stored items, counted with pymongo's command monitoring.

    python bench/store_roundtrips.py                      # FerretDB from ~/go/bin, both modes
    python bench/store_roundtrips.py --uri mongodb://…    # any MongoDB-protocol server
    python bench/store_roundtrips.py --mode crawl --items 300

Modes:
- insert: N articles through the store writer (the code path of StorePipeline), as a steady feed
          (--rate items/s to see the time flush: below batch/flush items per second it adds round trips);
- crawl:  a real Scrapy crawl (in this process) of a generated fixture site with N article pages,
          through the project's pipelines and the crawl-run extension.

Every command the client sends is one round trip; the figure reported is write commands
(insert/update/delete) and all commands (including createIndexes, run records, …) per 100 items.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pymongo
from pymongo import monitoring

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITES = {"insert", "update", "delete"}
PAGE = """<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>Deneme haberi {n}</title>
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Deneme haberi {n}",
"datePublished":"2026-01-02T10:00:00+03:00"}}</script></head><body><article><h1>Deneme haberi {n}</h1>
<p>Deneme haberi {n}: belediye ekipleri {n}. mahallede altyapı çalışması başlattı ve çalışma sürüyor.</p>
<p>Yetkililer, {n} numaralı projenin ay sonunda tamamlanacağını açıkladı.</p></article></body></html>"""


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.names: Counter = Counter()

    def started(self, event) -> None:
        target = event.command.get(event.command_name)
        self.names[f"{event.command_name} {target}" if isinstance(target, str) else event.command_name] += 1

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


def bench_insert(uri: str, items: int, batch_size: int, data_dir: Path, rate: float = 0.0,
                 flush_seconds: float = 5.0) -> Counter:
    from newsbot.store import StoreConfig, StoreWriter, article_op

    listener = Commands()
    config = StoreConfig(uri, "bench_roundtrips", data_dir)
    writer = StoreWriter(config, batch_size=batch_size, flush_seconds=flush_seconds,
                         client_kwargs={"event_listeners": [listener]})
    writer.start()
    for n in range(items):
        doc = {"canonical_url": f"https://bench.example/haber/{n}", "source": "bench", "site": "bench.example",
               "title": f"Haber {n}", "body": ["paragraf bir", "paragraf iki"],
               "published_at": "2026-01-02T10:00:00+03:00", "fetched_at": "2026-01-02T07:00:00+00:00"}
        writer.put(article_op(doc))
        if rate:
            time.sleep(1 / rate)  # a steady feed of `rate` items per second
        elif n % 50 == 49:
            time.sleep(0.01)
    totals = writer.close()
    assert totals.get("inserted", 0) + totals.get("updated", 0) == items, totals
    return listener.names


def bench_crawl(uri: str, items: int, batch_size: int, data_dir: Path, rate: float = 0.0,
                flush_seconds: float = 5.0) -> Counter:
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from newsbot.demo.server import FixtureSite

    site_dir = data_dir / "site"
    (site_dir / "haber").mkdir(parents=True, exist_ok=True)
    (site_dir / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    links = "".join(f"<item><link>{{{{BASE}}}}/haber/deneme-haberi-{n}-{10000 + n}.html</link></item>"
                    for n in range(items))
    (site_dir / "rss.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{links}</channel></rss>')
    for n in range(items):
        (site_dir / "haber" / f"deneme-haberi-{n}-{10000 + n}.html").write_text(PAGE.format(n=n), encoding="utf-8")

    listener = Commands()
    monitoring.register(listener)  # the pipeline's client is created inside the crawl
    os.environ["NEWSBOT_MONGO_URI"] = uri
    os.environ["NEWSBOT_MONGO_DB"] = "bench_roundtrips"
    os.chdir(ROOT)
    settings = get_project_settings()
    settings.set("NEWSBOT_DATA_DIR", str(data_dir / "data"))
    settings.set("NEWSBOT_STORE_BATCH_SIZE", batch_size)
    settings.set("NEWSBOT_STORE_FLUSH_SECONDS", flush_seconds)
    settings.set("AUTOTHROTTLE_ENABLED", False)
    settings.set("LOG_LEVEL", "WARNING")
    settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"), "newsbot.monitor.runs.CrawlRuns": 600})
    with FixtureSite(site_dir) as site:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("news")
        process.crawl(crawler, url=site.url("/rss.xml"), source="bench")
        process.start()
    stored = crawler.stats.get_value("newsbot/store/inserted", 0) + crawler.stats.get_value("newsbot/store/updated", 0)
    assert stored == items, crawler.stats.get_stats()
    return listener.names


def report(mode: str, names: Counter, items: int, seconds: float) -> None:
    article_writes = sum(n for name, n in names.items() if name.split()[0] in WRITES and name.endswith(" articles"))
    total = sum(names.values())
    print(f"{mode}: {items} items in {seconds:.1f} s ({items / seconds:.0f}/s) -> {article_writes} article write "
          f"commands = {article_writes * 100 / items:.2f} round trips per 100 items; {total} commands in all "
          f"({total * 100 / items:.2f} per 100 items): {dict(sorted(names.items()))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=os.environ.get("NEWSBOT_TEST_MONGO_URI"),
                        help="server to use (default: NEWSBOT_TEST_MONGO_URI, else start FerretDB)")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--flush-seconds", type=float, default=5.0, help="NEWSBOT_STORE_FLUSH_SECONDS")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="insert mode: feed this many items per second (default: as they come)")
    parser.add_argument("--mode", choices=["insert", "crawl", "both"], default="both")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        server = None
        uri = args.uri
        if not uri:
            from tests.plugin_mongo import FerretDB

            server = FerretDB(Path(tmp) / "ferretdb").start()
            uri = server.uri
        try:
            with pymongo.MongoClient(uri) as client:
                client.drop_database("bench_roundtrips")
            for mode, run in (("insert", bench_insert), ("crawl", bench_crawl)):
                if args.mode in (mode, "both"):
                    with pymongo.MongoClient(uri) as client:
                        client.drop_database("bench_roundtrips")
                    started = time.monotonic()
                    names = run(uri, args.items, args.batch_size, Path(tmp), args.rate, args.flush_seconds)
                    report(mode, names, args.items, time.monotonic() - started)
            with pymongo.MongoClient(uri) as client:
                client.drop_database("bench_roundtrips")
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
