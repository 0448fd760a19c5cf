"""Dedupe pipeline (after validation, before storage): one article per canonical URL, revisions counted,
and a story_id for every article.

1. URL: a second item with a canonical URL already seen in this run (two request URLs whose pages
   name the same <link rel=canonical>) is dropped — stat `newsbot/dropped/duplicate_url`.
2. Revision: when the stored document of this canonical URL has another content hash, the stat
   `newsbot/dedupe/revised` is counted and the item's updated_at filled in if the page gave none (the
   store stage sets revision, previous_content_hash and revised_at on the document).
3. Story: MinHash LSH against the signatures in the store (newsbot.stories), story_id set on the
   item — stats `newsbot/dedupe/new_story`, `newsbot/dedupe/joined_story`, and
   `newsbot/dedupe/refused_scheme` for stored signatures of another scheme (never compared).

Dedupe only READS the store. The signature and the story update of each article travel with the item
(pipelines.store.attach_writes) to the store stage, the one writer of every collection; this run's
signatures the store stage has not written yet are kept in memory (newsbot.store.story_index.RecentSignatures,
the last NEWSBOT_DEDUPE_RECENT of them) so that later batches still cluster with them.

If the store cannot be reached, the run goes on: stories are clustered against this run's recent
signatures only (stat `newsbot/dedupe/store_error`), and revisions are not counted.

Group commit: in a crawl (a running reactor) steps 2 and 3 run in a worker thread that takes the
articles waiting in its queue, and those that come within NEWSBOT_DEDUPE_BATCH_SECONDS (0.05) of the
first, as one batch (up to NEWSBOT_DEDUPE_BATCH, default 200) and makes a
fixed number of store reads per batch — stored articles and signatures read with one query each, the
batch clustered in order against them plus its own earlier articles — instead of several per article
on the reactor thread. The results are those of clustering the articles one by one
(newsbot.store.story_index.BatchIndex). Called directly (no reactor running: tests, tools) process_item does
the same for a batch of one and returns the item.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newsbot.dates import to_utc, utcnow
from newsbot.store import SIGNATURES, STORIES, Store, StoreConfig, open_store, short_error, story_payload
from newsbot.store.story_index import BatchIndex, RecentSignatures
from newsbot.stories import Signature, StoryClusterer, StoryParams, story_text
from newsbot.urls import canonical_url
from pipelines.store import attach_writes

logger = logging.getLogger(__name__)
_STOP = object()


@dataclass
class _Job:
    """One article on its way through steps 2 and 3 (inputs read in the reactor thread)."""

    item: object
    key: str
    now: datetime
    content_hash: str
    lead: str
    body: list
    site: str
    title: str
    agency: str | None
    published: datetime | None
    signature: Signature | None = None
    story_id: str = ""
    revised: bool = False
    stats: list[str] = field(default_factory=list)
    writes: list = field(default_factory=list)  # (collection, payload) ops for the store stage
    error: BaseException | None = None
    deferred: object = None


class DedupePipeline:
    def __init__(self, settings, stats=None) -> None:
        self.settings = settings
        self.stats = stats
        self.params = StoryParams.from_settings(settings)
        self.batch_size = max(1, settings.getint("NEWSBOT_DEDUPE_BATCH", 200))
        self.batch_seconds = max(0.0, settings.getfloat("NEWSBOT_DEDUPE_BATCH_SECONDS", 0.05))
        self.store: Store | None = None
        self.clusterer: StoryClusterer | None = None
        self.recent = RecentSignatures(settings.getint("NEWSBOT_DEDUPE_RECENT", 1000))
        self._scheme_warned = False
        self.seen_urls: set[str] = set()
        self.worker: _Worker | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings, crawler.stats)

    def _inc(self, key: str) -> None:
        if self.stats is None:
            return
        if self.worker is not None and threading.current_thread() is self.worker:
            from twisted.internet import reactor

            reactor.callFromThread(self.stats.inc_value, key)  # stats are touched in the reactor thread only
        else:
            self.stats.inc_value(key)

    def open_spider(self, spider=None):
        if _reactor_running():
            self.worker = _Worker(self)  # opens the store in its own thread (an embedded client stays in it)
            self.worker.start()
        else:  # no reactor (called directly: tests, tools): batches of one, in the calling thread
            self._open_store()

    def _open_store(self) -> None:
        try:
            self.store = open_store(StoreConfig.from_settings(self.settings))
        except Exception as exc:  # the store being down must not stop the crawl
            self._store_failed(exc)
        self.clusterer = StoryClusterer(self.recent, self.params)

    def _close_store(self) -> None:
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
        self.store = None

    def close_spider(self, spider=None):
        if self.worker is not None:
            self.worker.stop()
            self.worker.join(timeout=60)
            self.worker = None
        else:
            self._close_store()

    def _store_failed(self, exc: Exception) -> None:
        logger.warning("dedupe: store unavailable, clustering within this run only: %s", short_error(exc))
        self._inc("newsbot/dedupe/store_error")
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
        self.store = None

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        key = adapter.get("canonical_url") or canonical_url(adapter.get("url") or "")
        if key in self.seen_urls:
            self._inc("newsbot/dropped/duplicate_url")
            raise DropItem(f"duplicate_url: {key} (from {adapter.get('url')})")
        self.seen_urls.add(key)
        job = _Job(item, key, utcnow(), adapter.get("content_hash") or "", adapter.get("lead") or "",
                   list(adapter.get("body") or []), adapter.get("site") or "", adapter.get("title") or "",
                   adapter.get("agency"), to_utc(adapter.get("published_at")))
        if self.worker is None:
            self._process_batch([job])
            return self._finish(job)
        from twisted.internet.defer import Deferred

        job.deferred = Deferred()
        self.worker.put(job)
        return _wait(job.deferred)  # a coroutine: Scrapy 2.19 deprecates returning a Deferred

    def _finish(self, job: _Job):
        """In the calling (reactor) thread: stats, updated_at of a revision, the item with its story_id."""
        for key in job.stats:
            self._inc(key)
        if job.revised:
            adapter = ItemAdapter(job.item)
            if not adapter.get("updated_at"):
                adapter["updated_at"] = adapter.get("fetched_at") or job.now.isoformat()
        return attach_writes(with_story_id(job.item, job.story_id), job.writes)

    def _deliver(self, job: _Job) -> None:
        if job.error is not None:
            job.deferred.errback(job.error)
            return
        try:
            result = self._finish(job)
        except Exception as exc:
            job.deferred.errback(exc)
        else:
            job.deferred.callback(result)

    # -- the batch: revisions, clustering, signatures and stories -----------------------------------
    def _process_batch(self, jobs: list[_Job]) -> None:
        if self.store is not None:
            try:
                stored = self.store.known_articles([j.key for j in jobs])
            except Exception as exc:
                self._store_failed(exc)
                stored = {}
            for job in jobs:
                old = stored.get(job.key, {}).get("content_hash")
                if old and job.content_hash and old != job.content_hash:
                    job.revised = True
                    job.stats.append("newsbot/dedupe/revised")
        for job in jobs:
            if job.signature is None:  # (bench/store_scaling.py signs beforehand, to time it apart)
                job.signature = self.clusterer.signer.sign(story_text(job.lead, job.body))
        keys, bands = [j.key for j in jobs], [b for j in jobs for b in j.signature.bands]
        not_before = min(j.now for j in jobs) - timedelta(days=self.params.signature_days)
        try:
            index = BatchIndex(self.store, keys, bands, not_before, self.recent)
        except Exception as exc:
            self._store_failed(exc)
            index = BatchIndex(None, keys, bands, not_before, self.recent)
        clusterer = StoryClusterer(index, self.params, self.clusterer.signer)
        for job in jobs:
            result = clusterer.assign(job.key, job.lead, job.body, published_at=job.published, now=job.now,
                                      site=job.site, url=job.key, signature=job.signature)
            job.story_id = result.story_id
            job.stats.append("newsbot/dedupe/new_story" if result.new_story else "newsbot/dedupe/joined_story")
            if result.refused_scheme:
                job.stats += ["newsbot/dedupe/refused_scheme"] * result.refused_scheme
                if not self._scheme_warned:
                    self._scheme_warned = True
                    logger.warning("dedupe: the store holds story signatures of another scheme (not %s); they are "
                                   "not compared, and articles are re-signed when seen again", clusterer.signer.scheme)
            job.writes = [(SIGNATURES, index.added[job.key]),
                          (STORIES, story_payload(job.story_id, site=job.site, url=job.key, title=job.title,
                                                  agency=job.agency, published_at=job.published, now=job.now))]

class _Worker(threading.Thread):
    """Runs the pipeline's batches: takes what is queued (up to batch_size articles) as one batch."""

    def __init__(self, pipeline: DedupePipeline) -> None:
        super().__init__(name="newsbot-dedupe", daemon=True)
        self.pipeline = pipeline
        self.jobs: queue.Queue = queue.Queue()

    def put(self, job: _Job) -> None:
        self.jobs.put(job)

    def stop(self) -> None:
        self.jobs.put(_STOP)

    def run(self) -> None:
        from twisted.internet import reactor

        pipe = self.pipeline
        pipe._open_store()
        stopping = False
        try:
            while not stopping:
                job = self.jobs.get()
                if job is _STOP:
                    break
                batch = [job]
                # Articles come one at a time, a few ms apart: a batch waits a moment for the next ones, so
                # its store reads serve several articles (one article per batch cost ~0.4 ms more each).
                deadline = time.monotonic() + pipe.batch_seconds
                while len(batch) < pipe.batch_size:
                    try:
                        more = self.jobs.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        break
                    if more is _STOP:
                        stopping = True
                        break
                    batch.append(more)
                try:
                    pipe._process_batch(batch)
                except Exception as exc:  # handed to each article's Deferred (Scrapy logs it per item)
                    for j in batch:
                        j.error = exc
                for j in batch:
                    reactor.callFromThread(pipe._deliver, j)
        finally:
            pipe._close_store()


async def _wait(deferred):
    from scrapy.utils.defer import maybe_deferred_to_future

    return await maybe_deferred_to_future(deferred)


def _reactor_running() -> bool:
    import sys

    if "twisted.internet.reactor" not in sys.modules:
        return False
    from twisted.internet import reactor

    return bool(getattr(reactor, "running", False))


def with_story_id(item, story_id: str):
    """The item with its story_id: set on the item when its class has the field, else the item as a dict
    with story_id added (the store and the feed exports take either)."""
    adapter = ItemAdapter(item)
    if "story_id" in adapter.field_names() or isinstance(item, dict):
        adapter["story_id"] = story_id
        return item
    return {**adapter.asdict(), "story_id": story_id}
