"""Article or not from structured data (newsbot/data/fields.toml [page_kind] listing_types): a page whose JSON-LD
calls the page itself a collection and names no article is a listing, even when the teaser test cannot tell
(few teasers, a long section description). Shown on two templates: a WordPress-style page (Yoast @graph) and a
portal page (one JSON-LD object per script). Their article pages carry WebPage and ItemList too and stay articles."""

from __future__ import annotations

import json

import pytest

from newsbot.extract import extract_article

_PROSE = ("Kentin tarihi çarşısında esnaf, yeni düzenlemenin ardından tezgahlarını yeniden kurdu ve ilk "
          "müşterilerini karşıladı. Belediye yetkilileri çalışmaların önümüzdeki hafta da süreceğini açıkladı. ")


def _ld(*objects: dict) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o, ensure_ascii=False)}</script>'
                   for o in objects)


def _wordpress(graph: list[dict], main: str) -> bytes:
    ld = _ld({"@context": "https://schema.org", "@graph": graph})
    return (f"<html lang='tr'><head><title>Ekonomi arşivi | Kent Günlüğü</title>{ld}</head><body>"
            "<header><nav><a href='/'>Anasayfa</a> <a href='/kategori/ekonomi/'>Ekonomi</a></nav></header>"
            f"<div id='primary' class='content-area'><main id='main' class='site-main'>{main}</main></div>"
            "<footer class='site-footer'>Kent Günlüğü</footer></body></html>").encode()


def _portal(objects: list[dict], main: str) -> bytes:
    return (f"<html lang='tr'><head><title>Arama sonuçları - Ege Portal</title>{_ld(*objects)}</head><body>"
            "<div class='ust-menu'><a href='/'>Ana Sayfa</a> <a href='/spor'>Spor</a></div>"
            f"<section class='icerik'>{main}</section><div class='alt'>Ege Portal © 2025</div></body></html>").encode()


_SECTION_TEXT = f"<h1>Ekonomi</h1><div class='taxonomy-description'><p>{_PROSE * 3}</p></div>"
_ONE_TEASER = ("<article class='post'><h2 class='entry-title'><a href='/2025/03/carsida-yeni-donem/'>Çarşıda yeni "
               "dönem başladı</a></h2><div class='entry-summary'><p>Esnaf tezgahlarını kurdu.</p></div></article>")
_WP_COLLECTION = [{"@type": "CollectionPage", "@id": "https://kent.example/kategori/ekonomi/#webpage",
                   "name": "Ekonomi arşivi"}, {"@type": "WebSite", "name": "Kent Günlüğü"}]
_WP_POST = [{"@type": "WebPage", "@id": "https://kent.example/2025/03/carsida-yeni-donem/#webpage"},
            {"@type": "Article", "headline": "Çarşıda yeni dönem başladı",
             "datePublished": "2025-03-02T10:00:00+03:00"},
            {"@type": "WebSite", "name": "Kent Günlüğü"}]

_SEARCH_TEXT = f"<h1>“çarşı” için arama sonuçları</h1><p>{_PROSE * 3}</p>"
_PORTAL_RESULT = ("<div class='sonuc'><a href='/haber/5101/carsida-yeni-donem'>Çarşıda yeni dönem başladı</a>"
                  "<span>Esnaf tezgahlarını kurdu.</span></div>")
_PORTAL_SEARCH = [{"@context": "https://schema.org", "@type": "SearchResultsPage", "name": "Arama sonuçları"}]
_PORTAL_ARTICLE = [{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Çarşıda yeni dönem başladı",
                    "datePublished": "2025-03-02T10:00:00+03:00"},
                   {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
                       {"@type": "ListItem", "position": 1, "url": "https://ege.example/haber/5100/baska-bir-haber"}]}]


@pytest.mark.parametrize("page, url", [
    (_wordpress(_WP_COLLECTION, _SECTION_TEXT + _ONE_TEASER), "http://127.0.0.1/kategori/ekonomi/"),
    (_portal(_PORTAL_SEARCH, _SEARCH_TEXT + _PORTAL_RESULT), "http://127.0.0.1/arama?q=carsi"),
], ids=["wordpress-category", "portal-search"])
def test_a_page_that_calls_itself_a_collection_is_a_listing(page, url):
    got = extract_article(page, url)
    assert got["body"], "the section text is extracted: only the structured data can tell"
    assert got["page_kind"] == "listing"


@pytest.mark.parametrize("page, url", [
    (_wordpress(_WP_POST, f"<article><h1>Çarşıda yeni dönem başladı</h1><p>{_PROSE * 3}</p></article>"),
     "http://127.0.0.1/2025/03/carsida-yeni-donem/"),
    (_portal(_PORTAL_ARTICLE, f"<h1>Çarşıda yeni dönem başladı</h1><p>{_PROSE * 3}</p>"),
     "http://127.0.0.1/haber/5101/carsida-yeni-donem"),
], ids=["wordpress-post", "portal-article"])
def test_article_pages_with_webpage_or_itemlist_stay_articles(page, url):
    assert extract_article(page, url)["page_kind"] is None
