"""Fields read from the whole page (agency, editor, category) and article-or-not, on two fixture templates
with hand-written ground truth (tests/fixtures/fields/truth.toml): "yerel" (a div CMS) and "portal"
(HTML5 article/aside/nav). Every rule is shown on both templates."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newsbot.extract import extract_article

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fields"
TRUTH = tomllib.loads((FIXTURES / "truth.toml").read_text(encoding="utf-8"))


def _extract(path: str) -> dict:
    # The URL the page would have on its site: the template folder is the host's root.
    url_path = path.split("/", 1)[1].removesuffix("index.html")
    return extract_article((FIXTURES / path).read_bytes(), f"http://127.0.0.1:8000/{url_path}")


@pytest.mark.parametrize("path", sorted(TRUTH["articles"]))
def test_fields_match_ground_truth(path):
    want = TRUTH["articles"][path]
    got = _extract(path)
    assert (got["agency"] or "", got["category"] or "", got["editor"] or "") == (
        want["agency"], want["category"], want["editor"]), path
    assert got["page_kind"] is None, path


@pytest.mark.parametrize("path", sorted(TRUTH["not_articles"]))
def test_non_articles_are_recognised(path):
    assert _extract(path)["page_kind"] == TRUTH["not_articles"][path]


def test_every_agency_of_the_data_file_is_read_in_any_case_and_separator():
    from newsbot.extract.agencies import load_agencies

    for code, _ in load_agencies():
        for trailer in (f"HABER KAYNAĞI : {code.upper()}", f"haber kaynağı - {code.lower()}", f"Kaynak:{code}"):
            page = (f"<html><body><h1>Başlık burada</h1><p>{'Uzun bir haber cümlesi yazıldı. ' * 6}</p>"
                    f"<div>{trailer}</div></body></html>").encode()
            assert extract_article(page, "http://127.0.0.1/a/b-c-d-1234")["agency"] == code, trailer


@pytest.mark.parametrize("credit", ["Fotoğraf: AA", "Foto kaynağı: İHA", "Görsel kaynak: DHA", "Kaynak: TÜİK",
                                    "Kaynak: Sözcü"])
def test_picture_and_other_outlet_credits_are_no_agency(credit):
    page = (f"<html><body><h1>Başlık burada</h1><p>{'Uzun bir haber cümlesi yazıldı. ' * 6}</p>"
            f"<p>{credit}</p></body></html>").encode()
    assert extract_article(page, "http://127.0.0.1/a/b-c-d-1234")["agency"] is None


_PROSE = "Kentte sabah saatlerinde başlayan çalışma akşama kadar sürdü ve bölge halkı gelişmeleri izledi. "


def _div_page(first: str, crumbs: str = "", menu: str = "") -> bytes:
    """A div CMS page: <h1>, a spot paragraph, then the text (`first` opens it)."""
    return (f"<html><head><title>Yol çalışması başladı - Örnek Haber</title></head><body>{menu}{crumbs}"
            f"<h1>Yol çalışması başladı</h1><p class='spot'>{_PROSE}</p>"
            f"<div class='icerik'><p>{first} {_PROSE}</p><p>{_PROSE * 2}</p></div></body></html>").encode()


def _table_page(first: str, menu: str = "") -> bytes:
    """An old table layout: no <h1>, the site's name first in <title>, the headline in bold, a date line, the
    spot, then the text as <br><br>-separated lines in one cell."""
    return ("<html><head><title>KÖRFEZ SES - Sahil yolu genişletiliyor</title></head><body><table>"
            f"<tr><td>{menu}</td></tr>"
            "<tr><td class='baslik'><font size='4'><b>Sahil yolu genişletiliyor</b></font></td></tr>"
            "<tr><td>02.12.2026 - 16:10 | Okunma: 2.871 | Yorum: 2</td></tr>"
            f"<tr><td class='spot'><b>{_PROSE}</b></td></tr>"
            f"<tr><td><div id='metin'>{first} {_PROSE}<br><br>{_PROSE * 2}</div></td></tr>"
            "</table></body></html>").encode()


@pytest.mark.parametrize("page", [_div_page, _table_page])
def test_datelines_credit_every_agency_in_any_spelling(page):
    from newsbot.extract.agencies import load_agencies

    for code, _ in load_agencies():
        for dateline in (f"SAKARYA ({code.upper()}) –", f"Düzce, ({code.lower()}) -", f"Kocaeli / {code} -",
                         f"KOCAELİ/GEBZE ({code}) —"):
            got = extract_article(page(dateline), "http://127.0.0.1:8000/haber/yol-calismasi-basladi-20950/")
            assert got["agency"] == code, (page.__name__, dateline)


@pytest.mark.parametrize("page", [_div_page, _table_page])
@pytest.mark.parametrize("opening", ["Anadolu Ajansı (AA) muhabirine konuşan Vali,",
                                     "Vali Yılmaz (AA) açıklama yaptı ve",
                                     "ANKARA (TÜİK) - Kurumun verilerine göre", "İHA - Kentte bugün"])
def test_an_ordinary_parenthesis_or_a_bare_name_is_no_dateline(page, opening):
    got = extract_article(page(opening), "http://127.0.0.1:8000/haber/yol-calismasi-basladi-20950/")
    assert got["agency"] is None


@pytest.mark.parametrize("crumbs", [
    # items side by side (CSS draws the separators): their text joins as "Ana Sayfa Ekonomi"
    "<ol class='breadcrumb'><li><a href='/'>Ana Sayfa</a></li><li><a href='/kategori/ekonomi/'>Ekonomi</a>"
    "</li></ol>",
    "<nav aria-label='breadcrumb'><ul><li>Anasayfa</li><li>Ekonomi</li><li>Yol çalışması başladı</li></ul></nav>",
    "<div class='yol'><a href='/'>Anasayfa</a> » <a href='/ekonomi/'>Ekonomi</a> » Yol çalışması başladı</div>",
])
def test_breadcrumb_items_are_read_from_the_markup(crumbs):
    got = extract_article(_div_page("Kentte", crumbs=crumbs), "http://127.0.0.1:8000/haber/yol-basladi-20950/")
    assert got["category"] == "Ekonomi"


_LI_MENU = ("<ul class='menu'><li><a href='/'>Anasayfa</a></li><li{gundem}><a href='/gundem/'>Gündem</a></li>"
            "<li{spor}><a href='/spor/'>Spor</a></li></ul>")
_TD_MENU = ("<table><tr><td class='menu{home}'><a href='/'>Ana Sayfa</a></td><td class='menu{gundem}'>"
            "<a href='kategori.asp?id=2'>Gündem</a></td><td class='menu{spor}'><a href='kategori.asp?id=7'>Spor</a>"
            "</td></tr></table>")


@pytest.mark.parametrize("page, menu, url", [
    (_div_page, _LI_MENU.format(gundem="", spor=" class='active'"), "http://127.0.0.1:8000/haber/yol-20950/"),
    (_table_page, _TD_MENU.format(home="", gundem="", spor="Aktif"), "http://127.0.0.1:8000/haber_detay.asp?id=5"),
])
def test_the_highlighted_menu_item_names_the_section(page, menu, url):
    kwargs = {"menu": menu}
    assert extract_article(page("Kentte", **kwargs), url)["category"] == "Spor"


@pytest.mark.parametrize("page, menu, url", [
    (_div_page, _LI_MENU.format(gundem="", spor="").replace("<li>", "<li class='current'>", 1),
     "http://127.0.0.1:8000/haber/yol-20950/"),
    (_table_page, _TD_MENU.format(home="Aktif", gundem="", spor=""), "http://127.0.0.1:8000/haber_detay.asp?id=5"),
])
def test_a_highlighted_home_item_names_no_section(page, menu, url):
    assert extract_article(page("Kentte", menu=menu), url)["category"] is None


def test_a_site_name_before_the_headline_is_cut_from_the_title():
    # The <title> only: the shown headline (bold) says which part of "SITE - Headline" to keep.
    assert extract_article(_table_page("Kentte"), "http://127.0.0.1:8000/haber_detay.asp?id=5")["title"] == (
        "Sahil yolu genişletiliyor")
    # og:title "SITE - Headline" with the headline as <h1>; og:site_name alone also names the part to cut.
    for head in ("<meta property='og:title' content='KÖRFEZ SES - Yol çalışması başladı'>",
                 "<meta property='og:title' content='KÖRFEZ SES | Yol çalışması başladı'>"
                 "<meta property='og:site_name' content='KÖRFEZ SES'>"):
        page = _div_page("Kentte").replace(b"</head>", head.encode() + b"</head>")
        assert extract_article(page, "http://127.0.0.1:8000/haber/yol-20950/")["title"] == "Yol çalışması başladı"


@pytest.mark.parametrize("head", [
    # the only <h1> is the site's logo, which ends og:title: it is no headline
    "<meta property='og:title' content='Kentte yol çalışması başladı | Örnek'>",
    # og:site_name wrongly holds the headline: cutting it as a prefix would leave the site's name
    "<meta property='og:title' content='Kentte yol çalışması başladı | Örnek'>"
    "<meta property='og:site_name' content='Kentte yol çalışması başladı'>",
])
def test_a_site_name_is_never_taken_for_the_headline(head):
    page = (f"<html><head>{head}</head><body><h1 class='logo'>Örnek</h1><p>{_PROSE * 3}</p></body></html>")
    title = extract_article(page.encode(), "http://127.0.0.1:8000/haber/yol-20950/")["title"]
    assert title.startswith("Kentte yol çalışması başladı"), title


@pytest.mark.parametrize("credit, code", [("Kaynak: IHLAS HABER AJANSI", "İHA"), ("Kaynak: DOGAN HABER AJANSI", "DHA"),
                                          ("HABER KAYNAĞI: SPUTNIK", "Sputnik"), ("Kaynak: ANADOLU AJANSI", "AA")])
def test_agency_names_match_in_capitals_and_ascii(credit, code):
    # Turkish case folding reads "I" as "ı"; agency names are compared without the letters' marks.
    page = (f"<html><body><h1>Başlık burada</h1><p>{'Uzun bir haber cümlesi yazıldı. ' * 6}</p>"
            f"<p>{credit}</p></body></html>").encode()
    assert extract_article(page, "http://127.0.0.1/a/b-c-d-1234")["agency"] == code


def test_the_headline_shown_in_a_plain_cell_wins_over_a_shown_site_name():
    # The headline in a bare <td>, the site's name in a cell of its own too: the longest shown part wins.
    page = _table_page("Kentte").decode().replace("<font size='4'><b>Sahil yolu genişletiliyor</b></font>",
                                                  "Sahil yolu genişletiliyor")
    page = page.replace("</table>", "<tr><td>KÖRFEZ SES</td></tr></table>").encode()
    assert extract_article(page, "http://127.0.0.1:8000/haber_detay.asp?id=5")["title"] == "Sahil yolu genişletiliyor"
