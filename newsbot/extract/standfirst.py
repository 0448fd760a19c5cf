"""The visible standfirst: the summary a page shows between its headline and its body.

Main-text extraction keeps the article's text container; many templates put the summary ("intro", "teaser",
"chapo", "excerpt", an <h2> under the <h1>) in the article's header, outside that container, so it was lost
whenever the meta description is another (SEO) text or missing. It is found by where it sits, not by class
names: in the smallest element around the headline that also holds the first body paragraph, the prose
lines between the two. On the 990-page general set this found the summary on pages of 15 different sites
(intro divs, teaser paragraphs, <h2> decks in <hgroup>s, excerpt boxes)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html

from newsbot.extract.dates import is_date_line
from newsbot.extract.dom import BLOCK_TAGS, SKIP_TAGS, string_of
from newsbot.text import normalize_space, word_tuple

# A standfirst is prose: bylines, dates, reading times and labels are shorter, and it ends like a sentence
# (a photo credit "(Foto: Getty)", "… / iStock.com" does not).
MIN_WORDS, MAX_WORDS = 10, 120
_SENTENCE_END = re.compile(r"[.!?…:\"'»“”]\s*$")
# It sits right under the headline: at most this many lines between them (support appeals, author bios and
# notification prompts further down the header are not the article's).
MAX_LINES_AFTER_HEADLINE = 10
# Ancestors of the headline tried (its header, the article, a wrapper) and the largest one read (characters).
MAX_LEVELS, MAX_CHARS = 6, 200_000
# Words of the first body paragraph that mark where the body starts.
PROBE_WORDS = 8
# Never a standfirst: captions, menus, lists, quotes, boxes of links; nor a block that holds a picture or
# sits beside one (a caption outside <figure>).
_NOT_PROSE = frozenset({"figure", "figcaption", "nav", "aside", "a", "li", "ul", "ol", "dl", "table", "blockquote",
                        "footer", "address"})
_PICTURES = ("img", "picture", "video")


def _headline(root: lxml.html.HtmlElement, title: str) -> lxml.html.HtmlElement | None:
    """The <h1> that shows the title (the first <h1> when none does)."""
    want = word_tuple(title)
    first = None
    for h1 in root.iter("h1"):
        if want and word_tuple(normalize_space(string_of(h1))) == want:
            return h1
        first = h1 if first is None else first
    return first


def _container(h1: lxml.html.HtmlElement, probe: str) -> lxml.html.HtmlElement | None:
    """The nearest ancestor of the headline whose text holds the body's first words."""
    for level, ancestor in enumerate(h1.iterancestors()):
        if level >= MAX_LEVELS or ancestor.tag in ("body", "html"):
            return None
        text = string_of(ancestor)
        if len(text) > MAX_CHARS:
            return None
        if probe in normalize_space(text):
            return ancestor
    return None


def _walk(top: lxml.html.HtmlElement, path: list[lxml.html.HtmlElement]
          ) -> Iterator[tuple[str | None, list[lxml.html.HtmlElement]]]:
    """Text pieces of `top`'s subtree in page order; None marks a line break (a block element or <br>). `path`
    holds the elements open around each piece. Iterative: deeply nested markup must not overflow the stack."""
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(top, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if leaving:
            if tag in BLOCK_TAGS or tag == "br":
                yield None, path
            path.pop()
            if node.tail:
                yield node.tail, path
            continue
        if not tag or tag in SKIP_TAGS:
            if node.tail:
                yield node.tail, path
            continue
        if tag in BLOCK_TAGS or tag == "br":
            yield None, path
        path.append(node)
        if node.text:
            yield node.text, path
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def _lines_after(h1: lxml.html.HtmlElement, container: lxml.html.HtmlElement
                 ) -> Iterator[tuple[str, list[lxml.html.HtmlElement]]]:
    """The text lines that follow the headline inside `container`, in page order, each with the elements open
    around it: the headline's following siblings, then its parent's, up to the container (what comes before
    the headline is never read)."""
    buf: list[str] = []
    node = h1
    while node is not container:
        parent = node.getparent()
        outer = list(reversed(list(parent.iterancestors())))
        outer = outer[outer.index(container):] + [parent] if parent is not container else [container]
        if node.tail:
            buf.append(node.tail)
        for sibling in node.itersiblings():
            for piece, path in _walk(sibling, list(outer)):
                if piece is not None:
                    buf.append(piece)
                    continue
                line = normalize_space("".join(buf))
                buf.clear()
                if line:
                    yield line, path
        line = normalize_space("".join(buf))  # the parent's block ends here
        buf.clear()
        if line:
            yield line, outer
        node = parent


def _prose(line: str, path: list[lxml.html.HtmlElement]) -> bool:
    if not MIN_WORDS <= len(line.split()) <= MAX_WORDS or not _SENTENCE_END.search(line) or is_date_line(line):
        return False
    if any(el.tag in _NOT_PROSE for el in path):
        return False
    block = next((el for el in reversed(path) if el.tag in BLOCK_TAGS), path[-1])
    around = block.getparent()  # a caption's block sits beside its picture
    return not any(next(el.iter(*_PICTURES), None) is not None for el in (block, around) if el is not None)


def standfirst(root: lxml.html.HtmlElement, title: str, body: list[str]) -> list[str]:
    """Prose lines shown between the headline and the first body paragraph, in page order ([] when the page
    has no headline element, the body does not start near it, or nothing there reads as prose)."""
    if not body:
        return []
    h1 = _headline(root, title)
    probe = " ".join(body[0].split()[:PROBE_WORDS])
    container = _container(h1, probe) if h1 is not None else None
    if container is None:
        return []
    found: list[str] = []
    for after, (line, path) in enumerate(_lines_after(h1, container), 1):
        if line.startswith(probe):
            return found
        if after > MAX_LINES_AFTER_HEADLINE:
            if not found:
                return []  # nothing can be found further down
        elif line not in body and _prose(line, path):
            found.append(line)
    return []  # the body's first paragraph is no line of its own here: the page is laid out otherwise
