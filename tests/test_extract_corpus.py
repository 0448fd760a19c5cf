"""Every real Turkish page of tests/fixtures/turkish through extract_article, against its ground truth:
title exact, published date right, body F1 ≥ 0.9 (AEB metric, body without the lead)."""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime
from functools import cache

import lxml.html
import pytest

from newsbot.extract import extract_article
from newsbot.extract.dates import ISTANBUL
from newsbot.extract.scoring import score_body
from newsbot.text import words
from tests.plugin_sites import SHARED, TURKISH_PAGES

CORPUS = TURKISH_PAGES
GROUND_TRUTH = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
MIN_F1 = 0.9

# Where the ground-truth title is not the article's title, and why. Each entry states how the ground
# truth differs, and the test checks that this is the only difference.
# - Habertürk: fundus took og:title, which appends a section suffix (" - Güncel haberler"); the page's
#   h1 and JSON-LD alternativeHeadline have none. The suffix is site chrome, not the headline.
# - Hürriyet 2016 (derived, unreviewed): taken from og:title / JSON-LD, which drop the quotation marks
#   the visible h1 has ("Suriyeli kadınlara iyilik yapıyoruz" diye …); the visible headline is kept.
TITLE_FIXES = {
    "fundus-current-Haberturk_2024_07_03": ("suffix", "Türkiye'de orman yangınları! Yangınlarda son durum!"),
    "fundus-historical-Haberturk_2024_04_28": ("suffix", "Turizm Bakanlığı'ndan 'milliyet farkı' açıklaması"),
    "birkand-hurriyet-v1": ("quotes", '"Suriyeli kadınlara iyilik yapıyoruz" diye kendilerini savunuyorlar!'),
}


@cache
def extracted(page_id: str) -> dict:
    entry = GROUND_TRUTH[page_id]
    data = (CORPUS / entry["html"]).read_bytes()
    if entry["html"].endswith(".gz"):
        data = gzip.decompress(data)
    return extract_article(data, entry["url"])


def expected_title(page_id: str) -> str:
    gt_title = GROUND_TRUTH[page_id]["title"]
    if page_id not in TITLE_FIXES:
        return gt_title
    kind, title = TITLE_FIXES[page_id]
    if kind == "suffix":
        assert re.fullmatch(re.escape(title) + r" - [^-]+", gt_title), gt_title
    else:
        assert gt_title == title.replace('"', ""), gt_title
    return title


def as_moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ISTANBUL)  # page-local time


PAGES = sorted(GROUND_TRUTH)


def test_corpus_is_complete():
    assert len(PAGES) == 11
    assert all((CORPUS / GROUND_TRUTH[p]["html"]).exists() for p in PAGES)


@pytest.mark.parametrize("page_id", PAGES)
def test_title(page_id):
    assert extracted(page_id)["title"] == expected_title(page_id)


@pytest.mark.parametrize("page_id", PAGES)
def test_published_date(page_id):
    gt_date = GROUND_TRUTH[page_id]["date"]
    got = extracted(page_id)["published_at"]
    assert got, "no published date"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", gt_date):  # the page only shows a date (AA V1: day-first)
        assert got == gt_date
    else:
        assert re.search(r"T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})$", got), got  # has time and offset
        assert as_moment(got) == as_moment(gt_date)


@pytest.mark.parametrize("page_id", PAGES)
def test_body_f1(page_id):
    result = score_body(GROUND_TRUTH[page_id]["articleBody"], extracted(page_id)["body"])
    assert result.f1 >= MIN_F1, f"F1 {result.f1:.3f} (P {result.precision:.3f}, R {result.recall:.3f})"


@pytest.mark.parametrize("page_id", [p for p in PAGES if GROUND_TRUTH[p].get("summary")])
def test_lead_found_and_not_in_body(page_id):
    article = extracted(page_id)
    summary = GROUND_TRUTH[page_id]["summary"]
    assert words(article["lead"])[:8] == words(summary)[:8]
    assert all(words(p) != words(article["lead"]) for p in article["body"])


def test_aa_2026_body_is_the_hidden_article_not_the_jsonld_summary():
    page = "fundus-current-AnadoluAjansi_2026_04_20"
    article = extracted(page)
    assert sum(len(words(p)) for p in article["body"]) > 300
    assert article["authors"] == ["Fatma Sevinç Çetin"]
    assert article["agency"] == "AA" and article["category"] == "Gündem"


def test_agency_credit_on_republishing_sites():
    # NTV 2024-04-30 and Habertürk 2024-07-03: meta articleAuthor "Anadolu Ajansı"; Hürriyet: JSON-LD "DHA".
    assert extracted("fundus-current-NTVTR_2024_04_30")["agency"] == "AA"
    assert extracted("fundus-current-Haberturk_2024_07_03")["agency"] == "AA"
    assert extracted("birkand-hurriyet")["agency"] == "DHA"
    assert extracted("fundus-current-NTVTR_2025_11_10")["agency"] is None  # articleAuthor "ntv.com.tr"


def test_canonical_url_from_link_rel():
    article = extracted("fundus-current-NTVTR_2025_11_10")
    assert article["canonical_url"] == GROUND_TRUTH["fundus-current-NTVTR_2025_11_10"]["url"]


# -- newsbot.extract.main_text: our parsed tree handed to trafilatura -----------------------------
GENERAL = SHARED / "corpus" / "trafilatura"


def _general_sample() -> list:
    """Every 10th page of the trafilatura evaluation set (99 pages: readability, justext, baseline and
    recall-retry paths all occur), as (file, url) params marked `shared` (one skipped param without ../shared)."""
    if not GENERAL.is_dir():
        return [pytest.param("", "", marks=pytest.mark.shared, id="trafilatura-corpus")]
    data = json.loads((GENERAL / "evaldata.json").read_text(encoding="utf-8"))
    out = []
    for url, entry in list(data.items())[::10]:
        for folder in ("cache", "eval"):
            path = GENERAL / folder / (entry["file"] + ".gz")
            if path.exists():
                out.append(pytest.param(str(path), url if url.startswith("http") else "https://example.org/",
                                        marks=pytest.mark.shared))
                break
    return out


@pytest.mark.parametrize("path,url", [(str(CORPUS / GROUND_TRUTH[p]["html"]), GROUND_TRUTH[p]["url"]) for p in PAGES]
                         + _general_sample())
def test_main_text_of_our_tree_is_trafilaturas_of_the_page(path, url):
    """newsbot parses each page once (dom.parse_html) and hands that tree to trafilatura: the main text
    must be what trafilatura gives when it parses the same decoded page itself (same parser settings,
    same control characters dropped), and the tree must come back as it was."""
    import trafilatura

    from newsbot.extract.charset import decode_html
    from newsbot.extract.dom import parse_html
    from newsbot.extract.main_text import main_text

    data = open(path, "rb").read()
    html = decode_html(gzip.decompress(data) if path.endswith(".gz") else data)
    root = parse_html(html)
    before = lxml.html.tostring(root)
    ours = main_text(root, url)
    assert lxml.html.tostring(root) == before  # the caller's tree is left as it was
    assert ours == (trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                                        deduplicate=False) or "")
