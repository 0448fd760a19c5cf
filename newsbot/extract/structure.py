"""Structure before text: repairs made on the parsed page before any text is read from it.

Text joins lose what the markup knew. These passes work on elements, so the text extracted afterwards has
its paragraph boundaries where the page has them:
- `unwrap_layout_tables`: tables used for page layout (a cell holding a nested table, a form or a long run
  of text) become plain blocks, so the article in one big cell is read as paragraphs, not as a table row.
- `drop_polls`: a block holding a radio-button group (a poll: question, "Evet", "Hayır") is removed.
- `drop_related_boxes`: a block whose own words are a widget heading ("İLGİLİ HABER", "Sıradaki haber")
  and whose rest is a link to another story is removed, wherever it sits in the body.
- `drop_link_paragraphs`: a paragraph that is nothing but one link to another page (a headline set in the
  body as "read this too": "<p><a href=…>Richtig frühstücken: Die besten Tipps …</a></p>") is removed.
- `wrap_break_paragraphs`: old CMSs write the body as text runs separated by <br><br> in one element (a
  <font> in a table cell, a bare <div>); each run becomes a <p>, so main-text extraction sees paragraphs
  (without them trafilatura took a sidebar table for the article: ilcegazete in the held-out set).
- `split_glued_inline`: minified HTML has no whitespace between tags; where an inline element starts a new
  line of text by any reading ("…kaldı" + "<span>13-07-2025</span>", "…yavaşladı." + "<b>Ekipler…</b>"),
  a <br> is put between them.
The widget headings are the data of newsbot/data/chrome.toml ([cut] headings).
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

import lxml.html

from newsbot.extract.dom import BLOCK_TAGS, SKIP_TAGS, string_of
from newsbot.text import letter_tuple

CHROME_FILE = Path(__file__).resolve().parent.parent / "data" / "chrome.toml"
# A table cell with this many words of its own text is a page column, not a data cell.
LAYOUT_CELL_WORDS = 80
# A related box: its heading is a short text node, the box a few levels up and short.
HEADING_MAX_CHARS, BOX_MAX_LEVELS, BOX_MAX_CHARS = 60, 4, 600
# A poll's question and options (with a vote button and a results link) fit in this many words.
POLL_MAX_WORDS = 60
_CELL_TAGS = ("td", "th")
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"})
# A cell holding these is a page region (data cells hold text, links, images; an infobox cell may hold a <p>).
_LAYOUT_CONTENT = ("table", "form")
# A link paragraph is a headline's length; a link whose text is an address is shown as such (kept).
LINK_PARAGRAPH_MAX_WORDS = 25
_ADDRESS = re.compile(r"https?:|www\.|\w\.(com|org|net|de)\b", re.IGNORECASE)
_NOT_A_PAGE = ("#", "javascript:", "mailto:", "tel:")
# Never split at these: superscripts and subscripts continue the word ("5000 m<sup>2</sup>").
_INLINE_SKIP = SKIP_TAGS | BLOCK_TAGS | {"br", "img", "input", "sup", "sub"}
_LETTER_END = re.compile(r"[^\W\d_]$")
_SENTENCE_END = re.compile(r"[.!?…]$")


@functools.lru_cache(maxsize=1)
def widget_headings() -> frozenset[tuple[str, ...]]:
    """The [cut] headings of chrome.toml as letter-word tuples (folded)."""
    data = tomllib.loads(CHROME_FILE.read_text(encoding="utf-8"))
    return frozenset(t for t in (letter_tuple(h) for h in data.get("cut", {}).get("headings", [])) if t)


def repair(root: lxml.html.HtmlElement) -> None:
    """All passes, in an order where each sees the structure the previous one fixed."""
    unwrap_layout_tables(root)
    drop_polls(root)
    drop_related_boxes(root)
    drop_link_paragraphs(root)
    wrap_break_paragraphs(root)
    split_glued_inline(root)


def _own_cells(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The table's own cells (not those of tables nested in it)."""
    return [c for c in table.iter(*_CELL_TAGS) if next(c.iterancestors("table"), None) is table]


def _is_layout_cell(cell: lxml.html.HtmlElement) -> bool:
    if any(el is not cell for el in cell.iter(*_LAYOUT_CONTENT)):
        return True
    return len(" ".join(cell.itertext()).split()) >= LAYOUT_CELL_WORDS


def unwrap_layout_tables(root: lxml.html.HtmlElement) -> None:
    """Turn layout tables (any own cell holds blocks, a form, a nested table or a long text) into divs."""
    layout = [t for t in root.iter("table") if any(_is_layout_cell(c) for c in _own_cells(t))]
    # The parts of each table are collected before any is renamed (renaming hides a table from iterancestors).
    parts = [el for table in layout for el in table.iter(*_TABLE_PARTS)
             if el is table or next(el.iterancestors("table"), None) is table]
    for el in parts:
        el.tag = "div"


def drop_polls(root: lxml.html.HtmlElement) -> None:
    """Remove each radio-button group with its question: the nearest form, table or block holding the
    whole group (at least two options)."""
    groups: dict[str, list[lxml.html.HtmlElement]] = {}
    for el in root.iter("input"):
        if (el.get("type") or "").lower() == "radio":
            groups.setdefault(el.get("name") or "", []).append(el)
    for inputs in groups.values():
        if len(inputs) < 2:
            continue
        box = inputs[0]
        while box is not None and not all(box in i.iterancestors() for i in inputs[1:]):
            box = box.getparent()
        # Up to the enclosing form / table / block: the question sits beside the options. A poll is small;
        # a container with more text is a page (ASP.NET pages wrap everything in one <form>): leave it.
        while box is not None and box.tag not in ("form", "table", "div", "fieldset", "section", "aside"):
            box = box.getparent()
        if (box is not None and box.getparent() is not None and box.tag not in ("body", "html")
                and len(" ".join(box.itertext()).split()) <= POLL_MAX_WORDS):
            box.drop_tree()


def _links_have_words(el: lxml.html.HtmlElement, count: int) -> bool:
    """Its links hold `count` words or more (counted link by link, stopping there: a box's first link has them)."""
    total = 0
    for a in el.iter("a"):
        total += len(" ".join(a.itertext()).split())
        if total >= count:
            return True
    return False


def _own_text(el: lxml.html.HtmlElement) -> str:
    """The element's text outside links."""
    parts = [el.text or ""]
    for child in el:
        if child.tag != "a":
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def drop_related_boxes(root: lxml.html.HtmlElement) -> None:
    """Find widget-heading text first (short text nodes: cheap), then climb to the box around it: the
    nearest ancestor whose words outside links are just that heading and that links to a story."""
    headings = widget_headings()
    found = []
    for el in root.iter():
        text = el.text if isinstance(el.tag, str) else None
        # Most elements' own text is layout whitespace: no letters, no heading (and no fold to make).
        if text and len(text) <= HEADING_MAX_CHARS and not text.isspace() and letter_tuple(text) in headings:
            found.append(el)
    for el in found:
        box = el
        for _ in range(BOX_MAX_LEVELS):
            if box is None or box.getparent() is None or box.tag in ("body", "html"):
                break
            if len(string_of(box)) > BOX_MAX_CHARS:
                break
            if _links_have_words(box, 3) and letter_tuple(_own_text(box)) in headings:
                box.drop_tree()
                break
            box = box.getparent()


def drop_link_paragraphs(root: lxml.html.HtmlElement) -> None:
    """Remove each <p> whose letters are all inside its one link to another page (a cross-link set as a
    paragraph of its own; measured on 6 sites of the general set's dev half, BENCHMARKS.md). A paragraph with
    any word outside the link, with two links, a link to a place on the same page, or a shown address is kept,
    and so is one in a table cell."""
    for par in list(root.iter("p")):
        links = list(par.iter("a"))
        if len(links) != 1 or next(par.iterancestors(*_CELL_TAGS), None) is not None:
            continue  # (a link in a data table's cell is the table's content: "Friends: Maru, Sam")
        href = (links[0].get("href") or "").strip()
        if not href or href.lower().startswith(_NOT_A_PAGE):
            continue
        text = string_of(par)
        letters = letter_tuple(text)
        if (not letters or len(letters) > LINK_PARAGRAPH_MAX_WORDS or letter_tuple(string_of(links[0])) != letters
                or _ADDRESS.search(text)):
            continue
        if par.getparent() is not None:
            par.drop_tree()


def _text_before(el: lxml.html.HtmlElement) -> str:
    """The text that comes right before the element inside its parent (empty after a block or <br>)."""
    prev = el.getprevious()
    if prev is not None:
        if prev.tail:
            return prev.tail
        tag = prev.tag if isinstance(prev.tag, str) else ""
        return "" if not tag or tag in _INLINE_SKIP else next(
            (piece for piece in reversed(list(prev.itertext())) if piece), "")
    parent = el.getparent()
    return (parent.text or "") if parent is not None else ""


def _starts_line(left: str, right: str) -> bool:
    """True when `right` glued to `left` without a space is a new line of text: a letter then a digit
    (a headline glued to its date line), or a lower-case letter / a sentence end then a capital."""
    if not left or not right or left[-1].isspace() or right[0].isspace():
        return False
    a, b = left[-1], right[0]
    if b.isdigit():
        return bool(_LETTER_END.search(a))
    return b.isupper() and (a.islower() or bool(_SENTENCE_END.search(a)))


def split_glued_inline(root: lxml.html.HtmlElement) -> None:
    body = root.find("body")
    if body is None:
        return
    # Every element listed has a parent (the body's is <html>) and keeps it: the loop only inserts <br>s.
    for el in list(body.iter()):
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _INLINE_SKIP:
            continue
        left = _text_before(el)
        if not left or left[-1].isspace():  # most elements: nothing glued before them (cheaper test first)
            continue
        text = next((piece for piece in el.itertext() if piece), "")  # only its first character matters
        if text and _starts_line(left, text):
            el.addprevious(lxml.html.Element("br"))


# A run between <br><br>s is prose when it has this many words; an element needs two such runs to be a body.
BREAK_PARAGRAPH_WORDS = 10
# Elements that may not hold a <p> (or already are paragraphs / lists / preformatted text).
_NO_WRAP = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "a", "button", "label",
                      "option", "select", "textarea", "address", "caption", "table", "tr", "thead", "tbody",
                      "tfoot", "ul", "ol", "dl"}) | SKIP_TAGS


def _break_runs(el: lxml.html.HtmlElement) -> list | None:
    """The element's content split at two or more consecutive <br>s (only whitespace between them): a list
    of runs (lists of strings and inline children) and block children (kept as they are, between runs).
    None when it holds no double break."""
    parts: list = [[el.text] if el.text else []]
    children = list(el)
    doubles = 0
    i = 0
    while i < len(children):
        child = children[i]
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in BLOCK_TAGS:  # a block ends the run before it and starts a new one after it
            parts += [child, [child.tail] if child.tail else []]
            i += 1
            continue
        if tag == "br":
            j = i
            while (j + 1 < len(children) and children[j + 1].tag == "br"
                   and not (children[j].tail or "").strip()):
                j += 1
            if j > i:  # two or more <br>s in a row: a paragraph break
                doubles += 1
                parts.append([children[j].tail] if children[j].tail else [])
                i = j + 1
                continue
        parts[-1].append(child)
        if child.tail:
            parts[-1].append(child.tail)
        i += 1
    return parts if doubles else None


def _run_words(run: list) -> int:
    """Words of a run outside links (a list of linked headlines separated by <br><br>s is no body)."""
    return sum(len((piece if isinstance(piece, str) else "" if piece.tag == "a" else _own_text(piece)).split())
               for piece in run)


def _link_words(run: list) -> int:
    return sum(len(" ".join(a.itertext()).split()) for piece in run if not isinstance(piece, str)
               for a in piece.iter("a"))


def _prose_runs(parts: list) -> bool:
    """Two or more runs are prose, at least half of the runs with text are, and none is half links or more: a list of
    links, footnotes or labels separated by <br><br>s under a paragraph or two is no body, and main-text
    extraction would drop a link-dense run made a <p> (the element is left as it was)."""
    runs = [r for r in parts if isinstance(r, list) and any(
        (p if isinstance(p, str) else " ".join(p.itertext())).strip() for p in r)]
    prose = sum(_run_words(r) >= BREAK_PARAGRAPH_WORDS for r in runs)
    linked = any(_link_words(r) and 2 * _link_words(r) >= _run_words(r) for r in runs)
    return prose >= 2 and 2 * prose >= len(runs) and not linked


def wrap_break_paragraphs(root: lxml.html.HtmlElement) -> None:
    """Wrap each run of text between <br><br>s (or block children) in a <p>, in elements holding at least two
    prose runs (a paragraph's own <br><br>s are left: a <p> may not hold another)."""
    body = root.find("body")
    if body is None:
        return
    parents = {br.getparent() for br in body.iter("br")}
    for el in parents:
        if el is None or not isinstance(el.tag, str) or el.tag in _NO_WRAP:
            continue
        parts = _break_runs(el)
        if parts is None or not _prose_runs(parts):
            continue
        for child in list(el):
            child.tail = None
            el.remove(child)
        el.text = None
        for part in parts:
            if not isinstance(part, list):
                el.append(part)  # a block child, in its place
                continue
            paragraph = lxml.html.Element("p")
            last = None
            for piece in part:
                if not isinstance(piece, str):
                    paragraph.append(piece)
                    last = piece
                elif last is None:
                    paragraph.text = (paragraph.text or "") + piece
                else:
                    last.tail = (last.tail or "") + piece
            if len(paragraph) or (paragraph.text or "").strip():
                el.append(paragraph)
