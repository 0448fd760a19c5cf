"""The page as lines of text with where each line sits: the input of the fields read from the whole page
(agency, editor, category, page kind), whatever main-text extraction kept.

Menus, side columns, captions, comment forms and boxes of other stories (newsbot/data/fields.toml,
[area]) give no lines: a "Kaynak: AA" under a photo or an "(AA)" dateline in a teaser of another story
must not become this article's agency. The element that holds the headline is never skipped, whatever its
class says (a wrapper named "content-with-sidebar" still holds the article)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html

from newsbot.extract.dom import BLOCK_TAGS, SKIP_TAGS
from newsbot.extract.field_rules import FieldRules, field_rules
from newsbot.text import fold, normalize_space

_CLASS_SPLIT = re.compile(r"[\s_\-]+")
_ARTICLE_TAGS = frozenset({"article", "main"})


@dataclass
class Line:
    """One line of visible text (split at block elements and <br>)."""

    text: str
    linked: bool  # all of its text is inside <a>: a headline of another page, a menu entry
    classes: frozenset[str]  # folded class/id words of the elements around it
    after_title: bool  # it comes after the page's first <h1>
    hrefs: tuple[str, ...] = ()  # the links inside it


@dataclass
class PageArea:
    lines: list[Line] = field(default_factory=list)
    title_found: bool = False


def class_words(el: lxml.html.HtmlElement) -> frozenset[str]:
    """The folded words of an element's class and id ("haber-kaynak" → {"haber", "kaynak"})."""
    klass, ident = el.get("class"), el.get("id")
    return _split_class(f"{klass} {ident}") if klass or ident else frozenset()


@lru_cache(maxsize=4096)
def _split_class(raw: str) -> frozenset[str]:
    # Memoised: a page repeats a few dozen class names over thousands of elements.
    return frozenset(fold(w) for w in _CLASS_SPLIT.split(raw) if w and w != "None")


def _skipped(el: lxml.html.HtmlElement, tag: str, in_article: bool, keep: set, rules: FieldRules,
             classes: frozenset[str]) -> bool:
    """`classes`: the element's class_words (read once by the caller, which needs them too)."""
    if el in keep:
        return False
    if tag in rules.skip_tags or tag in SKIP_TAGS:
        return True
    if tag in rules.page_chrome_tags and not in_article:
        return True
    return bool(classes & rules.skip_class_words)


def read_area(root: lxml.html.HtmlElement, rules: FieldRules | None = None) -> PageArea:
    """The page's lines outside skipped areas, in page order. Iterative (no recursion): deeply nested
    markup (thousands of levels) must not overflow the stack."""
    rules = rules or field_rules()
    body = root.find(".//body")
    start = body if body is not None else root
    h1 = next(start.iter("h1"), None)
    keep: set = set(h1.iterancestors()) | {h1} if h1 is not None else set()
    area = PageArea(title_found=h1 is not None)
    buf: list[tuple[str, bool]] = []
    hrefs: list[str] = []
    seen_title = False
    # Context per open element: (link depth, class words, inside <article>/<main>).
    ctx: list[tuple[int, frozenset[str], bool]] = [(0, frozenset(), False)]

    def flush() -> None:
        text = normalize_space("".join(t for t, _ in buf))
        if text:
            linked = all(inside or not t.strip() for t, inside in buf)
            area.lines.append(Line(text, linked, ctx[-1][1], seen_title, tuple(hrefs)))
        buf.clear()
        hrefs.clear()

    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(start, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if leaving:
            if tag in BLOCK_TAGS:
                flush()
            if tag == "h1" and node is h1:
                seen_title = True
            ctx.pop()
            if node.tail:
                buf.append((node.tail, ctx[-1][0] > 0))
            continue
        links, words, in_article = ctx[-1]
        classes = class_words(node) if tag else frozenset()
        if not tag or _skipped(node, tag, in_article, keep, rules, classes):
            if node.tail:
                buf.append((node.tail, links > 0))
            continue
        if tag in BLOCK_TAGS or tag == "br":
            flush()
        if tag == "a":
            links += 1
            if node.get("href"):
                hrefs.append(node.get("href"))
        ctx.append((links, words | classes if classes else words, in_article or tag in _ARTICLE_TAGS))
        if node.text:
            buf.append((node.text, links > 0))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    flush()
    return area
