"""Learned chrome across crawls (pipelines/boilerplate.py, the store's `learned_chrome` collection): one local
site with two page templates, crawled once; a second crawl of new pages starts with the site's recurring
block already known — its first pages are clean — on FerretDB and on the embedded store."""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pytest

from newsbot.extract.learned_chrome import paragraph_key
from newsbot.store import LEARNED_CHROME

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "devsites"))
from stories import STORIES  # noqa: E402

pytestmark = pytest.mark.slow

# The site's recurring block, inside the article area of both templates: no phrase or structural rule
# knows these lines (the first crawl's first pages show them).
BLOCK = ["Karadeniz'in en hızlı haber sitesi", "Editörümüzün önerileri", "Merkez: Sahil Yolu No: 4 Ünye / Ordu"]
FIRST = {"haber": ["s01", "s02", "s03"], "galeri": ["s04", "s05", "s08"]}
SECOND = {"haber": ["s09", "s10"], "galeri": ["s11", "s12"]}
E = html.escape


def haber(sid: str) -> str:
    """Template 1: <article>, paragraphs and <h3> sub-heads, the block as paragraphs around them."""
    s = STORIES[sid]
    paras = "".join(f"<h3>{E(p)}</h3>" if p in s["subheads"] else f"<p>{E(p)}</p>" for p in s["body"])
    return (f'<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>{E(s["title"])} - Ünye Postası</title>'
            f'<meta property="article:published_time" content="{s["published_at"]}"></head><body>'
            f'<header><a href="/">Ünye Postası</a></header><article class="haber"><h1>{E(s["title"])}</h1>'
            f'<div class="icerik"><p class="slogan">{BLOCK[0]}</p><p><strong>{E(s["lead"])}</strong></p>{paras}'
            f"<p>{BLOCK[1]}</p><p>{BLOCK[2]}</p></div></article></body></html>")


def galeri(sid: str) -> str:
    """Template 2: <main>/<section>, the spot as <h2>, the block in <div>s and a <b>."""
    s = STORIES[sid]
    paras = "".join(f"<p>{E(p)}</p>" for p in s["body"])
    return (f'<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>{E(s["title"])} | Ünye Postası</title>'
            f'<meta property="article:published_time" content="{s["published_at"]}"></head><body>'
            f'<div id="ust">Ünye Postası</div><main><div class="detay"><h1 class="baslik">{E(s["title"])}</h1>'
            f'<time datetime="{s["published_at"]}">{s["published_at"][:16]}</time><h2 class="spot">{E(s["lead"])}</h2>'
            f'<section class="metin"><div class="not">{BLOCK[0]}</div>{paras}<div class="kutu"><b>{BLOCK[1]}</b></div>'
            f'<div class="adres">{BLOCK[2]}</div></section></div></main></body></html>')


def build_site(root: Path) -> None:
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for feed, pages in (("rss1.xml", FIRST), ("rss2.xml", SECOND)):
        items = []
        for template, sids in pages.items():
            (root / template).mkdir(exist_ok=True)
            for sid in sids:
                render = haber if template == "haber" else galeri
                path = f"/{template}/{sid}-{400 + int(sid[1:])}.html"
                (root / path.lstrip("/")).write_text(render(sid), encoding="utf-8")
                items.append(f"<item><title>{E(STORIES[sid]['title'])}</title><link>{{{{BASE}}}}{path}</link></item>")
        (root / feed).write_text('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                                 f"<title>Ünye Postası</title>{''.join(items)}</channel></rss>", encoding="utf-8")


def test_a_second_crawl_starts_knowing_the_sites_chrome(store_backend, site_factory, crawl, tmp_path):
    build_site(tmp_path / "site")
    site = site_factory(tmp_path / "site")
    settings = {"CONCURRENT_REQUESTS": 1}  # pages in feed order: the first pages of each crawl are known

    first = crawl("news", "-a", f"url={site.url('/rss1.xml')}", "-a", "source=unye", env=store_backend.env,
                  settings=settings)
    assert first.returncode == 0, first.log[-3000:]
    assert len(first.items) == 6
    # No rule removes the block: the first pages of the first crawl carry it, in both templates.
    for item in first.items[:2]:
        assert all(line in item["body"] for line in BLOCK), item["body"]
    assert first.stats.get("newsbot/chrome/learned_new") == 3 and first.stats.get("newsbot/chrome/saves") >= 1
    with store_backend.store() as store:
        (doc,) = store.find(LEARNED_CHROME)
    assert {paragraph_key(line) for line in BLOCK} <= set(doc["learned"])
    assert doc["pages_seen"] == 6  # the closing save reached the store

    second = crawl("news", "-a", f"url={site.url('/rss2.xml')}", "-a", "source=unye", env=store_backend.env,
                   settings=settings)
    assert second.returncode == 0, second.log[-3000:]
    assert {i["url"].split("/")[3] for i in second.items} == {"haber", "galeri"} and len(second.items) == 4
    for item in second.items:  # from its very first page, in both templates
        sid = item["url"].rsplit("/", 1)[1].split("-")[0]
        assert not any(line in p for line in BLOCK for p in item["body"]), item["body"]
        assert all(p in item["text"] for p in STORIES[sid]["body"]), item["url"]  # the article itself intact
    assert second.stats.get("newsbot/chrome/learned") >= 3 * 4
    assert not second.stats.get("newsbot/chrome/learned_new")
    with store_backend.store() as store:
        assert store.learned_chrome(doc["site"])["next_id"] == 10  # the state went on from the first crawl's
