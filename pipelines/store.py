"""Storage pipeline (placeholder: one upsert per item; the batched version replaces it)."""

from __future__ import annotations

from datetime import datetime, timezone

from itemadapter import ItemAdapter
from pymongo import UpdateOne

from newsbot.store import open_client


class StorePipeline:
    def __init__(self, data_dir: str, db_name: str) -> None:
        self.data_dir = data_dir
        self.db_name = db_name

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("NEWSBOT_DATA_DIR"), crawler.settings.get("NEWSBOT_MONGO_DB"))

    def open_spider(self, spider=None):
        self.client = open_client(self.data_dir)
        self.articles = self.client[self.db_name]["articles"]
        self.articles.create_index("canonical_url", unique=True)

    def close_spider(self, spider=None):
        self.client.close()

    def process_item(self, item, spider=None):
        doc = ItemAdapter(item).asdict()
        now = datetime.now(timezone.utc)
        self.articles.bulk_write([
            UpdateOne(
                {"canonical_url": doc["canonical_url"]},
                {"$set": {**doc, "last_seen": now}, "$setOnInsert": {"first_seen": now}},
                upsert=True,
            )
        ])
        return item
