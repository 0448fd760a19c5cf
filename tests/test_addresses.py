"""Address policy (newsbot/crawl/addresses.py): no fetch of loopback/private/link-local/unspecified addresses, by URL,
by a name that resolves to one, or through a redirect — except the source's own start hosts; article redirects
stay on the source's domains. Every server here is on a loopback address; nothing else is contacted."""

from __future__ import annotations

import pytest

from newsbot.crawl.addresses import is_blocked
from newsbot.demo.generated import generated_article
from newsbot.demo.server import FixtureSite


@pytest.mark.parametrize("address", [
    "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "127.0.0.2", "169.254.169.254",
    "0.0.0.0", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
])
def test_blocked_addresses(address):
    assert is_blocked(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "2001:4860::8888",
                                     "93.184.216.34", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert not is_blocked(address)


HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def sites():
    """The source's site on 127.0.0.1; an "internal" site on 127.0.0.2 (another loopback address) and one on
    127.0.0.1 reached as `localhost` (a name that resolves to loopback): neither is a start host."""
    start = FixtureSite(None, host="127.0.0.1").start()
    inner = FixtureSite(None, host="127.0.0.2").start()
    named = FixtureSite(None, host="127.0.0.1").start()
    try:
        article = generated_article(1, "İç ağ haberi")
        inner.routes["/haber/ic-ag-haberi-5001.html"] = lambda h: (200, HTML, article)
        inner.routes["/haber/dogrudan-ic-ag-haberi-5003.html"] = lambda h: (200, HTML, article)
        named.routes["/haber/yerel-ad-haberi-5002.html"] = lambda h: (200, HTML, article)
        localhost = named.base.replace("127.0.0.1", "localhost")
        start.routes.update({
            "/haber/ic-aga-yonlenen-haber-1001.html": lambda h: (
                302, {"Location": inner.url("/haber/ic-ag-haberi-5001.html")}, b""),
            "/haber/localhosta-yonlenen-haber-1002.html": lambda h: (
                302, {"Location": localhost + "/haber/yerel-ad-haberi-5002.html"}, b""),
            # outside the source's domains: not followed, so never resolved or contacted
            "/haber/disari-yonlenen-haber-1003.html": lambda h: (
                302, {"Location": "http://haber.example.org/haber/baska-yer-1003.html"}, b""),
            "/haber/tasinan-haber-1004.html": lambda h: (302, {"Location": "/haber/yeni-yerinde-haber-1004.html"}, b""),
            "/haber/yeni-yerinde-haber-1004.html": lambda h: (200, HTML, generated_article(4, "Taşınan haber")),
            "/haber/normal-haber-1006.html": lambda h: (200, HTML, generated_article(6, "Normal haber")),
        })
        links = ["/haber/ic-aga-yonlenen-haber-1001.html", "/haber/localhosta-yonlenen-haber-1002.html",
                 "/haber/disari-yonlenen-haber-1003.html", "/haber/tasinan-haber-1004.html",
                 inner.url("/haber/dogrudan-ic-ag-haberi-5003.html"),  # a direct link to the internal address
                 "/haber/normal-haber-1006.html"]
        listing = "".join(f'<li><a href="{link}">Haber</a></li>' for link in links)
        start.routes["/kategori/gundem/"] = lambda h: (200, HTML, f"<html><body><ul>{listing}</ul></body></html>"
                                                        .encode())
        yield start, inner, named
    finally:
        for site in (start, inner, named):
            site.stop()


def _source(tmp_path, start) -> dict:
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    (sources / "yerel.toml").write_text(
        'name = "yerel"\nsite = "yerel.test"\ndomains = ["127.0.0.1", "127.0.0.2", "localhost"]\n'
        f'start = [{{ url = "{start.url("/kategori/gundem/")}", kind = "listing" }}]\n', encoding="utf-8")
    return {"NEWSBOT_SOURCES_DIRS": str(sources)}


def test_private_addresses_and_offsite_redirects_are_never_fetched(sites, crawl, tmp_path):
    start, inner, named = sites
    result = crawl("yerel", env=_source(tmp_path, start), settings={"NEWSBOT_INCREMENTAL": False})
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log
    # The start host (127.0.0.1, where the source's listing is) is allowed: its articles, and a redirect
    # within the source's domains, are read.
    assert sorted(i["url"].rsplit("/", 1)[-1] for i in result.items) == [
        "normal-haber-1006.html", "yeni-yerinde-haber-1004.html"]
    # 127.0.0.2 (by a redirect and by a direct link) and localhost (a name resolving to 127.0.0.1, redirect):
    # nothing was fetched there, not even robots.txt.
    assert inner.hits == {} and named.hits == {}
    assert result.stats.get("newsbot/skipped/private_address") == 3
    assert result.stats.get("newsbot/skipped/offsite_redirect") == 1
    assert "localhost resolves to 127.0.0.1 is not a public address" in result.log
    assert not any(k.startswith("newsbot/fetch_failed/") for k in result.stats)


def test_the_policy_can_allow_private_addresses(sites, crawl, tmp_path):
    start, inner, named = sites
    result = crawl("yerel", env=_source(tmp_path, start),
                   settings={"NEWSBOT_INCREMENTAL": False, "NEWSBOT_PRIVATE_ADDRESSES": "any"})
    assert result.returncode == 0, result.log[-3000:]
    assert inner.hits.get("/haber/ic-ag-haberi-5001.html") and inner.hits.get("/haber/dogrudan-ic-ag-haberi-5003.html")
    assert named.hits.get("/haber/yerel-ad-haberi-5002.html")
    assert "newsbot/skipped/private_address" not in result.stats
    assert result.stats.get("newsbot/skipped/offsite_redirect") == 1  # the domain rule stays


def test_never_means_not_even_the_start_host(sites, crawl, tmp_path):
    start, inner, named = sites
    result = crawl("yerel", env=_source(tmp_path, start), settings={"NEWSBOT_PRIVATE_ADDRESSES": "never"})
    assert result.returncode == 0, result.log[-3000:]
    assert start.hits == {} and not result.items
    assert result.stats.get("newsbot/skipped/private_address") == 1
