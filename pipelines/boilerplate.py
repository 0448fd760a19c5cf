"""Learned boilerplate: removes paragraphs that recur across a site's pages with different stories
(newsbot/extract/learned_chrome.py), after the phrase rules of pipelines/strip_chrome.py.

What each site taught is loaded when its first article arrives and saved when the spider closes, under
`<NEWSBOT_DATA_DIR>/learned_chrome/<site>.json`, so the next crawl starts knowing it.
Settings: `NEWSBOT_LEARN_CHROME` (default True). Stats: `newsbot/chrome/learned` (paragraphs removed),
`newsbot/chrome/learned_new` (paragraphs learned in this crawl).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from newsbot.extract.learned_chrome import ChromeMemory, FileChromeMemory, SiteChrome

STAT_PREFIX = "newsbot/chrome/"


class LearnedBoilerplatePipeline:
    def __init__(self, memory: ChromeMemory, stats=None) -> None:
        self.memory = memory
        self.stats = stats
        self.sites: dict[str, SiteChrome] = {}

    @classmethod
    def for_data_dir(cls, data_dir: str | Path, stats=None) -> LearnedBoilerplatePipeline:
        return cls(FileChromeMemory(Path(data_dir) / "learned_chrome"), stats)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWSBOT_LEARN_CHROME", True):
            raise NotConfigured("NEWSBOT_LEARN_CHROME is off")
        return cls.for_data_dir(crawler.settings.get("NEWSBOT_DATA_DIR") or "data", crawler.stats)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(STAT_PREFIX + key, count)

    def _site(self, adapter: ItemAdapter) -> SiteChrome:
        name = adapter.get("site") or urlsplit(adapter.get("url") or "").hostname or ""
        site = self.sites.get(name)
        if site is None:
            site = self.sites[name] = SiteChrome(self.memory.load(name))
        return site

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        body = list(adapter.get("body") or [])
        if not body:
            return item
        site = self._site(adapter)
        before = site.new_keys
        keep = site.observe(body)
        self._inc("learned_new", site.new_keys - before)
        if not all(keep):
            adapter["body"] = [p for p, k in zip(body, keep, strict=True) if k]
            self._inc("learned", keep.count(False))
        return item

    def close_spider(self, spider=None) -> None:
        for name, site in self.sites.items():
            try:
                self.memory.save(name, site.to_dict())
            except OSError as exc:  # a full disk must not fail the crawl's end: the next crawl relearns
                if spider is not None:
                    spider.logger.warning("learned chrome for %s not saved: %s", name, exc)
                self._inc("learned_save_failed")
