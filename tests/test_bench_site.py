"""bench/site.py's generated site: the realistic pages have the weight, shape and variety the benchmarks
claim for them (BENCHMARKS.md quotes these properties), and the light kind still serves the same stories."""

from __future__ import annotations

import statistics
from collections import Counter

import lxml.html
import pytest

from bench.site import SiteBuilder, page_stats
from bench.site_pages import SITE_NAMES, TEMPLATES

PAGES = 200


@pytest.fixture(scope="module")
def site() -> SiteBuilder:
    return SiteBuilder(PAGES, "http://127.0.0.1:8000")


def test_pages_are_deterministic(site):
    again = SiteBuilder(PAGES, "http://127.0.0.1:8000")
    assert [site.page(i) for i in (0, 57, 199)] == [again.page(i) for i in (0, 57, 199)]


def test_all_templates_and_sizes_of_real_pages():
    stats = page_stats(PAGES)
    assert set(stats) == {*TEMPLATES, "all"}
    assert all(stats[t]["pages"] >= PAGES // 5 for t in TEMPLATES)  # each template well represented
    every = stats["all"]
    assert 40 <= every["kb_min"] and every["kb_max"] <= 260
    assert 55 <= every["kb_median"] <= 90
    # Real Turkish article pages (../shared/corpus/turkish) have 380–1,250 elements nested 12–23 deep.
    assert all(600 <= stats[t]["elements"] <= 1600 and stats[t]["depth"] >= 15 for t in TEMPLATES)


def test_chrome_of_real_sites_is_present(site):
    by_template = {}
    for i, story in enumerate(site.stories):
        by_template.setdefault(story["template"], site.page(i).decode("utf-8"))
    for template, html in by_template.items():
        assert SITE_NAMES[template] in html
        for chrome in ("BUNLAR DA İLGİNİZİ ÇEKEBİLİR", "ÇOK OKUNAN HABERLER", "application/ld+json", "Kabul Et",
                       "Yorumlar", "İLGİLİ HABER"):
            if template == "agency" and chrome in ("BUNLAR DA İLGİNİZİ ÇEKEBİLİR", "ÇOK OKUNAN HABERLER", "Yorumlar"):
                continue  # agencies carry "Benzer haberler" / "EN SON" lists and no comments
            assert chrome in html, (template, chrome)
    assert "SON DAKİKA" in by_template["national"] and "ANKET" in by_template["local"]
    assert "NAMAZ VAKİTLERİ" in by_template["local"] and "Fotoğraf:" in by_template["agency"]


def test_syndicated_copies_change_template_and_keep_the_story(site):
    copies = [s for s in site.stories if "copy_of" in s]
    assert len(copies) >= PAGES // 20
    for copy in copies:
        original = site.stories[copy["copy_of"] - site.stories[0]["id"]]
        assert copy["template"] != original["template"]
        assert copy["body"] == original["body"] and copy["title"] != original["title"]
        page = lxml.html.fromstring(site.page(site.stories.index(copy)))
        assert original["body"][0] in page.text_content()


def test_light_kind_has_the_same_stories():
    light = SiteBuilder(60, kind="light")
    realistic = SiteBuilder(60)
    assert [s["body"] for s in light.stories] == [s["body"] for s in realistic.stories]
    assert Counter(s["template"] for s in light.stories) == {"light": 60}
    sizes = [len(light.page(i)) for i in range(60)]
    assert statistics.median(sizes) < statistics.median(len(realistic.page(i)) for i in range(60))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        SiteBuilder(10, kind="heavy")
