"""The embedded store's query index in SQLite (issue 7): O(1) memory and O(log N) look-ups per query.

litemongo 0.2.0 answers an indexed query (`_id`, or a field of a declared index, by equality or `$in`)
from hash indexes of every indexed field of every document that it keeps in process memory, and
rebuilds them — reading and decoding every document — whenever `PRAGMA data_version` shows that
another connection wrote. A crawl has several connections (store writer thread, dedupe worker,
incremental middleware), so each write batch of one made the others rebuild: memory grew ~27 KiB and
CPU ~7 ms per stored article (bench/store_scaling.py).

`IndexedCollectionStore` keeps that index in two tables of the collection's own SQLite file instead:

- `newsbot_index(path, key, doc)`: one row per (indexed path, index key, encoded document id) —
  the keys of litemongo's own `indexing._doc_keys` (so the candidates are the ones its hash index
  would give: a superset that mongomock still filters), hashed to 64-bit integers; a document whose
  value cannot be keyed gets the row `UNKEYED`, a candidate for every query on that path. `_id` needs no
  rows: the documents table's primary key answers it.
- `newsbot_index_pending(doc)`: filled by triggers on every insert, update and delete of the documents
  table. Our own writes maintain their rows and clear their pending row in the same transaction, so it
  stays empty; a row left there means a connection that does not know this index (plain litemongo, or
  litemongo's drop/rename) changed documents, and the next query or write rebuilds the rows first.
- `info['newsbot_index_paths']`: the paths the rows cover. When the declared indexes name other paths
  (an index created or dropped, or a store written before this module existed) the rows are rebuilt.

Unique indexes are checked inside the write's own transaction (BEGIN IMMEDIATE serialises writers
across threads and processes), so two clients can never both insert the same key; litemongo's check
after the commit still runs and now costs one indexed query.

Batch writes (newsbot.story_store's signatures and stories): `insert_new` inserts many new documents
with one INSERT per table, and `update_by_id` makes many `update_one`s on `_id`s by reading the
documents once, applying the updates in memory with mongomock's own update code and writing each
changed document once — both inside one write transaction, so the read-modify-write cannot interleave
with another writer, and storing the bytes, natural order and index rows mongomock's one-by-one path
stores. They take no TTL or unique (besides `_id`) indexes, and whatever else they cannot promise
(another operator, an update mongomock refuses) they leave, unwritten, to that path.
`upsert_many` (newsbot.store.write_ops' article upserts, filter `{"canonical_url": url}`) does the same
for upserts filtered by one string on an indexed field: the documents the filters can reach are read
with one indexed SELECT, mongomock's upsert (a new ObjectId `_id`) or update made op after op in memory
(plain `$set`s assigned directly, their values checked by the document's one encode), and single-field
unique indexes (canonical_url) checked against those documents; a duplicate key, like anything else it
cannot promise, leaves the batch to bulk_write, which reports it as mongomock does.
Inside a batch they use no savepoint (it would journal every page they dirty); instead documents are
written before their index rows and the pending rows cleared last, so a write failing half-way leaves
pending rows and the index is rebuilt.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

logger = logging.getLogger(__name__)

REQUIRED_LITEMONGO = "0.2.0"  # the version whose internals this module was written and tested against
QIDX = "newsbot_index"
PENDING = "newsbot_index_pending"
PATHS_KEY = "newsbot_index_paths"
UNKEYED = 0  # the key of "cannot be keyed" rows (a real key hashing to 0 only widens that key's candidates)
# Tables of the first version of this module (text keys; never released, 2026-11-28): dropped on open.
OLD_OBJECTS = ("TRIGGER newsbot_qidx_pending_ins", "TRIGGER newsbot_qidx_pending_upd",
               "TRIGGER newsbot_qidx_pending_del", "TABLE newsbot_qidx", "TABLE newsbot_qidx_pending")
MAX_PARAMS = 30000  # SQLite 3.32+ allows 32766 host parameters per statement
CHUNK = 200  # documents read per SELECT when a query has many candidates
# SQLite checkpoints the write-ahead log into the database file (and fsyncs it) once the log holds this
# many pages (default 1,000 = 4 MB). A signature's 42 band keys dirty ~42 index pages, so with the default
# a crawl checkpointed every few dedupe batches, each writing back and fsyncing MBs; at 10,000 (a log of
# up to ~40 MB per collection file) a 2,000-page crawl used 11.1 instead of 11.85 ms of CPU per page, and
# ran faster still (fewer fsync stalls in the dedupe process; bench/throughput.py, side by side).
WAL_AUTOCHECKPOINT_PAGES = 10_000


class EmbeddedStoreUnsupported(RuntimeError):
    """The installed litemongo lacks an internal this module relies on."""


def _load() -> dict[str, Any]:
    """The litemongo internals used here, or EmbeddedStoreUnsupported naming what is missing."""
    try:
        import litemongo
        from litemongo import sqlite_store
        from litemongo._vendor import mongomock
        from litemongo._vendor.mongomock import collection, filtering, helpers, indexing
    except ImportError as exc:
        raise EmbeddedStoreUnsupported(f"embedded store: cannot import litemongo internals ({exc}); "
                                       f"install litemongo=={REQUIRED_LITEMONGO}") from None
    needed = {
        sqlite_store: ["CollectionStore", "DatabaseStore", "ServerStore", "TableDict"],
        sqlite_store.CollectionStore: ["DOCUMENTS", "INFO", "open", "find_candidates", "documents", "drop"],
        sqlite_store.TableDict: ["encode_key", "_encode_doc", "_decode_doc"],
        indexing: ["_doc_keys", "query_keys", "index_paths"],
        filtering: ["filter_applies"],
        helpers: ["get_value_by_dot", "patch_datetime_awareness_in_document"],
        collection: ["_validate_data_fields"],
        collection.Collection: ["_apply_update_document", "_expand_dots", "_discard_operators"],
        mongomock: ["DuplicateKeyError", "ObjectId"],
    }
    missing = [f"{getattr(owner, '__name__', owner)}.{name}" for owner, names in needed.items() for name in names
               if not hasattr(owner, name)]
    if missing:
        raise EmbeddedStoreUnsupported(
            f"embedded store: litemongo {getattr(litemongo, '__version__', '?')} lacks {', '.join(missing)}; "
            f"install litemongo=={REQUIRED_LITEMONGO}")
    return {"sqlite_store": sqlite_store, "indexing": indexing, "filter_applies": filtering.filter_applies,
            "get_value_by_dot": helpers.get_value_by_dot, "DuplicateKeyError": mongomock.DuplicateKeyError,
            "ObjectId": mongomock.ObjectId,
            "patch_datetimes": helpers.patch_datetime_awareness_in_document,
            "validate_fields": collection._validate_data_fields,
            "version": getattr(litemongo, "__version__", "?")}


_L = _load()
_sqlite_store = _L["sqlite_store"]
_indexing = _L["indexing"]
_filter_applies = _L["filter_applies"]
_get_value_by_dot = _L["get_value_by_dot"]
DuplicateKeyError = _L["DuplicateKeyError"]
_ObjectId = _L["ObjectId"]  # what mongomock's upsert gives a document without `_id`
_patch_datetimes = _L["patch_datetimes"]  # what mongomock does to every document and update it is given
_validate_fields = _L["validate_fields"]
if _L["version"] != REQUIRED_LITEMONGO:
    logger.warning("embedded store: written for litemongo %s, found %s", REQUIRED_LITEMONGO, _L["version"])


def sql_key(key: tuple) -> int:
    """litemongo's index key (a tuple from indexing._key_for) as a 64-bit integer: equal keys give equal
    integers; unequal keys almost never do, and when they do the candidates only widen (mongomock still
    filters them). Integers, not the text: the index's B-tree pages hold 3-4 times more rows, so a
    signature's 42 band keys dirty fewer pages per commit (measured: 0.36 vs 1.05 ms per 42 rows at
    8,000 signatures)."""
    text = _key_text(key)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big",
                          signed=True)


def _str_key(value: str) -> int:
    """sql_key(("s", value)) without building the tuple: a signature's 42 band keys are hashed on every write."""
    return int.from_bytes(hashlib.blake2b(("s" + value).encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "big", signed=True)


def _key_text(key: tuple) -> str:
    tag = key[0]
    if tag == "nan":
        return "nan"
    value = key[1]
    if tag == "s":
        return "s" + value
    if tag == "n":
        return "n" + repr(value)  # a float, or "big"
    if tag == "o":
        return "o" + str(value)
    if tag == "t":
        return "t" + value.isoformat()
    if tag == "x":
        return "x" + bytes(value).hex()
    return "?" + repr(key)


def _id_values(condition: Any) -> list | None:
    """The _id values a condition asks for (equality / $eq / $in of strings and ObjectIds), else None.

    Other types are not planned on _id: their encoded keys could differ for values mongomock
    considers equal (1 and 1.0 in litemongo's legacy key format)."""
    from bson import ObjectId

    if isinstance(condition, dict):
        if set(condition) == {"$eq"}:
            condition = condition["$eq"]
        elif set(condition) == {"$in"} and isinstance(condition["$in"], list | tuple):
            values = list(condition["$in"])
            return values if all(isinstance(v, str | ObjectId) for v in values) else None
        else:
            return None
    return [condition] if isinstance(condition, str | ObjectId) else None


def _mark(row: str) -> str:
    """Trigger statement: note the document of NEW / OLD as changed (once)."""
    return (f"INSERT INTO {PENDING} SELECT {row}._id "
            f"WHERE NOT EXISTS (SELECT 1 FROM {PENDING} WHERE doc = {row}._id);")


class IndexedCollectionStore(_sqlite_store.CollectionStore):
    """litemongo's SQLite CollectionStore with the query index in the same SQLite file (module doc)."""

    def open(self) -> None:
        super().open()
        self._connection.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        docs = self.DOCUMENTS
        with self._connection:
            for statement in (
                *(f"DROP {kind} IF EXISTS {name}" for kind, name in (old.split() for old in OLD_OBJECTS)),
                f"CREATE TABLE IF NOT EXISTS {QIDX}(path TEXT NOT NULL, key INTEGER NOT NULL, doc NOT NULL, "
                f"PRIMARY KEY(path, key, doc)) WITHOUT ROWID",
                f"CREATE TABLE IF NOT EXISTS {PENDING}(doc PRIMARY KEY) WITHOUT ROWID",
                # Not INSERT OR IGNORE: inside a trigger the outer statement's conflict policy wins, and
                # litemongo's upsert (ON CONFLICT DO UPDATE) would turn a repeat into an error.
                f"CREATE TRIGGER IF NOT EXISTS {PENDING}_ins AFTER INSERT ON {docs} BEGIN {_mark('NEW')} END",
                f"CREATE TRIGGER IF NOT EXISTS {PENDING}_upd AFTER UPDATE ON {docs} "
                f"BEGIN {_mark('NEW')} {_mark('OLD')} END",
                f"CREATE TRIGGER IF NOT EXISTS {PENDING}_del AFTER DELETE ON {docs} BEGIN {_mark('OLD')} END",
            ):
                self._connection.execute(statement)
        self._query_index = None

    # -- transactions --------------------------------------------------------------------------------
    _batch_depth = 0  # > 0 inside batch(): the writes share one transaction, committed at its end

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make the writes inside one transaction: a commit costs ~0.2 ms and writes every page the
        write touched (a signature's 42 band keys land on ~42 index pages), so a dedupe batch or a
        bulk write commits once instead of once per document. Each write keeps its own savepoint, so
        a refused one (duplicate key) is undone alone, as without a batch. Other connections wait for
        the file's write lock meanwhile (SQLite's busy timeout), so keep batches short."""
        if self._batch_depth:
            self._batch_depth += 1
            try:
                yield
            finally:
                self._batch_depth -= 1
            return
        connection = self._connection
        if connection.in_transaction:
            connection.commit()
        connection.execute("BEGIN IMMEDIATE")
        self._batch_depth = 1
        try:
            yield
        except BaseException:
            self._batch_depth = 0
            if connection.in_transaction:  # the writes that succeeded stay, as they would unbatched
                try:
                    connection.commit()
                except Exception:
                    connection.rollback()
            raise
        self._batch_depth = 0
        if connection.in_transaction:
            connection.commit()

    @contextlib.contextmanager
    def _write(self, savepoint: bool = True) -> Iterator[Any]:
        """One write transaction; BEGIN IMMEDIATE takes the file's write lock up front, so what is read
        inside (stored paths, unique keys) cannot change before the commit. In a batch: a savepoint, or
        with `savepoint=False` nothing — a savepoint copies every page it dirties to a statement journal
        (doubled the cost of a signature's 42 index rows), so the many-document writes go without and
        stay consistent by their order instead (see `_write_many`)."""
        connection = self._connection
        if self._batch_depth and connection.in_transaction and not savepoint:
            yield connection
            return
        if self._batch_depth and connection.in_transaction:
            connection.execute("SAVEPOINT newsbot_write")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK TO newsbot_write")
                connection.execute("RELEASE newsbot_write")
                raise
            connection.execute("RELEASE newsbot_write")
            return
        if connection.in_transaction:  # a statement litemongo left open: commit it first
            connection.commit()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()

    # -- index rows ------------------------------------------------------------------------------------
    def _wanted_paths(self) -> list[str]:
        return sorted(_indexing.index_paths(self.indexes.values()) - {"_id"})

    def _stored_paths(self, connection) -> list[str] | None:
        row = connection.execute(f"SELECT value FROM {self.INFO} WHERE key = ?", (PATHS_KEY,)).fetchone()  # nosec
        return json.loads(row[0]) if row else None

    @staticmethod
    def _rows(doc_key: Any, doc: dict, paths: list[str]) -> Iterator[tuple[str, int, Any]]:
        for path in paths:
            value = doc.get(path) if "." not in path else None
            if type(value) is str:  # the usual cases first, the keys _doc_keys would give
                yield path, _str_key(value), doc_key
                continue
            if type(value) is list and all(type(v) is str for v in value):
                for item in set(value):
                    yield path, _str_key(item), doc_key
                continue
            keys = _indexing._doc_keys(doc, path)
            if keys is None:
                yield path, UNKEYED, doc_key
            else:
                for key in keys:
                    yield path, sql_key(key), doc_key

    def _rebuild(self, connection, paths: list[str]) -> None:
        """All rows anew for `paths` (inside a write transaction): O(N) once per change of the indexes."""
        logger.info("embedded store: building the query index of %s on %s", self._path.name, paths or "_id only")
        connection.execute(f"DELETE FROM {QIDX}")
        connection.execute(f"DELETE FROM {PENDING}")
        if paths:
            reader = connection.execute(f"SELECT _id, doc FROM {self.DOCUMENTS}")  # nosec
            decode = self._documents._decode_doc
            connection.executemany(f"INSERT OR IGNORE INTO {QIDX} VALUES (?, ?, ?)",
                                   (row for key, blob in reader for row in self._rows(key, decode(blob), paths)))
        connection.execute(f"INSERT OR REPLACE INTO {self.INFO} VALUES (?, ?)", (PATHS_KEY, json.dumps(paths)))

    def _current_paths(self, connection) -> list[str]:
        """The paths the rows cover, made current first if needed (inside a write transaction): rebuilt
        when the declared indexes changed or a writer that does not keep the index (plain litemongo,
        litemongo's drop/rename) changed documents — the rows of a document are found from its indexed
        values, so those of a document changed behind our back cannot be found but by a rebuild."""
        wanted = self._wanted_paths()
        if (self._stored_paths(connection) != wanted
                or connection.execute(f"SELECT 1 FROM {PENDING} LIMIT 1").fetchone()):
            self._rebuild(connection, wanted)
        return wanted

    # -- writes ----------------------------------------------------------------------------------------
    def _old_rows(self, connection, doc_key: Any, paths: list[str]) -> set[tuple[str, str, Any]]:
        """The rows of the stored version of a document: what its index values gave when it was written."""
        row = connection.execute(f"SELECT doc FROM {self.DOCUMENTS} WHERE _id = ?", (doc_key,)).fetchone()  # nosec
        return set(self._rows(doc_key, self._documents._decode_doc(row[0]), paths)) if row else set()

    def __setitem__(self, key: Any, val: dict) -> None:
        doc_key = self._documents.encode_key(key)
        blob = val if isinstance(val, bytes) else self._documents._encode_doc(val)
        doc = self._documents._decode_doc(blob) if isinstance(val, bytes) else val
        with self._rwlock.writer(), self._write() as connection:
            paths = self._current_paths(connection)
            old, new = self._old_rows(connection, doc_key, paths), set(self._rows(doc_key, doc, paths))
            connection.execute(
                f"INSERT INTO {self.DOCUMENTS} VALUES(?, ?) ON CONFLICT(_id) DO UPDATE SET doc=excluded.doc",  # nosec
                (doc_key, blob))
            self._write_rows(connection, old, new, [doc_key])
            self._check_unique(connection, doc_key, doc, paths)

    @staticmethod
    def _write_rows(connection, old: set, new: set, doc_keys: list) -> None:
        """Replace the index rows `old` by `new` and clear the pending rows of the written documents.
        Only the rows that differ: most updates (a story's outlets, an article's last_seen) touch none.
        In key order: neighbouring rows share B-tree pages (measured: 0.24 vs 0.39 ms per 42 random keys)."""
        connection.executemany(f"DELETE FROM {QIDX} WHERE path = ? AND key = ? AND doc = ?", sorted(old - new))
        connection.executemany(f"INSERT OR IGNORE INTO {QIDX} VALUES (?, ?, ?)", sorted(new - old))
        connection.executemany(f"DELETE FROM {PENDING} WHERE doc = ?", [(key,) for key in doc_keys])

    # -- many writes at once (newsbot.story_store's batches): mongomock's results, without its per-document
    # query, deep copies and commit, and with one executemany per table ---------------------------------
    def _fast_path_ok(self) -> bool:
        """The fast paths skip mongomock's TTL expiry and check unique indexes only through `_id`."""
        return not self._ttl_indexes and not any(index.get("unique") for index in self.indexes.values())

    def insert_new(self, docs: list[dict]) -> list[int] | None:
        """`insert_many(docs, ordered=False)` for documents that mongomock's `_insert` accepts as they are
        (validated, `_id` set, datetimes patched: see `insert_new` below): one INSERT per table for the
        documents whose `_id` is not stored, all in one write transaction. Returns the positions refused
        as duplicate `_id` (stored, or repeated in `docs`), or None when the collection needs mongomock's
        checks (TTL or unique indexes: use insert_many)."""
        if not self._fast_path_ok():
            return None
        encode_key, encode = self._documents.encode_key, self._documents._encode_doc
        keys = [encode_key(doc["_id"]) for doc in docs]
        try:
            blobs = [encode(doc) for doc in docs]
        except Exception:  # noqa: BLE001 - a document bson refuses: insert_many raises as it should
            return None
        with self._rwlock.writer(), self._write(savepoint=False) as connection:
            paths = self._current_paths(connection)
            seen = set(self._blobs(connection, keys, "1"))
            refused, fresh = [], []
            for n, key in enumerate(keys):
                (refused if key in seen else fresh).append(n)
                seen.add(key)
            self._write_many(connection, paths, [(keys[n], blobs[n], docs[n]) for n in fresh], [])
        return refused

    def update_by_id(self, collection: Any, ops: list[tuple[dict, dict, bool]]) -> bool:
        """`collection.update_one(filter, update, upsert=upsert)` for each of `ops` in order, where every
        filter names one `_id` (a string or ObjectId; other conditions are checked too): the documents are
        read with one SELECT, the updates applied in memory by mongomock's own code, and each changed
        document written once — all inside one write transaction, so no other writer interleaves.
        False, with nothing written, when an op is outside what this promises to do as mongomock does
        (another operator, an upsert that would hit a stored `_id`, an update mongomock refuses…): then
        make the updates one by one, which gives mongomock's result or error."""
        prepared = _prepare_updates(self._documents.encode_key, ops) if self._fast_path_ok() else None
        if prepared is None:
            return False
        try:  # _NotFast comes before the first write: no savepoint needed to undo it
            with self._rwlock.writer(), self._write(savepoint=False) as connection:
                self._apply_by_id(connection, collection, prepared)
        except _NotFast:
            return False
        return True

    def _apply_by_id(self, connection, collection: Any, prepared: list[tuple[Any, dict, dict, bool]]) -> None:
        paths = self._current_paths(connection)
        stored = self._blobs(connection, list(dict.fromkeys(key for key, *_ in prepared)))
        decode, encode = self._documents._decode_doc, self._documents._encode_doc
        docs = {key: decode(blob) for key, blob in stored.items()}  # then the ones the upserts create
        try:
            for key, spec, update, upsert in prepared:
                doc = docs.get(key)
                if doc is not None:
                    if _filter_applies(spec, doc):
                        collection._apply_update_document(doc, spec, update, False)
                    elif upsert:
                        raise _NotFast("the upsert would insert a stored _id")  # mongomock: DuplicateKeyError
                elif upsert:  # mongomock's upsert: the filter's fields, updated, then `_insert`ed
                    doc, _ = collection._discard_operators(collection._expand_dots(dict(spec)))
                    collection._apply_update_document(doc, spec, update, True)
                    if not all(isinstance(k, str) for k in doc):
                        raise _NotFast("field names must be strings")
                    _validate_fields(doc)
                    docs[key] = _patch_datetimes(doc)
            blobs = {key: encode(doc) for key, doc in docs.items()}
        except _NotFast:
            raise
        except Exception as exc:  # mongomock refuses an update: its one-by-one path raises it as it should
            raise _NotFast(repr(exc)) from exc
        # New documents in the order they were created (their natural order), changed ones in place.
        self._write_many(connection, paths, [(key, blobs[key], docs[key]) for key in docs if key not in stored],
                         [(key, blobs[key], docs[key], stored[key]) for key in stored if blobs[key] != stored[key]])

    def upsert_many(self, collection: Any, ops: list[tuple[dict, dict]]) -> tuple[int, int] | None:
        """`collection.bulk_write([UpdateOne(filter, update, upsert=True) ...], ordered=False)` where every
        filter is one string equality on an indexed top-level field (newsbot.store's article upserts:
        `{"canonical_url": url}`): the stored documents the filters (and the unique indexes' values) can
        reach are read with one indexed SELECT, the ops applied in order in memory by mongomock's own
        update and upsert code, uniqueness checked against those documents, and each new or changed
        document written once — inside one write transaction, so no other writer interleaves.
        Returns (upserted, matched) as bulk_write counts them; None, with nothing written, when an op is
        outside what this promises to do as mongomock does (another operator or filter, a TTL, compound,
        sparse or partial unique index, a duplicate key, a value bson or mongomock refuses…): then use
        bulk_write, which gives mongomock's result or error."""
        prepared = _prepare_upserts(ops) if ops and not self._ttl_indexes else None
        if prepared is None:  # (no ops: bulk_write raises its "empty" error)
            return None
        if _pymongo_codec(collection) != self._codec_options:  # _set_updater checks values with the client's
            prepared = [(*op[:4], False) for op in prepared]
        try:  # _NotFast comes before the first write: no savepoint needed to undo it
            with self._rwlock.writer(), self._write(savepoint=False) as connection:
                return self._apply_upserts(connection, collection, prepared)
        except _NotFast:
            return None

    def _apply_upserts(self, connection, collection: Any,
                       prepared: list[tuple[str, str, dict, dict, bool]]) -> tuple[int, int]:
        paths = self._current_paths(connection)
        uniques = []
        for index in self.indexes.values():  # read inside the transaction: no index appears meanwhile
            if index.get("unique"):
                key = index.get("key") or []
                if (len(key) != 1 or index.get("sparse") or index.get("partialFilterExpression") is not None
                        or key[0][0] not in paths or "." in key[0][0]):
                    raise _NotFast(f"unique index {key}")
                uniques.append(key[0][0])
        probes: dict[str, set[str]] = {}  # (path, string value) pairs whose stored documents are read
        for field, value, _spec, update, _plain in prepared:
            if field not in paths:
                raise _NotFast(f"{field} is not indexed")
            probes.setdefault(field, set()).add(value)
            for path in uniques:
                for operator in ("$set", "$setOnInsert"):
                    if type(update.get(operator, {}).get(path)) is str:
                        probes.setdefault(path, set()).add(update[operator][path])
        batch = _UpsertBatch(self, collection, probes, uniques)
        batch.load(connection)
        try:
            for _field, _value, spec, update, plain in prepared:
                batch.apply(spec, update, plain)
        except _NotFast:
            raise
        except Exception as exc:  # mongomock refuses an op: its bulk_write raises or reports it as it should
            raise _NotFast(repr(exc)) from exc
        self._write_many(connection, paths, *batch.writes())
        return batch.upserted, batch.matched

    def _write_many(self, connection, paths: list[str], inserts: list[tuple[Any, bytes, dict]],
                    updates: list[tuple[Any, bytes, dict, bytes]]) -> None:
        """Insert (encoded id, BSON, document), rewrite (…, stored BSON) in place, then their index rows.
        Documents first, pending rows cleared last: should a statement fail inside a batch (no savepoint,
        and batch() keeps what succeeded), the triggers' pending rows of the documents written stay, and
        the next access rebuilds the index rows."""
        connection.executemany(f"INSERT INTO {self.DOCUMENTS} VALUES (?, ?)",  # nosec
                               [(key, blob) for key, blob, _ in inserts])
        connection.executemany(f"UPDATE {self.DOCUMENTS} SET doc = ? WHERE _id = ?",  # nosec
                               [(blob, key) for key, blob, _, _ in updates])
        decode = self._documents._decode_doc
        old = {row for key, _, _, stored in updates for row in self._rows(key, decode(stored), paths)}
        new = {row for key, _, doc, *_ in (*inserts, *updates) for row in self._rows(key, doc, paths)}
        self._write_rows(connection, old, new, [key for key, *_ in (*inserts, *updates)])

    def _blobs(self, connection, keys: list, column: str = "doc") -> dict[Any, Any]:
        """{encoded id: stored BSON (or `column`)} of the stored documents among `keys` (encoded), CHUNK
        ids a SELECT."""
        found: dict[Any, Any] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
            found.update(connection.execute(
                f"SELECT _id, {column} FROM {self.DOCUMENTS} WHERE _id IN ({','.join('?' * len(chunk))})",  # nosec
                chunk).fetchall())
        return found

    def __delitem__(self, key: Any) -> None:
        doc_key = self._documents.encode_key(key)
        with self._rwlock.writer(), self._write() as connection:
            paths = self._current_paths(connection)
            connection.executemany(f"DELETE FROM {QIDX} WHERE path = ? AND key = ? AND doc = ?",
                                   self._old_rows(connection, doc_key, paths))
            deleted = connection.execute(f"DELETE FROM {self.DOCUMENTS} WHERE _id = ?", (doc_key,)).rowcount  # nosec
            connection.execute(f"DELETE FROM {PENDING} WHERE doc = ?", (doc_key,))
        if deleted <= 0:
            raise KeyError(doc_key)

    def _check_unique(self, connection, doc_key: Any, doc: dict, paths: list[str]) -> None:
        """mongomock's `_ensure_uniques`, inside the write transaction: DuplicateKeyError rolls it back."""
        for index in self.indexes.values():
            if not index.get("unique"):
                continue
            query: dict = {}
            for field, _direction in index.get("key"):
                try:
                    query[field] = _get_value_by_dot(doc, field)
                except KeyError:
                    query[field] = None
            if index.get("sparse") and set(query.values()) == {None}:
                continue
            partial = index.get("partialFilterExpression")
            if partial is not None:
                if not _filter_applies(partial, doc):
                    continue
                query = {"$and": [partial, query]}
            keys = self._candidate_keys(connection, query, paths)
            if keys is None:  # not plannable (cannot happen for a declared index's fields): scan
                keys = [k for (k,) in connection.execute(f"SELECT _id FROM {self.DOCUMENTS}")]  # nosec
            for other in self._fetch(keys, connection):
                if self._documents.encode_key(other.get("_id")) != doc_key and _filter_applies(query, other):
                    raise DuplicateKeyError("E11000 Duplicate Key Error", 11000)

    # -- queries ---------------------------------------------------------------------------------------
    def _plan(self, query: Any, paths: list[str]) -> tuple[list | None, list[tuple[str, list[str]]]] | None:
        """(_id values or None, [(path, keys)]) a document must match to be a candidate, or None when
        nothing in the filter can be planned (the same conditions litemongo's hash index plans with)."""
        if not isinstance(query, dict) or not query:
            return None
        ids: list | None = None
        fields: list[tuple[str, list[str]]] = []
        for field, condition in query.items():
            if field == "$and" and isinstance(condition, list | tuple):
                for sub in condition:
                    plan = self._plan(sub, paths)
                    if plan is not None:
                        if plan[0] is not None:
                            ids = plan[0] if ids is None else [i for i in ids if i in plan[0]]
                        fields += plan[1]
            elif field == "_id":
                values = _id_values(condition)
                if values is not None:
                    ids = values if ids is None else [i for i in ids if i in values]
            elif field in paths:
                keys = _indexing.query_keys(condition)
                if keys is not None:
                    fields.append((field, sorted(sql_key(k) for k in keys)))
        if ids is None and not fields:
            return None
        return ids, fields

    def _candidate_keys(self, connection, query: Any, paths: list[str]) -> list | None:
        """The encoded ids (natural order) of the documents that can match `query`, by one indexed
        SELECT; None when the filter cannot be planned (a full scan is needed)."""
        plan = self._plan(query, paths)
        if plan is None:
            return None
        ids, fields = plan
        if (ids is not None and not ids) or any(not keys for _, keys in fields):
            return []  # `$in: []`: nothing can match
        where, params = [], []
        if ids is not None:
            keys = list(dict.fromkeys(self._documents.encode_key(i) for i in ids))
            if len(keys) <= MAX_PARAMS:
                where.append(f"_id IN ({','.join('?' * len(keys))})")
                params += keys
        for path, keys in fields:
            keys = [*keys, UNKEYED]
            if len(params) + len(keys) + 1 > MAX_PARAMS:
                continue  # leaving a condition out only widens the candidates
            where.append(f"_id IN (SELECT doc FROM {QIDX} WHERE path = ? AND key IN ({','.join('?' * len(keys))}))")
            params += [path, *keys]
        if not where:
            return None
        sql = f"SELECT _id FROM {self.DOCUMENTS} WHERE {' AND '.join(where)} ORDER BY ROWID"  # nosec
        return [key for (key,) in connection.execute(sql, params)]

    def _fetch(self, keys: list, connection=None) -> Iterator[dict]:
        """The documents of `keys` in that order, read CHUNK at a time (a document deleted meanwhile is
        skipped, as litemongo's own `_get_many` does): memory stays bounded for large answers."""
        connection = connection or self._connection
        decode = self._documents._decode_doc
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
            found = self._blobs(connection, chunk)
            for key in chunk:
                if key in found:
                    yield decode(found.pop(key))

    def any_of(self, path: str, values: list[str]) -> list[dict] | None:
        """`find({path: {"$in": values}})` for strings on a top-level indexed field, without mongomock's
        filter: its `$in` test compares every value with every element (a band query: 420 values × 42
        bands per candidate, ~0.25 ms each); here the index gives the candidates and a set checks them.
        Same documents, same (natural) order. None when the field is not indexed or a value is not a
        string (use find)."""
        wanted = self._wanted_paths()
        if "." in path or path not in wanted or not all(isinstance(v, str) for v in values):
            return None
        connection = self._connection
        if not self._index_current(connection, wanted):
            with self._rwlock.writer(), self._write() as connection:
                self._current_paths(connection)
        exact = set(values)
        found = []
        for doc in self._fetch(self._candidate_keys(connection, {path: {"$in": list(exact)}}, wanted) or []):
            value = doc.get(path)
            if isinstance(value, list | tuple):
                if any(isinstance(v, str) and v in exact for v in value):
                    found.append(doc)
            elif isinstance(value, str) and value in exact:
                found.append(doc)
        return found

    _verified: tuple | None = None  # (PRAGMA data_version, paths) when the rows were last found current

    def _index_current(self, connection, wanted: list[str]) -> bool:
        """Do the rows cover `wanted` with nothing pending? Checked again only when another connection
        has committed since (data_version moves) or the declared indexes changed: our own writes keep
        the rows current, so the usual query costs one PRAGMA here."""
        version = connection.execute("PRAGMA data_version").fetchone()[0]
        if self._verified == (version, wanted):
            return True
        current = (self._stored_paths(connection) == wanted
                   and not connection.execute(f"SELECT 1 FROM {PENDING} LIMIT 1").fetchone())
        self._verified = (version, wanted) if current else None
        return current

    def find_candidates(self, filter: Any) -> Any:  # noqa: A002 - litemongo's signature
        """The documents that could match `filter`, in natural order (mongomock filters them again)."""
        self._remove_expired_documents()
        connection = self._connection
        for _attempt in range(3):
            wanted = self._wanted_paths()
            if self._index_current(connection, wanted):
                keys = self._candidate_keys(connection, filter, wanted)
                if keys is None:
                    return self.documents
                return iter(list(self._fetch(keys))) if len(keys) <= CHUNK else self._fetch(keys)
            with self._rwlock.writer(), self._write() as connection:
                self._current_paths(connection)
        raise RuntimeError(f"embedded store: the query index of {self._path} keeps changing")

    def drop(self) -> None:
        super().drop()  # litemongo's: its deletes leave pending rows, which our own data_version won't show
        self._verified = None

    def copy_from(self, source: Any) -> None:
        super().copy_from(source)
        self._verified = None

    def _get_query_index(self):
        raise RuntimeError("IndexedCollectionStore keeps no in-memory query index")


class _NotFast(Exception):
    """The fast path cannot promise mongomock's result: nothing was written, write one by one instead."""


# The update operators IndexedCollectionStore.update_by_id applies (through mongomock's own code).
FAST_UPDATE_OPERATORS = frozenset({"$set", "$setOnInsert", "$unset", "$inc", "$max", "$min", "$push"})


def _prepare_updates(encode_key: Any, ops: list[tuple[dict, dict, bool]]) -> list[tuple[Any, dict, dict, bool]] | None:
    """(encoded _id, filter, update, upsert) as mongomock's update_one would apply them (datetimes patched),
    or None when an op is not of the shape update_by_id handles."""
    from bson import ObjectId

    prepared = []
    for spec, update, upsert in ops:
        if not isinstance(spec, dict):
            return None
        doc_id = spec.get("_id")
        if (type(doc_id) is not str and type(doc_id) is not ObjectId) or not _fast_update(update):
            return None
        prepared.append((encode_key(doc_id), _patch_datetimes(spec), _patch_datetimes(update), bool(upsert)))
    return prepared


def _fast_update(update: Any) -> bool:
    """Is `update` a non-empty document of FAST_UPDATE_OPERATORS, each non-empty and leaving `_id` alone?
    (mongomock refuses empty operators and changes of `_id`: its path raises as it should.)"""
    if not isinstance(update, dict) or not update:
        return False
    for operator, fields in update.items():
        if (operator not in FAST_UPDATE_OPERATORS or not isinstance(fields, dict) or not fields
                or any(not isinstance(f, str) or f.split(".")[0] == "_id" for f in fields)):
            return False
    return True


def _pymongo_codec(collection: Any) -> Any:
    options = collection._codec_options
    return options.to_pymongo() if hasattr(options, "to_pymongo") else options


def _apply_update(collection: Any, doc: dict, spec: dict, update: dict, was_insert: bool, plain: bool) -> None:
    """mongomock's `_apply_update_document(doc, spec, update, was_insert)`. For a `plain` update (top-level
    field names, each named once, no `$`, `.` or NUL in them) its `$set` and `$setOnInsert` are made here:
    mongomock's `_set_updater` encodes each value alone to check it (~10 µs a field, most of an article's
    upsert) before `doc[name] = value` (lists copied); the caller encodes the whole document after the op
    instead, which refuses it exactly when one of those values is refused (no later operator of the op
    can remove one: each name is set once). The other operators, one at a time, by mongomock's code
    (equivalent: without `$` in names nothing carries over between operators)."""
    if not plain:
        collection._apply_update_document(doc, spec, update, was_insert)
        return
    for operator, fields in update.items():
        if operator == "$set" or operator == "$setOnInsert":
            if operator == "$set" or was_insert:
                for name, value in fields.items():
                    if type(value) is list and all(type(v) is str for v in value):
                        doc[name] = value[:]  # what deepcopy gives
                    else:
                        doc[name] = copy.deepcopy(value) if isinstance(value, tuple | list) else value
        else:
            collection._apply_update_document(doc, spec, {operator: fields}, was_insert)


def _prepare_upserts(ops: list[tuple[dict, dict]]) -> list[tuple[str, str, dict, dict, bool]] | None:
    """(field, value, filter, update as mongomock's _update applies it, plain: see `_apply_update`) for
    upserts whose filter is one string equality on a top-level field other than `_id`, or None when an
    op is not of that shape."""
    prepared = []
    for spec, update in ops:
        if type(spec) is not dict or len(spec) != 1 or not _fast_update(update):
            return None
        ((field, value),) = spec.items()
        if type(field) is not str or type(value) is not str or "." in field or field.startswith("$") or field == "_id":
            return None
        # mongomock patches a copy of the update; copying also keeps a dotted path of one operator from
        # changing, through the document, a value another operator set (the caller's object)
        names = [f for fields in update.values() for f in fields]
        if any("." in f for f in names):
            update = _patch_datetimes(update)
        else:  # the patch copies only the values it changes (the rest is equal)
            update = {operator: {f: _patch_datetimes(v) if _needs_patch(v) else v for f, v in fields.items()}
                      for operator, fields in update.items()}
        plain = len(set(names)) == len(names) and not any("$" in f or "\0" in f or "." in f for f in names)
        prepared.append((field, value, spec, update, plain))
    return prepared


class _UpsertBatch:
    """The documents an upsert batch can reach, as mongomock's one-by-one path would see them op after op:
    stored ones (read once) and the ones the batch creates or changes, with their index keys on the
    probed paths in memory so each op's candidates are found as the SQL index would find them."""

    NEW = 1 << 62  # natural order of the created documents: after every stored row

    def __init__(self, store: IndexedCollectionStore, collection: Any, probes: dict[str, set[str]],
                 uniques: list[str]) -> None:
        self.store, self.collection, self.probes, self.uniques = store, collection, probes, uniques
        self.encode_key = store._documents.encode_key
        self.encode, self.decode = store._documents._encode_doc, store._documents._decode_doc
        self.order: dict[Any, int] = {}
        self.stored: dict[Any, bytes] = {}  # as read: the documents the batch may change
        self.blobs: dict[Any, bytes] = {}  # as they would be stored now
        self.views: dict[Any, dict] = {}  # decoded `blobs` (what mongomock would read back), made when needed
        self.written: dict[Any, dict] = {}  # the documents written, as given to the store (index rows)
        self.created: list[Any] = []
        self.keys: dict[Any, dict[str, set[int]]] = {}
        self.inverted: dict[str, dict[int, set[Any]]] = {path: {} for path in probes}
        self.upserted = self.matched = 0

    def load(self, connection) -> None:
        """The stored documents that can match any probe: one SELECT through the index rows."""
        where, params = [], []
        for path, values in self.probes.items():
            keys = [*sorted({_str_key(v) for v in values}), UNKEYED]
            where.append(f"_id IN (SELECT doc FROM {QIDX} WHERE path = ? AND key IN ({','.join('?' * len(keys))}))")
            params += [path, *keys]
        if len(params) > MAX_PARAMS:
            raise _NotFast("too many values")
        for key, rowid, blob in connection.execute(
                f"SELECT _id, ROWID, doc FROM {self.store.DOCUMENTS} WHERE {' OR '.join(where)}", params):  # nosec
            self.order[key], self.stored[key], self.blobs[key] = rowid, blob, blob
            self._index(key, self.view(key))

    def view(self, key: Any) -> dict:
        doc = self.views.get(key)
        if doc is None:
            doc = self.views[key] = self.decode(self.blobs[key])
        return doc

    def _index(self, key: Any, doc: dict) -> None:
        """(Re)place the in-memory index keys of `key` on the probed paths by those of `doc`."""
        old = self.keys.get(key, {})
        new = self.keys[key] = {path: {k for _, k, _ in self.store._rows(key, doc, [path])} for path in self.probes}
        for path, keys in new.items():
            inverted = self.inverted[path]
            for k in old.get(path, set()) - keys:
                inverted[k].discard(key)
            for k in keys - old.get(path, set()):
                inverted.setdefault(k, set()).add(key)

    def matches(self, path: str, value: str) -> list[Any]:
        """The documents `{path: value}` finds now, in natural order (mongomock's `_iter_documents`)."""
        inverted = self.inverted[path]
        candidates = inverted.get(_str_key(value), set()) | inverted.get(UNKEYED, set())
        query = {path: value}
        return [key for key in sorted(candidates, key=self.order.__getitem__)
                if _filter_applies(query, self.view(key))]

    def apply(self, spec: dict, update: dict, plain: bool) -> None:
        """One op as mongomock's `_update(spec, update, upsert=True)` makes it (refusals: _NotFast)."""
        ((path, value),) = spec.items()
        found = self.matches(path, value)
        collection = self.collection
        if found:
            key = found[0]
            before = self.view(key)
            doc = self.decode(self.blobs[key])  # mongomock changes a copy it compares with the stored one
            _apply_update(collection, doc, spec, update, False, plain)
            self.matched += 1
            if doc != before:
                self._store(key, doc)
            elif plain:
                self.encode(doc)  # the values _set_updater would have checked (see _apply_update)
            return
        doc_id = _ObjectId()  # mongomock's upsert: the filter's fields and a new ObjectId, updated, `_insert`ed
        doc, _ = collection._discard_operators(collection._expand_dots(dict(spec, _id=doc_id)))
        _apply_update(collection, doc, spec, update, True, plain)
        if not all(isinstance(k, str) for k in doc):
            raise _NotFast("field names must be strings")
        _validate_fields(doc)
        key = self.encode_key(doc_id)
        self.order[key] = self.NEW + len(self.created)
        self.created.append(key)
        self._store(key, _patch_datetimes(doc) if _needs_patch(doc) else doc)
        self.upserted += 1

    def _store(self, key: Any, doc: dict) -> None:
        """`store[key] = doc` and mongomock's `_ensure_uniques` after it: a duplicate key is _NotFast (its
        path then reports the error)."""
        self.blobs[key] = self.encode(doc)
        self.views.pop(key, None)
        self.written[key] = doc
        self._index(key, doc)
        for path in self.uniques:
            value = doc.get(path)
            if type(value) is not str or value not in self.probes.get(path, ()):
                raise _NotFast(f"unique {path} value not read")  # its other documents were not read
            if len(self.matches(path, value)) > 1:
                raise _NotFast("duplicate key")

    def writes(self) -> tuple[list[tuple[Any, bytes, dict]], list[tuple[Any, bytes, dict, bytes]]]:
        """`_write_many`'s inserts (in the order created: their natural order) and changed stored documents."""
        return ([(key, self.blobs[key], self.written[key]) for key in self.created],
                [(key, self.blobs[key], self.written[key], blob) for key, blob in self.stored.items()
                 if key in self.written and self.blobs[key] != blob])


class IndexedDatabaseStore(_sqlite_store.DatabaseStore):
    def __getitem__(self, col_name: str) -> IndexedCollectionStore:
        if col_name not in self._collections:
            self._collections[col_name] = IndexedCollectionStore(self._dirpath / col_name,
                                                                 codec_options=self._codec_options)
        return self._collections[col_name]


class IndexedServerStore(_sqlite_store.ServerStore):
    def __getitem__(self, db_name: str) -> IndexedDatabaseStore:
        if db_name not in self._databases:
            self._databases[db_name] = IndexedDatabaseStore(self._dirpath / db_name)
        return self._databases[db_name]


def indexed_store(collection: Any) -> IndexedCollectionStore | None:
    """The IndexedCollectionStore behind an embedded client's collection, else None (pymongo, plain litemongo)."""
    store = getattr(collection, "_store", None) if type(collection).__module__.startswith("litemongo") else None
    return store if isinstance(store, IndexedCollectionStore) else None


@contextlib.contextmanager
def write_batch(collection: Any) -> Iterator[None]:
    """`IndexedCollectionStore.batch()` for a collection of an embedded client; nothing otherwise."""
    store = indexed_store(collection)
    if store is not None:
        with store.batch():
            yield
    else:
        yield


def any_of(collection: Any) -> Any:
    """`IndexedCollectionStore.any_of` of an embedded client's collection, else None."""
    store = indexed_store(collection)
    return store.any_of if store is not None else None


def insert_new(collection: Any, docs: list[dict]) -> list[int] | None:
    """`collection.insert_many(docs, ordered=False)` through IndexedCollectionStore.insert_new: the same
    stored documents and index rows, one INSERT per table. Returns the positions refused as duplicate
    `_id` (mongomock's code 11000 errors), or None — nothing written — on MongoDB, plain litemongo, or a
    document outside the fast path's checks (no `_id`, a field mongomock refuses): use insert_many."""
    store = indexed_store(collection)
    if store is None:
        return None
    from bson import ObjectId

    prepared = []
    for doc in docs:  # mongomock's `_insert` checks, then its datetime patch
        if (not isinstance(doc, dict) or type(doc.get("_id")) not in (str, ObjectId)
                or not all(isinstance(k, str) for k in doc)):
            return None
        try:
            _validate_fields(doc)
        except Exception:  # noqa: BLE001 - insert_many raises it as it should
            return None
        prepared.append(_patch_datetimes(doc) if _needs_patch(doc) else doc)
    return store.insert_new(prepared)


_UNPATCHED = frozenset({str, int, float, bool, bytes, type(None), _ObjectId})


def _needs_patch(value: Any) -> bool:
    """Would mongomock's datetime patch change `value` (a tz-aware or sub-millisecond datetime, a tuple, a
    Timestamp, …)? The patch copies the whole document — a signature's 42 bands — to change nothing."""
    kind = type(value)
    if kind in _UNPATCHED:
        return False
    if kind is datetime.datetime:
        return value.tzinfo is not None or value.microsecond % 1000 != 0
    if kind is list:
        return not all(type(v) is str for v in value) and any(_needs_patch(v) for v in value)
    if kind is dict or kind is OrderedDict:  # (the patch keeps an OrderedDict one: mongomock's upserts are)
        return any(_needs_patch(v) for v in value.values())
    return True


def upsert_many(collection: Any, ops: list[tuple[dict, dict]]) -> tuple[int, int] | None:
    """`collection.bulk_write([UpdateOne(f, u, upsert=True) for f, u in ops], ordered=False)` through
    IndexedCollectionStore.upsert_many: (upserted, matched), or None — nothing written — when that does
    not apply (MongoDB, plain litemongo, an op it does not take, an error mongomock would report)."""
    store = indexed_store(collection)
    return store.upsert_many(collection, ops) if store is not None else None


def update_by_id(collection: Any, ops: list[tuple[dict, dict, bool]]) -> bool:
    """`collection.update_one(*op)` for each op in order through IndexedCollectionStore.update_by_id;
    False, nothing written, when that does not apply (MongoDB, plain litemongo, an op it does not take)."""
    store = indexed_store(collection)
    return store is not None and store.update_by_id(collection, ops)


def connect(path: str) -> Any:
    """A litemongo client on the SQLite store under `path` whose collections keep their query index in
    SQLite (use it only in the calling thread, like any litemongo client)."""
    import litemongo

    return litemongo.MongoClient(IndexedServerStore(path))
