"""The embedded store: one SQLite file (standard library sqlite3, WAL) with plain tables and indexes.

Tables: `articles` (canonical_url primary key = unique; source, site, agency, the dates as sortable UTC
text for the indexes), `signatures` (id = canonical URL, scheme, seen_at) with their band keys in their
own indexed table `signature_bands(band, sig, scheme)`, `stories`, `crawl_runs`, `learned_chrome` (site).
Each row also holds the whole document as JSON (newsbot.store.codec), which is what reads give back.

Band keys and schemes are kept in `signature_bands` as 64-bit integers (blake2b of the text) and `sig`
is the signature's rowid: a commit of 100 articles inserts 4,200 band rows at random places of that
B-tree, and every page they touch is written to the log, so small rows (~20 bytes instead of ~80 with
the texts) mean fewer pages per commit. The texts stay in the signature's document.

Writes happen in one transaction per batch (BEGIN IMMEDIATE: writers of other threads and processes wait
up to the busy timeout); readers never wait for a writer (WAL).
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from collections.abc import Container, Iterable
from datetime import datetime

from newsbot.store.base import SEEN_FIELDS, Store
from newsbot.store.codec import dumps, loads, utc_text
from newsbot.store.config import StoreConfig
from newsbot.store.documents import (
    ARTICLES,
    LEARNED_CHROME,
    RUNS,
    SIGNATURES,
    STORIES,
    Op,
    WriteCounts,
    apply_story,
    by_collection,
    learned_chrome_state,
    revision_fields,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    canonical_url TEXT PRIMARY KEY, source TEXT, site TEXT, agency TEXT, published_at TEXT, fetched_at TEXT,
    first_seen TEXT, last_seen TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS source_published_at ON articles (source, published_at DESC);
CREATE INDEX IF NOT EXISTS agency_published_at ON articles (agency, published_at DESC);
CREATE INDEX IF NOT EXISTS site_fetched_at ON articles (site, fetched_at DESC);
CREATE TABLE IF NOT EXISTS signatures (id TEXT PRIMARY KEY, scheme TEXT, seen_at TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS signatures_seen_at ON signatures (seen_at);
CREATE TABLE IF NOT EXISTS signature_bands (band INTEGER NOT NULL, sig INTEGER NOT NULL, scheme INTEGER,
    PRIMARY KEY (band, sig)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS signature_bands_sig ON signature_bands (sig);
CREATE TABLE IF NOT EXISTS stories (story_id TEXT PRIMARY KEY, first_seen TEXT, agency TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stories_first_seen ON stories (first_seen DESC);
CREATE INDEX IF NOT EXISTS stories_agency_first_seen ON stories (agency, first_seen DESC);
CREATE TABLE IF NOT EXISTS crawl_runs (id TEXT PRIMARY KEY, source TEXT, status TEXT, started_at TEXT,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS source_started_at ON crawl_runs (source, started_at DESC);
CREATE INDEX IF NOT EXISTS started_at ON crawl_runs (started_at DESC);
CREATE TABLE IF NOT EXISTS learned_chrome (site TEXT PRIMARY KEY, updated_at TEXT, doc TEXT NOT NULL);
"""
TABLES = {ARTICLES: ("articles", "canonical_url"), SIGNATURES: ("signatures", "id"),
          STORIES: ("stories", "story_id"), RUNS: ("crawl_runs", "id"),
          LEARNED_CHROME: ("learned_chrome", "site")}
CHUNK = 500  # values per IN (…) list
BUSY_TIMEOUT_S = 30.0
# The log is checkpointed into the database once it holds this many pages (SQLite's default: 1,000 = 4 MB);
# a crawl's commits touch many index pages each, and a larger log means each page is written back once
# for many commits (up to ~40 MB of -wal file beside the store while a crawl writes).
WAL_AUTOCHECKPOINT_PAGES = 10_000
# Page cache of the crawl's writer connection (SQLite's default: 2 MiB). The band-key index outgrows 2 MiB at
# a few thousand articles, and then each of a batch's 4,200 random inserts read its page again: 16 MiB
# halved their cost (/tmp bench of the writer, 7,000 articles).
WRITER_CACHE_KIB = 8 * 1024
# Every other connection (a crawl holds four: writer, dedupe's reads, the run record, learned chrome) keeps
# SQLite's default: their reads are a batch's index look-ups, which the system's file cache serves, and each
# connection's cache is its own heap memory in the crawl process (BENCHMARKS.md §0, session 7).
READER_CACHE_KIB = 2 * 1024


# Band keys are turned into integers twice: by dedupe's read (signatures_by_bands) and, a moment later, by the
# store stage's write of the same signatures; a memo of the recent ones (~2 MB) saves the second time.
INT_KEY_MEMO = 16_384


@functools.lru_cache(maxsize=INT_KEY_MEMO)
def int_key(text: str | None) -> int | None:
    """A text as a signed 64-bit integer key (blake2b): equal texts, equal keys, across processes."""
    if text is None:
        return None
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _marks(values: list) -> str:
    return ",".join("?" * len(values))


class SqliteStore(Store):
    def __init__(self, config: StoreConfig, cache_kib: int = READER_CACHE_KIB) -> None:
        super().__init__(config)
        config.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE for writes).
        self.db = sqlite3.connect(config.sqlite_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
        self.db.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        self.db.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        self.ensure_schema()

    def ensure_schema(self) -> None:
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- writes ------------------------------------------------------------------------------------
    def write(self, ops: list[Op]) -> WriteCounts:
        counts = WriteCounts()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for collection, group in by_collection(ops):
                    getattr(self, f"_write_{collection}")([payload for _, payload in group], counts)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:  # locked past the busy timeout, disk full, …: the whole batch again later
            return WriteCounts(failed_ops=list(ops), error=f"{type(exc).__name__}: {exc}")
        counts.written = len(ops)
        return counts

    def _stored(self, table: str, key: str, ids: list[str]) -> dict[str, dict]:
        found = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            for row_id, doc in self.db.execute(f"SELECT {key}, doc FROM {table} WHERE {key} IN ({_marks(chunk)})",
                                               chunk):
                found[row_id] = loads(doc)
        return found

    def _write_articles(self, payloads: list[dict], counts: WriteCounts) -> None:
        stored = self._stored("articles", "canonical_url", [p["doc"]["canonical_url"] for p in payloads])
        rows = []
        for p in payloads:
            fields = p["doc"]
            url = fields["canonical_url"]
            old = stored.get(url)
            doc = {**(old or {}), **fields, **revision_fields(old, fields, p["last_seen"])}
            doc["first_seen"] = min(filter(None, [(old or {}).get("first_seen"), p["first_seen"]]))
            doc["last_seen"] = max(filter(None, [(old or {}).get("last_seen"), p["last_seen"]]))
            doc.pop("_id", None)
            stored[url] = doc
            counts.updated += old is not None
            counts.inserted += old is None
            rows.append((url, doc.get("source"), doc.get("site"), doc.get("agency"), utc_text(doc.get("published_at")),
                         utc_text(doc.get("fetched_at")), utc_text(doc["first_seen"]), utc_text(doc["last_seen"]),
                         dumps(doc)))
        self.db.executemany(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (canonical_url) DO UPDATE SET "
            "source=excluded.source, site=excluded.site, agency=excluded.agency, published_at=excluded.published_at, "
            "fetched_at=excluded.fetched_at, first_seen=excluded.first_seen, last_seen=excluded.last_seen, "
            "doc=excluded.doc", rows)

    def _write_story_signatures(self, payloads: list[dict], counts: WriteCounts) -> None:
        latest = {p["_id"]: p for p in payloads}
        old = self._rowids(list(latest))
        for chunk in _chunks(list(old.values())):
            self.db.execute(f"DELETE FROM signature_bands WHERE sig IN ({_marks(chunk)})", chunk)
        # ON CONFLICT DO UPDATE keeps the row (and its rowid: a re-signed article keeps its place in candidates)
        self.db.executemany("INSERT INTO signatures VALUES (?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
                            "scheme=excluded.scheme, seen_at=excluded.seen_at, doc=excluded.doc",
                            [(key, p.get("scheme"), utc_text(p.get("seen_at")), dumps(p)) for key, p in latest.items()])
        rowids = self._rowids(list(latest))
        schemes = {scheme: int_key(scheme) for scheme in {p.get("scheme") for p in latest.values()}}  # (one, usually)
        bands = [(int_key(band), rowids[key], schemes[p.get("scheme")])
                 for key, p in latest.items() for band in dict.fromkeys(p.get("bands") or ())]
        bands.sort()  # in key order: neighbouring inserts land on the same B-tree pages
        self.db.executemany("INSERT OR IGNORE INTO signature_bands VALUES (?,?,?)", bands)

    def _rowids(self, ids: list[str]) -> dict[str, int]:
        out = {}
        for chunk in _chunks(ids):
            out.update(self.db.execute(f"SELECT id, rowid FROM signatures WHERE id IN ({_marks(chunk)})", chunk))
        return out

    def _write_stories(self, payloads: list[dict], counts: WriteCounts) -> None:
        stories = self._stored("stories", "story_id", [p["story_id"] for p in payloads])
        for p in payloads:
            stories[p["story_id"]] = apply_story(stories.get(p["story_id"]), p)
        rows = [(sid, utc_text(doc.get("first_seen")), doc.get("agency"), dumps(doc))
                for sid, doc in stories.items() if any(p["story_id"] == sid for p in payloads)]
        self.db.executemany("INSERT INTO stories VALUES (?,?,?,?) ON CONFLICT (story_id) DO UPDATE SET "
                            "first_seen=excluded.first_seen, agency=excluded.agency, doc=excluded.doc", rows)

    def _write_crawl_runs(self, payloads: list[dict], counts: WriteCounts) -> None:
        runs = self._stored("crawl_runs", "id", [p["_id"] for p in payloads])
        for p in payloads:
            runs[p["_id"]] = {**runs.get(p["_id"], {}), **p}
        rows = [(rid, doc.get("source"), doc.get("status"), utc_text(doc.get("started_at")), dumps(doc))
                for rid, doc in runs.items()]
        self.db.executemany("INSERT INTO crawl_runs VALUES (?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
                            "source=excluded.source, status=excluded.status, started_at=excluded.started_at, "
                            "doc=excluded.doc", rows)

    def _write_learned_chrome(self, payloads: list[dict], counts: WriteCounts) -> None:
        docs = self._stored("learned_chrome", "site", [p["_id"] for p in payloads])
        for p in payloads:  # as MongoDB's $set + $addToSet: the stored keys, then the new ones
            old = docs.get(p["_id"], {})
            learned = list(old.get("learned") or ())
            have = set(learned)
            learned += [k for k in p["learned"] if k not in have]
            docs[p["_id"]] = {**old, **p, "learned": learned}
        self.db.executemany("INSERT INTO learned_chrome VALUES (?,?,?) ON CONFLICT (site) DO UPDATE SET "
                            "updated_at=excluded.updated_at, doc=excluded.doc",
                            [(site, utc_text(doc.get("updated_at")), dumps(doc)) for site, doc in docs.items()])

    def purge_signatures(self, older_than: datetime) -> int:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM signature_bands WHERE sig IN (SELECT rowid FROM signatures WHERE seen_at < ?)",
                            (utc_text(older_than),))
            dropped = self.db.execute("DELETE FROM signatures WHERE seen_at < ?", (utc_text(older_than),)).rowcount
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return dropped

    # -- reads -------------------------------------------------------------------------------------
    def known_articles(self, urls: Iterable[str], seen_since: datetime | None = None) -> dict[str, dict]:
        urls = list(dict.fromkeys(urls))
        out = {}
        for chunk in _chunks(urls):
            sql = f"SELECT doc FROM articles WHERE canonical_url IN ({_marks(chunk)})"
            args = list(chunk)
            if seen_since is not None:
                sql += " AND last_seen >= ?"
                args.append(utc_text(seen_since))
            for (doc,) in self.db.execute(sql, args):
                doc = loads(doc)
                out[doc["canonical_url"]] = {k: doc[k] for k in SEEN_FIELDS if k in doc}
        return out

    def urls_fetched_since(self, source: str, since: datetime) -> set[str]:
        rows = self.db.execute("SELECT doc FROM articles WHERE source = ? AND fetched_at >= ?",
                               (source, utc_text(since)))
        return {u for (doc,) in rows for u in (lambda d: (d.get("url"), d.get("canonical_url")))(loads(doc)) if u}

    def signatures(self, keys: Iterable[str]) -> dict[str, dict]:
        found = self._stored("signatures", "id", list(keys))
        for doc in found.values():
            doc.pop("bands", None)
        return found

    def signature_ids_not_of(self, scheme: str) -> list[str]:
        return [key for (key,) in self.db.execute(
            "SELECT id FROM signatures WHERE scheme IS NULL OR scheme != ? ORDER BY rowid", (scheme,))]

    def articles(self, urls: Iterable[str]) -> dict[str, dict]:
        return self._stored("articles", "canonical_url", list(urls))

    def signatures_by_bands(self, bands: list[str], not_before: datetime,
                            held: Container[str] = frozenset()) -> list[dict]:
        found: dict[int, dict] = {}
        for chunk in _chunks([int_key(b) for b in dict.fromkeys(bands)]):
            rows = self.db.execute(
                "SELECT rowid, id, doc FROM signatures WHERE seen_at >= ? AND rowid IN "
                f"(SELECT sig FROM signature_bands WHERE band IN ({_marks(chunk)}))", [utc_text(not_before), *chunk])
            for rowid, key, doc in rows:
                if rowid not in found:
                    found[rowid] = {"_id": key} if key in held else loads(doc)  # decoding is most of the cost
        return [found[rowid] for rowid in sorted(found)]

    def published_since(self, since: datetime) -> Iterable[tuple[str, datetime]]:
        rows = self.db.execute("SELECT source, doc FROM articles WHERE published_at >= ?", (utc_text(since),))
        return [(source, loads(doc)["published_at"]) for source, doc in rows]

    def article_totals(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT source, count(*) FROM articles GROUP BY source").fetchall())

    def runs(self, source: str | None = None, limit: int = 0, finished: bool = False) -> list[dict]:
        sql, args = "SELECT doc FROM crawl_runs WHERE 1=1", []
        if source is not None:
            sql, args = sql + " AND source = ?", [source]
        if finished:
            sql += " AND status = 'finished'"
        sql += " ORDER BY started_at DESC" + (f" LIMIT {int(limit)}" if limit else "")
        return [loads(doc) for (doc,) in self.db.execute(sql, args)]

    def learned_chrome(self, site: str) -> dict | None:
        return learned_chrome_state(self._stored("learned_chrome", "site", [site]).get(site))

    def find(self, collection: str, **equal: object) -> list[dict]:
        table, key = TABLES[collection]
        docs = [loads(doc) for (doc,) in self.db.execute(f"SELECT doc FROM {table} ORDER BY rowid")]
        return [d for d in docs if all(d.get(k) == v for k, v in equal.items())]
