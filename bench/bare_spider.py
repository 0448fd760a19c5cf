"""Bare Scrapy: the same discovery as newsbot (sitemap index → sitemaps, RSS feed) and a fetch of every
article page, with no item processing at all. Run by bench/throughput.py from a directory outside the
project, so that newsbot's settings, middlewares and pipelines are not loaded:

    scrapy runspider bench/bare_spider.py -a start=http://127.0.0.1:PORT -a stats=OUT.json -s …
"""

from __future__ import annotations

import json

import scrapy
from scrapy.utils.sitemap import Sitemap


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str = "", stats: str = "", **kwargs):
        super().__init__(**kwargs)
        self.base = start.rstrip("/")
        self.stats_path = stats

    async def start(self):
        yield scrapy.Request(self.base + "/rss.xml", callback=self.parse_feed, dont_filter=True)
        yield scrapy.Request(self.base + "/sitemap.xml", callback=self.parse_sitemap, dont_filter=True)

    def parse_feed(self, response):
        for link in response.xpath("//item/link/text()").getall():
            yield scrapy.Request(response.urljoin(link.strip()), callback=self.parse_article)

    def parse_sitemap(self, response):
        sitemap = Sitemap(response.body)
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse_article
        for entry in sitemap:
            yield scrapy.Request(response.urljoin(entry["loc"]), callback=callback)

    def parse_article(self, response):
        self.crawler.stats.inc_value("bare/article_pages")

    def closed(self, reason):
        if self.stats_path:
            stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                     for k, v in self.crawler.stats.get_stats().items()}
            with open(self.stats_path, "w", encoding="utf-8") as fh:
                json.dump(stats, fh)
