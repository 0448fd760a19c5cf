"""Agency, category and lead on the dev set (tests/fixtures/devsites/: five templates, hand-written truth in
truth.json, written from stories.py — never from extraction), through extraction and the body pipelines as a
crawl runs them (bench/devset.py). Each rule is shown on two templates or more."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from newsbot.extract import extract_article
from newsbot.extract.credits import SiteNames
from newsbot.items import Article
from pipelines.strip_chrome import StripChromePipeline

ROOT = Path(__file__).resolve().parent.parent
DEVSITES = ROOT / "tests" / "fixtures" / "devsites"
TRUTH = json.loads((DEVSITES / "truth.json").read_text(encoding="utf-8"))["articles"]
sys.path.insert(0, str(ROOT / "bench"))
import devset  # noqa: E402


@pytest.fixture(scope="module")
def pages():
    return devset.evaluate(per_page=True)["pages"]


def _extract(name: str, html: bytes | None = None) -> dict:
    return extract_article(html if html is not None else (DEVSITES / name).read_bytes(), TRUTH[name]["url"])


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_agency_and_category_match_the_truth(pages, name):
    got = pages[name]["got"]
    assert got["agency"] == TRUTH[name]["agency"], name
    assert got["category"] == TRUTH[name]["category"], name


# Every credit form issue 14 lists, each on the page that carries it (the pages differ only in that form).
@pytest.mark.parametrize("name, form, agency", [
    ("wpress/s12.html", "<strong>HABER KAYNAĞI : AA</strong> after the body", "AA"),
    ("minicms/s06.html", "Haber Kaynağı: İHA trailer", "İHA"),
    ("byline/s11.html", '<span class="kaynak">Kaynak: DHA</span> in the byline above the body', "DHA"),
    ("byline/s12.html", '<span class="kaynak">Kaynak: AA</span> in the byline above the body', "AA"),
    ("wpress/s02.html", "<b>Kaynak:</b> DHA inside the body", "DHA"),
    ("legacy/s02.html", "Kaynak: <b>DHA</b> in the article cell", "DHA"),
    ("wpress/s09.html", "dateline KASTAMONU (DHA) – opening the body", "DHA"),
])
def test_each_credit_form_gives_the_agency(name, form, agency):
    assert TRUTH[name]["agency"] == agency
    assert _extract(name)["agency"] == agency, form


def test_the_dateline_alone_carries_the_agency():
    name = "wpress/s09.html"
    page = (DEVSITES / name).read_bytes()
    assert b"(DHA)" in page and b"Kaynak" not in page
    assert _extract(name)["agency"] == "DHA"
    assert _extract(name, page.replace(b"(DHA) ", b""))["agency"] is None


@pytest.mark.parametrize("name, credit", [
    ("minicms/s05.html", "Haber Kaynağı: Yeşilırmak Haber"),
    ("wpress/s03.html", "HABER KAYNAĞI : ANKA POSTASI"),  # the site's name starts with the agency ANKA's
])
def test_a_credit_naming_the_site_itself_is_no_agency(pages, name, credit):
    assert credit.encode() in (DEVSITES / name).read_bytes()
    assert TRUTH[name]["agency"] is None
    assert _extract(name)["agency"] is None
    assert pages[name]["got"]["agency"] is None  # nor after the chrome pipeline read the trailer


def test_site_names_come_from_the_page_and_the_host():
    site = SiteNames.of(["Anka Postası"], "Başlık – Anka Postası", "https://www.ankapostasi.com.tr/haberler/1/x.htm")
    assert site.named_by("ANKA POSTASI") and site.named_by("ankapostasi.com")
    assert not site.named_by("ANKA") and not site.named_by("Anadolu Ajansı")
    by_host = SiteNames.of(url="http://www.anadoluyerelhaber.example/egitim/x-188177.htm")
    assert by_host.named_by("Anadolu Yerel Haber") and not by_host.named_by("Anadolu")
    assert SiteNames.of(url="http://127.0.0.1:8080/x").keys == frozenset()  # an address names no site


def test_the_chrome_pipeline_takes_only_agencies_and_never_the_site_itself():
    body = ["Kent merkezinde yapılan çalışmalar hafta sonuna kadar sürecek, yetkililer açıklama yaptı."]
    pipeline = StripChromePipeline()

    def agency(trailer: str, url: str) -> str | None:
        item = Article(url=url, site=url.split("/")[2], title="Başlık", body=[*body, trailer])
        return pipeline.process_item(item).agency

    assert agency("Haber Kaynağı: İHA", "http://ankapostasi.example/haberler/1/x.htm") == "İHA"
    assert agency("Haber Kaynağı: Anka Postası", "http://ankapostasi.example/haberler/1/x.htm") is None
    assert agency("Haber Kaynağı: Anka Postası", "http://baskagazete.example/haberler/1/x.htm") == "ANKA"
    assert agency("Kaynak: Yeşilırmak Haber", "http://baskagazete.example/a/b-1.htm") is None  # no agency


@pytest.mark.parametrize("name, box", [("byline/s11.html", b'class="ozet"'),
                                       ("wpress/s12.html", b'class="post-excerpt"')])
def test_the_summary_box_is_the_lead_when_no_description_exists(name, box):
    page = (DEVSITES / name).read_bytes()
    assert box in page and b'name="description"' not in page and b"og:description" not in page
    assert _extract(name)["lead"] == TRUTH[name]["lead"]


@pytest.mark.parametrize("name, label", [
    ("minicms/s08.html", rb'<div class="kategori">[^<]*</div>'),
    ("wpress/s12.html", rb'<ul class="post-categories">.*?</ul>'),
])
def test_an_upper_case_label_above_the_title_is_the_category(name, label):
    page = (DEVSITES / name).read_bytes()
    shown = re.search(label, page).group(0).decode()
    assert TRUTH[name]["category"].replace("i", "İ").upper() in shown  # the label is upper case on the page
    got = _extract(name)["category"]
    assert got == TRUTH[name]["category"]  # written as the site's menu writes it, title-cased
    without = _extract(name, re.sub(label, b"", page))["category"]
    if name.startswith("wpress"):  # no breadcrumb, no section in the URL: the label is the only signal
        assert without is None
