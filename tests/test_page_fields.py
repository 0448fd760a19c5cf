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
