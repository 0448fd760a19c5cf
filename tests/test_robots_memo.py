"""RobotsTxtMemo on its own (the crawls that count robots.txt downloads: tests/test_devsite_crawls.py)."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from newsbot.crawl.robots_memo import MAX_KEPT_BYTES, RobotsTxtMemo

ROBOTS = "http://haber.test/robots.txt"


def _memo() -> RobotsTxtMemo:
    return RobotsTxtMemo.from_crawler(get_crawler())


def _answer(body: bytes, url: str = ROBOTS) -> TextResponse:
    return TextResponse(url, body=body, encoding="utf-8", request=Request(url))


def test_a_robots_txt_answer_is_given_again_to_the_next_request_of_the_same_host():
    memo = _memo()
    first = _answer(b"User-agent: *\nSitemap: http://haber.test/sitemap.xml\n")
    assert memo.process_response(first.request, first) is first
    second = Request(ROBOTS, meta={"from": "spider"})
    again = memo.process_response(second, memo.process_request(second))
    assert again.body == first.body and again.request is second and "cached" in again.flags
    assert memo.stats.get_value("newsbot/robots_txt/reused") == 1
    # another host, another path or a query: not the kept answer
    for url in ("http://other.test/robots.txt", "https://haber.test/robots.txt", "http://haber.test/a.txt",
                "http://haber.test/robots.txt?x=1"):
        assert memo.process_request(Request(url)) is None, url


def test_the_last_hop_of_a_redirect_is_kept_for_the_url_asked_for():
    memo = _memo()
    moved = "http://haber.test/files/robots.txt"
    hop = Request(moved, meta={"redirect_urls": [ROBOTS]})
    memo.process_response(hop, _answer(b"User-agent: *\n", moved))
    assert memo.process_request(Request(ROBOTS)).url == moved


def test_an_oversized_robots_txt_is_not_kept():
    memo = _memo()
    big = _answer(b"# " + b"x" * MAX_KEPT_BYTES + b"\nUser-agent: *\n")
    memo.process_response(big.request, big)
    assert memo.process_request(Request(ROBOTS)) is None
