"""The store stage's writer: batches ops and writes them from its own thread, retrying, spooling and
replaying, so that a slow or absent store never blocks the crawl. (Both backends leave the GIL while they
wait: pymongo on its socket, sqlite3 in its C code; a child process for the writes did not pay for
itself: BENCHMARKS.md §0c.)

A batch is written when it holds `batch_size` ops or its oldest op is `flush_seconds` old, and at close.
A failed batch is retried `retries` times with exponential backoff; then it is spooled, and for
`cooldown` seconds further batches go straight to the spool. Spooled ops are replayed at start and as
soon as a write succeeds again.

`report(counts)` is called from the writer thread with increments of: inserted / updated (articles
written), spooled (articles spooled), spooled_other (story, signature and run ops spooled),
spool_overflow (ops refused by a full spool), rejected, replayed (spooled ops written later),
failed_batches, coalesced, signatures_purged.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import timedelta
from typing import Any

from newsbot.dates import utcnow
from newsbot.store.base import Store
from newsbot.store.config import StoreConfig, short_error
from newsbot.store.documents import ARTICLES, Op, WriteCounts, coalesce
from newsbot.store.spool import DEFAULT_MAX_OPS, Spool

# Imported here, not in open_store: the crawl's store threads open their stores at the same moment, and a first
# import of one module in two threads at once can fail on the import locks (_DeadlockError).
from newsbot.store.sqlite import READER_CACHE_KIB, WRITER_CACHE_KIB, SqliteStore

logger = logging.getLogger("newsbot.store")
_STOP = object()


def open_store(config: StoreConfig, writer: bool = False, **client_kwargs: Any) -> Store:
    """The store of `config`: MongoDB when it has a URI, else the embedded SQLite store. Use it in one thread.
    `writer`: the connection that writes a crawl's batches (the embedded store gives it a larger page cache)."""
    if config.uri:
        from newsbot.store.mongo import MongoStore

        return MongoStore(config, **client_kwargs)
    return SqliteStore(config, cache_kib=WRITER_CACHE_KIB if writer else READER_CACHE_KIB)


class StoreThread(threading.Thread):
    """A thread that opens the store itself and runs submitted jobs `fn(store)` in order."""

    def __init__(self, config: StoreConfig, name: str = "newsbot-store") -> None:
        super().__init__(name=name, daemon=True)
        self.config = config
        self._jobs: queue.Queue = queue.Queue()

    def submit(self, fn: Callable[[Store], Any]) -> Future:
        future: Future = Future()
        self._jobs.put((fn, future))
        return future

    def stop(self) -> None:
        self._jobs.put(None)

    def run(self) -> None:
        store = None
        try:
            store = open_store(self.config)
            while (job := self._jobs.get()) is not None:
                fn, future = job
                try:
                    future.set_result(fn(store))
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
            if store is not None:
                with contextlib.suppress(Exception):
                    store.close()


class StoreWriter(threading.Thread):
    def __init__(self, config: StoreConfig, batch_size: int = 100, flush_seconds: float = 5.0,
                 retries: int = 3, backoff: float = 1.0, cooldown: float = 30.0,
                 report: Callable[[dict], None] | None = None, client_kwargs: dict | None = None,
                 spool_max_ops: int = DEFAULT_MAX_OPS, signature_days: float | None = None) -> None:
        super().__init__(name="newsbot-store-writer", daemon=True)
        self.config = config
        self.client_kwargs = client_kwargs or {}
        self.batch_size = max(1, int(batch_size))
        self.flush_seconds = max(0.05, float(flush_seconds))
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.cooldown = max(0.0, float(cooldown))
        self.report = report or (lambda counts: None)
        self.spool = Spool.for_config(config, spool_max_ops)
        self.signature_days = signature_days
        self.totals: dict[str, int] = {}
        self._queue: queue.Queue = queue.Queue()
        self._down_until = 0.0
        self._prepared = False
        self._store: Store | None = None

    # called from the crawl's thread
    def put(self, op: Op) -> None:
        self._queue.put(op)

    def put_many(self, ops: list[Op]) -> None:
        """The ops in order, as one entry of the queue: the writer thread wakes once for them (an article's
        document, signature and story), not once each."""
        if ops:
            self._queue.put(list(ops))

    def close(self, timeout: float | None = None) -> dict[str, int]:
        self._queue.put(_STOP)
        self.join(timeout)
        if not self.is_alive():
            # A writer thread that failed has spooled what was queued then; what the crawl put after that is
            # still in the queue and would be lost with it.
            self._to_spool(self._drain())
        return dict(self.totals)

    def _drain(self) -> list[Op]:
        """Every op still queued, in order (the queue is left empty)."""
        rest: list[Op] = []
        while True:
            try:
                op = self._queue.get_nowait()
            except queue.Empty:
                return rest
            if isinstance(op, list):
                rest.extend(op)
            elif op is not _STOP:
                rest.append(op)

    # the writer thread
    def _count(self, **increments: int) -> None:
        increments = {k: v for k, v in increments.items() if v}
        for key, value in increments.items():
            self.totals[key] = self.totals.get(key, 0) + value
        if increments:
            self.report(increments)

    def run(self) -> None:
        try:
            self._store = open_store(self.config, writer=True, **self.client_kwargs)
            self._prepare()
            if self.spool.pending():
                self._replay()
            self._loop()
        except Exception as exc:  # never lose what is queued: spool it
            logger.error("store writer failed (%s): %s", self.config.describe(), short_error(exc))
            self._to_spool(self._drain())
        finally:
            if self._store is not None:
                with contextlib.suppress(Exception):
                    self._store.close()

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
                if isinstance(op, list):  # put_many
                    batch.extend(op)
                else:
                    batch.append(op)
                deadline = deadline or time.monotonic() + self.flush_seconds
            if len(batch) >= self.batch_size or (batch and time.monotonic() >= deadline):
                self._flush(batch)
                batch, deadline = [], None

    def _prepare(self) -> None:
        """Indexes, and signatures past every window dropped (this writer is their one writer)."""
        if self._prepared:
            return
        try:
            self._store.ensure_schema()
            if self.signature_days:
                self._count(signatures_purged=self._store.purge_signatures(
                    utcnow() - timedelta(days=self.signature_days)))
            self._prepared = True
        except Exception as exc:
            logger.warning("store: cannot prepare %s yet: %s", self.config.describe(), short_error(exc))

    def _to_spool(self, ops: list[Op]) -> int:
        appended = self.spool.append(ops)
        articles = sum(1 for op in ops[:appended.spooled] if op[0] == ARTICLES)
        self._count(spooled=articles, spooled_other=appended.spooled - articles, spool_overflow=appended.overflow)
        if appended.overflow:
            logger.error("store: the spool %s is full (NEWSBOT_SPOOL_MAX_OPS=%d): %d op(s) NOT kept", self.spool.path,
                         self.spool.max_ops, appended.overflow)
        return appended.spooled

    def _reject(self, counts: WriteCounts) -> None:
        if counts.rejected_ops:
            self._count(rejected=self.spool.reject(counts.rejected_ops))
            logger.error("store: %d op(s) refused by the store (kept in %s): %s", counts.rejected,
                         self.spool.rejected_path, counts.error)

    def _flush(self, batch: list[Op]) -> None:
        if not batch:
            return
        merged = coalesce(batch)
        self._count(coalesced=len(batch) - len(merged))
        if time.monotonic() < self._down_until:
            self._to_spool(merged)
            return
        pending = merged
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            counts = self._store.write(pending)
            self._count(inserted=counts.inserted, updated=counts.updated)
            self._reject(counts)
            pending = counts.failed_ops
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
        spooled = self._to_spool(pending)
        self._down_until = time.monotonic() + self.cooldown
        logger.error("store: %d op(s) spooled to %s after %d attempts; the next successful write or run "
                     "replays them", spooled, self.spool.path, self.retries + 1)

    def _replay(self) -> None:
        counts = self.spool.replay(self._store.write, self.batch_size)  # refused ops go to the rejected file there
        self._count(replayed=counts.written, rejected=counts.rejected)
        if counts.written:
            logger.info("store: replayed %d spooled op(s) (%d articles inserted, %d updated); %d still spooled",
                        counts.written, counts.inserted, counts.updated, counts.failed)
        if counts.failed:
            self._down_until = time.monotonic() + self.cooldown
