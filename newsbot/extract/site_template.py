"""A site's learned template: where the article body sits, learned from the general extractor's own results,
so that later pages of the site take their body from there and skip trafilatura (issue 17).

The general extractor (trafilatura + restore_subheads, body.py) is the reference. From each page it reads, the
lines it returned are found in the page's tree: the smallest block holding all of them is the **container**,
named by its path of tag + class steps from the root (class words with digits left out: "postid-123" differs
on every page). Within the container each line comes from a block, named by its path from the container; a
block kind is **kept** when trafilatura returned its lines and **dropped** when it did not (ad labels,
captions, bylines). A page where one block kind is both kept and dropped teaches nothing. When LEARN_PAGES
pages agree on a container, the template is learned; pages of another layout on the same host (a site has
article, video and column pages) make templates of their own, up to MAX_TEMPLATES per host.

A later page whose container is found, once, and whose every line comes from a known block kind gets the kept
lines as its body without trafilatura. The shortcut is checked against the general extractor on every
CHECK_EVERY-th page of a template and whenever its result looks wrong (too few words, or a share of the
page's text far outside what was seen while learning); any difference drops the template, and the site is
learned again from the general results that follow. Nothing here knows a site: all of it is learned.

State lives in the process (one extraction worker): each worker learns on its own."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html

from newsbot.extract.dom import BLOCK_TAGS, block_lines

# Pages that must agree before a template is used: one page can put its body anywhere by chance; three
# pages of a layout giving the same container and the same kept/dropped blocks is the layout.
LEARN_PAGES = 3
# One page in this many of a template also runs the general extractor: catches a site that changed its layout
# inside the same markup, at 1/CHECK_EVERY of the saving.
CHECK_EVERY = 20
# Layouts learned per host (article, video, gallery, column pages…), and hosts remembered per worker: a crawl
# of thousands of sites must not grow the worker without bound (least recently used sites are forgotten).
MAX_TEMPLATES, MAX_SITES = 4, 1000
# Layouts being learned per host (pages seen once or twice): a site whose pages each give another container
# must not grow the list without bound; the oldest is forgotten.
MAX_CANDIDATES = 8
# A body of fewer words, or whose share of the page's words is this factor outside the range seen while
# learning, looks wrong (a page with the container left empty, a layout change): checked, not trusted.
MIN_WORDS, SHARE_SLACK = 30, 2.0

# Learning reads the page's lines again (~2.5 ms on a 70 KB page): a host whose pages taught nothing this many
# times in a row (no body container found) is only looked at on every such page after that.
MAX_FRUITLESS = 20

# What happened on a page (counted by the crawl as newsbot/extract/template/<event>).
HIT, CHECK, MISMATCH, LEARNED = "hit", "check", "mismatch", "learned"


def _step(el: lxml.html.HtmlElement) -> str:
    """An element as a path step: its tag and its class words without digits, sorted."""
    words = sorted(w for w in (el.get("class") or "").split() if not any(c.isdigit() for c in w))
    return f"{el.tag}.{'.'.join(words)}"


def _path(el: lxml.html.HtmlElement, top: lxml.html.HtmlElement | None = None) -> tuple[str, ...]:
    """Steps from `top` (exclusive; the root when None) down to `el` (inclusive)."""
    steps = []
    while el is not None and el is not top:
        steps.append(_step(el))
        el = el.getparent()
    return tuple(reversed(steps))


def _find(root: lxml.html.HtmlElement, path: tuple[str, ...]) -> list[lxml.html.HtmlElement]:
    """Every element at the end of `path` from the root."""
    if not path or _step(root) != path[0]:
        return []
    level = [root]
    for step in path[1:]:
        # A step starts with its tag: that cheap test first, the class words only of children that pass it.
        level = [child for el in level for child in el
                 if isinstance(child.tag, str) and step.startswith(child.tag) and _step(child) == step]
        if not level:
            return []
    return level


def _lines(container: lxml.html.HtmlElement) -> list[tuple[str, tuple[str, ...]]]:
    """The container's lines with the path of the block each comes from (each block's path made once: a block
    gives several lines, and blocks share their ancestors' steps)."""
    paths: dict[lxml.html.HtmlElement, tuple[str, ...]] = {container: ()}

    def path(el: lxml.html.HtmlElement) -> tuple[str, ...]:
        found = paths.get(el)
        if found is None:
            found = paths[el] = path(el.getparent()) + (_step(el),)
        return found

    return [(text, path(block)) for text, block in block_lines(container)]


def _word_count(lines: list[str]) -> int:
    return sum(len(line.split()) for line in lines)


@dataclass
class Template:
    """One layout of a site: the body container and which of its block kinds the body is made of."""

    container: tuple[str, ...]
    kept: set[tuple[str, ...]] = field(default_factory=set)
    dropped: set[tuple[str, ...]] = field(default_factory=set)
    share: tuple[float, float] = (1.0, 0.0)  # body words / page words: lowest and highest seen
    pages: int = 0
    uses: int = 0

    def merge(self, other: Template) -> bool:
        """Take in another page's observation of the same container; False when they disagree (a block kind
        kept on one page and dropped on the other)."""
        kept, dropped = self.kept | other.kept, self.dropped | other.dropped
        if kept & dropped:
            return False
        self.kept, self.dropped, self.pages = kept, dropped, self.pages + other.pages
        self.share = (min(self.share[0], other.share[0]), max(self.share[1], other.share[1]))
        return True

    def body(self, root: lxml.html.HtmlElement) -> list[str] | None:
        """The body by this template, or None when the page is not of this layout (container missing or not
        unique, or a block kind never seen while learning)."""
        found = _find(root, self.container)
        if len(found) != 1:
            return None
        out = []
        for text, block in _lines(found[0]):
            if block in self.kept:
                out.append(text)
            elif block not in self.dropped:
                return None
        return out

    def plausible(self, body: list[str], page_words: int) -> bool:
        words = _word_count(body)
        share = words / page_words if page_words else 0.0
        return words >= MIN_WORDS and self.share[0] / SHARE_SLACK <= share <= self.share[1] * SHARE_SLACK


def observe(root: lxml.html.HtmlElement, general: list[str], page_words: int) -> Template | None:
    """What one page teaches: the container of the general extractor's lines and the kept/dropped block
    kinds in it; None when the lines cannot all be found in order, their container is no block, or the
    container's lines cannot give exactly `general`."""
    body = root.find("body")
    if body is None or not general:
        return None
    page = block_lines(body)
    texts = [text for text, _ in page]
    # Anchor on the longest line (a headline also shown in a ticker or a list of other stories must not pull
    # the match out of the article), then match the others outwards from it, nearest first.
    anchor = max(range(len(general)), key=lambda i: len(general[i]))
    if general[anchor] not in texts:
        return None
    at = texts.index(general[anchor])
    positions = {anchor: at}
    for i in range(anchor - 1, -1, -1):
        j = next((k for k in range(positions[i + 1] - 1, -1, -1) if texts[k] == general[i]), None)
        if j is None:
            return None
        positions[i] = j
    for i in range(anchor + 1, len(general)):
        j = next((k for k in range(positions[i - 1] + 1, len(texts)) if texts[k] == general[i]), None)
        if j is None:
            return None
        positions[i] = j
    container = _common_ancestor([page[j][1] for j in positions.values()])
    if container is None or container.tag not in BLOCK_TAGS:
        return None
    kept = set(positions.values())
    template = Template(container=_path(container), pages=1)
    # The container's lines are the run of the page's lines around the kept ones whose block lies inside it.
    first, last = min(kept), max(kept)
    while first > 0 and _inside(page[first - 1][1], container):
        first -= 1
    while last + 1 < len(page) and _inside(page[last + 1][1], container):
        last += 1
    for k in range(first, last + 1):
        block = page[k][1]
        (template.kept if k in kept else template.dropped).add(_path(block, container) if block is not container
                                                                 else ())
    if template.kept & template.dropped or template.body(root) != general:
        return None
    share = _word_count(general) / page_words if page_words else 0.0
    template.share = (share, share)
    return template


def _inside(el: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> bool:
    return el is container or any(a is container for a in el.iterancestors())


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement | None:
    chain = [elements[0], *elements[0].iterancestors()]
    common = set(chain)
    for el in elements[1:]:
        common &= {el, *el.iterancestors()}
    return next((el for el in chain if el in common), None)


@dataclass
class _Site:
    templates: list[Template] = field(default_factory=list)
    learning: dict[tuple[str, ...], Template] = field(default_factory=dict)
    fruitless: int = 0  # general pages in a row that taught nothing


class SiteTemplates:
    """Learned templates per host, for one process."""

    def __init__(self) -> None:
        self._sites: OrderedDict[str, _Site] = OrderedDict()

    def _site(self, url: str) -> _Site:
        host = (urlsplit(url).netloc or "").lower()
        site = self._sites.pop(host, None) or _Site()
        self._sites[host] = site  # most recently used last
        while len(self._sites) > MAX_SITES:
            self._sites.popitem(last=False)
        return site

    def body(self, root: lxml.html.HtmlElement, url: str, page_words: int,
             general: Callable[[], list[str]]) -> tuple[list[str], str | None]:
        """The page's body paragraphs, and what happened (HIT, CHECK, MISMATCH, LEARNED or None: the general
        extractor's result, nothing learned). `general()` runs the general extractor."""
        site = self._site(url)
        for template in site.templates:
            shortcut = template.body(root)
            if shortcut is None:
                continue
            template.uses += 1
            if template.uses % CHECK_EVERY and template.plausible(shortcut, page_words):
                return shortcut, HIT
            reference = general()
            if reference == shortcut:
                return reference, CHECK
            site.templates.remove(template)  # relearned from the general results that follow
            return reference, MISMATCH
        reference = general()
        if site.fruitless >= MAX_FRUITLESS and site.fruitless % MAX_FRUITLESS:
            site.fruitless += 1
            return reference, None
        seen = observe(root, reference, page_words)
        site.fruitless = 0 if seen else site.fruitless + 1
        return reference, self._learn(site, seen)

    def _learn(self, site: _Site, seen: Template | None) -> str | None:
        if seen is None:
            return None
        for template in site.templates:  # a page of a known layout with a block kind new to it
            if template.container == seen.container:
                if not template.merge(seen):
                    site.templates.remove(template)
                return None
        if len(site.templates) >= MAX_TEMPLATES:
            return None
        candidate = site.learning.get(seen.container)
        if candidate is None:
            if len(site.learning) >= MAX_CANDIDATES:
                del site.learning[next(iter(site.learning))]
            site.learning[seen.container] = seen
            candidate = seen
        elif not candidate.merge(seen):
            del site.learning[seen.container]  # disagreeing pages: start again
            return None
        if candidate.pages < LEARN_PAGES:
            return None
        site.templates.append(site.learning.pop(seen.container))
        return LEARNED


# The worker's own templates (each extraction process learns its sites from the pages it is given).
SITE_TEMPLATES = SiteTemplates()
