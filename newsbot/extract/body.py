"""The article body as a list of paragraphs (sub-headings as entries of their own)."""

from __future__ import annotations

import re

import lxml.html

from newsbot.extract.dates import is_date_line
from newsbot.extract.dom import block_lines, lines_of, markup_lines, select_first, text_of
from newsbot.extract.main_text import main_text
from newsbot.text import normalize_space, words

# Inside a configured body container these elements are the paragraphs and sub-headings.
PARAGRAPH_TAGS = ("p", "h2", "h3", "h4")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*$")


def _outermost(elements: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """Drop elements nested inside another element of the list (their text is already included)."""
    chosen = set(elements)
    return [el for el in elements if not any(anc in chosen for anc in el.iterancestors())]


def container_paragraphs(container: lxml.html.HtmlElement) -> list[str]:
    """p / h2 / h3 / h4 descendants of a body container, split at <br>; a container without them
    (e.g. DHA 2016: text separated by <br><br>) gives its text lines."""
    blocks = _outermost([el for el in container.iter(*PARAGRAPH_TAGS)])
    if not blocks:
        return lines_of(container)
    out: list[str] = []
    for block in blocks:
        out.extend(lines_of(block))
    return out


def selector_body(root: lxml.html.HtmlElement, selectors: object) -> list[str]:
    """Paragraphs of the first configured body selector that matches (all its matches, in page order)."""
    out: list[str] = []
    for container in _outermost(select_first(root, selectors)):
        out.extend(container_paragraphs(container))
    return out


def trafilatura_body(page: lxml.html.HtmlElement, url: str) -> list[str]:
    """trafilatura's main text, one entry per line (it puts headings on lines of their own).
    deduplicate stays off: it drops repeated agency paragraphs and is not deterministic. The page is
    our own parsed tree (left untouched): parsing it again from a serialisation cost ~1.4 ms a page."""
    text = main_text(page, url)
    return [line for line in (normalize_space(x) for x in text.split("\n")) if line]


SUBHEAD_TAGS = ("h2", "h3", "h4", "h5")
SUBHEAD_MAX_WORDS = 20


def restore_subheads(root: lxml.html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """Put back sub-headings the main-text extraction dropped: a heading whose neighbouring elements are two
    consecutive extracted paragraphs sits inside the article (trafilatura drops some <h3>s of minified pages)."""
    position = {p: i for i, p in reversed(list(enumerate(paragraphs)))}
    inserts: dict[int, list[str]] = {}
    for heading in root.iter(*SUBHEAD_TAGS):
        text = text_of(heading)
        if not text or text in position or len(text.split()) > SUBHEAD_MAX_WORDS:
            continue
        before, after = heading.getprevious(), heading.getnext()
        if before is None or after is None:
            continue
        i, j = position.get(text_of(before)), position.get(text_of(after))
        if i is not None and j == i + 1:
            inserts.setdefault(j, []).append(text)
    if not inserts:
        return paragraphs
    out: list[str] = []
    for i, para in enumerate(paragraphs):
        out.extend(inserts.get(i, ()))
        out.append(para)
    return out


# A line of the article's own prose: a sentence of this many words or more.
PROSE_WORDS = 8
_PROSE_END = re.compile(r"[.!?…\"”'»)]\s*$")


def _is_prose(line: str) -> bool:
    return line.count(" ") + 1 >= PROSE_WORDS and bool(_PROSE_END.search(line))


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    path = [elements[0], *elements[0].iterancestors()]
    depth = {id(el): i for i, el in enumerate(path)}
    deepest = 0
    for el in elements[1:]:
        node = el
        while id(node) not in depth:
            node = node.getparent()
        deepest = max(deepest, depth[id(node)])
    return path[deepest]


def drop_other_columns(root: lxml.html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """Drop the short lines (under PROSE_WORDS words) main-text extraction appended after the article's last
    prose paragraph from another column of the page: a table layout without article markup gave trafilatura
    the whole page, and it kept the side column's teaser and address lines. The article's prose sits in one
    element; a short line after it that is found on the page only outside that element (widened by one level,
    where trailers and credits sit) is another column's furniture. Lines not found on the page are kept."""
    prose = [i for i, p in enumerate(paragraphs) if _is_prose(p)]
    if len(prose) < 2 or prose[-1] == len(paragraphs) - 1:
        return paragraphs  # nothing after the prose (the common case), or too little prose to place it
    body = root.find("body")
    if body is None:
        return paragraphs
    where: dict[str, list[lxml.html.HtmlElement]] = {}
    for line, block in block_lines(body):
        where.setdefault(line, []).append(block)
    blocks = [where[paragraphs[i]][0] for i in prose if paragraphs[i] in where]
    if len(blocks) < 2:
        return paragraphs
    container = _common_ancestor(blocks)
    container = container.getparent() if container.getparent() is not None else container
    inside = set(container.iter())
    last = prose[-1]
    tail = [p for p in paragraphs[last + 1:]
            if p.count(" ") + 1 >= PROSE_WORDS or p not in where or any(b in inside for b in where[p])]
    return paragraphs[: last + 1] + tail


def text_paragraphs(text: str) -> list[str]:
    """A body from metadata (JSON-LD articleBody) as paragraphs: its lines, or its blocks when it is HTML."""
    return markup_lines(text or "")


def word_count(paragraphs: list[str]) -> int:
    return sum(len(words(p)) for p in paragraphs)


def _starts_with(paragraph_words: list[str], prefix_words: list[str], cut: bool = False) -> bool:
    """The paragraph starts with these words; with `cut`, the last one may be cut short ("… son 16'ya kal":
    a description cut at a fixed length, mid-word)."""
    n = len(prefix_words)
    if not n or paragraph_words[:n] == prefix_words:
        return bool(n)
    return (cut and len(paragraph_words) >= n and paragraph_words[: n - 1] == prefix_words[:-1]
            and paragraph_words[n - 1].startswith(prefix_words[-1]))


def split_lead(body: list[str], lead: str, title: str, head: int = 4) -> tuple[list[str], str]:
    """Take the title, bare date lines and the lead out of the body; return (body, lead).

    Pages repeat the lead in the body, sometimes in other case (the seed site lower-cases its spot) and
    meta descriptions are often cut short. Among the first `head` paragraphs, those that are the lead
    (or start with a cut-short lead) leave the body; the one that carries the lead in its own case
    becomes the lead, so the lead is complete and properly cased."""
    title_words = words(title)
    body = [p for p in body if not is_date_line(p) and (not title_words or words(p) != title_words)]
    lead_words = words(_ELLIPSIS.sub("", lead))
    if len(lead_words) < 4:  # too short to recognise safely
        return body, lead
    cut = not _PROSE_END.search(lead)  # no sentence end: the description may stop mid-word
    matches = [i for i, p in enumerate(body[:head]) if _starts_with(words(p), lead_words, cut)]
    if not matches:
        return body, lead
    stem = _ELLIPSIS.sub("", lead)
    cased = [i for i in matches if body[i].startswith(stem)]
    full = max(cased or matches, key=lambda i: len(body[i]))
    if full in cased or len(words(body[full])) > len(lead_words):
        lead = body[full]  # the complete lead; a same-length copy in another case is not better
    drop = set(matches)
    return [p for i, p in enumerate(body) if i not in drop], lead


def article_text(lead: str, body: list[str]) -> str:
    """`text`: the whole article as a reader sees it, in page order — the lead first (once: not again when
    the body holds it, where the page shows it: split_lead only looks at the body's first paragraphs), then
    the body, paragraphs separated by blank lines."""
    lead_words = words(lead) if lead else []
    head = [lead] if lead_words and not any(words(p) == lead_words for p in body) else []
    return "\n\n".join(head + list(body))
