"""The learned site template (newsbot/extract/site_template.py) on the bench site's realistic pages: it learns
a layout from the general extractor's results, then gives the same body without it, and falls back when a page
of the host is of another layout or its container no longer holds the article."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from bench.site import SiteBuilder
from bench.site_pages import TEMPLATES
from newsbot.extract import extract_article
from newsbot.extract.site_template import CHECK, CHECK_EVERY, HIT, LEARN_PAGES, LEARNED, MISMATCH, SiteTemplates
from newsbot.text import words

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site() -> SiteBuilder:
    return SiteBuilder(150, BASE)


@pytest.fixture(scope="module")
def pages(site) -> dict[str, list[tuple[bytes, str]]]:
    """The pages of a 150-article site by template (all on one host), in crawl order."""
    out: dict[str, list[tuple[bytes, str]]] = {t: [] for t in TEMPLATES}
    for i, story in enumerate(site.stories):
        out[story["template"]].append((site.page(i), site.url(story["path"])))
    return out


def _f1(got: list[str], truth: list[str]) -> float:
    """Word-bag F1 of a body against the story's own paragraphs."""
    a, b = words(" ".join(got)), words(" ".join(truth))
    common = sum(min(a.count(w), b.count(w)) for w in set(a))
    return 2 * common / (len(a) + len(b)) if a and b else 0.0


@pytest.mark.parametrize("template", TEMPLATES)
def test_learns_a_layout_and_gives_the_general_body(site, pages, template):
    """Same body as the general extractor, or a better one: on a page with a large photo gallery trafilatura
    takes in the gallery's captions and an ad label, which the learned template knows are not the body."""
    templates = SiteTemplates()
    truth = {site.url(s["path"]): s["body"] for s in site.stories}
    events, same = [], 0
    for html, url in pages[template][:LEARN_PAGES + CHECK_EVERY]:
        fields = extract_article(html, url, templates=templates)
        events.append(fields["template"])
        if fields["template"] in (HIT, CHECK):
            general = extract_article(html, url, templates=None)
            assert general["template"] is None and fields["lead"] == general["lead"]
            if fields["body"] == general["body"]:
                same += 1
            else:
                assert _f1(fields["body"], truth[url]) > _f1(general["body"], truth[url]) + 0.05, url
    assert same >= CHECK_EVERY - 2
    assert events[:LEARN_PAGES] == [None] * (LEARN_PAGES - 1) + [LEARNED]
    # From then on the shortcut serves the body; one page in CHECK_EVERY is checked against the general path.
    assert events[LEARN_PAGES:] == [HIT] * (CHECK_EVERY - 1) + [CHECK]


def test_another_layout_on_the_same_host_falls_back_and_is_learned_beside(pages):
    templates = SiteTemplates()
    for html, url in pages["national"][:LEARN_PAGES]:
        extract_article(html, url, templates=templates)
    html, url = pages["local"][0]
    fields = extract_article(html, url, templates=templates)
    assert fields["template"] is None  # not of the learned layout: the general extractor's body
    assert fields["body"] == extract_article(html, url, templates=None)["body"]
    events = [extract_article(h, u, templates=templates)["template"] for h, u in pages["local"][1:LEARN_PAGES + 1]]
    assert events == [None] * (LEARN_PAGES - 2) + [LEARNED, HIT]
    html, url = pages["national"][LEARN_PAGES]
    assert extract_article(html, url, templates=templates)["template"] == HIT  # the first layout still holds


def test_a_container_that_no_longer_holds_the_article_drops_the_template(site, pages):
    """A redesign that keeps the container's markup but moves the story out of it: the shortcut's body is too
    short, so the general extractor runs, disagrees, and the template is dropped (the next pages relearn)."""
    templates = SiteTemplates()
    for html, url in pages["agency"][:LEARN_PAGES]:
        extract_article(html, url, templates=templates)
    html, url = pages["agency"][LEARN_PAGES + 1]
    story = next(s for s in site.stories if site.url(s["path"]) == url)
    text = html.decode("utf-8")
    # The body's paragraphs leave the container for a new element at the end of the page (same words).
    moved = [f"<p>{escape(para)}</p>" for para in story["body"]]
    assert len(moved) >= 5 and all(p in text for p in moved)
    for para in moved:
        text = text.replace(para, "", 1)
    text = text.replace("</body>", '<section class="story-text">' + "".join(moved) + "</section></body>")
    fields = extract_article(text.encode("utf-8"), url, templates=templates)
    assert fields["template"] == MISMATCH
    assert fields["body"] == extract_article(text.encode("utf-8"), url, templates=None)["body"]
    assert _f1(fields["body"], story["body"]) > 0.9
    html, url = pages["agency"][LEARN_PAGES + 2]
    assert extract_article(html, url, templates=templates)["template"] != HIT  # dropped: general again
