"""Article or not on pages whose extracted body cannot tell (newsbot/extract/page_kind.py): a soft 404 whose
message sits outside the body the extraction kept, a video page without prose, a category holding a single
story. Each rule on two small templates of its own (a table layout with side columns, an HTML5 div CMS), with
the article page of the same template that must stay an article. Not caught by content: a one-story category of
a table layout whose extraction takes the side column of headlines (only its URL tells, in a sitemap)."""

from __future__ import annotations

import json

import pytest

from newsbot.extract import extract_article

_PROSE = ("Kentin tarihi çarşısında esnaf, yeni düzenlemenin ardından tezgahlarını yeniden kurdu ve ilk "
          "müşterilerini karşıladı. Belediye yetkilileri çalışmaların önümüzdeki hafta da süreceğini açıkladı. ")
# Other headlines of a side column: more words than a soft 404's body may have, none of them prose.
_HEADLINES = [f"{place} {what}" for place in ("Sahilde", "Merkezde", "Köyde")
              for what in ("bakım çalışması sürüyor", "kar tatili ihtimali", "yeni cihaz alındı",
                           "tohum desteği verildi", "çeşme restore edildi", "kitap bağışı yapıldı",
                           "barınak açıldı", "arıza giderildi")]


def _table(center: str) -> bytes:
    """An old table layout: left column (poll), centre cell, right column of other headlines (no links)."""
    right = "".join(f"<tr><td class='kucuk'>{h}</td></tr>" for h in _HEADLINES)
    return ("<html><head><title>İLÇE POSTASI - Haber</title></head><body><table width='980'><tr>"
            "<td width='160'><table><tr><td>ANKET</td></tr><tr><td>Memnun musunuz?</td></tr></table></td>"
            f"<td width='620'>{center}</td>"
            f"<td width='200'><table><tr><td>DİĞER HABERLER</td></tr>{right}</table></td></tr>"
            "<tr><td colspan='3'>İlçe Postası © 2026 | Tüm hakları saklıdır.</td></tr></table></body></html>"
            ).encode()


def _divs(main: str, head: str = "") -> bytes:
    """An HTML5 CMS: nav, main, an aside list of other headlines, footer."""
    aside = "".join(f"<li>{h}</li>" for h in _HEADLINES)
    return (f"<!DOCTYPE html><html lang='tr'><head><meta charset='utf-8'><title>Kıyı Haber</title>{head}</head>"
            "<body><nav><a href='/'>Ana Sayfa</a> <a href='/gundem/'>Gündem</a></nav>"
            f"<main class='icerik'>{main}</main><aside class='yan'><h3>Son Haberler</h3><ul>{aside}</ul></aside>"
            "<footer>Kıyı Haber © 2026</footer></body></html>").encode()


# -- a soft 404 whose message is outside the extracted body ---------------------------------------------------
_NOT_FOUND = [
    (_table("<table><tr><td align='center'><b>Aradığınız haber bulunamadı!</b><br><br>Haber yayından "
            "kaldırılmış olabilir. <a href='/'>Ana sayfaya dönün.</a></td></tr></table>"),
     "http://127.0.0.1/haber_detay.asp?id=77"),
    # A div layout whose right column is a plain div of headline rows (no <aside>): the extraction takes it.
    (("<html><head><title>Kıyı Haber</title></head><body><div id='ust'><a href='/'>Ana Sayfa</a></div>"
      "<div id='orta'><div class='mesaj'><h3>İçerik bulunamadı</h3><a href='/'>Ana sayfa</a></div></div>"
      "<div id='sag'>" + "".join(f"<div class='satir'>{h}</div>" for h in _HEADLINES) + "</div>"
      "<div id='alt'>Kıyı Haber © 2026</div></body></html>").encode(),
     "http://127.0.0.1/gundem/eski-bir-haber-basligi-4411"),
]


@pytest.mark.parametrize("page, url", _NOT_FOUND, ids=["table", "div-columns"])
def test_not_found_message_outside_the_body_is_a_soft_404(page, url):
    assert extract_article(page, url)["page_kind"] == "soft_404"


_SEARCH_BOX = "<form><label>Aradığınız haberi bulamadınız mı?</label><input name='q'></form>"


@pytest.mark.parametrize("page, url", [
    (_table(f"{_SEARCH_BOX}<h1>Çarşıda yeni dönem başladı</h1><p>{_PROSE * 3}</p><p>{_PROSE * 2}</p>"),
     "http://127.0.0.1/haber_detay.asp?id=78"),
    (_divs(f"{_SEARCH_BOX}<article><h1>Çarşıda yeni dönem başladı</h1><p>{_PROSE * 3}</p><p>{_PROSE * 2}</p>"
           "</article>"), "http://127.0.0.1/gundem/carsida-yeni-donem-basladi-4412"),
], ids=["table", "divs"])
def test_an_article_with_a_search_box_saying_not_found_stays_an_article(page, url):
    assert extract_article(page, url)["page_kind"] is None


# -- a video page without prose -------------------------------------------------------------------------------
def _ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>'


_VIDEO_LD = _ld({"@context": "https://schema.org", "@type": "VideoObject", "name": "Yangın dron ile görüntülendi",
                 "uploadDate": "2026-12-03T08:20:00+03:00", "contentUrl": "/video/yangin.mp4"})
_OG_VIDEO = "<meta property='og:type' content='video.other'>"
_CLIP = "<h1>Yangın dron ile görüntülendi</h1><video src='/video/yangin.mp4'></video><p>03.12.2026 08:20</p>"


@pytest.mark.parametrize("page, url", [
    (_divs(_CLIP, head=_VIDEO_LD), "http://127.0.0.1/video/yangin-dron-ile-goruntulendi,48219"),
    (_table(_CLIP).replace(b"<head>", f"<head>{_OG_VIDEO}".encode()), "http://127.0.0.1/video.asp?id=12"),
], ids=["videoobject", "og-video"])
def test_a_video_page_without_prose_is_not_an_article(page, url):
    assert extract_article(page, url)["page_kind"] == "video"


def test_an_article_embedding_a_clip_stays_an_article():
    page = _divs(f"<article><h1>Çarşıda yeni dönem başladı</h1><p>{_PROSE * 3}</p><video src='/v.mp4'></video>"
                 f"<p>{_PROSE * 2}</p></article>", head=_VIDEO_LD)
    assert extract_article(page, "http://127.0.0.1/gundem/carsida-yeni-donem-basladi-4413")["page_kind"] is None


# -- a category holding one story -------------------------------------------------------------------------------
_SPOT = "İşçileri taşıyan servis minibüsünün şarampole devrilmesi sonucu sekiz kişi yaralandı."


@pytest.mark.parametrize("page, url", [
    (_divs("<h1>Asayiş Haberleri</h1><article class='liste'><a href='/haber/servis-minibusu-devrildi-20945/'>"
           f"<h2>Servis minibüsü şarampole devrildi: 8 yaralı</h2></a><p>{_SPOT}</p>"
           "<time>03 Aralık 2026, 08:12</time></article>"), "http://127.0.0.1/kategori/asayis/"),
    (("<html><head><title>Asayiş - Marmara Portal</title></head><body><div id='menu'><a href='/'>Ana Sayfa</a>"
      "</div><div id='orta'><div class='baslik'>ASAYİŞ</div><ul class='haber-listesi'><li>"
      "<a href='/asayis/servis-minibusu-devrildi-8-yarali-30945h.htm'><img src='/r/1.jpg' alt=''></a>"
      "<a href='/asayis/servis-minibusu-devrildi-8-yarali-30945h.htm'>Servis minibüsü şarampole devrildi: 8 yaralı"
      f"</a><p>{_SPOT}</p></li></ul></div><div id='alt'>Marmara Portal © 2026</div></body></html>").encode(),
     "http://127.0.0.1/asayis/"),
], ids=["divs", "list"])
def test_a_body_of_one_teaser_is_a_listing(page, url):
    got = extract_article(page, url)
    assert got["body"], "the teaser is extracted: only its link can tell"
    assert got["page_kind"] == "listing"


@pytest.mark.parametrize("page, url", [
    (_divs(f"<article><h1>Servis minibüsü şarampole devrildi: 8 yaralı</h1><p>{_SPOT}</p><p>{_PROSE * 2}</p>"
           "<p>İlgili: <a href='/haber/baska-bir-kaza-haberi-20946/'>Başka bir kaza haberi burada</a></p></article>"),
     "http://127.0.0.1/haber/servis-minibusu-devrildi-20945/"),
    (_table(f"<h1>Servis minibüsü şarampole devrildi: 8 yaralı</h1><div>{_SPOT}<br><br>{_PROSE * 2}</div>"),
     "http://127.0.0.1/haber_detay.asp?id=1187"),
], ids=["divs", "table"])
def test_the_story_itself_stays_an_article(page, url):
    assert extract_article(page, url)["page_kind"] is None
