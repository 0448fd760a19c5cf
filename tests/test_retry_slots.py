"""A site that answers 429 + Retry-After slows down alone: its retries wait outside the downloader, so a healthy
site crawled at the same time keeps every download slot (newsbot/crawl/delays.py, BackoffRetryMiddleware)."""

from __future__ import annotations

import math
import threading
import time

import pytest

from newsbot.demo.generated import add_feed_of_articles
from newsbot.demo.server import FixtureSite

RETRY_AFTER = 12  # seconds the busy site asks for; the healthy site's 24 pages need far less on loopback
HEALTHY_PAGES = 24
BUSY_PAGES = 8


@pytest.fixture
def two_sites():
    """A healthy site on 127.0.0.1 and a busy one on 127.0.0.2 (another loopback address: another download
    slot); every article hit is logged in one shared order. The busy site rate-limits like a real one: from
    its first article request on, it answers 429 for RETRY_AFTER seconds (Retry-After: the time left)."""
    events: list[tuple[str, str, float]] = []
    busy_until: list[float] = []
    lock = threading.Lock()
    healthy = FixtureSite(None, host="127.0.0.1").start()
    busy = FixtureSite(None, host="127.0.0.2").start()
    try:
        for path in add_feed_of_articles(healthy, HEALTHY_PAGES, 0.0, "Sağlıklı haber", "saglikli-haber", 30000):
            route = healthy.routes[path]

            def logged(handler, route=route, path=path):
                with lock:
                    events.append(("healthy", path, time.monotonic()))
                return route(handler)

            healthy.routes[path] = logged
        for path in add_feed_of_articles(busy, BUSY_PAGES, 0.0, "Yoğun haber", "yogun-haber", 40000):
            route = busy.routes[path]

            def limited(handler, route=route, path=path):
                now = time.monotonic()
                with lock:
                    if not busy_until:
                        busy_until.append(now + RETRY_AFTER)
                    left = busy_until[0] - now
                    events.append(("busy-429" if left > 0 else "busy", path, now))
                if left > 0:
                    return 429, {"Content-Type": "text/html", "Retry-After": str(math.ceil(left))}, b"yavas"
                return route(handler)

            busy.routes[path] = limited
        yield healthy, busy, events
    finally:
        healthy.stop()
        busy.stop()


def test_a_site_asking_to_wait_never_holds_the_healthy_sites_slots(two_sites, crawl, tmp_path):
    healthy, busy, events = two_sites
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "iki.toml").write_text(
        'name = "iki"\nsite = "iki.test"\ndomains = ["127.0.0.1", "127.0.0.2"]\n'
        f'start = [{{ url = "{busy.url("/rss.xml")}" }}, {{ url = "{healthy.url("/rss.xml")}" }}]\n',
        encoding="utf-8")
    # Four downloads at once in all: the old in-downloader sleep let four waiting retries take all of them.
    result = crawl("iki", env={"NEWSBOT_SOURCES_DIRS": str(sources)}, timeout=180, settings={
        "CONCURRENT_REQUESTS": 4, "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "NEWSBOT_INCREMENTAL": False})
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log, result.log[result.log.find("Traceback") - 500:][:3000]

    retries = [e for e in events if e[0] == "busy"]
    first_429 = min(e[2] for e in events if e[0] == "busy-429")
    healthy_hits = [e for e in events if e[0] == "healthy"]
    # Every healthy page was fetched before the busy site's wait was over: none waited behind its retries.
    assert len(healthy_hits) == HEALTHY_PAGES
    assert max(e[2] for e in healthy_hits) < min(e[2] for e in retries)
    # The busy site was left alone for the time it asked (only requests already on their way when the first
    # 429 came got one too), then every page was read once.
    refused = [e for e in events if e[0] == "busy-429"]
    assert len(refused) <= 4
    assert all(e[2] - first_429 < 1 for e in refused)
    assert min(e[2] for e in retries) - first_429 >= RETRY_AFTER - 1  # (Retry-After has 1 s granularity)
    assert sorted(e[1] for e in retries) == sorted(set(e[1] for e in retries)) and len(retries) == BUSY_PAGES
    assert len(result.items) == HEALTHY_PAGES + BUSY_PAGES
    stats = result.stats
    assert stats.get("newsbot/retry/retry_after", 0) >= 1
    assert stats.get("newsbot/retry/held", 0) >= 1
    assert "newsbot/retry/held_at_close" not in stats
