"""The article body as a list of paragraphs (sub-headings as entries of their own)."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from newsbot.extract.dates import is_date_line
from newsbot.extract.dom import lines_of, select_first, text_of
from newsbot.extract.main_text import main_text
from newsbot.text import fold, normalize_space, words

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


def text_paragraphs(text: str) -> list[str]:
    """A plain-text body (JSON-LD articleBody) as paragraphs."""
    return [line for line in (normalize_space(x) for x in re.split(r"\n+|<br\s*/?>", text or "")) if line]


def word_count(paragraphs: list[str]) -> int:
    return sum(len(words(p)) for p in paragraphs)


def _starts_with(paragraph_words: list[str], prefix_words: list[str]) -> bool:
    return bool(prefix_words) and paragraph_words[: len(prefix_words)] == prefix_words


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
    matches = [i for i, p in enumerate(body[:head]) if _starts_with(words(p), lead_words)]
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


_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?]\s*$")
FURNITURE_FILE = Path(__file__).resolve().parent.parent / "data" / "body.toml"


@dataclass(frozen=True)
class Furniture:
    """The rules of newsbot/data/body.toml, compiled (phrases folded)."""

    cross_links: re.Pattern
    cross_max_words: int
    headings: frozenset[tuple[str, ...]]
    heading_max_words: int
    heading_prefixes: dict[str, tuple[tuple[str, ...], ...]]  # by first word: a test per line is a lookup
    headings_by_word: dict[str, tuple[tuple[str, ...], ...]]
    heading_words: frozenset[str]  # first words of every heading and prefix
    prefix_words: int
    tail_share: float
    headline_words: int
    notices: re.Pattern
    notice_keys: tuple[str, ...]  # each pattern's leading literal: the regex runs only when one is present
    notice_max_words: int
    labels: re.Pattern
    label_max_words: int
    credits: re.Pattern
    credit_max_words: int
    caption_credit: re.Pattern
    caption_words: int


def _flat(text: str) -> str:
    """Folded, and dotless ı read as i: these phrases are in many languages, and Turkish folding turns the
    capital I of "Image", "Interesting" into ı."""
    return fold(text).replace("ı", "i")


def _letters(text: str) -> tuple[str, ...]:
    return tuple(_LETTER_RUNS.findall(_flat(text)))


def _alternatives(phrases: list[str]) -> str:
    return "|".join(re.escape(_flat(p)) for p in sorted(phrases, key=len, reverse=True))


def _label_pattern(labels: list[str], anywhere: str = "") -> re.Pattern:
    """A paragraph that starts with a label, up to one more word, then ":" ("Foto: …", "Image illustrative : …");
    a label that ends with "." stands alone ("Fot. Name"). `anywhere`: also matched anywhere ("©")."""
    colon = _alternatives([x for x in labels if not x.endswith(".")])
    dotted = [x for x in labels if x.endswith(".")]
    pattern = r"^[(\s]*(?:(?:" + colon + r")(?:\s+\w+)?\s*:"
    pattern += (r"|(?:" + _alternatives(dotted) + r")\s" if dotted else "") + ")"
    return re.compile(pattern + (f"|{anywhere}" if anywhere else ""))


@functools.lru_cache(maxsize=2)
def furniture(path: Path = FURNITURE_FILE) -> Furniture:
    """Load (once) the furniture rules; a missing key stops with one line naming it."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        cross, more, notices = raw["cross_links"], raw["more_stories"], raw["notices"]
        labels, credits = raw["labels"], raw["picture_credits"]
        return Furniture(
            cross_links=re.compile(r"^[\W_]*(?:" + _alternatives(cross["prefixes"]) + r")\s*[:»>|–-]"),
            cross_max_words=int(cross["max_words"]),
            headings=frozenset(t for t in (_letters(h) for h in more["headings"]) if t),
            heading_max_words=int(more["max_words"]),
            heading_prefixes=_by_first_word(_letters(h) for h in more["prefixes"]),
            headings_by_word=_by_first_word(_letters(h) for h in more["headings"] if len(_letters(h)) >= 2),
            heading_words=frozenset(_letters(h)[0] for h in more["headings"] + more["prefixes"] if _letters(h)),
            prefix_words=int(more["prefix_words"]),
            tail_share=float(more["tail_share"]),
            headline_words=int(more["headline_words"]),
            notices=re.compile("|".join(f"(?:{p})" for p in notices["patterns"])),
            notice_keys=tuple(dict.fromkeys(_leading_literal(p) for p in notices["patterns"])),
            notice_max_words=int(notices["max_words"]),
            labels=_label_pattern(labels["labels"]),
            label_max_words=int(labels["max_words"]),
            credits=_label_pattern(credits["labels"], anywhere="©"),
            credit_max_words=int(credits["max_words"]),
            caption_credit=re.compile(r"\((?:" + _alternatives(credits["labels"]) + r")\s*:[^()]*\)\W*$"),
            caption_words=int(credits["caption_words"]),
        )
    except KeyError as exc:
        raise ValueError(f"{path}: missing key {exc}") from None


def _by_first_word(phrases) -> dict[str, tuple[tuple[str, ...], ...]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            found.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(group) for word, group in found.items()}


_REGEX_META = re.compile(r"[\\.^$*+?{}\[\]|()]")


def _leading_literal(pattern: str) -> str:
    """The plain text every match of `pattern` contains: its start up to the first regex syntax, after any
    leading anchors ("^", "\\b", "\\W*", "\\*?"); a character made optional by a quantifier is left out.
    "" when there is none (the pattern then always runs), also for a pattern with a top-level "|"."""
    depth = 0
    for i, ch in enumerate(pattern):
        if ch == "\\" or (i and pattern[i - 1] == "\\"):
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "|" and depth == 0:
            return ""
    rest = re.sub(r"^(?:\^|\\b|\\W\*|\\\*\?)+", "", pattern)
    meta = _REGEX_META.search(rest)
    literal = rest if meta is None else rest[: meta.start()]
    if meta is not None and meta.group() in "?*{":
        literal = literal[:-1]
    return literal


def _heading(paragraph: str, rules: Furniture) -> str | None:
    """"listed": one of the listed more-stories headings; "own": a heading with words of its own ("<heading> …:",
    "Mehr zum Thema auf <site>"); None: no such heading."""
    start = _LETTER_RUNS.search(_flat(paragraph))
    if start is None or start.group() not in rules.heading_words:
        return None  # cheap test first: most lines start with no heading's first word
    letters = _letters(paragraph)
    if letters in rules.headings:
        return "listed"
    first = letters[0]
    if first in rules.heading_prefixes and len(letters) <= rules.prefix_words and not _SENTENCE_END.search(
            paragraph) and any(letters[: len(h)] == h for h in rules.heading_prefixes[first]):
        return "own"
    if first in rules.headings_by_word and paragraph.rstrip().endswith(":") and any(
            letters[: len(h)] == h for h in rules.headings_by_word[first] if len(h) < len(letters)):
        return "own"
    return None


def drop_furniture(body: list[str], rules: Furniture | None = None) -> list[str]:
    """The body without the page furniture main-text extraction keeps (newsbot/data/body.toml): links to other
    stories ("Lea también: …"), more-stories headings and the headline list after them at the end, calls to
    subscribe and advertising notices, picture credits. Only short paragraphs are tested: prose is kept."""
    rules = rules or furniture()
    out: list[str] = []
    for i, para in enumerate(body):
        count = len(para.split())
        if count > max(rules.notice_max_words, rules.cross_max_words, rules.caption_words):
            out.append(para)  # cheap test first: most paragraphs are prose
            continue
        folded = _flat(para)
        if count <= rules.cross_max_words and rules.cross_links.match(folded):
            continue
        if count <= rules.notice_max_words and any(key in folded for key in rules.notice_keys) and (
                rules.notices.search(folded)):
            continue
        if count <= rules.credit_max_words and rules.credits.search(folded):
            continue
        if count <= rules.caption_words and rules.caption_credit.search(folded):
            continue
        if count <= rules.label_max_words and rules.labels.match(folded):
            continue
        heading = _heading(para, rules) if count <= rules.heading_max_words else None
        if heading:
            rest = body[i + 1:]
            if (heading == "listed" and i >= len(body) * rules.tail_share
                    and all(len(p.split()) <= rules.headline_words for p in rest)):
                break  # a list of other stories closes the page: it goes with its heading
            continue  # a heading with words of its own may introduce the article's own links: they stay
        out.append(para)
    return out
