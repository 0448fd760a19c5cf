"""The one place that knows MongoDB: connection, schema, the article upsert, the outage spool, masking.

Where data goes:
- `NEWSBOT_MONGO_URI` (or `MONGO_URI`) set in the environment: that MongoDB server, through pymongo.
- otherwise: the embedded on-disk store under `<NEWSBOT_DATA_DIR>/store` (litemongo: SQLite files,
  the same pymongo-style API), with its query index kept in SQLite by newsbot.embedded_store (not in
  process memory). A litemongo client must only be used from the thread that created it, so every
  client here is opened and used inside one thread (see `ClientThread` and `StoreWriter`). Every
  client of the embedded store must come from `open_client` (a plain litemongo writer is tolerated,
  but each of its writes makes our next access rebuild the index).

Database name: env `NEWSBOT_MONGO_DB`, else the URI's path (`mongodb://host/<db>`), else the setting
`NEWSBOT_MONGO_DB` ("newsbot"). Credentials come only from the environment; every message that can
show the URI goes through `mask()` (mongodb://user:***@host).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pymongo
import pymongo.collection
from bson import json_util
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError, ConfigurationError, InvalidURI, PyMongoError
from pymongo.uri_parser import parse_uri

from newsbot.child import child_pool

logger = logging.getLogger("newsbot.store")

URI_ENV = ("NEWSBOT_MONGO_URI", "MONGO_URI")
DEFAULT_DB = "newsbot"
ARTICLES = "articles"
RUNS = "crawl_runs"
DEFAULT_TIMEOUT_MS = 3000  # server selection / connect: an outage must not stall a crawl for minutes

# Indexes, per collection: (name, keys, options). The names are part of the schema (README).
INDEXES: dict[str, list[tuple[str, list[tuple[str, int]], dict]]] = {
    ARTICLES: [
        ("canonical_url_unique", [("canonical_url", ASCENDING)], {"unique": True}),
        ("source_published_at", [("source", ASCENDING), ("published_at", DESCENDING)], {}),
        ("agency_published_at", [("agency", ASCENDING), ("published_at", DESCENDING)], {}),
        ("site_fetched_at", [("site", ASCENDING), ("fetched_at", DESCENDING)], {}),
    ],
    RUNS: [
        ("source_started_at", [("source", ASCENDING), ("started_at", DESCENDING)], {}),
        ("started_at", [("started_at", DESCENDING)], {}),
    ],
}

# Write errors that another attempt cannot fix (bad document, too large, …): rejected, not retried.
PERMANENT_WRITE_ERRORS = {2, 10334, 17419, 16837, 52, 56, 57, 9}


class StoreError(Exception):
    """A store problem with a message that is safe to show (credentials masked)."""


# -- credentials ---------------------------------------------------------------------------------
# A URI's start (any scheme: mongodb, mongodb+srv, redis, rediss, http…) and where the text that may belong
# to it ends: whitespace, a double quote or angle bracket (never part of a URI), or the next URI's start.
_URI_START = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)
_URI_END = re.compile(r"[\s\"<>]|[a-z][a-z0-9+.-]*://", re.I)
_HOST_PORT = re.compile(r"[^:]*(:\d*)?")  # "host" or "host:27017": no password in it


def uri_userinfo(rest: str) -> tuple[str, str | None] | None:
    """(user, password or None) of a URI whose text after "scheme://" is `rest`; None when it has no userinfo.

    The userinfo ends at the authority's last "@" (RFC 3986), so an unescaped "@" in a password
    (`u:p@ss@host`) stays in the password, and the password starts after the first ":" (`u:p:ss@host`).
    A password with an unescaped "/", "?" or "#" ends the authority early (`u:pa/ss@host`): when what
    precedes the "/" is not host[:port], the userinfo runs to the last "@" (over-masking is the safe side)."""
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        userinfo = authority.rpartition("@")[0]
    elif "@" in rest and not _HOST_PORT.fullmatch(authority) and "," not in authority:
        userinfo = rest.rpartition("@")[0]
    else:
        return None
    user, colon, password = userinfo.partition(":")
    return user, (password if colon else None)


def _mask_uris(text: str) -> str:
    out, pos = [], 0
    for start in _URI_START.finditer(text):
        if start.start() < pos:  # inside a URI already handled
            continue
        end = _URI_END.search(text, start.end())
        stop = end.start() if end else len(text)
        rest = text[start.end():stop]
        found = uri_userinfo(rest)
        if found is None or found[1] is None:  # no credentials, or a user name alone: nothing secret
            continue
        userinfo_end = len(found[0]) + 1 + len(found[1])  # user ":" password
        out += [text[pos:start.end()], found[0], ":***", rest[userinfo_end:]]
        pos = stop
    out.append(text[pos:])
    return "".join(out)


def env_uri(environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    for key in URI_ENV:
        if environ.get(key):
            return environ[key].strip()
    return None


def mongo_uri() -> str | None:
    """The configured server URI from the environment, or None for the embedded store."""
    return env_uri()


def _secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """Password literals of the configured URIs (raw and decoded), to scrub from any text."""
    found = []
    environ = os.environ if environ is None else environ
    for key in URI_ENV:
        uri = (environ.get(key) or "").strip()
        start = _URI_START.match(uri)
        credentials = uri_userinfo(uri[start.end():]) if start else None
        if credentials and credentials[1]:
            found += [credentials[1], unquote(credentials[1])]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def mask(text: object) -> str:
    """`text` with every URI password replaced by *** (and any configured password scrubbed)."""
    out = _mask_uris(str(text))
    for secret in _secrets():
        out = out.replace(secret, "***")
    return out


def short_error(exc: BaseException) -> str:
    """One masked line for an exception (pymongo's topology descriptions cut off)."""
    text = f"{type(exc).__name__}: {exc}".split(", Timeout:")[0].split(", full error:")[0]
    return mask(" ".join(text.split()))[:300]


def mask_uri(uri: str | None) -> str:
    return mask(uri) if uri else ""


class MaskingFilter(logging.Filter):
    """Logging filter that masks credentials in every record that passes a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()  # the URI may be in the arguments, not in the format string
        except Exception:  # a broken record is logging's business, not ours
            return True
        if "@" not in message and not _secrets():
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_masking() -> None:
    """Add MaskingFilter to the root handlers (Scrapy's included); safe to call repeatedly."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


# -- configuration -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoreConfig:
    uri: str | None
    db_name: str
    data_dir: Path
    timeout_ms: int = DEFAULT_TIMEOUT_MS

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None, db_name: str | None = None,
                timeout_ms: int | None = None, environ: Mapping[str, str] | None = None) -> StoreConfig:
        environ = os.environ if environ is None else environ
        uri = env_uri(environ)
        name = environ.get("NEWSBOT_MONGO_DB") or _uri_db(uri) or db_name or DEFAULT_DB
        return cls(uri, name, Path(data_dir or "data"), int(timeout_ms or DEFAULT_TIMEOUT_MS))

    @classmethod
    def from_settings(cls, settings) -> StoreConfig:
        return cls.resolve(settings.get("NEWSBOT_DATA_DIR"), settings.get("NEWSBOT_MONGO_DB"),
                           settings.getint("NEWSBOT_MONGO_TIMEOUT_MS", DEFAULT_TIMEOUT_MS))

    @property
    def embedded_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def spool_path(self) -> Path:
        return self.data_dir / "spool" / f"{self.db_name}.jsonl"

    @property
    def rejected_path(self) -> Path:
        return self.data_dir / "spool" / f"{self.db_name}.rejected.jsonl"

    def describe(self) -> str:
        """Where the data goes, safe for logs."""
        if self.uri:
            return f"MongoDB {mask_uri(self.uri)} database {self.db_name!r}"
        return f"embedded store {self.embedded_dir.resolve()} database {self.db_name!r}"

    def check(self) -> None:
        """Raise StoreError (masked) when the URI cannot be parsed; opens no connection."""
        if not self.uri:
            return
        try:
            parse_uri(self.uri, validate=True, warn=False)
        except (InvalidURI, ConfigurationError, ValueError, TypeError) as exc:
            raise StoreError(f"bad MongoDB URI {mask_uri(self.uri)}: {mask(exc)}") from None


def _uri_db(uri: str | None) -> str | None:
    if not uri:
        return None
    try:
        return parse_uri(uri, validate=False, warn=True).get("database") or None
    except Exception:  # a bad URI is reported by StoreConfig.check()
        return None


def open_client(config: StoreConfig | str | Path | None = None, **client_kwargs):
    """A client for `config` (or, given a data dir, for the environment's configuration).

    pymongo for a URI (`client_kwargs` go to pymongo.MongoClient, e.g. event_listeners), litemongo
    for the embedded store. Use the client only in the calling thread.
    """
    if not isinstance(config, StoreConfig):
        config = StoreConfig.resolve(config)
    config.check()
    if config.uri:
        install_log_masking()
        options = {k.lower() for k in (_uri_options(config.uri))}
        kwargs: dict[str, Any] = {"appname": "newsbot", **client_kwargs}
        for key, value in (("serverSelectionTimeoutMS", config.timeout_ms), ("connectTimeoutMS", config.timeout_ms),
                           ("socketTimeoutMS", max(config.timeout_ms * 10, 30000))):
            if key.lower() not in options:
                kwargs[key] = value
        try:
            return pymongo.MongoClient(config.uri, **kwargs)
        except PyMongoError as exc:
            raise StoreError(f"cannot use MongoDB {mask_uri(config.uri)}: {mask(exc)}") from None
    (config.embedded_dir / config.db_name).mkdir(parents=True, exist_ok=True)
    connect = _embedded_connect()
    # Clients that create the store's files at the same moment can collide (litemongo creates them
    # without locking): open and create the collections one client at a time, across processes too.
    with _EMBEDDED_OPEN, open(config.embedded_dir / ".open.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        client = connect(str(config.embedded_dir.resolve()))
        try:
            for name in (ARTICLES, RUNS):
                client[config.db_name][name].find_one({}, {"_id": 1})
        except Exception:
            client.close()
            raise
    return client


_EMBEDDED_OPEN = threading.Lock()
# The embedded store keeps its query index in SQLite (newsbot.embedded_store): litemongo's own keeps a
# hash index of every indexed field of every document in memory and rebuilds it whenever another
# connection writes (issue 7). False gives plain litemongo (bench/store_scaling.py compares the two).
EMBEDDED_INDEXED = True


def _embedded_connect() -> Callable[[str], Any]:
    if not EMBEDDED_INDEXED:
        import litemongo

        return litemongo.connect
    try:
        from newsbot import embedded_store
    except RuntimeError as exc:  # EmbeddedStoreUnsupported: one line naming what is missing
        raise StoreError(str(exc)) from None
    return embedded_store.connect
_FROM_ENV = object()


class Store:
    """A client with its database and the two collections: `with open_store() as store: store.articles…`.
    Use it only in the thread that opened it."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.client = open_client(config)
        self.db = self.client[config.db_name]
        self.articles = self.db[ARTICLES]
        self.runs = self.db[RUNS]

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(data_dir: str | Path | None = None, uri: Any = _FROM_ENV, db_name: str | None = None) -> Store:
    """Open the store: the environment's server (default), the given `uri`, or with uri=None the
    embedded store under `data_dir`."""
    config = StoreConfig.resolve(data_dir, db_name)
    if uri is not _FROM_ENV:
        config = StoreConfig(uri or None, db_name or (_uri_db(uri) if uri else None) or config.db_name,
                             config.data_dir, config.timeout_ms)
    return Store(config)


def _uri_options(uri: str) -> dict:
    try:
        return dict(parse_uri(uri, validate=False, warn=True).get("options") or {})
    except Exception:
        return {}


def write_batch(collection: Any) -> contextlib.AbstractContextManager:
    """One SQLite transaction (one commit) for the writes made inside, on an embedded-store collection
    (newsbot.embedded_store); nothing on MongoDB, where each request is its own round trip anyway."""
    embedded = embedded_store_for(collection)
    return contextlib.nullcontext() if embedded is None else embedded.write_batch(collection)


def embedded_store_for(collection: Any) -> Any:
    """newsbot.embedded_store (whose functions check the collection's store themselves) for a collection
    of an embedded client with newsbot's query index; None on MongoDB or plain litemongo."""
    if isinstance(collection, pymongo.collection.Collection) or not EMBEDDED_INDEXED:
        return None
    from newsbot import embedded_store  # importable: open_client refused the store otherwise

    return embedded_store


def create_indexes(db, specs: Mapping[str, list[tuple[str, list[tuple[str, int]], dict]]]) -> None:
    """Create the indexes of `specs` that the collections lack (by name, key and uniqueness).

    An index that exists is not created again: on the embedded store create_index of a unique index
    reads and decodes every document to check it (mongomock), so recreating `canonical_url_unique` at
    each crawl start cost O(stored articles). A name with other keys or options still goes to
    create_index, which refuses it as before."""
    for collection, indexes in specs.items():
        existing = db[collection].index_information()
        for name, keys, options in indexes:
            have = existing.get(name)
            if (have is not None and [tuple(k) for k in have.get("key", [])] == [tuple(k) for k in keys]
                    and bool(have.get("unique")) == bool(options.get("unique"))):
                continue
            db[collection].create_index(keys, name=name, **options)


def embedded_any_of(collection: Any) -> Callable[[str, list[str]], list[dict] | None] | None:
    """For an embedded-store collection, a fast `find({field: {"$in": strings}})` (see
    newsbot.embedded_store.IndexedCollectionStore.any_of); None on MongoDB."""
    embedded = embedded_store_for(collection)
    return None if embedded is None else embedded.any_of(collection)


def ensure_indexes(db) -> None:
    create_indexes(db, INDEXES)


# -- documents -----------------------------------------------------------------------------------
def safe_key(key: object) -> str:
    """A key that MongoDB stores as data: a leading `$` and every `.` become their full-width forms."""
    key = str(key).replace("\x00", "")
    if key.startswith("$"):
        key = "＄" + key[1:]
    return key.replace(".", "．")


def sanitize(value: Any) -> Any:
    """`value` with every mapping key (at any depth) made safe by safe_key(); tuples/sets become lists."""
    if isinstance(value, Mapping):
        return {safe_key(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [sanitize(v) for v in value]
    return value


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def article_upsert(doc: Mapping[str, Any], now: datetime | None = None) -> tuple[dict, dict]:
    """(filter, update) that stores `doc` as the one document of its canonical URL.

    Fields are $set; first_seen is set once ($setOnInsert); last_seen only moves forward ($max),
    so replaying an old spool never moves it back.
    """
    now = now or utcnow()
    fields = sanitize(dict(doc))
    for key in ("_id", "first_seen", "last_seen"):
        fields.pop(key, None)
    url = fields.pop("canonical_url", None) or fields.get("url")
    if not url:
        raise ValueError("an article needs a canonical_url (or url) to be stored")
    update = {"$set": fields, "$setOnInsert": {"first_seen": now}, "$max": {"last_seen": now}}
    return {"canonical_url": url}, update


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    failed: int = 0  # ops that must be tried again (transient failure)
    rejected: int = 0  # ops the server refused for good
    failed_ops: list = field(default_factory=list)
    rejected_ops: list = field(default_factory=list)
    error: str = ""


Op = tuple[str, dict, dict]  # (collection, filter, update)


def write_ops(db, ops: list[Op]) -> WriteCounts:
    """Upsert `ops` with one unordered bulk_write per collection; never raises for server errors."""
    counts = WriteCounts()
    by_collection: dict[str, list[Op]] = {}
    for op in ops:
        by_collection.setdefault(op[0], []).append(op)
    for collection, group in by_collection.items():
        requests = [UpdateOne(q, u, upsert=True) for _, q, u in group]
        try:
            target = db[collection]
            with write_batch(target):
                written = _embedded_upserts(target, [(q, u) for _, q, u in group])
                if written is None:  # MongoDB, or not a batch the embedded fast path takes
                    result = target.bulk_write(requests, ordered=False)
                    written = result.upserted_count, result.matched_count
            counts.inserted += written[0]
            counts.updated += written[1]
        except BulkWriteError as exc:
            details = exc.details or {}
            counts.inserted += int(details.get("nUpserted") or 0)
            counts.updated += int(details.get("nMatched") or 0)
            errors = details.get("writeErrors") or []
            for err in errors:
                target = counts.rejected_ops if err.get("code") in PERMANENT_WRITE_ERRORS else counts.failed_ops
                target.append((*group[err["index"]], err.get("errmsg", "")))
            if details.get("writeConcernErrors") and not errors:
                counts.failed_ops += [(*op, "write concern error") for op in group]
            counts.error = mask(f"{len(errors)} write errors, first: {errors[0].get('errmsg') if errors else exc}")
        except Exception as exc:  # network errors, server selection timeouts, a locked SQLite file …
            counts.failed_ops += [(*op, "") for op in group]
            counts.error = short_error(exc)
    counts.failed, counts.rejected = len(counts.failed_ops), len(counts.rejected_ops)
    return counts


def _embedded_upserts(collection: Any, ops: list[tuple[dict, dict]]) -> tuple[int, int] | None:
    """On an embedded-store collection, the upserts' (inserted, matched) through
    newsbot.embedded_store.upsert_many — mongomock's result at a fraction of its CPU (~0.6 ms an article
    one by one); None, nothing written, on MongoDB or when that path cannot promise mongomock's result."""
    embedded = embedded_store_for(collection)
    return None if embedded is None else embedded.upsert_many(collection, ops)


def coalesce(ops: list[Op]) -> list[Op]:
    """One op per document: a later op for the same filter replaces an earlier one, except that the
    earliest $setOnInsert and the latest $max win (so one batch holding a URL twice is one upsert)."""
    merged: dict[str, Op] = {}
    for op in ops:
        key = _dumps([op[0], op[1]])
        previous = merged.get(key)
        if previous is not None:
            update = dict(op[2])
            if "$setOnInsert" in previous[2]:
                update["$setOnInsert"] = {**op[2].get("$setOnInsert", {}), **previous[2]["$setOnInsert"]}
            if "$max" in previous[2]:
                update["$max"] = {k: max(v, op[2].get("$max", {}).get(k, v)) for k, v in previous[2]["$max"].items()}
                update["$max"].update({k: v for k, v in op[2].get("$max", {}).items() if k not in update["$max"]})
            op = (op[0], op[1], update)
        merged[key] = op
    return list(merged.values())


# -- spool ---------------------------------------------------------------------------------------
def _dumps(obj: Any) -> str:
    return json_util.dumps(obj, json_options=json_util.RELAXED_JSON_OPTIONS, ensure_ascii=False)


class Spool:
    """A JSON Lines file of upserts that could not be written: {"c": collection, "q": filter, "u": update}.

    Replaying it is idempotent (upserts keyed by canonical URL / run id). A lock file serialises the
    crawl's writer thread, other crawls and `python -m newsbot replay-spool`.
    """

    def __init__(self, path: Path, rejected_path: Path | None = None) -> None:
        self.path = Path(path)
        self.rejected_path = rejected_path or self.path.with_suffix(".rejected.jsonl")

    @classmethod
    def for_config(cls, config: StoreConfig) -> Spool:
        return cls(config.spool_path, config.rejected_path)

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append(self, ops: Iterable[Op], path: Path | None = None) -> int:
        lines = [_dumps({"c": op[0], "q": op[1], "u": op[2], **({"error": op[3]} if len(op) > 3 and op[3] else {})})
                 for op in ops]
        if not lines:
            return 0
        with self._locked(), open(path or self.path, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return len(lines)

    def reject(self, ops: Iterable[Op]) -> int:
        return self.append(ops, self.rejected_path)

    def __len__(self) -> int:
        try:
            with open(self.path, encoding="utf-8") as fh:
                return sum(1 for line in fh if line.strip())
        except FileNotFoundError:
            return 0

    def pending(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def replay(self, db, batch_size: int = 100) -> WriteCounts:
        """Write the spooled ops to `db`; what still fails stays in the spool, refused ops go to rejected."""
        total = WriteCounts()
        with self._locked():
            try:
                lines = self.path.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                return total
            ops: list[Op] = []
            for line in lines:
                if line.strip():
                    rec = json_util.loads(line)
                    ops.append((rec["c"], rec["q"], rec["u"]))
            keep: list = []
            for start in range(0, len(ops), batch_size):
                if keep and not total.inserted + total.updated and start:
                    keep += ops[start:]  # the server is still away: don't try every batch
                    break
                counts = write_ops(db, ops[start:start + batch_size])
                total.inserted += counts.inserted
                total.updated += counts.updated
                total.rejected_ops += counts.rejected_ops
                keep += counts.failed_ops
                total.error = counts.error or total.error
            total.failed, total.rejected = len(keep), len(total.rejected_ops)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text("".join(_dumps({"c": op[0], "q": op[1], "u": op[2]}) + "\n" for op in keep),
                           encoding="utf-8")
            os.replace(tmp, self.path)
            if not keep:
                self.path.unlink(missing_ok=True)
        self.reject(total.rejected_ops)
        return total


# -- threads that own a client -------------------------------------------------------------------
class ClientThread(threading.Thread):
    """A thread that opens the store client itself and runs submitted jobs `fn(db)` in order."""

    def __init__(self, config: StoreConfig, name: str = "newsbot-store") -> None:
        super().__init__(name=name, daemon=True)
        self.config = config
        self._jobs: queue.Queue = queue.Queue()

    def submit(self, fn: Callable[[Any], Any]) -> Future:
        future: Future = Future()
        self._jobs.put((fn, future))
        return future

    def stop(self) -> None:
        self._jobs.put(None)

    def run(self) -> None:
        client = None
        try:
            client = open_client(self.config)
            db = client[self.config.db_name]
            while (job := self._jobs.get()) is not None:
                fn, future = job
                try:
                    future.set_result(fn(db))
                except BaseException as exc:  # handed to whoever waits on the future
                    future.set_exception(exc)
        except BaseException as exc:
            while True:  # fail everything still queued instead of leaving waiters hanging
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    job[1].set_exception(exc)
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()


_STOP = object()


_CHILD_DB: Any = None


def _child_open(config: StoreConfig) -> None:
    global _CHILD_DB
    _CHILD_DB = open_client(config)[config.db_name]


def _child_write(ops: list[Op]) -> WriteCounts:
    return write_ops(_CHILD_DB, ops)


class WriteProcess:
    """write_ops in one child process with its own client. The embedded store's writes are pure
    Python (mongomock under litemongo): in the crawl's process they hold the GIL against the reactor.
    A child that dies makes that batch fail like a lost server (retried, then spooled: nothing lost);
    the next batch starts a new child."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.restarts = 0
        self._executor = None

    def write(self, ops: list[Op]) -> WriteCounts:
        if self._executor is None:
            self._executor = child_pool(1, _child_open, (self.config,))
        try:
            return self._executor.submit(_child_write, ops).result()
        except BrokenExecutor as exc:
            self.restarts += 1
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            counts = WriteCounts(failed=len(ops), failed_ops=[(*op, "") for op in ops],
                                 error=f"store writer process died: {exc}")
            return counts

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


class StoreWriter(threading.Thread):
    """Batches upserts and writes them from its own thread, so a slow or absent server never blocks
    the crawl. A batch is written when it holds `batch_size` ops or its oldest op is `flush_seconds`
    old, and at close. A failed batch is retried `retries` times with exponential backoff; then it is
    spooled, and for `cooldown` seconds further batches go straight to the spool. Spooled ops are
    replayed at start and as soon as a write succeeds again.

    `report(counts: dict)` is called from this thread with increments of inserted/updated (direct
    writes), spooled, rejected, replayed (spooled ops written later) and failed_batches.
    """

    def __init__(self, config: StoreConfig, batch_size: int = 100, flush_seconds: float = 5.0,
                 retries: int = 3, backoff: float = 1.0, cooldown: float = 30.0,
                 report: Callable[[dict], None] | None = None, client_kwargs: dict | None = None,
                 write_process: bool = False) -> None:
        super().__init__(name="newsbot-store-writer", daemon=True)
        self.config = config
        self.client_kwargs = client_kwargs or {}
        self.batch_size = max(1, int(batch_size))
        self.flush_seconds = max(0.05, float(flush_seconds))
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.cooldown = max(0.0, float(cooldown))
        self.report = report or (lambda counts: None)
        self.spool = Spool.for_config(config)
        self.totals: dict[str, int] = {}
        self._queue: queue.Queue = queue.Queue()
        self._down_until = 0.0
        self._indexes_ok = False
        self._db = None
        # A child process cannot take client_kwargs (event listeners are objects of this process).
        self._process = WriteProcess(config) if write_process and not client_kwargs else None

    # called from the crawl's thread
    def put(self, op: Op) -> None:
        self._queue.put(op)

    def close(self, timeout: float | None = None) -> dict[str, int]:
        self._queue.put(_STOP)
        self.join(timeout)
        return dict(self.totals)

    # the writer thread
    def _count(self, **increments: int) -> None:
        increments = {k: v for k, v in increments.items() if v}
        for key, value in increments.items():
            self.totals[key] = self.totals.get(key, 0) + value
        if increments:
            self.report(increments)

    def run(self) -> None:
        client = None
        try:
            client = open_client(self.config, **self.client_kwargs)
            self._db = client[self.config.db_name]
            self._prepare()
            if self.spool.pending():
                self._replay()
            self._loop()
        except Exception as exc:  # never lose what is queued: spool it
            logger.error("store writer failed (%s): %s", self.config.describe(), short_error(exc))
            rest = []
            while True:
                try:
                    op = self._queue.get_nowait()
                except queue.Empty:
                    break
                if op is not _STOP:
                    rest.append(op)
            self._count(spooled=self.spool.append(rest))
        finally:
            if self._process is not None:
                self._process.close()
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()

    def _write(self, ops: list[Op]) -> WriteCounts:
        return self._process.write(ops) if self._process is not None else write_ops(self._db, ops)

    def _loop(self) -> None:
        batch: list[Op] = []
        deadline = None
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                op = self._queue.get(timeout=timeout)
            except queue.Empty:
                op = None
            if op is _STOP:
                self._flush(batch)
                return
            if op is not None:
                batch.append(op)
                deadline = deadline or time.monotonic() + self.flush_seconds
            if len(batch) >= self.batch_size or (batch and time.monotonic() >= deadline):
                self._flush(batch)
                batch, deadline = [], None

    def _prepare(self) -> bool:
        if not self._indexes_ok:
            try:
                ensure_indexes(self._db)
                self._indexes_ok = True
            except Exception as exc:
                logger.warning("store: cannot create indexes yet (%s): %s", self.config.describe(), short_error(exc))
        return self._indexes_ok

    def _flush(self, batch: list[Op]) -> None:
        if not batch:
            return
        merged = coalesce(batch)
        self._count(coalesced=len(batch) - len(merged))
        batch = merged
        if time.monotonic() < self._down_until:
            self._count(spooled=self.spool.append(batch))
            return
        pending = list(batch)
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            counts = self._write(pending)
            self._count(inserted=counts.inserted, updated=counts.updated,
                        rejected=self.spool.reject(counts.rejected_ops))
            if counts.rejected_ops:
                logger.error("store: %d article(s) refused by the server (kept in %s): %s",
                             counts.rejected, self.spool.rejected_path, counts.error)
            pending = [op[:3] for op in counts.failed_ops]
            if not pending:
                if self._down_until:
                    logger.info("store: writes succeed again (%s)", self.config.describe())
                    self._down_until = 0.0
                self._prepare()
                if self.spool.pending():
                    self._replay()
                return
            self._count(failed_batches=1)
            logger.warning("store: write of %d op(s) failed (attempt %d of %d): %s",
                           len(pending), attempt + 1, self.retries + 1, counts.error)
        spooled = self.spool.append(pending)
        self._count(spooled=spooled)
        self._down_until = time.monotonic() + self.cooldown
        logger.error("store: %d op(s) spooled to %s after %d attempts; the next successful write or run "
                     "replays them", spooled, self.spool.path, self.retries + 1)

    def _replay(self) -> None:
        counts = self.spool.replay(self._db, self.batch_size)
        replayed = counts.inserted + counts.updated
        self._count(replayed=replayed, rejected=counts.rejected)
        if replayed:
            logger.info("store: replayed %d spooled op(s) (%d inserted, %d updated); %d still spooled",
                        replayed, counts.inserted, counts.updated, counts.failed)
        if counts.failed:
            self._down_until = time.monotonic() + self.cooldown
