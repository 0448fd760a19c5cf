"""HTML tree helpers: parse, CSS selection with "first matching selector wins", and text as lines."""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.etree
import lxml.html
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError

from newsbot.text import normalize_space

# Elements whose text is never article text.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "button", "form", "select",
                       "textarea", "head", "title", "meta", "link"})
# Elements that start a new line of text (paragraph boundary).
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "aside", "header", "footer", "nav",
                        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                        "blockquote", "figure", "figcaption", "table", "tr", "td", "th", "pre", "hr", "address"})
# Characters lxml refuses in text it is asked to set (trafilatura rewrites text nodes and gives up on the
# page otherwise); trafilatura strips the same set before parsing a string. As UTF-8 bytes: C0 controls but
# tab/LF/CR are single bytes (bytes.translate deletes them ~10× faster than a regex on the str), U+FFFE/F
# three bytes each.
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r")
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
_selector_cache: dict[str, CSSSelector] = {}
# The parser trafilatura uses (comments and processing instructions dropped, no id index): the tree is
# handed to trafilatura as it is, so it must look like the tree trafilatura would parse itself. The text
# is handed over as UTF-8 bytes (libxml2 parses bytes ~1.5× faster than a str), and the parser's encoding
# overrides any charset the page declares (the text is already decoded).
_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True,
                               encoding="utf-8")
# lxml.html's element classes (HtmlElement; FormElement, InputElement… by tag name) chosen in C: its own
# HtmlElementClassLookup is a Python method called for every element proxy made (thousands a page).
_LOOKUP = lxml.etree.ElementNamespaceClassLookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))
# The tag-specific classes lxml.html's own lookup gives, by their public names (its table of them is private);
# tests/test_extract_unit.py checks the parsed types against lxml.html's parser.
_LOOKUP.get_namespace(None).update({"form": lxml.html.FormElement, "input": lxml.html.InputElement,
                                    "select": lxml.html.SelectElement, "textarea": lxml.html.TextareaElement,
                                    "label": lxml.html.LabelElement})
_PARSER.set_element_class_lookup(_LOOKUP)


_SCRIPT_OPEN = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
# ASCII-only case folding: the same count as `text.lower().count("<script")` (no other character lower-cases to
# these letters on its own) without lower-casing a whole page first (~0.5 ms on a 50 KB Turkish page).
_SCRIPT_TAG_OPEN = re.compile(r"<script", re.IGNORECASE | re.ASCII)
_SCRIPT_TAG_CLOSE = re.compile(r"</script", re.IGNORECASE | re.ASCII)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)
# Where an unclosed script's code ends: a line that starts with a tag. Code rarely starts a line with "<tag"
# (a "<script" or "</div>" inside a JS string sits mid-line), so a script without such a line is left alone.
_LINE_MARKUP = re.compile(r"\n[ \t]*<[a-zA-Z!/]")


def close_unclosed_scripts(text: str) -> str:
    """A <script> never closed (or closed only after another <script> opens) swallows the page that follows
    it: the parser reads everything up to the next </script> as code. Close it where a line of markup starts."""
    if len(_SCRIPT_TAG_OPEN.findall(text)) == len(_SCRIPT_TAG_CLOSE.findall(text)):
        return text  # the common case: every script closed (checked exactly below otherwise)
    out: list[str] = []
    pos = 0
    while (opened := _SCRIPT_OPEN.search(text, pos)) is not None:
        closed = _SCRIPT_CLOSE.search(text, opened.end())
        following = _SCRIPT_OPEN.search(text, opened.end())
        if closed is not None and (following is None or closed.start() < following.start()):
            out.append(text[pos:closed.end()])
            pos = closed.end()
            continue
        limit = following.start() if following is not None else len(text)
        markup = _LINE_MARKUP.search(text, opened.end(), limit)
        if markup is None:  # no markup line before the next <script>: that one is inside this one's code
            end = closed.end() if closed is not None else len(text)
            out.append(text[pos:end])
            pos = end
            continue
        out.append(text[pos:markup.start()] + "</script>")
        pos = markup.start()
    out.append(text[pos:])
    return "".join(out)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page; an empty or unparsable page gives an empty <html> rather than an exception.
    Unclosed <script> elements are closed first (see close_unclosed_scripts)."""
    text = close_unclosed_scripts(text)
    data = text.encode("utf-8", errors="replace").translate(None, _CONTROL_BYTES)
    for bad in _NONCHARACTERS:
        if bad in data:
            data = data.replace(bad, b"")
    try:
        return lxml.html.document_fromstring(data or b"<html></html>", parser=_PARSER)
    except (ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>")


def as_list(value: object) -> list[str]:
    """A config value that is a string or a list of strings, as a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, Iterable) else []


def select(root: lxml.html.HtmlElement, css: str) -> list[lxml.html.HtmlElement]:
    sel = _selector_cache.get(css)
    if sel is None:
        sel = _selector_cache[css] = CSSSelector(css, translator="html")
    return sel(root)


def select_first(root: lxml.html.HtmlElement, selectors: object) -> list[lxml.html.HtmlElement]:
    """Elements of the first selector (in config order) that matches anything with text."""
    for css in as_list(selectors):
        found = [el for el in select(root, css) if text_of(el)]
        if found:
            return found
    return []


def drop(root: lxml.html.HtmlElement, selectors: object) -> None:
    """Remove every element matched by any selector (tails are kept: they belong to the parent)."""
    for css in as_list(selectors):
        for el in select(root, css):
            if el.getparent() is not None:
                el.drop_tree()


def string_of(el: lxml.html.HtmlElement) -> str:
    """`el.text_content()` (every text node under the element, joined as they are), serialised by libxml2 in
    one call: text_content() runs a compiled XPath per element, about twice the cost."""
    return lxml.etree.tostring(el, method="text", encoding=str, with_tail=False)


def text_of(el: lxml.html.HtmlElement) -> str:
    """All visible text of an element on one line: `" ".join(lines_of(el))` normalised, without making the
    lines. A space at each block boundary and <br> splits words exactly where a line break would, and
    normalize_space collapses the rest (~2x cheaper: no per-line normalising, no closures per call)."""
    out: list[str] = []
    _text_pieces(el, out)
    return normalize_space("".join(out))


_BREAKS = BLOCK_TAGS | {"br"}


def _text_pieces(node: lxml.html.HtmlElement, out: list[str]) -> None:
    tag = node.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS:  # comments / processing instructions have no str tag
        return
    breaks = tag in _BREAKS
    if breaks:
        out.append(" ")
    if node.text:
        out.append(node.text)
    for child in node:
        _text_pieces(child, out)
        if child.tail:
            out.append(child.tail)
    if breaks:
        out.append(" ")


# A tag of the markup a description or a JSON-LD articleBody sometimes carries as text ("<p><strong>…").
_MARKUP = re.compile(r"</?(?:p|br|div|span|strong|b|em|i|u|a|ul|ol|li|h[1-6]|blockquote|figure|img)\b[^<>]*>",
                     re.IGNORECASE)


def markup_lines(text: str) -> list[str]:
    """Lines of a text taken from metadata: split at line breaks, and, when it holds HTML markup (a description
    or JSON-LD articleBody written as HTML), read as HTML, split at its blocks and <br>s, without its tags."""
    if "<" not in text or not _MARKUP.search(text):
        return [line for line in (normalize_space(x) for x in text.split("\n")) if line]
    try:
        fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    except (ParserError, ValueError):  # markup lxml cannot read: its tags are taken out as text
        return markup_lines(_MARKUP.sub("\n", text))
    return lines_of(fragment)


def lines_of(el: lxml.html.HtmlElement) -> list[str]:
    """Text of an element split at block boundaries and <br>: one entry per paragraph or heading."""
    return [text for text, _ in block_lines(el)]


def block_lines(el: lxml.html.HtmlElement) -> list[tuple[str, lxml.html.HtmlElement]]:
    """`lines_of(el)` with, for each line, the innermost block element it sits in (`el` itself for text
    outside any block): the learned site templates (site_template.py) say which blocks hold the body."""
    lines: list[tuple[str, lxml.html.HtmlElement]] = []
    buf: list[str] = []
    blocks = [el]

    def flush() -> None:
        line = normalize_space("".join(buf))
        if line:
            lines.append((line, blocks[-1]))
        buf.clear()

    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS or not tag:  # comments / processing instructions have no str tag
            return
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            flush()
        if block:
            blocks.append(node)
        if node.text:
            buf.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block or tag == "br":
            flush()
        if block:
            blocks.pop()

    walk(el)
    flush()
    return lines
