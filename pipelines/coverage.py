"""Field coverage: count, for every item the spider produced, which fields it came with.

Stats: `newsbot/coverage/items` (items seen) and `newsbot/coverage/<field>` (items whose field is
non-empty). Run health compares the two. It sits BEFORE validation (which drops items without a
title or body): after it, every item has both and a broken template would not show.
Fields: setting NEWSBOT_COVERAGE_FIELDS.
"""

from __future__ import annotations

from itemadapter import ItemAdapter

DEFAULT_FIELDS = ("title", "lead", "body", "published_at", "category", "authors")
PREFIX = "newsbot/coverage/"


def has_value(value: object) -> bool:
    """Non-empty: text with a non-space character, or a list with one such element."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple)):
        return any(has_value(v) for v in value)
    return value is not None


class CoveragePipeline:
    def __init__(self, stats, fields: list[str]) -> None:
        self.stats = stats
        self.fields = fields

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings.getlist("NEWSBOT_COVERAGE_FIELDS", list(DEFAULT_FIELDS)))

    def open_spider(self, spider=None):
        for name in ("items", *self.fields):  # zeros show in the final stats too
            self.stats.set_value(PREFIX + name, self.stats.get_value(PREFIX + name, 0))

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        self.stats.inc_value(PREFIX + "items")
        for name in self.fields:
            if has_value(adapter.get(name)):
                self.stats.inc_value(PREFIX + name)
        return item
