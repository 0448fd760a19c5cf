"""Learned boilerplate: removes paragraphs that recur across a site's pages with different stories
(newsbot/extract/learned_chrome.py), after the phrase rules of pipelines/strip_chrome.py.

What each site taught is kept in the store (collection `learned_chrome`, one document per site), so the
next crawl starts knowing it:
- read when the site's first article of this crawl arrives (a store that cannot be read: this crawl learns
  afresh — one warning, stat `newsbot/chrome/store_error`);
- written by the store stage, the one writer: the site's state rides with an article
  (pipelines.store.attach_writes) every `NEWSBOT_LEARN_CHROME_SAVE_PAGES` pages of the site, and once
  more when the store stage closes (signal pipelines.store.store_closing). Not more often: a site's state
  (5,000 candidate digests, 24 pages' topics) reaches ~0.4 MB of JSON (it was ~1.1 MB with the candidates'
  text and 200 pages' topics, ~45 ms of the crawl process's CPU to write into the embedded store); saved
  with every page that taught something, or every 50 pages, it cost the crawl ~1–2 ms per page. A crawl
  that dies keeps what it learned up to its last save;
  the store keeps the union of the keys every crawl learned, so a crawl that started afresh never drops them.
Settings: `NEWSBOT_LEARN_CHROME` (default True), `NEWSBOT_LEARN_CHROME_SAVE_PAGES` (500).
Stats: `newsbot/chrome/learned` (paragraphs removed), `newsbot/chrome/learned_new` (paragraphs learned in
this crawl), `newsbot/chrome/saves` (states handed to the store stage), `newsbot/chrome/store_error`,
`newsbot/chrome/state_unreadable`.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from newsbot.extract.learned_chrome import SiteChrome
from newsbot.store import DEFAULT_DB, Op, Store, StoreConfig, learned_chrome_op, open_store, short_error
from pipelines.store import attach_writes, store_closing

STAT_PREFIX = "newsbot/chrome/"
logger = logging.getLogger(__name__)


@dataclass
class _Site:
    chrome: SiteChrome
    pages_unsaved: int = 0


class LearnedBoilerplatePipeline:
    def __init__(self, config: StoreConfig, stats=None, save_pages: int = 500) -> None:
        self.config = config
        self.stats = stats
        self.save_pages = max(1, int(save_pages))
        self.sites: dict[str, _Site] = {}
        self.store: Store | None = None  # read only: the store stage writes
        self.store_down = False

    @classmethod
    def for_data_dir(cls, data_dir: str | Path, stats=None) -> LearnedBoilerplatePipeline:
        """Over the embedded store of `data_dir` (tools and benches without a crawl: bench/devset.py)."""
        return cls(StoreConfig(None, DEFAULT_DB, Path(data_dir)), stats)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_LEARN_CHROME", True):
            raise NotConfigured("NEWSBOT_LEARN_CHROME is off")
        pipeline = cls(StoreConfig.from_settings(settings), crawler.stats,
                       settings.getint("NEWSBOT_LEARN_CHROME_SAVE_PAGES", 500))
        crawler.signals.connect(pipeline.final_writes, signal=store_closing)
        return pipeline

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(STAT_PREFIX + key, count)

    def _load(self, name: str) -> dict | None:
        if self.store_down:
            return None
        try:
            if self.store is None:
                self.store = open_store(self.config)
            return self.store.learned_chrome(name)
        except Exception as exc:  # pymongo / sqlite3 errors: the crawl goes on, learning afresh
            logger.warning("learned chrome: store unavailable (%s), learning afresh this crawl: %s",
                           self.config.describe(), short_error(exc))
            self._inc("store_error")
            self.store_down = True
            self._close_store()
            return None

    def _site(self, name: str) -> _Site:
        site = self.sites.get(name)
        if site is None:
            data = self._load(name)
            try:
                chrome = SiteChrome(data)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:  # not what to_dict() writes
                logger.warning("learned chrome of %s unreadable, learning afresh: %s: %s", name,
                               type(exc).__name__, exc)
                self._inc("state_unreadable")
                chrome = SiteChrome()
            site = self.sites[name] = _Site(chrome)
        return site

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        body = list(adapter.get("body") or [])
        if not body:
            return item
        name = adapter.get("site") or urlsplit(adapter.get("url") or "").hostname or ""
        site = self._site(name)
        before = site.chrome.new_keys
        keep = site.chrome.observe(body)
        self._inc("learned_new", site.chrome.new_keys - before)
        if not all(keep):
            adapter["body"] = [p for p, k in zip(body, keep, strict=True) if k]
            self._inc("learned", keep.count(False))
        site.pages_unsaved += 1
        if site.pages_unsaved >= self.save_pages:
            attach_writes(item, [self._save(name, site)])
        return item

    def _save(self, name: str, site: _Site) -> Op:
        site.pages_unsaved = 0
        self._inc("saves")
        return learned_chrome_op(name, site.chrome.to_dict())

    def final_writes(self) -> list[Op]:
        """The state of every site with pages since its last save, as the store stage closes (receiver of
        pipelines.store.store_closing)."""
        return [self._save(name, site) for name, site in self.sites.items() if site.pages_unsaved]

    def close_spider(self, spider=None) -> None:
        self._close_store()

    def _close_store(self) -> None:
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
        self.store = None
