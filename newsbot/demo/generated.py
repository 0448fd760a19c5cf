"""Generated fixture sites for tests and benchmarks: an RSS feed of n plain article pages, each served
after a delay (so a crawl lasts long enough to be killed, joined or timed)."""

from __future__ import annotations

import time
from collections.abc import Callable

from newsbot.demo.server import FixtureSite


def generated_article(i: int, title: str) -> bytes:
    """A small Turkish article page `<title> <i>` with three paragraphs and a publication time, as a news
    page has (without one, run health fails the crawl on published_at coverage and it exits 1)."""
    paras = "".join(
        f"<p>{title} {i}: ilçede {j}. mahallede yol çalışması yapılacağı duyuruldu; çalışmaların akşam "
        f"saatlerine kadar süreceği, sürücülerin alternatif yolları kullanması gerektiği bildirildi.</p>"
        for j in range(3))
    published = f"2025-07-12T{8 + i // 60 % 12:02d}:{i % 60:02d}:00+03:00"
    return (f'<!doctype html><html lang="tr"><head><meta charset="utf-8"><title>{title} {i}</title>'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><article><h1>{title} {i}</h1>{paras}</article></body></html>").encode()


def add_feed_of_articles(site: FixtureSite, n: int, delay: float, title: str, slug: str, first_id: int,
                         link_suffix: str = "", on_request: Callable[[], None] | None = None) -> list[str]:
    """Add /rss.xml and n article routes `/haber/<slug>-<i>-<first_id + i>.html` to `site`; return the paths."""
    paths = [f"/haber/{slug}-{i}-{first_id + i}.html" for i in range(n)]

    def route_for(i: int):
        def route(handler):
            if on_request is not None:
                on_request()
            time.sleep(delay)
            return 200, {"Content-Type": "text/html; charset=utf-8"}, generated_article(i, title)
        return route

    for i, path in enumerate(paths):
        site.routes[path] = route_for(i)
    items = "".join(f"<item><title>{title} {i}</title><link>{site.url(p)}{link_suffix}</link></item>"
                    for i, p in enumerate(paths))
    feed = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>' + title + "</title>"
            f"{items}</channel></rss>").encode()
    site.routes["/rss.xml"] = lambda handler: (200, {"Content-Type": "application/rss+xml"}, feed)
    return paths
