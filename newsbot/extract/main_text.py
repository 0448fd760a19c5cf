"""trafilatura's main text, same output, less CPU.

`trafilatura.extract(tree, include_comments=False, include_tables=True, deduplicate=False)` spends most of
its time on work whose result it then throws away on a typical news page: two regex XPaths over the raw
tree that match nothing (lxml runs EXSLT `re:test` as a Python call per element), readability and
justext run only to be compared with its own result, and a whole-page text dump (`html2txt`) to decide
whether a short extraction covers too little of the page. This module runs trafilatura's own cascade
(`trafilatura.core.trafilatura_sequence`, pinned at 2.3.1 in requirements.txt) for exactly that
configuration and skips a step only where a cheap test shows the step cannot change the result:

- the raw-tree prunes test their XPath conditions only on elements whose class or id could satisfy
  them (a plain regex over all class and id values), not on every element;
- html2txt runs only when an upper bound of its length could trigger the recall retry (exact);
- readability/justext run whenever trafilatura's own rules would examine justext (short or "unclean"
  result) or could prefer readability for structure (no paragraphs, table-dominated), and otherwise only
  when readability could be more than twice as long as the result (the only other way it wins): an
  upper bound of its length is the page's text minus what readability itself drops first.

On the 1,001 corpus pages and the bench site's pages the output is identical to trafilatura's.
Any other trafilatura version, or any error here, falls back to `trafilatura.extract` itself.
tests/test_extract_corpus.py holds the output equal to trafilatura's on the Turkish corpus and on every
10th page of the trafilatura evaluation set."""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import copy
from functools import lru_cache

import lxml.html
import trafilatura
from lxml import etree

_VERSION = "2.3.1"
_ENABLED = trafilatura.__version__ == _VERSION
if _ENABLED:  # internal API of this exact version; never imported for another one
    from lxml.etree import Element, strip_elements, strip_tags
    from trafilatura import core as _core
    from trafilatura import main_extractor as _main
    from trafilatura.baseline import _BLOCK_ELEMS
    from trafilatura.external import SANITIZED_XPATH, compare_extraction
    from trafilatura.readability_lxml import FRAME_TAGS as _READABILITY_FRAME_TAGS
    from trafilatura.readability_lxml import REGEXES as _READABILITY_REGEXES
    from trafilatura.settings import Extractor
    from trafilatura.utils import SPACING_PROTECTED, normalize_unicode, text_chars_test
    from trafilatura.xml import delete_element, xmltotxt
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

# An element the raw-tree prune XPaths (RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH) select has a
# class or id containing one of these: only such elements are tested against the XPaths' conditions.
_PRUNE_HINT = re.compile(r"mvp-post-add-|infinite-?scroll|elementor-share-buttons|[Cc]omment|comol|disqus_thread"
                         r"|dsq-comments")
_CLASS_ID = etree.XPath("//@class|//@id")
# The same conditions tested on one element (".//*[…]" → "self::*[…]"), in trafilatura's order.
_PRUNE_SELF = [
    etree.XPath(x.path.strip().replace(".//*", "self::*", 1), namespaces={"re": "http://exslt.org/regular-expressions"})
    for x in (*RAW_TREE_PRUNE_XPATH, *REMOVE_COMMENTS_AND_LISTS_XPATH)
] if _ENABLED else []
_P_TEXT = etree.XPath(".//p//text()")
_SANITIZED = etree.XPath(SANITIZED_XPATH) if _ENABLED else None  # postbody.xpath(str) compiles on every call
_COUNT_ELEMENTS = etree.XPath("count(//*)")
if _ENABLED:
    _UNLIKELY = _READABILITY_REGEXES["unlikelyCandidatesRe"]
    _MAYBE = _READABILITY_REGEXES["okMaybeItsACandidateRe"]


class _PageText:
    """Upper bounds of text lengths, read from the copy of the page that tree cleaning is about to consume.
    The collapsed length (runs of whitespace as one space, stripped) of a text with a contiguous part removed
    is at most the whole's minus the part's: so removing disjoint elements is bounded by subtracting their
    collapsed lengths."""

    def __init__(self, work: lxml.html.HtmlElement, attrs: list, original: lxml.html.HtmlElement) -> None:
        # Script/style text (often most of a page's characters) is blanked in the copy: tree cleaning
        # deletes these elements with their text before anything reads it. (Blanking it in the original
        # and putting it back cost more: lxml decodes and re-encodes the whole text.)
        for el in work.iter("script", "style"):
            el.text = None
        self.without_scripts = _collapsed_len(work.text_content())
        self.readability = self.without_scripts - self._unlikely(attrs)
        self.tree = original  # element counts: the raw tree has at most the original's elements

    @staticmethod
    def _unlikely(attrs: list) -> int:
        """Readability's text (trafilatura.readability_lxml) is a part of what is left after it drops
        script/style/fencedframe and every element whose class/id looks unlikely
        (Document.remove_unlikely_candidates): the collapsed length of the outermost such elements.
        Its pattern has no space, so it matches the joined class and id only where it matches one of them:
        only the elements of such values are looked at (making an element proxy costs more than a search)."""
        dropped: set = set()
        length = 0
        for el in dict.fromkeys(a.getparent() for a in attrs if _UNLIKELY.search(a.lower())):
            if el.tag in _READABILITY_FRAME_TAGS:
                continue
            names = " ".join(filter(None, (el.get("class"), el.get("id")))).lower()
            if (len(names) >= 2 and _UNLIKELY.search(names) and not _MAYBE.search(names)
                    and not any(anc in dropped for anc in el.iterancestors())):
                dropped.add(el)
                length += _collapsed_len(el.text_content())
        return length

    def may_escalate(self, len_text: int) -> bool:
        """Whether `len_text < ESCALATION_PAGE_SHARE * len(html2txt(tree))` may hold, from upper bounds of
        html2txt's length (the same float expression: multiplying is monotonic). html2txt drops
        scripts/styles (and more) and inserts at most two spaces per block element; the page has at most
        count(//*) of them (cheap); counting them (~0.1 ms) is left to pages where that does not settle it."""
        share = _core.ESCALATION_PAGE_SHARE
        if not len_text < share * (self.without_scripts + 2 * int(_COUNT_ELEMENTS(self.tree))):
            return False
        return len_text < share * (self.without_scripts + 2 * sum(1 for _ in self.tree.iter(*_BLOCK_ELEMS)))


@lru_cache(maxsize=1)
def _options() -> Extractor:
    """The Extractor trafilatura.extract builds for our arguments (per process: it reads the config)."""
    return Extractor(output_format="txt", comments=False, tables=True, dedup=False)


def _collapsed_len(text: str) -> int:
    """Length of the text with whitespace runs collapsed to one space and stripped (trafilatura's trim)."""
    return len(" ".join(text.split()))


def main_text(tree: lxml.html.HtmlElement, url: str | None) -> str:
    """What `trafilatura.extract(tree, url=url, include_comments=False, include_tables=True,
    deduplicate=False)` returns ("" for None). `tree` is left untouched."""
    if _ENABLED:
        try:
            return _sequence(tree, url)
        except Exception:  # an unexpected input: let trafilatura itself handle (or reject) it
            pass
    return trafilatura.extract(tree, url=url, include_comments=False, include_tables=True, deduplicate=False) or ""


def _raw_prune(tree: lxml.html.HtmlElement, attrs: list, is_forum: bool) -> bool:
    """prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH) and (not on a forum) REMOVE_COMMENTS_AND_LISTS_XPATH,
    in place; each XPath's condition is evaluated only on elements whose class or id (`attrs`:
    _CLASS_ID(tree)) could satisfy it. False when no element could be selected (nothing changed)."""
    candidates = list(dict.fromkeys(a.getparent() for a in attrs if _PRUNE_HINT.search(a)))
    for number, condition in enumerate(_PRUNE_SELF):
        if number == len(RAW_TREE_PRUNE_XPATH) and is_forum:
            break
        # all matches first, then the deletions, as prune_unwanted_nodes does (deleting one element can
        # change another's condition, e.g. not(.//h1)); the order of deletions does not matter
        for el in [el for el in candidates if condition(el)]:
            delete_element(el)  # the tail text is kept, as prune_unwanted_nodes does
    return bool(candidates)


def _pruned_copy(tree: lxml.html.HtmlElement, is_forum: bool) -> lxml.html.HtmlElement:
    work = copy(tree)
    _raw_prune(work, _CLASS_ID(work), is_forum)
    return work


def _extract_content(cleaned_tree: lxml.html.HtmlElement, options: Extractor,
                     fresh: Callable[[], lxml.html.HtmlElement]) -> tuple[etree._Element, str]:
    """main_extractor.extract_content (2.3.1) without its up-front deepcopy of the tree and list of its
    elements: only its recovery pass (too little text, ~1 page in 10 of the corpus, none of the bench's) reads
    them. That pass is left to extract_content itself, on `fresh()`: the same tree made again (convert_tags
    of the cleaned copy), so its main pass, element list and backup are what they would have been."""
    result_body, temp_text, _ = _main._extract(cleaned_tree, options)
    if len(result_body) == 0 or len(temp_text) < options.min_extracted_size:
        return _core.extract_content(fresh(), options)
    # the rest of extract_content, as it is
    previous = None
    for el in list(result_body):
        current = _main._elem_text(el)
        if current and current == previous and len(current) > _main.MIN_DUPLICATE_LENGTH:
            delete_element(el, keep_tail=False)
        else:
            previous = current
    strip_elements(result_body, "done")
    strip_tags(result_body, "div")
    for linebreak in result_body.iter("lb"):
        if (
            linebreak.tail
            and not text_chars_test(linebreak.tail)
            and not any(anc.tag in SPACING_PROTECTED for anc in linebreak.iterancestors())
        ):
            linebreak.tail = None
    return result_body, temp_text


def _sequence(tree: lxml.html.HtmlElement, url: str | None) -> str:
    """trafilatura_sequence (core.py, 2.3.1) for comments off, balanced focus, no fast mode, with the
    skips described in the module docstring; then extract()'s txt output."""
    options = copy(_options())
    options.url = options.source = url
    original = tree
    is_forum = _core._forum_thread_page(original)
    # _prepare_tree's copy, pruned in place and consumed by tree cleaning; the raw (pruned) tree is made
    # again only for the steps that need it, which few pages reach (the original when nothing was pruned).
    work = copy(original)
    attrs = _CLASS_ID(work)
    # Length bounds from the unpruned page: the pruned page's texts are parts of it (looser, still bounds).
    page = _PageText(work, attrs, original)
    tree = None if _raw_prune(work, attrs, is_forum) else original
    cleaned_tree = _core.tree_cleaning(work, options)
    cleaned_tree_backup = copy(cleaned_tree)
    cleaned_tree = _core.convert_tags(cleaned_tree, options, url)

    def raw() -> lxml.html.HtmlElement:
        nonlocal tree
        if tree is None:
            tree = _pruned_copy(original, is_forum)
        return tree

    # 1-2. main extractor; readability / justext only when they could be chosen
    postbody, temp_text = _extract_content(cleaned_tree, options, lambda: _core.convert_tags(
        copy(cleaned_tree_backup), options, url))
    len_text = len(temp_text)
    may_replace = (
        len_text == 0
        or len_text < options.min_extracted_size  # justext examined
        or bool(_SANITIZED(postbody))  # "unclean": justext examined
        or not _P_TEXT(postbody)  # structurally deficient: readability may win
        or len(postbody.findall(".//table")) > len(postbody.findall(".//p"))
        # readability wins when more than twice as long; it returns part of the text its own cleaning leaves
        or 2 * len_text < page.readability
    )
    if may_replace:
        postbody, temp_text = compare_extraction(cleaned_tree_backup, copy(raw()), postbody, temp_text, options)

    # 3. rescue: baseline on the original tree, accepted only if it adds text
    if len(temp_text) < options.min_extracted_size:
        b_body, b_text, b_len = _core.baseline(raw())
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text

    # 4. recall escalation when a short extraction covers little of the page (html2txt computed only
    # when its upper bound — body text plus the spaces it inserts at block elements — could trigger it)
    len_text = len(temp_text)
    if (
        0 < len_text < _core.ESCALATION_MAX_LENGTH
        and page.may_escalate(len_text)
        and len_text < _core.ESCALATION_PAGE_SHARE * len(_core.html2txt(raw()))
    ):
        r_options = copy(options)
        r_options.focus = "recall"
        r_text = ""
        try:
            r_body, r_text = _core._recall_retry(raw(), r_options, url)
        except Exception:
            pass
        j_text = ""
        try:
            j_body, j_text = _core.justext_rescue(copy(raw()), options)
        except Exception:
            pass
        len_text, r_len, j_len = len(temp_text), len(r_text), len(j_text)
        if j_len > r_len and j_len > _core.ESCALATION_JUSTEXT_RATIO * len_text:
            postbody, temp_text = j_body, j_text
        elif r_len >= options.min_extracted_size and r_len > _core.ESCALATION_ACCEPT_RATIO * len_text:
            postbody, temp_text = r_body, r_text

    if len(temp_text) < options.min_output_size:
        return ""
    # extract()'s txt output: body text, then the (empty) comments body, stripped, NFC
    return normalize_unicode(f"{xmltotxt(postbody, False)}\n{xmltotxt(Element('body'), False)}".strip())
