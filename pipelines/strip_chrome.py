"""Chrome stripping: remove the site chrome and page furniture that survive extraction, and turn source
trailers into fields. The one rule set (newsbot/data/chrome.toml) read by one stage of the crawl.

Two layers:
- pure functions: `load_rules()` reads the phrase data (newsbot/data/chrome.toml plus extra files),
  `strip_paragraphs()` cleans an extracted body, `strip_text()` cleans plain text such as a naive
  scraper's dump of a page (it also finds the category label, title, lead and date line);
- `StripChromePipeline`, a Scrapy item pipeline around `strip_paragraphs()` that counts what each rule
  removed in the stats `newsbot/chrome/<rule>`.

Rules (stat names): trailer, agency_marker, date_line, cut_after, phrase, notice, pattern, cross_link,
meta_label, picture_credit, stamp, more_stories, no_text, title_repeat, category_line, label, lead_repeat, duplicate.
Fields found: agency, editor, published_at, category, title, lead.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from itemadapter import ItemAdapter

from newsbot.extract.agencies import agency_code
from newsbot.extract.credits import SiteNames
from newsbot.text import (
    first_letter_word,
    fold,
    fold_chars,
    letter_tuple,
    letter_words,
    normalize_space,
    parse_bare_date_line,
    same_text,
    word_tuple,
)
from pipelines.regex_keys import required_keys

DATA_DIR = Path(__file__).resolve().parent.parent / "newsbot" / "data"
DEFAULT_CHROME_FILE = DATA_DIR / "chrome.toml"
AGENCIES_FILE = DATA_DIR / "agencies.toml"  # extraction's list of agency names, when it exists

SETTING = "NEWSBOT_CHROME_FILES"
STAT_PREFIX = "newsbot/chrome/"

# A paragraph with at least this many words counts as article text (a cut heading after it cuts).
ARTICLE_WORDS = 12
# Trailers ("Kaynak: İHA / Editör: X") are short; longer paragraphs are never taken as trailers.
TRAILER_MAX_WORDS = 14
TRAILER_PART_MAX_WORDS = 5
# Lines after a mid-body widget heading that look like links to other stories.
LINK_MAX_WORDS = 16
# Section labels above a title are short.
LABEL_MAX_WORDS = 3
# Short lines recur page after page on a site (trailers, labels, widget lines): the matcher remembers
# its trailer answer for this many recent lines (bounded, so a long crawl's memory stays flat).
TRAILER_MEMO = 4096
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_PART_SPLIT = re.compile(r"\s+[/|]\s+|\s*\|\s*")
_SENTENCE_END = re.compile(r"[.!?…:\"”»)]\s*$")
_PLAIN_SENTENCE_END = re.compile(r"[.!?]\s*$")


class ChromeDataError(ValueError):
    """A chrome phrase file is missing or malformed."""


# -- the rules -------------------------------------------------------------------------------------
def flat(text: str) -> str:
    """`fold()`, and dotless ı read as i: notices, labels and headings are written in many languages, and
    Turkish folding turns the capital I of "Image", "In den Kommentaren" into ı."""
    return fold(text).replace("ı", "i")


@dataclass
class Furniture:
    """Page furniture main-text extraction keeps, the same in any language: the [cross_links], [more_stories],
    [labels], [picture_credits] and [stamps] sections of the phrase data, as read (`_FurnitureMatcher` compiles
    them)."""

    cross_prefixes: list[str] = field(default_factory=list)
    cross_max_words: int = 30
    headings: list[str] = field(default_factory=list)
    heading_prefixes: list[str] = field(default_factory=list)
    heading_max_words: int = 10
    prefix_words: int = 8
    tail_share: float = 0.5
    headline_words: int = 25
    labels: list[str] = field(default_factory=list)
    label_max_words: int = 15
    credits: list[str] = field(default_factory=list)
    credit_max_words: int = 15
    caption_words: int = 40
    stamps: list[str] = field(default_factory=list)  # regular expressions
    stamp_max_words: int = 15

    def add(self, data: dict) -> None:
        """Merge one file's sections: lists add up, a limit given again replaces the one before."""
        cross, more = data.get("cross_links", {}), data.get("more_stories", {})
        labels, credits = data.get("labels", {}), data.get("picture_credits", {})
        stamps = data.get("stamps", {})
        self.stamps += list(stamps.get("patterns", []))
        self.cross_prefixes += list(cross.get("prefixes", []))
        self.headings += list(more.get("headings", []))
        self.heading_prefixes += list(more.get("prefixes", []))
        self.labels += list(labels.get("labels", []))
        self.credits += list(credits.get("labels", []))
        for section, key, name, kind in (
                (cross, "max_words", "cross_max_words", int), (more, "max_words", "heading_max_words", int),
                (more, "prefix_words", "prefix_words", int), (more, "tail_share", "tail_share", float),
                (more, "headline_words", "headline_words", int), (labels, "max_words", "label_max_words", int),
                (credits, "max_words", "credit_max_words", int), (credits, "caption_words", "caption_words", int),
                (stamps, "max_words", "stamp_max_words", int)):
            if key in section:
                setattr(self, name, kind(section[key]))


@dataclass
class ChromeRules:
    """The phrase data, folded and compiled. Build it with `load_rules()`."""

    drop: set[tuple[str, ...]] = field(default_factory=set)
    cut: set[tuple[str, ...]] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)  # flat (see `flat()`)
    patterns: list[re.Pattern] = field(default_factory=list)  # searched in flat text
    max_words: int = 60
    furniture: Furniture = field(default_factory=lambda: Furniture())
    trailers: list[re.Pattern] = field(default_factory=list)
    agencies: dict[str, str] = field(default_factory=dict)  # agency key -> canonical name
    markers: set[str] = field(default_factory=set)  # agency keys that may stand alone as a credit
    sources: list[str] = field(default_factory=list)  # the files read, in order

    def add(self, data: dict, origin: str) -> None:
        """Merge one file's data (a parsed TOML document or the same shape from a .txt file)."""
        try:
            drop, cut = data.get("drop", {}), data.get("cut", {})
            self.drop.update(_phrase(p) for p in drop.get("lines", []) if _phrase(p))
            self.prefixes += [flat(p) for p in drop.get("prefixes", []) if flat(p)]
            # A pattern's ı reads as i, like the text it is searched in (regex syntax has no ı).
            self.patterns += [re.compile(p.replace("ı", "i")) for p in drop.get("patterns", [])]
            self.max_words = int(drop.get("max_words", self.max_words))
            self.furniture.add(data)
            self.cut.update(_phrase(p) for p in cut.get("headings", []) if _phrase(p))
            self.trailers += [re.compile(t["pattern"]) for t in data.get("trailer", [])]
            self._add_agencies(data.get("agencies", {}))
            self.markers.update(_agency_key(n) for n in data.get("markers", {}).get("names", []))
        except (AttributeError, KeyError, TypeError, ValueError, re.error) as exc:
            raise ChromeDataError(f"{origin}: {exc}") from exc
        self.sources.append(origin)

    def _add_agencies(self, table: dict) -> None:
        for name, aliases in table.items():
            if isinstance(aliases, dict):  # [agencies.İHA] aliases = [...] / names = [...]
                name = aliases.get("name", name)
                aliases = aliases.get("aliases", aliases.get("names", []))
            if isinstance(aliases, str):
                aliases = [aliases]
            for alias in [name, *aliases]:
                self.agencies[_agency_key(alias)] = name

    def matcher(self) -> _Matcher:
        """The compiled matcher for these rules (built once; rebuilt if the rules were added to)."""
        cached = getattr(self, "_matcher", None)
        if cached is None or cached[0] != len(self.sources):
            cached = (len(self.sources), _Matcher(self))
            self._matcher = cached
        return cached[1]

    def known_agency(self, value: str) -> bool:
        key = _agency_key(value)
        return key in self.agencies or key.split(" ")[0] in self.markers

    def agency(self, value: str) -> str | None:
        """The canonical agency name for a credit ("IHA", "İhlas Haber Ajansı" → "İHA"), or the value
        itself (cleaned) when the name is not listed."""
        value = normalize_space(value).strip(" .,;:-–()[]")
        if not value:
            return None
        key = _agency_key(value)
        if key in self.agencies:
            return self.agencies[key]
        first = key.split(" ")[0]  # "İHA Ordu" (agency + bureau city)
        if first in self.markers:
            return self.agencies.get(first, value)
        return value


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(letter_words(text))


def _agency_key(text: str) -> str:
    # Loose: Turkish folding, then ı→i so that "IHA" (folded "ıha") and "İHA" meet.
    return " ".join(letter_words(text)).replace("ı", "i")


def _read_txt(path: Path) -> dict:
    """A plain phrase file: `[drop]`, `[cut]`, `[prefix]` (or `[prefixes]`) headers, one phrase a line,
    `#` comments. Lines before any header are drop phrases."""
    data: dict = {"drop": {"lines": [], "prefixes": []}, "cut": {"headings": []}}
    target = data["drop"]["lines"]
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[\s*(\w+)\s*\]", line)
        if header:
            name = header.group(1).lower()
            targets = {"drop": data["drop"]["lines"], "lines": data["drop"]["lines"], "cut": data["cut"]["headings"],
                       "headings": data["cut"]["headings"], "prefix": data["drop"]["prefixes"],
                       "prefixes": data["drop"]["prefixes"]}
            if name not in targets:
                raise ChromeDataError(f"{path}: unknown section [{name}] (use [drop], [cut] or [prefix])")
            target = targets[name]
            continue
        target.append(line)
    return data


def read_chrome_file(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ChromeDataError(f"chrome phrase file not found: {path}")
    if path.suffix == ".txt":
        return _read_txt(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ChromeDataError(f"{path}: {exc}") from exc


def load_rules(extra_files: list[str | Path] | tuple = ()) -> ChromeRules:
    """The bundled phrase data, extraction's agency list if present, then each extra file in order."""
    rules = ChromeRules()
    rules.add(read_chrome_file(DEFAULT_CHROME_FILE), str(DEFAULT_CHROME_FILE))
    if AGENCIES_FILE.is_file():
        # Its shape: [[agency]] code = "İHA", names = [...].
        entries = read_chrome_file(AGENCIES_FILE).get("agency", [])
        rules.add({"agencies": {e["code"]: list(e.get("names", [])) for e in entries if "code" in e}},
                  str(AGENCIES_FILE))
    for path in extra_files:
        rules.add(read_chrome_file(path), str(path))
    return rules


# -- the result ------------------------------------------------------------------------------------
@dataclass
class StripResult:
    body: list[str]
    fields: dict = field(default_factory=dict)  # agency, editor, published_at, category, title, lead
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, paragraph)

    def counts(self) -> dict[str, int]:
        return dict(Counter(rule for rule, _ in self.removed))


# -- matching one paragraph ------------------------------------------------------------------------
def _covered(tokens: tuple[str, ...], phrases: set[tuple[str, ...]], longest: int) -> bool:
    """True when the tokens are a sequence of whole phrases (DP over word positions)."""
    if not tokens:
        return False
    ok = [True] + [False] * len(tokens)
    for end in range(1, len(tokens) + 1):
        for size in range(1, min(longest, end) + 1):
            if ok[end - size] and tokens[end - size:end] in phrases:
                ok[end] = True
                break
    return ok[-1]


def _letters(text: str) -> tuple[str, ...]:
    return tuple(_LETTER_RUNS.findall(flat(text)))


def _alternatives(phrases: list[str]) -> str:
    return "|".join(re.escape(flat(p)) for p in sorted(set(phrases), key=len, reverse=True))


def _label_pattern(labels: list[str]) -> re.Pattern:
    """A paragraph that starts with a label, up to one more word, then ":" ("Foto: …", "Image illustrative : …");
    a label that ends with "." stands alone ("Fot. Name")."""
    colon = _alternatives([x for x in labels if not x.endswith(".")]) or "(?!)"
    dotted = [x for x in labels if x.endswith(".")]
    pattern = r"^[(\s]*(?:(?:" + colon + r")(?:\s+\w+)?\s*:"
    return re.compile(pattern + (r"|(?:" + _alternatives(dotted) + r")\s" if dotted else "") + ")")


def _by_first_word(phrases) -> dict[str, tuple[tuple[str, ...], ...]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            found.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(group) for word, group in found.items()}


def _by_key(patterns: list[re.Pattern]) -> dict[str, list[re.Pattern]]:
    """Patterns by the keys one of which each match holds (`required_keys`). A key that holds a shorter key
    ("our newsletter" holds "newsletter") is present only where that one is: its patterns go under the shorter
    one, so a paragraph costs fewer substring tests."""
    keyed = [(p, required_keys(p.pattern) or ()) for p in patterns]
    hosts: dict[str, str] = {}
    for key in sorted({k for _, keys in keyed for k in keys}, key=len):
        hosts[key] = next((h for h in hosts.values() if h in key), key)
    found: dict[str, list[re.Pattern]] = {}
    for pattern, keys in keyed:
        for host in dict.fromkeys(hosts[k] for k in keys):
            found.setdefault(host, []).append(pattern)
    return found


class _FurnitureMatcher:
    """Tests one short paragraph against the furniture rules (compiled from `Furniture`): links to other stories,
    metadata labels, picture credits, more-stories headings. Only short paragraphs are tested: prose is kept."""

    def __init__(self, rules: Furniture) -> None:
        self.rules = rules
        # fold() writes » and « as '"': a quote then a space is the "»" of "À lire aussi » <headline>" (a quote
        # glued to the next word opens a quotation: "Mira "La casa de papel"" is a sentence).
        self.cross = re.compile(r"^[\W_]*(?:" + (_alternatives(rules.cross_prefixes) or "(?!)")
                                + r")\s*(?:[:>|–-]|\"\s)")
        self.labels = _label_pattern(rules.labels)
        self.credits = _label_pattern(rules.credits)
        self.stamps = [re.compile(p.replace("ı", "i")) for p in rules.stamps]
        self.caption_credit = re.compile(r"\((?:" + (_alternatives(rules.credits) or "(?!)") + r")\s*:[^()]*\)\W*$")
        # Every rule but "©" and the caption credit starts with one of these words: one set lookup rules a
        # paragraph out (most paragraphs start with no such word).
        self.start_words = {t[0] for t in map(_letters, rules.cross_prefixes + rules.labels + rules.credits) if t}
        self.longest = max(rules.cross_max_words, rules.label_max_words, rules.credit_max_words, rules.caption_words,
                           rules.heading_max_words, rules.stamp_max_words)
        self.headings = frozenset(t for t in map(_letters, rules.headings) if t)
        self.heading_prefixes = _by_first_word(map(_letters, rules.heading_prefixes))
        self.headings_by_word = _by_first_word(t for t in map(_letters, rules.headings) if len(t) >= 2)
        self.heading_words = {t[0] for t in map(_letters, rules.headings + rules.heading_prefixes) if t}

    def line(self, text: str, flat_text: str, count: int) -> str | None:
        """The rule a furniture line breaks ("cross_link", "meta_label", "picture_credit", "stamp"), else None.
        `flat_text` is `flat(text)`, `count` its number of words."""
        rules = self.rules
        if count > self.longest:
            return None
        first = _LETTER_RUNS.search(flat_text)
        if first is not None and first.group() in self.start_words:
            if count <= rules.cross_max_words and self.cross.match(flat_text):
                return "cross_link"
            if count <= rules.credit_max_words and self.credits.match(flat_text):
                return "picture_credit"
            if count <= rules.label_max_words and self.labels.match(flat_text):
                return "meta_label"
        if count <= rules.credit_max_words and "©" in flat_text:
            return "picture_credit"
        if count <= rules.caption_words and "(" in flat_text and self.caption_credit.search(flat_text):
            return "picture_credit"
        if count <= rules.stamp_max_words and flat_text[:1].isalnum() and any(p.match(flat_text) for p in self.stamps):
            return "stamp"
        return None

    def heading(self, text: str, flat_text: str, count: int) -> str | None:
        """"listed": one of the listed more-stories headings; "own": a heading with words of its own ("<heading>
        …:", "Mehr zum Thema auf <site>"); None: no such heading."""
        rules = self.rules
        if count > rules.heading_max_words:
            return None
        start = _LETTER_RUNS.search(flat_text)
        if start is None or start.group() not in self.heading_words:
            return None  # cheap test first: most lines start with no heading's first word
        letters = tuple(_LETTER_RUNS.findall(flat_text))
        if letters in self.headings:
            return "listed"
        first = letters[0]
        if first in self.heading_prefixes and len(letters) <= rules.prefix_words and not _PLAIN_SENTENCE_END.search(
                text) and any(letters[: len(h)] == h for h in self.heading_prefixes[first]):
            return "own"
        if first in self.headings_by_word and text.rstrip().endswith(":") and any(
                letters[: len(h)] == h for h in self.headings_by_word[first] if len(h) < len(letters)):
            return "own"
        return None

    def closes_page(self, kind: str, at: int, counts: list[int]) -> bool:
        """A listed heading in the last part of the body, followed by headlines only: the list goes with it."""
        rules = self.rules
        return (kind == "listed" and at >= len(counts) * rules.tail_share
                and all(n <= rules.headline_words for n in counts[at + 1:]))


class _Matcher:
    def __init__(self, rules: ChromeRules) -> None:
        self.rules = rules
        self.all_phrases = rules.drop | rules.cut
        self.longest = max((len(p) for p in self.all_phrases), default=1)
        # Cheap exact pre-checks before the cover DP (most paragraphs are article text): a covered paragraph
        # starts with a phrase's first word, ends with a phrase's last word and uses only phrase words.
        self.first_words = {p[0] for p in self.all_phrases if p}
        self.last_words = {p[-1] for p in self.all_phrases if p}
        self.vocabulary = {w for p in self.all_phrases for w in p}
        self.prefixes = tuple(rules.prefixes)  # str.startswith(tuple) = any(startswith) in one call
        # Each notice pattern runs only when the paragraph holds one of its required texts (most hold none).
        self.always = [p for p in rules.patterns if required_keys(p.pattern) is None]
        self.by_key = _by_key(rules.patterns)
        self.furniture = _FurnitureMatcher(rules.furniture)
        # trailer() is a pure function of the text for these rules (a new matcher is built when rules change).
        self._trailer_memo = functools.lru_cache(maxsize=TRAILER_MEMO)(self._trailer)
        marker_alt = "|".join(sorted((re.escape(m) for m in rules.markers if m), key=len, reverse=True))
        self.tail_marker = re.compile(r"\s+\(?(" + marker_alt + r")\)?\s*$") if marker_alt else None
        self.paren_marker = re.compile(r"\s*\((" + marker_alt + r")\)\s*$") if marker_alt else None

    def widget(self, text: str) -> str | None:
        """'cut' for a widget heading, 'phrase' for other listed chrome, else None."""
        # Most paragraphs fail on their first word: look at it before tokenising the whole paragraph.
        first = first_letter_word(text)
        if first is None or first not in self.first_words:
            return None
        tokens = letter_tuple(text)
        if (tokens[-1] not in self.last_words
                or not self.vocabulary.issuperset(tokens) or not _covered(tokens, self.all_phrases, self.longest)):
            return None
        if tokens in self.rules.cut or not _covered(tokens, self.rules.drop, self.longest):
            return "cut"
        return "phrase"

    def notice(self, text: str, flat_text: str | None = None) -> str | None:
        """"notice" for a paragraph that starts with a notice prefix, "pattern" for a short one a notice pattern
        finds, else None. `flat_text`: `flat(text)` when the caller has it."""
        folded = flat(text) if flat_text is None else flat_text
        if folded.startswith(self.prefixes):
            return "notice"
        # fold() leaves single spaces between words, so counting spaces counts its split() words.
        count = folded.count(" ") + 1 if folded else 0
        if count <= self.rules.max_words and self._pattern_found(folded):
            return "pattern"
        return None

    def _pattern_found(self, folded: str) -> bool:
        if any(p.search(folded) for p in self.always):
            return True
        return any(key in folded and any(p.search(folded) for p in patterns) for key, patterns in self.by_key.items())

    def trailer(self, text: str) -> dict | None:
        """Fields from a trailer paragraph ("HABER KAYNAĞI : İHA", "Kaynak: IHA / Editör: X", "İHA"),
        or None when it is not one."""
        if len(text.split()) > TRAILER_MAX_WORDS:
            return None
        found = self._trailer_memo(text)
        return None if found is None else dict(found)  # a copy: the memo's dict must not change

    def _trailer(self, text: str) -> dict | None:
        found: dict = {}
        matched = False
        for part in _PART_SPLIT.split(text.strip()):
            part = part.strip(" .")
            if not part:
                continue
            got = self._trailer_part(part)
            if got is None:
                if len(part.split()) > TRAILER_PART_MAX_WORDS:
                    return None
                continue
            matched = True
            for key, value in got.items():
                found.setdefault(key, value)
        return found if matched else None

    def _trailer_part(self, part: str) -> dict | None:
        folded = fold_chars(part)
        for pattern in self.rules.trailers:
            match = pattern.fullmatch(folded)
            if match:
                got = {}
                for key, (start, end) in ((k, match.span(k)) for k, v in match.groupdict().items() if v):
                    value = normalize_space(part[start:end]).strip(" .,;")
                    if value:
                        got[key] = self.rules.agency(value) if key == "agency" else value
                return got
        # A bare credit: "İHA", "(DHA)", or an agency and its bureau city ("İHA Ordu").
        tokens = part.split()
        # The shape test first: it is cheap and fails for most parts (folding the first word is not).
        if (len(tokens) == 1 or (len(tokens) == 2 and tokens[1].isalpha() and tokens[1][0].isupper())) and (
            _agency_key(tokens[0].strip("()")) in self.rules.markers
        ):
            return {"agency": self.rules.agency(tokens[0])}
        return None


# -- the stripping ---------------------------------------------------------------------------------
def _upper_count(text: str) -> int:
    return sum(ch.isupper() for ch in text)


def _is_link_like(text: str) -> bool:
    return len(text.split()) <= LINK_MAX_WORDS and not _SENTENCE_END.search(text)


def strip_paragraphs(paragraphs: list[str], title: str = "", lead: str = "", category: str | None = None,
                     rules: ChromeRules | None = None) -> StripResult:
    """Clean an extracted body. Returns the kept paragraphs (text unchanged except a trailing agency
    marker), the fields found (agency, editor, published_at, category, lead when a better copy of the
    lead was in the body) and what was removed by which rule."""
    rules = rules or default_rules()
    matcher = rules.matcher()
    furniture = matcher.furniture
    paras = [q for p in paragraphs if p and (q := normalize_space(p))]
    # Each paragraph's folded words and word count, once: the rules below compare every paragraph with
    # the title, the lead, the category and the kept paragraphs (word tuples: memoised in newsbot.text).
    para_words = [word_tuple(p) for p in paras]
    counts = [p.count(" ") + 1 for p in paras]  # = len(p.split()): normalize_space left single spaces
    result = StripResult(body=[])
    fields = result.fields
    removed = result.removed

    # The lead repeated in the body, possibly in another case (the seed's spot is lower-cased): the
    # best-cased copy becomes the lead. A lead that is only the start of a repeated head paragraph
    # (a meta description cut short) is replaced by that paragraph.
    lead_copies = _lead_copies(para_words, title, lead)
    if lead_copies:
        candidates = [paras[i] for i in lead_copies]
        if lead and same_text(lead, candidates[0]):
            candidates.insert(0, lead)  # on a tie the given lead stays
        best = max(candidates, key=_upper_count)
        if best != lead:
            fields["lead"] = best
        lead = best
    # same_text(para, x) is `para's words and para's words == x's words`; x's words are computed once.
    title_words, lead_words = word_tuple(title), word_tuple(lead)
    category_words = word_tuple(category) if category else ()

    # "Kaynak: Bakanlık verileri" under a table is not a credit: a trailer naming an unknown agency only
    # counts after the last article paragraph.
    last_long = max((i for i, n in enumerate(counts) if n >= ARTICLE_WORDS), default=-1)
    trailers = {}
    for i, para in enumerate(paras):
        # trailer() rejects longer paragraphs itself; checking the count here saves the call.
        got = matcher.trailer(para) if counts[i] <= TRAILER_MAX_WORDS else None
        if got and (i > last_long or not got.get("agency") or rules.known_agency(got["agency"])):
            trailers[i] = got
    trailer_at = list(trailers)
    seen_article = False
    skip_links = False
    kept_keys: set[tuple[str, ...]] = set()
    i = 0
    while i < len(paras):
        para = paras[i]
        pw = para_words[i]
        rule = None
        got = trailers.get(i)
        date_iso, is_date = parse_bare_date_line(para)
        if got:
            rule = "agency_marker" if set(got) == {"agency"} and ":" not in para else "trailer"
            for key, value in got.items():
                fields.setdefault(key, value)
        elif is_date:
            rule = "date_line"
            if date_iso:
                fields.setdefault("published_at", date_iso)
        elif (kind := matcher.widget(para)) == "cut":
            if seen_article and not any(t > i for t in trailer_at):
                _remove_rest(paras, i, trailers, result, "cut_after")
                break
            rule, skip_links = "cut_after", seen_article
        elif kind == "phrase":
            rule = "phrase"
        elif (kind := matcher.notice(para, flat_text := flat(para))) is not None:
            rule = kind
        elif (kind := furniture.line(para, flat_text, counts[i])) is not None:
            rule = kind
        elif (kind := furniture.heading(para, flat_text, counts[i])) is not None:
            if furniture.closes_page(kind, i, counts):
                _remove_rest(paras, i, trailers, result, "more_stories")
                break
            rule = "more_stories"  # a heading with words of its own may introduce the article's links: they stay
        elif first_letter_word(para) is None:
            rule = "no_text"
        elif title and ((pw and pw == title_words) or _title_then_date(para, pw, title_words, fields)):
            rule = "title_repeat"
        elif not seen_article and category and pw and pw == category_words:
            rule = "category_line"
        elif not seen_article and _is_label(para, counts[i]):
            rule = "label"
        elif lead and pw and pw == lead_words:
            rule = "lead_repeat"
        elif pw in kept_keys:
            rule = "duplicate"
        elif skip_links and _is_link_like(para):
            rule = "cut_after"
        if rule:
            removed.append((rule, para))
        else:
            skip_links = False
            result.body.append(para)
            kept_keys.add(pw)
            seen_article = seen_article or counts[i] >= ARTICLE_WORDS
        i += 1

    _strip_tail_markers(result, matcher)
    return result


def _remove_rest(paras: list[str], at: int, trailers: dict[int, dict], result: StripResult, rule: str) -> None:
    """A heading that closes the page (a widget heading, a list of other stories): it and everything after it go,
    counted under `rule`; a trailer among them still gives its fields."""
    for j in range(at, len(paras)):
        got = trailers.get(j)
        for key, value in (got or {}).items():
            result.fields.setdefault(key, value)
        result.removed.append(("trailer" if got else rule, paras[j]))


def _is_label(para: str, count: int) -> bool:
    """A section label above the article ("ASAYİŞ", "SPOR"): one to LABEL_MAX_WORDS upper-case words, no
    digits, no punctuation. Only looked for before the first article paragraph."""
    return count <= LABEL_MAX_WORDS and para.isupper() and all(ch.isalpha() or ch.isspace() for ch in para)


def _lead_copies(para_words: list[tuple[str, ...]], title: str, lead: str) -> list[int]:
    """Indexes of the body paragraphs (given as their word tuples) that are the lead: folded copies of it,
    or a head paragraph that appears twice and starts with the (possibly truncated) lead."""
    lead_words = word_tuple(lead)
    if lead and lead_words:  # same_text(p, lead) needs words on both sides
        copies = [i for i, w in enumerate(para_words) if w == lead_words]
        if copies:
            return copies
    title_words = word_tuple(title)
    for words in para_words[:6]:
        if len(words) < 8 or (title and words == title_words):
            continue
        # The cheap prefix test first (the result does not depend on the order).
        if words[: len(lead_words)] != lead_words:
            continue
        copies = [j for j, w in enumerate(para_words) if w == words]
        if len(copies) >= 2:
            return copies
    return []


def _title_then_date(para: str, para_words: tuple[str, ...], title_words: tuple[str, ...], fields: dict) -> bool:
    """A heading line that is the title followed by the date line ("Başlık 12-07-2025 17:12")."""
    if para_words[: len(title_words)] != title_words or len(para_words) == len(title_words):
        return False
    # Find where the title ends in the original text: after as many word tokens as the title has.
    matches = list(re.finditer(r"\w+", fold_chars(para)))
    rest = para[matches[len(title_words) - 1].end():]
    iso, is_date = parse_bare_date_line(rest)
    if is_date and iso:
        fields.setdefault("published_at", iso)
    return is_date


def _strip_tail_markers(result: StripResult, matcher: _Matcher) -> None:
    """" (DHA)" ending any paragraph, and a bare " İHA" ending the last one, are credits: remove them and
    keep the agency."""
    if matcher.paren_marker is None:
        return
    body = result.body
    for idx, para in enumerate(body):
        last = idx == len(body) - 1
        # Paragraphs are stripped, so the paren pattern (`\)\s*$`) can only match one ending in ")".
        if not last and not para.endswith(")"):
            continue
        pattern = matcher.tail_marker if last else matcher.paren_marker
        match = pattern.search(fold_chars(para))
        if match and match.start() > 0:
            result.fields.setdefault("agency", matcher.rules.agency(para[match.start(1):match.end(1)]))
            result.removed.append(("agency_marker", para[match.start():].strip()))
            body[idx] = para[: match.start()].rstrip()


# -- plain text ------------------------------------------------------------------------------------
def strip_text(text: str, title: str | None = None, rules: ChromeRules | None = None) -> StripResult:
    """Clean plain text (one paragraph per line): find the category label line before the title, the
    title (given, or guessed as the first heading-like line), the lead, the date line and the trailers;
    return the body and those fields."""
    rules = rules or default_rules()
    matcher = rules.matcher()
    lines = [clean for line in text.splitlines() if (clean := normalize_space(line))]
    title_at = _find_title(lines, title, matcher)
    fields: dict = {}
    category = None
    if title_at is not None:
        title = title or lines[title_at]
        fields["title"] = title
        if title_at >= 1 and _looks_like_label(lines[title_at - 1], matcher):
            category = lines[title_at - 1]
            fields["category"] = category
        rest = lines[title_at + 1:]
    else:
        rest = lines
    result = strip_paragraphs(_split_glued_subheadings(rest), title=title or "", category=category, rules=rules)
    lead = result.fields.pop("lead", "")
    if not lead and title_at is not None:
        lead = _lead_before_date(rest, result.body)
        if lead:
            result.body.remove(lead)
    result.fields = {**fields, **({"lead": lead} if lead else {}), **result.fields}
    return result


_LAST_SENTENCE = re.compile(r"[.!?…][\"”’»]?\s+(?=\S)")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"”’»)]*$")


def _split_glued_subheadings(lines: list[str]) -> list[str]:
    """Naive text dumps glue a sub-heading to the end of the paragraph before it ("… konuştu. "Putin, tüm
    ikili anlaşmalara bağlılığını yineledi""): a last sentence of 3-15 words without closing punctuation,
    after a finished sentence, becomes an entry of its own."""
    out = []
    for line in lines:
        ends = list(_LAST_SENTENCE.finditer(line))
        tail = line[ends[-1].end():] if ends else ""
        if tail and 3 <= len(tail.split()) <= 15 and not _ENDS_SENTENCE.search(tail):
            out += [line[: ends[-1].end()].rstrip(), tail]
        else:
            out.append(line)
    return out


def _looks_like_label(line: str, matcher: _Matcher) -> bool:
    return (1 <= len(line.split()) <= 3 and not _SENTENCE_END.search(line) and not parse_bare_date_line(line)[1]
            and matcher.widget(line) is None and matcher.trailer(line) is None)


def _find_title(lines: list[str], title: str | None, matcher: _Matcher) -> int | None:
    if title:
        return next((i for i, line in enumerate(lines) if same_text(line, title)), None)
    for i, line in enumerate(lines[:6]):
        n = len(line.split())
        if (3 <= n <= 25 and not line.endswith(".") and not parse_bare_date_line(line)[1]
                and matcher.widget(line) is None and matcher.notice(line) is None and not matcher.trailer(line)):
            return i
    return None


def _lead_before_date(rest: list[str], body: list[str]) -> str:
    """Without a repeated lead: a paragraph standing between the title and a date line is the lead."""
    for i, line in enumerate(rest[:4]):
        if parse_bare_date_line(line)[1]:
            head = [p for p in rest[:i] if p in body]
            return head[0] if len(head) == 1 else ""
    return ""


_DEFAULT_RULES: ChromeRules | None = None


def default_rules() -> ChromeRules:
    """The bundled rules (read once per process)."""
    global _DEFAULT_RULES
    if _DEFAULT_RULES is None:
        _DEFAULT_RULES = load_rules()
    return _DEFAULT_RULES


# -- the Scrapy pipeline ---------------------------------------------------------------------------
class StripChromePipeline:
    """Strips chrome from each Article's body; trailers fill agency/editor, a date line fills or refines
    published_at, a better-cased lead copy replaces a lower-cased lead. Existing field values win,
    except that a day-only published_at gets the time from a date line of the same day.
    Stats: `newsbot/chrome/<rule>` (paragraphs removed per rule), `newsbot/chrome/items_changed`,
    `newsbot/chrome/field/<name>` (fields filled)."""

    def __init__(self, rules: ChromeRules | None = None, stats=None) -> None:
        self.rules = rules or default_rules()
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        extra = crawler.settings.getlist(SETTING) or []
        return cls(load_rules(extra), crawler.stats)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(STAT_PREFIX + key, count)

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        body = list(adapter.get("body") or [])
        result = strip_paragraphs(body, title=adapter.get("title") or "", lead=adapter.get("lead") or "",
                                  category=adapter.get("category"), rules=self.rules)
        for rule, count in result.counts().items():
            self._inc(rule, count)
        if result.body != body:
            adapter["body"] = result.body
            self._inc("items_changed")
        for name, value in result.fields.items():
            if name not in adapter.field_names():
                continue
            if name == "agency" and not self._agency_credit(value, adapter, result):
                self._inc("not_agency")
                continue
            current = adapter.get(name)
            if name == "lead" or not current or (name == "published_at" and _refines(current, value)):
                adapter[name] = value
                self._inc(f"field/{name}")
        return item


    def _agency_credit(self, value: str, adapter: ItemAdapter, result: StripResult) -> bool:
        """A trailer's agency is kept only when it names an agency (README: "Kaynak: TÜİK" or another
        outlet is none) and the trailer does not name the site itself ("Haber Kaynağı: Anka Postası" on
        ankapostasi.com credits the site's own newsroom, though "Anka" is an agency's name)."""
        if not self.rules.known_agency(value):
            return False
        site = SiteNames.of(url=adapter.get("url") or "")
        if adapter.get("site"):
            site = SiteNames(site.keys | SiteNames.of(url="http://" + adapter["site"]).keys)
        credits = (para.split(":", 1)[-1] for rule, para in result.removed if rule == "trailer")
        return not any(site.named_by(credit) and not agency_code(credit) for credit in credits)


def _refines(current: str, found: str) -> bool:
    """A day-only date ("2025-07-12") gets the time of a date line of the same day."""
    return len(current) == 10 and len(found) > 10 and found.startswith(current)
