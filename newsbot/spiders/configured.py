"""One spider class per configured source (newsbot/sources/*.toml), generated from its config."""

from __future__ import annotations

from newsbot.sources import crawlable_sources
from newsbot.spiders.news import NewsSpider


def _make_spider(config) -> type[NewsSpider]:
    return type(
        f"{config.name.capitalize()}Spider",
        (NewsSpider,),
        {"name": config.name, "source_config": config, "__module__": __name__},
    )


# Scrapy's spider loader finds classes among a module's globals.
for _config in crawlable_sources().values():
    globals()[f"{_config.name.capitalize()}Spider"] = _make_spider(_config)
