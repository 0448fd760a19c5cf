"""Hostile and broken input: one crawl over a fixture site full of it; the crawl finishes, every bad page
is handled or skipped with a counted reason (stats, hence the run record)."""

from __future__ import annotations

import gzip
import threading
import time

import pytest

from newsbot.store import ARTICLES, StoreConfig, open_store
from tests.plugin_sites import ROOT

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
TURKISH = set("çğıöşüÇĞİÖŞÜ")
MB = 1024 * 1024
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"stream\n\x00\x01\x02binary\nendstream\n%%EOF\n"


def _file(name: str) -> bytes:
    return (HOSTILE / name).read_bytes()


def hostile_routes(site, release: threading.Event) -> dict:
    """Install the dynamic cases on `site`; return what the test inspects afterwards."""
    seen: dict[str, list[float]] = {"503": []}
    html = {"Content-Type": "text/html"}
    article = _file("haber/normal-haber-2000.html")
    big = b"<html><body>" + b"x" * (50 * MB) + b"</body></html>"
    bomb = gzip.compress(b"<html><body>" + b" " * (64 * MB) + b"</body></html>", compresslevel=9)

    def busy(handler):
        seen["503"].append(time.monotonic())
        if len(seen["503"]) == 1:
            return 503, {**html, "Retry-After": "1"}, b"<html><body>bakimdayiz</body></html>"
        retried = article.replace("dalgıçlar".encode(), "503 sonrası".encode())
        return 200, {"Content-Type": "text/html; charset=utf-8"}, retried

    def hang(handler):
        release.wait(60)
        return 200, html, b"<html></html>"

    def chain(handler):
        n = int(handler.path.rsplit("=", 1)[-1]) if "=" in handler.path else 0
        return 302, {"Location": f"/haber/uzun-zincir-2019.html?n={n + 1}"}, b""

    def links(handler):
        body = "".join(f'<li><a href="/haber/baglanti-{100_000 + i}.html">Haber {i}</a></li>' for i in range(100_000))
        return 200, {"Content-Type": "text/html; charset=utf-8"}, (
            f"<html><head><title>Yüz bin bağlantı</title></head><body><h1>Yüz bin bağlantı</h1><ul>{body}</ul>"
            "</body></html>").encode()

    site.routes.update({
        "/haber/hata-500-2009.html": lambda h: (500, html, b"<html><body>sunucu hatasi</body></html>"),
        "/haber/mesgul-503-2010.html": busy,
        "/haber/cok-istek-429-2020.html": lambda h: (429, {**html, "Retry-After": "3600"}, b"yavas"),
        "/haber/asili-2011.html": hang,
        "/haber/dongu-a-2012.html": lambda h: (302, {"Location": "/haber/dongu-b-2012.html"}, b""),
        "/haber/dongu-b-2012.html": lambda h: (302, {"Location": "/haber/dongu-a-2012.html"}, b""),
        "/haber/uzun-zincir-2019.html": chain,
        "/haber/bos-govde-2013.html": lambda h: (200, html, b""),
        "/haber/dev-50mb-2014.html": lambda h: (200, html, big),
        "/haber/pdf-2015.html": lambda h: (200, html, PDF),
        "/haber/resim-2016.html": lambda h: (200, html, PNG),
        "/haber/gzip-bomba-2017.html": lambda h: (200, {**html, "Content-Encoding": "gzip"}, bomb),
        "/haber/yuz-bin-link-2018.html": links,
        "/kategori/yuz-bin/": links,
        "/haber/yalanci-baslik-utf8-2003.html": lambda h: (
            200, {"Content-Type": "text/html; charset=iso-8859-1"}, _file("haber/yalanci-baslik-utf8-2003.html")),
        "/haber/yalanci-baslik-1254-2004.html": lambda h: (
            200, {"Content-Type": "text/html; charset=utf-8"}, _file("haber/yalanci-baslik-1254-2004.html")),
        "/bos-baslangic.xml": lambda h: (200, {"Content-Type": "application/xml"}, b""),
    })
    return seen


@pytest.fixture
def hostile_site(site_factory):
    site = site_factory(HOSTILE)
    release = threading.Event()
    site.seen = hostile_routes(site, release)
    yield site
    release.set()


def _source(tmp_path, site) -> dict:
    sources = tmp_path / "sources"
    sources.mkdir()
    starts = [("/sitemap.xml", "auto"), ("/kategori/bos/", "listing"), ("/kategori/yuz-bin/", "listing"),
              ("/bozuk-rss.xml", "auto"), ("/bozuk-sitemap.xml", "sitemap"), ("/bos-baslangic.xml", "auto")]
    start = ", ".join(f'{{ url = "{site.url(path)}", kind = "{kind}" }}' for path, kind in starts)
    (sources / "bozuk.toml").write_text(
        f'name = "bozuk"\nsite = "bozuk.test"\ndomains = ["127.0.0.1"]\nstart = [{start}]\n', encoding="utf-8")
    return {"NEWSBOT_SOURCES_DIRS": str(sources)}


def test_hostile_site_crawl_survives_and_counts_every_bad_page(hostile_site, crawl, tmp_path):
    result = crawl("bozuk", env=_source(tmp_path, hostile_site), timeout=240, settings={
        # 5 s, not less: on a loaded 2-core machine the server (busy writing the 50 MB and gzip-bomb bodies)
        # can take seconds to answer the 503 page, and a timed-out first try uses up its one retry.
        "DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 1, "NEWSBOT_RETRY_BACKOFF_BASE": 0.1,
        "NEWSBOT_MAX_LINKS_PER_PAGE": 5,
    })
    assert result.returncode == 0, result.log[-3000:]
    stats = result.stats
    assert stats["finish_reason"] == "finished"
    assert "Traceback" not in result.log, result.log[result.log.find("Traceback") - 500:][:3000]

    by_url = {i["url"].rsplit("/", 1)[-1]: i for i in result.items}
    # Handled: the control page and every odd-but-readable page give an article.
    for name in ("normal-haber-2000", "cp1254-meta-2001", "iso88599-meta-2002", "yalanci-baslik-utf8-2003",
                 "yalanci-baslik-1254-2004", "bozuk-html-2005", "bozuk-jsonld-2006", "dolar-anahtar-jsonld-2007",
                 "mesgul-503-2010"):
        assert f"{name}.html" in by_url, (name, sorted(by_url))
    # Legacy charsets declared only in a meta tag, and lying charset headers, decode to real Turkish.
    for name, title in [
        ("cp1254-meta-2001", "Çiftçiler ığdır'da buluştu: şikâyetler Ankara'ya"),
        ("iso88599-meta-2002", "Güneşli öğleden sonra Şırnak'ta üretici buluşması"),
        ("yalanci-baslik-utf8-2003", "İzmir Körfezi'nde temizlik: öğrenciler de katıldı"),
    ]:
        item = by_url[f"{name}.html"]
        assert item["title"] == title, (name, item["title"])
        assert "\ufffd" not in item["text"] and "Ã" not in item["text"] and "Ý" not in item["text"], name
        assert TURKISH & set(item["text"]), name
    # Header says UTF-8, bytes (and the meta tag) are windows-1254: the meta tag wins (see also below).
    assert by_url["yalanci-baslik-1254-2004.html"]["text"]
    assert "ÇİFTÇİLERİN ŞİKÂYETLERİNİ" in by_url["cp1254-meta-2001.html"]["text"]
    assert "ığdır çiftçileri" in by_url["iso88599-meta-2002.html"]["text"]
    # Broken HTML (unclosed tags, stray bytes) still yields its paragraphs.
    broken = by_url["bozuk-html-2005.html"]["text"]
    assert "Karadeniz kıyılarında kuvvetli sağanak" in broken and "hasadı erken" in broken
    # Malformed JSON-LD does not stop extraction; $-prefixed and dotted JSON-LD keys never reach the item.
    # (the lenient JSON-LD reader even recovers the broken block's headline)
    assert by_url["bozuk-jsonld-2006.html"]["title"].startswith("Bozuk JSON-LD'li haber")
    assert "dalgıçlar, deniz dibinden üç ton atık" in by_url["bozuk-jsonld-2006.html"]["text"]
    assert not any(k.startswith("$") or "." in k for k in by_url["dolar-anahtar-jsonld-2007.html"])
    # 503 with Retry-After: 1 is retried after (at least) the second the server asked for, then read.
    assert "503 sonrası" in by_url["mesgul-503-2010.html"]["text"]
    first, second = hostile_site.seen["503"][:2]
    assert second - first >= 1.0
    assert stats.get("newsbot/retry/retry_after") == 1

    expected = {
        "newsbot/fetch_failed/http_404": 1 + 5,  # the 404 page and the 5 (404) links followed from 100,000
        "newsbot/fetch_failed/http_500": 1,
        "newsbot/fetch_failed/http_429": 1,  # Retry-After: 3600 is over NEWSBOT_RETRY_AFTER_MAX: not retried
        "newsbot/retry/retry_after_too_long": 1,
        "newsbot/fetch_failed/timeout": 1,  # hangs: DOWNLOAD_TIMEOUT, one retry, then counted
        "newsbot/fetch_failed/redirect_loop": 2,  # a↔b loop, and an endless chain (REDIRECT_MAX_TIMES)
        "newsbot/fetch_failed/too_large": 2,  # 50 MB body, gzip bomb
        "newsbot/fetch_failed/robots_txt": 1,
        "newsbot/skipped/empty_body": 2,  # 0-byte article page and 0-byte start point
        "newsbot/skipped/binary_body": 2,  # PDF and PNG served as text/html
        "newsbot/skipped/listing_without_articles": 1,
        "newsbot/skipped/links_over_limit": 1,
        "newsbot/skipped/too_many_links": 1,  # the 100,000-link page offered as an article
        # The broken feed: feedparser's lenient parser recovers one entry, which has no link.
        "newsbot/recovered/malformed_feed": 1,
        "newsbot/skipped/feed_entry_without_link": 1,
    }
    got = {k: stats.get(k) for k in expected}
    assert got == expected
    assert stats.get("newsbot/skipped/malformed_sitemap", 0) + stats.get("newsbot/skipped/empty_sitemap", 0) == 1
    assert hostile_site.hits["/haber/hata-500-2009.html"] == 2  # retried once
    assert hostile_site.hits["/haber/cok-istek-429-2020.html"] == 1
    assert hostile_site.hits["/haber/uzun-zincir-2019.html"] <= 11
    assert not any(path.startswith("/gizli/") for path in hostile_site.hits)
    assert stats.get("newsbot/start/sitemap") == 2 and stats.get("newsbot/start/feed") == 1

    # What reached the store: one document per article, $-keys and dotted keys never stored as operators.
    config = StoreConfig.resolve(tmp_path / "data", environ={})
    with open_store(config) as store:
        docs = store.find(ARTICLES)
    assert sorted(d["canonical_url"] for d in docs) == sorted(i["canonical_url"] for i in result.items)


def test_utf8_header_over_windows_1254_bytes_decodes_turkish():
    from newsbot.extract import extract_article

    fields = extract_article(_file("haber/yalanci-baslik-1254-2004.html"), "http://127.0.0.1/haber/x-2004.html",
                             content_type="text/html; charset=utf-8")
    assert fields["title"] == "Ziraat odası: gübre ve mazot desteği artmalı"
