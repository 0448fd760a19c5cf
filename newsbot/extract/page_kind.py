"""Article or not (newsbot/data/fields.toml, [page_kind]): a page that answers 200 but is a soft 404, a
listing (category, tag, home page: its "body" is teasers of other pages), a picture gallery or a video page
with no prose is not an article. `page_kind` names the reason, or None for an article."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from newsbot.article_urls import same_site_path
from newsbot.extract.dom import string_of, text_of
from newsbot.extract.field_rules import FieldRules, field_rules
from newsbot.extract.page_area import PageArea
from newsbot.extract.structured import Structured, ld_objects
from newsbot.text import fold, word_tuple, words

SOFT_404, LISTING, GALLERY, VIDEO = "soft_404", "listing", "gallery", "video"
# A headline that says "not found" is short; a longer one is a story about something not found.
_NOT_FOUND_TITLE_WORDS = 8
_PROSE_WORDS = 8
# "1 / 12", "3/24": a picture counter.
_COUNTER = re.compile(r"^\s*\d{1,3}\s*/\s*\d{1,3}\s*$")
_COUNTER_ONLY_SHARE = 0.4
# A teaser: a link's block of at most this many words (headline + spot), starting with the link's text.
_TEASER_WORDS = 80
_TEASER_ELEMENTS = 12
# The element a link's teaser block ends at (climbing from the link).
_BLOCK_TAGS = frozenset({"li", "article", "div", "section", "td"})


def page_kind(root: lxml.html.HtmlElement, st: Structured, url: str, title: str,
              body: list[str], rules: FieldRules | None = None, area: PageArea | None = None) -> str | None:
    """`area`: the page's lines (page_area.read_area), where a "not found" message the body extraction
    passed over is looked for."""
    rules = rules or field_rules()
    body_words = sum(len(words(p)) for p in body)
    prose = _prose_words(body)
    if _not_found(root, title, body, body_words, rules) or _not_found_line(area, prose, rules):
        return SOFT_404
    if prose < rules.gallery_max_prose_words and _typed(root, st, rules.video_types):
        return VIDEO
    if _gallery(root, st, body, rules):
        return GALLERY
    if _listing_type(root, st, rules) or _listing(root, url, body, body_words, rules):
        return LISTING
    return None


def _prose_words(body: list[str]) -> int:
    """Words of the body's prose: paragraphs of at least _PROSE_WORDS words (a list of headlines, a
    caption or a menu has none)."""
    return sum(n for n in (len(words(p)) for p in body) if n >= _PROSE_WORDS)


def _typed(root, st: Structured, types: frozenset[str]) -> bool:
    """The page's og:type or one of its JSON-LD objects is one of `types` and no JSON-LD says it is an article."""
    return not st.article and (fold(st.first("og:type") or "") in types or bool(ld_objects(root, set(types))))


def _listing_type(root, st: Structured, rules: FieldRules) -> bool:
    """The page's JSON-LD calls the page itself a collection (CollectionPage, SearchResultsPage, ProfilePage:
    category, search and author pages) and describes no article: a listing even when its teasers are too few
    or too short for the teaser test (a category page that opens with a long description)."""
    return not st.article and bool(ld_objects(root, set(rules.listing_types)))


def _says(text: str, rules: FieldRules) -> bool:
    folded = fold(text)
    return any(phrase in folded for phrase in rules.not_found_phrases)


def _not_found(root, title: str, body: list[str], body_words: int, rules: FieldRules) -> bool:
    heads = [title, *(text_of(h) for h in root.iter("h1"))]
    doc_title = root.find(".//title")
    if doc_title is not None:
        heads.append(text_of(doc_title))
    if any(h and len(words(h)) <= _NOT_FOUND_TITLE_WORDS and _says(h, rules) for h in heads):
        return True
    return body_words < rules.not_found_max_words and any(_says(p, rules) for p in body)


def _not_found_line(area: PageArea | None, prose: int, rules: FieldRules) -> bool:
    """A short line of its own saying "not found" anywhere in the page's area (a soft 404 whose message sits in
    a table cell or a box the body extraction passed over, while it took a side column of headlines), on a page
    whose body has less prose than a soft 404 page may: an article that has a search box saying "aradığınız
    haberi bulamadınız mı?" has its own text."""
    if area is None or prose >= rules.not_found_max_words:
        return False
    return any(not line.linked and len(words(line.text)) <= _NOT_FOUND_TITLE_WORDS and _says(line.text, rules)
               for line in area.lines)


def _gallery(root, st: Structured, body: list[str], rules: FieldRules) -> bool:
    """Few words of prose, and a gallery type (JSON-LD ImageGallery, og:type); or a picture counter ("1 / 12")
    and almost no prose: a counter alone is a weaker sign (articles carry slideshows too), so it needs less."""
    prose = sum(len(words(p)) for p in body if len(words(p)) >= _PROSE_WORDS)
    if prose >= rules.gallery_max_prose_words:
        return False
    if fold(st.first("og:type") or "") in rules.gallery_types or ld_objects(root, set(rules.gallery_types)):
        return True
    # The counter is looked for in the whole page: gallery boxes are among the areas page_area skips.
    # An element's own text only (a counter is a leaf): whole-subtree text per element would be quadratic.
    return prose < rules.gallery_max_prose_words * _COUNTER_ONLY_SHARE and any(
        _COUNTER.match(el.text or "") for el in root.iter("span", "div", "p", "li", "strong", "em", "b"))


def _listing(root, url: str, body: list[str], body_words: int, rules: FieldRules) -> bool:
    """Most of the extracted body is teaser blocks (a link to another page of the site, then its spot), or
    all of it is."""
    if not body_words:
        return False
    blocks = _link_blocks(root)
    keys = [" ".join(words(para)) for para in body]
    # The body's opening decides first (see below): when none of it is in any link's block, same-site or not,
    # it is no teaser, and the URL of every link need not be resolved (most pages stop here).
    opening = []
    for key in keys:
        opening.append(key)
        if len(key.split()) >= _PROSE_WORDS:
            break
    if not any(key and key in block for key in opening for _, block in blocks):
        return False
    teasers = _teasers(blocks, url)
    if not teasers:
        return False
    teaser_words, prose_first, own_prose = 0, None, False
    for para, key in zip(body, keys, strict=True):
        teaser = bool(key) and any(key in block for block in teasers.values())
        teaser_words += len(words(para)) if teaser else 0
        prose = len(words(para)) >= _PROSE_WORDS
        own_prose = own_prose or (prose and not teaser)
        if prose_first is None and (teaser or prose):
            prose_first = not teaser
    # A listing's first prose is a teaser; an article whose extraction took in a list of other posts after
    # its own text opens with that text. A body with no prose but teasers is a listing however few teasers
    # the page has (a category holding one story: its headline link and spot, beside menu words).
    if prose_first is not False or teaser_words < rules.listing_teaser_share * body_words:
        return False
    return not own_prose or len(teasers) >= rules.listing_min_teaser_links


def _small(block) -> bool:
    """At most a teaser's worth of elements: a wrapper of the whole page is not a link's teaser block (and
    reading its text once per link would be quadratic)."""
    for count, _ in enumerate(block.iter()):
        if count > _TEASER_ELEMENTS:
            return False
    return True


def _link_blocks(root) -> list[tuple[str, str]]:
    """Links with a headline (three words or more): (href, folded words of the link's block)."""
    found = []
    for a in root.iter("a"):
        href = a.get("href")
        text = string_of(a) if href else ""
        if len(text.split()) < 3:  # cheap test first: most links are one or two words
            continue
        link_words = word_tuple(text)  # the memoised tuple itself: only read here, never changed
        block, parent = a, a.getparent()
        while parent is not None and block.tag not in _BLOCK_TAGS:
            block, parent = parent, parent.getparent()
        block_words = word_tuple(text_of(block)) if _small(block) else ()  # text_of: <h2><p> must not glue
        if len(block_words) > _TEASER_WORDS or block_words[: len(link_words)] != link_words:
            block_words = link_words
        found.append((href, " ".join(block_words)))
    return found


def _teasers(blocks: list[tuple[str, str]], url: str) -> dict[str, str]:
    """Other same-site pages linked with a headline: target path → folded words of the link's block."""
    parts = urlsplit(url)
    here = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    found: dict[str, str] = {}
    for href, key in blocks:
        path = same_site_path(url, href)
        if path is None:
            continue
        query = href.split("#", 1)[0].partition("?")[2]
        path = path.rstrip("/") + (f"?{query}" if query else "")  # "/haber.asp?id=N": one page per id
        if path in ("", here):
            continue
        if len(key) > len(found.get(path, "")):  # a ticker links the headline alone, a list with its spot
            found[path] = key
    return found
