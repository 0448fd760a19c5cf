"""Validation: an article without a title or a body is dropped, with the reason counted."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newsbot.extract.body import article_text
from newsbot.text import content_hash


class ValidatePipeline:
    """Drops unusable articles (stat `newsbot/dropped/<reason>`) and refreshes derived fields."""

    def __init__(self, stats=None) -> None:
        self.stats = stats  # None outside a crawl (`newsbot extract`): nothing is counted

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        body = [p for p in (adapter.get("body") or []) if p and p.strip()]
        reason = None
        if not (adapter.get("title") or "").strip():
            reason = "no_title"
        elif not body:
            reason = "no_body"
        if reason:
            if self.stats is not None:
                self.stats.inc_value(f"newsbot/dropped/{reason}")
            raise DropItem(f"{reason}: {adapter.get('url')}")
        # Chrome stripping may have changed the body: keep text and hash in step with it.
        adapter["body"] = body
        adapter["text"] = article_text(adapter.get("lead") or "", body)
        adapter["content_hash"] = content_hash(adapter["title"], body)
        return item
