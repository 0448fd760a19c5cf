"""Storage pipeline: every article becomes (or refreshes) the one document of its canonical URL.

Upserts are batched and written by a `StoreWriter` thread (newsbot/store.py) — unordered bulk writes
flushed by size (NEWSBOT_STORE_BATCH_SIZE), by time (NEWSBOT_STORE_FLUSH_SECONDS) and at close — so
a slow or absent MongoDB never blocks the crawl. Failed batches are retried with backoff
(NEWSBOT_STORE_RETRIES, NEWSBOT_STORE_BACKOFF_SECONDS) and then spooled to
<NEWSBOT_DATA_DIR>/spool/<db>.jsonl, which the next run (or `python -m newsbot replay-spool`) replays.

Stats: newsbot/store/inserted, updated, spooled, replayed, rejected, failed_batches, no_url.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.utils.defer import maybe_deferred_to_future

from newsbot.store import ARTICLES, StoreConfig, StoreWriter, article_upsert, install_log_masking, utcnow

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, config: StoreConfig, stats=None, batch_size: int = 100, flush_seconds: float = 5.0,
                 retries: int = 3, backoff: float = 1.0, cooldown: float = 30.0, write_process: bool = False) -> None:
        self.config = config
        self.stats = stats
        self.options = {"batch_size": batch_size, "flush_seconds": flush_seconds, "retries": retries,
                        "backoff": backoff, "cooldown": cooldown, "write_process": write_process}
        self.writer: StoreWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(
            StoreConfig.from_settings(s),
            crawler.stats,
            batch_size=s.getint("NEWSBOT_STORE_BATCH_SIZE", 100),
            flush_seconds=s.getfloat("NEWSBOT_STORE_FLUSH_SECONDS", 5.0),
            retries=s.getint("NEWSBOT_STORE_RETRIES", 3),
            backoff=s.getfloat("NEWSBOT_STORE_BACKOFF_SECONDS", 1.0),
            cooldown=s.getfloat("NEWSBOT_STORE_COOLDOWN_SECONDS", 30.0),
            write_process=s.getbool("NEWSBOT_STORE_PROCESS", True),
        )

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
        logger.info("store: writing to %s", self.config.describe())
        self.writer = StoreWriter(self.config, report=self._report, **self.options)
        self.writer.start()

    def process_item(self, item, spider=None):
        doc = ItemAdapter(item).asdict()
        try:
            query, update = article_upsert(doc, utcnow())
        except ValueError:
            if self.stats is not None:
                self.stats.inc_value("newsbot/store/no_url")
            logger.warning("store: article without canonical_url or url not stored: %r", doc.get("title"))
            return item
        self.writer.put((ARTICLES, query, update))
        return item

    async def close_spider(self, spider=None):
        """Waits (off the reactor thread) until the writer has flushed or spooled everything."""
        if self.writer is None:
            return
        from twisted.internet import threads

        writer, self.writer = self.writer, None
        await maybe_deferred_to_future(threads.deferToThread(writer.close))
