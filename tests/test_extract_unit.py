"""Unit tests of the extraction layers: charset, lenient JSON-LD, selectors, Turkish date lines, the
seed article of the demo site, agencies and the AEB scorer (the extract CLI: tests/test_extract_cli.py)."""

from __future__ import annotations

import json

import pytest

from newsbot.demo.server import DEMO_SITE
from newsbot.extract import extract_article
from newsbot.extract.agencies import agency_code
from newsbot.extract.charset import decode_html
from newsbot.extract.dates import parse_date_line
from newsbot.extract.scoring import score, score_body
from newsbot.sources import parse_source
from tests.plugin_sites import ROOT, TURKISH_PAGES

BASE = "http://127.0.0.1:8000"
SEED = DEMO_SITE / "haber" / "kuzey-kore-lideri-kim-rusya-disisleri-bakani-lavrovu-agirladi-3664.html"
# aa.toml's V1 layout in miniature: the first h1 on the page is a widget heading, not the title.
AA_V1_BODY = ('<h1>Benzer haberler</h1><div class="detay-spot-category"><h1>AA başlığı</h1></div>'
              '<div class="detay-icerik"><div><p>' + "Haber metni kelime " * 10 + "</p></div></div>")
TURKISH = "Şırnak'ta ığdır güneşli; İstanbul Çağlayan Ödül Üsküdar"


def page(head: str = "", body: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


# -- charset -----------------------------------------------------------------------------------
@pytest.mark.parametrize("meta", [
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1254">',
    '<meta charset="ISO-8859-9">',
])
def test_legacy_charset_declared_only_in_meta(meta):
    raw = page(meta + f"<title>{TURKISH}</title>", f"<h1>{TURKISH}</h1><p>{TURKISH}</p>").encode("cp1254")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the test really builds legacy bytes
    assert extract_article(raw, "http://example.com/a")["title"] == TURKISH


def test_declared_legacy_charset_but_utf8_bytes_decode_as_utf8():
    raw = page('<meta charset="windows-1254">', f"<h1>{TURKISH}</h1>").encode("utf-8")
    assert TURKISH in decode_html(raw)
    assert TURKISH in decode_html(raw, "text/html; charset=iso-8859-9")


def test_dha_2016_page_declares_windows_1254_but_is_utf8():
    raw = (TURKISH_PAGES / "birkand-nutch" / "dha_haber.html").read_bytes()
    assert b"windows-1254" in raw
    assert "Antalya'da jandarma ekibine ateş açıldı!" in decode_html(raw)


def test_http_header_charset_is_used_without_meta():
    raw = page("", f"<h1>{TURKISH}</h1>").encode("cp1254")
    assert TURKISH in decode_html(raw, "text/html; charset=windows-1254")


# -- JSON-LD -----------------------------------------------------------------------------------
def test_malformed_jsonld_missing_comma_still_gives_headline_and_date():
    ld = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":"Bozuk JSON başlığı"\n'
          ' "datePublished":"2025-03-01T10:15:00+03:00","author":{"@type":"Person","name":"Ayşe Yılmaz"}}')
    html = page(f'<script type="application/ld+json">{ld}</script>', "<p>kısa</p>")
    with pytest.raises(json.JSONDecodeError):
        json.loads(ld)
    article = extract_article(html.encode(), "http://example.com/a")
    assert article["title"] == "Bozuk JSON başlığı"
    assert article["published_at"] == "2025-03-01T10:15:00+03:00"
    assert article["authors"] == ["Ayşe Yılmaz"]


@pytest.mark.parametrize("wrap", [
    lambda obj: {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "X"}, obj]},
    lambda obj: [{"@type": "BreadcrumbList"}, obj],
])
def test_jsonld_article_inside_graph_or_list(wrap):
    obj = {"@type": "ReportageNewsArticle", "headline": "Grafik içinde haber", "datePublished": "2025-05-02",
           "articleSection": "Ekonomi", "publisher": {"@type": "Organization", "name": "Anadolu Ajansı"}}
    html = page(f'<script type="application/ld+json">{json.dumps(wrap(obj))}</script>')
    article = extract_article(html.encode(), "http://example.com/a")
    assert (article["title"], article["published_at"], article["category"]) == ("Grafik içinde haber",
                                                                                 "2025-05-02", "Ekonomi")
    assert article["agency"] == "AA"


@pytest.mark.parametrize("wrapped", [
    "<!--{}-->", "//<![CDATA[\n{}\n//]]>", "<![CDATA[{}]]>", "  {}  ",
])
def test_jsonld_in_a_comment_or_cdata_wrapper_is_read(wrapped):
    ld = json.dumps({"@type": "NewsArticle", "headline": "Sarmalanmış başlık", "datePublished": "2025-06-01"})
    html = page(f'<script type="application/ld+json">{wrapped.format(ld)}</script>')
    article = extract_article(html.encode(), "http://example.com/a")
    assert (article["title"], article["published_at"]) == ("Sarmalanmış başlık", "2025-06-01")


# -- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("line, published, updated", [
    ("12-07-2025 17:12", "2025-07-12T17:12:00+03:00", None),
    ("12 Temmuz 2025 Cumartesi 17:12", "2025-07-12T17:12:00+03:00", None),
    ("10 Mart 2026 Salı - 01:22:55", "2026-03-10T01:22:55+03:00", None),
    ("05.04.2025 - Güncelleme : 05.04.2025", "2025-04-05", "2025-04-05"),
    ("03.04.2025 - Güncelleme : 04.04.2025", "2025-04-03", "2025-04-04"),
    ("14.11.2025 - 16:02", "2025-11-14T16:02:00+03:00", None),
    ("27.12.2016 18:57", "2016-12-27T18:57:00+03:00", None),
    ("20 Nisan 2026 • Güncelleme: 20 Nisan 2026", "2026-04-20", "2026-04-20"),
    ("Haberin devamı", None, None),
])
def test_turkish_date_lines(line, published, updated):
    got_pub, got_upd = parse_date_line(line)
    assert (got_pub.iso() if got_pub else None) == published
    assert (got_upd.iso() if got_upd else None) == updated


def _dated_page(ld_date: str, visible: str) -> bytes:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Tarih sınaması", "datePublished": ld_date})
    return page(f'<script type="application/ld+json">{ld}</script>',
                f'<h1>Tarih sınaması</h1><span class="news-date">{visible}</span><p>metin</p>').encode()


def test_structured_datetime_beats_visible_line():
    article = extract_article(_dated_page("2025-07-12T09:00:00+03:00", "12-07-2025 17:12"), "http://e.com/a")
    assert article["published_at"] == "2025-07-12T09:00:00+03:00"


def test_visible_time_completes_a_date_only_structured_value():
    article = extract_article(_dated_page("2025-07-12", "12 Temmuz 2025 Cumartesi 17:12"), "http://e.com/a")
    assert article["published_at"] == "2025-07-12T17:12:00+03:00"


def test_visible_time_on_another_day_does_not_override_structured_date():
    article = extract_article(_dated_page("2025-07-12", "13-07-2025 08:00"), "http://e.com/a")
    assert article["published_at"] == "2025-07-12"


# -- source config selectors ------------------------------------------------------------------------
def test_config_selectors_first_match_wins_and_drop_runs_first():
    config = parse_source({"name": "ornek", "domains": ["ornek.com.tr"], "selectors": {
        "title": ["h1.yok", "h1.baslik"], "lead": "div.spot", "body": ["div.yok", "div.metin"],
        "date": "span.tarih", "category": "a.kategori", "authors": "span.yazar", "tags": "ul.etiket a",
        "drop": ["div.paylas", "div.metin .reklam"],
    }})
    body = ('<a class="kategori">Spor</a><h1>Site adı</h1><h1 class="baslik">Asıl başlık</h1>'
            '<div class="spot">Özet cümlesi burada yer alıyor ve uzunca bir cümle.</div>'
            '<span class="tarih">10 Mart 2026 Salı - 01:22:55</span><span class="yazar">Ali Veli |</span>'
            '<div class="metin"><p>Birinci paragraf burada yer alıyor, haberin ilk bölümü.</p>'
            '<div class="reklam"><p>REKLAM ALANI</p></div><h3>Ara başlık</h3>'
            '<p>İkinci paragraf<br>ve bir satır daha; haberin devamı buradadır.</p>'
            '<div class="paylas"><p>Paylaş</p></div></div><ul class="etiket"><a>futbol</a><a>lig</a></ul>')
    article = extract_article(page("", body).encode(), "https://ornek.com.tr/haber/1", config)
    assert article["title"] == "Asıl başlık"
    assert article["lead"] == "Özet cümlesi burada yer alıyor ve uzunca bir cümle."
    assert article["body"] == ["Birinci paragraf burada yer alıyor, haberin ilk bölümü.", "Ara başlık",
                               "İkinci paragraf", "ve bir satır daha; haberin devamı buradadır."]
    assert article["published_at"] == "2026-03-10T01:22:55+03:00"
    assert (article["category"], article["authors"], article["tags"]) == ("Spor", ["Ali Veli"], ["futbol", "lig"])


def test_config_is_picked_by_host_when_none_is_passed():
    # aa.toml's V1 selectors: the title comes from div.detay-spot-category > h1, not the first h1.
    article = extract_article(page("", AA_V1_BODY).encode(), "https://www.aa.com.tr/tr/gundem/x/123")
    assert article["title"] == "AA başlığı"
    assert article["agency"] == "AA"


# -- the demo site's seed article ------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed() -> dict:
    html = SEED.read_text(encoding="utf-8").replace("{{BASE}}", BASE)
    return extract_article(html.encode("utf-8"), f"{BASE}/haber/{SEED.name}")


def test_seed_metadata(seed):
    assert seed["title"] == "Kuzey Kore lideri Kim, Rusya Dışişleri Bakanı Lavrov’u ağırladı"
    assert seed["category"] == "Siyaset"
    assert seed["published_at"] == "2025-07-12T17:12:00+03:00"  # JSON-LD has the day, the page the time
    assert seed["canonical_url"] == f"{BASE}/haber/{SEED.name}"
    assert seed["language"] == "tr"


def test_seed_lead_is_proper_cased_and_complete(seed):
    assert seed["lead"].startswith("Kuzey Kore lideri Kim Jong-un, Rusya Dışişleri Bakanı Sergey Lavrov’u")
    assert seed["lead"].endswith('"Başkan Putin yakın gelecekte sizinle doğrudan temaslarını sürdürmeyi '
                                 'sabırsızlıkla bekliyor" dedi.')


def test_seed_body_paragraphs_and_subheadings(seed):
    body = seed["body"]
    assert '"Putin, tüm ikili anlaşmalara bağlılığını yineledi"' in body
    assert 'Kuzey Koreli mevkidaşı ile yaptığı görüşmeyi "verimli" olarak nitelendirdi' in body
    assert body[0].startswith("Kuzey Kore lideri Kim Jong-un, diplomatik temaslarda")
    assert len([p for p in body if len(p) > 200]) == 4
    text = "\n".join(body).casefold()
    for chrome in ("paylaş", "google news", "bunlar da ilginizi", "yorumunuzu", "valilikten kuvvetli", "12-07-2025"):
        assert chrome not in text
    assert "kuzey kore lideri kim jong-un, rusya dışişleri bakanı sergey" not in text  # the lead, any case


# -- agencies ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, code", [
    ("Anadolu Ajansı", "AA"), ("ANADOLU AJANSI", "AA"), ("İhlas Haber Ajansı", "İHA"), ("IHA", "İHA"),
    ("Demirören Haber Ajansı", "DHA"), ("DHA", "DHA"), ("Habertürk", None), ("Anadolu Ajansı muhabiri", None),
])
def test_agency_names(name, code):
    assert agency_code(name) == code


def test_agency_from_article_author_meta():
    html = page('<meta name="articleAuthor" content="İhlas Haber Ajansı"><meta property="og:title" content="X">')
    assert extract_article(html.encode(), "http://e.com/a")["agency"] == "İHA"


# -- scorer ------------------------------------------------------------------------------------------
def test_scorer_counts_shingles_as_multisets():
    assert score("a b c d e", "a b c d e").f1 == 1.0
    result = score("a b c d e", "a b c d x")  # shingles: (a b c d),(b c d e) vs (a b c d),(b c d x)
    assert (result.tp, result.fp, result.fn) == (1, 1, 1)
    doubled = score("a b c d", "a b c d a b c d")  # the repeat is a false positive
    assert (doubled.tp, doubled.fp, doubled.fn) == (1, 4, 0)
    assert score_body("bir iki üç dört", ["bir iki", "üç dört"]).f1 == 1.0
    assert score("bir iki üç dört", "").f1 == 0.0


def test_adhoc_config_without_selectors_borrows_the_host_configs_selectors():
    adhoc = parse_source({"name": "adhoc"})
    article = extract_article(page("", AA_V1_BODY).encode(), "https://www.aa.com.tr/tr/x/y/1", adhoc)
    assert article["title"] == "AA başlığı"


def test_meta_tags_split_and_headline_only_description_is_no_lead():
    head = ('<meta property="og:title" content="Kısa başlık burada duruyor">'
            '<meta name="description" content="Kısa başlık burada duruyor">'
            '<meta property="article:tag" content="Suriye,kadın"><meta property="article:tag" content="aile">')
    article = extract_article(page(head, "<p>Metin.</p>").encode(), "http://e.com/a")
    assert article["tags"] == ["Suriye", "kadın", "aile"]
    assert article["lead"] == ""


# -- main_text: trafilatura's main text of newsbot's parsed tree, through its public API -------------
MT_P1 = "Uzun bir haber paragrafı burada yer alıyor. " * 12
MT_P2 = "İkinci paragraf da haberin devamını anlatıyor ve okura bilgi veriyor. " * 4


def test_main_text_is_the_article_in_page_order_and_the_tree_is_left_alone():
    import lxml.html

    from newsbot.extract.dom import parse_html
    from newsbot.extract.main_text import main_text

    root = parse_html(page("<title>t</title>", (
        "<nav><ul>" + "<li><a href='/x'>Menü bağlantısı</a></li>" * 80 + "</ul></nav>"
        "<article><h1>Başlık</h1><p>" + MT_P1 + "</p><h2>Ara başlık</h2><p>" + MT_P2 + "</p>"
        "<table><tr><td>Tablo hücresi bir</td><td>Tablo hücresi iki</td></tr></table></article>"
        "<div class='comments'><p>Okur yorumu: bu haber hiç doğru değil bence</p></div>"
        "<footer>Tüm hakları saklıdır © 2025 Haber Sitesi</footer>")))
    before = lxml.html.tostring(root)
    lines = main_text(root, "http://e.com/a").split("\n")
    assert lxml.html.tostring(root) == before  # trafilatura works on its own copy; the fields read this tree next
    # headings on lines of their own, paragraphs whole, the table kept (include_tables), in page order
    assert lines == ["Başlık", MT_P1.strip(), "Ara başlık", MT_P2.strip(), "| Tablo hücresi bir | Tablo hücresi iki |"]


@pytest.mark.parametrize("body", ["", "<script>var haber = 'yok';</script><style>p {}</style>"])
def test_main_text_of_a_page_without_an_article_is_empty(body):
    from newsbot.extract.dom import parse_html
    from newsbot.extract.main_text import main_text

    assert main_text(parse_html(page("<title>t</title>", body)), "http://e.com/a") == ""


def test_main_text_uses_no_private_names():
    """Issue 14: only a library's public API, so a trafilatura release cannot break or silently change
    extraction through its internals (no `_name` imported or reached through a module, no trafilatura
    submodule imported)."""
    import ast

    tree = ast.parse((ROOT / "newsbot" / "extract" / "main_text.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            found += [node.module] if (node.module or "").startswith("trafilatura.") else []
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("trafilatura.")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.endswith("__"):
            found.append(ast.unparse(node))
    assert found == []


# -- dates without dateparser for the common shapes -------------------------------------------------
@pytest.mark.parametrize("line", [
    "12-07-2025 17:12", "12 Temmuz 2025 Cumartesi 17:12", "05.04.2025 - Güncelleme : 05.04.2025", "1.2.2024",
    "27.12.2016 18:57:00", "3 Mayıs 2024 Cuma 09:05", "11 Ekim 2023 Çarşamba 01:22:55", "5 August 2024 10:00",
    "12 ŞUBAT 2025 14.30", "15 Eylül 2021 - 12:00", "29.02.2024 23:59", "31.02.2025 10:00", "12 Foo 2025",
])
def test_quick_date_parse_agrees_with_dateparser(line):
    import dateparser

    from newsbot.extract import dates

    match = dates._DATE_TIME.search(line)
    quick = dates._quick_parse(match["date"], match["time"])
    piece = match["date"] + (" " + match["time"].replace(".", ":") if match["time"] else "")
    slow = dateparser.parse(piece, languages=["tr", "en"], settings=dates._DATEPARSER_SETTINGS)
    assert quick is None or quick == slow


def test_upper_case_turkish_month_names_parse():
    # dateparser lower-cases "MAYIS" to "mayis" and misses it; Turkish-aware lower-casing gives "mayıs"
    published, _ = parse_date_line("3 MAYIS 2024 Cuma 09:05")
    assert published is not None and published.iso() == "2024-05-03T09:05:00+03:00"


def test_parse_html_element_classes_are_lxml_html_ones():
    """parse_html picks element classes in C; they must be the ones lxml.html's own parser gives (trafilatura
    and htmldate are handed the tree), in the parsed tree and in copies of it."""
    from copy import copy

    import lxml.html

    from newsbot.extract.dom import parse_html

    html = ("<html><body><form><input name=q><select><option>a</option></select><textarea>t</textarea>"
            "<label>l</label></form><p>x<br>y</p></body></html>")
    expected = [type(el) for el in lxml.html.document_fromstring(html).iter()]
    root = parse_html(html)
    assert [type(el) for el in root.iter()] == expected
    assert [type(el) for el in copy(root).iter()] == expected
    assert isinstance(root.find(".//form"), lxml.html.FormElement)
