"""Storage pipeline, the one writer of the store: every article becomes (or refreshes) the one document of
its canonical URL, and the story signature and story update dedupe computed for it (handed over WITH
the item: `attach_writes`) are written in the same batch.

Ops are batched and written by a `StoreWriter` thread (newsbot.store.writer) — flushed by size
(NEWSBOT_STORE_BATCH_SIZE), by time (NEWSBOT_STORE_FLUSH_SECONDS) and at close — so a slow or absent
store never blocks the crawl. Failed batches are retried with backoff (NEWSBOT_STORE_RETRIES,
NEWSBOT_STORE_BACKOFF_SECONDS) and then spooled to <NEWSBOT_DATA_DIR>/spool/<db>.jsonl (at most
NEWSBOT_SPOOL_MAX_OPS ops), which the next run (or `python -m newsbot replay-spool`) replays.

Stats: newsbot/store/inserted, updated, spooled, spooled_other, spool_overflow, replayed, rejected,
failed_batches, coalesced, signatures_purged, no_url.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.utils.defer import maybe_deferred_to_future

from newsbot.store import StoreConfig, StoreWriter, article_op, install_log_masking, utcnow
from newsbot.store.migrate import notice
from newsbot.store.spool import DEFAULT_MAX_OPS

logger = logging.getLogger(__name__)
WRITES_KEY = "_newsbot_store_writes"  # an attribute of the item (a key of a dict item), never exported
# Signal sent when the store stage closes, before its writer does: each receiver returns a list of ops
# to write last (pipelines/boilerplate.py: each site's learned chrome as the crawl ends).
store_closing = object()


def attach_writes(item, ops: list):
    """The item carrying `ops` (story signature, story update, learned chrome) to the store stage, after
    any it carries already; returns the item."""
    have = item.get(WRITES_KEY) if isinstance(item, dict) else getattr(item, WRITES_KEY, None)
    ops = [*(have or ()), *ops]
    if isinstance(item, dict):
        item[WRITES_KEY] = ops
    else:
        setattr(item, WRITES_KEY, ops)
    return item


def take_writes(item) -> list:
    """The ops attached to the item, removed from it (so that feed exports never see them)."""
    if isinstance(item, dict):
        return item.pop(WRITES_KEY, None) or []
    ops = getattr(item, WRITES_KEY, None) or []
    if ops:
        delattr(item, WRITES_KEY)
    return ops


class StorePipeline:
    def __init__(self, config: StoreConfig, stats=None, batch_size: int = 100, flush_seconds: float = 5.0,
                 retries: int = 3, backoff: float = 1.0, cooldown: float = 30.0,
                 spool_max_ops: int = DEFAULT_MAX_OPS, signature_days: float | None = None) -> None:
        self.config = config
        self.stats = stats
        self.options = {"batch_size": batch_size, "flush_seconds": flush_seconds, "retries": retries,
                        "backoff": backoff, "cooldown": cooldown, "spool_max_ops": spool_max_ops,
                        "signature_days": signature_days}
        self.writer: StoreWriter | None = None
        self.signals = None  # the crawler's SignalManager (store_closing)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        pipeline = cls(
            StoreConfig.from_settings(s),
            crawler.stats,
            batch_size=s.getint("NEWSBOT_STORE_BATCH_SIZE", 100),
            flush_seconds=s.getfloat("NEWSBOT_STORE_FLUSH_SECONDS", 5.0),
            retries=s.getint("NEWSBOT_STORE_RETRIES", 3),
            backoff=s.getfloat("NEWSBOT_STORE_BACKOFF_SECONDS", 1.0),
            cooldown=s.getfloat("NEWSBOT_STORE_COOLDOWN_SECONDS", 30.0),
            spool_max_ops=s.getint("NEWSBOT_SPOOL_MAX_OPS", DEFAULT_MAX_OPS),
            signature_days=s.getfloat("NEWSBOT_STORY_SIGNATURE_DAYS", 7.0),
        )
        pipeline.signals = crawler.signals
        return pipeline

    def _report(self, counts: dict) -> None:
        """Called from the writer thread; stats are only touched in the reactor thread."""
        if self.stats is not None:
            from twisted.internet import reactor  # the one Scrapy installed

            reactor.callFromThread(self._add_stats, counts)

    def _add_stats(self, counts: dict) -> None:
        for key, value in counts.items():
            self.stats.inc_value(f"newsbot/store/{key}", value)

    def open_spider(self, spider=None):
        install_log_masking()
        self.config.check()  # a URI that cannot be parsed stops the crawl here, with a masked message
        if (line := notice(self.config)) is not None:
            logger.warning("store: %s", line)
        logger.info("store: writing to %s", self.config.describe())
        self.writer = StoreWriter(self.config, report=self._report, **self.options)
        self.writer.start()

    def process_item(self, item, spider=None):
        writes = take_writes(item)
        # The fields as they are: article_op copies them (sanitize). ItemAdapter.asdict() would copy them a
        # first time, testing every list element for being an item: ~10x the cost (~0.3 ms per article).
        doc = dict(ItemAdapter(item).items())
        try:
            op = article_op(doc, utcnow())
        except ValueError:
            if self.stats is not None:
                self.stats.inc_value("newsbot/store/no_url")
            logger.warning("store: article without canonical_url or url not stored: %r", doc.get("title"))
            return item
        self.writer.put_many([op, *writes])  # after the article: a batch holds the story with the article it names
        return item

    async def close_spider(self, spider=None):
        """Waits (off the reactor thread) until the writer has flushed or spooled everything."""
        if self.writer is None:
            return
        from twisted.internet import threads

        writer, self.writer = self.writer, None
        if self.signals is not None:
            for _, ops in self.signals.send_catch_log(store_closing):  # a receiver's error: logged there
                for op in ops if isinstance(ops, list) else ():
                    writer.put(op)
        await maybe_deferred_to_future(threads.deferToThread(writer.close))
