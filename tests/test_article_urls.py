"""Article links without a per-site pattern: URL-shape features and shapes learned from a site's feed."""

from __future__ import annotations

import pytest

from newsbot.article_urls import LearnedShapes, listing_url, looks_like_article, resolve


@pytest.mark.parametrize("path", [
    "/gundem/kayseride-trafik-kazasi-3-yarali-30112h.htm",  # /<kategori>/<slug>-<id>h.htm
    "/haberler/123456/kaza-oldu.htm",  # /haberler/<id>/<slug>.htm
    "/haber/kaza-oldu-98765",  # /haber/<slug>-<id>
    "/haber/20402/atakum-sahiline-bisiklet-yolu.html",
    "/2025/08/13/cesmede-yat-limani-genisletmesine-itiraz.html",  # date path + slug
    "/bafrada-kacak-sigara-operasyonu-iki-gozalti",  # a long slug on its own
])
def test_article_shapes(path):
    assert looks_like_article("http://127.0.0.1" + path)


@pytest.mark.parametrize("path", [
    "/", "/gundem/", "/kunye.html", "/kategori/kultur-sanat/", "/etiket/ankara-deprem-haberleri",
    "/yazar/ayse-yildiz-123456", "/son-dakika-haberleri/", "/tema/logo-buyuk-resim-2024.png", "/2025/",
    "/arama/kaza-haberleri-bugun",
])
def test_menu_category_tag_and_static_links_are_not_articles(path):
    assert not looks_like_article("http://127.0.0.1" + path)


def test_learned_shapes_take_only_the_feed_s_article_shape():
    shapes = LearnedShapes()
    assert shapes.learn(["http://s/gundem/bir-iki-uc-1001h.htm", "http://s/spor/dort-bes-1002h.htm"]) == 1
    assert shapes.matches("http://s/ekonomi/yeni-haber-basligi-1003h.htm")
    # URL-shape features alone would take this one; the site's own feed says its articles look otherwise.
    assert looks_like_article("http://s/foto/bir-galeri-basligi-uzun.html")
    assert not shapes.matches("http://s/foto/bir-galeri-basligi-uzun.html")


def test_unparsable_link_is_none_not_an_error():
    assert resolve("http://127.0.0.1/a", "http://[ccpa-preferences]/x") is None
    assert resolve("http://127.0.0.1/a/", "b-c").geturl() == "http://127.0.0.1/a/b-c"


@pytest.mark.parametrize("path", [
    "/", "/gundem/", "/kunye", "/kunye.asp", "/spor.asp",  # the root and bare one-word sections
    "/kategori/kultur-sanat/", "/etiket/ankara/", "/kategori.asp?id=5",  # a list word and one segment after it
    "/gundem/sayfa/2", "/yazar/ayse-yildiz/",
])
def test_sitemap_urls_that_name_lists(path):
    assert listing_url("http://127.0.0.1" + path)


@pytest.mark.parametrize("path", [
    "/haber_detay.asp?id=1203", "/video/dilovasi-yangini-dron-goruntuleri,48219", "/haber/kaza-oldu-98765/",
    "/yazarlar/ahmet-hakan/kiracinin-hali-41234567",  # a column below a list word: two segments, an id
    "/yazar/ayse-yildiz-123456", "/12345", "/son-dakika-haberleri-bugun-kaza", "/index.php?id=4",
    "/tema/logo.png",  # static: not this test's business
])
def test_sitemap_urls_that_may_be_articles(path):
    assert not listing_url("http://127.0.0.1" + path)
